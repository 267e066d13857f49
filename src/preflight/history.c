/* SPDX-License-Identifier: MIT */
/*
 * history.c - the migration tools' own bookkeeping: reading
 * flyway_schema_history or golang-migrate's schema_migrations, deciding
 * which local migrations are pending, and the checks on that state:
 * golang-migrate's dirty flag (S01), Flyway's failed rows (S02), a stale
 * Liquibase lock (S03), checksum drift of applied files (S07) and
 * history rows without files or files out of order (S08). Also the
 * tools' advisory-lock keys (reference/preflight.md §5, sql.md §5-6).
 *
 * Table names reach SQL only as quoted identifiers; values only as
 * parameters.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "err.h"
#include "flyway.h"
#include "preflight/db.h"
#include "preflight/preflight.h"
#include "util.h"

/* Java String.hashCode over the UTF-16 code units of a UTF-8 string. */
static int32_t java_hash(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t h = 0, cp;
	int n;

	while (*p) {
		if (*p < 0x80) {
			cp = *p++;
			n = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p++ & 0x1f;
			n = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p++ & 0x0f;
			n = 2;
		} else {
			cp = *p++ & 0x07;
			n = 3;
		}
		while (n-- > 0 && (*p & 0xc0) == 0x80)
			cp = (cp << 6) | (*p++ & 0x3f);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			h = 31 * h + (0xd800 + (cp >> 10));
			h = 31 * h + (0xdc00 + (cp & 0x3ff));
		} else {
			h = 31 * h + cp;
		}
	}
	return (int32_t)h;
}

long long am_pf_flyway_lock_key(const char *schema, const char *table)
{
	/* PostgreSQLAdvisoryLockTemplate: "Flyway" + hash of "schema"."table" */
	const long long magic = 0x466C79776179LL;
	char *name = xasprintf("\"%s\".\"%s\"", schema, table);
	long long key = magic + java_hash(name);

	free(name);
	return key;
}

long long am_pf_migrate_lock_key(const char *schema, const char *table,
				 const char *dbname)
{
	/* database/util.go GenerateAdvisoryLockId: names joined by NUL */
	struct am_buf b = AM_BUF_INIT;
	uint32_t sum;

	am_buf_adds(&b, schema);
	am_buf_addch(&b, '\0');
	if (table) {
		am_buf_adds(&b, table);
		am_buf_addch(&b, '\0');
	}
	am_buf_adds(&b, dbname);
	sum = (uint32_t)crc32(0L, (const Bytef *)b.buf, (uInt)b.len);
	am_buf_release(&b);
	return (long long)(uint32_t)(sum * 1486364155u);
}

