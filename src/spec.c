/* SPDX-License-Identifier: MIT */
/*
 * spec.c - loading and validating argomig.yaml.
 *
 * The YAML loader gives a json_t and the position of every node; this
 * file walks the tree field by field, fills struct am_spec with values or
 * defaults, and stops at the first problem with a compiler-style message
 * at the offending key. It checks that paths stay inside the repository.
 * Environment overrides are spec_env.c; rendering is render.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "path.h"
#include "spec.h"
#include "spec_node.h"
#include "util.h"
#include "yaml_load.h"

#define SPEC_MAX_BYTES (1u << 20)

static const char *const tool_names[] = {
	[AM_TOOL_FLYWAY] = "flyway",
	[AM_TOOL_GOLANG_MIGRATE] = "golang-migrate",
	[AM_TOOL_LIQUIBASE] = "liquibase",
	[AM_TOOL_COMMAND] = "command",
};

const char *am_tool_name(enum am_tool tool)
{
	return tool_names[tool];
}

/* The "image" field of 'parent': a string am_spec_check_image() accepts. */
static int parse_image(const struct am_sparser *p,
		       const struct am_snode *parent, const char *def,
		       bool required, char **out)
{
	const char *why;
	struct am_snode n;
	int ret;

	if ((ret = am_sparser_string(p, parent, "image", def, required, out)))
		return ret;
	if (!*out || !(why = am_spec_check_image(*out)))
		return 0;
	am_snode_child(&n, parent, "image");
	return am_sparser_err(p, am_snode_where(&n, parent), "%s %s", n.path,
			      why);
}

static int check_secret_field(const struct am_sparser *p,
			      const struct am_snode *parent, const char *key,
			      const char *name)
{
	struct am_snode n;

	if (am_spec_is_dns_subdomain(name))
		return 0;
	am_snode_child(&n, parent, key);
	return am_sparser_err(p, n.ptr,
			      "%s must be a Secret name: lower case letters, "
			      "digits, '-' and '.'",
			      n.path);
}

/* --- paths -------------------------------------------------------------- */

static bool path_inside(const char *abs, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return true;
	return !strncmp(abs, root, n) && (abs[n] == '/' || abs[n] == '\0');
}

/*
 * Resolves 'rel' (relative to the spec's directory) and checks that it
 * exists and stays inside the repository root.
 */
static int resolve_path(const struct am_sparser *p, const struct am_snode *n,
			const char *rel, bool need_dir,
			struct am_spec_path *out)
{
	const struct am_spec *spec = p->spec;
	struct am_loc key = {0, 0};
	char *joined, *abs;
	struct stat st;

	if (rel[0] == '/')
		return am_sparser_err(p, n->ptr,
				      "%s must be a path relative to the "
				      "directory of %s (got \"%s\")",
				      n->path, p->file, rel);
	joined = xasprintf("%s/%s", spec->dir, rel);
	abs = realpath(joined, NULL);
	free(joined);
	if (!abs) {
		if (errno == ENOENT || errno == ENOTDIR)
			return am_sparser_err(p, n->ptr,
					      "%s: '%s' does not exist",
					      n->path, rel);
		return am_sparser_err(p, n->ptr, "%s: cannot resolve '%s': %s",
				      n->path, rel, strerror(errno));
	}
	if (!path_inside(abs, spec->root)) {
		free(abs);
		return am_sparser_err(
			p, n->ptr,
			"%s: '%s' resolves to a path outside the repository; "
			"keep it inside the repository",
			n->path, rel);
	}
	if (stat(abs, &st) < 0 ||
	    (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) ||
	    (need_dir && !S_ISDIR(st.st_mode))) {
		free(abs);
		return am_sparser_err(
			p, n->ptr, "%s: '%s' is not a %s", n->path, rel,
			need_dir ? "directory" : "file or directory");
	}
	am_locmap_get(p->locs, n->ptr, &key, NULL);
	out->rel = xstrdup(rel);
	out->abs = abs;
	out->line = key.line;
	out->col = key.col;
	out->is_dir = S_ISDIR(st.st_mode);
	return 0;
}

