/* SPDX-License-Identifier: MIT */
/*
 * checks.c - the check table, result helpers, lock-mode arithmetic, and
 * the checks about the server and the role: TLS (C04), version (C05),
 * writable primary (C06), superuser (P03), the migration session's
 * timeouts (P04), replication lag (R01) and connection headroom (R03).
 *
 * SQL and thresholds are reference/preflight.md §1.6 and §7. Checks fill
 * a struct am_pf_result and return 0; they never print.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "preflight/db.h"
#include "preflight/preflight.h"
#include "util.h"

/* Sorted by id; the report lists checks in this order. */
const struct am_pf_check am_pf_checks[] = {
	{ "C01", AM_PF_CLASS_CONFIG, "connection settings parse", NULL },
	{ "C02", AM_PF_CLASS_RETRY, "server reachable", NULL },
	{ "C03", AM_PF_CLASS_FATAL, "connects and authenticates", NULL },
	{ "C04", AM_PF_CLASS_WARN, "connection encrypted", am_pf_check_c04 },
	{ "C05", AM_PF_CLASS_FATAL, "server version", am_pf_check_c05 },
	{ "C06", AM_PF_CLASS_RETRY, "writable primary", am_pf_check_c06 },
	{ "D01", AM_PF_CLASS_FATAL, "deployment stamped (--stamp)", NULL },
	{ "L01", AM_PF_CLASS_RETRY, "no lock queue on a target", am_pf_check_l01 },
	{ "L02", AM_PF_CLASS_RETRY, "no old transaction locks a target", am_pf_check_l02 },
	{ "L03", AM_PF_CLASS_WARN, "no long-running transactions", am_pf_check_l03 },
	{ "L04", AM_PF_CLASS_WARN, "no sessions idle in transaction", am_pf_check_l04 },
	{ "L08", AM_PF_CLASS_RETRY, "no other migration running", am_pf_check_l08 },
	{ "L09", AM_PF_CLASS_RETRY, "no index build on a target", am_pf_check_l09 },
	{ "P01", AM_PF_CLASS_FATAL, "role can alter the targets", am_pf_check_p01 },
	{ "P03", AM_PF_CLASS_WARN, "role is not a superuser", am_pf_check_p03 },
	{ "P04", AM_PF_CLASS_WARN, "migration session timeouts", am_pf_check_p04 },
	{ "R01", AM_PF_CLASS_RETRY, "replication lag", am_pf_check_r01 },
	{ "R03", AM_PF_CLASS_RETRY, "connection headroom", am_pf_check_r03 },
	{ "R04", AM_PF_CLASS_WARN, "target table size", am_pf_check_r04 },
	{ "S01", AM_PF_CLASS_FATAL, "golang-migrate not dirty", am_pf_check_s01 },
	{ "S02", AM_PF_CLASS_FATAL, "no failed flyway migration", am_pf_check_s02 },
	{ "S03", AM_PF_CLASS_FATAL, "liquibase lock free", am_pf_check_s03 },
	{ "S05", AM_PF_CLASS_FATAL, "no invalid index on a target", am_pf_check_s05 },
	{ "S07", AM_PF_CLASS_FATAL, "applied files unchanged", am_pf_check_s07 },
	{ "S08", AM_PF_CLASS_FATAL, "history matches the files", am_pf_check_s08 },
};

const size_t am_pf_nchecks = AM_ARRAY_SIZE(am_pf_checks);

size_t am_pf_check_index(const char *id)
{
	size_t i;

	for (i = 0; i < am_pf_nchecks; i++)
		if (!strcmp(am_pf_checks[i].id, id))
			return i;
	AM_BUG("unknown check '%s'", id);
}

static const char *const lock_names[] = {
	"",
	"AccessShareLock",
	"RowShareLock",
	"RowExclusiveLock",
	"ShareUpdateExclusiveLock",
	"ShareLock",
	"ShareRowExclusiveLock",
	"ExclusiveLock",
	"AccessExclusiveLock",
};

