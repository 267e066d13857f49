/* SPDX-License-Identifier: MIT */
/*
 * sqlfile_int.h - the parts of reading a SQL file (internal to sqlfile.c,
 * sqltext.c and sqltree.c).
 *
 * sqlfile.c drives libpg_query; sqltext.c prepares and measures the text
 * (bytes, placeholders, lines and columns, statement leads, directive
 * comments); sqltree.c turns libpg_query's JSON into struct am_sqlnode
 * trees in an arena. Nothing else includes this header: the public API is
 * sqlfile.h.
 */
#ifndef AM_SQLFILE_INT_H
#define AM_SQLFILE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "sqlfile.h"

/* ---- sqltree.c ---------------------------------------------------------- */

/* A new, empty arena for parse trees; owned (am_sqltree_arena_free). */
struct am_arena *am_sqltree_arena_new(void);
void am_sqltree_arena_free(struct am_arena *a);

/*
 * The tree of the first statement ("stmts"[0]."stmt") of libpg_query's
 * JSON parse result 'json', in 'arena' (borrowed, owned by the arena);
 * NULL if the JSON is rejected. With 'head', stops once a CreateStmt's
 * "relation" is built and sets *stopped (else *stopped is false).
 */
const struct am_sqlnode *am_sqltree_build(struct am_arena *arena,
					  const char *json, bool head,
					  bool *stopped);

/* ---- sqltext.c ---------------------------------------------------------- */

/* Records an error at byte offset 'off' of f's text. */
void am_sqltext_add_error(struct am_sqlfile *f, size_t off, const char *fmt,
			  ...) __attribute__((format(printf, 3, 4)));

/*
 * Indexes the lines of f's text (f->lines) and checks its bytes: false,
 * with an error recorded, at the first NUL byte or invalid UTF-8
 * sequence. If they are clean, blanks a byte order mark, psql
 * meta-commands and Flyway placeholders without moving any byte.
 */
bool am_sqltext_prepare(struct am_sqlfile *f);

/*
 * Appends the statement at [start, end) of f's text to f->stmts (*alloc
 * is its capacity), with its position and lead; nothing if it holds only
 * blanks and comments.
 */
void am_sqltext_add_stmt(struct am_sqlfile *f, size_t *alloc, size_t start,
			 size_t end);

/* True if f's text contains "argomig:" or "flyway:" (any case) anywhere. */
bool am_sqltext_has_markers(const struct am_sqlfile *f);

/*
 * Records the comment at [start, end) of f's text if it is an "argomig:"
 * comment (f->comments, capacity *calloc_) or a "flyway:" directive
 * (f->directives, capacity *dalloc).
 */
void am_sqltext_comment(struct am_sqlfile *f, size_t *calloc_, size_t *dalloc,
			size_t start, size_t end);

#endif
