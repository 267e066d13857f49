/* SPDX-License-Identifier: MIT */
/*
 * cmd_rules.c - `argomig rules` and `argomig explain RULE`.
 *
 * Both read the registry only; nothing here runs a rule.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rules/rules.h"

const char cmd_rules_usage[] =
	"usage: argomig rules\n"
	"\n"
	"List every rule: id, default severity and a one-line summary.\n"
	"'argomig explain <rule>' prints a rule's documentation.\n";

const char cmd_explain_usage[] =
	"usage: argomig explain <rule>\n"
	"\n"
	"Print a rule's documentation: why it matters, a bad example, a good\n"
	"example and what to do instead. 'argomig rules' lists the ids.\n";

static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

int cmd_rules(int argc, char **argv)
{
	size_t i;

	if (wants_help(argc, argv))
		return am_cli_help(stdout, "rules"), AM_EXIT_OK;
	if (argc > 1)
		return am_cli_usage_error("rules", "too many arguments");
	for (i = 0; i < am_rules_count(); i++) {
		const struct am_rule *r = am_rule_at(i);

		printf("%-34s %-8s %s\n", r->id, am_severity_name(r->severity),
		       r->summary);
	}
	return AM_EXIT_OK;
}

int cmd_explain(int argc, char **argv)
{
	const struct am_rule *r;
	const char *doc;

	if (wants_help(argc, argv))
		return am_cli_help(stdout, "explain"), AM_EXIT_OK;
	if (argc != 2)
		return am_cli_usage_error("explain", "expected exactly one rule id");
	r = am_rule_find(argv[1]);
	if (!r)
		return am_cli_usage_error(NULL,
					  "'%s' is not a rule. See 'argomig rules'.",
					  argv[1]);
	doc = am_rule_doc(r->id);
	printf("%s (default severity: %s)\n\n", r->id,
	       am_severity_name(r->severity));
	fputs(doc ? doc : "", stdout);
	return AM_EXIT_OK;
}
