/* SPDX-License-Identifier: MIT */
/*
 * registry.c - the static rule table, generated from k8s.def and sql.def.
 *
 * It only describes rules; running them is lint.c's job.
 */
#include <string.h>

#include "rules/rules.h"

#define AM_RULE(id, tgt, sev, fn, summary) am_check_fn fn;
#define AM_RULE_BUILTIN(id, sev, summary)
#include "rules/k8s.def"
#include "rules/sql.def"
#undef AM_RULE
#undef AM_RULE_BUILTIN

static const struct am_rule rules[] = {
#define AM_RULE(id, tgt, sev, fn, summary) \
	{ id, AM_TARGET_##tgt, AM_SEV_##sev, fn, summary },
#define AM_RULE_BUILTIN(id, sev, summary) \
	{ id, AM_TARGET_BUILTIN, AM_SEV_##sev, NULL, summary },
#include "rules/k8s.def"
#include "rules/sql.def"
#undef AM_RULE
#undef AM_RULE_BUILTIN
};

size_t am_rules_count(void)
{
	return sizeof(rules) / sizeof(rules[0]);
}

const struct am_rule *am_rule_at(size_t i)
{
	return i < am_rules_count() ? &rules[i] : NULL;
}

const struct am_rule *am_rule_find(const char *id)
{
	size_t i;

	for (i = 0; i < am_rules_count(); i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}
