/* SPDX-License-Identifier: MIT */
/*
 * Flyway names, version order, checksums (reference/sql.md §5a test
 * vectors) and script configuration files.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "flyway.h"
#include "util.h"

/* --- names ------------------------------------------------------------- */

static void check_name(const char *file, enum am_flyway_kind kind,
		       const char *version, const char *desc)
{
	struct am_flyway_name n;

	cr_assert_eq(am_flyway_parse_name(&n, file), 0);
	cr_assert_eq(n.kind, kind, "%s: kind %d, want %d", file, n.kind, kind);
	if (version)
		cr_assert_str_eq(n.version, version, "%s", file);
	else
		cr_assert_null(n.version, "%s", file);
	if (desc)
		cr_assert_str_eq(n.description, desc, "%s", file);
	else
		cr_assert_null(n.description, "%s", file);
	am_flyway_name_release(&n);
}

Test(flyway, versioned_names)
{
	check_name("V1__init.sql", AM_FLYWAY_VERSIONED, "1", "init");
	check_name("V1_1__Add_users.sql", AM_FLYWAY_VERSIONED, "1.1",
		   "Add users");
	check_name("V1.1__add.sql", AM_FLYWAY_VERSIONED, "1.1", "add");
	check_name("V001__x.sql", AM_FLYWAY_VERSIONED, "001", "x");
	check_name("V20240101120000__big.sql", AM_FLYWAY_VERSIONED,
		   "20240101120000", "big");
	/* The first separator splits; later ones belong to the description. */
	check_name("V2__a__b.sql", AM_FLYWAY_VERSIONED, "2", "a  b");
	check_name("V3__.sql", AM_FLYWAY_VERSIONED, "3", "");
	/* Suffix compared case-insensitively (Flyway 13). */
	check_name("V4__x.SQL", AM_FLYWAY_VERSIONED, "4", "x");
	/* No separator: all of it is the version. */
	check_name("V5.sql", AM_FLYWAY_VERSIONED, "5", "");
}

Test(flyway, undo_baseline_and_repeatable_names)
{
	check_name("U2__drop.sql", AM_FLYWAY_UNDO, "2", "drop");
	check_name("B5__baseline.sql", AM_FLYWAY_BASELINE, "5", "baseline");
	check_name("R__views.sql", AM_FLYWAY_REPEATABLE, NULL, "views");
	check_name("R__refresh_views.sql", AM_FLYWAY_REPEATABLE, NULL,
		   "refresh views");
}

Test(flyway, callbacks_are_valid_and_longest_prefix_wins)
{
	check_name("afterMigrate.sql", AM_FLYWAY_CALLBACK, NULL, "");
	check_name("beforeMigrate__seed.sql", AM_FLYWAY_CALLBACK, NULL,
		   "seed");
	check_name("afterEachMigrate.sql", AM_FLYWAY_CALLBACK, NULL, "");
	check_name("afterEachMigrateError.sql", AM_FLYWAY_CALLBACK, NULL, "");
	check_name("afterMigrateError__x.sql", AM_FLYWAY_CALLBACK, NULL, "x");
}

Test(flyway, invalid_names)
{
	static const char *const bad[] = {
		"v1__lower_prefix.sql",	/* prefixes are case-sensitive */
		"V1_init.sql",		/* single underscore: version "1_init" */
		"V1.a__x.sql",		/* non-numeric version */
		"V__no_version.sql",	/* versioned needs a version */
		"V1..2__x.sql",		/* empty part */
		"V1.__x.sql",		/* trailing dot */
		"V-1__x.sql",
		"R1__x.sql",		/* repeatable with a version */
		"afterMigrateX.sql",	/* callback with a "version" */
		"init.sql",		/* no prefix */
		"001_init.up.sql",	/* golang-migrate, not Flyway */
		"V1__x.txt",		/* not the suffix */
		"V1__x.sql.conf",
		"",
		".sql",
	};
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(bad); i++)
		check_name(bad[i], AM_FLYWAY_INVALID, NULL, NULL);
}

