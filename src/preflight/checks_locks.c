/* SPDX-License-Identifier: MIT */
/*
 * checks_locks.c - the checks about what would make the migration wait
 * or fail on its tables: lock queues (L01), old transactions holding
 * conflicting locks (L02), long and idle transactions (L03, L04), other
 * migrations holding their tool's advisory lock (L08), index builds
 * (L09), invalid indexes (S05), ownership (P01) and table size (R04).
 *
 * "Targets" are the tables the pending migrations touch, with the
 * strongest lock each needs (migrations.c). Without them (no
 * --migrations, or a tool whose pending list is unknown) the lock checks
 * look at the whole database and can only warn (reference/preflight.md
 * §7). Every query reads catalog views only: none takes a relation lock.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "preflight/db.h"
#include "preflight/preflight.h"
#include "util.h"

enum tmode {
	T_UNKNOWN,		/* no --migrations or no pending list */
	T_NONE_PENDING,		/* nothing to migrate */
	T_NONE_EXIST,		/* pending migrations only create tables */
	T_KNOWN,
};

static enum tmode target_mode(const struct am_pf *pf)
{
	size_t i;
	bool pending = false;

	if (!pf->o->migrations || pf->migs_error || !pf->hist.loaded ||
	    pf->o->tool == AM_PF_TOOL_NONE ||
	    pf->o->tool == AM_PF_TOOL_LIQUIBASE)
		return T_UNKNOWN;
	for (i = 0; i < pf->nmigs; i++)
		if (pf->migs[i].pending)
			pending = true;
	if (!pending)
		return T_NONE_PENDING;
	for (i = 0; i < pf->ntargets; i++)
		if (pf->targets[i].oid)
			return T_KNOWN;
	return T_NONE_EXIST;
}

static const struct am_pf_target *target_by_oid(const struct am_pf *pf,
						const char *oid)
{
	size_t i;

	for (i = 0; oid && i < pf->ntargets; i++)
		if (pf->targets[i].oid && !strcmp(pf->targets[i].oid, oid))
			return &pf->targets[i];
	return NULL;
}

static enum am_lockmode wanted_lock(const struct am_pf_target *t)
{
	return t && t->lock != AM_LOCK_NONE ? t->lock
					       : AM_LOCK_ACCESS_EXCLUSIVE;
}

/* Sets a skip/pass result for target modes that have nothing to check. */
static bool no_targets(const struct am_pf *pf, struct am_pf_result *r,
		       enum tmode m)
{
	(void)pf;
	if (m == T_NONE_PENDING) {
		am_pf_set(r, AM_PF_SKIP, "no pending migrations");
		return true;
	}
	if (m == T_NONE_EXIST) {
		am_pf_set(r, AM_PF_PASS,
			  "the pending migrations touch no existing table");
		return true;
	}
	return false;
}

/*
 * The start of L01 and L02: they read pg_locks for sessions past limit_s,
 * on the target tables when those are known, else on every table. Sets
 * the result and returns false when there is nothing to read or the query
 * fails; else *res holds the rows.
 */
static bool query_locks(struct am_pf *pf, struct am_pf_result *r,
			enum tmode m, const char *sql, long limit_s,
			struct am_db_res **res)
{
	const char *params[2];
	char *lim;
	int err;

	if (no_targets(pf, r, m))
		return false;
	lim = xasprintf("%ld", limit_s);
	params[0] = m == T_KNOWN ? pf->target_oids : NULL;
	params[1] = lim;
	err = am_db_query(pf->db, res, sql, 2, params);
	free(lim);
	if (err) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_RETRY, "read pg_locks");
		return false;
	}
	return true;
}

/*
 * The start of P01 and R04, which look at the target tables themselves:
 * sets the result and returns false when there are none (or they are
 * unknown) or the query fails, reported as what with class cls; else
 * runs sql with the targets' oids as $1 and *res holds the rows.
 */
