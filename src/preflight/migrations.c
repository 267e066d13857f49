/* SPDX-License-Identifier: MIT */
/*
 * migrations.c - the local migration files (--migrations DIR) and the
 * tables the pending ones touch.
 *
 * Flyway: every V<version>__*.sql and R__*.sql below DIR (Flyway scans
 * locations recursively), with Flyway's checksum (flyway.c).
 * golang-migrate: the <version>_*.up.sql files directly in DIR
 * (migfile.c's naming). Names starting with '.' are skipped: a mounted
 * ConfigMap keeps its real files under "..data". Which migrations are
 * pending is history.c's business; here the pending ones are parsed with
 * the shared SQL module (sqlfile.h, libpg_query) for the tables they
 * lock and how strongly, and those tables are then looked up in the
 * database without taking any lock (to_regclass).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "flyway.h"
#include "migfile.h"
#include "preflight/db.h"
#include "preflight/preflight.h"
#include "sqlfile.h"
#include "util.h"

#define MAX_DEPTH 16
#define MAX_FILES 100000

static void add_migration(struct am_pf *pf, enum am_pf_mkind kind,
			  const char *rel, const char *path, char *version,
			  const char *description, int32_t checksum)
{
	struct am_pf_migration *m;

	AM_GROW(pf->migs, pf->migs_alloc, pf->nmigs + 1);
	m = &pf->migs[pf->nmigs++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->script = xstrdup(rel);
	m->path = xstrdup(path);
	m->version = version;
	m->description = xstrdup(description);
	m->checksum = checksum;
}

static int consider(struct am_pf *pf, const char *rel, const char *path,
		    const char *name)
{
	struct am_flyway_name fn;
	enum am_mig_runner runner;
	char *version = NULL, *data = NULL, *desc;
	size_t len = 0, vlen, skip;
	int err;

	if (pf->o->tool == AM_PF_TOOL_MIGRATE) {
		if (!am_mig_classify(name, &runner, &version) ||
		    runner != AM_MIG_GOMIGRATE) {
			free(version);
			return 0;
		}
		vlen = strlen(version);
		desc = xstrndup(name + vlen + 1,
				strlen(name) - vlen - 1 - strlen(".up.sql"));
		/* golang-migrate reads the version as a number: 000003 is 3 */
		skip = strspn(version, "0");
		if (skip == vlen)
			skip = vlen - 1;
		memmove(version, version + skip, vlen - skip + 1);
		add_migration(pf, AM_PF_MIG_VERSIONED, rel, path, version, desc,
			      0);
		free(desc);
		return 0;
	}
	am_flyway_parse_name(&fn, name);
	if (fn.kind != AM_FLYWAY_VERSIONED && fn.kind != AM_FLYWAY_REPEATABLE) {
		am_flyway_name_release(&fn);
		return 0;
	}
	err = am_read_file(&data, &len, path, AM_SQLFILE_LIMIT);
	if (err) {
		am_flyway_name_release(&fn);
		return err;
	}
	add_migration(pf, fn.kind == AM_FLYWAY_VERSIONED ? AM_PF_MIG_VERSIONED
							 : AM_PF_MIG_REPEATABLE,
		      rel, path, fn.version, fn.description ? fn.description : "",
		      am_flyway_checksum(data, len));
	fn.version = NULL;
	am_flyway_name_release(&fn);
	free(data);
	return 0;
}

static int walk(struct am_pf *pf, const char *dir, const char *rel, int depth)
{
	DIR *d;
	struct stat st;
	char *path, *sub;
	char **names;
	size_t n, i;
	int err = 0;

	d = opendir(dir);
	if (!d)
		return am_error_set(errno == ENOENT ? AM_ENOTFOUND : AM_ERROR,
				    "cannot read --migrations '%s': %s", dir,
				    strerror(errno));
	/* sorted: readdir order is arbitrary; the result must not be */
	am_dir_names(d, false, &names, &n);
	for (i = 0; i < n && !err; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		sub = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		if (stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH &&
			    pf->o->tool == AM_PF_TOOL_FLYWAY)
				err = walk(pf, path, sub, depth + 1);
			else if (S_ISREG(st.st_mode))
				err = consider(pf, sub, path, names[i]);
		}
		if (!err && pf->nmigs > MAX_FILES)
			err = am_error_set(AM_ETOOBIG,
					   "--migrations '%s' holds more than %d migrations",
					   pf->o->migrations, MAX_FILES);
		free(path);
		free(sub);
	}
	am_names_free(names, n);
	return err;
}