/* --- versions ---------------------------------------------------------- */

Test(flyway, version_order_is_numeric_and_ignores_trailing_zeros)
{
	cr_assert_eq(am_flyway_version_cmp("1", "1"), 0);
	cr_assert_eq(am_flyway_version_cmp("1.0", "1"), 0);
	cr_assert_eq(am_flyway_version_cmp("1", "1.0.0"), 0);
	cr_assert_eq(am_flyway_version_cmp("1.01", "1.1"), 0);
	cr_assert_eq(am_flyway_version_cmp("001", "1"), 0);
	cr_assert_eq(am_flyway_version_cmp("1_1", "1.1"), 0);
	cr_assert_lt(am_flyway_version_cmp("1.9", "1.10"), 0);
	cr_assert_gt(am_flyway_version_cmp("1.10", "1.9"), 0);
	cr_assert_lt(am_flyway_version_cmp("2", "10"), 0);
	cr_assert_lt(am_flyway_version_cmp("1", "1.0.1"), 0);
	cr_assert_gt(am_flyway_version_cmp("1.0.1", "1"), 0);
	cr_assert_lt(am_flyway_version_cmp("9", "20240101120000"), 0);
	cr_assert_gt(am_flyway_version_cmp("3", "2.99"), 0);
	cr_assert_lt(am_flyway_version_cmp("0", "0.0.1"), 0);
	cr_assert_gt(am_flyway_version_cmp("123456789012345678901234567890",
					   "123456789012345678901234567889"),
		     0);
}

/* --- checksums (reference/sql.md §5a) ---------------------------------- */

static int32_t cs(const char *s)
{
	return am_flyway_checksum(s, strlen(s));
}

Test(flyway, checksum_vectors)
{
	cr_assert_eq(cs("CREATE TABLE t (id int);\n"), 92137680);
	cr_assert_eq(cs("CREATE TABLE t (id int);"), 92137680);
	cr_assert_eq(cs("CREATE TABLE t (id int);\r\n"), 92137680);
	cr_assert_eq(cs("\xef\xbb\xbf"
			"CREATE TABLE t (id int);\n"),
		     92137680);
	cr_assert_eq(cs("SELECT 1;\n"), 78787420);
}

Test(flyway, checksum_is_signed_and_ignores_line_boundaries)
{
	cr_assert_eq(cs("CREATE TABLE t\n(id int);\n"), -66220931);
	cr_assert_eq(cs("CREATE TABLE t(id int);\n\n\n"), -66220931);
	cr_assert_eq(cs("CREATE TABLE t\r\n(id int);\r\n"), -66220931);
	cr_assert_eq(cs("CREATE TABLE t\r(id int);\r"), -66220931);
	cr_assert_eq(cs("\n\nCREATE TABLE t\n\n(id int);"), -66220931);
}

Test(flyway, checksum_of_empty_and_blank_files_is_zero)
{
	cr_assert_eq(am_flyway_checksum("", 0), 0);
	cr_assert_eq(cs("\n\r\n\r"), 0);
	cr_assert_eq(cs("\xef\xbb\xbf"), 0);
}

Test(flyway, checksum_keeps_whitespace_and_later_boms)
{
	/* No normalization: a changed blank inside a line is a change. */
	cr_assert_neq(cs("SELECT 1;\n"), cs("SELECT  1;\n"));
	cr_assert_neq(cs("SELECT 1;\n"), cs("SELECT 1; \n"));
	/* Only the first line loses its BOM. */
	cr_assert_neq(cs("SELECT 1;\n\xef\xbb\xbf"), cs("SELECT 1;\n"));
}

Test(flyway, checksum_hashes_invalid_utf8_bytewise)
{
	/* zlib.crc32(b"\xff\xfe bad") as signed; Flyway would refuse it. */
	cr_assert_eq(cs("\xff\xfe bad\n"), 2136648580);
}