static bool query_targets(struct am_pf *pf, struct am_pf_result *r,
			  const char *sql, enum am_pf_class cls,
			  const char *what, struct am_db_res **res)
{
	enum tmode m = target_mode(pf);
	const char *params[1];

	if (m == T_UNKNOWN) {
		am_pf_set(r, AM_PF_SKIP, "target tables unknown (no --migrations)");
		return false;
	}
	if (no_targets(pf, r, m))
		return false;
	params[0] = pf->target_oids;
	if (am_db_query(pf->db, res, sql, 1, params)) {
		am_pf_query_failed(pf, r, cls, what);
		return false;
	}
	return true;
}

static const char *str(const char *s)
{
	return s ? s : "";
}

/*
 * Without pg_read_all_stats a role sees other roles' sessions with NULL
 * state and "<insufficient privilege>" as query: say so, do not guess.
 */
static char *session_text(const struct am_db_res *res, int i, int app,
			  int state, int age, const char *age_word)
{
	char *a = am_pf_age(am_db_getll(res, i, age, 0));
	const char *st = am_db_get(res, i, state);
	char *s;

	s = xasprintf("app \"%s\", %s, %s %s", str(am_db_get(res, i, app)),
		      st ? st : "state hidden", age_word, a);
	free(a);
	return s;
}

static char *query_text(const struct am_db_res *res, int i, int col)
{
	const char *q = am_db_get(res, i, col);

	if (!q || !strcmp(q, "<insufficient privilege>"))
		return xstrdup("query hidden (GRANT pg_read_all_stats to the migration role to see it)");
	return am_pf_short_query(q, 200);
}

static const char *more(size_t n, char *buf, size_t size)
{
	if (n <= 1)
		return "";
	snprintf(buf, size, " (and %zu more)", n - 1);
	return buf;
}

int am_pf_check_l01(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql_fmt[] =
		"SELECT format('%%I.%%I', n.nspname, c.relname), l.mode, l.pid, "
		"a.application_name, a.state, "
		"extract(epoch FROM now() - coalesce(%s, a.query_start))::bigint, "
		"left(a.query, 300), l.relation "
		"FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
		"JOIN pg_namespace n ON n.oid = c.relnamespace "
		"JOIN pg_stat_activity a ON a.pid = l.pid "
		"WHERE l.locktype = 'relation' AND NOT l.granted "
		"AND ($1::oid[] IS NULL OR l.relation = ANY($1::oid[])) "
		"AND l.database = (SELECT oid FROM pg_database "
		"  WHERE datname = current_database()) "
		"AND l.pid <> pg_backend_pid() "
		"AND now() - coalesce(%s, a.query_start) > "
		"  make_interval(secs => $2::float8) "
		"ORDER BY 6 DESC";
	enum tmode m = target_mode(pf);
	const char *ws = pf->server_version_num >= 140000 ? "l.waitstart"
							  : "NULL::timestamptz";
	struct am_db_res *res = NULL;
	char *sql, *who, *q, buf[48];
	json_t *rows;
	int i;

	sql = xasprintf(sql_fmt, ws, ws);
	if (!query_locks(pf, r, m, sql, pf->o->lim.lock_wait_s, &res))
		goto out;
	rows = json_array();
	for (i = 0; i < res->nrows; i++)
		json_array_append_new(rows,
			json_pack("{s:s?, s:s?, s:I, s:s?, s:I, s:s?}", "table",
				  am_db_get(res, i, 0), "mode",
				  am_db_get(res, i, 1), "pid",
				  (json_int_t)am_db_getll(res, i, 2, 0),
				  "application_name", am_db_get(res, i, 3),
				  "waiting_s", (json_int_t)am_db_getll(res, i, 5, 0),
				  "query", am_db_get(res, i, 6)));
	r->evidence = json_pack("{s:o, s:I}", "waiters", rows, "threshold_s",
				(json_int_t)pf->o->lim.lock_wait_s);
	if (res->nrows == 0) {
		am_pf_set(r, AM_PF_PASS, m == T_KNOWN
			  ? "no session is waiting for a lock on a target table"
			  : "no session waits long for a table lock");
		goto out;
	}
	who = session_text(res, 0, 3, 4, 5, "waiting");
	q = query_text(res, 0, 6);
	am_pf_set(r, m == T_KNOWN ? AM_PF_RETRY : AM_PF_WARN,
		  "a lock queue on \"%s\": pid %s waits for %s (%s)%s: %s",
		  str(am_db_get(res, 0, 0)), str(am_db_get(res, 0, 2)),
		  str(am_db_get(res, 0, 1)), who,
		  more((size_t)res->nrows, buf, sizeof(buf)), q);
	am_pf_action(r, "wait for the queue to drain; find its head with pg_blocking_pids(%s)",
		     str(am_db_get(res, 0, 2)));
	free(who);
	free(q);
out:
	am_db_res_free(res);
	free(sql);
	return 0;
}