static int mig_cmp(const void *a, const void *b)
{
	const struct am_pf_migration *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind == AM_PF_MIG_VERSIONED ? -1 : 1;
	if (x->kind == AM_PF_MIG_VERSIONED) {
		c = am_flyway_version_cmp(x->version, y->version);
		if (c)
			return c;
	} else {
		c = strcmp(x->description, y->description);
		if (c)
			return c;
	}
	return strcmp(x->script, y->script);
}

int am_pf_migrations_scan(struct am_pf *pf)
{
	struct stat st;
	int err;

	if (!pf->o->migrations || pf->o->tool == AM_PF_TOOL_NONE ||
	    pf->o->tool == AM_PF_TOOL_LIQUIBASE)
		return 0;
	if (stat(pf->o->migrations, &st) != 0 || !S_ISDIR(st.st_mode)) {
		err = am_error_set(AM_ENOTFOUND,
				   "--migrations '%s' is not a directory",
				   pf->o->migrations);
		pf->migs_error = xstrdup(am_error_last());
		return err;
	}
	err = walk(pf, pf->o->migrations, "", 0);
	if (err) {
		pf->migs_error = xstrdup(am_error_last());
		return err;
	}
	if (pf->nmigs)
		qsort(pf->migs, pf->nmigs, sizeof(*pf->migs), mig_cmp);
	return 0;
}

static bool name_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void add_target(struct am_pf *pf, const struct am_pf_migration *m,
		       const struct am_pf_table *tb)
{
	struct am_pf_target *t;
	size_t i;

	for (i = 0; i < pf->ntargets; i++) {
		t = &pf->targets[i];
		if (name_eq(t->schema, tb->schema) && !strcmp(t->name, tb->name)) {
			if (tb->lock > t->lock)
				t->lock = tb->lock;
			if (tb->risky && !t->risky) {
				t->risky_script = xstrdup(m->script);
				t->risky_lock = tb->lock;
			}
			t->risky = t->risky || tb->risky;
			return;
		}
	}
	AM_GROW(pf->targets, pf->targets_alloc, pf->ntargets + 1);
	t = &pf->targets[pf->ntargets++];
	memset(t, 0, sizeof(*t));
	t->schema = tb->schema ? xstrdup(tb->schema) : NULL;
	t->name = xstrdup(tb->name);
	t->display = tb->schema ? xasprintf("%s.%s", tb->schema, tb->name)
				: xstrdup(tb->name);
	t->lock = tb->lock;
	t->risky = tb->risky;
	t->first_script = xstrdup(m->script);
	if (tb->risky) {
		t->risky_script = xstrdup(m->script);
		t->risky_lock = tb->lock;
	}
}

static void tables_of(struct am_pf_migration *m)
{
	struct am_sqlfile *f = NULL;
	struct am_sqltable_lock *tl = NULL;
	size_t n = 0, i;

	if (am_sqlfile_load(&f, m->path)) {
		m->parse_error = xstrdup(am_error_last());
		return;
	}
	if (f->nerrors)
		m->parse_error = xasprintf("%s:%d:%d: %s", m->script,
					   f->errors[0].line, f->errors[0].col,
					   f->errors[0].message);
	am_sqlfile_table_locks(f, &tl, &n);
	for (i = 0; i < n; i++) {
		struct am_pf_table *t;

		/* created earlier in the same file: nothing can queue on it */
		if (tl[i].created || !tl[i].table)
			continue;
		AM_GROW(m->tables, m->ntables_alloc, m->ntables + 1);
		t = &m->tables[m->ntables++];
		t->schema = tl[i].schema ? xstrdup(tl[i].schema) : NULL;
		t->name = xstrdup(tl[i].table);
		t->lock = tl[i].mode;
		t->risky = tl[i].risky;
	}
	am_sqltable_locks_free(tl, n);
	am_sqlfile_free(f);
}

int am_pf_targets_collect(struct am_pf *pf)
{
	size_t i, j;

	for (i = 0; i < pf->nmigs; i++) {
		struct am_pf_migration *m = &pf->migs[i];

		if (!m->pending)
			continue;
		tables_of(m);
		for (j = 0; j < m->ntables; j++)
			add_target(pf, m, &m->tables[j]);
	}
	return 0;
}

/* A PostgreSQL text[] literal; NULL elements stay NULL. */
static void text_array_add(struct am_buf *b, const char *s)
{
	const char *p;

	if (b->len > 1)
		am_buf_addch(b, ',');
	if (!s) {
		am_buf_adds(b, "NULL");
		return;
	}
	am_buf_addch(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			am_buf_addch(b, '\\');
		am_buf_addch(b, *p);
	}
	am_buf_addch(b, '"');
}