/* --- script configuration ---------------------------------------------- */

static char tmpdir[64];

static void conf_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/am-flyway-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void conf_teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

/* Writes <tmpdir>/V2__x.sql.conf and returns the .sql path (owned). */
static char *write_conf(const char *text)
{
	char *sql = xasprintf("%s/V2__x.sql", tmpdir);
	char *conf = xasprintf("%s.conf", sql);
	FILE *fp = fopen(conf, "w");

	cr_assert_not_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(conf);
	return sql;
}

Test(flyway, conf_missing_is_empty, .init = conf_setup,
     .fini = conf_teardown)
{
	struct am_flyway_conf c = { true, true };
	char *sql = xasprintf("%s/V1__none.sql", tmpdir);

	cr_assert_eq(am_flyway_conf_read(&c, sql), 0);
	cr_assert_not(c.has_execute_in_transaction);
	cr_assert_not(c.execute_in_transaction);
	free(sql);
}

Test(flyway, conf_execute_in_transaction_false, .init = conf_setup,
     .fini = conf_teardown)
{
	struct am_flyway_conf c;
	char *sql = write_conf("# no transaction for CONCURRENTLY\r\n"
			       "\n"
			       "encoding=UTF-8\r\n"
			       "  executeInTransaction = false\n"
			       "placeholderReplacement=false\n");

	cr_assert_eq(am_flyway_conf_read(&c, sql), 0);
	cr_assert(c.has_execute_in_transaction);
	cr_assert_not(c.execute_in_transaction);
	free(sql);
}

Test(flyway, conf_execute_in_transaction_true_with_colon,
     .init = conf_setup, .fini = conf_teardown)
{
	struct am_flyway_conf c;
	char *sql = write_conf("executeInTransaction: true");

	cr_assert_eq(am_flyway_conf_read(&c, sql), 0);
	cr_assert(c.has_execute_in_transaction);
	cr_assert(c.execute_in_transaction);
	free(sql);
}

Test(flyway, conf_without_the_key, .init = conf_setup, .fini = conf_teardown)
{
	struct am_flyway_conf c;
	char *sql = write_conf("shouldExecute=${env}==prod\n");

	cr_assert_eq(am_flyway_conf_read(&c, sql), 0);
	cr_assert_not(c.has_execute_in_transaction);
	free(sql);
}

Test(flyway, conf_unknown_key_is_an_error, .init = conf_setup,
     .fini = conf_teardown)
{
	struct am_flyway_conf c;
	char *sql = write_conf("executeInTransaction=false\nmixed=true\n");
	char *want = xasprintf(
		"'%s.conf': line 2: unknown script configuration key 'mixed' "
		"(flyway accepts executeInTransaction, encoding, "
		"placeholderReplacement, shouldExecute)",
		sql);

	cr_assert_eq(am_flyway_conf_read(&c, sql), AM_EINVALID);
	cr_assert_str_eq(am_error_last(), want);
	free(want);
	free(sql);
}

Test(flyway, conf_bad_boolean_is_an_error, .init = conf_setup,
     .fini = conf_teardown)
{
	struct am_flyway_conf c;
	char *sql = write_conf("executeInTransaction=no\n");
	char *want = xasprintf("'%s.conf': line 1: invalid value for "
			       "executeInTransaction (should be either true "
			       "or false): 'no'",
			       sql);

	cr_assert_eq(am_flyway_conf_read(&c, sql), AM_EINVALID);
	cr_assert_str_eq(am_error_last(), want);
	free(want);
	free(sql);
}

Test(flyway, conf_unreadable_is_an_error, .init = conf_setup,
     .fini = conf_teardown)
{
	struct am_flyway_conf c;
	char *sql = xasprintf("%s/V3__d.sql", tmpdir);
	char *dir = xasprintf("%s.conf", sql);

	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_lt(am_flyway_conf_read(&c, sql), 0);
	cr_assert_neq(am_error_last()[0], '\0');
	free(dir);
	free(sql);
}