/* --- sections ----------------------------------------------------------- */

static int parse_resources(const struct am_sparser *p,
			   const struct am_snode *app)
{
	static const char *const keys[] = {"requests", "limits", NULL};
	struct am_snode n;
	size_t k;
	int ret;

	am_snode_child(&n, app, "resources");
	if ((ret = am_sparser_mapping(p, &n, app, false, keys)) || !n.v)
		return ret;
	for (k = 0; keys[k]; k++) {
		struct am_snode m;
		const char *name;
		json_t *q;

		am_snode_child(&m, &n, keys[k]);
		if (!m.v)
			continue;
		if (!json_is_object(m.v))
			return am_sparser_err(p, m.ptr,
					      "%s must be a mapping of "
					      "resource names to quantities",
					      m.path);
		json_object_foreach(m.v, name, q)
		{
			struct am_snode c;
			char buf[64];

			am_snode_child(&c, &m, name);
			if (json_is_integer(q))
				snprintf(buf, sizeof(buf),
					 "%" JSON_INTEGER_FORMAT,
					 json_integer_value(q));
			else if (json_is_string(q))
				snprintf(buf, sizeof(buf), "%s",
					 json_string_value(q));
			else
				buf[0] = '\0';
			if (!am_spec_is_quantity(buf))
				return am_sparser_must_be(
					p, &c,
					"a quantity such as \"100m\" or "
					"\"128Mi\"",
					"");
		}
	}
	p->spec->app.resources = json_deep_copy(n.v);
	return 0;
}

static int parse_env(const struct am_sparser *p, const struct am_snode *app)
{
	struct am_spec_app *a = &p->spec->app;
	struct am_snode n;
	const char *name;
	json_t *v;

	am_snode_child(&n, app, "env");
	if (!n.v || json_is_null(n.v))
		return 0;
	if (!json_is_object(n.v))
		return am_sparser_err(
			p, n.ptr,
			"%s must be a mapping of variable names to values",
			n.path);
	a->env = xcalloc(json_object_size(n.v), sizeof(*a->env));
	json_object_foreach(n.v, name, v)
	{
		struct am_snode c;

		am_snode_child(&c, &n, name);
		if (!am_spec_is_env_name(name))
			return am_sparser_err(p, c.ptr,
					      "%s: '%s' is not a valid "
					      "environment variable name",
					      n.path, name);
		if (!json_is_string(v))
			return am_sparser_must_be(p, &c, "a string",
						  ": quote the value");
		if (am_spec_is_secret_name(name))
			return am_sparser_err(
				p, c.ptr,
				"%s looks like a credential: put it in the "
				"Secret '%s' instead of the spec",
				c.path, a->secret);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return am_sparser_err(p, c.ptr,
					      "%s contains a NUL byte", c.path);
		a->env[a->nenv].name = xstrdup(name);
		a->env[a->nenv].value = xstrdup(json_string_value(v));
		a->nenv++;
	}
	return 0;
}