int am_pf_check_l02(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"SELECT format('%I.%I', n.nspname, c.relname), l.mode, l.pid, "
		"a.application_name, host(a.client_addr), a.state, "
		"extract(epoch FROM now() - a.xact_start)::bigint, "
		"left(a.query, 300), l.relation "
		"FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
		"JOIN pg_namespace n ON n.oid = c.relnamespace "
		"JOIN pg_stat_activity a ON a.pid = l.pid "
		"WHERE l.locktype = 'relation' AND l.granted "
		"AND c.relkind IN ('r', 'p', 'm') "
		"AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
		"AND ($1::oid[] IS NULL OR l.relation = ANY($1::oid[])) "
		"AND l.database = (SELECT oid FROM pg_database "
		"  WHERE datname = current_database()) "
		"AND l.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL "
		"AND now() - a.xact_start > make_interval(secs => $2::float8) "
		"ORDER BY a.xact_start, l.pid";
	enum tmode m = target_mode(pf);
	struct am_db_res *res = NULL;
	const struct am_pf_target *t;
	char *who, *q, *needs, buf[48];
	json_t *rows;
	int i, first = -1;
	size_t n = 0;

	if (!query_locks(pf, r, m, sql, pf->o->lim.xact_age_s, &res))
		return 0;
	rows = json_array();
	for (i = 0; i < res->nrows; i++) {
		t = target_by_oid(pf, am_db_get(res, i, 8));
		/* only locks that block what the migration asks for */
		if (m == T_KNOWN &&
		    !am_pf_lock_conflicts(am_pf_lock_parse(am_db_get(res, i, 1)),
					  wanted_lock(t)))
			continue;
		if (first < 0)
			first = i;
		n++;
		json_array_append_new(rows,
			json_pack("{s:s?, s:s?, s:I, s:s?, s:s?, s:s?, s:I, s:s?}",
				  "table", am_db_get(res, i, 0), "mode",
				  am_db_get(res, i, 1), "pid",
				  (json_int_t)am_db_getll(res, i, 2, 0),
				  "application_name", am_db_get(res, i, 3),
				  "client_addr", am_db_get(res, i, 4), "state",
				  am_db_get(res, i, 5), "xact_age_s",
				  (json_int_t)am_db_getll(res, i, 6, 0), "query",
				  am_db_get(res, i, 7)));
	}
	r->evidence = json_pack("{s:o, s:I}", "holders", rows, "threshold_s",
				(json_int_t)pf->o->lim.xact_age_s);
	if (first < 0) {
		am_pf_set(r, AM_PF_PASS, m == T_KNOWN
			  ? "no transaction older than %lds holds a conflicting lock on a target table"
			  : "no transaction older than %lds holds a table lock",
			  pf->o->lim.xact_age_s);
		goto out;
	}
	t = target_by_oid(pf, am_db_get(res, first, 8));
	who = session_text(res, first, 3, 5, 6, "transaction open");
	q = query_text(res, first, 7);
	needs = t ? xasprintf(", which blocks the %s that %s needs",
			      am_pf_lock_name(wanted_lock(t)), t->first_script)
		  : xstrdup("");
	am_pf_set(r, m == T_KNOWN ? AM_PF_RETRY : AM_PF_WARN,
		  "\"%s\" is locked by pid %s (%s) holding %s%s%s: %s",
		  str(am_db_get(res, first, 0)), str(am_db_get(res, first, 2)),
		  who, str(am_db_get(res, first, 1)), needs,
		  more(n, buf, sizeof(buf)), q);
	am_pf_action(r, "wait for it to finish, or end it with SELECT pg_terminate_backend(%s)",
		     str(am_db_get(res, first, 2)));
	free(who);
	free(q);
	free(needs);
out:
	am_db_res_free(res);
	return 0;
}

