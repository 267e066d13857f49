/* SPDX-License-Identifier: MIT */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "preflight/preflight.h"

Test(preflight_keys, flyway_advisory_lock_key)
{
	/* reference/sql.md §5e: "public"."flyway_schema_history" */
	cr_assert_eq(am_pf_flyway_lock_key("public", "flyway_schema_history"),
		     77433833903597LL);
	/* high half 18027 or 18028 for any table (reference/preflight.md §5.6) */
	cr_assert_eq(am_pf_flyway_lock_key("app", "history") >> 32, 18028);
}

Test(preflight_keys, golang_migrate_advisory_lock_keys)
{
	/* reference/preflight.md §5.6 and sql.md §6 */
	cr_assert_eq(am_pf_migrate_lock_key("public", "schema_migrations", "app"),
		     1787120056LL);
	cr_assert_eq(am_pf_migrate_lock_key("public", "schema_migrations",
					    "postgres"),
		     143310882LL);
	cr_assert_eq(am_pf_migrate_lock_key("public", NULL, "postgres"),
		     2898930719LL);
}

Test(preflight_keys, lock_conflicts_follow_postgres)
{
	cr_assert(am_pf_lock_conflicts(AM_LOCK_ACCESS_SHARE,
				       AM_LOCK_ACCESS_EXCLUSIVE));
	cr_assert_not(am_pf_lock_conflicts(AM_LOCK_ACCESS_SHARE,
					   AM_LOCK_SHARE_UPDATE_EXCLUSIVE));
	cr_assert(am_pf_lock_conflicts(AM_LOCK_ROW_EXCLUSIVE, AM_LOCK_SHARE));
	cr_assert_not(am_pf_lock_conflicts(AM_LOCK_ROW_EXCLUSIVE,
					   AM_LOCK_ROW_EXCLUSIVE));
	cr_assert(am_pf_lock_conflicts(AM_LOCK_SHARE_UPDATE_EXCLUSIVE,
				       AM_LOCK_SHARE_UPDATE_EXCLUSIVE));
	cr_assert_not(am_pf_lock_conflicts(AM_LOCK_SHARE, AM_LOCK_SHARE));
	cr_assert(am_pf_lock_conflicts(AM_LOCK_ROW_SHARE, AM_LOCK_EXCLUSIVE));
	cr_assert_not(am_pf_lock_conflicts(AM_LOCK_ACCESS_SHARE, AM_LOCK_EXCLUSIVE));
}

Test(preflight_keys, lock_names_round_trip)
{
	int m;

	for (m = AM_LOCK_ACCESS_SHARE; m <= AM_LOCK_ACCESS_EXCLUSIVE; m++)
		cr_assert_eq(am_pf_lock_parse(am_pf_lock_name(m)), m);
	cr_assert_str_eq(am_pf_lock_name(AM_LOCK_ACCESS_EXCLUSIVE),
			 "AccessExclusiveLock");
	cr_assert_eq(am_pf_lock_parse("SIReadLock"), AM_LOCK_NONE);
	cr_assert_eq(am_pf_lock_parse(NULL), AM_LOCK_NONE);
}

Test(preflight_keys, ages_and_queries)
{
	char *s;

	s = am_pf_age(42);
	cr_assert_str_eq(s, "42s");
	free(s);
	s = am_pf_age(432);
	cr_assert_str_eq(s, "7m12s");
	free(s);
	s = am_pf_age(3 * 3600 + 125);
	cr_assert_str_eq(s, "3h02m");
	free(s);
	s = am_pf_age(2 * 86400 + 3600);
	cr_assert_str_eq(s, "2d01h");
	free(s);
	s = am_pf_short_query("SELECT *\n\tFROM  orders\n", 200);
	cr_assert_str_eq(s, "SELECT * FROM orders");
	free(s);
	s = am_pf_short_query("SELECT 'ééé'", 10);
	cr_assert_str_eq(s, "SELECT 'é...");
	free(s);
}

Test(preflight_keys, truncate_keeps_utf8_whole)
{
	char s[] = "abcdéfgh";

	am_pf_truncate(s, 8);
	cr_assert_str_eq(s, "abcd...");
	am_pf_truncate(s, 100);
	cr_assert_str_eq(s, "abcd...");
}

Test(preflight_keys, verdict_order_config_fatal_retry)
{
	struct am_pf_opts o;
	struct am_pf pf;
	struct am_pf_verdict v;

	memset(&o, 0, sizeof(o));
	am_pf_init(&pf, &o);
	am_pf_verdict(&pf, &v);
	cr_assert_str_eq(v.word, "go");
	cr_assert_eq(v.exit_code, 0);
	am_pf_set(&pf.res[am_pf_check_index("L03")], AM_PF_WARN, "old");
	am_pf_verdict(&pf, &v);
	cr_assert_eq(v.exit_code, 0);
	am_pf_set(&pf.res[am_pf_check_index("L02")], AM_PF_RETRY, "locked");
	am_pf_verdict(&pf, &v);
	cr_assert_str_eq(v.word, "retry");
	cr_assert_eq(v.exit_code, 75);
	am_pf_set(&pf.res[am_pf_check_index("S07")], AM_PF_FAIL, "drift");
	am_pf_verdict(&pf, &v);
	cr_assert_str_eq(v.word, "no-go");
	cr_assert_eq(v.exit_code, 3);
	am_pf_set(&pf.res[am_pf_check_index("C01")], AM_PF_CONFIG, "bad url");
	am_pf_verdict(&pf, &v);
	cr_assert_eq(v.exit_code, 4);
	am_pf_release(&pf);
}

Test(preflight_keys, check_table_sorted_and_unique)
{
	size_t i;

	for (i = 1; i < am_pf_nchecks; i++)
		cr_assert_lt(strcmp(am_pf_checks[i - 1].id, am_pf_checks[i].id), 0,
			     "%s before %s", am_pf_checks[i - 1].id,
			     am_pf_checks[i].id);
}