static int parse_app(const struct am_sparser *p, const struct am_snode *spec)
{
	static const char *const keys[] = {"image",	 "replicas", "port",
					   "healthPath", "secret",   "env",
					   "resources",	 NULL};
	struct am_spec_app *a = &p->spec->app;
	struct am_snode n;
	int ret;

	am_snode_child(&n, spec, "app");
	if ((ret = am_sparser_mapping(p, &n, spec, true, keys)) ||
	    (ret = parse_image(p, &n, NULL, true, &a->image)) ||
	    (ret = am_sparser_int(p, &n, "replicas", 2, 1, 1000,
				  "a whole number from 1 to 1000",
				  &a->replicas)) ||
	    (ret = am_sparser_int(p, &n, "port", 8080, 1, 65535,
				  "a port number from 1 to 65535", &a->port)) ||
	    (ret = am_sparser_string(p, &n, "healthPath", "/healthz", false,
				     &a->health_path)) ||
	    (ret = am_sparser_string(p, &n, "secret", NULL, true,
				     &a->secret)) ||
	    (ret = check_secret_field(p, &n, "secret", a->secret)) ||
	    (ret = parse_env(p, &n)) || (ret = parse_resources(p, &n)))
		return ret;
	if (a->health_path[0] != '/' || strpbrk(a->health_path, " \t?#")) {
		struct am_snode h;

		am_snode_child(&h, &n, "healthPath");
		return am_sparser_err(p, h.ptr,
				      "%s must be an HTTP path starting with "
				      "'/' (got \"%s\")",
				      h.path, a->health_path);
	}
	return 0;
}

static int parse_tool(const struct am_sparser *p, const struct am_snode *mig)
{
	struct am_spec_migration *m = &p->spec->migration;
	char *tool = NULL;
	struct am_snode n;
	int i, ret;

	if ((ret = am_sparser_string(p, mig, "tool", "flyway", false, &tool)))
		return ret;
	i = am_str_index(tool_names, AM_ARRAY_SIZE(tool_names), tool);
	if (i >= 0) {
		m->tool = (enum am_tool)i;
		free(tool);
		return 0;
	}
	am_snode_child(&n, mig, "tool");
	ret = am_sparser_err(p, n.ptr,
			     "%s must be flyway, golang-migrate, liquibase or "
			     "command (got \"%s\")",
			     n.path, tool);
	free(tool);
	return ret;
}

static int parse_command(const struct am_sparser *p, const struct am_snode *mig)
{
	struct am_spec_migration *m = &p->spec->migration;
	struct am_snode n;
	size_t i;

	am_snode_child(&n, mig, "command");
	if (m->tool != AM_TOOL_COMMAND) {
		if (n.v)
			return am_sparser_err(p, n.ptr,
					      "%s is only for tool: command "
					      "(the %s command is built in)",
					      n.path, am_tool_name(m->tool));
		return 0;
	}
	if (!n.v)
		return am_sparser_err(p, am_snode_where(&n, mig),
				      "%s is required with tool: command",
				      n.path);
	if (!json_is_array(n.v) || json_array_size(n.v) == 0)
		return am_sparser_err(p, n.ptr,
				      "%s must be a non-empty list of strings, "
				      "such as [\"./migrate\", \"up\"]",
				      n.path);
	m->command = xcalloc(json_array_size(n.v) + 1, sizeof(*m->command));
	for (i = 0; i < json_array_size(n.v); i++) {
		struct am_snode c;

		am_snode_item(&c, &n, i);
		if (!json_is_string(c.v) ||
		    strlen(json_string_value(c.v)) != json_string_length(c.v))
			return am_sparser_must_be(p, &c, "a string",
						  ": quote the value");
		m->command[m->ncommand++] = xstrdup(json_string_value(c.v));
	}
	return 0;
}