/* L03 and L04: sessions by transaction age or idle time (warnings). */
static int old_sessions(struct am_pf *pf, struct am_pf_result *r,
			bool idle, long threshold)
{
	static const char sql_long[] =
		"SELECT pid, usename, application_name, host(client_addr), state, "
		"extract(epoch FROM now() - xact_start)::bigint, left(query, 300) "
		"FROM pg_stat_activity WHERE xact_start IS NOT NULL "
		"AND pid <> pg_backend_pid() AND datname = current_database() "
		"AND backend_type = 'client backend' "
		"AND now() - xact_start > make_interval(secs => $1::float8) "
		"ORDER BY xact_start, pid";
	static const char sql_idle[] =
		"SELECT pid, usename, application_name, host(client_addr), state, "
		"extract(epoch FROM now() - state_change)::bigint, left(query, 300) "
		"FROM pg_stat_activity "
		"WHERE state IN ('idle in transaction', "
		"  'idle in transaction (aborted)') "
		"AND pid <> pg_backend_pid() AND datname = current_database() "
		"AND now() - state_change > make_interval(secs => $1::float8) "
		"ORDER BY state_change, pid";
	struct am_db_res *res = NULL;
	const char *params[1];
	char *lim, *who, *q, buf[48];
	json_t *rows;
	int i;

	lim = xasprintf("%ld", threshold);
	params[0] = lim;
	if (am_db_query(pf->db, &res, idle ? sql_idle : sql_long, 1, params)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_WARN,
				   "read pg_stat_activity");
		free(lim);
		return 0;
	}
	rows = json_array();
	for (i = 0; i < res->nrows; i++)
		json_array_append_new(rows,
			json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:I, s:s?}", "pid",
				  (json_int_t)am_db_getll(res, i, 0, 0), "user",
				  am_db_get(res, i, 1), "application_name",
				  am_db_get(res, i, 2), "client_addr",
				  am_db_get(res, i, 3), "state",
				  am_db_get(res, i, 4),
				  idle ? "idle_s" : "xact_age_s",
				  (json_int_t)am_db_getll(res, i, 5, 0), "query",
				  am_db_get(res, i, 6)));
	r->evidence = json_pack("{s:o, s:I}", "sessions", rows, "threshold_s",
				(json_int_t)threshold);
	if (res->nrows == 0) {
		am_pf_set(r, AM_PF_PASS, idle
			  ? "no session idle in transaction for more than %lds"
			  : "no transaction open for more than %lds",
			  threshold);
	} else {
		who = session_text(res, 0, 2, 4, 5,
				   idle ? "idle for" : "transaction open");
		q = query_text(res, 0, 6);
		am_pf_set(r, AM_PF_WARN, "pid %s (%s)%s: %s",
			  str(am_db_get(res, 0, 0)), who,
			  more((size_t)res->nrows, buf, sizeof(buf)), q);
		am_pf_action(r, idle
			     ? "fix the client that leaves transactions open; set idle_in_transaction_session_timeout"
			     : "old transactions stall CREATE INDEX CONCURRENTLY and are the usual head of a lock queue; let them finish first");
		free(who);
		free(q);
	}
	am_db_res_free(res);
	free(lim);
	return 0;
}

int am_pf_check_l03(struct am_pf *pf, struct am_pf_result *r)
{
	return old_sessions(pf, r, false, pf->o->lim.long_xact_s);
}