/* conflicts[m]: bit n set when mode n conflicts with mode m (lock.c). */
static const unsigned conflicts[] = {
	0,
	1u << 8,
	(1u << 7) | (1u << 8),
	(1u << 5) | (1u << 6) | (1u << 7) | (1u << 8),
	(1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8),
	(1u << 3) | (1u << 4) | (1u << 6) | (1u << 7) | (1u << 8),
	(1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8),
	(1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) |
		(1u << 8),
	(1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) |
		(1u << 7) | (1u << 8),
};

const char *am_pf_lock_name(enum am_lockmode l)
{
	if ((unsigned)l >= AM_ARRAY_SIZE(lock_names))
		return "";
	return lock_names[l];
}

enum am_lockmode am_pf_lock_parse(const char *name)
{
	size_t i;

	for (i = 1; name && i < AM_ARRAY_SIZE(lock_names); i++)
		if (!strcmp(lock_names[i], name))
			return (enum am_lockmode)i;
	return AM_LOCK_NONE;
}

bool am_pf_lock_conflicts(enum am_lockmode held, enum am_lockmode wanted)
{
	if ((unsigned)wanted >= AM_ARRAY_SIZE(conflicts) ||
	    (unsigned)held >= AM_ARRAY_SIZE(conflicts))
		return false;
	return (conflicts[wanted] >> held) & 1u;
}

void am_pf_result_clear(struct am_pf_result *r)
{
	free(r->message);
	free(r->action);
	json_decref(r->evidence);
	memset(r, 0, sizeof(*r));
}

void am_pf_set(struct am_pf_result *r, enum am_pf_status st,
	       const char *fmt, ...)
{
	va_list ap;

	free(r->message);
	va_start(ap, fmt);
	r->message = xvasprintf(fmt, ap);
	va_end(ap);
	r->status = st;
}

void am_pf_action(struct am_pf_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->action);
	va_start(ap, fmt);
	r->action = xvasprintf(fmt, ap);
	va_end(ap);
}

bool am_pf_retryable_error(const struct am_pf *pf)
{
	const char *state = am_db_sqlstate(pf->db);

	/* timeouts, lock timeouts, lost connections, resources, conflicts */
	return !am_db_ok(pf->db) || !strcmp(state, "57014") ||
	       !strcmp(state, "55P03") || !strncmp(state, "08", 2) ||
	       !strncmp(state, "53", 2) || !strcmp(state, "40001") ||
	       !strcmp(state, "40P01") || !strcmp(state, "57P03");
}

void am_pf_query_failed(struct am_pf *pf, struct am_pf_result *r,
			enum am_pf_class cls, const char *what)
{
	const char *state = am_db_sqlstate(pf->db);
	enum am_pf_status st;

	if (am_pf_retryable_error(pf))
		st = AM_PF_RETRY;
	else if (cls == AM_PF_CLASS_WARN)
		st = AM_PF_WARN;
	else if (cls == AM_PF_CLASS_RETRY)
		st = AM_PF_RETRY;
	else
		st = AM_PF_FAIL;
	if (*state)
		am_pf_set(r, st, "could not %s: %s (SQLSTATE %s)", what,
			  am_error_last(), state);
	else
		am_pf_set(r, st, "could not %s: %s", what, am_error_last());
	if (st == AM_PF_RETRY)
		am_pf_action(r, "the server was busy or the connection broke; the check runs again");
	else
		am_pf_action(r, "grant the migration role read access to the catalog views the preflight uses, or fix the error above");
}

char *am_pf_age(long long s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		return xasprintf("%llds", s);
	if (s < 3600)
		return xasprintf("%lldm%02llds", s / 60, s % 60);
	if (s < 86400)
		return xasprintf("%lldh%02lldm", s / 3600, (s % 3600) / 60);
	return xasprintf("%lldd%02lldh", s / 86400, (s % 86400) / 3600);
}

