/* SPDX-License-Identifier: MIT */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