static void fwrow_release(struct am_pf_fwrow *r)
{
	free(r->version);
	free(r->description);
	free(r->type);
	free(r->script);
	free(r->installed_on);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* to_regclass of "schema"."table" without taking a lock. */
static int table_exists(struct am_pf *pf, const char *schema,
			const char *table, bool *exists)
{
	static const char sql[] =
		"SELECT to_regclass(format('%I.%I', $1::text, $2::text)) IS NOT NULL";
	const char *params[2] = { schema, table };
	struct am_db_res *res = NULL;
	int err;

	err = am_db_query(pf->db, &res, sql, 2, params);
	if (err)
		return err;
	*exists = am_db_getb(res, 0, 0);
	am_db_res_free(res);
	return 0;
}

static char *qualified(const char *schema, const char *table)
{
	char *s = am_db_quote_ident(schema), *t = am_db_quote_ident(table);
	char *q = xasprintf("%s.%s", s, t);

	free(s);
	free(t);
	return q;
}

static int load_flyway(struct am_pf *pf)
{
	struct am_pf_history *h = &pf->hist;
	struct am_db_res *res = NULL;
	struct am_pf_fwrow *r;
	char *q, *sql;
	int i, err;

	q = qualified(h->schema, h->table);
	sql = xasprintf("SELECT installed_rank, version, description, type, "
			"script, checksum, success, "
			"to_char(installed_on, 'YYYY-MM-DD HH24:MI:SS') "
			"FROM %s ORDER BY installed_rank", q);
	err = am_db_query(pf->db, &res, sql, 0, NULL);
	free(sql);
	free(q);
	if (err)
		return err;
	for (i = 0; i < res->nrows; i++) {
		AM_GROW(h->rows, h->alloc, h->nrows + 1);
		r = &h->rows[h->nrows++];
		memset(r, 0, sizeof(*r));
		r->rank = am_db_getll(res, i, 0, 0);
		r->version = dup_or_null(am_db_get(res, i, 1));
		r->description = xstrdup(am_db_get(res, i, 2) ? am_db_get(res, i, 2) : "");
		r->type = xstrdup(am_db_get(res, i, 3) ? am_db_get(res, i, 3) : "");
		r->script = xstrdup(am_db_get(res, i, 4) ? am_db_get(res, i, 4) : "");
		r->has_checksum = am_db_get(res, i, 5) != NULL;
		r->checksum = (int32_t)am_db_getll(res, i, 5, 0);
		r->success = am_db_getb(res, i, 6);
		r->installed_on = xstrdup(am_db_get(res, i, 7) ? am_db_get(res, i, 7) : "");
	}
	am_db_res_free(res);
	return 0;
}

static int load_migrate(struct am_pf *pf)
{
	struct am_pf_history *h = &pf->hist;
	struct am_db_res *res = NULL;
	char *q, *sql;
	int err;

	q = qualified(h->schema, h->table);
	sql = xasprintf("SELECT version, dirty FROM %s LIMIT 1", q);
	err = am_db_query(pf->db, &res, sql, 0, NULL);
	free(sql);
	free(q);
	if (err)
		return err;
	if (res->nrows == 1 && am_db_get(res, 0, 0)) {
		h->has_version = true;
		h->version = am_db_getll(res, 0, 0, -1);
		h->dirty = am_db_getb(res, 0, 1);
	}
	am_db_res_free(res);
	return 0;
}

/* Row types that stand for an applied migration with a version. */
static bool fw_applied_type(const char *type)
{
	return strcmp(type, "SCHEMA") && strcmp(type, "BASELINE") &&
	       strcmp(type, "DELETE") && strncmp(type, "UNDO_", 5);
}

/* The latest successful, not deleted row applying 'version', or NULL. */
static const struct am_pf_fwrow *fw_applied(const struct am_pf_history *h,
					    const char *version)
{
	const struct am_pf_fwrow *found = NULL;
	size_t i;

	for (i = 0; i < h->nrows; i++) {
		const struct am_pf_fwrow *r = &h->rows[i];

		if (!r->version || am_flyway_version_cmp(r->version, version))
			continue;
		if (!strcmp(r->type, "DELETE"))
			found = NULL;
		else if (r->success && fw_applied_type(r->type))
			found = r;
	}
	return found;
}

static const char *fw_baseline(const struct am_pf_history *h)
{
	const char *b = NULL;
	size_t i;

	for (i = 0; i < h->nrows; i++)
		if (h->rows[i].success && h->rows[i].version &&
		    !strcmp(h->rows[i].type, "BASELINE"))
			b = h->rows[i].version;
	return b;
}

/* Highest applied (or baseline) version; NULL when none. */
static const char *fw_current(const struct am_pf_history *h)
{
	const char *cur = NULL;
	size_t i;

	for (i = 0; i < h->nrows; i++) {
		const struct am_pf_fwrow *r = &h->rows[i];

		if (!r->version || !r->success || !strcmp(r->type, "DELETE") ||
		    !strncmp(r->type, "UNDO_", 5) || !strcmp(r->type, "SCHEMA"))
			continue;
		if (strcmp(r->type, "BASELINE") && fw_applied(h, r->version) != r)
			continue;
		if (!cur || am_flyway_version_cmp(r->version, cur) > 0)
			cur = r->version;
	}
	return cur;
}

/* A local file whose version Flyway would refuse without outOfOrder. */
static bool fw_out_of_order(const struct am_pf *pf,
			    const struct am_pf_migration *m)
{
	const char *cur = fw_current(&pf->hist), *base = fw_baseline(&pf->hist);

	if (m->kind != AM_PF_MIG_VERSIONED || !cur ||
	    fw_applied(&pf->hist, m->version))
		return false;
	if (base && am_flyway_version_cmp(m->version, base) <= 0)
		return false;
	return am_flyway_version_cmp(m->version, cur) < 0;
}

static void flyway_pending(struct am_pf *pf)
{
	struct am_pf_history *h = &pf->hist;
	const char *cur = fw_current(h), *base = fw_baseline(h);
	const struct am_pf_fwrow *last;
	size_t i, j;

	free(h->current);
	h->current = xstrdup(cur ? cur : "");
	for (i = 0; i < pf->nmigs; i++) {
		struct am_pf_migration *m = &pf->migs[i];

		if (m->kind == AM_PF_MIG_REPEATABLE) {
			last = NULL;
			for (j = 0; j < h->nrows; j++)
				if (!h->rows[j].version && h->rows[j].success &&
				    !strcmp(h->rows[j].type, "SQL") &&
				    !strcmp(h->rows[j].description, m->description))
					last = &h->rows[j];
			m->pending = !last || !last->has_checksum ||
				     last->checksum != m->checksum;
			continue;
		}
		if (fw_applied(h, m->version))
			m->pending = false;
		else if (base && am_flyway_version_cmp(m->version, base) <= 0)
			m->pending = false;
		else if (fw_out_of_order(pf, m))
			m->pending = pf->o->out_of_order;
		else
			m->pending = true;
	}
}

static void migrate_pending(struct am_pf *pf)
{
	struct am_pf_history *h = &pf->hist;
	char cur[32];
	size_t i;

	snprintf(cur, sizeof(cur), "%lld", h->version);
	free(h->current);
	h->current = xstrdup(h->has_version && h->version >= 0 ? cur : "");
	for (i = 0; i < pf->nmigs; i++)
		pf->migs[i].pending = !h->has_version || h->version < 0 ||
			am_flyway_version_cmp(pf->migs[i].version, cur) > 0;
}

int am_pf_history_load(struct am_pf *pf)
{
	struct am_pf_history *h = &pf->hist;
	const char *dflt = NULL;
	int err = 0;

	switch (pf->o->tool) {
	case AM_PF_TOOL_FLYWAY:
		dflt = "flyway_schema_history";
		break;
	case AM_PF_TOOL_MIGRATE:
		dflt = "schema_migrations";
		break;
	case AM_PF_TOOL_LIQUIBASE:
		dflt = "databasechangelog";
		break;
	case AM_PF_TOOL_NONE:
		h->loaded = true;
		return 0;
	}
	if (!h->schema)
		h->schema = xstrdup(pf->o->schema ? pf->o->schema
			    : pf->current_schema ? pf->current_schema : "public");
	if (!h->table)
		h->table = xstrdup(pf->o->table ? pf->o->table : dflt);
	free(h->error);
	h->error = NULL;
	h->error_retry = false;
	while (h->nrows)
		fwrow_release(&h->rows[--h->nrows]);
	h->has_version = h->dirty = false;
	err = table_exists(pf, h->schema, h->table, &h->exists);
	if (!err && h->exists && pf->o->tool == AM_PF_TOOL_FLYWAY)
		err = load_flyway(pf);
	else if (!err && h->exists && pf->o->tool == AM_PF_TOOL_MIGRATE)
		err = load_migrate(pf);
	if (err) {
		h->error = xasprintf("cannot read %s.%s: %s", h->schema, h->table,
				     am_error_last());
		h->error_retry = am_pf_retryable_error(pf);
		return err;
	}
	if (pf->o->tool == AM_PF_TOOL_FLYWAY)
		flyway_pending(pf);
	else if (pf->o->tool == AM_PF_TOOL_MIGRATE)
		migrate_pending(pf);
	h->loaded = true;
	return 0;
}

static void history_failed(const struct am_pf *pf, struct am_pf_result *r)
{
	if (pf->hist.error_retry) {
		am_pf_set(r, AM_PF_RETRY, "%s", pf->hist.error);
		am_pf_action(r, "the history table was busy or the connection broke; the check runs again");
		return;
	}
	am_pf_set(r, AM_PF_FAIL, "%s", pf->hist.error);
	am_pf_action(r, "grant the migration role SELECT on its history table");
}

/* Common preamble: skip other tools, report an unreadable history. */
static bool history_unusable(struct am_pf *pf, struct am_pf_result *r,
			     enum am_pf_tool tool)
{
	if (pf->o->tool != tool) {
		am_pf_set(r, AM_PF_SKIP, "not a %s project (--tool %s)",
			  am_pf_tool_name(tool), am_pf_tool_name(pf->o->tool));
		return true;
	}
	if (pf->hist.error) {
		history_failed(pf, r);
		return true;
	}
	if (!pf->hist.exists) {
		am_pf_set(r, AM_PF_PASS,
			  "no %s.%s table yet: the first migration creates it",
			  pf->hist.schema, pf->hist.table);
		return true;
	}
	return false;
}

int am_pf_check_s01(struct am_pf *pf, struct am_pf_result *r)
{
	struct am_pf_history *h = &pf->hist;

	if (history_unusable(pf, r, AM_PF_TOOL_MIGRATE))
		return 0;
	r->evidence = json_pack("{s:s, s:s, s:I, s:b}", "schema", h->schema,
				"table", h->table, "version",
				(json_int_t)(h->has_version ? h->version : -1),
				"dirty", h->dirty);
	if (!h->has_version) {
		am_pf_set(r, AM_PF_PASS, "%s.%s is empty: nothing applied yet",
			  h->schema, h->table);
	} else if (h->dirty) {
		am_pf_set(r, AM_PF_FAIL,
			  "%s.%s says version %lld is dirty: a migration failed part-way and golang-migrate refuses to run",
			  h->schema, h->table, h->version);
		am_pf_action(r, "repair the database by hand to match a version, then run 'migrate force <version>'");
	} else {
		am_pf_set(r, AM_PF_PASS, "at version %lld, not dirty", h->version);
	}
	return 0;
}

int am_pf_check_s02(struct am_pf *pf, struct am_pf_result *r)
{
	struct am_pf_history *h = &pf->hist;
	const struct am_pf_fwrow *first = NULL;
	json_t *rows;
	size_t i, n = 0;

	if (history_unusable(pf, r, AM_PF_TOOL_FLYWAY))
		return 0;
	rows = json_array();
	for (i = 0; i < h->nrows; i++) {
		if (h->rows[i].success)
			continue;
		if (!first)
			first = &h->rows[i];
		n++;
		json_array_append_new(rows,
			json_pack("{s:I, s:s?, s:s, s:s, s:s}", "installed_rank",
				  (json_int_t)h->rows[i].rank, "version",
				  h->rows[i].version, "description",
				  h->rows[i].description, "script",
				  h->rows[i].script, "installed_on",
				  h->rows[i].installed_on));
	}
	r->evidence = json_pack("{s:s, s:s, s:o}", "schema", h->schema,
				"table", h->table, "failed", rows);
	if (!first) {
		am_pf_set(r, AM_PF_PASS, "%zu rows in %s.%s, none failed",
			  h->nrows, h->schema, h->table);
		return 0;
	}
	am_pf_set(r, AM_PF_FAIL,
		  "%s.%s records a failed migration: version %s (\"%s\", %s) at %s%s; it was not transactional, so it may be half applied",
		  h->schema, h->table, first->version ? first->version : "(repeatable)",
		  first->script, first->description, first->installed_on,
		  n > 1 ? " (and more)" : "");
	am_pf_action(r, "undo what %s changed by hand, then run 'flyway repair' and deploy again",
		     first->script);
	return 0;
}

int am_pf_check_s03(struct am_pf *pf, struct am_pf_result *r)
{
	static const char sql_fmt[] =
		"SELECT locked, coalesce(lockedby, ''), "
		"extract(epoch FROM localtimestamp - lockgranted)::bigint, "
		"EXISTS (SELECT 1 FROM pg_stat_activity a "
		"  WHERE host(a.client_addr) = "
		"  substring(l.lockedby FROM '\\(([^()]*)\\)\\s*$')) "
		"FROM %s l WHERE id = 1";
	struct am_pf_history *h = &pf->hist;
	struct am_db_res *res = NULL;
	char *lock_table, *q, *sql, *age;
	long long failed = 0, secs;
	bool exists = false, holder;

	if (history_unusable(pf, r, AM_PF_TOOL_LIQUIBASE))
		return 0;
	lock_table = xasprintf("%slock", h->table);
	if (table_exists(pf, h->schema, lock_table, &exists)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_FATAL,
				   "look for the Liquibase lock table");
		free(lock_table);
		return 0;
	}
	q = qualified(h->schema, h->table);
	sql = xasprintf("SELECT count(*) FROM %s WHERE exectype = 'FAILED'", q);
	free(q);
	if (am_db_query(pf->db, &res, sql, 0, NULL)) {
		am_pf_query_failed(pf, r, AM_PF_CLASS_FATAL,
				   "read databasechangelog");
		goto out;
	}
	failed = am_db_getll(res, 0, 0, 0);
	am_db_res_free(res);
	res = NULL;
	free(sql);
	sql = NULL;
	if (exists) {
		q = qualified(h->schema, lock_table);
		sql = xasprintf(sql_fmt, q);
		free(q);
		if (am_db_query(pf->db, &res, sql, 0, NULL)) {
			am_pf_query_failed(pf, r, AM_PF_CLASS_FATAL,
					   "read the Liquibase lock");
			goto out;
		}
	}
	if (res && res->nrows == 1 && am_db_getb(res, 0, 0)) {
		secs = am_db_getll(res, 0, 2, 0);
		holder = am_db_getb(res, 0, 3);
		r->evidence = json_pack("{s:b, s:s?, s:I, s:b, s:I}", "locked", 1,
					"lockedby", am_db_get(res, 0, 1),
					"locked_s", (json_int_t)secs,
					"holder_connected", holder,
					"failed_changesets", (json_int_t)failed);
		age = am_pf_age(secs);
		if (secs > pf->o->lim.stale_lock_s && !holder) {
			am_pf_set(r, AM_PF_FAIL,
				  "%s.%s has been locked by \"%s\" for %s and that client is not connected: a stale lock",
				  h->schema, lock_table, am_db_get(res, 0, 1), age);
			am_pf_action(r, "make sure no Liquibase is running, then run 'liquibase release-locks'");
		} else {
			am_pf_set(r, AM_PF_RETRY,
				  "a Liquibase update is running: %s.%s locked by \"%s\" for %s",
				  h->schema, lock_table, am_db_get(res, 0, 1), age);
			am_pf_action(r, "wait for it to finish");
		}
		free(age);
		goto out;
	}
	r->evidence = json_pack("{s:b, s:I}", "locked", 0, "failed_changesets",
				(json_int_t)failed);
	if (failed > 0) {
		am_pf_set(r, AM_PF_WARN,
			  "%s.%s lists %lld changeset(s) with exectype FAILED",
			  h->schema, h->table, failed);
		am_pf_action(r, "look at those changesets before running more");
	} else {
		am_pf_set(r, AM_PF_PASS, "lock free, no failed changesets");
	}
out:
	am_db_res_free(res);
	free(sql);
	free(lock_table);
	return 0;
}

