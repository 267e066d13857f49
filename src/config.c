/* SPDX-License-Identifier: MIT */
/*
 * config.c - reading .argomig-lint.yaml and finding the one that applies
 * to a file (see config.h for the format and the discovery rules).
 *
 * The file is read with the YAML loader, so every error names its line
 * and column. This file does not apply severities (lint.c does) and does
 * not walk input directories (lint_input.c does).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "err.h"
#include "path.h"
#include "util.h"
#include "yaml_load.h"

#define CONFIG_MAX_BYTES (1u << 20)

static struct am_config *config_new(const char *display, const char *dir)
{
	struct am_config *c = xcalloc(1, sizeof(*c));
	size_t i, n = am_rules_count();

	c->path = xstrdup(display);
	c->dir = xstrdup(dir);
	c->sev = xmalloc(n * sizeof(*c->sev));
	for (i = 0; i < n; i++)
		c->sev[i] = AM_SEV_DEFAULT;
	return c;
}

void am_config_free(struct am_config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nignore; i++)
		free(c->ignore[i]);
	free(c->ignore);
	free(c->sev);
	free(c->path);
	free(c->dir);
	free(c);
}

/* "/<key>" with RFC 6901 escaping of '~' and '/'. */
static char *pointer_child(const char *parent, const char *key)
{
	struct am_buf b = AM_BUF_INIT;

	am_buf_adds(&b, parent);
	am_buf_addch(&b, '/');
	for (; *key; key++) {
		if (*key == '~')
			am_buf_adds(&b, "~0");
		else if (*key == '/')
			am_buf_adds(&b, "~1");
		else
			am_buf_addch(&b, *key);
	}
	return am_buf_detach(&b);
}

/* The position of the node at 'ptr' (its key's when 'key' is true). */
static struct am_loc where(const struct am_yaml_doc *doc, const char *ptr,
			   bool key)
{
	struct am_loc k = { 0, 0 }, v = { 0, 0 };

	if (am_locmap_get(doc->locs, ptr, &k, &v) < 0)
		return doc->start;
	return key ? k : v;
}

static int invalid(const struct am_config *c, struct am_loc at,
		   const char *msg, const char *arg)
{
	char *text = xasprintf(msg, arg);
	int ret = am_error_set(AM_EINVALID, "%s:%d:%d: %s", c->path,
			       at.line > 0 ? at.line : 1,
			       at.col > 0 ? at.col : 1, text);

	free(text);
	return ret;
}

static int parse_rules(struct am_config *c, const struct am_yaml_doc *doc,
		       json_t *rules, struct am_lint *lint)
{
	const char *id;
	json_t *v;

	if (!json_is_object(rules))
		return invalid(c, where(doc, "/rules", false),
			       "'rules' must be a mapping of rule ids to %s",
			       "off, note, warning or error");
	json_object_foreach(rules, id, v) {
		char *ptr = pointer_child("/rules", id);
		const struct am_rule *rule = am_rule_find(id);
		enum am_severity sev = AM_SEV_OFF;
		struct am_loc at;

		/* a plain `off` is a YAML 1.1 boolean, as Kubernetes reads it */
		if (!json_is_false(v) &&
		    (!json_is_string(v) ||
		     am_severity_parse(&sev, json_string_value(v)) < 0)) {
			int ret = invalid(c, where(doc, ptr, false),
					  "severity of '%s' must be off, note, warning or error",
					  id);

			free(ptr);
			return ret;
		}
		at = where(doc, ptr, true);
		free(ptr);
		if (rule) {
			c->sev[rule - am_rule_at(0)] = (int)sev;
		} else if (lint) {
			const struct am_rule *unknown =
				am_rule_find("ignore-unknown-rule");
			struct am_where w = { c->path, at.line, at.col, NULL,
					      NULL, NULL };

			am_lint_report(lint, unknown, unknown->severity, &w,
				       "run 'argomig rules' for the list of rule ids",
				       "configuration names unknown rule '%s'",
				       id);
		}
	}
	return 0;
}

