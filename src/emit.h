/* SPDX-License-Identifier: MIT */
/*
 * emit.h - jansson trees out as a YAML stream, through libyaml's emitter.
 *
 * Used by `argomig generate`: every document starts with "---", keys come
 * out in the order they were inserted, a string that YAML would read as
 * something else ("1", "-1", "true", "on", "null", "1.5", "") is quoted,
 * multi-line strings use the literal block style, and the same input
 * always gives byte-identical output. No value can break the document
 * structure: quoting and escaping are libyaml's job, never printf's.
 */
#ifndef AM_EMIT_H
#define AM_EMIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/*
 * Appends the YAML stream of 'n' documents (borrowed; none may be NULL)
 * to 'out'. Returns 0, or a negative AM_E* code after am_error_set()
 * (a value libyaml refuses, such as invalid UTF-8); 'out' is then left
 * as it was.
 */
int am_emit_docs(struct am_buf *out, json_t *const *docs, size_t n);

/*
 * True if the plain scalar 's' would be read by a YAML 1.1 or 1.2 loader
 * (Kubernetes' sigs.k8s.io/yaml included) as something other than a
 * string: null, a boolean, a number, a timestamp, or empty. Strings that
 * start with ':' or '?' count too: plain is legal but easy to misread.
 */
bool am_emit_plain_is_ambiguous(const char *s);

#endif