char *am_pf_short_query(const char *q, size_t max)
{
	struct am_buf b = AM_BUF_INIT;
	const char *p;
	size_t cut;

	for (p = q ? q : ""; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
			if (b.len && b.buf[b.len - 1] != ' ')
				am_buf_addch(&b, ' ');
			continue;
		}
		if ((unsigned char)*p < 0x20)
			continue;
		am_buf_addch(&b, *p);
	}
	while (b.len && b.buf[b.len - 1] == ' ')
		b.buf[--b.len] = '\0';
	if (b.len > max) {
		cut = max;
		while (cut > 0 && ((unsigned char)b.buf[cut] & 0xc0) == 0x80)
			cut--;
		b.buf[cut] = '\0';
		b.len = cut;
		am_buf_adds(&b, "...");
	}
	return am_buf_detach(&b);
}

int am_pf_check_c04(struct am_pf *pf, struct am_pf_result *r)
{
	const char *mode = am_db_sslmode(pf->db);

	r->evidence = json_pack("{s:b, s:s, s:s, s:b}", "encrypted",
				am_db_ssl(pf->db), "protocol",
				am_db_ssl_protocol(pf->db), "sslmode", mode,
				"local", am_db_is_local(pf->db));
	if (!am_db_ssl(pf->db)) {
		if (am_db_is_local(pf->db)) {
			am_pf_set(r, AM_PF_PASS,
				  "not encrypted, but the server is on this host");
			return 0;
		}
		am_pf_set(r, AM_PF_WARN,
			  "the connection to \"%s\" is not encrypted (sslmode %s)",
			  am_db_host(pf->db), mode);
		am_pf_action(r, "set sslmode=verify-full and sslrootcert in the migration Secret");
		return 0;
	}
	if (strcmp(mode, "verify-full") && strcmp(mode, "verify-ca")) {
		am_pf_set(r, AM_PF_WARN,
			  "encrypted (%s) but the server certificate is not verified (sslmode %s)",
			  am_db_ssl_protocol(pf->db), mode);
		am_pf_action(r, "set sslmode=verify-full and sslrootcert in the migration Secret");
		return 0;
	}
	am_pf_set(r, AM_PF_PASS, "encrypted (%s, sslmode %s)",
		  am_db_ssl_protocol(pf->db), mode);
	return 0;
}

int am_pf_check_c05(struct am_pf *pf, struct am_pf_result *r)
{
	int v = pf->server_version_num, major = v / 10000;

	r->evidence = json_pack("{s:i, s:s}", "server_version_num", v,
				"server_version", pf->server_version);
	if (v < 120000) {
		am_pf_set(r, AM_PF_FAIL,
			  "PostgreSQL %s is older than 12, which these checks need",
			  pf->server_version);
		am_pf_action(r, "upgrade the server; PostgreSQL %d is no longer supported",
			     major ? major : v / 100);
		return 0;
	}
	if (major <= 13) {
		am_pf_set(r, AM_PF_WARN,
			  "PostgreSQL %s: major version %d no longer gets fixes",
			  pf->server_version, major);
		am_pf_action(r, "plan an upgrade to a supported major version");
		return 0;
	}
	am_pf_set(r, AM_PF_PASS, "PostgreSQL %s", pf->server_version);
	return 0;
}

int am_pf_check_c06(struct am_pf *pf, struct am_pf_result *r)
{
	r->evidence = json_pack("{s:b, s:b}", "in_recovery", pf->in_recovery,
				"default_transaction_read_only", pf->default_ro);
	if (pf->in_recovery) {
		am_pf_set(r, AM_PF_RETRY,
			  "the server is a standby (in recovery); migrations need the primary");
		am_pf_action(r, "point the connection at the primary (target_session_attrs=read-write), or wait for a failover to finish");
		return 0;
	}
	if (pf->default_ro) {
		am_pf_set(r, AM_PF_RETRY,
			  "default_transaction_read_only is on for role \"%s\" in database \"%s\"",
			  pf->user, pf->database);
		am_pf_action(r, "connect to a writable primary, or ALTER ROLE ... RESET default_transaction_read_only");
		return 0;
	}
	am_pf_set(r, AM_PF_PASS, "writable primary");
	return 0;
}

