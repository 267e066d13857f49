/* SPDX-License-Identifier: MIT */
/*
 * db.h - the only door to libpq (STYLE.md: one wrapper per library).
 *
 * Connects with keyword/value settings, pings, runs parameterized
 * queries and hands back fully-read results as owned strings. libpq's
 * conventions (PQstatus, PQresultStatus, PGRES_*) stop here and become
 * 0 / negative AM_E* with a message. Error messages are libpq's or the
 * server's own text, which may quote connection settings: callers pass
 * every message through am_scrub() before printing it.
 */
#ifndef AM_PF_DB_H
#define AM_PF_DB_H

#include <stdbool.h>

#include "preflight/conninfo.h"

struct am_db;

enum am_db_ping {
	AM_DB_PING_OK,
	AM_DB_PING_REJECT,	/* running, not accepting connections yet */
	AM_DB_PING_NO_RESPONSE,	/* not reachable */
	AM_DB_PING_NO_ATTEMPT,	/* settings are unusable */
};

/* How a failed connection attempt should be treated. */
enum am_db_fail {
	AM_DB_FAIL_RETRY,	/* server starting, too many clients, network */
	AM_DB_FAIL_FATAL,	/* authentication, unknown database or role, TLS */
	AM_DB_FAIL_CONFIG,	/* settings libpq cannot use */
};

/* A fully-read query result. Values are owned; NULL means SQL NULL. */
struct am_db_res {
	int nrows, ncols;
	char **vals;		/* nrows * ncols */
};

/*
 * Parses a libpq connection string (keyword/value or URI) and appends
 * every keyword it sets to 'out'. Returns 0, or AM_EPARSE after
 * am_error_set() with libpq's reason (unscrubbed).
 */
int am_db_conninfo_parse(struct am_kvlist *out, const char *conninfo);
/* True if this libpq knows 'keyword' (load_balance_hosts needs 16, ...). */
bool am_db_keyword_known(const char *keyword);

/* PQpingParams over the settings; environment fills unset keywords. */
enum am_db_ping am_db_ping(const struct am_kvlist *kv);

/*
 * Connects. On failure returns AM_EDB after am_error_set() with libpq's
 * message (one line, unscrubbed) and sets *fail. *out is set only on
 * success. libpq notices are swallowed (they would reach stderr
 * unscrubbed).
 */
int am_db_connect(struct am_db **out, const struct am_kvlist *kv,
		  enum am_db_fail *fail);
void am_db_free(struct am_db *db);

/* False once the connection is broken. */
bool am_db_ok(const struct am_db *db);
/* Borrowed strings from libpq; "" when unknown. Never the password. */
const char *am_db_host(const struct am_db *db);
const char *am_db_port(const struct am_db *db);
const char *am_db_name(const struct am_db *db);
const char *am_db_user(const struct am_db *db);
bool am_db_ssl(const struct am_db *db);
/* Negotiated TLS protocol ("TLSv1.3") or "" when not encrypted. */
const char *am_db_ssl_protocol(const struct am_db *db);
/* The sslmode in effect ("prefer" when unset). */
const char *am_db_sslmode(const struct am_db *db);
/* True when the socket is local (Unix socket or loopback address). */
bool am_db_is_local(const struct am_db *db);
int am_db_server_version(const struct am_db *db);

/*
 * Runs 'sql' with 'nparams' text parameters (NULL entries are SQL NULL)
 * and stores the rows in *out (owned; free with am_db_res_free). Returns
 * 0, or AM_EDB after am_error_set() with the server's message; the
 * SQLSTATE is then am_db_sqlstate(db).
 */
int am_db_query(struct am_db *db, struct am_db_res **out, const char *sql,
		int nparams, const char *const *params);
/* Like am_db_query for statements whose rows are not needed. */
int am_db_exec(struct am_db *db, const char *sql, int nparams,
	       const char *const *params);
/* SQLSTATE of the last failed query ("" when none or not from the server). */
const char *am_db_sqlstate(const struct am_db *db);

void am_db_res_free(struct am_db_res *r);
/* Borrowed value, NULL for SQL NULL or out of range. */
const char *am_db_get(const struct am_db_res *r, int row, int col);
/* Value as long long; 'dflt' for NULL or junk. */
long long am_db_getll(const struct am_db_res *r, int row, int col,
		      long long dflt);
/* "t" -> true. */
bool am_db_getb(const struct am_db_res *r, int row, int col);

/* "schema"."table" style quoting of one identifier. Owned. */
char *am_db_quote_ident(const char *name);

#endif
