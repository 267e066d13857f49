/* SPDX-License-Identifier: MIT */
/*
 * sqltext.c - a SQL migration's text before and around the parser.
 *
 * Checks the bytes (no NUL, valid UTF-8), blanks a byte order mark, psql
 * meta-commands and Flyway placeholders without moving any byte, maps
 * byte offsets to 1-based lines and columns, classifies each statement
 * by its first keywords, and picks the "argomig:" and "flyway:" comments
 * out of the comment tokens. It does not call libpg_query (sqlfile.c
 * does, and hands the statement and comment offsets here) and does not
 * build trees (sqltree.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlfile_int.h"
#include "util.h"

/* ---- positions ---------------------------------------------------------- */

static void index_lines(struct am_sqlfile *f)
{
	const char *p = f->text, *end = f->text + f->len;
	size_t alloc = 0;

	AM_GROW(f->lines, alloc, 1);
	f->lines[f->nlines++] = 0;
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		p++;
		AM_GROW(f->lines, alloc, f->nlines + 1);
		f->lines[f->nlines++] = (size_t)(p - f->text);
	}
}

void am_sqlfile_linecol(const struct am_sqlfile *f, size_t off, int *line,
			int *col)
{
	size_t lo = 0, hi = f->nlines, i, c = 1;

	if (off > f->len)
		off = f->len;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (i = f->lines[lo]; i < off; i++)
		if (((unsigned char)f->text[i] & 0xc0) != 0x80)
			c++;
	*line = (int)lo + 1;
	*col = (int)c;
}

void am_sqlstmt_node_pos(const struct am_sqlstmt *s,
			 const struct am_sqlnode *node, int *line, int *col)
{
	const struct am_sqlnode *loc = am_sqlnode_get(node, "location");

	if (!loc || loc->type != AM_SQLN_INT || loc->ival < 0) {
		*line = s->line;
		*col = s->col;
		return;
	}
	am_sqlfile_linecol(s->file, s->start + (size_t)loc->ival, line, col);
}

/* ---- preparing the text ------------------------------------------------- */

void am_sqltext_add_error(struct am_sqlfile *f, size_t off, const char *fmt,
			  ...)
{
	struct am_sqlerror *e;
	va_list ap;

	f->errors = xrealloc(f->errors, (f->nerrors + 1) * sizeof(*f->errors));
	e = &f->errors[f->nerrors++];
	am_sqlfile_linecol(f, off, &e->line, &e->col);
	va_start(ap, fmt);
	e->message = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Length of the UTF-8 sequence at p (n bytes left), or 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* Reports the first NUL byte or invalid UTF-8 sequence; true if clean. */
static bool check_bytes(struct am_sqlfile *f)
{
	const unsigned char *p = (const unsigned char *)f->text;
	size_t i = 0, n;

	while (i < f->len) {
		/* Eight ASCII bytes without a NUL at a time. */
		while (i + 8 <= f->len) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ULL) ||
			    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
				break;
			i += 8;
		}
		if (i >= f->len)
			break;
		if (p[i] == 0) {
			am_sqltext_add_error(f, i, "file contains a NUL byte");
			return false;
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_len(p + i, f->len - i);
		if (!n) {
			am_sqltext_add_error(f, i, "file is not valid UTF-8");
			return false;
		}
		i += n;
	}
	return true;
}

/*
 * A UTF-8 byte order mark and psql meta-command lines become blanks;
 * Flyway placeholders ${name} become "x" repeated (a plain identifier of
 * the same length). Nothing moves.
 */
static void neutralize(struct am_sqlfile *f)
{
	char *t = f->text;
	size_t i, j;

	if (f->len >= 3 && !memcmp(t, "\xef\xbb\xbf", 3))
		memset(t, ' ', 3);
	for (i = 0; i < f->len; i++) {
		if (t[i] != '\\' && t[i] != '$') {
			i += strcspn(t + i, "\\$");
			if (i >= f->len)
				break;
		}
		if (t[i] == '\\' && (i == 0 || t[i - 1] == '\n')) {
			for (j = i; j < f->len && t[j] != '\n'; j++)
				t[j] = ' ';
			i = j;
			continue;
		}
		if (t[i] != '$' || i + 2 >= f->len || t[i + 1] != '{')
			continue;
		for (j = i + 2; j < f->len && t[j] != '}' && t[j] != '\n' &&
				t[j] != '$' && t[j] != '{';
		     j++)
			;
		if (j >= f->len || t[j] != '}' || j == i + 2)
			continue;
		memset(t + i, 'x', j - i + 1);
		i = j;
	}
}

