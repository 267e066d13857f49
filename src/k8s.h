/* SPDX-License-Identifier: MIT */
/*
 * k8s.h - linting Kubernetes manifests: one YAML document at a time, then
 * the cross-object rules over everything one input held.
 *
 * The driver (cmd_lint.c, generate's self-check) loads each document,
 * sets lint->comments and lint->file_sev for its file, calls
 * am_k8s_lint_doc(), frees the document, and after the last file of an
 * input calls am_k8s_lint_set(). The set keeps compact summaries (names,
 * positions, suppressions), never JSON trees, so memory stays bounded by
 * the largest document.
 */
#ifndef AM_K8S_H
#define AM_K8S_H

#include "lint.h"
#include "yaml_load.h"

/* What the AM_TARGET_OBJSET rules need about all objects of one input. */
struct am_objset;

/* Owned; free with am_objset_free(). */
struct am_objset *am_objset_new(void);
void am_objset_free(struct am_objset *set);	/* NULL ok */

/*
 * Lints one YAML document of 'file' (borrowed: must outlive 'lint'):
 * flattens `*List` kinds (items), skips YAML that is not a Kubernetes
 * object (no apiVersion/kind: lint->summary.skipped++, no finding; an
 * empty document is not counted), counts lint->summary.objects, reports
 * unknown rule ids in argomig.io/ignore annotations, runs every
 * AM_TARGET_OBJECT rule on each object, and records in 'set' (may be
 * NULL) what the AM_TARGET_OBJSET rules need. Returns 0, or a negative
 * AM_E* code if a rule could not run.
 */
int am_k8s_lint_doc(struct am_lint *lint, struct am_objset *set,
		    const char *file, const struct am_yaml_doc *doc);

/*
 * Runs the AM_TARGET_OBJSET rules over everything added to 'set', then
 * empties 'set' so it can collect the next input. Findings keep the
 * suppressions and per-file severities in effect when their document was
 * linted. Returns 0 or a negative AM_E* code.
 */
int am_k8s_lint_set(struct am_lint *lint, struct am_objset *set);

#endif
