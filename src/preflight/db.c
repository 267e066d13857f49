/* SPDX-License-Identifier: MIT */
/*
 * db.c - argomig-preflight's libpq wrapper; the only file that includes
 * <libpq-fe.h>.
 *
 * Everything that speaks libpq is here: parsing a connection string,
 * PQpingParams, PQconnectdbParams, classifying a failed connection,
 * PQexecParams with text parameters (never SQL built from input values),
 * and copying results into plain strings so no PGresult escapes. It does
 * not decide what a result means and it never prints.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "err.h"
#include "preflight/db.h"
#include "util.h"

struct am_db {
	PGconn *conn;
	char sqlstate[6];
	char *sslmode;
};

static void no_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* libpq messages end in '\n' and may span lines: make them one line. */
static char *one_line(const char *msg)
{
	struct am_buf b = AM_BUF_INIT;
	const char *p;

	for (p = msg ? msg : ""; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			while (b.len && b.buf[b.len - 1] == ' ')
				b.buf[--b.len] = '\0';
			if (p[1] && p[1] != '\n')
				am_buf_adds(&b, "; ");
			continue;
		}
		if (*p == '\t') {
			am_buf_addch(&b, ' ');
			continue;
		}
		/* "FATAL:  password" -> "FATAL: password" */
		if (*p == ' ' && b.len && b.buf[b.len - 1] == ' ')
			continue;
		am_buf_addch(&b, *p);
	}
	while (b.len && (b.buf[b.len - 1] == ' ' || b.buf[b.len - 1] == ';'))
		b.buf[--b.len] = '\0';
	return am_buf_detach(&b);
}

int am_db_conninfo_parse(struct am_kvlist *out, const char *conninfo)
{
	PQconninfoOption *opts, *o;
	char *errmsg = NULL, *msg;

	opts = PQconninfoParse(conninfo, &errmsg);
	if (!opts) {
		msg = one_line(errmsg ? errmsg : "out of memory");
		am_error_set(AM_EPARSE, "%s", msg);
		free(msg);
		if (errmsg)
			PQfreemem(errmsg);
		return AM_EPARSE;
	}
	for (o = opts; o->keyword; o++)
		if (o->val && *o->val)
			am_kvlist_add(out, o->keyword, o->val);
	PQconninfoFree(opts);
	return 0;
}

bool am_db_keyword_known(const char *keyword)
{
	PQconninfoOption *opts, *o;
	bool known = false;

	opts = PQconndefaults();
	if (!opts)
		return false;
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, keyword))
			known = true;
	PQconninfoFree(opts);
	return known;
}

/* NULL-terminated keyword and value arrays borrowing from 'kv'. */
static void to_arrays(const struct am_kvlist *kv, const char ***keys,
		      const char ***vals)
{
	size_t i;

	*keys = xcalloc(kv->n + 1, sizeof(**keys));
	*vals = xcalloc(kv->n + 1, sizeof(**vals));
	for (i = 0; i < kv->n; i++) {
		(*keys)[i] = kv->items[i].key;
		(*vals)[i] = kv->items[i].val;
	}
}

enum am_db_ping am_db_ping(const struct am_kvlist *kv)
{
	const char **keys, **vals;
	PGPing r;

	to_arrays(kv, &keys, &vals);
	r = PQpingParams(keys, vals, 0);
	free(keys);
	free(vals);
	switch (r) {
	case PQPING_OK:
		return AM_DB_PING_OK;
	case PQPING_REJECT:
		return AM_DB_PING_REJECT;
	case PQPING_NO_RESPONSE:
		return AM_DB_PING_NO_RESPONSE;
	default:
		return AM_DB_PING_NO_ATTEMPT;
	}
}

/*
 * libpq reports a failed connection as text only (no SQLSTATE reaches the
 * client API), so the class comes from the message: the server's
 * 53300 "too many clients", 57P03 "starting up" and network failures are
 * worth retrying; authentication, a missing database or role and TLS
 * failures need a person.
 */
static enum am_db_fail classify(const char *msg)
{
	static const char *const fatal[] = {
		"authentication failed", "no pg_hba.conf entry",
		"does not exist", "no password supplied",
		"password is required", "not permitted to log in",
		"certificate", "SSL", "GSSAPI", "permission denied",
		"server does not support", "channel binding",
	};
	static const char *const retry[] = {
		"too many clients", "too many connections",
		"remaining connection slots", "starting up",
		"shutting down", "in recovery mode", "not yet accepting",
		"Connection refused", "timeout expired", "timed out",
		"No route to host", "could not translate host name",
		"Network is unreachable", "closed the connection unexpectedly",
		"could not connect", "Connection reset",
		"server terminated abnormally",
	};
	/* network trouble that mentions TLS is still network trouble */
	static const char *const retry_first[] = {
		"SSL SYSCALL error", "SSL connection has been closed unexpectedly",
	};
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(retry_first); i++)
		if (strstr(msg, retry_first[i]))
			return AM_DB_FAIL_RETRY;
	for (i = 0; i < AM_ARRAY_SIZE(fatal); i++)
		if (strstr(msg, fatal[i]))
			return AM_DB_FAIL_FATAL;
	for (i = 0; i < AM_ARRAY_SIZE(retry); i++)
		if (strstr(msg, retry[i]))
			return AM_DB_FAIL_RETRY;
	if (strstr(msg, "invalid") || strstr(msg, "unrecognized"))
		return AM_DB_FAIL_CONFIG;
	return AM_DB_FAIL_FATAL;
}