int am_pf_check_l04(struct am_pf *pf, struct am_pf_result *r)
{
	return old_sessions(pf, r, true, pf->o->lim.idle_xact_s);
}

struct lock_key {
	long long key;
	const char *tool;
	char *what;
};

int am_pf_check_l08(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"SELECT ((l.classid::bigint << 32) | l.objid::bigint)::text, "
		"l.pid, l.granted, a.application_name, host(a.client_addr), "
		"a.state, extract(epoch FROM now() - a.backend_start)::bigint, "
		"left(a.query, 300) "
		"FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
		"WHERE l.locktype = 'advisory' AND l.objsubid = 1 "
		"AND l.database = (SELECT oid FROM pg_database "
		"  WHERE datname = current_database()) "
		"AND ((l.classid::bigint << 32) | l.objid::bigint) = ANY($1::bigint[]) "
		"AND l.pid IS DISTINCT FROM pg_backend_pid() "
		"ORDER BY l.granted DESC, l.pid";
	const char *schema = pf->current_schema ? pf->current_schema : "public";
	const char *fs = schema, *ft = "flyway_schema_history";
	const char *ms = schema, *mt = "schema_migrations";
	struct lock_key keys[3];
	struct am_buf arr = AM_BUF_INIT;
	struct am_db_res *res = NULL;
	const char *params[1], *tool = "", *what = "";
	char *who, *q, buf[48];
	json_t *rows;
	size_t k;
	int i, held = 0, first = -1;

	if (pf->o->tool == AM_PF_TOOL_FLYWAY) {
		fs = pf->hist.schema;
		ft = pf->hist.table;
	} else if (pf->o->tool == AM_PF_TOOL_MIGRATE) {
		ms = pf->hist.schema;
		mt = pf->hist.table;
	}
	keys[0].key = am_pf_flyway_lock_key(fs, ft);
	keys[0].tool = "flyway";
	keys[0].what = xasprintf("\"%s\".\"%s\"", fs, ft);
	keys[1].key = am_pf_migrate_lock_key(ms, mt, pf->database);
	keys[1].tool = "golang-migrate";
	keys[1].what = xasprintf("%s.%s", ms, mt);
	keys[2].key = am_pf_migrate_lock_key(ms, NULL, pf->database);
	keys[2].tool = "golang-migrate (before v4.15)";
	keys[2].what = xasprintf("%s", ms);
	am_buf_addf(&arr, "{%lld,%lld,%lld}", keys[0].key, keys[1].key,
		    keys[2].key);
	params[0] = arr.buf;
	if (am_db_query(pf->db, &res, sql, 1, params)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_RETRY,
				   "read advisory locks");
		goto out;
	}
	rows = json_array();
	for (i = 0; i < res->nrows; i++) {
		const char *t = "";

		for (k = 0; k < AM_ARRAY_SIZE(keys); k++) {
			char kb[32];

			snprintf(kb, sizeof(kb), "%lld", keys[k].key);
			if (!strcmp(kb, str(am_db_get(res, i, 0)))) {
				t = keys[k].tool;
				if (first < 0 && am_db_getb(res, i, 2)) {
					tool = keys[k].tool;
					what = keys[k].what;
				}
			}
		}
		if (am_db_getb(res, i, 2)) {
			held++;
			if (first < 0)
				first = i;
		}
		json_array_append_new(rows,
			json_pack("{s:s, s:s?, s:I, s:b, s:s?, s:s?, s:s?, s:s?}",
				  "tool", t, "key", am_db_get(res, i, 0), "pid",
				  (json_int_t)am_db_getll(res, i, 1, 0), "granted",
				  am_db_getb(res, i, 2), "application_name",
				  am_db_get(res, i, 3), "client_addr",
				  am_db_get(res, i, 4), "state",
				  am_db_get(res, i, 5), "query",
				  am_db_get(res, i, 7)));
	}
	r->evidence = json_pack("{s:o, s:[I,I,I]}", "locks", rows, "keys",
				(json_int_t)keys[0].key, (json_int_t)keys[1].key,
				(json_int_t)keys[2].key);
	if (first < 0) {
		am_pf_set(r, AM_PF_PASS,
			  "no session holds the flyway or golang-migrate advisory lock");
		goto out;
	}
	who = session_text(res, first, 3, 5, 6, "connected for");
	q = query_text(res, first, 7);
	am_pf_set(r, AM_PF_RETRY,
		  "a %s migration is running: pid %s holds its advisory lock %s for %s (%s)%s: %s",
		  tool, str(am_db_get(res, first, 1)),
		  str(am_db_get(res, first, 0)), what, who,
		  more((size_t)held, buf, sizeof(buf)), q);
	am_pf_action(r, "wait for that migration to finish; if none should be running, look at pid %s",
		     str(am_db_get(res, first, 1)));
	free(who);
	free(q);