static bool have_files(struct am_pf *pf, struct am_pf_result *r)
{
	if (!pf->o->migrations) {
		am_pf_set(r, AM_PF_SKIP,
			  "no --migrations directory: local files not compared");
		return false;
	}
	if (pf->migs_error) {
		am_pf_set(r, AM_PF_CONFIG, "%s", pf->migs_error);
		am_pf_action(r, "check --migrations");
		return false;
	}
	return true;
}

int am_pf_check_s07(struct am_pf *pf, struct am_pf_result *r)
{
	struct am_pf_history *h = &pf->hist;
	const struct am_pf_fwrow *row;
	const struct am_pf_migration *first = NULL;
	int32_t applied = 0;
	json_t *rows;
	size_t i, n = 0, compared = 0;

	if (history_unusable(pf, r, AM_PF_TOOL_FLYWAY) || !have_files(pf, r))
		return 0;
	rows = json_array();
	for (i = 0; i < pf->nmigs; i++) {
		const struct am_pf_migration *m = &pf->migs[i];

		if (m->kind != AM_PF_MIG_VERSIONED)
			continue;
		row = fw_applied(h, m->version);
		if (!row || !row->has_checksum || strcmp(row->type, "SQL"))
			continue;
		compared++;
		if (row->checksum == m->checksum)
			continue;
		if (!first) {
			first = m;
			applied = row->checksum;
		}
		n++;
		json_array_append_new(rows,
			json_pack("{s:s, s:s, s:s, s:i, s:i}", "version", m->version,
				  "file", m->script, "applied_script", row->script,
				  "applied_checksum", (int)row->checksum,
				  "local_checksum", (int)m->checksum));
	}
	r->evidence = json_pack("{s:o, s:I}", "mismatches", rows, "compared",
				(json_int_t)compared);
	if (!first) {
		am_pf_set(r, AM_PF_PASS,
			  "%zu applied migration(s) match their files' checksums",
			  compared);
		return 0;
	}
	am_pf_set(r, AM_PF_FAIL,
		  "\"%s\" changed after it was applied: checksum %d in %s.%s, %d on disk%s",
		  first->script, (int)applied, h->schema, h->table,
		  (int)first->checksum, n > 1 ? " (and more files)" : "");
	am_pf_action(r, "restore %s as it was applied (git history) and put the change in a new migration; 'flyway repair' only if the edit changes nothing",
		     first->script);
	return 0;
}

