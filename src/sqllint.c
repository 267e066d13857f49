/* SPDX-License-Identifier: MIT */
/*
 * sqllint.c - the SQL side of `argomig lint` (see sqllint.h): groups
 * files by directory, infers the migration runner, orders the files the
 * way the runner applies them, and runs the SQL rules.
 *
 * It holds every file of one directory in memory at a time, because
 * rules such as sql-column-type-change look at earlier migrations. It
 * knows no rule itself except sql-syntax-error, whose findings come from
 * the parser (sqlfile.c).
 *
 * Parsing is most of the cost, so the files of a directory are parsed
 * (split, comments, and the trees rules read) by one thread per core;
 * the rules then run in one thread, in file order, reading those trees.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "sqllint.h"
#include "util.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static char *dir_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* golang-migrate: ^([0-9]+)_(.*)\.(down|up)\.(.*)$ with a .sql extension. */
static bool golang_name(const char *name, bool *up, char **version)
{
	size_t n = 0;

	while (isdigit((unsigned char)name[n]))
		n++;
	if (!n || name[n] != '_')
		return false;
	if (am_ends_with(name, ".up.sql"))
		*up = true;
	else if (am_ends_with(name, ".down.sql"))
		*up = false;
	else
		return false;
	while (n > 1 && name[0] == '0')
		name++, n--;
	*version = xstrndup(name, n);
	return true;
}

const struct am_migfile *am_migdir_current(const struct am_migdir *dir)
{
	return &dir->files[dir->cur];
}

void am_sqlstmt_report(struct am_lint *lint, const struct am_rule *rule,
		       enum am_severity sev, const struct am_sqlstmt *s,
		       const char *hint, const char *fmt, ...)
{
	struct am_where at = { s->file->path, s->line, s->col, NULL, NULL, NULL };
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	am_lint_report(lint, rule, sev == AM_SEV_OFF ? rule->severity : sev,
		       &at, hint, "%s", msg);
	free(msg);
}

bool am_sqlstmt_flyway_nontransactional(const struct am_sqlstmt *s,
					int pg_version)
{
	const struct am_sqlnode *tree, *st;
	const char *type;

	if (s->lead == AM_LEAD_CREATE_INDEX_CONCURRENTLY)
		return !s->bad;
	tree = am_sqlstmt_tree(s);
	type = am_sqlnode_type(tree);
	st = tree ? tree->child : NULL;
	if (!type)
		return false;
	if (!strcmp(type, "IndexStmt"))
		return am_sqlnode_bool(st, "concurrent");
	if (!strcmp(type, "DropStmt"))
		return am_sqlnode_is(st, "removeType", "OBJECT_INDEX") &&
		       am_sqlnode_bool(st, "concurrent");
	if (!strcmp(type, "CreatedbStmt") || !strcmp(type, "DropdbStmt") ||
	    !strcmp(type, "CreateTableSpaceStmt") ||
	    !strcmp(type, "DropTableSpaceStmt") ||
	    !strcmp(type, "CreateSubscriptionStmt") ||
	    !strcmp(type, "DropSubscriptionStmt") ||
	    !strcmp(type, "AlterSystemStmt"))
		return true;
	if (!strcmp(type, "ReindexStmt"))
		return !am_sqlnode_is(st, "kind", "REINDEX_OBJECT_TABLE") &&
		       !am_sqlnode_is(st, "kind", "REINDEX_OBJECT_INDEX");
	if (!strcmp(type, "VacuumStmt"))
		return am_sqlnode_bool(st, "is_vacuumcmd");
	if (!strcmp(type, "DiscardStmt"))
		return am_sqlnode_is(st, "target", "DISCARD_ALL");
	if (!strcmp(type, "AlterEnumStmt"))
		return pg_version < 12 && !am_sqlnode_get(st, "oldVal");
	return false;
}

bool am_migfile_in_transaction(const struct am_migfile *mf, int pg_version)
{
	const struct am_sqlfile *f = mf->sql;
	size_t i;

	if (mf->conf.has_execute_in_transaction)
		return mf->conf.execute_in_transaction;
	if (!mf->fw.kind || mf->fw.kind == AM_FLYWAY_INVALID || !f)
		return f && f->nstmts > 1;
	for (i = 0; i < f->nstmts; i++) {
		enum am_sqllead lead = f->stmts[i].lead;

		/* These never hold a statement Flyway runs outside one. */
		if (lead == AM_LEAD_INERT || lead == AM_LEAD_CREATE_TABLE ||
		    lead == AM_LEAD_DML || lead == AM_LEAD_SET ||
		    lead == AM_LEAD_SELECT || lead == AM_LEAD_TXN)
			return true;
		if (!am_sqlstmt_flyway_nontransactional(&f->stmts[i], pg_version))
			return true;
	}
	return false;
}

