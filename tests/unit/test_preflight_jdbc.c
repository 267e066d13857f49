/* SPDX-License-Identifier: MIT */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "preflight/conninfo.h"
#include "util.h"

struct conv {
	struct am_kvlist out, dropped, ignored;
	int err;
};

static void convert(struct conv *c, const char *url)
{
	memset(c, 0, sizeof(*c));
	c->err = am_jdbc_convert(url, &c->out, &c->dropped, &c->ignored);
}

static void conv_release(struct conv *c)
{
	am_kvlist_release(&c->out);
	am_kvlist_release(&c->dropped);
	am_kvlist_release(&c->ignored);
	am_error_clear();
}

/* "k=v k=v" in output order, for exact comparisons. */
static char *render(const struct am_kvlist *l)
{
	struct am_buf b = AM_BUF_INIT;
	size_t i;

	for (i = 0; i < l->n; i++)
		am_buf_addf(&b, "%s%s=%s", i ? " " : "", l->items[i].key,
			    l->items[i].val);
	return am_buf_detach(&b);
}

static void expect(const char *url, const char *want)
{
	struct conv c;
	char *got;

	convert(&c, url);
	cr_assert_eq(c.err, 0, "%s: %s", url, am_error_last());
	got = render(&c.out);
	cr_assert_str_eq(got, want, "%s", url);
	free(got);
	conv_release(&c);
}

static void expect_error(const char *url, const char *msg)
{
	struct conv c;

	convert(&c, url);
	cr_assert_eq(c.err, AM_EPARSE, "%s", url);
	cr_assert_str_eq(am_error_last(), msg, "%s", url);
	conv_release(&c);
}

Test(preflight_jdbc, host_port_database)
{
	expect("jdbc:postgresql://db.example.com:6543/orders",
	       "host=db.example.com port=6543 dbname=orders");
}

Test(preflight_jdbc, defaults_host_and_port_like_pgjdbc)
{
	expect("jdbc:postgresql://db/orders", "host=db port=5432 dbname=orders");
	expect("jdbc:postgresql:orders", "host=localhost port=5432 dbname=orders");
	expect("jdbc:postgresql:/", "host=localhost port=5432");
	expect("jdbc:postgresql:///orders",
	       "host=localhost port=5432 dbname=orders");
}

Test(preflight_jdbc, several_hosts_and_ipv6)
{
	expect("jdbc:postgresql://h1:5433,[::1]:5434,h3/app?targetServerType=primary",
	       "host=h1,::1,h3 port=5433,5434,5432 dbname=app target_session_attrs=primary");
}

Test(preflight_jdbc, user_password_and_decoding)
{
	expect("jdbc:postgresql://h/d%20b?user=mig&password=p%40ss+word",
	       "host=h port=5432 dbname=d b user=mig password=p@ss word");
}

Test(preflight_jdbc, ssl_true_means_verify_full)
{
	expect("jdbc:postgresql://h/db?ssl=true",
	       "host=h port=5432 dbname=db sslmode=verify-full");
	expect("jdbc:postgresql://h/db?ssl", "host=h port=5432 dbname=db sslmode=verify-full");
	expect("jdbc:postgresql://h/db?ssl=false", "host=h port=5432 dbname=db");
	/* an explicit sslmode wins, wherever it is */
	expect("jdbc:postgresql://h/db?ssl=true&sslmode=require",
	       "host=h port=5432 dbname=db sslmode=require");
	expect("jdbc:postgresql://h/db?sslmode=verify-ca&ssl=true",
	       "host=h port=5432 dbname=db sslmode=verify-ca");
}

Test(preflight_jdbc, renamed_properties)
{
	expect("jdbc:postgresql://h/db?ApplicationName=app&connectTimeout=7&"
	       "sslrootcert=/ca.pem&gssEncMode=disable&channelBinding=require&"
	       "tcpKeepAlive=true&loadBalanceHosts=true",
	       "host=h port=5432 dbname=db application_name=app connect_timeout=7 "
	       "sslrootcert=/ca.pem gssencmode=disable channel_binding=require "
	       "keepalives=1 load_balance_hosts=random");
}

Test(preflight_jdbc, current_schema_and_options_become_one_options)
{
	expect("jdbc:postgresql://h/db?options=-c%20geqo%3Doff&currentSchema=my%20app",
	       "host=h port=5432 dbname=db options=-c geqo=off -c search_path=my\\ app");
}

