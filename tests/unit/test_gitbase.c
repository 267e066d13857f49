/* SPDX-License-Identifier: MIT */
/*
 * --base: real repositories built with git in a temporary directory,
 * compared with what is on disk (committed or not).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "gitbase.h"
#include "lint.h"
#include "util.h"

static char top[64];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	rc = system(cmd);
	cr_assert_eq(rc, 0, "command failed: %s", cmd);
	free(cmd);
}

static void put(const char *path, const char *text)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	FILE *fp;

	if (slash) {
		*slash = '\0';
		sh("mkdir -p '%s'", dir);
	}
	free(dir);
	fp = fopen(path, "wb");
	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
}

static void commit(const char *msg)
{
	sh("git add -A && git -c user.name=t -c user.email=t@example.com "
	   "commit -qm '%s'",
	   msg);
}

static void setup(void)
{
	snprintf(top, sizeof(top), "/tmp/am-gitbase-XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	cr_assert_eq(chdir(top), 0);
	setenv("HOME", top, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	sh("mkdir repo && cd repo && git init -q -b main");
	cr_assert_eq(chdir("repo"), 0);
}

static void teardown(void)
{
	cr_assert_eq(chdir("/"), 0);
	sh("rm -rf '%s'", top);
}

/* A repository with two merged Flyway migrations in db/. */
static void base_repo(void)
{
	put("db/V1__create_users.sql",
	    "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
	put("db/V2__add_name.sql", "ALTER TABLE users ADD COLUMN name text;\n"
				   "SELECT 1;\n");
	put("app/main.go", "package main\n");
	commit("base");
}

/*
 * Runs --base REF over 'path' and returns the findings as text lines
 * (owned), or NULL with *rc set when the run fails.
 */
static char *run(const char *ref, const char *path, int *rc)
{
	struct am_lint lint;
	struct am_buf out = AM_BUF_INIT;
	char *paths[] = { (char *)path };
	size_t i;

	am_lint_init(&lint);
	lint.base_ref = ref;
	*rc = am_gitbase_lint(&lint, paths, 1);
	am_diags_sort(&lint.diags);
	for (i = 0; i < lint.diags.nr; i++) {
		const struct am_finding *f = &lint.diags.items[i];

		am_buf_addf(&out, "%s:%d:%d: %s: %s [%s]\n", f->file, f->line,
			    f->col, am_severity_name(f->severity), f->message,
			    f->rule);
	}
	am_lint_release(&lint);
	return am_buf_detach(&out);
}

static void expect(const char *ref, const char *path, const char *want)
{
	int rc;
	char *got = run(ref, path, &rc);

	cr_assert_eq(rc, 0, "rc %d: %s", rc, am_error_last());
	cr_assert_str_eq(got, want);
	free(got);
}

static void expect_error(const char *ref, const char *path, int code,
			 const char *want)
{
	int rc;
	char *got = run(ref, path, &rc);

	cr_assert_eq(rc, code, "rc %d: %s", rc, am_error_last());
	cr_assert_str_eq(got, "");
	cr_assert_str_eq(am_error_last(), want);
	free(got);
}

TestSuite(gitbase, .init = setup, .fini = teardown);

Test(gitbase, unchanged_migrations_are_clean)
{
	base_repo();
	expect("HEAD", "db", "");
	expect("HEAD", ".", "");
	expect("main", "db/V1__create_users.sql", "");
}

Test(gitbase, committed_edit_points_at_the_first_change)
{
	base_repo();
	put("db/V2__add_name.sql", "ALTER TABLE users ADD COLUMN name text;\n"
				   "SELECT 2;\n");
	commit("edit");
	expect("HEAD~1", "db",
	       "db/V2__add_name.sql:2:8: error: migration "
	       "'db/V2__add_name.sql' was changed after it was merged "
	       "(flyway checksum -1419706447 at 'HEAD~1', -2142393230 now) "
	       "[migration-edited]\n");
}

Test(gitbase, uncommitted_edit_is_detected)
{
	base_repo();
	put("db/V1__create_users.sql",
	    "CREATE TABLE users (id bigint PRIMARY KEY, email text, x int);\n");
	expect("HEAD", ".",
	       "db/V1__create_users.sql:1:54: error: migration "
	       "'db/V1__create_users.sql' was changed after it was merged "
	       "(flyway checksum 1522480202 at 'HEAD', -1898442506 now) "
	       "[migration-edited]\n");
}

Test(gitbase, shortened_file_points_after_its_last_character)
{
	base_repo();
	put("db/V2__add_name.sql", "ALTER TABLE users ADD COLUMN name text;\n");
	expect("HEAD", "db",
	       "db/V2__add_name.sql:1:40: error: migration "
	       "'db/V2__add_name.sql' was changed after it was merged "
	       "(flyway checksum -1419706447 at 'HEAD', 577072163 now) "
	       "[migration-edited]\n");
}

Test(gitbase, line_ending_and_blank_line_changes_are_not_edits)
{
	base_repo();
	put("db/V2__add_name.sql", "\xef\xbb\xbf"
				   "ALTER TABLE users ADD COLUMN name text;\r\n"
				   "\r\n"
				   "SELECT 1;");
	commit("crlf");
	expect("HEAD~1", "db", "");
}

Test(gitbase, deleted_migration)
{
	base_repo();
	sh("rm db/V1__create_users.sql");
	expect("HEAD", "db",
	       "db/V1__create_users.sql:1:1: error: flyway migration "
	       "'db/V1__create_users.sql' at 'HEAD' was deleted "
	       "[migration-deleted]\n");
}

Test(gitbase, renamed_migration_names_both_paths)
{
	base_repo();
	sh("git mv db/V2__add_name.sql db/V2__add_user_name.sql");
	commit("rename");
	expect("HEAD~1", "db",
	       "db/V2__add_user_name.sql:1:1: error: migration "
	       "'db/V2__add_name.sql' at 'HEAD~1' was renamed to "
	       "'db/V2__add_user_name.sql' [migration-deleted]\n");
}

Test(gitbase, renamed_with_other_line_endings_is_still_a_rename)
{
	base_repo();
	sh("rm db/V2__add_name.sql");
	put("db/sub/V2__add_name.sql",
	    "ALTER TABLE users ADD COLUMN name text;\r\nSELECT 1;\r\n");
	expect("HEAD", "db",
	       "db/sub/V2__add_name.sql:1:1: error: migration "
	       "'db/V2__add_name.sql' at 'HEAD' was renamed to "
	       "'db/sub/V2__add_name.sql' [migration-deleted]\n");
}

Test(gitbase, new_migration_in_order_is_clean)
{
	base_repo();
	put("db/V3__add_index.sql", "SELECT 3;\n");
	put("db/V2_1__between.sql", "SELECT 21;\n");
	put("other/V1__elsewhere.sql", "SELECT 1;\n");
	expect("HEAD", ".", "");
}

Test(gitbase, out_of_order_and_equal_versions)
{
	base_repo();
	put("db/V3__c.sql", "SELECT 3;\n");
	commit("v3");
	put("db/V2_5__late.sql", "SELECT 25;\n");
	put("db/V3.0__same.sql", "SELECT 30;\n");
	expect("HEAD", "db",
	       "db/V2_5__late.sql:1:1: warning: new migration "
	       "'db/V2_5__late.sql' has version 2.5, not above the highest "
	       "version 3 at 'HEAD' ('V3__c.sql') [migration-out-of-order]\n"
	       "db/V3.0__same.sql:1:1: warning: new migration "
	       "'db/V3.0__same.sql' has version 3.0, not above the highest "
	       "version 3 at 'HEAD' ('V3__c.sql') [migration-out-of-order]\n");
}

Test(gitbase, out_of_order_looks_at_the_whole_directory_for_a_file_input)
{
	base_repo();
	put("db/V1_5__x.sql", "SELECT 15;\n");
	expect("HEAD", "db/V1_5__x.sql",
	       "db/V1_5__x.sql:1:1: warning: new migration 'db/V1_5__x.sql' "
	       "has version 1.5, not above the highest version 2 at 'HEAD' "
	       "('V2__add_name.sql') [migration-out-of-order]\n");
}

Test(gitbase, golang_migrate_files)
{
	put("migrations/000001_init.up.sql", "CREATE TABLE t (id int);\n");
	put("migrations/000001_init.down.sql", "DROP TABLE t;\n");
	put("migrations/000002_more.up.sql", "ALTER TABLE t ADD x int;\n");
	commit("base");
	put("migrations/000001_init.up.sql", "CREATE TABLE t (id bigint);\n");
	put("migrations/000001_init.down.sql", "DROP TABLE IF EXISTS t;\n");
	put("migrations/000002_more.down.sql", "SELECT 1;\n");
	put("migrations/1_late.up.sql", "SELECT 1;\n");
	expect("HEAD", "migrations",
	       "migrations/000001_init.up.sql:1:20: error: migration "
	       "'migrations/000001_init.up.sql' was changed after it was "
	       "merged (its text differs from 'HEAD') [migration-edited]\n"
	       "migrations/1_late.up.sql:1:1: warning: new migration "
	       "'migrations/1_late.up.sql' has version 1, not above the "
	       "highest version 000002 at 'HEAD' ('000002_more.up.sql') "
	       "[migration-out-of-order]\n");
}

Test(gitbase, repeatables_callbacks_and_plain_files_are_not_checked)
{
	put("db/R__views.sql", "CREATE VIEW v AS SELECT 1;\n");
	put("db/afterMigrate.sql", "SELECT 1;\n");
	put("db/seed.sql", "SELECT 1;\n");
	commit("base");
	put("db/R__views.sql", "CREATE VIEW v AS SELECT 2;\n");
	sh("rm db/afterMigrate.sql db/seed.sql");
	expect("HEAD", "db", "");
}

Test(gitbase, input_in_a_subdirectory_of_the_repository)
{
	put("svc/api/db/V1__a.sql", "SELECT 1;\n");
	commit("base");
	put("svc/api/db/V1__a.sql", "SELECT 10;\n");
	cr_assert_eq(chdir("svc"), 0);
	expect("HEAD", "api/db/",
	       "api/db/V1__a.sql:1:9: error: migration 'api/db/V1__a.sql' "
	       "was changed after it was merged (flyway checksum "
	       "78787420 at 'HEAD', -500928370 now) [migration-edited]\n");
}

Test(gitbase, new_directory_is_all_new)
{
	base_repo();
	put("db2/V1__a.sql", "SELECT 1;\n");
	expect("HEAD", "db2", "");
}

Test(gitbase, ref_not_found_is_an_error)
{
	base_repo();
	expect_error("origin/nope", "db", AM_EGIT,
		     "--base: cannot resolve 'origin/nope': not found");
}

Test(gitbase, no_repository_is_an_error)
{
	cr_assert_eq(chdir(top), 0);
	sh("mkdir plain && echo 'SELECT 1;' > plain/V1__a.sql");
	expect_error("HEAD", "plain", AM_EGIT,
		     "--base: 'plain' is not inside a git repository");
}

Test(gitbase, shallow_clone_without_the_ref_is_an_error)
{
	base_repo();
	put("db/V3__c.sql", "SELECT 3;\n");
	commit("v3");
	cr_assert_eq(chdir(top), 0);
	sh("git clone -q --depth 1 file://%s/repo shallow", top);
	cr_assert_eq(chdir("shallow"), 0);
	expect("HEAD", "db", "");
	expect_error("HEAD~1", "db", AM_EGIT,
		     "--base: cannot resolve 'HEAD~1' in this shallow clone; "
		     "fetch the full history ('git fetch --unshallow', or "
		     "'fetch-depth: 0' in actions/checkout)");
}

Test(gitbase, input_outside_the_repository_is_an_error)
{
	base_repo();
	sh("mkdir -p ../elsewhere");
	int rc;
	struct am_lint lint;
	char *paths[] = { (char *)"db", (char *)"../elsewhere" };

	am_lint_init(&lint);
	lint.base_ref = "HEAD";
	rc = am_gitbase_lint(&lint, paths, 2);
	cr_assert_eq(rc, AM_EUSAGE);
	cr_assert(am_starts_with(am_error_last(),
				 "--base: '../elsewhere' is not in the "
				 "repository at '/tmp/am-gitbase-"),
		  "%s", am_error_last());
	am_lint_release(&lint);
}

/* --- migration-contract-too-early ----------------------------------------- */

static void contract_repo(void)
{
	base_repo();
	put("app/user.go", "package app\n"
			   "\n"
			   "const q = `SELECT email FROM users WHERE id = $1`\n");
	put("app/report.py", "# users report\nrows = db.query('users')\n"
			     "print(row['email'])\n");
	put("README.md", "The users table has an email column.\n");
	put("vendor/lib/x.go", "users email\n");
	commit("code");
}

Test(gitbase, contract_drop_column_names_the_file_and_line_at_ref)
{
	contract_repo();
	put("db/V3__drop_email.sql", "-- contract step\n"
				     "SET lock_timeout = '1s';\n"
				     "ALTER TABLE users DROP COLUMN email;\n");
	expect("HEAD", ".",
	       "db/V3__drop_email.sql:3:1: warning: migration drops column "
	       "'users.email' while code at 'HEAD' still uses 'email': "
	       "'app/report.py' line 3, and 1 more file "
	       "[migration-contract-too-early]\n");
}

Test(gitbase, contract_rename_table_and_column)
{
	contract_repo();
	put("db/V3__renames.sql",
	    "ALTER TABLE users RENAME COLUMN email TO mail;\n"
	    "ALTER TABLE public.users RENAME TO accounts;\n");
	expect("HEAD", "db",
	       "db/V3__renames.sql:1:1: warning: migration renames column "
	       "'users.email' to 'mail' while code at 'HEAD' still uses "
	       "'email': 'app/report.py' line 3, and 1 more file "
	       "[migration-contract-too-early]\n"
	       "db/V3__renames.sql:2:1: warning: migration renames table "
	       "'public.users' to 'accounts' while code at 'HEAD' still uses "
	       "'users': 'app/report.py' line 1, and 1 more file "
	       "[migration-contract-too-early]\n");
}

Test(gitbase, contract_ignores_docs_vendor_migrations_and_partial_words)
{
	base_repo();
	put("README.md", "ALTER TABLE users DROP COLUMN name\n");
	put("vendor/lib/x.go", "users name\n");
	put("app/user.go", "var usersname, users_name, nameplate = 1, 2, 3\n");
	put("app/other.go", "var name = \"users_x\"\n");
	commit("code");
	put("db/V3__drop_name.sql", "ALTER TABLE users DROP COLUMN name;\n");
	expect("HEAD", "db", "");
}

Test(gitbase, contract_uses_the_code_at_ref_not_on_disk)
{
	contract_repo();
	/* The pull request removes the uses too: old pods still have them. */
	sh("rm app/user.go app/report.py");
	put("db/V3__drop_users.sql", "DROP TABLE IF EXISTS users, orders;\n");
	expect("HEAD", "db",
	       "db/V3__drop_users.sql:1:1: warning: migration drops table "
	       "'users' while code at 'HEAD' still uses 'users': "
	       "'app/report.py' line 1, and 1 more file "
	       "[migration-contract-too-early]\n");
}

Test(gitbase, contract_only_for_new_migrations)
{
	put("db/V1__a.sql", "ALTER TABLE users DROP COLUMN email;\n");
	put("app/user.go", "// users.email\n");
	commit("base");
	expect("HEAD", "db", "");
}

Test(gitbase, any_revspec_names_the_base)
{
	FILE *fp;
	char sha[64] = "", *short_sha;

	base_repo();
	put("db/V3__c.sql", "SELECT 3;\n");
	commit("v3");
	sh("git rev-parse HEAD~1 > ../sha");
	fp = fopen("../sha", "r");
	cr_assert_not_null(fp);
	cr_assert_not_null(fgets(sha, sizeof(sha), fp));
	fclose(fp);
	sha[strcspn(sha, "\n")] = '\0';
	sh("git -c user.name=t -c user.email=t@example.com tag -a v1 -m v1 "
	   "HEAD~1");
	put("db/V2_5__late.sql", "SELECT 25;\n");
	short_sha = xstrndup(sha, 12);
	/* At HEAD~1 the highest version is 2: 2.5 is in order there. */
	expect(sha, "db", "");
	expect(short_sha, "db", "");
	expect("v1", "db", "");
	expect("main", "db",
	       "db/V2_5__late.sql:1:1: warning: new migration "
	       "'db/V2_5__late.sql' has version 2.5, not above the highest "
	       "version 3 at 'main' ('V3__c.sql') [migration-out-of-order]\n");
	free(short_sha);
}