bool am_sqltext_prepare(struct am_sqlfile *f)
{
	index_lines(f);
	if (!check_bytes(f))
		return false;
	neutralize(f);
	return true;
}

/* Skips blanks and comments from 'off'; returns the next token's offset. */
static size_t skip_blank(const struct am_sqlfile *f, size_t off, size_t end)
{
	const char *t = f->text;

	while (off < end) {
		if (isspace((unsigned char)t[off])) {
			off++;
		} else if (t[off] == '-' && off + 1 < end && t[off + 1] == '-') {
			while (off < end && t[off] != '\n')
				off++;
		} else if (t[off] == '/' && off + 1 < end && t[off + 1] == '*') {
			int depth = 1;

			off += 2;
			while (off < end && depth) {
				if (t[off] == '*' && off + 1 < end &&
				    t[off + 1] == '/')
					depth--, off += 2;
				else if (t[off] == '/' && off + 1 < end &&
					 t[off + 1] == '*')
					depth++, off += 2;
				else
					off++;
			}
		} else {
			break;
		}
	}
	return off;
}

/* The keyword at 'off' (letters and '_'), upper-cased into buf. */
static size_t keyword(const struct am_sqlfile *f, size_t off, size_t end,
		      char *buf, size_t size)
{
	size_t n = 0;

	while (off + n < end &&
	       (isalpha((unsigned char)f->text[off + n]) ||
		f->text[off + n] == '_')) {
		if (n + 1 < size)
			buf[n] = (char)toupper((unsigned char)f->text[off + n]);
		n++;
	}
	buf[n < size ? n : size - 1] = '\0';
	return n;
}

