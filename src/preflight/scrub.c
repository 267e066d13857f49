/* SPDX-License-Identifier: MIT */
/*
 * scrub.c - masking passwords in text before it leaves the process.
 *
 * Finds password values by position (a "password" keyword followed by
 * '=', the userinfo of a URI) and by content (secrets registered with
 * am_scrub_add). It never decides what to print; it only masks.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "preflight/scrub.h"
#include "util.h"

struct span {
	size_t start, end;	/* [start, end) */
};

struct spans {
	struct span *items;
	size_t n, alloc;
};

void am_scrub_release(struct am_scrub *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->secrets[i]);
	free(s->secrets);
	s->secrets = NULL;
	s->n = s->alloc = 0;
}

void am_scrub_add(struct am_scrub *s, const char *secret)
{
	size_t i, len;

	if (!secret || !*secret)
		return;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->secrets[i], secret))
			return;
	len = strlen(secret);
	AM_GROW(s->secrets, s->alloc, s->n + 1);
	/* keep longest first, so a secret containing another goes first */
	for (i = s->n; i > 0 && strlen(s->secrets[i - 1]) < len; i--)
		s->secrets[i] = s->secrets[i - 1];
	s->secrets[i] = xstrdup(secret);
	s->n++;
}

static void spans_add(struct spans *sp, size_t start, size_t end)
{
	if (end <= start)
		return;
	AM_GROW(sp->items, sp->alloc, sp->n + 1);
	sp->items[sp->n].start = start;
	sp->items[sp->n].end = end;
	sp->n++;
}

static bool value_end_char(int c)
{
	return c == '\0' || isspace(c) || c == '&' || c == '"' || c == ',' ||
	       c == ';' || c == ')';
}

static const char *find_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return hay;
	return NULL;
}

/* After "password" [spaces] '=' [spaces]: the value, quoted or not. */
static void find_keyword_values(const char *t, struct spans *sp)
{
	const char *p = t, *v, *e;

	while ((p = find_nocase(p, "password"))) {
		v = p + strlen("password");
		p = v;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '=')
			continue;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == '\'') {
			for (e = v + 1; *e && *e != '\''; e++)
				if (*e == '\\' && e[1])
					e++;
			if (*e == '\'')
				e++;
		} else {
			for (e = v; !value_end_char((unsigned char)*e); e++)
				;
		}
		spans_add(sp, (size_t)(v - t), (size_t)(e - t));
		p = e;
	}
}

/* scheme://user:PASSWORD@host: the span of PASSWORD. */
static void find_uri_passwords(const char *t, struct spans *sp)
{
	const char *p = t, *auth, *end, *at, *colon, *q;

	while ((p = strstr(p, "://"))) {
		auth = p + 3;
		for (end = auth; *end && *end != '/' && *end != '?' &&
				 *end != '#' && !isspace((unsigned char)*end) &&
				 *end != '"' && *end != '\'';
		     end++)
			;
		at = NULL;
		for (q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		if (at) {
			colon = memchr(auth, ':', (size_t)(at - auth));
			if (colon)
				spans_add(sp, (size_t)(colon + 1 - t),
					  (size_t)(at - t));
		}
		p = auth;
	}
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Percent-decoded copy (also '+' as space when plus is set); NULL if bad. */
static char *pct_decode(const char *s, size_t len, bool plus)
{
	struct am_buf b = AM_BUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && am_hexval(s[i + 1]) >= 0 &&
		    am_hexval(s[i + 2]) >= 0) {
			am_buf_addch(&b, am_hexval(s[i + 1]) * 16 +
					 am_hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '+' && plus) {
			am_buf_addch(&b, ' ');
		} else {
			am_buf_addch(&b, s[i]);
		}
	}
	return am_buf_detach(&b);
}

/* A conninfo value 'x\'y' -> x'y. */
static char *unquote(const char *s, size_t len)
{
	struct am_buf b = AM_BUF_INIT;
	size_t i;

	if (len < 2 || s[0] != '\'')
		return xstrndup(s, len);
	for (i = 1; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			am_buf_addch(&b, s[++i]);
			continue;
		}
		if (s[i] == '\'')
			break;
		am_buf_addch(&b, s[i]);
	}
	return am_buf_detach(&b);
}

void am_scrub_add_from(struct am_scrub *s, const char *conninfo)
{
	struct spans sp = { NULL, 0, 0 };
	size_t i, len;
	const char *v;
	char *x;

	if (!conninfo)
		return;
	find_keyword_values(conninfo, &sp);
	find_uri_passwords(conninfo, &sp);
	for (i = 0; i < sp.n; i++) {
		v = conninfo + sp.items[i].start;
		len = sp.items[i].end - sp.items[i].start;
		x = xstrndup(v, len);
		am_scrub_add(s, x);
		free(x);
		x = unquote(v, len);
		am_scrub_add(s, x);
		free(x);
		x = pct_decode(v, len, false);
		am_scrub_add(s, x);
		free(x);
		x = pct_decode(v, len, true);
		am_scrub_add(s, x);
		free(x);
	}
	free(sp.items);
}

char *am_scrub(const struct am_scrub *s, const char *text)
{
	struct am_buf b = AM_BUF_INIT, out = AM_BUF_INIT;
	struct spans sp = { NULL, 0, 0 };
	const char *p, *hit, *best;
	size_t i, bestlen = 0, pos, start;

	/* 1: known secrets, leftmost-longest, anywhere in the text */
	p = text;
	while (*p) {
		best = NULL;
		for (i = 0; i < s->n; i++) {
			hit = strstr(p, s->secrets[i]);
			if (hit && (!best || hit < best)) {
				best = hit;
				bestlen = strlen(s->secrets[i]);
			}
		}
		if (!best) {
			am_buf_adds(&b, p);
			break;
		}
		am_buf_add(&b, p, (size_t)(best - p));
		am_buf_adds(&b, AM_SCRUB_MASK);
		p = best + bestlen;
	}
	/* 2: whatever still looks like a password value */
	find_keyword_values(b.buf, &sp);
	find_uri_passwords(b.buf, &sp);
	if (sp.n)
		qsort(sp.items, sp.n, sizeof(*sp.items), span_cmp);
	pos = 0;
	for (i = 0; i < sp.n; i++) {
		start = sp.items[i].start > pos ? sp.items[i].start : pos;
		if (sp.items[i].end <= pos)
			continue;
		am_buf_add(&out, b.buf + pos, start - pos);
		am_buf_adds(&out, AM_SCRUB_MASK);
		pos = sp.items[i].end;
	}
	am_buf_adds(&out, b.buf + pos);
	free(sp.items);
	am_buf_release(&b);
	return am_buf_detach(&out);
}
