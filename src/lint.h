/* SPDX-License-Identifier: MIT */
/*
 * lint.h - one lint run: options, the findings it collects, and the one
 * function every rule reports through.
 *
 * am_lint_report() applies the severity in effect for the current file
 * (--rule, then .argomig-lint.yaml, then the rule's own default or
 * variant) and drops findings of rules that are off. Suppression is
 * decided by the caller (annotation, YAML or SQL comment), which passes
 * the reason; suppressed findings are kept and shown as such.
 */
#ifndef AM_LINT_H
#define AM_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "rules/rules.h"

#define AM_SEV_DEFAULT (-1)	/* no override for this rule */

struct am_lint_summary {
	size_t files;		/* files read */
	size_t objects;		/* Kubernetes objects linted */
	size_t statements;	/* SQL statements linted */
	size_t skipped;		/* YAML documents that are not Kubernetes objects */
};

struct am_lint {
	struct am_diags diags;
	enum am_severity fail_on;	/* exit 1 at or above; default error */
	int pg_version;			/* --pg-version / pgVersion; default 15 */
	const char *base_ref;		/* --base REF, or NULL */
	int *cli_sev;			/* per rule index: --rule override or AM_SEV_DEFAULT */
	int *file_sev;			/* per rule index: config for the current file */
	struct am_lint_summary summary;
};

/* Where a finding points, and what it is about. Strings are borrowed. */
struct am_where {
	const char *file;	/* path as given on the command line */
	int line;		/* 1-based */
	int col;		/* 1-based */
	const char *object;	/* "batch/v1/Job/db-migrate", or NULL */
	const char *source;	/* Helm template ("# Source:"), or NULL */
	const char *suppressed;	/* reason if suppressed, else NULL */
};

void am_lint_init(struct am_lint *lint);
void am_lint_release(struct am_lint *lint);

/* The severity a finding of 'rule' at variant 'sev' gets now (may be OFF). */
enum am_severity am_lint_severity(const struct am_lint *lint,
				  const struct am_rule *rule,
				  enum am_severity sev);

/*
 * Records a finding of 'rule' with severity 'sev' (the rule's default or
 * one of its variants), at 'at', with a printf-style message and a hint
 * (what to do instead; may be NULL).
 */
void am_lint_report(struct am_lint *lint, const struct am_rule *rule,
		    enum am_severity sev, const struct am_where *at,
		    const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * True if the comma-separated rule list 'list' (from an annotation or an
 * ignore comment; spaces allowed) names 'id'.
 */
bool am_ignore_list_has(const char *list, const char *id);

#endif
