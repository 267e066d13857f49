/* SPDX-License-Identifier: MIT */
/*
 * sqlfile.h - one SQL migration file, read and split the way PostgreSQL
 * sees it (libpg_query, the PostgreSQL 15 parser).
 *
 * Loading checks the bytes (size limit, NUL bytes, UTF-8), replaces Flyway
 * ${placeholder} tokens by a neutral identifier of the same length, blanks
 * psql meta-command lines (starting with a backslash), splits the text
 * into statements with exact byte offsets and finds the directive
 * comments. Byte offsets always refer to the file as read: nothing is
 * inserted or removed. A statement's parse tree is built only when asked
 * for (most rules look at a few statement kinds), from libpg_query's JSON
 * into a read-only tree of struct am_sqlnode.
 *
 * Only sqlfile.c includes <pg_query.h>. Nothing here prints or reports
 * findings: parse errors are returned as data for the caller to report.
 *
 * The second half (sqlops.c) reads statement trees: which tables a
 * statement locks and how strongly, and which tables and columns a file
 * drops or renames.
 */
#ifndef AM_SQLFILE_H
#define AM_SQLFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "lint.h"

#define AM_SQLFILE_LIMIT ((size_t)64 << 20)	/* bytes; larger files are refused */

/* ---- parse trees ------------------------------------------------------ */

enum am_sqlnode_type {
	AM_SQLN_NULL,
	AM_SQLN_BOOL,
	AM_SQLN_INT,
	AM_SQLN_FLOAT,
	AM_SQLN_STRING,
	AM_SQLN_OBJECT,
	AM_SQLN_ARRAY,
};

/*
 * A node of libpg_query's JSON parse tree. Objects and arrays list their
 * members as a chain (child, next); an object member has its 'key'.
 * libpg_query omits zero, false and empty fields, so a missing member
 * means 0/false/empty. A PostgreSQL Node is an object with one member
 * named by its type: {"AlterTableStmt": {...}}. Node "location" members
 * are byte offsets into the statement's text: add the statement's
 * 'start' (am_sqlstmt_node_pos does it). Owned by the file's arena.
 */
struct am_sqlnode {
	enum am_sqlnode_type type;
	const char *key;		/* member name, or NULL */
	const char *str;		/* AM_SQLN_STRING (and FLOAT as text) */
	long long ival;			/* AM_SQLN_INT, AM_SQLN_BOOL */
	size_t n;			/* number of children */
	const struct am_sqlnode *child;	/* first member or element */
	const struct am_sqlnode *next;	/* next sibling */
};

/* Member 'key' of object 'obj', or NULL (also when obj is NULL). */
const struct am_sqlnode *am_sqlnode_get(const struct am_sqlnode *obj,
					const char *key);
/* String member 'key', or NULL. */
const char *am_sqlnode_str(const struct am_sqlnode *obj, const char *key);
/* Integer or boolean member 'key'; 0 when absent. */
long long am_sqlnode_int(const struct am_sqlnode *obj, const char *key);
/* True if member 'key' is true (absent is false). */
bool am_sqlnode_bool(const struct am_sqlnode *obj, const char *key);
/* True if string member 'key' equals 'value'. */
bool am_sqlnode_is(const struct am_sqlnode *obj, const char *key,
		   const char *value);
/*
 * For a PostgreSQL Node ({"Type": {...}}): its type name, or NULL when
 * 'node' is not a one-member object.
 */
const char *am_sqlnode_type(const struct am_sqlnode *node);
/* The body of 'node' if its type is 'type', else NULL. */
const struct am_sqlnode *am_sqlnode_as(const struct am_sqlnode *node,
				       const char *type);

/* ---- statements and files --------------------------------------------- */

/* A cheap classification from the statement's leading keywords. */
enum am_sqllead {
	AM_LEAD_OTHER,		/* parse to know */
	AM_LEAD_INERT,		/* INSERT, COMMENT, GRANT, CREATE FUNCTION/VIEW, ...: no lock a rule cares about */
	AM_LEAD_CREATE_TABLE,	/* CREATE [UNLOGGED|TEMP] TABLE */
	AM_LEAD_CREATE_INDEX,	/* CREATE [UNIQUE] INDEX (not CONCURRENTLY) */
	AM_LEAD_CREATE_INDEX_CONCURRENTLY,	/* CREATE [UNIQUE] INDEX CONCURRENTLY */
	AM_LEAD_ALTER,		/* ALTER ... */
	AM_LEAD_DROP,		/* DROP ... */
	AM_LEAD_DML,		/* UPDATE, DELETE, WITH, MERGE */
	AM_LEAD_SET,		/* SET, RESET */
	AM_LEAD_TXN,		/* BEGIN, START, COMMIT, END, ROLLBACK, ABORT */
	AM_LEAD_SELECT,		/* SELECT (set_config) */
};

