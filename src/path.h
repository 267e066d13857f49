/* SPDX-License-Identifier: MIT */
/*
 * path.h - file-name arithmetic for the lint driver and the configuration:
 * joining, the directory part, absolute directories, display paths, and
 * glob matching with "**".
 *
 * Every returned string is owned by the caller (free()).
 */
#ifndef AM_PATH_H
#define AM_PATH_H

#include <stdbool.h>

/* "dir/name"; "name" alone when 'dir' is "." or "./"; no doubled '/'. */
char *am_path_join(const char *dir, const char *name);

/* The directory part of 'path': "a/b" for "a/b/c", "." for "c", "/" for "/c". */
char *am_path_dirname(const char *path);

/* The last component of 'path' (borrowed: points into 'path'). */
const char *am_path_basename(const char *path);

/*
 * The absolute, symlink-free directory 'dir' (realpath). Returns 0, or
 * AM_ENOTFOUND after am_error_set() ("cannot open 'dir': reason").
 */
int am_path_realdir(char **out, const char *dir);

/*
 * The absolute path of 'path': its directory made absolute with
 * am_path_realdir(), then its last component. Returns 0 or a negative
 * AM_E* code.
 */
int am_path_abs(char **out, const char *path);

/*
 * 'abs' relative to 'base' (both absolute, no trailing '/'): "x/y" for
 * base "/r" and abs "/r/x/y", "" when equal, NULL when 'abs' is not
 * under 'base'.
 */
char *am_path_relative(const char *base, const char *abs);

/*
 * How to show the absolute path 'abs': relative to the current directory
 * when it is below it, else 'abs' itself.
 */
char *am_path_display(const char *abs);

/*
 * The nearest directory at or above the absolute 'dir' that holds a .git
 * (directory or file), or NULL when there is none. Owned.
 */
char *am_path_git_root(const char *dir);

/*
 * Matches a relative '/'-separated path against a glob: each segment
 * with fnmatch(3) ('*', '?', '[...]' never cross a '/'), and a "**"
 * segment matches zero or more whole segments, so a pattern that ends
 * in a "**" segment matches that directory and everything below it.
 */
bool am_glob_match(const char *pattern, const char *path);

#endif