/* Marks the statements inside an explicit BEGIN ... COMMIT. */
static void mark_transactions(struct am_migfile *mf)
{
	const struct am_sqlfile *f = mf->sql;
	bool open = false;
	size_t i;

	mf->in_txn = xcalloc(f->nstmts ? f->nstmts : 1, sizeof(*mf->in_txn));
	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlnode *t;
		const char *kind;

		mf->in_txn[i] = open;
		if (f->stmts[i].lead != AM_LEAD_TXN)
			continue;
		t = am_sqlnode_as(am_sqlstmt_tree(&f->stmts[i]), "TransactionStmt");
		kind = am_sqlnode_str(t, "kind");
		if (!kind)
			continue;
		if (!strcmp(kind, "TRANS_STMT_BEGIN") ||
		    !strcmp(kind, "TRANS_STMT_START"))
			open = true;
		else if (!strcmp(kind, "TRANS_STMT_COMMIT") ||
			 !strcmp(kind, "TRANS_STMT_ROLLBACK") ||
			 !strcmp(kind, "TRANS_STMT_PREPARE"))
			open = false;
	}
}

/* Runner order: Flyway versions, then the rest by name; golang by number. */
static enum am_runner sort_runner;

static int version_num_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int file_cmp(const void *pa, const void *pb)
{
	const struct am_migfile *a = pa, *b = pb;
	int c;

	if (sort_runner != AM_RUNNER_PLAIN) {
		if (a->version && !b->version)
			return -1;
		if (!a->version && b->version)
			return 1;
		if (a->version && b->version) {
			c = sort_runner == AM_RUNNER_FLYWAY
				    ? am_flyway_version_cmp(a->version, b->version)
				    : version_num_cmp(a->version, b->version);
			if (c)
				return c;
		}
	}
	return strcmp(a->name, b->name);
}

static void dir_classify(struct am_migdir *d)
{
	size_t i;

	d->runner = AM_RUNNER_PLAIN;
	for (i = 0; i < d->nfiles; i++) {
		struct am_migfile *mf = &d->files[i];
		bool up;
		char *v = NULL;

		am_flyway_parse_name(&mf->fw, mf->name);
		if (mf->fw.kind == AM_FLYWAY_VERSIONED ||
		    mf->fw.kind == AM_FLYWAY_REPEATABLE ||
		    mf->fw.kind == AM_FLYWAY_UNDO ||
		    mf->fw.kind == AM_FLYWAY_BASELINE)
			d->runner = AM_RUNNER_FLYWAY;
		else if (d->runner == AM_RUNNER_PLAIN && golang_name(mf->name, &up, &v))
			d->runner = AM_RUNNER_GOLANG_MIGRATE;
		free(v);
	}
	for (i = 0; i < d->nfiles; i++) {
		struct am_migfile *mf = &d->files[i];
		bool up = true;
		char *v = NULL;

		mf->forward = true;
		if (d->runner == AM_RUNNER_FLYWAY) {
			if (mf->fw.kind == AM_FLYWAY_UNDO)
				mf->forward = false;
			if (mf->fw.kind == AM_FLYWAY_VERSIONED)
				mf->version = xstrdup(mf->fw.version);
		} else {
			/* Flyway's reading only matters in a Flyway directory. */
			am_flyway_name_release(&mf->fw);
			memset(&mf->fw, 0, sizeof(mf->fw));
		}
		if (golang_name(mf->name, &up, &v)) {
			if (!up)
				mf->forward = false;
			else if (d->runner == AM_RUNNER_GOLANG_MIGRATE)
				mf->version = v, v = NULL;
		}
		free(v);
	}
	sort_runner = d->runner;
	qsort(d->files, d->nfiles, sizeof(*d->files), file_cmp);
}

static void dir_release(struct am_migdir *d)
{
	size_t i;

	for (i = 0; i < d->nfiles; i++) {
		am_flyway_name_release(&d->files[i].fw);
		free(d->files[i].version);
		free(d->files[i].in_txn);
		am_sqlfile_free(d->files[i].sql);
	}
	free(d->files);
	free(d->path);
}

static void report_errors(struct am_lint *lint, const struct am_sqlfile *f)
{
	const struct am_rule *rule = am_rule_find("sql-syntax-error");
	size_t i;

	for (i = 0; i < f->nerrors; i++) {
		struct am_where at = { f->path, f->errors[i].line,
				       f->errors[i].col, NULL, NULL, NULL };

		am_lint_report(lint, rule, rule->severity, &at,
			       "fix the statement at this position; PostgreSQL "
			       "rejects the whole migration",
			       "%s", f->errors[i].message);
	}
}