int am_pf_targets_resolve(struct am_pf *pf)
{
	static const char sql[] =
		/* tables the pending migrations create do not exist yet */
		"SELECT x.ord, c.oid::text, CASE WHEN c.oid IS NOT NULL "
		"  THEN format('%I.%I', n.nspname, c.relname) END "
		"FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(s, r, ord) "
		"LEFT JOIN pg_class c ON c.oid = to_regclass(CASE WHEN x.s IS NULL "
		"  THEN quote_ident(x.r) "
		"  ELSE quote_ident(x.s) || '.' || quote_ident(x.r) END) "
		"LEFT JOIN pg_namespace n ON n.oid = c.relnamespace "
		"ORDER BY x.ord";
	struct am_buf schemas = AM_BUF_INIT, names = AM_BUF_INIT;
	struct am_buf oids = AM_BUF_INIT;
	struct am_db_res *res = NULL;
	const char *params[2];
	struct am_pf_target *t, *u;
	size_t i, j;
	int err;

	am_buf_addch(&schemas, '{');
	am_buf_addch(&names, '{');
	for (i = 0; i < pf->ntargets; i++) {
		text_array_add(&schemas, pf->targets[i].schema);
		text_array_add(&names, pf->targets[i].name);
	}
	am_buf_addch(&schemas, '}');
	am_buf_addch(&names, '}');
	params[0] = schemas.buf;
	params[1] = names.buf;
	err = am_db_query(pf->db, &res, sql, 2, params);
	if (err)
		goto out;
	for (i = 0; i < pf->ntargets && (int)i < res->nrows; i++) {
		t = &pf->targets[i];
		free(t->oid);
		t->oid = NULL;
		if (!am_db_get(res, (int)i, 1))
			continue;
		t->oid = xstrdup(am_db_get(res, (int)i, 1));
		free(t->display);
		t->display = xstrdup(am_db_get(res, (int)i, 2));
	}
	/* "orders" and "public.orders" may be one table: merge by oid */
	for (i = 0; i < pf->ntargets; i++) {
		t = &pf->targets[i];
		for (j = 0; t->oid && j < i; j++) {
			u = &pf->targets[j];
			if (!u->oid || strcmp(u->oid, t->oid))
				continue;
			if (t->lock > u->lock)
				u->lock = t->lock;
			if (t->risky && !u->risky) {
				u->risky_script = t->risky_script;
				u->risky_lock = t->risky_lock;
				t->risky_script = NULL;
			}
			u->risky = u->risky || t->risky;
			free(t->oid);
			t->oid = NULL;
			break;
		}
	}
	am_buf_addch(&oids, '{');
	for (i = 0; i < pf->ntargets; i++) {
		if (!pf->targets[i].oid)
			continue;
		if (oids.len > 1)
			am_buf_addch(&oids, ',');
		am_buf_adds(&oids, pf->targets[i].oid);
	}
	am_buf_addch(&oids, '}');
	free(pf->target_oids);
	pf->target_oids = am_buf_detach(&oids);
out:
	am_db_res_free(res);
	am_buf_release(&schemas);
	am_buf_release(&names);
	am_buf_release(&oids);
	return err;
}

void am_pf_migrations_release(struct am_pf *pf)
{
	size_t i, j;

	for (i = 0; i < pf->nmigs; i++) {
		struct am_pf_migration *m = &pf->migs[i];

		free(m->script);
		free(m->path);
		free(m->version);
		free(m->description);
		free(m->parse_error);
		for (j = 0; j < m->ntables; j++) {
			free(m->tables[j].schema);
			free(m->tables[j].name);
		}
		free(m->tables);
	}
	free(pf->migs);
	pf->migs = NULL;
	pf->nmigs = pf->migs_alloc = 0;
	for (i = 0; i < pf->ntargets; i++) {
		free(pf->targets[i].display);
		free(pf->targets[i].schema);
		free(pf->targets[i].name);
		free(pf->targets[i].first_script);
		free(pf->targets[i].risky_script);
		free(pf->targets[i].oid);
	}
	free(pf->targets);
	pf->targets = NULL;
	pf->ntargets = pf->targets_alloc = 0;
	free(pf->target_oids);
	pf->target_oids = NULL;
	free(pf->migs_error);
	pf->migs_error = NULL;
}
