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
	lint->pg_version = AM_PG_VERSION_DEFAULT;
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

void am_lint_enter_file(struct am_lint *lint, const char *file)
{
	if (lint->enter_file && !am_streq(file, lint->cur_file))
		lint->enter_file(lint, file);
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

bool am_ignore_directive(const char *text, const char **rules,
			 size_t *rules_len, const char **reason)
{
	static const char prefix[] = "argomig:ignore";
	const char *p, *dash;

	if (!am_starts_with(text, prefix))
		return false;
	p = text + sizeof(prefix) - 1;
	if (*p != ' ' && *p != '\t')
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	dash = strstr(p, "--");
	*rules = p;
	*rules_len = dash ? (size_t)(dash - p) : strlen(p);
	*reason = NULL;
	if (dash) {
		dash += 2;
		while (*dash == ' ' || *dash == '\t')
			dash++;
		if (*dash)
			*reason = dash;
	}
	return true;
}

static bool list_has(const char *list, size_t len, const char *id)
{
	char *copy = xstrndup(list, len);
	bool ret = am_ignore_list_has(copy, id);

	free(copy);
	return ret;
}

/*
 * The reason of an "argomig:ignore" comment on the line before 'line'
 * that names 'id', or NULL. Comments are sorted by line.
 */
static char *comment_suppression(const struct am_lint *lint, int line,
				 const char *id)
{
	size_t lo = 0, hi = lint->ncomments;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lint->comments[mid].line < line - 1)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < lint->ncomments && lint->comments[lo].line == line - 1; lo++) {
		const char *rules, *reason;
		size_t n;

		if (am_ignore_directive(lint->comments[lo].text, &rules, &n,
					&reason) &&
		    list_has(rules, n, id))
			return reason ? xstrdup(reason)
				      : xstrdup("argomig:ignore comment");
	}
	return NULL;
}

void am_lint_check_ignore_comments(struct am_lint *lint, const char *file)
{
	const struct am_rule *unknown = am_rule_find("ignore-unknown-rule");
	size_t i;

	for (i = 0; i < lint->ncomments; i++) {
		const struct am_comment *c = &lint->comments[i];
		const char *rules, *reason;
		char *list, *id, *save = NULL;
		size_t n;

		if (!am_ignore_directive(c->text, &rules, &n, &reason))
			continue;
		list = xstrndup(rules, n);
		for (id = strtok_r(list, ", \t", &save); id;
		     id = strtok_r(NULL, ", \t", &save)) {
			struct am_where at = { file, c->line, c->col, NULL,
					       NULL, NULL };

			if (am_rule_find(id))
				continue;
			am_lint_report(lint, unknown, unknown->severity, &at,
				       "run 'argomig rules' for the list of rule ids",
				       "suppression names unknown rule '%s'", id);
		}
		free(list);
	}
}

void am_lint_report(struct am_lint *lint, const struct am_rule *rule,
		    enum am_severity sev, const struct am_where *at,
		    const char *hint, const char *fmt, ...)
{
	struct am_finding f = { 0 };
	char *reason = NULL;
	va_list ap;

	am_lint_enter_file(lint, at->file);
	sev = am_lint_severity(lint, rule, sev);
	if (sev == AM_SEV_OFF)
		return;
	if (!at->suppressed)
		reason = comment_suppression(lint, at->line, rule->id);
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
	f.reason = reason ? reason : (char *)at->suppressed;
	f.suppressed = f.reason != NULL;
	am_diags_add(&lint->diags, &f);
	free(f.message);
	free(reason);
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
