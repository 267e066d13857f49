/* SPDX-License-Identifier: MIT */
/*
 * spec_node.c - typed, positioned access to argomig.yaml's tree.
 *
 * The generic half of spec parsing: JSON Pointers and dotted paths,
 * compiler-style messages at the offending key, "did you mean" for
 * unknown keys, and getters for strings, integers, booleans and
 * durations. What the fields mean is spec.c's business.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "spec_node.h"
#include "util.h"

/* --- messages ----------------------------------------------------------- */

static int sparser_verr(const struct am_sparser *p, const char *ptr,
			const char *fmt, va_list ap)
{
	struct am_loc key = {0, 0};

	if (ptr)
		am_locmap_get(p->locs, ptr, &key, NULL);
	return am_error_vat(p->file, key.line, key.col, fmt, ap);
}

/* An error at the key of node 'ptr' (or at the file when NULL). */
int am_sparser_err(const struct am_sparser *p, const char *ptr, const char *fmt,
		   ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = sparser_verr(p, ptr, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * A short, one-line, quoted rendering of a value for "(got ...)": strings
 * JSON-quoted (so a newline shows as \n), long ones cut.
 */
char *am_sparser_show(const json_t *v)
{
	char *s, *out;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return xstrdup("a mapping");
	case JSON_ARRAY:
		return xstrdup("a list");
	case JSON_NULL:
		return xstrdup("null");
	default:
		break;
	}
	s = json_dumps(v, JSON_ENCODE_ANY);
	if (!s)
		return xstrdup("?");
	if (strlen(s) > 60)
		out = xasprintf("%.56s...\"", s);
	else
		out = xstrdup(s);
	free(s);
	return out;
}

int am_sparser_must_be(const struct am_sparser *p, const struct am_snode *n,
		       const char *what, const char *tail)
{
	char *got = am_sparser_show(n->v);
	int ret = am_sparser_err(p, n->ptr, "%s must be %s (got %s)%s",
				 n->path, what, got, tail);

	free(got);
	return ret;
}

/* --- "did you mean" ----------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, ret;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	row = xmalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best;
			int ca = a[i - 1], cb = b[j - 1];

			if (ca >= 'A' && ca <= 'Z')
				ca += 'a' - 'A';
			if (cb >= 'A' && cb <= 'Z')
				cb += 'a' - 'A';
			best = diag + (ca != cb);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	ret = row[lb];
	free(row);
	return ret;
}

static const char *suggest(const char *key, const char *const *allowed)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, i;

	for (i = 0; allowed[i]; i++) {
		size_t d = edit_distance(key, allowed[i]);
		size_t len = strlen(allowed[i]);

		if (d < best_d && d <= (len < 6 ? 1 : len / 3)) {
			best = allowed[i];
			best_d = d;
		}
	}
	return best;
}

/* --- nodes -------------------------------------------------------------- */

void am_snode_root(struct am_snode *n, json_t *v)
{
	n->v = v;
	n->ptr[0] = '\0';
	n->path[0] = '\0';
}

/* Appends 'key' to a JSON Pointer, escaping '~' and '/' (RFC 6901). */
static void ptr_append(char *dst, size_t size, const char *key)
{
	size_t len = strlen(dst);

	if (len + 1 < size)
		dst[len++] = '/';
	for (; *key && len + 2 < size; key++) {
		if (*key == '~' || *key == '/') {
			dst[len++] = '~';
			dst[len++] = *key == '~' ? '0' : '1';
		} else {
			dst[len++] = *key;
		}
	}
	dst[len] = '\0';
}

/* Appends the strings of the NULL-terminated list to 'dst', cut at 'size'. */
static void cat(char *dst, size_t size, ...)
{
	size_t len = strlen(dst);
	const char *s;
	va_list ap;

	va_start(ap, size);
	while ((s = va_arg(ap, const char *)))
		for (; *s && len + 1 < size; s++)
			dst[len++] = *s;
	va_end(ap);
	dst[len] = '\0';
}

void am_snode_child(struct am_snode *c, const struct am_snode *parent,
		    const char *key)
{
	c->v = parent->v ? json_object_get(parent->v, key) : NULL;
	c->ptr[0] = c->path[0] = '\0';
	cat(c->ptr, sizeof(c->ptr), parent->ptr, (char *)NULL);
	ptr_append(c->ptr, sizeof(c->ptr), key);
	cat(c->path, sizeof(c->path), parent->path, parent->path[0] ? "." : "",
	    key, (char *)NULL);
}

void am_snode_item(struct am_snode *c, const struct am_snode *parent, size_t i)
{
	char idx[32], br[40];

	c->v = json_array_get(parent->v, i);
	snprintf(idx, sizeof(idx), "%zu", i);
	snprintf(br, sizeof(br), "[%zu]", i);
	c->ptr[0] = c->path[0] = '\0';
	cat(c->ptr, sizeof(c->ptr), parent->ptr, (char *)NULL);
	ptr_append(c->ptr, sizeof(c->ptr), idx);
	cat(c->path, sizeof(c->path), parent->path, br, (char *)NULL);
}

/* The pointer to report a node at: itself, or its parent when absent. */
const char *am_snode_where(const struct am_snode *n,
			   const struct am_snode *parent)
{
	if (n->v)
		return n->ptr;
	return parent ? parent->ptr : NULL;
}

/*
 * Checks that 'n' is a mapping (absent is fine unless 'required') whose
 * keys are all in 'allowed' (NULL-terminated).
 */
int am_sparser_mapping(const struct am_sparser *p, const struct am_snode *n,
		       const struct am_snode *parent, bool required,
		       const char *const *allowed)
{
	const char *key;
	json_t *item;

	if (!n->v) {
		if (required)
			return am_sparser_err(p, am_snode_where(n, parent),
					      "%s is required", n->path);
		return 0;
	}
	if (!json_is_object(n->v))
		return am_sparser_must_be(p, n, "a mapping", "");
	json_object_foreach(n->v, key, item)
	{
		struct am_snode c;
		const char *hint;
		size_t i;

		for (i = 0; allowed[i]; i++)
			if (!strcmp(key, allowed[i]))
				break;
		if (allowed[i])
			continue;
		am_snode_child(&c, n, key);
		hint = suggest(key, allowed);
		if (hint)
			return am_sparser_err(
				p, c.ptr,
				"unknown key '%s' in %s (did you mean '%s'?)",
				key, n->path[0] ? n->path : "the spec", hint);
		return am_sparser_err(p, c.ptr, "unknown key '%s' in %s", key,
				      n->path[0] ? n->path : "the spec");
	}
	return 0;
}

bool am_spec_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/*
 * A string field. Absent: *out = xstrdup(def), or an error when 'def' is
 * NULL and the field is required. Strings must be one line.
 */
int am_sparser_string(const struct am_sparser *p, const struct am_snode *parent,
		      const char *key, const char *def, bool required,
		      char **out)
{
	struct am_snode n;
	const char *s;

	am_snode_child(&n, parent, key);
	if (!n.v || json_is_null(n.v)) {
		if (required && !def)
			return am_sparser_err(p, am_snode_where(&n, parent),
					      "%s is required", n.path);
		*out = def ? xstrdup(def) : NULL;
		return 0;
	}
	if (!json_is_string(n.v))
		return am_sparser_must_be(p, &n, "a string",
					  ": quote the value");
	s = json_string_value(n.v);
	if (strlen(s) != json_string_length(n.v) || am_spec_has_control(s))
		return am_sparser_must_be(p, &n,
					  "one line of text without control "
					  "characters",
					  "");
	if (!*s)
		return am_sparser_err(p, n.ptr, "%s must not be empty", n.path);
	*out = xstrdup(s);
	return 0;
}

int am_sparser_int(const struct am_sparser *p, const struct am_snode *parent,
		   const char *key, long def, long min, long max,
		   const char *range, long *out)
{
	struct am_snode n;
	json_int_t v;

	am_snode_child(&n, parent, key);
	if (!n.v || json_is_null(n.v)) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(n.v) || (v = json_integer_value(n.v)) < min ||
	    v > max)
		return am_sparser_must_be(p, &n, range, "");
	*out = (long)v;
	return 0;
}

