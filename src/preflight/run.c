/* SPDX-License-Identifier: MIT */
/*
 * run.c - one preflight run: connection settings from the environment
 * (C01), reaching and authenticating (C02, C03) with retries and
 * back-off, the first query and the session guards, the migration
 * history and the targets, then passes of checks until the verdict is
 * go or no-go, or --wait runs out while something retryable remains.
 * Finally the optional deployment stamp (D01).
 *
 * Order (reference/preflight.md §6): configuration, reachability,
 * identity, then every check once; later passes re-run only the checks
 * that asked for a retry. Fatal beats retryable. Nothing here prints:
 * progress lines go through pf->progress.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "preflight/db.h"
#include "preflight/preflight.h"
#include "util.h"

void am_pf_init(struct am_pf *pf, struct am_pf_opts *o)
{
	memset(pf, 0, sizeof(*pf));
	pf->o = o;
	pf->res = xcalloc(am_pf_nchecks, sizeof(*pf->res));
}

void am_pf_release(struct am_pf *pf)
{
	size_t i;

	am_db_free(pf->db);
	am_kvlist_release(&pf->conn);
	am_kvlist_release(&pf->conn_dropped);
	am_kvlist_release(&pf->conn_ignored);
	free(pf->server_version);
	free(pf->database);
	free(pf->user);
	free(pf->current_schema);
	free(pf->lock_timeout);
	free(pf->statement_timeout);
	free(pf->stamp_version);
	am_pf_history_release(&pf->hist);
	am_pf_migrations_release(pf);
	for (i = 0; pf->res && i < am_pf_nchecks; i++)
		am_pf_result_clear(&pf->res[i]);
	free(pf->res);
	memset(pf, 0, sizeof(*pf));
}

static struct am_pf_result *res(struct am_pf *pf, const char *id)
{
	return &pf->res[am_pf_check_index(id)];
}

static void progress(struct am_pf *pf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(struct am_pf *pf, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (!pf->progress)
		return;
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	pf->progress(pf->progress_ctx, line);
	free(line);
}

static const char *getenv_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Drops keywords this libpq does not know, with a C01 warning each. */
static void drop_unknown_keywords(struct am_pf *pf)
{
	size_t i = 0;

	while (i < pf->conn.n) {
		const char *k = pf->conn.items[i].key;

		if (am_db_keyword_known(k)) {
			i++;
			continue;
		}
		am_kvlist_add(&pf->conn_dropped, k,
			      "the libpq this preflight runs with does not know it");
		am_kvlist_remove(&pf->conn, k);
	}
}

/*
 * libpq only complains about a bad port when it connects, and PQping
 * then reports "no response": a retry that can never succeed.
 */
