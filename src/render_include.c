/* SPDX-License-Identifier: MIT */
/*
 * render_include.c - the manifests listed in include:, passed through.
 *
 * Reads each include path (a file, or a directory walked recursively in
 * sorted order for *.yaml, *.yml and *.json, hidden entries skipped)
 * with the YAML loader, flattens List kinds, and hands every object to
 * the output unchanged except that a workload without a sync-wave gets
 * "1", the wave of the generated Deployment. Whether the objects are
 * safe is the self-check's job (generate.c), not this file's.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "render.h"
#include "util.h"
#include "yaml_load.h"

#define INCLUDE_MAX_DEPTH 16

static const char *const workload_kinds[] = {
	"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout",
};

static bool is_workload(json_t *obj)
{
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	const char *api = json_string_value(json_object_get(obj, "apiVersion"));

	if (!kind || !api)
		return false;
	if (!strcmp(kind, "Rollout"))
		return am_starts_with(api, "argoproj.io/");
	return am_str_in(workload_kinds, AM_ARRAY_SIZE(workload_kinds), kind);
}

/* Gives a workload without argocd.argoproj.io/sync-wave the wave "1". */
static void default_wave(json_t *obj)
{
	json_t *meta = json_object_get(obj, "metadata");
	json_t *ann;

	if (!is_workload(obj) || !json_is_object(meta))
		return;
	ann = json_object_get(meta, "annotations");
	if (!json_is_object(ann)) {
		if (ann && !json_is_null(ann))
			return; /* malformed: left for the self-check to report */
		ann = json_object();
		json_object_set_new(meta, "annotations", ann);
	}
	if (!json_object_get(ann, "argocd.argoproj.io/sync-wave"))
		json_object_set_new(ann, "argocd.argoproj.io/sync-wave",
				    json_string("1"));
}

static bool is_object(json_t *v)
{
	return json_is_object(v) &&
	       json_is_string(json_object_get(v, "apiVersion")) &&
	       json_is_string(json_object_get(v, "kind"));
}

static void add(struct am_render *r, json_t *obj, const char *file, int line)
{
	struct am_rendered *it;

	default_wave(obj);
	AM_GROW(r->items, r->alloc, r->nr + 1);
	it = &r->items[r->nr++];
	it->obj = json_incref(obj);
	it->origin = xstrdup(file);
	it->line = line;
}

static int add_doc(struct am_render *r, struct am_yaml_doc *doc,
		   const char *file)
{
	const char *kind;
	json_t *items, *item;
	size_t i;

	if (!is_object(doc->root))
		return am_error_at(file, doc->start.line, doc->start.col,
				   "not a Kubernetes object (apiVersion and kind "
				   "are required); include only manifests");
	kind = json_string_value(json_object_get(doc->root, "kind"));
	items = json_object_get(doc->root, "items");
	if (!am_ends_with(kind, "List") || !json_is_array(items)) {
		add(r, doc->root, file, doc->start.line);
		return 0;
	}
	json_array_foreach(items, i, item)
	{
		struct am_loc at = {0, 0};
		char ptr[64];

		snprintf(ptr, sizeof(ptr), "/items/%zu", i);
		am_locmap_get(doc->locs, ptr, NULL, &at);
		if (!is_object(item))
			return am_error_at(
				file, at.line, at.col,
				"item %zu of the %s is not a Kubernetes object "
				"(apiVersion and kind are required)",
				i, kind);
		add(r, item, file, at.line);
	}
	return 0;
}

static int read_file(struct am_render *r, const char *abs, const char *rel)
{
	struct am_yaml_reader *rd = NULL;
	const struct am_yaml_problem *probs;
	size_t nprobs;
	FILE *fp;
	int ret, got;

	fp = fopen(abs, "rb");
	if (!fp)
		return am_error_set(AM_EINVALID, "%s: error: cannot open: %s",
				    rel, strerror(errno));
	if ((ret = am_yaml_reader_new(&rd, rel, fp, NULL)))
		goto out;
	for (;;) {
		struct am_yaml_doc doc = {0};

		got = am_yaml_reader_next(rd, &doc);
		probs = am_yaml_reader_problems(rd, &nprobs);
		if (got < 0) {
			ret = am_error_at(rel, 0, 0, "%s", am_error_last());
		} else if (nprobs) {
			ret = am_error_at(rel, probs[0].at.line,
					  probs[0].at.col, "%s",
					  probs[0].message);
		} else if (got > 0 && doc.root) {
			ret = add_doc(r, &doc, rel);
		}
		am_yaml_doc_release(&doc);
		if (ret || got <= 0)
			break;
	}
out:
	am_yaml_reader_free(rd);
	fclose(fp);
	return ret;
}

static bool is_manifest_name(const char *name)
{
	return am_ends_with(name, ".yaml") || am_ends_with(name, ".yml") ||
	       am_ends_with(name, ".json");
}

static int walk(struct am_render *r, const struct am_spec *spec,
		const char *abs, const char *rel, int depth)
{
	DIR *d;
	char **names;
	size_t nr, i, root_len = strlen(spec->root);
	int ret = 0;

	if (depth > INCLUDE_MAX_DEPTH)
		return am_error_set(
			AM_EINVALID,
			"%s: error: nested more than %d directories deep", rel,
			INCLUDE_MAX_DEPTH);
	d = opendir(abs);
	if (!d)
		return am_error_set(AM_EINVALID, "%s: error: cannot open: %s",
				    rel, strerror(errno));
	am_dir_names(d, false, &names, &nr);
	for (i = 0; i < nr && !ret; i++) {
		char *cabs = xasprintf("%s/%s", abs, names[i]);
		char *crel = xasprintf("%s/%s", rel, names[i]);
		char *real = realpath(cabs, NULL);
		struct stat st;

		if (!real || stat(real, &st) < 0)
			ret = am_error_set(
				AM_EINVALID,
				"%s: error: a broken symlink or unreadable",
				crel);
		else if (strcmp(spec->root, "/") &&
			 (strncmp(real, spec->root, root_len) ||
			  real[root_len] != '/'))
			ret = am_error_set(
				AM_EINVALID,
				"%s: error: a symlink to a path outside the "
				"repository; keep included manifests inside "
				"the repository",
				crel);
		else if (S_ISDIR(st.st_mode))
			ret = walk(r, spec, real, crel, depth + 1);
		else if (S_ISREG(st.st_mode) && is_manifest_name(names[i]))
			ret = read_file(r, real, crel);
		free(real);
		free(cabs);
		free(crel);
	}
	am_names_free(names, nr);
	return ret;
}

int am_render_includes(struct am_render *r, const struct am_spec *spec)
{
	size_t i;
	int ret = 0;

	const char *slash = strrchr(spec->file, '/');
	char *prefix =
		slash ? xstrndup(spec->file, (size_t)(slash - spec->file) + 1)
		      : xstrdup("");

	for (i = 0; i < spec->ninclude && !ret; i++) {
		const struct am_spec_path *p = &spec->include[i];
		char *rel = xasprintf("%s%s", prefix, p->rel);
		size_t n = strlen(rel);

		while (n > 1 && rel[n - 1] == '/')
			rel[--n] = '\0';
		if (p->is_dir)
			ret = walk(r, spec, p->abs, rel, 0);
		else
			ret = read_file(r, p->abs, rel);
		free(rel);
	}
	free(prefix);
	return ret;
}