int am_sparser_bool(const struct am_sparser *p, const struct am_snode *parent,
		    const char *key, bool def, bool *out)
{
	struct am_snode n;

	am_snode_child(&n, parent, key);
	if (!n.v || json_is_null(n.v)) {
		*out = def;
		return 0;
	}
	if (!json_is_boolean(n.v))
		return am_sparser_must_be(p, &n, "true or false", "");
	*out = json_is_true(n.v);
	return 0;
}

/*
 * Parses a duration such as "15m", "90s", "1h30m" into seconds. Returns
 * -1 if it is not one.
 */
long am_spec_parse_duration(const char *s)
{
	long total = 0;
	bool any = false;

	while (*s) {
		long v = 0, mult;

		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s++ - '0');
			if (v > 1000000)
				return -1;
		}
		switch (*s++) {
		case 'h':
			mult = 3600;
			break;
		case 'm':
			mult = 60;
			break;
		case 's':
			mult = 1;
			break;
		default:
			return -1;
		}
		total += v * mult;
		if (total > 100000000)
			return -1;
		any = true;
	}
	return any ? total : -1;
}

int am_sparser_duration(const struct am_sparser *p,
			const struct am_snode *parent, const char *key,
			long def, long min, long max, const char *range,
			long *out)
{
	struct am_snode n;
	long v;

	am_snode_child(&n, parent, key);
	if (!n.v || json_is_null(n.v)) {
		*out = def;
		return 0;
	}
	if (!json_is_string(n.v) ||
	    (v = am_spec_parse_duration(json_string_value(n.v))) < 0)
		return am_sparser_must_be(p, &n,
					  "a duration such as \"90s\", \"15m\" "
					  "or \"1h30m\"",
					  "");
	if (v < min || v > max)
		return am_sparser_must_be(p, &n, range, "");
	*out = v;
	return 0;
}
