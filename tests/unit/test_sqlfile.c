/* SPDX-License-Identifier: MIT */
/*
 * test_sqlfile.c - loading, splitting, positions, comments and trees of
 * SQL migration files (src/sqlfile.c, src/sqlops.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "sqlfile.h"
#include "util.h"

static struct am_sqlfile *parse(const char *sql)
{
	struct am_sqlfile *f = NULL;

	cr_assert_eq(am_sqlfile_parse(&f, "t.sql", sql, strlen(sql)), 0);
	return f;
}

Test(sqlfile, statement_position_is_its_first_token)
{
	struct am_sqlfile *f = parse("-- V2__add_idx.sql\nSET lock_timeout = '1s';\n\n"
				     "/* build it */\n  CREATE INDEX CONCURRENTLY i ON t (a);\nDROP TABLE t");

	cr_assert_eq(f->nstmts, 3);
	cr_assert_eq(f->nerrors, 0);
	cr_assert_eq(f->stmts[0].line, 2);
	cr_assert_eq(f->stmts[0].col, 1);
	cr_assert_eq(f->stmts[1].line, 5);
	cr_assert_eq(f->stmts[1].col, 3);
	cr_assert_eq(f->stmts[1].lead, AM_LEAD_CREATE_INDEX_CONCURRENTLY);
	cr_assert_eq(f->stmts[2].line, 6);
	cr_assert_eq(f->stmts[2].col, 1);
	cr_assert_eq(f->stmts[2].lead, AM_LEAD_DROP);
	am_sqlfile_free(f);
}

Test(sqlfile, columns_count_characters_not_bytes)
{
	struct am_sqlfile *f = parse("SELECT 'é'; /* ü */ DROP TABLE t;");
	int line, col;

	cr_assert_eq(f->nstmts, 2);
	cr_assert_eq(f->stmts[1].line, 1);
	cr_assert_eq(f->stmts[1].col, 21);
	am_sqlfile_linecol(f, f->stmts[1].first, &line, &col);
	cr_assert_eq(col, 21);
	am_sqlfile_free(f);
}

Test(sqlfile, placeholders_keep_offsets)
{
	struct am_sqlfile *f = parse("ALTER TABLE ${schema}.orders ADD COLUMN a int;\n"
				     "CREATE INDEX i ON ${flyway:defaultSchema}.t (a);");
	const struct am_sqlnode *st;

	cr_assert_eq(f->nerrors, 0);
	cr_assert_eq(f->nstmts, 2);
	cr_assert_eq(strlen(f->text), f->len);
	st = am_sqlnode_as(am_sqlstmt_tree(&f->stmts[0]), "AlterTableStmt");
	cr_assert_not_null(st);
	cr_assert_str_eq(am_sqlnode_str(am_sqlnode_get(st, "relation"), "schemaname"),
			 "xxxxxxxxx");
	cr_assert_eq(f->stmts[1].line, 2);
	st = am_sqlnode_as(am_sqlstmt_tree(&f->stmts[1]), "IndexStmt");
	cr_assert_str_eq(am_sqlnode_str(am_sqlnode_get(st, "relation"), "relname"), "t");
	am_sqlfile_free(f);
}

Test(sqlfile, meta_commands_are_skipped_in_place)
{
	struct am_sqlfile *f = parse("\\set ON_ERROR_STOP on\n\\connect app\n"
				     "ALTER TABLE t DROP COLUMN c;\n");

	cr_assert_eq(f->nerrors, 0);
	cr_assert_eq(f->nstmts, 1);
	cr_assert_eq(f->stmts[0].line, 3);
	cr_assert_eq(f->stmts[0].col, 1);
	am_sqlfile_free(f);
}

