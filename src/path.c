/* SPDX-License-Identifier: MIT */
/*
 * path.c - file-name arithmetic and "**" globs (see path.h).
 *
 * Only string work plus realpath(3)/getcwd(3), and lstat(2) to find a
 * repository's .git; it never opens files.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "path.h"
#include "util.h"

char *am_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, ".") || !strcmp(dir, "./"))
		return xstrdup(name);
	if (n && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

const char *am_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *am_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int am_path_realdir(char **out, const char *dir)
{
	char *r = realpath(dir, NULL);

	if (!r)
		return am_error_set(AM_ENOTFOUND, "cannot open '%s': %s", dir,
				    strerror(errno));
	*out = xstrdup(r);
	free(r);
	return 0;
}

int am_path_abs(char **out, const char *path)
{
	char *dir = am_path_dirname(path), *rdir = NULL;
	const char *base = am_path_basename(path);
	int ret;

	ret = am_path_realdir(&rdir, dir);
	if (ret < 0)
		goto out;
	if (!*base || !strcmp(base, "."))
		*out = xstrdup(rdir);
	else
		*out = am_path_join(rdir, base);
out:
	free(dir);
	free(rdir);
	return ret;
}

char *am_path_relative(const char *base, const char *abs)
{
	size_t n = strlen(base);

	if (!strcmp(base, "/"))
		return xstrdup(abs + 1);
	if (strncmp(abs, base, n))
		return NULL;
	if (!abs[n])
		return xstrdup("");
	if (abs[n] != '/')
		return NULL;
	return xstrdup(abs + n + 1);
}

char *am_path_display(const char *abs)
{
	char *cwd = getcwd(NULL, 0), *rel = NULL;

	if (cwd)
		rel = am_path_relative(cwd, abs);
	free(cwd);
	if (rel && !*rel) {
		free(rel);
		rel = xstrdup(".");
	}
	return rel ? rel : xstrdup(abs);
}

/* Length of the segment at 's' (up to '/' or the end). */
static size_t seglen(const char *s)
{
	const char *slash = strchr(s, '/');

	return slash ? (size_t)(slash - s) : strlen(s);
}

static const char *next_seg(const char *s, size_t len)
{
	return s[len] ? s + len + 1 : s + len;
}

char *am_path_git_root(const char *dir)
{
	char *cur = xstrdup(dir);
	struct stat st;

	for (;;) {
		char *git = am_path_join(cur, ".git");
		bool found = !lstat(git, &st);
		char *slash;

		free(git);
		if (found)
			return cur;
		slash = strrchr(cur, '/');
		if (!slash || slash == cur)
			break;
		*slash = '\0';
	}
	free(cur);
	return NULL;
}

static bool seg_match(const char *pat, size_t plen, const char *s, size_t slen)
{
	char *p = xstrndup(pat, plen), *t = xstrndup(s, slen);
	bool ok = fnmatch(p, t, 0) == 0;

	free(p);
	free(t);
	return ok;
}

bool am_glob_match(const char *pat, const char *path)
{
	while (*pat) {
		size_t plen = seglen(pat), slen;

		if (plen == 2 && pat[0] == '*' && pat[1] == '*') {
			const char *rest = next_seg(pat, plen);

			if (!*rest)
				return true;
			for (;;) {
				if (am_glob_match(rest, path))
					return true;
				if (!*path)
					return false;
				path = next_seg(path, seglen(path));
			}
		}
		if (!*path)
			return false;
		slen = seglen(path);
		if (!seg_match(pat, plen, path, slen))
			return false;
		pat = next_seg(pat, plen);
		path = next_seg(path, slen);
	}
	return !*path;
}