static int check_ports(const char *ports)
{
	const char *p = ports;
	size_t len, i;
	long v;

	while (p && *p) {
		len = strcspn(p, ",");
		v = 0;
		for (i = 0; i < len && v <= 65535; i++)
			v = p[i] >= '0' && p[i] <= '9' ? v * 10 + (p[i] - '0')
						       : 100000;
		if (len && (v < 1 || v > 65535))
			return am_error_set(AM_EPARSE,
					    "port \"%.*s\" is not a number from 1 to 65535",
					    (int)(len > 16 ? 16 : len), p);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int am_pf_configure(struct am_pf *pf, struct am_scrub *secrets)
{
	struct am_pf_result *r = res(pf, "C01");
	const char *url, *v;
	json_t *dropped, *ignored;
	struct am_buf warn = AM_BUF_INIT;
	char timeout[32];
	size_t i;
	int err = 0;

	am_scrub_add(secrets, getenv_nonempty("PGPASSWORD"));
	am_scrub_add(secrets, getenv_nonempty("FLYWAY_PASSWORD"));
	if ((url = getenv_nonempty("DATABASE_URL"))) {
		pf->conn_source = "DATABASE_URL";
		am_scrub_add_from(secrets, url);
		err = am_db_conninfo_parse(&pf->conn, url);
	} else if ((url = getenv_nonempty("FLYWAY_URL"))) {
		pf->conn_source = "FLYWAY_URL";
		am_scrub_add_from(secrets, url);
		err = am_jdbc_convert(url, &pf->conn, &pf->conn_dropped,
				      &pf->conn_ignored);
		if (!err && (v = getenv_nonempty("FLYWAY_USER")) &&
		    !am_kvlist_get(&pf->conn, "user"))
			am_kvlist_set(&pf->conn, "user", v);
		if (!err && (v = getenv_nonempty("FLYWAY_PASSWORD")) &&
		    !am_kvlist_get(&pf->conn, "password"))
			am_kvlist_set(&pf->conn, "password", v);
	} else {
		pf->conn_source = "PG* environment";
	}
	if (err) {
		am_pf_set(r, AM_PF_CONFIG, "%s is not a valid connection string: %s",
			  pf->conn_source, am_error_last());
		am_pf_action(r, "fix %s in the migration Secret", pf->conn_source);
		return err;
	}
	if (!err)
		err = check_ports(am_kvlist_get(&pf->conn, "port")
				  ? am_kvlist_get(&pf->conn, "port")
				  : getenv_nonempty("PGPORT"));
	if (err) {
		am_pf_set(r, AM_PF_CONFIG, "%s is not a valid connection string: %s",
			  pf->conn_source, am_error_last());
		am_pf_action(r, "fix %s in the migration Secret", pf->conn_source);
		return err;
	}
	am_scrub_add(secrets, am_kvlist_get(&pf->conn, "password"));
	am_scrub_add(secrets, am_kvlist_get(&pf->conn, "sslpassword"));
	drop_unknown_keywords(pf);
	/* our own identity in pg_stat_activity, whatever the Secret says */
	am_kvlist_set(&pf->conn, "application_name", "argomig-preflight");
	if (pf->o->connect_timeout_s >= 0) {
		snprintf(timeout, sizeof(timeout), "%ld", pf->o->connect_timeout_s);
		am_kvlist_set(&pf->conn, "connect_timeout", timeout);
	} else if (!am_kvlist_get(&pf->conn, "connect_timeout") &&
		   !getenv_nonempty("PGCONNECT_TIMEOUT")) {
		am_kvlist_set(&pf->conn, "connect_timeout", "5");
	}
	dropped = json_array();
	ignored = json_array();
	for (i = 0; i < pf->conn_dropped.n; i++) {
		json_array_append_new(dropped,
			json_pack("{s:s, s:s}", "parameter",
				  pf->conn_dropped.items[i].key, "reason",
				  pf->conn_dropped.items[i].val));
		am_buf_addf(&warn, "%s%s", warn.len ? ", " : "",
			    pf->conn_dropped.items[i].key);
	}
	for (i = 0; i < pf->conn_ignored.n; i++)
		json_array_append_new(ignored,
				      json_string(pf->conn_ignored.items[i].key));
	r->evidence = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o}",
				"source", pf->conn_source, "host",
				am_kvlist_get(&pf->conn, "host"), "port",
				am_kvlist_get(&pf->conn, "port"), "dbname",
				am_kvlist_get(&pf->conn, "dbname"), "user",
				am_kvlist_get(&pf->conn, "user"), "sslmode",
				am_kvlist_get(&pf->conn, "sslmode"), "dropped",
				dropped, "ignored", ignored);
	if (warn.len) {
		am_pf_set(r, AM_PF_WARN,
			  "settings from %s parsed, but these parameters have no libpq equivalent and were dropped: %s",
			  pf->conn_source, warn.buf);
		am_pf_action(r, "check that the preflight connects the way the migration does without them");
	} else {
		am_pf_set(r, AM_PF_PASS, "settings from %s parsed",
			  pf->conn_source);
	}
	am_buf_release(&warn);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps up to 'ms'; returns early when asked to stop. */
static void nap(struct am_pf *pf, long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		if (pf->stop && *pf->stop)
			return;
}

static char *dup_col(const struct am_db_res *r, int col)
{
	const char *v = am_db_get(r, 0, col);

	return v ? xstrdup(v) : NULL;
}

/*
 * The first query reads what the migration session will inherit
 * (lock_timeout, statement_timeout, default_transaction_read_only from
 * the server, role and database settings) before this session sets its
 * own guards. It reads settings only: no lock, no table.
 */
static int identify(struct am_pf *pf)
{
	static const char sql[] =
		"SELECT current_setting('server_version_num'), "
		"current_setting('server_version'), pg_is_in_recovery(), "
		"current_setting('default_transaction_read_only'), "
		"current_database(), current_user, current_schema(), "
		"(SELECT setting FROM pg_settings WHERE name = 'lock_timeout'), "
		"(SELECT setting FROM pg_settings WHERE name = 'statement_timeout')";
	static const char *const guards[] = {
		"SET statement_timeout = '5s'",
		"SET lock_timeout = '500ms'",
		"SET idle_in_transaction_session_timeout = '10s'",
		"SET default_transaction_read_only = on",
	};
	struct am_db_res *r = NULL;
	size_t i;
	int err;

	err = am_db_query(pf->db, &r, sql, 0, NULL);
	if (err)
		return err;
	pf->server_version_num = (int)am_db_getll(r, 0, 0, 0);
	free(pf->server_version);
	pf->server_version = dup_col(r, 1);
	pf->in_recovery = am_db_getb(r, 0, 2);
	pf->default_ro = am_streq(am_db_get(r, 0, 3), "on");
	free(pf->database);
	pf->database = dup_col(r, 4);
	free(pf->user);
	pf->user = dup_col(r, 5);
	free(pf->current_schema);
	pf->current_schema = dup_col(r, 6);
	free(pf->lock_timeout);
	pf->lock_timeout = dup_col(r, 7);
	free(pf->statement_timeout);
	pf->statement_timeout = dup_col(r, 8);
	am_db_res_free(r);
	for (i = 0; i < AM_ARRAY_SIZE(guards); i++) {
		err = am_db_exec(pf->db, guards[i], 0, NULL);
		if (err)
			return err;
	}
	pf->identified = true;
	return 0;
}

/* One connection attempt; true when connected and identified. */
static bool connect_once(struct am_pf *pf)
{
	struct am_pf_result *c02 = res(pf, "C02"), *c03 = res(pf, "C03");
	enum am_db_fail fail;
	const char *host = am_kvlist_get(&pf->conn, "host");
	const char *port = am_kvlist_get(&pf->conn, "port");
	char *where;

	am_pf_result_clear(c02);
	am_pf_result_clear(c03);
	pf->attempts++;
	where = xasprintf("%s%s%s", host ? host : "the default host",
			  port ? ":" : "", port ? port : "");
	switch (am_db_ping(&pf->conn)) {
	case AM_DB_PING_NO_ATTEMPT:
		am_pf_set(c02, AM_PF_CONFIG,
			  "libpq refused the connection settings before trying %s",
			  where);
		am_pf_action(c02, "check host, port and the other parameters in %s",
			     pf->conn_source);
		goto out;
	case AM_DB_PING_NO_RESPONSE:
		am_pf_set(c02, AM_PF_RETRY, "no answer from %s (attempt %d)",
			  where, pf->attempts);
		am_pf_action(c02, "check that the server runs and that the network (Service, NetworkPolicy, firewall) lets this pod reach it");
		goto out;
	case AM_DB_PING_REJECT:
		am_pf_set(c02, AM_PF_RETRY,
			  "%s answers but does not accept connections yet (starting, stopping or recovering; attempt %d)",
			  where, pf->attempts);
		am_pf_action(c02, "wait for the server to finish starting or recovering");
		goto out;
	case AM_DB_PING_OK:
		break;
	}
	am_pf_set(c02, AM_PF_PASS, "%s accepts connections", where);
	if (am_db_connect(&pf->db, &pf->conn, &fail)) {
		am_pf_set(c03, fail == AM_DB_FAIL_RETRY ? AM_PF_RETRY
			  : fail == AM_DB_FAIL_CONFIG ? AM_PF_CONFIG : AM_PF_FAIL,
			  "cannot connect: %s", am_error_last());
		am_pf_action(c03, fail == AM_DB_FAIL_RETRY
			     ? "the server is busy or starting; the preflight tries again"
			     : "check the user, password, database name and TLS settings in %s",
			     pf->conn_source);
		goto out;
	}
	if (identify(pf)) {
		const char *st = am_db_sqlstate(pf->db);

		am_pf_set(c03, !am_db_ok(pf->db) || !strcmp(st, "57014") ||
			  !strncmp(st, "53", 2) ? AM_PF_RETRY : AM_PF_FAIL,
			  "connected, but the first query failed: %s",
			  am_error_last());
		am_pf_action(c03, "check the role's privileges and settings");
		am_db_free(pf->db);
		pf->db = NULL;
		goto out;
	}
	am_pf_set(c03, AM_PF_PASS, "connected to database \"%s\" as \"%s\"",
		  pf->database, pf->user);
	c03->evidence = json_pack("{s:s, s:s, s:s, s:s, s:s?}", "host",
				  am_db_host(pf->db), "port", am_db_port(pf->db),
				  "database", pf->database, "user", pf->user,
				  "schema", pf->current_schema);
out:
	free(where);
	return pf->identified && pf->db;
}

/* History, pending list and targets: once per run, retried if it fails. */
static void prepare(struct am_pf *pf)
{
	if (pf->prepared)
		return;
	if (am_pf_history_load(pf))
		return;
	if (!pf->collected) {
		am_pf_targets_collect(pf);
		pf->collected = true;
	}
	if (am_pf_targets_resolve(pf)) {
		free(pf->hist.error);
		pf->hist.error = xasprintf("cannot look up the target tables: %s",
					   am_error_last());
		pf->hist.error_retry = am_pf_retryable_error(pf);
		return;
	}
	pf->prepared = true;
}

static void run_checks(struct am_pf *pf, bool all)
{
	struct am_pf_result *r;
	size_t i;

	for (i = 0; i < am_pf_nchecks; i++) {
		if (!am_pf_checks[i].run)
			continue;
		r = &pf->res[i];
		if (!all && r->status != AM_PF_RETRY)
			continue;
		am_pf_result_clear(r);
		am_pf_checks[i].run(pf, r);
		if (!r->message)
			AM_BUG("check %s set no result", am_pf_checks[i].id);
	}
}

/* The first retryable result, for progress lines. */
static const char *retry_reason(struct am_pf *pf, const char **id)
{
	size_t i;

	for (i = 0; i < am_pf_nchecks; i++) {
		if (pf->res[i].status == AM_PF_RETRY) {
			*id = am_pf_checks[i].id;
			return pf->res[i].message;
		}
	}
	*id = "";
	return "";
}

static void stamp(struct am_pf *pf)
{
	static const char create[] =
		"CREATE TABLE IF NOT EXISTS schema_deployment_log ("
		" id bigserial PRIMARY KEY,"
		" app_version text NOT NULL,"
		" migration_version text,"
		" deployed_at timestamptz NOT NULL DEFAULT now(),"
		" deployed_by text NOT NULL DEFAULT current_user)";
	static const char insert[] =
		"INSERT INTO schema_deployment_log "
		"(app_version, migration_version, deployed_by) "
		"VALUES ($1, $2, coalesce($3, current_user)) "
		"RETURNING id, deployed_by";
	struct am_pf_result *r = res(pf, "D01");
	struct am_db_res *ins = NULL;
	const char *params[3];
	size_t i;

	am_pf_result_clear(r);
	for (i = pf->nmigs; i > 0; i--) {
		if (pf->migs[i - 1].pending && pf->migs[i - 1].version) {
			pf->stamp_version = xstrdup(pf->migs[i - 1].version);
			break;
		}
	}
	if (!pf->stamp_version && pf->hist.current && *pf->hist.current)
		pf->stamp_version = xstrdup(pf->hist.current);
	params[0] = pf->o->app_version;
	params[1] = pf->stamp_version;
	params[2] = pf->o->deployed_by;
	if (am_db_exec(pf->db, "BEGIN READ WRITE", 0, NULL) ||
	    am_db_exec(pf->db, create, 0, NULL) ||
	    am_db_query(pf->db, &ins, insert, 3, params) ||
	    am_db_exec(pf->db, "COMMIT", 0, NULL)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_FATAL,
				   "write schema_deployment_log");
		am_pf_action(r, "grant the migration role CREATE on its schema (or create schema_deployment_log as in the README) and INSERT on it");
		am_db_exec(pf->db, "ROLLBACK", 0, NULL);
		am_db_res_free(ins);
		return;
	}
	pf->stamped = true;
	am_pf_set(r, AM_PF_PASS,
		  "schema_deployment_log row %s: app version %s, migration version %s",
		  am_db_get(ins, 0, 0), pf->o->app_version,
		  pf->stamp_version ? pf->stamp_version : "(none)");
	r->evidence = json_pack("{s:s?, s:s, s:s?, s:s?}", "id",
				am_db_get(ins, 0, 0), "app_version",
				pf->o->app_version, "migration_version",
				pf->stamp_version, "deployed_by",
				am_db_get(ins, 0, 1));
	am_db_res_free(ins);
}

