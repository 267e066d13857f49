/* SPDX-License-Identifier: MIT */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "preflight/scrub.h"

static void expect(const struct am_scrub *s, const char *in, const char *want)
{
	char *got = am_scrub(s, in);

	cr_assert_str_eq(got, want, "input: %s", in);
	free(got);
}

Test(preflight_scrub, known_secret_anywhere)
{
	struct am_scrub s = AM_SCRUB_INIT;

	am_scrub_add(&s, "hunter2");
	expect(&s, "invalid percent-encoded token: \"hunter2\"",
	       "invalid percent-encoded token: \"***\"");
	expect(&s, "hunter2hunter2 and hunter2", "****** and ***");
	expect(&s, "nothing here", "nothing here");
	am_scrub_release(&s);
}

Test(preflight_scrub, longest_secret_first)
{
	struct am_scrub s = AM_SCRUB_INIT;

	am_scrub_add(&s, "abc");
	am_scrub_add(&s, "abcdef");
	am_scrub_add(&s, NULL);
	am_scrub_add(&s, "");
	am_scrub_add(&s, "abc");
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.secrets[0], "abcdef");
	expect(&s, "xabcdefx abcx", "x***x ***x");
	am_scrub_release(&s);
}

Test(preflight_scrub, password_keyword_values_without_knowing_them)
{
	struct am_scrub s = AM_SCRUB_INIT;

	expect(&s, "host=db password=s3cret user=x", "host=db password=*** user=x");
	expect(&s, "password = 'it\\'s secret' dbname=a",
	       "password = *** dbname=a");
	expect(&s, "a?sslpassword=x1&user=u", "a?sslpassword=***&user=u");
	expect(&s, "PGPASSWORD=abc", "PGPASSWORD=***");
	expect(&s, "password authentication failed for user \"bob\"",
	       "password authentication failed for user \"bob\"");
	am_scrub_release(&s);
}

Test(preflight_scrub, uri_userinfo)
{
	struct am_scrub s = AM_SCRUB_INIT;

	expect(&s, "postgresql://bob:pa%40ss@db:5432/app?x=1",
	       "postgresql://bob:***@db:5432/app?x=1");
	expect(&s, "postgres://bob@db/app", "postgres://bob@db/app");
	expect(&s, "see \"postgresql://u:p@h/d\" and http://a:b@c/",
	       "see \"postgresql://u:***@h/d\" and http://a:***@c/");
	am_scrub_release(&s);
}

Test(preflight_scrub, secrets_from_connection_strings)
{
	struct am_scrub s = AM_SCRUB_INIT;

	am_scrub_add_from(&s, "postgresql://bob:S3cret%zz@127.0.0.1:1/db");
	expect(&s, "invalid percent-encoded token: \"S3cret%zz\"",
	       "invalid percent-encoded token: \"***\"");
	am_scrub_release(&s);

	am_scrub_add_from(&s, "postgresql://bob:p%40ss@h/db");
	expect(&s, "bad p@ss and p%40ss", "bad *** and ***");
	am_scrub_release(&s);

	am_scrub_add_from(&s, "host=h password='a b\\'c' user=u");
	expect(&s, "echo a b'c", "echo ***");
	am_scrub_release(&s);

	am_scrub_add_from(&s, "jdbc:postgresql://h/db?user=u&password=x%2By+z");
	expect(&s, "x+y z|x+y+z|x%2By+z", "***|***|***");
	am_scrub_release(&s);
}