struct am_sqlfile;

struct am_sqlstmt {
	struct am_sqlfile *file;	/* borrowed back pointer */
	size_t index;			/* 0-based in the file */
	size_t start;			/* byte offset of the split (may be a comment) */
	size_t first;			/* byte offset of the first token */
	size_t end;			/* byte offset past the statement, before ';' */
	int line;			/* 1-based, of the first token */
	int col;			/* 1-based, in characters */
	enum am_sqllead lead;
	bool bad;			/* did not parse (an error is recorded) */
	bool parsed;			/* 'tree' is built (or 'bad') */
	const struct am_sqlnode *tree;	/* the statement Node, or NULL */
	const struct am_sqlnode *head;	/* 'tree', or its start (am_sqlstmt_head) */
	char *json;			/* owned: libpg_query's output while only 'head' is built */
};

/* A parse or encoding error: the caller reports sql-syntax-error. */
struct am_sqlerror {
	int line;
	int col;
	char *message;		/* lower case, e.g. "syntax error at or near \"x\"" */
};

/* A comment that is not an argomig directive but looks like a Flyway one. */
struct am_sqldirective {
	int line;
	int col;
	char *text;		/* the comment without its marker */
};

struct am_arena;
struct am_sqlcreated;

struct am_sqlfile {
	char *path;			/* owned copy, as given */
	char *text;			/* prepared text, NUL-terminated */
	size_t len;
	struct am_sqlstmt *stmts;
	size_t nstmts;
	struct am_sqlerror *errors;	/* in file order */
	size_t nerrors;
	struct am_comment *comments;	/* "argomig:" comments, by line */
	size_t ncomments;
	struct am_sqldirective *directives;	/* "flyway:" comments */
	size_t ndirectives;
	bool contract;			/* has "-- argomig:contract" */
	size_t *lines;			/* byte offset of each line start */
	size_t nlines;
	struct am_arena *arena;		/* the parse trees */
	/* cache of am_sqlfile_created_before(): tables created so far */
	struct am_sqlcreated *created;
	size_t ncreated, created_alloc, created_upto;
};

/*
 * Reads 'path' and prepares it (am_sqlfile_parse). Returns 0, or a
 * negative AM_E* code for an unreadable file or one over
 * AM_SQLFILE_LIMIT. Bad content (NUL, invalid UTF-8, syntax) is not an
 * error: it is in (*out)->errors.
 */
int am_sqlfile_load(struct am_sqlfile **out, const char *path);

/*
 * Prepares 'len' bytes of SQL named 'path' (e.g. a git blob): checks,
 * placeholders, meta-commands, split, comments. The data is copied.
 * Always returns 0 and a file (errors inside); never fails on content.
 */
int am_sqlfile_parse(struct am_sqlfile **out, const char *path,
		     const char *data, size_t len);

void am_sqlfile_free(struct am_sqlfile *f);

/*
 * Builds now the trees that the SQL rules always read (every statement
 * but AM_LEAD_INERT, AM_LEAD_CREATE_TABLE and
 * AM_LEAD_CREATE_INDEX_CONCURRENTLY ones, which are read only on
 * demand), e.g. in a worker thread. Thread-safe across different files.
 */
void am_sqlfile_build_trees(struct am_sqlfile *f);

/*
 * The statement's parse tree (a Node such as {"AlterTableStmt": ...}),
 * built on first use and cached; NULL if it did not parse.
 */
const struct am_sqlnode *am_sqlstmt_tree(const struct am_sqlstmt *s);

/*
 * The statement's Node, possibly built only as far as a CreateStmt's
 * "relation" (a CREATE TABLE's other members may be missing): enough to
 * know what it creates, for much less than am_sqlstmt_tree() on a wide
 * table. The whole tree when it is built. NULL if it did not parse.
 */
const struct am_sqlnode *am_sqlstmt_head(const struct am_sqlstmt *s);

/* 1-based line and column (in characters) of byte offset 'off'. */
void am_sqlfile_linecol(const struct am_sqlfile *f, size_t off, int *line,
			int *col);

/*
 * Line and column of a tree node's "location" (falls back to the
 * statement's first token when the node has none).
 */
void am_sqlstmt_node_pos(const struct am_sqlstmt *s,
			 const struct am_sqlnode *node, int *line, int *col);

/* ---- what statements do (sqlops.c) ------------------------------------ */

/* PostgreSQL table lock modes, weakest first. */
enum am_lockmode {
	AM_LOCK_NONE = 0,
	AM_LOCK_ACCESS_SHARE,
	AM_LOCK_ROW_SHARE,
	AM_LOCK_ROW_EXCLUSIVE,
	AM_LOCK_SHARE_UPDATE_EXCLUSIVE,
	AM_LOCK_SHARE,
	AM_LOCK_SHARE_ROW_EXCLUSIVE,
	AM_LOCK_EXCLUSIVE,
	AM_LOCK_ACCESS_EXCLUSIVE,
};

