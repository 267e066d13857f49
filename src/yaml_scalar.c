/* SPDX-License-Identifier: MIT */
/*
 * yaml_scalar.c - YAML 1.1 resolution of plain scalars, as Kubernetes
 * reads them.
 *
 * Pure text-to-JSON; the YAML loader calls it for every plain scalar
 * that is not a mapping key. It does not know about libyaml.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "yaml_scalar.h"

static bool is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* An integer as go-yaml v2 (and so Kubernetes) reads a plain scalar. */
static bool parse_int(const char *s, json_int_t *out)
{
	char clean[72], *end;
	const char *p;
	size_t n = 0;
	int base = 10;
	long long v;
	bool neg = false;

	for (p = s; *p; p++) {
		if (*p == '_')
			continue;
		if (n + 1 >= sizeof(clean))
			return false;
		clean[n++] = *p;
	}
	clean[n] = '\0';
	p = clean;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		return false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p += 1;
	}
	if (!*p || *p == '+' || *p == '-')
		return false;
	errno = 0;
	v = strtoll(p, &end, base);
	if (*end || errno)
		return false;
	*out = neg ? -v : v;
	return true;
}

static bool parse_float(const char *s, double *out)
{
	static const char *const inf[] = { ".inf", ".Inf", ".INF", "+.inf",
					   "+.Inf", "+.INF", NULL };
	static const char *const ninf[] = { "-.inf", "-.Inf", "-.INF", NULL };
	static const char *const nan[] = { ".nan", ".NaN", ".NAN", NULL };
	const char *p;
	char *end;
	bool digit = false;

	if (is_one_of(s, inf) || is_one_of(s, ninf) || is_one_of(s, nan))
		return false;	/* JSON has no such numbers: keep the text */
	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if (!strchr("+-.eE", *p))
			return false;
	}
	if (!digit)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return !*end && !errno && isfinite(*out);
}

/*
 * Most scalars are names and words: only a few first characters can
 * start anything but a string, so look at the first one before comparing.
 */
json_t *am_yaml_scalar_resolve(const char *s, size_t len)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "y", "Y", "yes", "Yes", "YES",
					     "true", "True", "TRUE", "on",
					     "On", "ON", NULL };
	static const char *const falses[] = { "n", "N", "no", "No", "NO",
					      "false", "False", "FALSE", "off",
					      "Off", "OFF", NULL };
	json_int_t i;
	double d;

	if (!len)
		return json_null();
	if (len <= 5 && strchr("~nNyYtTfFoO", s[0])) {
		if (is_one_of(s, nulls))
			return json_null();
		if (is_one_of(s, trues))
			return json_true();
		if (is_one_of(s, falses))
			return json_false();
	}
	if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' ||
	    s[0] == '.') {
		if (parse_int(s, &i))
			return json_integer(i);
		if (parse_float(s, &d))
			return json_real(d);
	}
	/* libyaml has already checked the UTF-8 */
	return json_stringn_nocheck(s, len);
}

