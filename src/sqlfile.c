/* SPDX-License-Identifier: MIT */
/*
 * sqlfile.c - reading a SQL migration file the way PostgreSQL reads it.
 *
 * The only file that includes <pg_query.h>. It loads a file, has its
 * bytes checked and its placeholders and meta-commands blanked
 * (sqltext.c), splits the text with libpg_query's parser (falling back to
 * its scanner when a statement does not parse, so the others are still
 * checked), finds directive comments with libpg_query's scanner, and has
 * a statement's parse tree built on demand from libpg_query's JSON output
 * (sqltree.c).
 *
 * Speed: a JSON DOM of every statement costs as much as a whole squawk
 * run (reference/toolchain.md), so trees are built lazily, only for the
 * statements a rule asks about, by a streaming JSON parser (yajl) into an
 * arena. It does not judge anything: rules do (src/rules/sql_*.c).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "err.h"
#include "sqlfile_int.h"
#include "util.h"

/* ---- statements --------------------------------------------------------- */

static char *lower_message(const char *msg)
{
	char *m = xstrdup(msg ? msg : "syntax error");

	if (m[0])
		m[0] = (char)tolower((unsigned char)m[0]);
	return m;
}

/* Builds the whole tree of 's' from JSON text. */
static void tree_from_json(struct am_sqlstmt *s, const char *json)
{
	struct am_sqlfile *f = s->file;
	bool stopped;

	if (!f->arena)
		f->arena = am_sqltree_arena_new();
	s->parsed = true;
	s->tree = am_sqltree_build(f->arena, json, false, &stopped);
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
			am_sqltext_add_error(f, off, "%s", m);
			free(m);
		}
	} else if (head) {
		if (!f->arena)
			f->arena = am_sqltree_arena_new();
		s->head = am_sqltree_build(f->arena, r.parse_tree, true,
					   &stopped);
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

/* Appends the statements of a split result to f->stmts. */
static void add_stmts(struct am_sqlfile *f, size_t *alloc,
		      const PgQuerySplitResult *r)
{
	int i;

	for (i = 0; i < r->n_stmts; i++) {
		size_t start = (size_t)r->stmts[i]->stmt_location;

		am_sqltext_add_stmt(f, alloc, start,
				    start + (size_t)r->stmts[i]->stmt_len);
	}
}

static void split(struct am_sqlfile *f)
{
	PgQuerySplitResult r = pg_query_split_with_parser(f->text);
	size_t alloc = 0, errors;

	if (!r.error) {
		add_stmts(f, &alloc, &r);
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
			add_stmts(f, &alloc, &s);
			for (size_t k = 0; k < f->nstmts; k++)
				parse_stmt(&f->stmts[k], true, false);
		}
		pg_query_free_split_result(s);
		if (f->nerrors == errors)
			am_sqltext_add_error(f, off, "%s", m);
		free(m);
	}
}

/* ---- comments ----------------------------------------------------------- */

/*
 * Finds "argomig:" and "flyway:" comments with libpg_query's scanner.
 * A file without either string anywhere has none, and is not scanned.
 */
static void find_comments(struct am_sqlfile *f)
{
	PgQueryScanResult r;
	PgQuery__ScanResult *sr;
	size_t ca = 0, da = 0, i;

	if (!am_sqltext_has_markers(f))
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
		am_sqltext_comment(f, &ca, &da, (size_t)tok->start,
				   (size_t)tok->end);
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
	if (am_sqltext_prepare(f)) {
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
	am_sqltree_arena_free(f->arena);
	free(f);
}
