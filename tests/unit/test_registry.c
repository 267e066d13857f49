/* SPDX-License-Identifier: MIT */
/*
 * The rule registry's contract: ids unique, each .def sorted, summaries
 * lower case without a trailing period, every rule documented.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

static void check_def_sorted(const char *path)
{
	char line[1024], prev[256] = "";
	FILE *fp = fopen(path, "r");

	cr_assert_not_null(fp, "cannot open %s", path);
	while (fgets(line, sizeof(line), fp)) {
		char *q = strchr(line, '"'), *e;

		if (strncmp(line, "AM_RULE", 7) || !q)
			continue;
		e = strchr(q + 1, '"');
		cr_assert_not_null(e);
		*e = '\0';
		cr_assert(strcmp(prev, q + 1) < 0, "%s: '%s' is not after '%s'",
			  path, q + 1, prev);
		snprintf(prev, sizeof(prev), "%s", q + 1);
	}
	fclose(fp);
}

Test(registry, def_files_are_sorted_by_id)
{
	check_def_sorted("src/rules/k8s.def");
	check_def_sorted("src/rules/sql.def");
}

Test(registry, ids_are_unique_and_found)
{
	size_t i, j, n = am_rules_count();

	for (i = 0; i < n; i++) {
		cr_assert_eq(am_rule_find(am_rule_at(i)->id), am_rule_at(i));
		for (j = i + 1; j < n; j++)
			cr_assert_str_neq(am_rule_at(i)->id, am_rule_at(j)->id);
	}
	cr_assert_null(am_rule_find("no-such-rule"));
}

Test(registry, summaries_are_lower_case_without_period)
{
	size_t i;

	for (i = 0; i < am_rules_count(); i++) {
		const char *s = am_rule_at(i)->summary;

		cr_assert(islower((unsigned char)s[0]), "%s", am_rule_at(i)->id);
		cr_assert_neq(s[strlen(s) - 1], '.', "%s", am_rule_at(i)->id);
	}
}

Test(registry, every_rule_has_documentation_with_examples)
{
	size_t i;

	for (i = 0; i < am_rules_count(); i++) {
		const char *id = am_rule_at(i)->id;
		const char *doc = am_rule_doc(id);

		cr_assert_not_null(doc, "%s has no docs/rules/%s.md", id, id);
		cr_assert_not_null(strstr(doc, "Why it matters"), "%s", id);
		cr_assert_not_null(strstr(doc, "\nBad"), "%s", id);
		cr_assert_not_null(strstr(doc, "\nGood"), "%s", id);
	}
}

Test(registry, every_rule_has_fixtures)
{
	size_t i;

	for (i = 0; i < am_rules_count(); i++) {
		const char *id = am_rule_at(i)->id;
		char path[512];
		FILE *fp;

		snprintf(path, sizeof(path), "tests/rules/%s/expected.txt", id);
		fp = fopen(path, "r");
		cr_assert_not_null(fp, "%s has no %s", id, path);
		fclose(fp);
	}
}

Test(registry, builtin_rules_have_no_check_and_others_do)
{
	size_t i;

	for (i = 0; i < am_rules_count(); i++) {
		const struct am_rule *r = am_rule_at(i);

		cr_assert_eq(r->target == AM_TARGET_BUILTIN, r->check == NULL,
			     "%s", r->id);
	}
}