int am_pf_check_p03(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"SELECT rolsuper, rolcreaterole, rolbypassrls FROM pg_roles "
		"WHERE rolname = current_user";
	struct am_db_res *res = NULL;

	if (am_db_query(pf->db, &res, sql, 0, NULL)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_WARN, "read the role");
		return 0;
	}
	r->evidence = json_pack("{s:s, s:b, s:b, s:b}", "role", pf->user,
				"superuser", am_db_getb(res, 0, 0),
				"createrole", am_db_getb(res, 0, 1),
				"bypassrls", am_db_getb(res, 0, 2));
	if (am_db_getb(res, 0, 0)) {
		am_pf_set(r, AM_PF_WARN,
			  "role \"%s\" is a superuser: a migration bug can change anything, and no lock or permission stops it",
			  pf->user);
		am_pf_action(r, "migrate as a role that owns the application's schema but is not a superuser");
	} else {
		am_pf_set(r, AM_PF_PASS, "role \"%s\" is not a superuser",
			  pf->user);
	}
	am_db_res_free(res);
	return 0;
}

static long long ms_of(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

int am_pf_check_p04(struct am_pf *pf, struct am_pf_result *r)
{
	long long lock = ms_of(pf->lock_timeout);
	long long stmt = ms_of(pf->statement_timeout);

	r->evidence = json_pack("{s:I, s:I}", "lock_timeout_ms", (json_int_t)lock,
				"statement_timeout_ms", (json_int_t)stmt);
	if (lock == 0) {
		am_pf_set(r, AM_PF_WARN,
			  "the migration session has no lock_timeout: a DDL statement waiting for its lock queues every later query on that table");
		am_pf_action(r, "ALTER ROLE \"%s\" SET lock_timeout = '5s', and let the migration retry when it fires",
			     pf->user);
		return 0;
	}
	if (stmt > 0 && lock >= stmt) {
		am_pf_set(r, AM_PF_WARN,
			  "lock_timeout (%lld ms) is not below statement_timeout (%lld ms), so it never fires first",
			  lock, stmt);
		am_pf_action(r, "set lock_timeout to a few seconds, well below statement_timeout");
		return 0;
	}
	am_pf_set(r, AM_PF_PASS, "lock_timeout %lld ms, statement_timeout %lld ms",
		  lock, stmt);
	return 0;
}

int am_pf_check_r01(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"SELECT application_name, host(client_addr), state, "
		"pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, "
		"extract(epoch FROM replay_lag)::bigint "
		"FROM pg_stat_replication ORDER BY 4 DESC NULLS LAST";
	const struct am_pf_limits *lim = &pf->o->lim;
	struct am_db_res *res = NULL;
	long long worst_s = 0, worst_b = 0, s, b;
	const char *worst_app = "";
	json_t *rows;
	int i;

	if (pf->in_recovery) {
		am_pf_set(r, AM_PF_SKIP, "connected to a standby");
		return 0;
	}
	if (am_db_query(pf->db, &res, sql, 0, NULL)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_WARN,
				   "read pg_stat_replication");
		return 0;
	}
	rows = json_array();
	for (i = 0; i < res->nrows; i++) {
		b = am_db_getll(res, i, 3, 0);
		s = am_db_getll(res, i, 4, 0);
		json_array_append_new(rows,
			json_pack("{s:s?, s:s?, s:s?, s:I, s:I}", "application_name",
				  am_db_get(res, i, 0), "client_addr",
				  am_db_get(res, i, 1), "state",
				  am_db_get(res, i, 2), "replay_lag_bytes",
				  (json_int_t)b, "replay_lag_s", (json_int_t)s));
		if (s > worst_s || b > worst_b)
			worst_app = am_db_get(res, i, 0) ? am_db_get(res, i, 0) : "";
		if (s > worst_s)
			worst_s = s;
		if (b > worst_b)
			worst_b = b;
	}
	r->evidence = json_pack("{s:o, s:I, s:I, s:I}", "standbys", rows,
				"warn_s", (json_int_t)lim->lag_warn_s, "max_s",
				(json_int_t)lim->lag_max_s, "max_bytes",
				(json_int_t)lim->lag_max_bytes);
	if (res->nrows == 0) {
		am_pf_set(r, AM_PF_PASS, "no standbys connected");
	} else if (worst_s > lim->lag_max_s || worst_b > lim->lag_max_bytes) {
		am_pf_set(r, AM_PF_RETRY,
			  "standby \"%s\" lags %llds / %lld bytes behind (limit %lds / %lld bytes)",
			  worst_app, worst_s, worst_b, lim->lag_max_s,
			  lim->lag_max_bytes);
		am_pf_action(r, "wait for the standby to catch up before migrating");
	} else if (worst_s > lim->lag_warn_s) {
		am_pf_set(r, AM_PF_WARN,
			  "standby \"%s\" lags %llds behind (warning above %lds)",
			  worst_app, worst_s, lim->lag_warn_s);
		am_pf_action(r, "watch replication while the migration runs");
	} else {
		am_pf_set(r, AM_PF_PASS, "%d standby(s), replay lag at most %llds",
			  res->nrows, worst_s);
	}
	am_db_res_free(res);
	return 0;
}