Test(sqlfile, syntax_error_at_cursor_and_other_statements_kept)
{
	struct am_sqlfile *f = parse("SELECT 1;\n-- broken\nALTER TABLE t ADD COLUMN;\n"
				     "DROP TABLE u;\n");

	cr_assert_eq(f->nerrors, 1);
	cr_assert_eq(f->errors[0].line, 3);
	cr_assert_eq(f->errors[0].col, 25);
	cr_assert_str_eq(f->errors[0].message, "syntax error at or near \";\"");
	cr_assert_eq(f->nstmts, 3);
	cr_assert(f->stmts[1].bad);
	cr_assert_null(am_sqlstmt_tree(&f->stmts[1]));
	cr_assert_not_null(am_sqlnode_as(am_sqlstmt_tree(&f->stmts[2]), "DropStmt"));
	cr_assert_eq(f->stmts[2].line, 4);
	am_sqlfile_free(f);
}

Test(sqlfile, malformed_sql_never_crashes)
{
	static const char *const inputs[] = {
		"", ";;;", "CREATE TABLE (;\nSELECT 3;", "'unterminated",
		"$$ unterminated", "/* open comment", "SELECT ((((((((((1",
		"${", "${}", "\\", "-- only a comment",
	};
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(inputs); i++) {
		struct am_sqlfile *f = parse(inputs[i]);
		size_t k;

		for (k = 0; k < f->nstmts; k++)
			(void)am_sqlstmt_tree(&f->stmts[k]);
		am_sqlfile_free(f);
	}
}

Test(sqlfile, nul_byte_is_an_error_with_position)
{
	static const char sql[] = "SELECT 1;\nSEL\0ECT 2;";
	struct am_sqlfile *f = NULL;

	cr_assert_eq(am_sqlfile_parse(&f, "t.sql", sql, sizeof(sql) - 1), 0);
	cr_assert_eq(f->nerrors, 1);
	cr_assert_eq(f->errors[0].line, 2);
	cr_assert_eq(f->errors[0].col, 4);
	cr_assert_str_eq(f->errors[0].message, "file contains a NUL byte");
	cr_assert_eq(f->nstmts, 0);
	am_sqlfile_free(f);
}

Test(sqlfile, invalid_utf8_is_an_error_with_position)
{
	struct am_sqlfile *f = parse("SELECT 'a';\n  SELECT '\xc3\x28';");

	cr_assert_eq(f->nerrors, 1);
	cr_assert_eq(f->errors[0].line, 2);
	cr_assert_eq(f->errors[0].col, 11);
	cr_assert_str_eq(f->errors[0].message, "file is not valid UTF-8");
	am_sqlfile_free(f);
}

Test(sqlfile, directive_comments)
{
	struct am_sqlfile *f = parse(
		"-- argomig:contract\n"
		"SELECT 1;\n"
		"  -- argomig:ignore sql-drop-table -- planned\n"
		"DROP TABLE t;\n"
		"/* @flyway:executeInTransaction false */\n"
		"-- flyway:executeInTransaction=false\n"
		"-- nothing to see\n");

	cr_assert(f->contract);
	cr_assert_eq(f->ncomments, 2);
	cr_assert_eq(f->comments[1].line, 3);
	cr_assert_eq(f->comments[1].col, 3);
	cr_assert_str_eq(f->comments[1].text, "argomig:ignore sql-drop-table -- planned");
	cr_assert_eq(f->ndirectives, 2);
	cr_assert_eq(f->directives[0].line, 5);
	cr_assert_str_eq(f->directives[0].text, "flyway:executeInTransaction false");
	cr_assert_eq(f->directives[1].line, 6);
	cr_assert_str_eq(f->directives[1].text, "flyway:executeInTransaction=false");
	am_sqlfile_free(f);
}

Test(sqlfile, comment_inside_string_is_not_a_directive)
{
	struct am_sqlfile *f = parse("SELECT '-- argomig:contract';\n");

	cr_assert_not(f->contract);
	cr_assert_eq(f->ncomments, 0);
	am_sqlfile_free(f);
}

