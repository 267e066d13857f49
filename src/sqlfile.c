/* SPDX-License-Identifier: MIT */
/*
 * sqlfile.c - reading a SQL migration file the way PostgreSQL reads it.
 *
 * The only file that includes <pg_query.h>. It checks the bytes, blanks
 * Flyway placeholders and psql meta-commands without moving any byte,
 * splits the text with libpg_query's parser (falling back to its scanner
 * when a statement does not parse, so the others are still checked),
 * finds directive comments with libpg_query's scanner, and builds a
 * statement's parse tree on demand from libpg_query's JSON output.
 *
 * Speed: a JSON DOM of every statement costs as much as a whole squawk
 * run (reference/toolchain.md), so trees are built lazily, only for the
 * statements a rule asks about, by a streaming JSON parser (yajl) into an
 * arena. It does not judge anything: rules do (src/rules/sql_*.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <yajl/yajl_parse.h>

#include "err.h"
#include "sqlfile.h"
#include "util.h"

/* ---- arena -------------------------------------------------------------- */

struct am_arena_block {
	struct am_arena_block *prev;
	size_t used, size;
	char data[];
};

struct am_arena {
	struct am_arena_block *top;
};

static void *arena_alloc(struct am_arena *a, size_t n)
{
	struct am_arena_block *b = a->top;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (!b || b->size - b->used < n) {
		size_t size = n > 60000 ? n : 60000;

		b = xmalloc(sizeof(*b) + size);
		b->prev = a->top;
		b->used = 0;
		b->size = size;
		a->top = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

static char *arena_strndup(struct am_arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void arena_free(struct am_arena *a)
{
	struct am_arena_block *b, *prev;

	if (!a)
		return;
	for (b = a->top; b; b = prev) {
		prev = b->prev;
		free(b);
	}
	free(a);
}

/* ---- tree accessors ----------------------------------------------------- */

const struct am_sqlnode *am_sqlnode_get(const struct am_sqlnode *obj,
					const char *key)
{
	const struct am_sqlnode *c;

	if (!obj || obj->type != AM_SQLN_OBJECT)
		return NULL;
	for (c = obj->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

const char *am_sqlnode_str(const struct am_sqlnode *obj, const char *key)
{
	const struct am_sqlnode *n = am_sqlnode_get(obj, key);

	return n && n->type == AM_SQLN_STRING ? n->str : NULL;
}

long long am_sqlnode_int(const struct am_sqlnode *obj, const char *key)
{
	const struct am_sqlnode *n = am_sqlnode_get(obj, key);

	if (!n || (n->type != AM_SQLN_INT && n->type != AM_SQLN_BOOL))
		return 0;
	return n->ival;
}

bool am_sqlnode_bool(const struct am_sqlnode *obj, const char *key)
{
	return am_sqlnode_int(obj, key) != 0;
}

bool am_sqlnode_is(const struct am_sqlnode *obj, const char *key,
		   const char *value)
{
	const char *s = am_sqlnode_str(obj, key);

	return s && !strcmp(s, value);
}

const char *am_sqlnode_type(const struct am_sqlnode *node)
{
	if (!node || node->type != AM_SQLN_OBJECT || node->n != 1)
		return NULL;
	return node->child->key;
}

const struct am_sqlnode *am_sqlnode_as(const struct am_sqlnode *node,
				       const char *type)
{
	const char *t = am_sqlnode_type(node);

	return t && !strcmp(t, type) ? node->child : NULL;
}

/* ---- JSON to tree (yajl callbacks) -------------------------------------- */

struct build {
	struct am_arena *arena;
	struct am_sqlnode *root;
	struct am_sqlnode **stack;	/* open containers */
	struct am_sqlnode **last;	/* their last child */
	size_t depth, alloc;
	const char *key;
	bool skip;		/* the current member is one nothing reads */
	bool head;		/* stop once a CreateStmt's "relation" is built */
	bool stopped;		/* ... and it was */
};

static struct am_sqlnode *build_add(struct build *b, enum am_sqlnode_type t)
{
	struct am_sqlnode *n = arena_alloc(b->arena, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = t;
	n->key = b->key;
	b->key = NULL;
	if (b->depth) {
		struct am_sqlnode *parent = b->stack[b->depth - 1];

		if (b->last[b->depth - 1])
			b->last[b->depth - 1]->next = n;
		else
			parent->child = n;
		b->last[b->depth - 1] = n;
		parent->n++;
	} else if (!b->root) {
		b->root = n;
	}
	return n;
}

static int build_open(struct build *b, enum am_sqlnode_type t)
{
	struct am_sqlnode *n = build_add(b, t);

	if (b->depth == b->alloc) {
		b->alloc = b->alloc ? 2 * b->alloc : 64;
		b->stack = xrealloc(b->stack, b->alloc * sizeof(*b->stack));
		b->last = xrealloc(b->last, b->alloc * sizeof(*b->last));
	}
	b->stack[b->depth] = n;
	b->last[b->depth] = NULL;
	b->depth++;
	return 1;
}

/* True if a scalar member was skipped (see cb_key). */
static bool skipped(struct build *b)
{
	if (!b->skip)
		return false;
	b->skip = false;
	return true;
}

static int cb_null(void *ctx)
{
	if (!skipped(ctx))
		build_add(ctx, AM_SQLN_NULL);
	return 1;
}

static int cb_bool(void *ctx, int v)
{
	if (!skipped(ctx))
		build_add(ctx, AM_SQLN_BOOL)->ival = v != 0;
	return 1;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	struct build *b = ctx;
	bool integer = true;
	struct am_sqlnode *n;
	size_t i;

	if (skipped(b))
		return 1;
	if (len < 20 && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) {
		long long v = 0;
		bool neg = s[0] == '-';

		for (i = neg; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			v = v * 10 + (s[i] - '0');
		if (i == len) {
			n = build_add(b, AM_SQLN_INT);
			n->ival = neg ? -v : v;
			return 1;
		}
	}
	for (i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			integer = false;
	n = build_add(b, integer ? AM_SQLN_INT : AM_SQLN_FLOAT);
	n->str = arena_strndup(b->arena, s, len);
	if (integer)
		n->ival = strtoll(n->str, NULL, 10);
	return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct build *b = ctx;
	struct am_sqlnode *n;

	if (skipped(b))
		return 1;
	n = build_add(b, AM_SQLN_STRING);
	n->str = arena_strndup(b->arena, (const char *)s, len);
	return 1;
}

static int cb_start_map(void *ctx)
{
	((struct build *)ctx)->skip = false;
	return build_open(ctx, AM_SQLN_OBJECT);
}

/*
 * Scalar members no reader of the tree looks at (libpg_query prints them
 * on most nodes): not building them makes trees about a third smaller.
 */
static bool unread_key(const unsigned char *s, size_t len)
{
	const char *k;

	switch (len) {
	case 2: k = "op"; break;
	case 3: k = "inh"; break;
	case 7: k = "typemod"; break;
	case 8:
		k = s[0] == 'i' ? "is_local" : s[0] == 'o' && s[1] == 'r' ? "ordering"
		    : s[0] == 'b' ? "behavior" : s[2] == 'C' ? "onCommit" : "oncommit";
		break;
	case 9: k = "defaction"; break;
	case 10: k = "funcformat"; break;
	case 11: k = "limitOption"; break;
	case 12: k = s[0] == 'i' ? "is_from_type" : "fk_matchtype"; break;
	case 13: k = s[3] == 'u' ? "fk_upd_action" : "fk_del_action"; break;
	case 14: k = s[0] == 'n' ? "nulls_ordering" : "relpersistence"; break;
	default: return false;
	}
	return !memcmp(k, s, len);
}

static int cb_key(void *ctx, const unsigned char *s, size_t len)
{
	struct build *b = ctx;

	b->skip = unread_key(s, len);
	if (!b->skip)
		b->key = arena_strndup(b->arena, (const char *)s, len);
	return 1;
}

static int cb_end(void *ctx)
{
	struct build *b = ctx;
	const struct am_sqlnode *closed = b->stack[--b->depth];

	/* root, "stmts", its element, "stmt", "CreateStmt", "relation" */
	if (b->head && b->depth == 5 && closed->key &&
	    !strcmp(closed->key, "relation")) {
		b->stopped = true;
		return 0;
	}
	return 1;
}

static int cb_start_array(void *ctx)
{
	((struct build *)ctx)->skip = false;
	return build_open(ctx, AM_SQLN_ARRAY);
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end,
};

/*
 * Builds the tree of a JSON text; NULL if yajl rejects it. With 'head',
 * stops once a CreateStmt's relation is built and sets *stopped.
 */
static const struct am_sqlnode *json_tree(struct am_arena *arena,
					  const char *json, bool head,
					  bool *stopped)
{
	struct build b = { arena, NULL, NULL, NULL, 0, 0, NULL, false, head,
			   false };
	yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
	yajl_status st;

	/* libpg_query prints valid UTF-8: no need to check it again. */
	yajl_config(h, yajl_dont_validate_strings, 1);
	st = yajl_parse(h, (const unsigned char *)json, strlen(json));
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	yajl_free(h);
	free(b.stack);
	free(b.last);
	*stopped = b.stopped;
	return st == yajl_status_ok || b.stopped ? b.root : NULL;
}

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

static void add_error(struct am_sqlfile *f, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_error(struct am_sqlfile *f, size_t off, const char *fmt, ...)
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
			add_error(f, i, "file contains a NUL byte");
			return false;
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_len(p + i, f->len - i);
		if (!n) {
			add_error(f, i, "file is not valid UTF-8");
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

static void add_stmt(struct am_sqlfile *f, size_t *alloc, size_t start,
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

static char *lower_message(const char *msg)
{
	char *m = xstrdup(msg ? msg : "syntax error");

	if (m[0])
		m[0] = (char)tolower((unsigned char)m[0]);
	return m;
}

/* The "stmt" member of a parse result's first statement, or NULL. */
static const struct am_sqlnode *first_stmt(const struct am_sqlnode *root)
{
	const struct am_sqlnode *stmts = am_sqlnode_get(root, "stmts");

	return stmts && stmts->child ? am_sqlnode_get(stmts->child, "stmt")
				     : NULL;
}

/* Builds the whole tree of 's' from JSON text. */
static void tree_from_json(struct am_sqlstmt *s, const char *json)
{
	struct am_sqlfile *f = s->file;
	bool stopped;

	if (!f->arena)
		f->arena = xcalloc(1, sizeof(*f->arena));
	s->parsed = true;
	s->tree = first_stmt(json_tree(f->arena, json, false, &stopped));
	if (!s->tree)
		s->bad = true;
	s->head = s->tree;
}

/*
 * Parses statement 's' into its tree; records an error if it fails and
 * 'report' is set. With 'head' (a CREATE TABLE), builds only s->head
 * and keeps the JSON text for a later whole tree.
 */
static void parse_stmt(struct am_sqlstmt *s, bool report, bool head)
{
	struct am_sqlfile *f = s->file;
	PgQueryParseResult r;
	size_t end = s->end + (f->text[s->end] == ';');
	char saved = f->text[end];
	bool stopped = false;

	if (s->json) {
		tree_from_json(s, s->json);
		free(s->json);
		s->json = NULL;
		return;
	}
	f->text[end] = '\0';
	r = pg_query_parse(f->text + s->start);
	f->text[end] = saved;
	if (r.error) {
		s->parsed = true;
		s->bad = true;
		if (report) {
			size_t off = s->start;
			char *m = lower_message(r.error->message);

			if (r.error->cursorpos > 0)
				off += (size_t)r.error->cursorpos - 1;
			add_error(f, off, "%s", m);
			free(m);
		}
	} else if (head) {
		if (!f->arena)
			f->arena = xcalloc(1, sizeof(*f->arena));
		s->head = first_stmt(json_tree(f->arena, r.parse_tree, true,
					       &stopped));
		if (stopped) {
			s->json = xstrdup(r.parse_tree);
		} else {
			s->parsed = true;
			s->tree = s->head;
			s->bad = !s->tree;
		}
	} else {
		tree_from_json(s, r.parse_tree);
	}
	pg_query_free_parse_result(r);
}

const struct am_sqlnode *am_sqlstmt_tree(const struct am_sqlstmt *s)
{
	/* A cache: the statement is logically unchanged. */
	struct am_sqlstmt *m = (struct am_sqlstmt *)s;

	if (!m->parsed)
		parse_stmt(m, false, false);
	return m->tree;
}

const struct am_sqlnode *am_sqlstmt_head(const struct am_sqlstmt *s)
{
	/* A cache, as for am_sqlstmt_tree(). */
	struct am_sqlstmt *m = (struct am_sqlstmt *)s;

	if (!m->parsed && !m->head)
		parse_stmt(m, false, true);
	return m->parsed ? m->tree : m->head;
}

void am_sqlfile_build_trees(struct am_sqlfile *f)
{
	size_t i;

	for (i = 0; i < f->nstmts; i++)
		if (f->stmts[i].lead != AM_LEAD_INERT &&
		    f->stmts[i].lead != AM_LEAD_CREATE_TABLE &&
		    f->stmts[i].lead != AM_LEAD_CREATE_INDEX_CONCURRENTLY &&
		    !f->stmts[i].parsed)
			parse_stmt(&f->stmts[i], false, false);
}

static void split(struct am_sqlfile *f)
{
	PgQuerySplitResult r = pg_query_split_with_parser(f->text);
	size_t alloc = 0, errors;
	int i;

	if (!r.error) {
		for (i = 0; i < r.n_stmts; i++)
			add_stmt(f, &alloc, (size_t)r.stmts[i]->stmt_location,
				 (size_t)r.stmts[i]->stmt_location +
					 (size_t)r.stmts[i]->stmt_len);
		pg_query_free_split_result(r);
		return;
	}
	/*
	 * Some statement does not parse: split by tokens instead and parse
	 * each piece, so one bad statement does not hide the others.
	 */
	{
		size_t off = (size_t)(r.error->cursorpos > 0
					      ? r.error->cursorpos - 1 : 0);
		char *m = lower_message(r.error->message);
		PgQuerySplitResult s = pg_query_split_with_scanner(f->text);

		pg_query_free_split_result(r);
		errors = f->nerrors;
		if (!s.error) {
			for (i = 0; i < s.n_stmts; i++)
				add_stmt(f, &alloc,
					 (size_t)s.stmts[i]->stmt_location,
					 (size_t)s.stmts[i]->stmt_location +
						 (size_t)s.stmts[i]->stmt_len);
			for (size_t k = 0; k < f->nstmts; k++)
				parse_stmt(&f->stmts[k], true, false);
		}
		pg_query_free_split_result(s);
		if (f->nerrors == errors)
			add_error(f, off, "%s", m);
		free(m);
	}
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

static void comment(struct am_sqlfile *f, size_t *calloc_, size_t *dalloc,
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

/*
 * Finds "argomig:" and "flyway:" comments with libpg_query's scanner.
 * A file without either string anywhere has none, and is not scanned.
 */
static void find_comments(struct am_sqlfile *f)
{
	PgQueryScanResult r;
	PgQuery__ScanResult *sr;
	size_t ca = 0, da = 0, i;

	if (!strstr(f->text, "argomig:") &&
	    !contains_flyway(f->text, f->len))
		return;
	r = pg_query_scan(f->text);
	if (r.error) {
		pg_query_free_scan_result(r);
		return;
	}
	sr = pg_query__scan_result__unpack(NULL, r.pbuf.len,
					   (const uint8_t *)r.pbuf.data);
	for (i = 0; sr && i < sr->n_tokens; i++) {
		PgQuery__ScanToken *tok = sr->tokens[i];

		if (tok->token != PG_QUERY__TOKEN__SQL_COMMENT &&
		    tok->token != PG_QUERY__TOKEN__C_COMMENT)
			continue;
		if (tok->start < 0 || tok->end > (int32_t)f->len ||
		    tok->end <= tok->start)
			continue;
		comment(f, &ca, &da, (size_t)tok->start, (size_t)tok->end);
	}
	if (sr)
		pg_query__scan_result__free_unpacked(sr, NULL);
	pg_query_free_scan_result(r);
}

/* ---- files -------------------------------------------------------------- */

int am_sqlfile_parse(struct am_sqlfile **out, const char *path,
		     const char *data, size_t len)
{
	struct am_sqlfile *f = xcalloc(1, sizeof(*f));

	f->path = xstrdup(path);
	f->text = xmalloc(len + 1);
	memcpy(f->text, data, len);
	f->text[len] = '\0';
	f->len = len;
	index_lines(f);
	if (check_bytes(f)) {
		neutralize(f);
		find_comments(f);
		split(f);
	}
	*out = f;
	return 0;
}

int am_sqlfile_load(struct am_sqlfile **out, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int ret = am_read_file(&data, &len, path, AM_SQLFILE_LIMIT);

	if (ret < 0)
		return ret;
	ret = am_sqlfile_parse(out, path, data, len);
	free(data);
	return ret;
}

void am_sqlfile_free(struct am_sqlfile *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->nerrors; i++)
		free(f->errors[i].message);
	for (i = 0; i < f->ncomments; i++)
		free(f->comments[i].text);
	for (i = 0; i < f->ndirectives; i++)
		free(f->directives[i].text);
	for (i = 0; i < f->nstmts; i++)
		free(f->stmts[i].json);
	free(f->errors);
	free(f->comments);
	free(f->directives);
	free(f->stmts);
	free(f->lines);
	free(f->created);
	free(f->text);
	free(f->path);
	arena_free(f->arena);
	free(f);
}