out:
	for (k = 0; k < AM_ARRAY_SIZE(keys); k++)
		free(keys[k].what);
	am_buf_release(&arr);
	am_db_res_free(res);
	return 0;
}

int am_pf_check_l09(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"SELECT p.pid, format('%I.%I', n.nspname, c.relname), "
		"p.relid::text, coalesce(ic.relname, ''), p.command, p.phase, "
		"extract(epoch FROM now() - a.xact_start)::bigint "
		"FROM pg_stat_progress_create_index p "
		"JOIN pg_class c ON c.oid = p.relid "
		"JOIN pg_namespace n ON n.oid = c.relnamespace "
		"LEFT JOIN pg_class ic ON ic.oid = p.index_relid "
		"LEFT JOIN pg_stat_activity a ON a.pid = p.pid "
		"WHERE p.datid = (SELECT oid FROM pg_database "
		"  WHERE datname = current_database()) "
		"ORDER BY p.pid";
	struct am_db_res *res = NULL;
	json_t *rows;
	char *age;
	int i, hit = -1;

	if (am_db_query(pf->db, &res, sql, 0, NULL)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_RETRY,
				   "read pg_stat_progress_create_index");
		return 0;
	}
	rows = json_array();
	for (i = 0; i < res->nrows; i++) {
		if (hit < 0 && target_by_oid(pf, am_db_get(res, i, 2)))
			hit = i;
		json_array_append_new(rows,
			json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:I}", "pid",
				  (json_int_t)am_db_getll(res, i, 0, 0), "table",
				  am_db_get(res, i, 1), "index",
				  am_db_get(res, i, 3), "command",
				  am_db_get(res, i, 4), "phase",
				  am_db_get(res, i, 5), "running_s",
				  (json_int_t)am_db_getll(res, i, 6, 0)));
	}
	r->evidence = json_pack("{s:o}", "builds", rows);
	if (res->nrows == 0) {
		am_pf_set(r, AM_PF_PASS, "no index is being built");
	} else {
		i = hit >= 0 ? hit : 0;
		age = am_pf_age(am_db_getll(res, i, 6, 0));
		am_pf_set(r, hit >= 0 ? AM_PF_RETRY : AM_PF_WARN,
			  "pid %s runs %s on \"%s\" (%s, for %s)",
			  str(am_db_get(res, i, 0)), str(am_db_get(res, i, 4)),
			  str(am_db_get(res, i, 1)), str(am_db_get(res, i, 5)),
			  age);
		am_pf_action(r, hit >= 0
			     ? "wait for the index build to finish; only one runs per table at a time"
			     : "an index build elsewhere makes CREATE INDEX CONCURRENTLY wait; let it finish first");
		free(age);
	}
	am_db_res_free(res);
	return 0;
}