int am_pf_check_r03(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"SELECT current_setting('max_connections')::int, "
		"current_setting('superuser_reserved_connections')::int, "
		"coalesce(current_setting('reserved_connections', true), '0')::int, "
		"(SELECT count(*) FROM pg_stat_activity "
		" WHERE backend_type = 'client backend'), "
		"(SELECT datconnlimit FROM pg_database "
		" WHERE datname = current_database()), "
		"(SELECT count(*) FROM pg_stat_activity "
		" WHERE datname = current_database() "
		" AND backend_type = 'client backend'), "
		"(SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user), "
		"(SELECT count(*) FROM pg_stat_activity "
		" WHERE usename = current_user "
		" AND backend_type = 'client backend')";
	struct am_db_res *res = NULL;
	long long max, su, rsv, used, dblim, dbused, rolim, roused, avail, need;

	if (am_db_query(pf->db, &res, sql, 0, NULL)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_RETRY,
				   "count connections");
		return 0;
	}
	max = am_db_getll(res, 0, 0, 0);
	su = am_db_getll(res, 0, 1, 0);
	rsv = am_db_getll(res, 0, 2, 0);
	used = am_db_getll(res, 0, 3, 0);
	dblim = am_db_getll(res, 0, 4, -1);
	dbused = am_db_getll(res, 0, 5, 0);
	rolim = am_db_getll(res, 0, 6, -1);
	roused = am_db_getll(res, 0, 7, 0);
	am_db_res_free(res);
	/* our own session ends before the migration starts */
	avail = max - su - rsv - used + 1;
	need = max / 10 > pf->o->lim.min_free_conns ? max / 10
						    : pf->o->lim.min_free_conns;
	r->evidence = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
				"max_connections", (json_int_t)max,
				"reserved", (json_int_t)(su + rsv),
				"client_backends", (json_int_t)used,
				"free", (json_int_t)avail,
				"database_connlimit", (json_int_t)dblim,
				"role_connlimit", (json_int_t)rolim);
	if (dblim >= 0 && dbused - 1 >= dblim) {
		am_pf_set(r, AM_PF_RETRY,
			  "database \"%s\" is at its connection limit (%lld of %lld)",
			  pf->database, dbused - 1, dblim);
		am_pf_action(r, "wait for connections to close, or raise the database's CONNECTION LIMIT");
	} else if (rolim >= 0 && roused - 1 >= rolim) {
		am_pf_set(r, AM_PF_RETRY,
			  "role \"%s\" is at its connection limit (%lld of %lld)",
			  pf->user, roused - 1, rolim);
		am_pf_action(r, "wait for connections to close, or raise the role's CONNECTION LIMIT");
	} else if (avail < need) {
		am_pf_set(r, AM_PF_RETRY,
			  "only %lld of %lld connections are free (need %lld)",
			  avail, max, need);
		am_pf_action(r, "wait for connections to close; the migration and the new pods need some");
	} else if (avail * 5 < max) {
		am_pf_set(r, AM_PF_WARN,
			  "only %lld of %lld connections are free", avail, max);
		am_pf_action(r, "check the connection pools: a rollout briefly runs old and new pods together");
	} else {
		am_pf_set(r, AM_PF_PASS, "%lld of %lld connections free", avail,
			  max);
	}
	return 0;
}
