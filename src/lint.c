/* SPDX-License-Identifier: MIT */
/*
 * lint.c - the lint run: severity resolution and reporting.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "util.h"

void am_lint_init(struct am_lint *lint)
{
	size_t i, n = am_rules_count();

	memset(lint, 0, sizeof(*lint));
	am_diags_init(&lint->diags);
	lint->fail_on = AM_SEV_ERROR;
	lint->pg_version = 15;
	lint->cli_sev = xmalloc(n * sizeof(*lint->cli_sev));
	lint->file_sev = xmalloc(n * sizeof(*lint->file_sev));
	for (i = 0; i < n; i++)
		lint->cli_sev[i] = lint->file_sev[i] = AM_SEV_DEFAULT;
}

void am_lint_release(struct am_lint *lint)
{
	am_diags_release(&lint->diags);
	free(lint->cli_sev);
	free(lint->file_sev);
	lint->cli_sev = lint->file_sev = NULL;
}

static size_t rule_index(const struct am_rule *rule)
{
	const struct am_rule *first = am_rule_at(0);

	return (size_t)(rule - first);
}

enum am_severity am_lint_severity(const struct am_lint *lint,
				  const struct am_rule *rule,
				  enum am_severity sev)
{
	size_t i = rule_index(rule);

	if (lint->cli_sev[i] != AM_SEV_DEFAULT)
		return (enum am_severity)lint->cli_sev[i];
	if (lint->file_sev[i] != AM_SEV_DEFAULT)
		return (enum am_severity)lint->file_sev[i];
	return sev;
}

void am_lint_report(struct am_lint *lint, const struct am_rule *rule,
		    enum am_severity sev, const struct am_where *at,
		    const char *hint, const char *fmt, ...)
{
	struct am_finding f = { 0 };
	va_list ap;

	sev = am_lint_severity(lint, rule, sev);
	if (sev == AM_SEV_OFF)
		return;
	va_start(ap, fmt);
	f.message = xvasprintf(fmt, ap);
	va_end(ap);
	f.rule = (char *)rule->id;
	f.severity = sev;
	f.file = (char *)at->file;
	f.line = at->line;
	f.col = at->col;
	f.object = (char *)at->object;
	f.source = (char *)at->source;
	f.hint = (char *)hint;
	f.suppressed = at->suppressed != NULL;
	f.reason = (char *)at->suppressed;
	am_diags_add(&lint->diags, &f);
	free(f.message);
}

bool am_ignore_list_has(const char *list, const char *id)
{
	size_t idlen = strlen(id);
	const char *p = list;

	while (*p) {
		const char *end;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		end = p;
		while (*end && *end != ',' && *end != ' ' && *end != '\t')
			end++;
		n = (size_t)(end - p);
		if (n == idlen && !strncmp(p, id, n))
			return true;
		p = end;
	}
	return false;
}
