/* SPDX-License-Identifier: MIT */
/*
 * generate.h - `argomig generate` as a library call: spec in, YAML stream
 * out, and the self-check of that stream.
 *
 * am_generate() loads the spec, applies Argo CD's environment, renders
 * the objects, emits them through libyaml, then reads its own output
 * back with the YAML loader and lints it with the Kubernetes rules, so
 * what is checked is exactly what would be printed. Findings go into the
 * caller's struct am_lint under the name "<spec> (rendered)"; deciding
 * whether they fail the run (and printing) is the caller's business.
 * Used by cmd_generate.c and by `argomig lint` for argomig.yaml inputs.
 */
#ifndef AM_GENERATE_H
#define AM_GENERATE_H

#include <stdbool.h>

#include "lint.h"
#include "util.h"

struct am_generate {
	struct am_buf out; /* the YAML stream, never empty on success */
	char *rendered;	   /* findings' file name: "<spec> (rendered)" */
	bool lint_warn;	   /* spec.lint: warn */
	size_t objects;	   /* objects rendered */
};

/* True if 'path' names a spec: its file name is argomig.yaml. */
bool am_generate_is_spec(const char *path);
/* The name findings about the rendering of 'spec_path' carry (owned). */
char *am_generate_rendered_name(const char *spec_path);

void am_generate_init(struct am_generate *g);
/* Release after the lint that holds findings about g->rendered. */
void am_generate_release(struct am_generate *g);

/*
 * Renders the spec at 'spec_path' with the environment 'envp' (as
 * environ; NULL for none) and lints the result into 'lint'. When neither
 * metadata.name nor ARGOCD_APP_NAME names the app, 'fallback_name' (may
 * be NULL) does. Returns 0, or a negative AM_E* code after am_error_set():
 * AM_ENOTFOUND when the spec cannot be read, AM_EINVALID with a one-line
 * positioned message for a bad spec, override or file.
 */
int am_generate_run(struct am_generate *g, struct am_lint *lint,
		    const char *spec_path, char *const *envp,
		    const char *fallback_name);

#endif