Test(preflight_jdbc, target_server_types)
{
	expect("jdbc:postgresql://h/db?targetServerType=secondary",
	       "host=h port=5432 dbname=db target_session_attrs=standby");
	expect("jdbc:postgresql://h/db?targetServerType=preferSlave",
	       "host=h port=5432 dbname=db target_session_attrs=prefer-standby");
	expect("jdbc:postgresql://h/db?targetServerType=master",
	       "host=h port=5432 dbname=db target_session_attrs=primary");
}

Test(preflight_jdbc, driver_only_properties_are_ignored_others_dropped)
{
	struct conv c;
	char *d, *i;

	convert(&c, "jdbc:postgresql://h/db?prepareThreshold=0&socketTimeout=30&"
		    "targetServerType=preferPrimary&frobnicate=1&readOnly=true");
	cr_assert_eq(c.err, 0);
	d = render(&c.dropped);
	i = render(&c.ignored);
	cr_assert_str_eq(d, "socketTimeout=no libpq equivalent; the preflight uses connect_timeout and its own statement_timeout "
			    "targetServerType=targetServerType=preferPrimary has no libpq equivalent "
			    "frobnicate=not a pgJDBC property libpq knows");
	cr_assert_str_eq(i, "prepareThreshold=changes only the JDBC driver "
			    "readOnly=changes only the JDBC driver");
	free(d);
	free(i);
	conv_release(&c);
}

Test(preflight_jdbc, malformed_urls_are_errors_without_values)
{
	expect_error("postgresql://h/db", "FLYWAY_URL must start with 'jdbc:postgresql:'");
	expect_error("jdbc:mysql://h/db", "FLYWAY_URL must start with 'jdbc:postgresql:'");
	expect_error("jdbc:postgresql://h:99999/db",
		     "FLYWAY_URL: the port must be a number from 1 to 65535");
	expect_error("jdbc:postgresql://h:x/db",
		     "FLYWAY_URL: the port must be a number from 1 to 65535");
	expect_error("jdbc:postgresql://h",
		     "FLYWAY_URL: expected '/' and a database name after the host");
	expect_error("jdbc:postgresql://[::1/db", "FLYWAY_URL: unclosed '[' in the host list");
	expect_error("jdbc:postgresql://h/db?password=s3cr%zz",
		     "FLYWAY_URL: invalid percent-encoding in the value of 'password'");
	expect_error("jdbc:postgresql://h/d%4", "FLYWAY_URL: invalid percent-encoding in the database name");
	expect_error("jdbc:postgresql://h/db?sslmode=sometimes",
		     "FLYWAY_URL: sslmode must be disable, allow, prefer, require, verify-ca or verify-full");
	expect_error("jdbc:postgresql://h/db?ssl=yes", "FLYWAY_URL: ssl must be true or false");
	expect_error("jdbc:postgresql://h/db?targetServerType=leader",
		     "FLYWAY_URL: unknown targetServerType");
	expect_error("jdbc:postgresql://u:pw@h/db",
		     "FLYWAY_URL: pgJDBC URLs take no user or password before the host; use ?user=...&password=... or FLYWAY_USER and FLYWAY_PASSWORD");
	expect_error("jdbc:postgresql://h/db?x=1\n", "FLYWAY_URL contains a space, newline or '#'");
	expect_error("jdbc:postgresql://h/db?password=a%00b",
		     "FLYWAY_URL: invalid percent-encoding in the value of 'password'");
}

Test(preflight_jdbc, options_escaping)
{
	char *opts = NULL;

	am_conninfo_options_add_c(&opts, "search_path", "a b\\c");
	cr_assert_str_eq(opts, "-c search_path=a\\ b\\\\c");
	am_conninfo_options_add_c(&opts, "lock_timeout", "5s");
	cr_assert_str_eq(opts, "-c search_path=a\\ b\\\\c -c lock_timeout=5s");
	free(opts);
}

Test(preflight_jdbc, kvlist_set_get_remove)
{
	struct am_kvlist l = AM_KVLIST_INIT;

	am_kvlist_add(&l, "a", "1");
	am_kvlist_add(&l, "b", "2");
	am_kvlist_set(&l, "a", "3");
	cr_assert_str_eq(am_kvlist_get(&l, "a"), "3");
	cr_assert_eq(l.n, 2);
	am_kvlist_remove(&l, "a");
	cr_assert_null(am_kvlist_get(&l, "a"));
	cr_assert_str_eq(am_kvlist_get(&l, "b"), "2");
	am_kvlist_release(&l);
}
