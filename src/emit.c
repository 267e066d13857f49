/* SPDX-License-Identifier: MIT */
/*
 * emit.c - jansson trees out as YAML through libyaml's emitter.
 *
 * The only file besides yaml_load.c that includes <yaml.h>. It turns each
 * json_t into libyaml events and lets the emitter do every bit of quoting
 * and escaping, so no value (a newline, ": ", a quote, "---") can change
 * the structure of the output. This file decides only the scalar style:
 * strings that a YAML loader would read as another type are double
 * quoted, multi-line strings use the literal block style, numbers,
 * booleans and null are plain. It does not know about Kubernetes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "emit.h"
#include "err.h"

/* Plain words that YAML 1.1 or 1.2 resolves to null, a boolean or a float. */
static const char *const reserved_words[] = {
	"~",	 "null",  "Null",  "NULL",  "y",    "Y",     "yes",   "Yes",
	"YES",	 "n",	  "N",	   "no",    "No",   "NO",    "true",  "True",
	"TRUE",	 "false", "False", "FALSE", "on",   "On",    "ON",    "off",
	"Off",	 "OFF",	  ".inf",  ".Inf",  ".INF", "+.inf", "+.Inf", "+.INF",
	"-.inf", "-.Inf", "-.INF", ".nan",  ".NaN", ".NAN",  "=",     "<<",
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_numberish_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == ':' ||
	       c == '+' || c == '-';
}

bool am_emit_plain_is_ambiguous(const char *s)
{
	const char *p = s;

	if (!*s || *s == ':' || *s == '?')
		return true; /* empty, or an indicator a reader may trip on */
	if (strchr("~nNyYtTfFoO.+-=<", *s) &&
	    am_str_in(reserved_words, AM_ARRAY_SIZE(reserved_words), s))
		return true;
	/*
	 * Anything that starts like a number and is made only of characters
	 * a number, a version or a timestamp can hold: ints in every base,
	 * floats, sexagesimals, "1e3", "2024-01-02", "1.4.2". Quoting a
	 * string that would have stayed a string is harmless; the reverse
	 * changes its type.
	 */
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.')
		p++;
	if (!is_digit(*p))
		return false;
	for (p = s; *p; p++)
		if (!is_numberish_char(*p))
			return false;
	return true;
}

struct emitter {
	yaml_emitter_t y;
	struct am_buf *out;
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	struct am_buf *out = data;

	am_buf_add(out, buffer, size);
	return 1;
}

static int emit_failed(struct emitter *e, const char *what)
{
	if (e->y.problem)
		return am_error_set(AM_EINVALID, "cannot emit YAML: %s",
				    e->y.problem);
	return am_error_set(AM_EINVALID, "cannot emit YAML: %s", what);
}

static int emit_event(struct emitter *e, yaml_event_t *ev)
{
	if (!yaml_emitter_emit(&e->y, ev))
		return emit_failed(e, "emitter error");
	return 0;
}

static int emit_scalar(struct emitter *e, const char *text, size_t len,
		       yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
					  (int)len, 1, 1, style))
		return am_error_set(
			AM_EINVALID,
			"cannot emit YAML: a value is not valid UTF-8");
	return emit_event(e, &ev);
}

static int emit_string(struct emitter *e, const char *s, size_t len)
{
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

	if (memchr(s, '\0', len))
		return am_error_set(
			AM_EINVALID,
			"cannot emit YAML: a value contains a NUL byte");
	if (memchr(s, '\n', len))
		style = YAML_LITERAL_SCALAR_STYLE;
	else if (am_emit_plain_is_ambiguous(s))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	return emit_scalar(e, s, len, style);
}

/* The shortest text that reads back as the same double, still a float. */
static void format_real(char *buf, size_t size, double d)
{
	int prec;

	if (isnan(d)) {
		snprintf(buf, size, ".nan");
		return;
	}
	if (isinf(d)) {
		snprintf(buf, size, d < 0 ? "-.inf" : ".inf");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (!strpbrk(buf, ".eE"))
		strncat(buf, ".0", size - strlen(buf) - 1);
}

static int emit_value(struct emitter *e, json_t *v);

static int emit_object(struct emitter *e, json_t *v)
{
	yaml_event_t ev;
	const char *key;
	json_t *item;
	int ret;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
					    YAML_BLOCK_MAPPING_STYLE);
	if ((ret = emit_event(e, &ev)))
		return ret;
	json_object_foreach(v, key, item)
	{
		if ((ret = emit_string(e, key, strlen(key))) ||
		    (ret = emit_value(e, item)))
			return ret;
	}
	yaml_mapping_end_event_initialize(&ev);
	return emit_event(e, &ev);
}

static int emit_array(struct emitter *e, json_t *v)
{
	yaml_event_t ev;
	size_t i;
	json_t *item;
	int ret;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
					     YAML_BLOCK_SEQUENCE_STYLE);
	if ((ret = emit_event(e, &ev)))
		return ret;
	json_array_foreach(v, i, item)
	{
		if ((ret = emit_value(e, item)))
			return ret;
	}
	yaml_sequence_end_event_initialize(&ev);
	return emit_event(e, &ev);
}

static int emit_value(struct emitter *e, json_t *v)
{
	char buf[64];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return emit_object(e, v);
	case JSON_ARRAY:
		return emit_array(e, v);
	case JSON_STRING:
		return emit_string(e, json_string_value(v),
				   json_string_length(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return emit_scalar(e, buf, strlen(buf),
				   YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL:
		format_real(buf, sizeof(buf), json_real_value(v));
		return emit_scalar(e, buf, strlen(buf),
				   YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE:
		return emit_scalar(e, "true", 4, YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return emit_scalar(e, "false", 5, YAML_PLAIN_SCALAR_STYLE);
	case JSON_NULL:
		return emit_scalar(e, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	}
	AM_BUG("unknown json type %d", (int)json_typeof(v));
}

static int emit_stream(struct emitter *e, json_t *const *docs, size_t n)
{
	yaml_event_t ev;
	size_t i;
	int ret;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if ((ret = emit_event(e, &ev)))
		return ret;
	for (i = 0; i < n; i++) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
		if ((ret = emit_event(e, &ev)) ||
		    (ret = emit_value(e, docs[i])))
			return ret;
		yaml_document_end_event_initialize(&ev, 1);
		if ((ret = emit_event(e, &ev)))
			return ret;
	}
	yaml_stream_end_event_initialize(&ev);
	if ((ret = emit_event(e, &ev)))
		return ret;
	if (!yaml_emitter_flush(&e->y))
		return emit_failed(e, "cannot flush");
	return 0;
}

int am_emit_docs(struct am_buf *out, json_t *const *docs, size_t n)
{
	struct am_buf tmp = AM_BUF_INIT;
	struct emitter e;
	int ret;

	if (!yaml_emitter_initialize(&e.y))
		return am_error_set(AM_ERROR,
				    "cannot initialize the YAML emitter");
	e.out = &tmp;
	yaml_emitter_set_output(&e.y, write_handler, &tmp);
	yaml_emitter_set_unicode(&e.y, 1);
	yaml_emitter_set_indent(&e.y, 2);
	yaml_emitter_set_width(&e.y, -1);
	yaml_emitter_set_break(&e.y, YAML_LN_BREAK);
	ret = emit_stream(&e, docs, n);
	yaml_emitter_delete(&e.y);
	if (!ret)
		am_buf_add(out, tmp.buf, tmp.len);
	am_buf_release(&tmp);
	return ret;
}
