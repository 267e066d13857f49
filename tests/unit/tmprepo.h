/* SPDX-License-Identifier: MIT */
/*
 * tmprepo.h - for the unit tests that read a spec and its files from disk
 * (test_spec.c, test_render.c): a fresh repository (a directory with .git)
 * under /tmp as the current directory, and files written into it.
 *
 * Static functions for a test file to include; nothing here is a test.
 */
#ifndef AM_TEST_TMPREPO_H
#define AM_TEST_TMPREPO_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static char tmprepo[64];

/* Makes /tmp/am-<name>-XXXXXX with a .git directory and enters it. */
static inline void tmprepo_enter(const char *name)
{
	snprintf(tmprepo, sizeof(tmprepo), "/tmp/am-%s-XXXXXX", name);
	cr_assert_not_null(mkdtemp(tmprepo));
	cr_assert_eq(chdir(tmprepo), 0);
	cr_assert_eq(mkdir(".git", 0755), 0);
}

/* Leaves the repository and removes it. */
static inline void tmprepo_leave(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmprepo);

	cr_assert_eq(chdir("/"), 0);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

static inline void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp, "cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
}

#endif