static int parse_migration(const struct am_sparser *p,
			   const struct am_snode *spec)
{
	static const char *const keys[] = {"tool",    "image",	   "secret",
					   "sql",     "changelog", "command",
					   "timeout", "retries",   NULL};
	static const char *const defaults[] = {
		[AM_TOOL_FLYWAY] = AM_IMAGE_FLYWAY,
		[AM_TOOL_GOLANG_MIGRATE] = AM_IMAGE_GOLANG_MIGRATE,
		[AM_TOOL_LIQUIBASE] = AM_IMAGE_LIQUIBASE,
		[AM_TOOL_COMMAND] = NULL,
	};
	struct am_spec_migration *m = &p->spec->migration;
	char *sql = NULL;
	struct am_snode n, c;
	int ret;

	am_snode_child(&n, spec, "migration");
	if ((ret = am_sparser_mapping(p, &n, spec, true, keys)) ||
	    (ret = parse_tool(p, &n)) ||
	    (ret = parse_image(p, &n, defaults[m->tool], true, &m->image)) ||
	    (ret = am_sparser_string(p, &n, "secret", NULL, true,
				     &m->secret)) ||
	    (ret = check_secret_field(p, &n, "secret", m->secret)) ||
	    (ret = am_sparser_string(p, &n, "sql", NULL, false, &sql)) ||
	    (ret = am_sparser_string(p, &n, "changelog", NULL, false,
				     &m->changelog)) ||
	    (ret = parse_command(p, &n)) ||
	    (ret = am_sparser_duration(p, &n, "timeout", 900, 60, 86400,
				       "between 1m and 24h", &m->timeout)) ||
	    (ret = am_sparser_int(p, &n, "retries", 0, 0, 2, "0, 1 or 2",
				  &m->retries)))
		goto out;
	if (!strcmp(m->secret, p->spec->app.secret)) {
		am_snode_child(&c, &n, "secret");
		ret = am_sparser_err(
			p, c.ptr,
			"%s must not be the app's Secret '%s': give migrations "
			"their own least-privileged database user",
			c.path, m->secret);
		goto out;
	}
	if (m->changelog && m->tool != AM_TOOL_LIQUIBASE) {
		am_snode_child(&c, &n, "changelog");
		ret = am_sparser_err(p, c.ptr, "%s is only for tool: liquibase",
				     c.path);
		goto out;
	}
	if (m->changelog &&
	    (m->changelog[0] == '/' || strstr(m->changelog, ".."))) {
		am_snode_child(&c, &n, "changelog");
		ret = am_sparser_err(p, c.ptr,
				     "%s must be a file name relative to "
				     "migration.sql (got \"%s\")",
				     c.path, m->changelog);
		goto out;
	}
	if (m->tool == AM_TOOL_LIQUIBASE && !m->changelog) {
		am_snode_child(&c, &n, "changelog");
		ret = am_sparser_err(
			p, am_snode_where(&c, &n),
			"%s is required with tool: liquibase (the changelog "
			"file, relative to migration.sql)",
			c.path);
		goto out;
	}
	if (sql) {
		am_snode_child(&c, &n, "sql");
		m->sql = xcalloc(1, sizeof(*m->sql));
		ret = resolve_path(p, &c, sql, true, m->sql);
	}
out:
	free(sql);
	return ret;
}

static int parse_preflight(const struct am_sparser *p,
			   const struct am_snode *spec)
{
	static const char *const keys[] = {"enabled", "image", "wait", NULL};
	struct am_spec_preflight *f = &p->spec->preflight;
	struct am_snode n;
	int ret;

	am_snode_child(&n, spec, "preflight");
	if ((ret = am_sparser_mapping(p, &n, spec, false, keys)) ||
	    (ret = am_sparser_bool(p, &n, "enabled", true, &f->enabled)) ||
	    (ret = parse_image(p, &n, AM_PREFLIGHT_IMAGE, false, &f->image)) ||
	    (ret = am_sparser_duration(p, &n, "wait", 60, 0, 1800,
				       "between 0s and 30m", &f->wait)))
		return ret;
	return 0;
}

static int parse_smoke(const struct am_sparser *p, const struct am_snode *spec)
{
	static const char *const keys[] = {"enabled", "image", NULL};
	struct am_spec_smoke *s = &p->spec->smoke;
	struct am_snode n;
	int ret;

	am_snode_child(&n, spec, "smokeTest");
	if ((ret = am_sparser_mapping(p, &n, spec, false, keys)) ||
	    (ret = am_sparser_bool(p, &n, "enabled", true, &s->enabled)) ||
	    (ret = parse_image(p, &n, AM_IMAGE_SMOKE, false, &s->image)))
		return ret;
	return 0;
}

