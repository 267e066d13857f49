/* SPDX-License-Identifier: MIT */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

Test(util, buf_grows_and_stays_nul_terminated)
{
	struct am_buf b = AM_BUF_INIT;
	int i;

	cr_assert_str_eq(b.buf, "");
	for (i = 0; i < 1000; i++)
		am_buf_addf(&b, "%d,", i % 10);
	cr_assert_eq(b.len, 2000);
	cr_assert_eq(b.buf[b.len], '\0');
	cr_assert_eq(strncmp(b.buf, "0,1,2,", 6), 0);
	am_buf_release(&b);
	cr_assert_str_eq(b.buf, "");
}

Test(util, buf_detach_returns_owned_string)
{
	struct am_buf b = AM_BUF_INIT;
	char *s;

	s = am_buf_detach(&b);
	cr_assert_str_eq(s, "");
	free(s);
	am_buf_adds(&b, "abc");
	s = am_buf_detach(&b);
	cr_assert_str_eq(s, "abc");
	cr_assert_eq(b.len, 0);
	free(s);
}

Test(util, read_file_names_the_path_when_missing)
{
	char *data = NULL;
	size_t len;

	cr_assert_eq(am_read_file(&data, &len, "/nonexistent/x.yaml", 100),
		     AM_ENOTFOUND);
	cr_assert_str_eq(am_error_last(),
			 "cannot open '/nonexistent/x.yaml': No such file or directory");
	am_error_clear();
}

Test(util, read_file_refuses_files_over_the_limit)
{
	char *data = NULL;
	size_t len;

	cr_assert_eq(am_read_file(&data, &len, "Makefile", 10), AM_ETOOBIG);
	cr_assert_null(data);
	am_error_clear();
}

Test(util, hexval_reads_either_case_and_rejects_the_rest)
{
	cr_assert_eq(am_hexval('0'), 0);
	cr_assert_eq(am_hexval('9'), 9);
	cr_assert_eq(am_hexval('a'), 10);
	cr_assert_eq(am_hexval('F'), 15);
	cr_assert_eq(am_hexval('g'), -1);
	cr_assert_eq(am_hexval('%'), -1);
	cr_assert_eq(am_hexval(-61), -1);
}

static void touch(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	fclose(fp);
	free(path);
}

static char *names_of(const char *dir, bool hidden)
{
	struct am_buf b = AM_BUF_INIT;
	char **names;
	size_t nr, i;

	cr_assert_eq(am_dir_names(opendir(dir), hidden, &names, &nr), 0);
	for (i = 0; i < nr; i++)
		am_buf_addf(&b, "%s%s", i ? "," : "", names[i]);
	am_names_free(names, nr);
	return am_buf_detach(&b);
}

Test(util, dir_names_are_sorted_and_skip_dot_entries)
{
	char tmpl[] = "/tmp/am-util-XXXXXX";
	char *dir = mkdtemp(tmpl), *sub, *got;

	cr_assert_not_null(dir);
	touch(dir, "b.sql");
	touch(dir, ".hidden");
	touch(dir, "A.sql");
	touch(dir, "a.sql");
	sub = xasprintf("%s/sub", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	got = names_of(dir, false);
	cr_assert_str_eq(got, "A.sql,a.sql,b.sql,sub");
	free(got);
	got = names_of(dir, true);
	cr_assert_str_eq(got, ".hidden,A.sql,a.sql,b.sql,sub");
	free(got);
	got = names_of(sub, true);
	cr_assert_str_eq(got, "");
	free(got);
	cr_assert_eq(rmdir(sub), 0);
	free(sub);
	got = xasprintf("rm -rf '%s'", dir);
	cr_assert_eq(system(got), 0);
	free(got);
}

Test(util, error_set_may_quote_the_last_message)
{
	am_error_set(AM_ERROR, "cannot read '%s'", "x.yaml");
	am_error_set(AM_EINVALID, "k8s/a.yaml: error: %s", am_error_last());
	cr_assert_str_eq(am_error_last(),
			 "k8s/a.yaml: error: cannot read 'x.yaml'");
	cr_assert_eq(am_error_code(), AM_EINVALID);
	am_error_clear();
}

Test(util, str_in_and_str_index_match_whole_strings_only)
{
	static const char *const list[] = {"Sync", "PreSync"};

	cr_assert(am_str_in(list, AM_ARRAY_SIZE(list), "PreSync"));
	cr_assert(!am_str_in(list, AM_ARRAY_SIZE(list), "presync"));
	cr_assert(!am_str_in(list, AM_ARRAY_SIZE(list), "Pre"));
	cr_assert(!am_str_in(list, 1, "PreSync"));
	cr_assert(!am_str_in(list, 0, "Sync"));
	cr_assert_eq(am_str_index(list, AM_ARRAY_SIZE(list), "Sync"), 0);
	cr_assert_eq(am_str_index(list, AM_ARRAY_SIZE(list), "PreSync"), 1);
	cr_assert_eq(am_str_index(list, AM_ARRAY_SIZE(list), "PostSync"), -1);
}