static int run_rules(struct am_lint *lint, enum am_target target,
		     const struct am_subject *s)
{
	size_t i, n = am_rules_count();
	int ret;

	for (i = 0; i < n; i++) {
		const struct am_rule *r = am_rule_at(i);

		if (r->target != target || !r->check)
			continue;
		if (am_lint_severity(lint, r, r->severity) == AM_SEV_OFF)
			continue;
		ret = r->check(r, lint, s);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int lint_file(struct am_lint *lint, struct am_migdir *d, size_t k)
{
	struct am_migfile *mf = &d->files[k];
	struct am_subject s = { 0 };
	size_t i;
	int ret;

	d->cur = k;
	am_lint_enter_file(lint, mf->path);
	lint->comments = mf->sql->comments;
	lint->ncomments = mf->sql->ncomments;
	lint->summary.files++;
	lint->summary.statements += mf->sql->nstmts;
	report_errors(lint, mf->sql);
	am_lint_check_ignore_comments(lint, mf->path);
	if (!mf->forward)
		return 0;
	if (d->runner == AM_RUNNER_FLYWAY) {
		ret = am_flyway_conf_read(&mf->conf, mf->path);
		if (ret < 0)
			return ret;
	}
	mark_transactions(mf);
	s.file = mf->sql;
	s.dir = d;
	ret = run_rules(lint, AM_TARGET_SQLFILE, &s);
	for (i = 0; ret == 0 && i < mf->sql->nstmts; i++) {
		if (mf->sql->stmts[i].bad)
			continue;
		s.stmt = &mf->sql->stmts[i];
		ret = run_rules(lint, AM_TARGET_SQLSTMT, &s);
	}
	return ret;
}

/* Files of a directory handed out to the parsing threads. */
struct parse_job {
	struct am_migdir *d;
	char **data;
	size_t *len;
	atomic_size_t next;
};

static void *parse_worker(void *arg)
{
	struct parse_job *job = arg;
	size_t i;

	while ((i = atomic_fetch_add(&job->next, 1)) < job->d->nfiles) {
		struct am_migfile *mf = &job->d->files[i];

		am_sqlfile_parse(&mf->sql, mf->path, job->data[i], job->len[i]);
		free(job->data[i]);
		job->data[i] = NULL;
		if (mf->forward)
			am_sqlfile_build_trees(mf->sql);
	}
	return NULL;
}

/* Reads every file of 'd' (this thread: errors), parses them in parallel. */
static int load_dir(struct am_migdir *d)
{
	struct parse_job job = { d, NULL, NULL, 0 };
	pthread_t threads[3];
	size_t nthreads = 0, i;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int ret = 0;

	job.data = xcalloc(d->nfiles, sizeof(*job.data));
	job.len = xcalloc(d->nfiles, sizeof(*job.len));
	for (i = 0; i < d->nfiles && ret == 0; i++)
		ret = am_read_file(&job.data[i], &job.len[i], d->files[i].path,
				   AM_SQLFILE_LIMIT);
	if (ret == 0) {
		atomic_init(&job.next, 0);
		while (cpus > 1 && nthreads + 1 < (size_t)cpus &&
		       nthreads < AM_ARRAY_SIZE(threads) &&
		       nthreads + 1 < d->nfiles &&
		       !pthread_create(&threads[nthreads], NULL, parse_worker, &job))
			nthreads++;
		parse_worker(&job);
		for (i = 0; i < nthreads; i++)
			pthread_join(threads[i], NULL);
	}
	for (i = 0; i < d->nfiles; i++)
		free(job.data[i]);
	free(job.data);
	free(job.len);
	return ret;
}

static int lint_dir(struct am_lint *lint, struct am_migdir *d)
{
	struct am_subject s = { 0 };
	size_t i;
	int ret;

	dir_classify(d);
	ret = load_dir(d);
	if (ret < 0)
		return ret;
	for (i = 0; i < d->nfiles; i++) {
		ret = lint_file(lint, d, i);
		if (ret < 0)
			return ret;
	}
	lint->comments = NULL;
	lint->ncomments = 0;
	s.dir = d;
	return run_rules(lint, AM_TARGET_MIGDIR, &s);
}

struct pathref {
	char *dir;
	size_t i;
};

static int pathref_cmp(const void *pa, const void *pb)
{
	const struct pathref *a = pa, *b = pb;
	int c = strcmp(a->dir, b->dir);

	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

int am_sql_lint_files(struct am_lint *lint, const char *const *paths, size_t n)
{
	struct pathref *refs = xmalloc((n ? n : 1) * sizeof(*refs));
	size_t i, j;
	int ret = 0;

	for (i = 0; i < n; i++) {
		refs[i].dir = dir_name(paths[i]);
		refs[i].i = i;
	}
	qsort(refs, n, sizeof(*refs), pathref_cmp);
	for (i = 0; i < n && ret == 0; i = j) {
		struct am_migdir d = { 0 };

		for (j = i; j < n && !strcmp(refs[j].dir, refs[i].dir); j++)
			;
		d.path = xstrdup(refs[i].dir);
		d.nfiles = j - i;
		d.files = xcalloc(d.nfiles, sizeof(*d.files));
		for (size_t k = 0; k < d.nfiles; k++) {
			d.files[k].path = paths[refs[i + k].i];
			d.files[k].name = base_name(d.files[k].path);
		}
		ret = lint_dir(lint, &d);
		dir_release(&d);
	}
	for (i = 0; i < n; i++)
		free(refs[i].dir);
	free(refs);
	lint->comments = NULL;
	lint->ncomments = 0;
	return ret;
}