/* Strips "./" prefixes and trailing '/' from a glob; NULL if empty. */
static char *clean_glob(const char *g)
{
	size_t n;

	while (g[0] == '.' && g[1] == '/')
		g += 2;
	while (*g == '/')
		g++;
	n = strlen(g);
	while (n && g[n - 1] == '/')
		n--;
	return n ? xstrndup(g, n) : NULL;
}

static int parse_ignore(struct am_config *c, const struct am_yaml_doc *doc,
			json_t *list)
{
	size_t i, alloc = 0;
	json_t *v;

	if (!json_is_array(list))
		return invalid(c, where(doc, "/ignore", false),
			       "'ignore' must be a list of %s",
			       "path globs");
	json_array_foreach(list, i, v) {
		char ptr[32];
		char *g;

		snprintf(ptr, sizeof(ptr), "/ignore/%zu", i);
		if (!json_is_string(v) ||
		    !(g = clean_glob(json_string_value(v))))
			return invalid(c, where(doc, ptr, false),
				       "'ignore' items must be %s",
				       "non-empty path globs");
		AM_GROW(c->ignore, alloc, c->nignore + 1);
		c->ignore[c->nignore++] = g;
	}
	return 0;
}

static int parse_doc(struct am_config *c, const struct am_yaml_doc *doc,
		     struct am_lint *lint)
{
	const char *key;
	json_t *v;
	int ret;