static int s08_flyway(struct am_pf *pf, struct am_pf_result *r)
{
	struct am_pf_history *h = &pf->hist;
	struct am_buf msg = AM_BUF_INIT;
	json_t *missing = json_array(), *ooo = json_array(), *dups = json_array();
	const char *first_action = NULL;
	size_t i, j, npend = 0;

	for (i = 0; i < h->nrows; i++) {
		const struct am_pf_fwrow *row = &h->rows[i];
		bool found = false;

		if (!row->version || strcmp(row->type, "SQL") ||
		    fw_applied(h, row->version) != row)
			continue;
		for (j = 0; j < pf->nmigs && !found; j++)
			found = pf->migs[j].kind == AM_PF_MIG_VERSIONED &&
				!am_flyway_version_cmp(pf->migs[j].version,
						       row->version);
		if (found)
			continue;
		if (!json_array_size(missing)) {
			am_buf_addf(&msg, "applied migration %s (%s) is not in %s",
				    row->version, row->script, pf->o->migrations);
			first_action = "restore the file: Flyway validates every applied migration against the files";
		}
		json_array_append_new(missing,
			json_pack("{s:s, s:s}", "version", row->version, "script",
				  row->script));
	}
	for (i = 0; i < pf->nmigs; i++) {
		const struct am_pf_migration *m = &pf->migs[i];

		if (m->pending)
			npend++;
		if (i > 0 && m->kind == AM_PF_MIG_VERSIONED &&
		    pf->migs[i - 1].kind == AM_PF_MIG_VERSIONED &&
		    !am_flyway_version_cmp(m->version, pf->migs[i - 1].version)) {
			if (!msg.len) {
				am_buf_addf(&msg, "\"%s\" and \"%s\" both have version %s",
					    pf->migs[i - 1].script, m->script,
					    m->version);
				first_action = "give one of them a new, higher version";
			}
			json_array_append_new(dups,
				json_pack("{s:s, s:s, s:s}", "version", m->version,
					  "file", pf->migs[i - 1].script,
					  "other", m->script));
		}
		if (!pf->o->out_of_order && fw_out_of_order(pf, m)) {
			if (!msg.len) {
				am_buf_addf(&msg, "\"%s\" (version %s) is not applied but is older than the current version %s: Flyway refuses it",
					    m->script, m->version, h->current);
				first_action = "rename it to a version above the current one (or set FLYWAY_OUT_OF_ORDER=true on purpose)";
			}
			json_array_append_new(ooo,
				json_pack("{s:s, s:s}", "version", m->version,
					  "file", m->script));
		}
	}
	r->evidence = json_pack("{s:s, s:o, s:o, s:o}", "current", h->current,
				"missing_locally", missing, "out_of_order", ooo,
				"duplicate_versions", dups);
	if (msg.len) {
		am_pf_set(r, AM_PF_FAIL, "%s", msg.buf);
		am_pf_action(r, "%s", first_action);
	} else {
		am_pf_set(r, AM_PF_PASS,
			  "current version %s; %zu local migration(s), %zu pending",
			  *h->current ? h->current : "(none)", pf->nmigs, npend);
	}
	am_buf_release(&msg);
	return 0;
}

