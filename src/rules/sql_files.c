/* SPDX-License-Identifier: MIT */
/*
 * sql_files.c - rules about migration files as a set: Flyway directives
 * written as comments (which Flyway ignores), duplicate versions in one
 * directory, and names Flyway silently skips.
 */
#include <string.h>

#include "rules/sql_rules.h"
#include "util.h"

int rule_sql_flyway_directive(const struct am_rule *rule, struct am_lint *lint,
			      const struct am_subject *s)
{
	const struct am_sqlfile *f = s->file;
	size_t i;

	for (i = 0; i < f->ndirectives; i++) {
		struct am_where at = { f->path, f->directives[i].line,
				       f->directives[i].col, NULL, NULL, NULL };

		am_lint_report(lint, rule, rule->severity, &at,
			       "to run this migration outside a transaction, create "
			       "<file>.sql.conf containing executeInTransaction=false",
			       "comment \"%s\" is not a Flyway directive: no Flyway release "
			       "reads it",
			       f->directives[i].text);
	}
	return 0;
}

static bool same_version(const struct am_migdir *d, const char *a, const char *b)
{
	if (d->runner == AM_RUNNER_FLYWAY)
		return am_flyway_version_cmp(a, b) == 0;
	return !strcmp(a, b);
}

int rule_sql_duplicate_version(const struct am_rule *rule, struct am_lint *lint,
			       const struct am_subject *s)
{
	const struct am_migdir *d = s->dir;
	size_t i, first = 0;

	for (i = 1; i < d->nfiles; i++) {
		const struct am_migfile *a = &d->files[first], *b = &d->files[i];
		struct am_where at = { b->path, 1, 1, NULL, NULL, NULL };

		if (!b->version)
			continue;
		if (!a->version || !same_version(d, a->version, b->version)) {
			first = i;
			continue;
		}
		am_lint_report(lint, rule, rule->severity, &at,
			       "give each migration its own version (the runner refuses to "
			       "migrate, or applies only one of them)",
			       "version %s of \"%s\" is also the version of \"%s\"",
			       b->version, b->name, a->name);
	}
	return 0;
}

int rule_sql_invalid_name(const struct am_rule *rule, struct am_lint *lint,
			  const struct am_subject *s)
{
	const struct am_migdir *d = s->dir;
	size_t i;

	if (d->runner != AM_RUNNER_FLYWAY)
		return 0;
	for (i = 0; i < d->nfiles; i++) {
		const struct am_migfile *mf = &d->files[i];
		struct am_where at = { mf->path, 1, 1, NULL, NULL, NULL };

		if (mf->fw.kind != AM_FLYWAY_INVALID)
			continue;
		am_lint_report(lint, rule, rule->severity, &at,
			       "rename it V<version>__<description>.sql (or R__<description>.sql "
			       "for a repeatable migration)",
			       "flyway silently skips \"%s\": the name is not a versioned, "
			       "repeatable or callback migration",
			       mf->name);
	}
	return 0;
}