int am_db_connect(struct am_db **out, const struct am_kvlist *kv,
		  enum am_db_fail *fail)
{
	const char **keys, **vals;
	PQconninfoOption *info, *o;
	struct am_db *db;
	PGconn *conn;
	char *msg;

	to_arrays(kv, &keys, &vals);
	conn = PQconnectdbParams(keys, vals, 0);
	free(keys);
	free(vals);
	if (!conn) {
		*fail = AM_DB_FAIL_RETRY;
		return am_error_set(AM_EDB, "out of memory in libpq");
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		msg = one_line(PQerrorMessage(conn));
		*fail = classify(msg);
		am_error_set(AM_EDB, "%s", msg);
		free(msg);
		PQfinish(conn);
		return AM_EDB;
	}
	PQsetNoticeProcessor(conn, no_notices, NULL);
	db = xcalloc(1, sizeof(*db));
	db->conn = conn;
	info = PQconninfo(conn);
	for (o = info; o && o->keyword; o++)
		if (!strcmp(o->keyword, "sslmode") && o->val)
			db->sslmode = xstrdup(o->val);
	if (info)
		PQconninfoFree(info);
	if (!db->sslmode)
		db->sslmode = xstrdup("prefer");
	*out = db;
	return 0;
}

void am_db_free(struct am_db *db)
{
	if (!db)
		return;
	PQfinish(db->conn);
	free(db->sslmode);
	free(db);
}

bool am_db_ok(const struct am_db *db)
{
	return db && PQstatus(db->conn) == CONNECTION_OK;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

const char *am_db_host(const struct am_db *db)
{
	return nz(PQhost(db->conn));
}

const char *am_db_port(const struct am_db *db)
{
	return nz(PQport(db->conn));
}

const char *am_db_name(const struct am_db *db)
{
	return nz(PQdb(db->conn));
}

const char *am_db_user(const struct am_db *db)
{
	return nz(PQuser(db->conn));
}

bool am_db_ssl(const struct am_db *db)
{
	return PQsslInUse(db->conn) != 0;
}

const char *am_db_ssl_protocol(const struct am_db *db)
{
	if (!PQsslInUse(db->conn))
		return "";
	return nz(PQsslAttribute(db->conn, "protocol"));
}

const char *am_db_sslmode(const struct am_db *db)
{
	return db->sslmode;
}

bool am_db_is_local(const struct am_db *db)
{
	const char *h = PQhostaddr(db->conn);
	struct in_addr a4;

	if (!h || !*h)
		h = nz(PQhost(db->conn));
	if (*h == '/' || *h == '@' || !strcmp(h, "localhost") ||
	    !strcmp(h, "::1"))
		return true;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return false;
}

int am_db_server_version(const struct am_db *db)
{
	return PQserverVersion(db->conn);
}

static int fail_result(struct am_db *db, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char *msg;

	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
	msg = one_line(primary ? primary : PQerrorMessage(db->conn));
	am_error_set(AM_EDB, "%s", *msg ? msg : "query failed");
	free(msg);
	PQclear(res);
	return AM_EDB;
}

int am_db_query(struct am_db *db, struct am_db_res **out, const char *sql,
		int nparams, const char *const *params)
{
	struct am_db_res *r;
	PGresult *res;
	ExecStatusType st;
	int i, j;

	db->sqlstate[0] = '\0';
	res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		return fail_result(db, res);
	r = xcalloc(1, sizeof(*r));
	r->nrows = PQntuples(res);
	r->ncols = PQnfields(res);
	r->vals = xcalloc((size_t)r->nrows * (size_t)r->ncols + 1,
			  sizeof(*r->vals));
	for (i = 0; i < r->nrows; i++)
		for (j = 0; j < r->ncols; j++)
			if (!PQgetisnull(res, i, j))
				r->vals[i * r->ncols + j] =
					xstrdup(PQgetvalue(res, i, j));
	PQclear(res);
	*out = r;
	return 0;
}

int am_db_exec(struct am_db *db, const char *sql, int nparams,
	       const char *const *params)
{
	struct am_db_res *r = NULL;
	int err;

	err = am_db_query(db, &r, sql, nparams, params);
	am_db_res_free(r);
	return err;
}

const char *am_db_sqlstate(const struct am_db *db)
{
	return db ? db->sqlstate : "";
}

void am_db_res_free(struct am_db_res *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->nrows * r->ncols; i++)
		free(r->vals[i]);
	free(r->vals);
	free(r);
}

const char *am_db_get(const struct am_db_res *r, int row, int col)
{
	if (!r || row < 0 || col < 0 || row >= r->nrows || col >= r->ncols)
		return NULL;
	return r->vals[row * r->ncols + col];
}

long long am_db_getll(const struct am_db_res *r, int row, int col,
		      long long dflt)
{
	const char *v = am_db_get(r, row, col);
	char *end;
	long long x;

	if (!v || !*v)
		return dflt;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || (*end && *end != '.'))
		return dflt;
	return x;
}

bool am_db_getb(const struct am_db_res *r, int row, int col)
{
	const char *v = am_db_get(r, row, col);

	return v && !strcmp(v, "t");
}

char *am_db_quote_ident(const char *name)
{
	struct am_buf b = AM_BUF_INIT;
	const char *p;

	am_buf_addch(&b, '"');
	for (p = name; *p; p++) {
		if (*p == '"')
			am_buf_addch(&b, '"');
		am_buf_addch(&b, *p);
	}
	am_buf_addch(&b, '"');
	return am_buf_detach(&b);
}
