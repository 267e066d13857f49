/* SPDX-License-Identifier: MIT */
/*
 * lint_input.c - expanding a command-line input into the files to lint
 * (see lint_input.h). It reads directories, never file contents.
 *
 * Absolute paths are computed once per input (realpath of the argument)
 * and extended by name while walking: directory symlinks are never
 * followed, so the result needs no realpath per file.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "err.h"
#include "lint_input.h"
#include "path.h"
#include "util.h"

enum am_input_kind am_input_kind_of(const char *path)
{
	return am_ends_with(path, ".sql") ? AM_INPUT_SQL : AM_INPUT_YAML;
}

static bool wanted(const char *name)
{
	if (!strcmp(name, AM_CONFIG_NAME))
		return false;
	return am_ends_with(name, ".yaml") || am_ends_with(name, ".yml") ||
	       am_ends_with(name, ".json") || am_ends_with(name, ".sql");
}

static void add_file(struct am_input *in, const char *path, const char *abs)
{
	struct am_input_file *f;

	AM_GROW(in->files, in->alloc, in->nr + 1);
	f = &in->files[in->nr++];
	f->path = xstrdup(path);
	f->abs = abs ? xstrdup(abs) : NULL;
	f->kind = am_input_kind_of(path);
}

static void add_note(struct am_input *in, char *note)
{
	AM_GROW(in->notes, in->anotes, in->nnotes + 1);
	in->notes[in->nnotes++] = note;
}

/* Whether a symlink 'abs' points to a regular file inside 'root'. */
static bool link_inside(struct am_input *in, const char *path,
			const char *abs, const char *root)
{
	char *target = realpath(abs, NULL), *rel = NULL;
	struct stat st;
	bool ok = false;

	if (!target) {
		add_note(in, xasprintf("skipping '%s': a symbolic link that cannot be followed (%s)",
				       path, strerror(errno)));
		return false;
	}
	if (stat(target, &st) < 0 || !S_ISREG(st.st_mode)) {
		add_note(in, xasprintf("skipping '%s': a symbolic link to a directory or special file",
				       path));
		goto out;
	}
	rel = am_path_relative(root, target);
	if (!rel) {
		add_note(in, xasprintf("skipping '%s': a symbolic link out of the directory being linted",
				       path));
		goto out;
	}
	ok = true;
out:
	free(rel);
	free(target);
	return ok;
}

static int walk(struct am_input *in, const char *dir, const char *absdir,
		const char *root)
{
	DIR *d = opendir(absdir);
	char **names;
	size_t n, i;
	int ret = 0, err;

	if (!d)
		return am_error_set(AM_ENOTFOUND, "cannot open '%s': %s", dir,
				    strerror(errno));
	err = am_dir_names(d, true, &names, &n);
	if (err) {
		ret = am_error_set(AM_ENOTFOUND, "cannot read '%s': %s", dir,
				   strerror(err));
		goto out;
	}
	for (i = 0; i < n && ret == 0; i++) {
		char *path = am_path_join(dir, names[i]);
		char *abs = am_path_join(absdir, names[i]);
		struct stat st;

		if (lstat(abs, &st) < 0) {
			ret = am_error_set(AM_ENOTFOUND, "cannot open '%s': %s",
					   path, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (strcmp(names[i], ".git") &&
			    strcmp(names[i], "node_modules"))
				ret = walk(in, path, abs, root);
		} else if (wanted(names[i])) {
			if (S_ISREG(st.st_mode) ||
			    (S_ISLNK(st.st_mode) &&
			     link_inside(in, path, abs, root)))
				add_file(in, path, abs);
			else if (!S_ISLNK(st.st_mode))
				add_note(in, xasprintf("skipping '%s': not a regular file",
						       path));
		}
		free(path);
		free(abs);
	}
out:
	am_names_free(names, n);
	return ret;
}

static int cmp_files(const void *a, const void *b)
{
	const struct am_input_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

int am_input_expand(struct am_input *in, const char *arg)
{
	struct stat st;
	char *abs = NULL;
	size_t first = in->nr;
	int ret;

	if (!strcmp(arg, "-")) {
		add_file(in, "-", NULL);
		in->files[in->nr - 1].kind = AM_INPUT_YAML;
		return 0;
	}
	if (stat(arg, &st) < 0)
		return am_error_set(AM_ENOTFOUND, "cannot open '%s': %s", arg,
				    strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		ret = am_path_abs(&abs, arg);
		if (ret == 0)
			add_file(in, arg, abs);
		free(abs);
		return ret;
	}
	ret = am_path_realdir(&abs, arg);
	if (ret < 0)
		return ret;
	ret = walk(in, arg, abs, abs);
	free(abs);
	if (ret == 0 && in->nr > first)
		qsort(in->files + first, in->nr - first, sizeof(*in->files),
		      cmp_files);
	return ret;
}

void am_input_release(struct am_input *in)
{
	size_t i;

	for (i = 0; i < in->nr; i++) {
		free(in->files[i].path);
		free(in->files[i].abs);
	}
	free(in->files);
	for (i = 0; i < in->nnotes; i++)
		free(in->notes[i]);
	free(in->notes);
	memset(in, 0, sizeof(*in));
}