static int s08_migrate(struct am_pf *pf, struct am_pf_result *r)
{
	struct am_pf_history *h = &pf->hist;
	size_t i, npend = 0;
	bool found = !h->has_version || h->version < 0;
	const char *dup = NULL, *dup2 = NULL;

	for (i = 0; i < pf->nmigs; i++) {
		if (pf->migs[i].pending)
			npend++;
		if (*h->current &&
		    !am_flyway_version_cmp(pf->migs[i].version, h->current))
			found = true;
		if (i > 0 && !dup &&
		    !am_flyway_version_cmp(pf->migs[i].version,
					   pf->migs[i - 1].version)) {
			dup = pf->migs[i - 1].script;
			dup2 = pf->migs[i].script;
		}
	}
	r->evidence = json_pack("{s:s, s:I, s:b}", "current", h->current,
				"pending", (json_int_t)npend, "current_found",
				found);
	if (dup) {
		am_pf_set(r, AM_PF_FAIL, "\"%s\" and \"%s\" have the same version",
			  dup, dup2);
		am_pf_action(r, "give one of them a new, higher version");
	} else if (!found) {
		am_pf_set(r, AM_PF_FAIL,
			  "the database is at version %s but %s has no %s_*.up.sql: golang-migrate cannot go on from there",
			  h->current, pf->o->migrations, h->current);
		am_pf_action(r, "restore the migration file of version %s", h->current);
	} else {
		am_pf_set(r, AM_PF_PASS,
			  "current version %s; %zu local migration(s), %zu pending",
			  *h->current ? h->current : "(none)", pf->nmigs, npend);
	}
	return 0;
}

int am_pf_check_s08(struct am_pf *pf, struct am_pf_result *r)
{
	if (pf->o->tool != AM_PF_TOOL_FLYWAY && pf->o->tool != AM_PF_TOOL_MIGRATE) {
		am_pf_set(r, AM_PF_SKIP, "no versioned history for --tool %s",
			  am_pf_tool_name(pf->o->tool));
		return 0;
	}
	if (pf->hist.error) {
		history_failed(pf, r);
		return 0;
	}
	if (!have_files(pf, r))
		return 0;
	if (pf->o->tool == AM_PF_TOOL_FLYWAY)
		return s08_flyway(pf, r);
	return s08_migrate(pf, r);
}

void am_pf_history_release(struct am_pf_history *h)
{
	while (h->nrows)
		fwrow_release(&h->rows[--h->nrows]);
	free(h->rows);
	free(h->schema);
	free(h->table);
	free(h->error);
	free(h->current);
	memset(h, 0, sizeof(*h));
}