Test(sqlfile, ten_megabyte_file_loads)
{
	char path[] = "/tmp/argomig-sqlfile-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	struct am_sqlfile *f = NULL;
	size_t i, n = 0;

	cr_assert(fd >= 0);
	fp = fdopen(fd, "w");
	for (i = 0; n < 10u << 20; i++)
		n += (size_t)fprintf(fp, "ALTER TABLE t%zu ADD COLUMN c%zu text;\n", i, i);
	fclose(fp);
	cr_assert_eq(am_sqlfile_load(&f, path), 0);
	unlink(path);
	cr_assert_eq(f->nerrors, 0);
	cr_assert_eq(f->nstmts, i);
	cr_assert_eq(f->stmts[i - 1].line, (int)i);
	cr_assert_not_null(am_sqlstmt_tree(&f->stmts[i - 1]));
	am_sqlfile_free(f);
}

Test(sqlfile, tree_accessors)
{
	struct am_sqlfile *f = parse(
		"ALTER TABLE s.t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES o (id) NOT VALID;");
	const struct am_sqlnode *st = am_sqlnode_as(am_sqlstmt_tree(&f->stmts[0]),
						    "AlterTableStmt");
	const struct am_sqlnode *cmds = am_sqlnode_get(st, "cmds");
	const struct am_sqlnode *cmd = am_sqlnode_as(cmds->child, "AlterTableCmd");
	const struct am_sqlnode *k = am_sqlnode_as(am_sqlnode_get(cmd, "def"), "Constraint");
	int line, col;

	cr_assert_eq(cmds->n, 1);
	cr_assert(am_sqlnode_is(cmd, "subtype", "AT_AddConstraint"));
	cr_assert(am_sqlnode_bool(k, "skip_validation"));
	cr_assert_not(am_sqlnode_bool(k, "initially_valid"));
	cr_assert_eq(am_sqlnode_int(am_sqlnode_get(st, "relation"), "location"), 12);
	am_sqlstmt_node_pos(&f->stmts[0], am_sqlnode_get(k, "pktable"), &line, &col);
	cr_assert_eq(col, 62);
	am_sqlfile_free(f);
}

Test(sqlops, locks_per_table)
{
	struct am_sqlfile *f = parse(
		"CREATE TABLE n (id int, o_id int REFERENCES o (id));\n"
		"ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES o (id), "
		"ALTER COLUMN b TYPE bigint;\n"
		"CREATE INDEX CONCURRENTLY i ON t (a);\n"
		"CREATE INDEX j ON n (id);\n"
		"UPDATE u SET a = 1;\n");
	struct am_sqltable_lock *t;
	size_t n;

	cr_assert_eq(am_sqlfile_table_locks(f, &t, &n), 0);
	cr_assert_eq(n, 4);
	cr_assert_str_eq(t[0].table, "o");
	cr_assert_eq(t[0].mode, AM_LOCK_SHARE_ROW_EXCLUSIVE);
	cr_assert(t[0].risky);
	cr_assert_not(t[0].created);
	cr_assert_str_eq(t[1].table, "t");
	cr_assert_eq(t[1].mode, AM_LOCK_ACCESS_EXCLUSIVE);
	cr_assert(t[1].risky);
	cr_assert_eq(t[1].line, 2);
	cr_assert_str_eq(t[2].table, "n");
	cr_assert_eq(t[2].mode, AM_LOCK_SHARE);
	cr_assert(t[2].created);
	cr_assert_str_eq(t[3].table, "u");
	cr_assert_eq(t[3].mode, AM_LOCK_ROW_EXCLUSIVE);
	cr_assert(t[3].risky);
	cr_assert_str_eq(am_lockmode_name(t[1].mode), "ACCESS EXCLUSIVE");
	am_sqltable_locks_free(t, n);
	am_sqlfile_free(f);
}

