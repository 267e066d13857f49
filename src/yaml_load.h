/* SPDX-License-Identifier: MIT */
/*
 * yaml_load.h - libyaml into jansson, keeping the position of every node.
 *
 * A YAML stream is read one document at a time (memory is bounded by the
 * largest document, not the stream). Each document becomes a json_t plus
 * a struct am_locmap that maps a JSON Pointer (RFC 6901, "" is the root)
 * to the 1-based line and column of the node and of its mapping key,
 * because jansson values carry no position and json_true()/json_null()
 * are shared singletons.
 *
 * Only this module includes <yaml.h>. Scalars follow YAML 1.1 core types
 * as Kubernetes reads them (plain true/false/null/~/ints/floats become
 * JSON types; quoted scalars stay strings); merge keys are not expanded.
 *
 * Hostile input: alias expansion, nesting depth and input size are all
 * bounded (struct am_yaml_limits). Problems in the input (syntax errors,
 * duplicate keys, NUL bytes, invalid UTF-8, tabs in indentation, limits
 * exceeded) are "problems" with a position, never crashes; the caller
 * turns them into invalid-yaml findings.
 */
#ifndef AM_YAML_LOAD_H
#define AM_YAML_LOAD_H

#include <jansson.h>
#include <stdio.h>

#include "lint.h"
#include "locmap.h"

struct am_yaml_limits {
	size_t max_bytes;	/* input size; default 64 MiB */
	size_t max_depth;	/* nesting of mappings and sequences; default 256 */
	size_t max_nodes;	/* nodes per document after alias expansion */
};

#define AM_YAML_MAX_BYTES (64u << 20)
#define AM_YAML_LIMITS_DEFAULT { AM_YAML_MAX_BYTES, 256, 1000000 }

struct am_yaml_doc {
	size_t index;		/* 0-based position in the stream */
	json_t *root;		/* owned; NULL for an empty document */
	struct am_locmap *locs;	/* owned */
	struct am_loc start;	/* position of the root node */
	char *source;		/* path of a Helm "# Source:" comment before it, or NULL */
};

struct am_yaml_problem {
	struct am_loc at;	/* libyaml's problem mark, or the offending node */
	char *message;		/* lower case, e.g. "duplicate key 'name'" */
};

struct am_yaml_reader;

/*
 * Reads the stream 'fp' (not closed by the reader); 'name' is used in
 * messages. 'lim' may be NULL for the defaults. Returns 0 or a negative
 * AM_E* code.
 */
int am_yaml_reader_new(struct am_yaml_reader **out, const char *name,
		       FILE *fp, const struct am_yaml_limits *lim);
/* The same over an in-memory buffer (borrowed; must outlive the reader). */
int am_yaml_reader_new_buf(struct am_yaml_reader **out, const char *name,
			   const char *buf, size_t len,
			   const struct am_yaml_limits *lim);

/*
 * Loads the next document into *doc (release it with am_yaml_doc_release).
 * Returns 1 for a document, 0 at the end of the stream, and a negative
 * AM_E* code when the stream cannot be read at all (I/O error, size
 * limit). A YAML error ends the stream (returns 0) and is recorded as a
 * problem; a duplicate key is recorded as a problem and the document is
 * still returned (with the first value).
 */
int am_yaml_reader_next(struct am_yaml_reader *r, struct am_yaml_doc *doc);

/* Problems found so far, in stream order. Borrowed. */
const struct am_yaml_problem *am_yaml_reader_problems(
	const struct am_yaml_reader *r, size_t *n);

/*
 * Directive comments seen so far ("# argomig:..."), sorted by line, with
 * the text after '#' and leading blanks. Borrowed.
 */
const struct am_comment *am_yaml_reader_comments(
	const struct am_yaml_reader *r, size_t *n);

void am_yaml_doc_release(struct am_yaml_doc *doc);
void am_yaml_reader_free(struct am_yaml_reader *r);

#endif