static bool word_in(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

/*
 * Classifies a statement by its first keywords: a filter only, so that
 * statements no rule looks at (INSERT, GRANT, CREATE FUNCTION...) are
 * never turned into trees. When unsure, AM_LEAD_OTHER.
 */
static enum am_sqllead classify(const struct am_sqlfile *f, size_t off,
				size_t end)
{
	static const char *const inert[] = {
		"INSERT", "COMMENT", "GRANT", "REVOKE", "DO", "COPY",
		"ANALYZE", "ANALYSE", "VALUES", "CALL", "NOTIFY", "LISTEN",
		"PREPARE", "EXECUTE", "DEALLOCATE", "DECLARE", "FETCH", "SHOW",
		"EXPLAIN", "SECURITY", "CHECKPOINT", "LOAD", NULL
	};
	static const char *const inert_create[] = {
		"FUNCTION", "PROCEDURE", "VIEW", "SCHEMA", "EXTENSION", "TYPE",
		"SEQUENCE", "DOMAIN", "ROLE", "USER", "GROUP", "COLLATION",
		"AGGREGATE", "OPERATOR", "CAST", "TEXT", "LANGUAGE",
		"PUBLICATION", "SERVER", "FOREIGN", "STATISTICS", "EVENT",
		"RECURSIVE", "TRANSFORM",
		"CONVERSION", "DEFAULT", "ACCESS", NULL
	};
	static const char *const txn[] = {
		"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", NULL
	};
	char w[32], w2[32], w3[32];
	size_t n;

	n = keyword(f, off, end, w, sizeof(w));
	if (!n)
		return AM_LEAD_OTHER;
	off = skip_blank(f, off + n, end);
	n = keyword(f, off, end, w2, sizeof(w2));
	off = skip_blank(f, off + n, end);
	keyword(f, off, end, w3, sizeof(w3));
	if (word_in(w, inert))
		return AM_LEAD_INERT;
	if (word_in(w, txn))
		return AM_LEAD_TXN;
	if (!strcmp(w, "ALTER"))
		return AM_LEAD_ALTER;
	if (!strcmp(w, "DROP"))
		return AM_LEAD_DROP;
	if (!strcmp(w, "SET") || !strcmp(w, "RESET"))
		return AM_LEAD_SET;
	if (!strcmp(w, "SELECT"))
		return AM_LEAD_SELECT;
	if (!strcmp(w, "UPDATE") || !strcmp(w, "DELETE") ||
	    !strcmp(w, "WITH") || !strcmp(w, "MERGE"))
		return AM_LEAD_DML;
	if (strcmp(w, "CREATE"))
		return AM_LEAD_OTHER;
	if (!strcmp(w2, "INDEX") ||
	    (!strcmp(w2, "UNIQUE") && !strcmp(w3, "INDEX"))) {
		/* CREATE [UNIQUE] INDEX CONCURRENTLY: the grammar's only order. */
		char w4[32];

		if (!strcmp(w2, "UNIQUE"))
			off = skip_blank(f, off + strlen(w3), end);
		keyword(f, off, end, w4, sizeof(w4));
		return !strcmp(!strcmp(w2, "UNIQUE") ? w4 : w3, "CONCURRENTLY")
			       ? AM_LEAD_CREATE_INDEX_CONCURRENTLY
			       : AM_LEAD_CREATE_INDEX;
	}
	if (!strcmp(w2, "TABLE") ||
	    ((!strcmp(w2, "UNLOGGED") || !strcmp(w2, "TEMP") ||
	      !strcmp(w2, "TEMPORARY")) &&
	     !strcmp(w3, "TABLE")))
		return AM_LEAD_CREATE_TABLE;
	if (!strcmp(w2, "OR") && !strcmp(w3, "REPLACE")) {
		char w4[32];

		off = skip_blank(f, off + strlen(w3), end);
		keyword(f, off, end, w4, sizeof(w4));
		return word_in(w4, inert_create) ? AM_LEAD_INERT
						  : AM_LEAD_OTHER;
	}
	if (!strcmp(w2, "MATERIALIZED") || word_in(w2, inert_create))
		return AM_LEAD_INERT;
	return AM_LEAD_OTHER;
}

void am_sqltext_add_stmt(struct am_sqlfile *f, size_t *alloc, size_t start,
			 size_t end)
{
	struct am_sqlstmt *s;
	size_t first = skip_blank(f, start, end);

	if (first >= end)
		return;	/* only comments */
	AM_GROW(f->stmts, *alloc, f->nstmts + 1);
	s = &f->stmts[f->nstmts];
	memset(s, 0, sizeof(*s));
	s->file = f;
	s->index = f->nstmts++;
	s->start = start;
	s->first = first;
	s->end = end;
	am_sqlfile_linecol(f, first, &s->line, &s->col);
	s->lead = classify(f, first, end);
}

/* ---- comments ----------------------------------------------------------- */

/* True if 'hay' (len bytes) contains "flyway:", ignoring ASCII case. */
static bool contains_flyway(const char *hay, size_t len)
{
	const char *p = hay, *end = hay + len;

	while ((p = memchr(p, ':', (size_t)(end - p)))) {
		if (p - hay >= 6 && !strncasecmp(p - 6, "flyway", 6))
			return true;
		p++;
	}
	return false;
}

bool am_sqltext_has_markers(const struct am_sqlfile *f)
{
	return strstr(f->text, "argomig:") || contains_flyway(f->text, f->len);
}

static void add_comment(struct am_sqlfile *f, size_t *alloc, size_t off,
			const char *text, size_t len)
{
	struct am_comment *c;

	AM_GROW(f->comments, *alloc, f->ncomments + 1);
	c = &f->comments[f->ncomments++];
	am_sqlfile_linecol(f, off, &c->line, &c->col);
	c->text = xstrndup(text, len);
	if (am_starts_with(c->text, "argomig:contract"))
		f->contract = true;
}

static void add_directive(struct am_sqlfile *f, size_t *alloc, size_t off,
			  const char *text, size_t len)
{
	struct am_sqldirective *d;

	AM_GROW(f->directives, *alloc, f->ndirectives + 1);
	d = &f->directives[f->ndirectives++];
	am_sqlfile_linecol(f, off, &d->line, &d->col);
	d->text = xstrndup(text, len);
}

void am_sqltext_comment(struct am_sqlfile *f, size_t *calloc_, size_t *dalloc,
			size_t start, size_t end)
{
	const char *t = f->text + start;
	size_t len = end - start, i = 2;

	if (len >= 4 && t[0] == '/' && t[len - 1] == '/' && t[len - 2] == '*')
		len -= 2;
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '-' ||
			   t[i] == '*'))
		i++;
	while (len > i && isspace((unsigned char)t[len - 1]))
		len--;
	if (len - i >= 8 && !strncmp(t + i, "argomig:", 8)) {
		add_comment(f, calloc_, start, t + i, len - i);
		return;
	}
	if (i < len && t[i] == '@')
		i++;
	if (len - i >= 7 && !strncasecmp(t + i, "flyway:", 7))
		add_directive(f, dalloc, start, t + i, len - i);
}