Test(sqlops, drops_and_renames)
{
	struct am_sqlfile *f = parse(
		"DROP TABLE IF EXISTS a, s.b;\n"
		"ALTER TABLE c RENAME COLUMN x TO y;\n"
		"  ALTER TABLE d RENAME TO e;\n"
		"ALTER TABLE f DROP COLUMN g, ADD COLUMN h int;\n"
		"DROP INDEX i;\n");
	struct am_sqlchange *c;
	size_t n;

	cr_assert_eq(am_sqlfile_changes(f, &c, &n), 0);
	cr_assert_eq(n, 5);
	cr_assert_eq(c[0].kind, AM_SQLCHANGE_DROP_TABLE);
	cr_assert_str_eq(c[0].table, "a");
	cr_assert_null(c[0].schema);
	cr_assert_str_eq(c[1].schema, "s");
	cr_assert_str_eq(c[1].table, "b");
	cr_assert_eq(c[2].kind, AM_SQLCHANGE_RENAME_COLUMN);
	cr_assert_str_eq(c[2].column, "x");
	cr_assert_str_eq(c[2].new_name, "y");
	cr_assert_eq(c[3].kind, AM_SQLCHANGE_RENAME_TABLE);
	cr_assert_eq(c[3].line, 3);
	cr_assert_eq(c[3].col, 3);
	cr_assert_eq(c[4].kind, AM_SQLCHANGE_DROP_COLUMN);
	cr_assert_str_eq(c[4].table, "f");
	cr_assert_str_eq(c[4].column, "g");
	am_sqlchanges_free(c, n);
	am_sqlfile_free(f);
}

Test(sqlops, created_before)
{
	struct am_sqlfile *f = parse("ALTER TABLE t ADD COLUMN a int;\n"
				     "CREATE TABLE public.t (id int);\n"
				     "CREATE TABLE u AS SELECT 1;\n"
				     "ALTER TABLE t ADD COLUMN b int;\n");
	struct am_sqlrel t = { NULL, "t" }, u = { "public", "u" };

	cr_assert_not(am_sqlfile_created_before(f, 0, &t));
	cr_assert_not(am_sqlfile_created_before(f, 1, &t));
	cr_assert(am_sqlfile_created_before(f, 3, &t));
	cr_assert(am_sqlfile_created_before(f, 3, &u));
	cr_assert_not(am_sqlfile_created_before(f, 2, &u));
	am_sqlfile_free(f);
}

Test(sqlops, rewrite_reasons)
{
	struct am_sqlfile *f = parse(
		"ALTER TABLE t ADD COLUMN a int DEFAULT 0, ADD COLUMN b uuid DEFAULT gen_random_uuid(),"
		" ADD COLUMN c bigserial, ADD COLUMN d int GENERATED ALWAYS AS IDENTITY,"
		" ADD COLUMN e int GENERATED ALWAYS AS (a + 1) STORED, ADD COLUMN g timestamptz DEFAULT now();");
	const struct am_sqlnode *st = am_sqlnode_as(am_sqlstmt_tree(&f->stmts[0]),
						    "AlterTableStmt");
	const struct am_sqlnode *c = am_sqlnode_get(st, "cmds")->child;
	const char *want15[] = { NULL, "a volatile default", "a serial column's default calls nextval()",
				 "an identity column", "a stored generated column", NULL };
	size_t i;

	for (i = 0; c; c = c->next, i++) {
		const struct am_sqlnode *def = am_sqlnode_as(
			am_sqlnode_get(am_sqlnode_as(c, "AlterTableCmd"), "def"), "ColumnDef");
		const char *got = am_sqlcoldef_rewrite(def, 15);

		if (want15[i])
			cr_assert_str_eq(got, want15[i]);
		else
			cr_assert_null(got);
	}
	cr_assert_eq(i, 6);
	c = am_sqlnode_get(st, "cmds")->child;
	cr_assert_str_eq(am_sqlcoldef_rewrite(am_sqlnode_as(am_sqlnode_get(
				     am_sqlnode_as(c, "AlterTableCmd"), "def"), "ColumnDef"), 10),
			 "a default before PostgreSQL 11");
	am_sqlfile_free(f);
}
