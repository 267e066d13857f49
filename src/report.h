/* SPDX-License-Identifier: MIT */
/*
 * report.h - printing findings: text (GNU style), JSON, SARIF 2.1.0 and
 * GitHub workflow commands.
 *
 * Every format prints the findings in the order they are in; sort them
 * first with am_diags_sort() (file, line, column, rule). Suppressed
 * findings are printed too, marked as such with their reason.
 */
#ifndef AM_REPORT_H
#define AM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "lint.h"

/* The tool's home page: SARIF's informationUri. */
#define AM_HOMEPAGE "https://argomig.io/"

enum am_format {
	AM_FORMAT_TEXT,
	AM_FORMAT_JSON,
	AM_FORMAT_SARIF,
	AM_FORMAT_GITHUB,
};

/* Returns 0 and sets *out, or -1 for an unknown name. */
int am_format_parse(enum am_format *out, const char *name);
/* "text", "json", "sarif", "github" */
const char *am_format_name(enum am_format fmt);

struct am_report_opts {
	/*
	 * text: after each unsuppressed finding, its source line and a caret
	 * under the column (read back from the file; never for stdin).
	 */
	bool show_source;
};

/*
 * Writes the report of 'd' and 's' to 'fp'. Returns 0, or AM_ERROR after
 * am_error_set() when writing fails.
 */
int am_report_write(FILE *fp, enum am_format fmt, const struct am_diags *d,
		    const struct am_lint_summary *s,
		    const struct am_report_opts *o);

/*
 * Writes the report into 'path' atomically: into a temporary file in the
 * same directory, renamed over 'path' only when complete. Returns 0, or
 * AM_ERROR after am_error_set() ("cannot write 'path': reason").
 */
int am_report_write_file(const char *path, enum am_format fmt,
			 const struct am_diags *d,
			 const struct am_lint_summary *s,
			 const struct am_report_opts *o);

/* The summary line: "3 files, 9 objects, ...: 1 error, ..., 0 suppressed". */
char *am_report_summary(const struct am_diags *d,
			const struct am_lint_summary *s);

#endif
