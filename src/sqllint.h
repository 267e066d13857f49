/* SPDX-License-Identifier: MIT */
/*
 * sqllint.h - linting SQL migrations: files grouped by directory, the
 * migration runner inferred from their names, and the SQL rules run over
 * each statement, each file and each directory (RULES.md "SQL
 * migrations").
 *
 * The runner decides what a file means: Flyway (V<version>__<desc>.sql,
 * R__<desc>.sql, in a directory holding Flyway names) runs each file in
 * one transaction unless its <file>.sql.conf says executeInTransaction=
 * false or it holds a statement Flyway detects as non-transactional;
 * golang-migrate (<N>_<name>.up.sql) runs a multi-statement file as one
 * implicit transaction; anything else is "plain". Undo scripts (Flyway
 * U..., golang-migrate .down.sql) are parsed but not linted as forward
 * migrations.
 */
#ifndef AM_SQLLINT_H
#define AM_SQLLINT_H

#include <stdbool.h>
#include <stddef.h>

#include "flyway.h"
#include "lint.h"
#include "sqlfile.h"

enum am_runner {
	AM_RUNNER_PLAIN,
	AM_RUNNER_FLYWAY,
	AM_RUNNER_GOLANG_MIGRATE,
};

/* One file of a migration directory. */
struct am_migfile {
	const char *path;		/* borrowed from the caller */
	const char *name;		/* its last component */
	struct am_flyway_name fw;	/* Flyway's reading of the name */
	char *version;			/* versioned migration: its version, else NULL */
	bool forward;			/* linted as a forward migration */
	struct am_flyway_conf conf;	/* <file>.sql.conf (Flyway only) */
	struct am_sqlfile *sql;		/* owned; NULL until loaded */
	bool *in_txn;			/* per statement: inside explicit BEGIN ... COMMIT */
};

/* The SQL files of one directory, in the order the runner applies them. */
struct am_migdir {
	char *path;			/* owned; "." for bare names */
	enum am_runner runner;
	struct am_migfile *files;
	size_t nfiles;
};

/*
 * Lints the SQL files 'paths' (borrowed): per directory, every file is
 * read and parsed, sql-syntax-error is reported, and the AM_TARGET_SQLSTMT,
 * AM_TARGET_SQLFILE and AM_TARGET_MIGDIR rules run. Counts files and
 * statements in lint->summary. Returns 0, or a negative AM_E* code when a
 * file cannot be read (findings made so far stay in the lint).
 */
int am_sql_lint_files(struct am_lint *lint, const char *const *paths, size_t n);

/*
 * Lints the SQL files of several command-line inputs at once: paths[i]
 * comes from input group[i] (non-decreasing). Files are grouped by their
 * directory whichever input named them, so a shell glob of db/ sees
 * one migration directory, as `argomig lint db` does. Parsing and the
 * per-file rules run on every core. On an error, *failed (if not NULL)
 * is the earliest input of the directory whose file could not be read.
 */
int am_sql_lint_groups(struct am_lint *lint, const char *const *paths,
		       const size_t *group, size_t n, size_t *failed);

/* ---- for the rules (src/rules/sql_*.c) ---------------------------------- */

/* The file of SQLFILE or SQLSTMT subject 's'. */
const struct am_migfile *am_migdir_current(const struct am_subject *s);

/*
 * True if the runner executes file 'mf' as one transaction around all
 * its statements (golang-migrate and plain files with more than one
 * statement; Flyway unless executeInTransaction=false or every statement
 * is one Flyway runs outside a transaction).
 */
bool am_migfile_in_transaction(const struct am_migfile *mf, int pg_version);

/* True if Flyway runs statement 's' outside a transaction (its detection). */
bool am_sqlstmt_flyway_nontransactional(const struct am_sqlstmt *s,
					int pg_version);

/*
 * Reports a finding of 'rule' with severity 'sev' (its default or a
 * variant) at the first token of statement 's'.
 */
void am_sqlstmt_report(struct am_lint *lint, const struct am_rule *rule,
		       enum am_severity sev, const struct am_sqlstmt *s,
		       const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