/* "ACCESS EXCLUSIVE", "SHARE", ... ("" for AM_LOCK_NONE). */
const char *am_lockmode_name(enum am_lockmode m);

/* A qualified relation name; schema is NULL when unqualified. */
struct am_sqlrel {
	const char *schema;
	const char *name;
};

/* One table lock a statement takes. Strings borrowed from the tree. */
struct am_sqlstmt_lock {
	struct am_sqlrel rel;		/* name NULL: an index whose table is unknown */
	const char *index;		/* DROP/ALTER/REINDEX INDEX: the index */
	enum am_lockmode mode;
	bool risky;			/* holds it for time that grows with the table
					 * (rewrite, scan, index build, full-table DML) */
	bool referenced;		/* the referenced table of a new foreign key */
};

/*
 * The table locks statement 's' takes, strongest first per table, into
 * *out (owned array, free() it) and *n. Parses the statement if needed.
 * A statement that did not parse takes none.
 */
void am_sqlstmt_locks(const struct am_sqlstmt *s, struct am_sqlstmt_lock **out,
		      size_t *n);

/* Tables created by statement 's' (CREATE TABLE [AS], SELECT INTO). */
bool am_sqlstmt_creates(const struct am_sqlstmt *s, struct am_sqlrel *rel);

/* True if 'a' and 'b' name the same relation (unqualified matches any schema). */
bool am_sqlrel_eq(const struct am_sqlrel *a, const struct am_sqlrel *b);

/* The relation of a RangeVar node body ({"relname": ...}). */
struct am_sqlrel am_sqlrel_of(const struct am_sqlnode *rangevar);


/*
 * True if a statement before statement 'index' of 'f' created 'rel'
 * (RULES.md: a table that is not "existing"). Parses those CREATE
 * statements on first use and remembers the answer's ingredients.
 */
bool am_sqlfile_created_before(const struct am_sqlfile *f, size_t index,
			       const struct am_sqlrel *rel);

/* Calls fn(node, arg) for 'node' and every node below it. */
void am_sqlnode_walk(const struct am_sqlnode *node,
		     void (*fn)(const struct am_sqlnode *n, void *arg),
		     void *arg);

/*
 * Why adding column 'coldef' (a ColumnDef body) rewrites the table under
 * ACCESS EXCLUSIVE, or NULL: a volatile default, a serial type, an
 * identity column, a stored generated column, or any default before
 * PostgreSQL 11. Static string.
 */
const char *am_sqlcoldef_rewrite(const struct am_sqlnode *coldef,
				 int pg_version);

/* True if column 'coldef' (a ColumnDef body) is serial, bigserial, ... */
bool am_sqlcoldef_is_serial(const struct am_sqlnode *coldef);

/*
 * (a) Destructive changes of a file, for migration-contract-too-early.
 */
enum am_sqlchange_kind {
	AM_SQLCHANGE_DROP_TABLE,
	AM_SQLCHANGE_RENAME_TABLE,
	AM_SQLCHANGE_DROP_COLUMN,
	AM_SQLCHANGE_RENAME_COLUMN,
};

struct am_sqlchange {
	enum am_sqlchange_kind kind;
	char *schema;		/* NULL when unqualified */
	char *table;
	char *column;		/* NULL for table changes */
	char *new_name;		/* renames only, else NULL */
	int line;		/* the statement's first token */
	int col;
};

/*
 * Every table or column file 'f' drops or renames, in file order, into
 * *out (owned: am_sqlchanges_free) and *n. Statements that did not parse
 * are skipped. Returns 0.
 */
int am_sqlfile_changes(const struct am_sqlfile *f, struct am_sqlchange **out,
		       size_t *n);
void am_sqlchanges_free(struct am_sqlchange *c, size_t n);

/*
 * (b) The tables a migration touches, for argomig-preflight: one entry
 * per table (schema NULL when unqualified), with the strongest lock any
 * statement takes on it, whether any of those statements is risky (holds
 * its lock for time that grows with the table), and whether the file
 * created the table before touching it (then nothing can be queued on
 * it). Tables appear in order of first touch.
 */
struct am_sqltable_lock {
	char *schema;
	char *table;
	enum am_lockmode mode;
	bool risky;
	bool created;		/* created earlier in the same file */
	int line;		/* first statement taking 'mode' on it */
	int col;
};

int am_sqlfile_table_locks(const struct am_sqlfile *f,
			   struct am_sqltable_lock **out, size_t *n);
void am_sqltable_locks_free(struct am_sqltable_lock *t, size_t n);

#endif
