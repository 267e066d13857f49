/* SPDX-License-Identifier: MIT */
/*
 * lint.h - one lint run: options, the findings it collects, and the one
 * function every rule reports through.
 *
 * am_lint_report() applies the severity in effect for the current file
 * (--rule, then .argomig-lint.yaml, then the rule's own default or
 * variant) and drops findings of rules that are off. A finding is
 * suppressed when the line before it holds an "argomig:ignore <rules>"
 * comment naming its rule (YAML or SQL; lint->comments), or when the
 * caller passes a reason (Kubernetes annotations); suppressed findings
 * are kept and shown as such.
 */
#ifndef AM_LINT_H
#define AM_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "rules/rules.h"

#define AM_SEV_DEFAULT (-1)	/* no override for this rule */
#define AM_PG_VERSION_DEFAULT 15	/* --pg-version / pgVersion when not set */

struct am_lint_summary {
	size_t files;		/* files read */
	size_t objects;		/* Kubernetes objects linted */
	size_t statements;	/* SQL statements linted */
	size_t skipped;		/* YAML documents that are not Kubernetes objects */
};

/*
 * A directive comment of the current file: YAML "# argomig:..." or SQL
 * "-- argomig:...". 'text' starts after the comment marker and blanks.
 */
struct am_comment {
	int line;	/* 1-based */
	int col;	/* 1-based, of the comment marker */
	char *text;	/* "argomig:ignore rule-a,rule-b -- reason" */
};

struct am_lint {
	struct am_diags diags;
	enum am_severity fail_on;	/* exit 1 at or above; default error */
	int pg_version;			/* --pg-version / pgVersion; default 15 */
	const char *base_ref;		/* --base REF, or NULL */
	int *cli_sev;			/* per rule index: --rule override or AM_SEV_DEFAULT */
	int *file_sev;			/* per rule index: config for the current file */
	struct am_lint_summary summary;
	const struct am_comment *comments;	/* current file's, sorted by line */
	size_t ncomments;
	/*
	 * Per-file state, kept by the lint driver (lint_run.c). A rule over
	 * a whole input reports on several files, so am_lint_report() first
	 * calls am_lint_enter_file() with the finding's file: when it is not
	 * cur_file, enter_file() loads that file's file_sev, pg_version and
	 * directive comments, and sets cur_file. NULL: nothing changes.
	 */
	void (*enter_file)(struct am_lint *lint, const char *file);
	void *enter_arg;		/* the driver's */
	const char *cur_file;		/* borrowed from the driver, or NULL */
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

/*
 * Makes 'file' the current file: its configuration (file_sev, pg_version)
 * and comments apply from now on. Modules call it before they lint a file
 * (a module that sets lint->comments itself does so after this call).
 */
void am_lint_enter_file(struct am_lint *lint, const char *file);

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

/*
 * For each "argomig:ignore" comment of the current file, reports every
 * rule id it names that does not exist (rule ignore-unknown-rule).
 */
void am_lint_check_ignore_comments(struct am_lint *lint, const char *file);

/*
 * Parses "argomig:ignore rule-a,rule-b -- reason": sets *rules to the
 * start of the rule list and *rules_len to its length, *reason to the
 * reason (or NULL). Returns false if 'text' is not an ignore directive.
 */
bool am_ignore_directive(const char *text, const char **rules,
			 size_t *rules_len, const char **reason);

#endif
