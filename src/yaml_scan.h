/* SPDX-License-Identifier: MIT */
/*
 * yaml_scan.h - what libyaml does not report about a YAML stream.
 *
 * The loader passes every chunk it feeds to libyaml through
 * am_yaml_scan_feed(), which follows lines and notes: whole-line
 * directive comments ("# argomig:..."), Helm "# Source:" comments, tabs
 * in indentation, and where recent lines start (libyaml reports reader
 * errors as byte offsets). Comments inside block scalars cannot be told
 * apart from real ones here; only whole-line comments are seen.
 */
#ifndef AM_YAML_SCAN_H
#define AM_YAML_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lint.h"
#include "locmap.h"
#include "util.h"

struct am_yaml_scan_line;	/* a remembered line start */
struct am_yaml_scan_source;	/* a "# Source:" comment */

struct am_yaml_scan {
	size_t total;		/* bytes seen */
	int line;		/* current line, 1-based */
	int col;		/* bytes into the line, 1-based next column */
	enum { AM_SCAN_INDENT, AM_SCAN_COMMENT, AM_SCAN_TEXT } state;
	bool prev_cr;		/* the last byte was \r */
	int comment_col;	/* where the current comment's '#' is */
	struct am_buf comment;	/* the current comment's text */
	struct am_yaml_scan_line *starts;	/* a ring, not zeroed */
	size_t nstarts;		/* recorded so far; ring index nstarts % ring */
	struct am_loc *tabs;	/* a ring of tabs in indentation */
	size_t ntabs;
	struct am_comment *comments;	/* directive comments, in order */
	size_t ncomments, acomments;
	struct am_yaml_scan_source *sources;	/* unclaimed Source: comments */
	size_t nsources, asources;
};

void am_yaml_scan_init(struct am_yaml_scan *sc);
void am_yaml_scan_release(struct am_yaml_scan *sc);
void am_yaml_scan_feed(struct am_yaml_scan *sc, const unsigned char *p,
		       size_t n);

/* The 1-based line and byte column of byte offset 'off', if remembered. */
struct am_loc am_yaml_scan_offset_loc(const struct am_yaml_scan *sc,
				      size_t off);
/* True if a tab in indentation on 'at's line is at or before it. */
bool am_yaml_scan_is_indent_tab(const struct am_yaml_scan *sc,
				struct am_loc at);
/*
 * The path of the last "# Source:" comment after line 'after' and before
 * line 'before' (owned by the caller), or NULL; comments before 'before'
 * are dropped.
 */
char *am_yaml_scan_take_source(struct am_yaml_scan *sc, int after,
			       int before);

#endif