static int parse_include(const struct am_sparser *p,
			 const struct am_snode *spec)
{
	struct am_spec *sp = p->spec;
	struct am_snode n;
	size_t i;

	am_snode_child(&n, spec, "include");
	if (!n.v || json_is_null(n.v))
		return 0;
	if (!json_is_array(n.v))
		return am_sparser_err(
			p, n.ptr, "%s must be a list of paths, such as [k8s/]",
			n.path);
	sp->include = xcalloc(json_array_size(n.v) + 1, sizeof(*sp->include));
	for (i = 0; i < json_array_size(n.v); i++) {
		struct am_snode c;
		const char *s;
		int ret;

		am_snode_item(&c, &n, i);
		if (!json_is_string(c.v) || !*(s = json_string_value(c.v)) ||
		    am_spec_has_control(s) ||
		    strlen(s) != json_string_length(c.v))
			return am_sparser_must_be(p, &c, "a path", "");
		if ((ret = resolve_path(p, &c, s, false, &sp->include[i])))
			return ret;
		sp->ninclude++;
	}
	return 0;
}

static int parse_lint(const struct am_sparser *p, const struct am_snode *spec)
{
	char *mode = NULL;
	struct am_snode n;
	int ret;

	if ((ret = am_sparser_string(p, spec, "lint", "error", false, &mode)))
		return ret;
	if (!strcmp(mode, "warn") || !strcmp(mode, "error")) {
		p->spec->lint_warn = !strcmp(mode, "warn");
		free(mode);
		return 0;
	}
	am_snode_child(&n, spec, "lint");
	ret = am_sparser_err(p, n.ptr, "%s must be error or warn (got \"%s\")",
			     n.path, mode);
	free(mode);
	return ret;
}

static int parse_root(const struct am_sparser *p, json_t *root)
{
	static const char *const keys[] = {"apiVersion", "kind", "metadata",
					   "spec", NULL};
	static const char *const meta_keys[] = {"name", NULL};
	static const char *const spec_keys[] = {
		"app",	   "migration", "preflight", "smokeTest",
		"include", "lint",	NULL};
	struct am_spec *spec = p->spec;
	struct am_snode r, meta, sp;
	char *s = NULL;
	int ret;

	am_snode_root(&r, root);
	if (!json_is_object(root))
		return am_sparser_err(
			p, "",
			"the spec must be a mapping with apiVersion: "
			"argomig.io/v1alpha1 and kind: MigrationApp");
	if ((ret = am_sparser_mapping(p, &r, NULL, true, keys)) ||
	    (ret = am_sparser_string(p, &r, "apiVersion", NULL, true, &s)))
		return ret;
	if (strcmp(s, "argomig.io/v1alpha1")) {
		free(s);
		return am_sparser_err(p, "/apiVersion",
				      "apiVersion must be argomig.io/v1alpha1");
	}
	free(s);
	if ((ret = am_sparser_string(p, &r, "kind", NULL, true, &s)))
		return ret;
	if (strcmp(s, "MigrationApp")) {
		free(s);
		return am_sparser_err(p, "/kind", "kind must be MigrationApp");
	}
	free(s);
	am_snode_child(&meta, &r, "metadata");
	if ((ret = am_sparser_mapping(p, &meta, &r, false, meta_keys)) ||
	    (ret = am_sparser_string(p, &meta, "name", NULL, false,
				     &spec->name)))
		return ret;
	if (spec->name && !am_spec_is_dns_label(spec->name))
		return am_sparser_err(
			p, "/metadata/name",
			"metadata.name must be a DNS label: at most 63 lower "
			"case letters, digits and '-', starting with a letter "
			"(got \"%s\")",
			spec->name);
	am_snode_child(&sp, &r, "spec");
	if ((ret = am_sparser_mapping(p, &sp, &r, true, spec_keys)) ||
	    (ret = parse_app(p, &sp)) || (ret = parse_migration(p, &sp)) ||
	    (ret = parse_preflight(p, &sp)) || (ret = parse_smoke(p, &sp)) ||
	    (ret = parse_include(p, &sp)) || (ret = parse_lint(p, &sp)))
		return ret;
	return 0;
}

