/* SPDX-License-Identifier: MIT */
/*
 * diag.h - findings: what argomig lint (and generate's self-check) report.
 *
 * A finding is the product, not an error: struct am_diags is an
 * append-only list with counts per severity. The printers for every
 * output format live in report.c; this file only collects and sorts.
 * Every string in a finding is owned by the list.
 */
#ifndef AM_DIAG_H
#define AM_DIAG_H

#include <stdbool.h>
#include <stddef.h>

enum am_severity {
	AM_SEV_OFF = 0,		/* only in configuration: the rule is disabled */
	AM_SEV_NOTE,
	AM_SEV_WARNING,
	AM_SEV_ERROR,
};

/* "note", "warning", "error", "off" */
const char *am_severity_name(enum am_severity sev);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int am_severity_parse(enum am_severity *out, const char *name);

struct am_finding {
	char *rule;		/* rule id, e.g. "job-backoff-limit" */
	enum am_severity severity;	/* after configuration overrides */
	char *file;		/* path as given on the command line */
	int line;		/* 1-based */
	int col;		/* 1-based */
	char *object;		/* "batch/v1/Job/db-migrate", or NULL */
	char *source;		/* Helm template path from "# Source:", or NULL */
	char *message;		/* lower case, no trailing period */
	char *hint;		/* what to do instead, or NULL */
	bool suppressed;	/* matched an ignore annotation or comment */
	char *reason;		/* why it was suppressed, or NULL */
};

struct am_diags {
	struct am_finding *items;
	size_t nr;
	size_t alloc;
	size_t count[AM_SEV_ERROR + 1];	/* unsuppressed findings per severity */
	size_t suppressed;		/* suppressed findings */
};

#define AM_DIAGS_INIT { NULL, 0, 0, { 0 }, 0 }

void am_diags_init(struct am_diags *d);
void am_diags_release(struct am_diags *d);

/*
 * Appends a copy of 'f' (every string is duplicated; 'f' stays the
 * caller's) and updates the counts.
 */
void am_diags_add(struct am_diags *d, const struct am_finding *f);

/* Sorts by file, line, column, rule (the order every format prints). */
void am_diags_sort(struct am_diags *d);

/* The number of unsuppressed findings at or above 'sev'. */
size_t am_diags_count_at_least(const struct am_diags *d, enum am_severity sev);

#endif