int am_pf_check_s05(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"SELECT format('%I.%I', n.nspname, ic.relname), "
		"format('%I.%I', tn.nspname, tc.relname), i.indrelid::text, "
		"i.indisvalid, i.indisready "
		"FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
		"JOIN pg_namespace n ON n.oid = ic.relnamespace "
		"JOIN pg_class tc ON tc.oid = i.indrelid "
		"JOIN pg_namespace tn ON tn.oid = tc.relnamespace "
		"WHERE (NOT i.indisvalid OR NOT i.indisready) "
		"AND ic.relkind <> 'I' "
		"AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p "
		"  WHERE p.index_relid = i.indexrelid OR p.relid = i.indrelid) "
		"ORDER BY 2, 1";
	enum tmode m = target_mode(pf);
	struct am_db_res *res = NULL;
	json_t *rows;
	char buf[48];
	int i, hit = -1;
	size_t nhit = 0;

	if (am_db_query(pf->db, &res, sql, 0, NULL)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_FATAL, "read pg_index");
		return 0;
	}
	rows = json_array();
	for (i = 0; i < res->nrows; i++) {
		bool on_target = target_by_oid(pf, am_db_get(res, i, 2)) != NULL;

		if (on_target) {
			nhit++;
			if (hit < 0)
				hit = i;
		}
		json_array_append_new(rows,
			json_pack("{s:s?, s:s?, s:b, s:b, s:b}", "index",
				  am_db_get(res, i, 0), "table",
				  am_db_get(res, i, 1), "target", on_target,
				  "valid", am_db_getb(res, i, 3), "ready",
				  am_db_getb(res, i, 4)));
	}
	r->evidence = json_pack("{s:o}", "invalid_indexes", rows);
	if (res->nrows == 0) {
		am_pf_set(r, AM_PF_PASS, "no invalid indexes");
	} else if (hit >= 0) {
		am_pf_set(r, AM_PF_FAIL,
			  "invalid index \"%s\" on target table \"%s\"%s, left by a failed CREATE INDEX CONCURRENTLY",
			  str(am_db_get(res, hit, 0)), str(am_db_get(res, hit, 1)),
			  more(nhit, buf, sizeof(buf)));
		am_pf_action(r, "DROP INDEX CONCURRENTLY %s; then migrate (CREATE INDEX ... IF NOT EXISTS would skip the broken index)",
			     str(am_db_get(res, hit, 0)));
	} else {
		am_pf_set(r, AM_PF_WARN,
			  "invalid index \"%s\" on \"%s\"%s%s",
			  str(am_db_get(res, 0, 0)), str(am_db_get(res, 0, 1)),
			  more((size_t)res->nrows, buf, sizeof(buf)),
			  m == T_KNOWN ? " (not a target table)" : "");
		am_pf_action(r, "drop it with DROP INDEX CONCURRENTLY and build it again");
	}
	am_db_res_free(res);
	return 0;
}

int am_pf_check_p01(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"SELECT t.oid::text, format('%I.%I', n.nspname, c.relname), "
		"pg_get_userbyid(c.relowner), "
		"pg_has_role(current_user, c.relowner, 'USAGE') "
		"FROM unnest($1::oid[]) AS t(oid) JOIN pg_class c ON c.oid = t.oid "
		"JOIN pg_namespace n ON n.oid = c.relnamespace ORDER BY 2";
	struct am_db_res *res = NULL;
	const struct am_pf_target *t;
	json_t *rows;
	int i, bad = -1, checked = 0;

	if (!query_targets(pf, r, sql, AM_PF_CLASS_FATAL, "read table owners",
			   &res))
		return 0;
	rows = json_array();
	for (i = 0; i < res->nrows; i++) {
		t = target_by_oid(pf, am_db_get(res, i, 0));
		/* DML needs privileges, not ownership; DDL needs ownership */
		if (wanted_lock(t) < AM_LOCK_SHARE_UPDATE_EXCLUSIVE)
			continue;
		checked++;
		if (bad < 0 && !am_db_getb(res, i, 3))
			bad = i;
		json_array_append_new(rows,
			json_pack("{s:s?, s:s?, s:b}", "table", am_db_get(res, i, 1),
				  "owner", am_db_get(res, i, 2), "acts_as_owner",
				  am_db_getb(res, i, 3)));
	}
	r->evidence = json_pack("{s:s, s:o}", "role", pf->user, "tables", rows);
	if (bad >= 0) {
		t = target_by_oid(pf, am_db_get(res, bad, 0));
		am_pf_set(r, AM_PF_FAIL,
			  "role \"%s\" cannot alter \"%s\": it is owned by \"%s\" and %s needs ownership",
			  pf->user, str(am_db_get(res, bad, 1)),
			  str(am_db_get(res, bad, 2)),
			  t ? t->first_script : "the migration");
		am_pf_action(r, "GRANT \"%s\" TO \"%s\", or ALTER TABLE %s OWNER TO \"%s\"",
			     str(am_db_get(res, bad, 2)), pf->user,
			     str(am_db_get(res, bad, 1)), pf->user);
	} else {
		am_pf_set(r, AM_PF_PASS,
			  "role \"%s\" owns (or is a member of the owner of) the %d table(s) the migrations alter",
			  pf->user, checked);
	}
	am_db_res_free(res);
	return 0;
}