	if (!doc->root)
		return 0;
	if (!json_is_object(doc->root))
		return invalid(c, doc->start,
			       "configuration must be a mapping with the keys %s",
			       "rules, ignore and pgVersion");
	json_object_foreach(doc->root, key, v) {
		char *ptr = pointer_child("", key);
		struct am_loc at = where(doc, ptr, false);

		free(ptr);
		if (!strcmp(key, "rules")) {
			ret = parse_rules(c, doc, v, lint);
		} else if (!strcmp(key, "ignore")) {
			ret = parse_ignore(c, doc, v);
		} else if (!strcmp(key, "pgVersion")) {
			json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;

			ret = 0;
			if (n < 9 || n > 99)
				ret = invalid(c, at, "'pgVersion' must be %s",
					      "a PostgreSQL major version such as 15");
			else
				c->pg_version = (int)n;
		} else {
			ptr = pointer_child("", key);
			at = where(doc, ptr, true);
			free(ptr);
			ret = invalid(c, at,
				      "unknown key '%s' (expected rules, ignore or pgVersion)",
				      key);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

int am_config_parse(struct am_config **out, const char *display,
		    const char *dir, const char *buf, size_t len,
		    struct am_lint *lint)
{
	struct am_yaml_reader *r = NULL;
	struct am_yaml_doc first = { 0 }, second = { 0 };
	const struct am_yaml_problem *problems;
	struct am_config *c = config_new(display, dir);
	size_t np;
	int got1 = 0, got2 = 0, ret;

	ret = am_yaml_reader_new_buf(&r, display, buf, len, NULL);
	if (ret < 0)
		goto out;
	ret = got1 = am_yaml_reader_next(r, &first);
	if (ret < 0)
		goto out;
	if (got1) {
		ret = got2 = am_yaml_reader_next(r, &second);
		if (ret < 0)
			goto out;
	}
	problems = am_yaml_reader_problems(r, &np);
	if (np) {
		ret = invalid(c, problems[0].at, "%s", problems[0].message);
		goto out;
	}
	if (got2) {
		ret = invalid(c, second.start, "%s",
			      "a configuration is one YAML document, not several");
		goto out;
	}
	ret = got1 ? parse_doc(c, &first, lint) : 0;
out:
	if (got1 > 0)
		am_yaml_doc_release(&first);
	if (got2 > 0)
		am_yaml_doc_release(&second);
	am_yaml_reader_free(r);
	if (ret < 0) {
		am_config_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int am_config_load(struct am_config **out, const char *path,
		   const char *display, struct am_lint *lint)
{
	char *buf = NULL, *abs = NULL, *dir = NULL;
	size_t len = 0;
	int ret;

	if (!display)
		display = path;
	ret = am_read_file(&buf, &len, path, CONFIG_MAX_BYTES);
	if (ret < 0)
		goto out;
	ret = am_path_abs(&abs, path);
	if (ret < 0)
		goto out;
	dir = am_path_dirname(abs);
	ret = am_config_parse(out, display, dir, buf, len, lint);
out:
	free(buf);
	free(abs);
	free(dir);
	return ret;
}

bool am_config_ignores(const struct am_config *c, const char *abs)
{
	char *rel;
	size_t i;
	bool hit = false;

	if (!c->nignore)
		return false;
	rel = am_path_relative(c->dir, abs);
	if (!rel || !*rel) {
		free(rel);
		return false;
	}
	for (i = 0; i < c->nignore && !hit; i++) {
		size_t n = strlen(rel);

		/* the path itself, then each parent directory */
		while (n && !hit) {
			char *prefix = xstrndup(rel, n);

			hit = am_glob_match(c->ignore[i], prefix);
			free(prefix);
			while (n && rel[n - 1] != '/')
				n--;
			if (n)
				n--;
		}
	}
	free(rel);
	return hit;
}

void am_configs_init(struct am_configs *cs)
{
	memset(cs, 0, sizeof(*cs));
}

void am_configs_release(struct am_configs *cs)
{
	size_t i;

	am_config_free(cs->fixed);
	for (i = 0; i < cs->nloaded; i++)
		am_config_free(cs->loaded[i]);
	free(cs->loaded);
	for (i = 0; i < cs->ndirs; i++)
		free(cs->dirs[i].dir);
	free(cs->dirs);
	am_configs_init(cs);
}

static const struct am_config_dir *cached(const struct am_configs *cs,
					  const char *dir)
{
	size_t i;

	/* most recent first: files of one directory come together */
	for (i = cs->ndirs; i-- > 0;)
		if (!strcmp(cs->dirs[i].dir, dir))
			return &cs->dirs[i];
	return NULL;
}

static void remember(struct am_configs *cs, const char *dir,
		     const struct am_config *c)
{
	AM_GROW(cs->dirs, cs->adirs, cs->ndirs + 1);
	cs->dirs[cs->ndirs].dir = xstrdup(dir);
	cs->dirs[cs->ndirs].config = c;
	cs->ndirs++;
}

static bool exists(const char *dir, const char *name, bool regular)
{
	char *p = am_path_join(dir, name);
	struct stat st;
	bool ok = stat(p, &st) == 0 && (!regular || S_ISREG(st.st_mode));

	free(p);
	return ok;
}

int am_configs_for_dir(struct am_configs *cs, const char *absdir,
		       struct am_lint *lint, const struct am_config **out)
{
	const struct am_config *found = NULL;
	const struct am_config_dir *hit;
	char *dir = xstrdup(absdir);
	char **walked = NULL;
	size_t nwalked = 0, awalked = 0, i;
	int ret = 0;

	if (cs->fixed) {
		*out = cs->fixed;
		free(dir);
		return 0;
	}
	for (;;) {
		char *parent;

		hit = cached(cs, dir);
		if (hit) {
			found = hit->config;
			break;
		}
		AM_GROW(walked, awalked, nwalked + 1);
		walked[nwalked++] = xstrdup(dir);
		if (exists(dir, AM_CONFIG_NAME, true)) {
			char *path = am_path_join(dir, AM_CONFIG_NAME);
			char *display = am_path_display(path);
			struct am_config *c = NULL;

			ret = am_config_load(&c, path, display, lint);
			free(path);
			free(display);
			if (ret < 0)
				goto out;
			AM_GROW(cs->loaded, cs->aloaded, cs->nloaded + 1);
			cs->loaded[cs->nloaded++] = c;
			found = c;
			break;
		}
		if (exists(dir, ".git", false) || !strcmp(dir, "/"))
			break;
		parent = am_path_dirname(dir);
		free(dir);
		dir = parent;
	}
	for (i = 0; i < nwalked; i++)
		remember(cs, walked[i], found);
	*out = found;
out:
	for (i = 0; i < nwalked; i++)
		free(walked[i]);
	free(walked);
	free(dir);
	return ret;
}
