/* SPDX-License-Identifier: MIT */
/*
 * generate.c - spec to YAML stream, then the self-check of that stream.
 *
 * Ties spec.c, render.c and emit.c together and lints the emitted bytes
 * read back through the YAML loader (the same path `argomig lint` takes),
 * so a finding can never be about something other than what is printed.
 * Objects that came from include: keep their origin ("k8s/app.yaml:3")
 * in the findings' source field. It prints nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "err.h"
#include "generate.h"
#include "k8s.h"
#include "render.h"
#include "spec.h"
#include "yaml_load.h"

bool am_generate_is_spec(const char *path)
{
	const char *slash = strrchr(path, '/');

	return !strcmp(slash ? slash + 1 : path, "argomig.yaml");
}

char *am_generate_rendered_name(const char *spec_path)
{
	return xasprintf("%s (rendered)", spec_path);
}

void am_generate_init(struct am_generate *g)
{
	memset(g, 0, sizeof(*g));
	am_buf_init(&g->out);
}

void am_generate_release(struct am_generate *g)
{
	am_buf_release(&g->out);
	free(g->rendered);
	memset(g, 0, sizeof(*g));
}

/* Lints the emitted stream, read back, as the file g->rendered. */
static int self_check(struct am_generate *g, struct am_lint *lint,
		      const struct am_render *r)
{
	struct am_yaml_reader *rd = NULL;
	struct am_objset *set = am_objset_new();
	const struct am_yaml_problem *probs;
	size_t i = 0, nprobs;
	int ret, got;

	ret = am_yaml_reader_new_buf(&rd, g->rendered, g->out.buf, g->out.len,
				     NULL);
	if (ret)
		goto out;
	lint->comments = NULL;
	lint->ncomments = 0;
	lint->summary.files++;
	for (;;) {
		struct am_yaml_doc doc = {0};

		got = am_yaml_reader_next(rd, &doc);
		if (got <= 0) {
			am_yaml_doc_release(&doc);
			ret = got;
			break;
		}
		if (i < r->nr && r->items[i].origin) {
			free(doc.source);
			doc.source = xasprintf("%s:%d", r->items[i].origin,
					       r->items[i].line);
		}
		ret = am_k8s_lint_doc(lint, set, g->rendered, &doc);
		am_yaml_doc_release(&doc);
		i++;
		if (ret)
			goto out;
	}
	if (ret)
		goto out;
	probs = am_yaml_reader_problems(rd, &nprobs);
	if (nprobs || i != r->nr) {
		ret = am_error_set(AM_ERROR,
				   "the rendered output does not read back as "
				   "%zu documents (%s); please report this",
				   r->nr,
				   nprobs ? probs[0].message : "count differs");
		goto out;
	}
	ret = am_k8s_lint_set(lint, set);
out:
	am_yaml_reader_free(rd);
	am_objset_free(set);
	return ret;
}

int am_generate_run(struct am_generate *g, struct am_lint *lint,
		    const char *spec_path, char *const *envp,
		    const char *fallback_name)
{
	struct am_spec *spec = NULL;
	struct am_render r = {0};
	json_t **docs = NULL;
	size_t i;
	int ret;

	if ((ret = am_spec_load(&spec, spec_path)))
		return ret;
	if ((ret = am_spec_apply_env(spec, envp)))
		goto out;
	ret = am_spec_resolve_name(spec, envp);
	if (ret && fallback_name) {
		char *env[2] = {NULL, NULL};

		env[0] = xasprintf("ARGOCD_APP_NAME=%s", fallback_name);
		am_error_clear();
		ret = am_spec_resolve_name(spec, env);
		free(env[0]);
	}
	if (ret || (ret = am_render(&r, spec)))
		goto out;
	docs = xcalloc(r.nr, sizeof(*docs));
	for (i = 0; i < r.nr; i++)
		docs[i] = r.items[i].obj;
	if ((ret = am_emit_docs(&g->out, docs, r.nr)))
		goto out;
	g->lint_warn = spec->lint_warn;
	g->objects = r.nr;
	g->rendered = am_generate_rendered_name(spec_path);
	ret = self_check(g, lint, &r);
out:
	free(docs);
	am_render_release(&r);
	am_spec_free(spec);
	return ret;
}