int am_pf_check_r04(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql[] =
		"WITH RECURSIVE tree(root, relid) AS ("
		"  SELECT t.oid, t.oid FROM unnest($1::oid[]) AS t(oid) "
		"  UNION ALL SELECT tree.root, i.inhrelid FROM pg_inherits i "
		"  JOIN tree ON i.inhparent = tree.relid) "
		"SELECT tree.root::text, "
		"(SELECT format('%I.%I', n.nspname, rc.relname) FROM pg_class rc "
		"  JOIN pg_namespace n ON n.oid = rc.relnamespace "
		"  WHERE rc.oid = tree.root), "
		"sum(greatest(c.reltuples, 0))::bigint, "
		"sum(c.relpages::bigint) * current_setting('block_size')::bigint "
		"FROM tree JOIN pg_class c ON c.oid = tree.relid "
		"GROUP BY tree.root ORDER BY 2";
	const struct am_pf_limits *lim = &pf->o->lim;
	struct am_db_res *res = NULL;
	const struct am_pf_target *t;
	long long rows_n, bytes;
	json_t *rows;
	int i, big = -1;

	if (!query_targets(pf, r, sql, AM_PF_CLASS_WARN, "read table sizes",
			   &res))
		return 0;
	rows = json_array();
	for (i = 0; i < res->nrows; i++) {
		t = target_by_oid(pf, am_db_get(res, i, 0));
		rows_n = am_db_getll(res, i, 2, 0);
		bytes = am_db_getll(res, i, 3, 0);
		json_array_append_new(rows,
			json_pack("{s:s?, s:I, s:I, s:s}", "table",
				  am_db_get(res, i, 1), "est_rows",
				  (json_int_t)rows_n, "est_bytes",
				  (json_int_t)bytes, "lock",
				  am_pf_lock_name(wanted_lock(t))));
		/* only statements whose lock time grows with the table */
		if (big < 0 && t && t->risky &&
		    (rows_n > lim->large_rows || bytes > lim->large_bytes))
			big = i;
	}
	r->evidence = json_pack("{s:o, s:I, s:I}", "tables", rows,
				"max_rows", (json_int_t)lim->large_rows,
				"max_bytes", (json_int_t)lim->large_bytes);
	if (big >= 0) {
		t = target_by_oid(pf, am_db_get(res, big, 0));
		am_pf_set(r, AM_PF_WARN,
			  "\"%s\" holds about %lld rows (%lld bytes) and %s holds %s on it for a time that grows with the table",
			  str(am_db_get(res, big, 1)), am_db_getll(res, big, 2, 0),
			  am_db_getll(res, big, 3, 0), t->risky_script,
			  am_pf_lock_name(t->risky_lock));
		am_pf_action(r, "make sure the statement neither rewrites nor scans the table under that lock (CONCURRENTLY, NOT VALID + VALIDATE)");
	} else {
		am_pf_set(r, AM_PF_PASS,
			  "no rewrite, scan or index build on a table above %lld rows or %lld bytes",
			  lim->large_rows, lim->large_bytes);
	}
	am_db_res_free(res);
	return 0;
}
