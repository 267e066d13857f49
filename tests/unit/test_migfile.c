/* SPDX-License-Identifier: MIT */
/*
 * Which file names are versioned migrations, and where two versions of
 * a file first differ.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "migfile.h"
#include "util.h"

static void check(const char *name, int runner, const char *version)
{
	enum am_mig_runner r = 0;
	char *v = NULL;
	bool yes = am_mig_classify(name, &r, &v);

	if (!version) {
		cr_assert_not(yes, "%s", name);
		return;
	}
	cr_assert(yes, "%s", name);
	cr_assert_eq(r, runner, "%s", name);
	cr_assert_str_eq(v, version, "%s", name);
	free(v);
}

Test(migfile, versioned_names)
{
	check("V1__a.sql", AM_MIG_FLYWAY, "1");
	check("V1_2__a.sql", AM_MIG_FLYWAY, "1.2");
	check("000001_init.up.sql", AM_MIG_GOMIGRATE, "000001");
	check("12_.up.sql", AM_MIG_GOMIGRATE, "12");
	check("1_x.down.sql", 0, NULL);
	check("1.up.sql", 0, NULL);
	check("_x.up.sql", 0, NULL);
	check("R__views.sql", 0, NULL);
	check("U1__undo.sql", 0, NULL);
	check("afterMigrate.sql", 0, NULL);
	check("seed.sql", 0, NULL);
}

static void diff(const char *now, const char *was, int line, int col)
{
	struct am_migs m = { 0 };
	int l = 0, c = 0;

	am_migs_add(&m, xstrdup("a"), xstrdup("a"), AM_MIG_FLYWAY,
		    xstrdup("1"), xstrdup(now), strlen(now));
	am_migs_add(&m, xstrdup("b"), xstrdup("b"), AM_MIG_FLYWAY,
		    xstrdup("1"), xstrdup(was), strlen(was));
	am_mig_first_difference(&m.items[0], &m.items[1], &l, &c);
	cr_assert_eq(l, line, "'%s' vs '%s': line %d", now, was, l);
	cr_assert_eq(c, col, "'%s' vs '%s': col %d", now, was, c);
	am_migs_release(&m);
}

Test(migfile, first_difference_skips_what_the_checksum_skips)
{
	diff("SELECT 1;\nSELECT 3;\n", "SELECT 1;\nSELECT 2;\n", 2, 8);
	diff("SELECT 1;\r\n\r\nSELECT 3;", "SELECT 1;\nSELECT 2;\n", 3, 8);
	diff("\xef\xbb\xbfSELECT 2;", "SELECT 1;", 1, 8);
	diff("SELECT 1;\n", "SELECT 1;\nSELECT 2;\n", 1, 10);
	diff("", "SELECT 1;\n", 1, 1);
	diff("SELECT 1;\nX", "SELECT 1;\n", 2, 1);
}

Test(migfile, sort_drops_duplicates_and_find_uses_paths)
{
	struct am_migs m = { 0 };

	am_migs_add(&m, xstrdup("db/V2__b.sql"), xstrdup("x"), AM_MIG_FLYWAY,
		    xstrdup("2"), xstrdup(""), 0);
	am_migs_add(&m, xstrdup("db/V1__a.sql"), xstrdup("y"), AM_MIG_FLYWAY,
		    xstrdup("1"), xstrdup(""), 0);
	am_migs_add(&m, xstrdup("db/V2__b.sql"), xstrdup("z"), AM_MIG_FLYWAY,
		    xstrdup("2"), xstrdup(""), 0);
	am_migs_sort(&m);
	cr_assert_eq(m.nr, 2);
	cr_assert_str_eq(m.items[0].rel, "db/V1__a.sql");
	cr_assert_eq(m.items[1].dirlen, 2);
	cr_assert_str_eq(am_migs_find(&m, "db/V2__b.sql")->display, "x");
	cr_assert_null(am_migs_find(&m, "db/V3__c.sql"));
	am_migs_release(&m);
}
