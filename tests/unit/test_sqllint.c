/* SPDX-License-Identifier: MIT */
/*
 * test_sqllint.c - the SQL lint driver (src/sqllint.c): directories,
 * runner inference, undo scripts, .sql.conf, suppression comments,
 * counts, and --pg-version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "err.h"
#include "sqllint.h"
#include "util.h"

static char tmpdir[64];

static void setup(void)
{
	strcpy(tmpdir, "/tmp/argomig-sqllint-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

/* Writes tmpdir/name (creating one directory level) and returns its path. */
static char *put(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	char *slash = strrchr(path, '/');
	FILE *fp;

	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

struct run {
	struct am_lint lint;
	char *paths[8];
	size_t n;
};

static void lint_them(struct run *r, int pg_version)
{
	am_lint_init(&r->lint);
	r->lint.pg_version = pg_version;
	cr_assert_eq(am_sql_lint_files(&r->lint, (const char *const *)r->paths, r->n), 0);
}

static void run_release(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->paths[i]);
	am_lint_release(&r->lint);
}

/* The findings of 'rule', as "name:line:col:severity" lines. */
static char *findings(const struct run *r, const char *rule)
{
	struct am_buf b = AM_BUF_INIT;
	size_t i;

	for (i = 0; i < r->lint.diags.nr; i++) {
		const struct am_finding *f = &r->lint.diags.items[i];
		const char *name = strrchr(f->file, '/') + 1;

		if (strcmp(f->rule, rule))
			continue;
		am_buf_addf(&b, "%s:%d:%d:%s%s\n", name, f->line, f->col,
			    am_severity_name(f->severity),
			    f->suppressed ? ":suppressed" : "");
	}
	return am_buf_detach(&b);
}

static void expect(const struct run *r, const char *rule, const char *want)
{
	char *got = findings(r, rule);

	cr_assert_str_eq(got, want, "%s", rule);
	free(got);
}

TestSuite(sqllint, .init = setup, .fini = teardown);

Test(sqllint, flyway_directory_runs_each_file_in_a_transaction)
{
	struct run r = { .n = 0 };

	r.paths[r.n++] = put("db/V1__init.sql", "CREATE TABLE t (id int);\n");
	r.paths[r.n++] = put("db/V2__idx.sql",
			     "SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY i ON t (id);\n");
	r.paths[r.n++] = put("db/V3__idx.sql",
			     "SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY j ON t (id);\n");
	free(put("db/V3__idx.sql.conf", "executeInTransaction=false\n"));
	lint_them(&r, 15);
	expect(&r, "sql-concurrently-in-transaction", "V2__idx.sql:2:1:error\n");
	cr_assert_eq(r.lint.summary.files, 3);
	cr_assert_eq(r.lint.summary.statements, 5);
	run_release(&r);
}

Test(sqllint, golang_migrate_down_files_are_not_forward_migrations)
{
	struct run r = { .n = 0 };

	r.paths[r.n++] = put("m/000001_a.up.sql", "ALTER TABLE t DROP COLUMN c;\n");
	r.paths[r.n++] = put("m/000001_a.down.sql", "ALTER TABLE t DROP COLUMN d;\n");
	r.paths[r.n++] = put("m/000002_b.up.sql",
			     "SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY i ON t (id);\n");
	lint_them(&r, 15);
	expect(&r, "sql-drop-column", "000001_a.up.sql:1:1:error\n");
	expect(&r, "sql-concurrently-in-transaction", "000002_b.up.sql:2:1:error\n");
	expect(&r, "migration-invalid-name", "");
	cr_assert_eq(r.lint.summary.files, 3);
	run_release(&r);
}

Test(sqllint, plain_single_statement_concurrently_is_fine)
{
	struct run r = { .n = 0 };

	r.paths[r.n++] = put("sql/add_index.sql", "CREATE INDEX CONCURRENTLY i ON t (id);\n");
	lint_them(&r, 15);
	expect(&r, "sql-concurrently-in-transaction", "");
	expect(&r, "migration-invalid-name", "");
	run_release(&r);
}

Test(sqllint, suppression_comment_on_the_line_before)
{
	struct run r = { .n = 0 };

	r.paths[r.n++] = put("x/drop.sql",
			     "SET lock_timeout = '1s';\n"
			     "-- argomig:ignore sql-drop-table -- replaced in release 41\n"
			     "DROP TABLE old_orders;\n"
			     "DROP TABLE old_items;\n"
			     "-- argomig:ignore no-such-rule\n"
			     "SELECT 1;\n");
	lint_them(&r, 15);
	expect(&r, "sql-drop-table", "drop.sql:3:1:error:suppressed\ndrop.sql:4:1:error\n");
	expect(&r, "ignore-unknown-rule", "drop.sql:5:1:warning\n");
	run_release(&r);
}

Test(sqllint, syntax_errors_do_not_hide_other_statements)
{
	struct run r = { .n = 0 };

	r.paths[r.n++] = put("y/a.sql", "SET lock_timeout = '1s';\nALTER TABLE t ADD COLUMN;\n"
					"ALTER TABLE t RENAME TO u;\n");
	r.paths[r.n++] = put("y/b.sql", "SELECT '\xff';\n");
	lint_them(&r, 15);
	expect(&r, "sql-syntax-error", "a.sql:2:25:error\nb.sql:1:9:error\n");
	expect(&r, "sql-rename-table", "a.sql:3:1:error\n");
	run_release(&r);
}

Test(sqllint, pg_version_changes_version_dependent_rules)
{
	struct run r = { .n = 0 };

	r.paths[r.n++] = put("z/a.sql", "SET lock_timeout = '1s';\n"
					"ALTER TABLE t ADD COLUMN c int DEFAULT 0;\n"
					"ALTER TABLE t VALIDATE CONSTRAINT t_c_nn;\n"
					"ALTER TABLE t ALTER COLUMN c SET NOT NULL;\n");
	lint_them(&r, 15);
	expect(&r, "sql-add-column-rewrite", "");
	expect(&r, "sql-set-not-null", "");
	run_release(&r);

	memset(&r, 0, sizeof(r));
	r.paths[r.n++] = xasprintf("%s/z/a.sql", tmpdir);
	lint_them(&r, 10);
	expect(&r, "sql-add-column-rewrite", "a.sql:2:1:error\n");
	expect(&r, "sql-set-not-null", "a.sql:4:1:warning\n");
	run_release(&r);
}

Test(sqllint, unreadable_file_is_an_error)
{
	struct am_lint lint;
	char *path = xasprintf("%s/missing/V1__a.sql", tmpdir);
	const char *paths[] = { path };

	am_lint_init(&lint);
	cr_assert_eq(am_sql_lint_files(&lint, paths, 1), AM_ENOTFOUND);
	am_lint_release(&lint);
	free(path);
}

Test(sqllint, directories_are_linted_separately)
{
	struct run r = { .n = 0 };

	r.paths[r.n++] = put("a/V1__x.sql", "SELECT 1;\n");
	r.paths[r.n++] = put("b/V1__y.sql", "SELECT 1;\n");
	r.paths[r.n++] = put("a/V1_0__z.sql", "SELECT 1;\n");
	lint_them(&r, 15);
	expect(&r, "migration-duplicate-version", "V1__x.sql:1:1:error\n");
	run_release(&r);
}