/* --- loading ------------------------------------------------------------ */

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *abs;

	dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
		    : xstrdup(".");
	abs = realpath(dir, NULL);
	free(dir);
	return abs;
}

int am_spec_load(struct am_spec **out, const char *path)
{
	struct am_yaml_reader *r = NULL;
	struct am_yaml_doc doc = {0}, extra = {0};
	const struct am_yaml_problem *probs;
	struct am_spec *spec = xcalloc(1, sizeof(*spec));
	struct am_sparser p = {path, NULL, spec};
	size_t nprobs, len;
	char *buf = NULL;
	int ret, got;

	spec->file = xstrdup(path);
	if ((ret = am_read_file(&buf, &len, path, SPEC_MAX_BYTES)))
		goto out;
	spec->dir = dir_of(path);
	if (!spec->dir) {
		ret = am_error_set(AM_ENOTFOUND,
				   "cannot resolve the directory of '%s': %s",
				   path, strerror(errno));
		goto out;
	}
	spec->root = am_path_git_root(spec->dir);
	if (!spec->root)
		spec->root = xstrdup(spec->dir);
	if ((ret = am_yaml_reader_new_buf(&r, path, buf, len, NULL)))
		goto out;
	got = am_yaml_reader_next(r, &doc);
	if (got < 0) {
		ret = got;
		goto out;
	}
	if (got > 0 && am_yaml_reader_next(r, &extra) > 0 && extra.root) {
		p.locs = extra.locs;
		ret = am_sparser_err(
			&p, "", "%s must hold exactly one YAML document", path);
		goto out;
	}
	probs = am_yaml_reader_problems(r, &nprobs);
	if (nprobs) {
		ret = am_error_at(path, probs[0].at.line, probs[0].at.col,
				  "%s", probs[0].message);
		goto out;
	}
	if (!got || !doc.root) {
		ret = am_error_set(
			AM_EINVALID,
			"%s: error: the spec is empty; it needs apiVersion: "
			"argomig.io/v1alpha1, kind: MigrationApp and a spec",
			path);
		goto out;
	}
	p.locs = doc.locs;
	ret = parse_root(&p, doc.root);
out:
	am_yaml_doc_release(&extra);
	am_yaml_doc_release(&doc);
	am_yaml_reader_free(r);
	free(buf);
	if (ret) {
		am_spec_free(spec);
		return ret;
	}
	*out = spec;
	return 0;
}

static void path_release(struct am_spec_path *p)
{
	if (!p)
		return;
	free(p->rel);
	free(p->abs);
}

void am_spec_free(struct am_spec *spec)
{
	size_t i;

	if (!spec)
		return;
	free(spec->file);
	free(spec->dir);
	free(spec->root);
	free(spec->name);
	free(spec->app.image);
	free(spec->app.health_path);
	free(spec->app.secret);
	for (i = 0; i < spec->app.nenv; i++) {
		free(spec->app.env[i].name);
		free(spec->app.env[i].value);
	}
	free(spec->app.env);
	json_decref(spec->app.resources);
	free(spec->migration.image);
	free(spec->migration.secret);
	path_release(spec->migration.sql);
	free(spec->migration.sql);
	free(spec->migration.changelog);
	for (i = 0; i < spec->migration.ncommand; i++)
		free(spec->migration.command[i]);
	free(spec->migration.command);
	free(spec->preflight.image);
	free(spec->smoke.image);
	for (i = 0; i < spec->ninclude; i++)
		path_release(&spec->include[i]);
	free(spec->include);
	free(spec->revision);
	free(spec);
}