void am_pf_run(struct am_pf *pf)
{
	struct am_pf_verdict v;
	long start = now_ms(), deadline = start + pf->o->wait_s * 1000;
	long delay = 1000, interval = pf->o->interval_s * 1000, left;
	bool all = true;
	const char *id;

	for (;;) {
		if (pf->db && !am_db_ok(pf->db)) {
			am_db_free(pf->db);
			pf->db = NULL;
			pf->identified = false;
		}
		if (!pf->db) {
			if (connect_once(pf))
				all = true;
		}
		if (pf->db) {
			/* targets known only now: every check looks again */
			if (!pf->prepared) {
				prepare(pf);
				all = all || pf->prepared;
			}
			pf->passes++;
			run_checks(pf, all);
			all = false;
		}
		am_pf_verdict(pf, &v);
		if (v.exit_code != AM_PF_EXIT_RETRY)
			break;
		left = deadline - now_ms();
		if (left <= 0 || (pf->stop && *pf->stop))
			break;
		if (!pf->db) {
			left = left < delay ? left : delay;
			delay = delay * 2 < interval ? delay * 2 : interval;
		} else {
			left = left < interval ? left : interval;
		}
		progress(pf, "%s still failing, checking again in %lds: %s",
			 (retry_reason(pf, &id), id), (left + 999) / 1000,
			 retry_reason(pf, &id));
		nap(pf, left);
		if (pf->stop && *pf->stop)
			break;
	}
	pf->elapsed_ms = now_ms() - start;
	am_pf_verdict(pf, &v);
	if (pf->o->stamp) {
		if (v.exit_code == AM_PF_EXIT_GO)
			stamp(pf);
		else
			am_pf_set(res(pf, "D01"), AM_PF_SKIP,
				  "not stamped: the verdict is %s", v.word);
	}
}
