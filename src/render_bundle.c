/* SPDX-License-Identifier: MIT */
/*
 * render_bundle.c - the migration files that travel in the ConfigMap.
 *
 * Walks migration.sql, picks the files the tool reads, checks each one
 * (inside the repository after resolving symlinks, UTF-8 text, a valid
 * ConfigMap key) and the total size, and hashes the result for the
 * ConfigMap's name. It does not build the ConfigMap (render.c does).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "err.h"
#include "render.h"
#include "util.h"

#define BUNDLE_MAX_DEPTH 16

struct walk {
	struct am_bundle *b;
	const struct am_spec *spec;
	const struct am_spec_path *sql;
};

static int bundle_err(const struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An error at the migration.sql key of the spec. */
static int bundle_err(const struct walk *w, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = am_error_vat(w->spec->file, w->sql->line, w->sql->col, fmt, ap);
	va_end(ap);
	return ret;
}

/* Valid UTF-8 without NUL bytes (what a ConfigMap's data may hold). */
static bool is_utf8_text(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n, k;
		unsigned long cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return false;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static bool wanted(const struct am_spec *spec, const char *name, int depth)
{
	switch (spec->migration.tool) {
	case AM_TOOL_FLYWAY:
		return am_ends_with(name, ".sql") ||
		       am_ends_with(name, ".sql.conf");
	case AM_TOOL_GOLANG_MIGRATE:
		return depth == 0 && am_ends_with(name, ".sql");
	case AM_TOOL_LIQUIBASE:
	case AM_TOOL_COMMAND:
		return true;
	}
	return false;
}

static int add_file(struct walk *w, const char *abs, const char *rel)
{
	struct am_bundle *b = w->b;
	struct am_bundle_file *f;
	char *real, *data = NULL, *key, *s;
	size_t len, root_len = strlen(w->spec->root);
	int ret;

	real = realpath(abs, NULL);
	if (!real)
		return bundle_err(w,
				  "migration.sql: cannot resolve '%s/%s': %s",
				  w->sql->rel, rel, strerror(errno));
	if (strcmp(w->spec->root, "/") &&
	    (strncmp(real, w->spec->root, root_len) || real[root_len] != '/')) {
		free(real);
		return bundle_err(
			w,
			"migration.sql: '%s/%s' is a symlink to a file outside "
			"the repository; keep migrations inside the repository",
			w->sql->rel, rel);
	}
	free(real);
	key = xstrdup(rel);
	for (s = key; *s; s++) {
		if (*s == '/') {
			*s = '.';
			b->nested = true;
		} else if (!is_key_char(*s)) {
			ret = bundle_err(w,
					 "migration.sql: '%s/%s' cannot be a "
					 "ConfigMap key; rename it with "
					 "letters, digits, '-', '_' and '.'",
					 w->sql->rel, rel);
			free(key);
			return ret;
		}
	}
	if (b->bytes + strlen(key) > AM_BUNDLE_MAX_BYTES)
		goto too_big;
	ret = am_read_file(&data, &len, abs,
			   AM_BUNDLE_MAX_BYTES - b->bytes - strlen(key));
	if (ret == AM_ETOOBIG)
		goto too_big;
	if (ret) {
		free(key);
		return bundle_err(w, "migration.sql: cannot read '%s/%s'",
				  w->sql->rel, rel);
	}
	if (!is_utf8_text((const unsigned char *)data, len)) {
		free(key);
		free(data);
		return bundle_err(w,
				  "migration.sql: '%s/%s' is not UTF-8 text (a "
				  "ConfigMap carries text only)",
				  w->sql->rel, rel);
	}
	AM_GROW(b->files, b->alloc, b->nr + 1);
	f = &b->files[b->nr++];
	f->key = key;
	f->path = xstrdup(rel);
	f->data = data;
	f->len = len;
	b->bytes += strlen(key) + len;
	return 0;
too_big:
	free(key);
	return bundle_err(w,
			  "migration.sql: '%s' holds more than %u KiB, too "
			  "much for a ConfigMap; bake the migrations into "
			  "migration.image and remove migration.sql",
			  w->sql->rel, AM_BUNDLE_MAX_BYTES / 1024);
}

static int walk_dir(struct walk *w, const char *abs, const char *rel, int depth)
{
	DIR *d;
	char **names;
	size_t nr, i;
	int ret = 0;

	if (depth > BUNDLE_MAX_DEPTH)
		return bundle_err(w,
				  "migration.sql: '%s' is nested more than %d "
				  "directories deep",
				  w->sql->rel, BUNDLE_MAX_DEPTH);
	d = opendir(abs);
	if (!d)
		return bundle_err(w, "migration.sql: cannot open '%s%s%s': %s",
				  w->sql->rel, *rel ? "/" : "", rel,
				  strerror(errno));
	am_dir_names(d, false, &names, &nr);
	for (i = 0; i < nr && !ret; i++) {
		char *child_abs = xasprintf("%s/%s", abs, names[i]);
		char *child_rel = *rel ? xasprintf("%s/%s", rel, names[i])
				       : xstrdup(names[i]);
		struct stat st;

		if (stat(child_abs, &st) < 0)
			ret = bundle_err(w,
					 "migration.sql: '%s/%s' is a broken "
					 "symlink or unreadable",
					 w->sql->rel, child_rel);
		else if (S_ISDIR(st.st_mode))
			ret = walk_dir(w, child_abs, child_rel, depth + 1);
		else if (S_ISREG(st.st_mode) &&
			 wanted(w->spec, names[i], depth))
			ret = add_file(w, child_abs, child_rel);
		free(child_abs);
		free(child_rel);
	}
	am_names_free(names, nr);
	return ret;
}

static int cmp_files(const void *a, const void *b)
{
	const struct am_bundle_file *x = a, *y = b;

	return strcmp(x->key, y->key);
}

int am_bundle_read(struct am_bundle *b, const struct am_spec *spec)
{
	struct walk w = {b, spec, spec->migration.sql};
	uLong crc = crc32(0L, Z_NULL, 0);
	size_t i;
	int ret;

	memset(b, 0, sizeof(*b));
	if (!w.sql)
		return 0;
	if ((ret = walk_dir(&w, w.sql->abs, "", 0)))
		goto fail;
	if (!b->nr) {
		ret = bundle_err(
			&w,
			"migration.sql: '%s' holds no migration files for %s",
			w.sql->rel, am_tool_name(spec->migration.tool));
		goto fail;
	}
	qsort(b->files, b->nr, sizeof(*b->files), cmp_files);
	for (i = 0; i < b->nr; i++) {
		if (i && !strcmp(b->files[i].key, b->files[i - 1].key)) {
			ret = bundle_err(
				&w,
				"migration.sql: '%s' and '%s' map to the same "
				"ConfigMap key '%s'; rename one",
				b->files[i - 1].path, b->files[i].path,
				b->files[i].key);
			goto fail;
		}
		crc = crc32(crc, (const Bytef *)b->files[i].key,
			    (uInt)strlen(b->files[i].key) + 1);
		crc = crc32(crc, (const Bytef *)b->files[i].data,
			    (uInt)b->files[i].len + 1);
	}
	snprintf(b->hash, sizeof(b->hash), "%08lx", (unsigned long)crc);
	return 0;
fail:
	am_bundle_release(b);
	return ret;
}

void am_bundle_release(struct am_bundle *b)
{
	size_t i;

	for (i = 0; i < b->nr; i++) {
		free(b->files[i].key);
		free(b->files[i].path);
		free(b->files[i].data);
	}
	free(b->files);
	memset(b, 0, sizeof(*b));
}
