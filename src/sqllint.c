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
 * The files of every directory of a batch (the SQL files of several
 * command-line inputs) are read, parsed and linted by one thread per
 * core: each file's per-file rules run with a private copy of the lint
 * and private findings, merged in file order afterwards. The file alone
 * in its directory is linted as soon as it is parsed; in a directory of
 * several, the rules wait until every file is parsed, and a rule of one
 * file reads only trees of other files built before (prebuild_one).
 * Errors (unreadable files, bad .conf files) and the directory rules
 * are this thread's, in order, so the first error is the one reported.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
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

const struct am_migfile *am_migdir_current(const struct am_subject *s)
{
	return &s->dir->files[s->index];
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
	am_lint_report(lint, rule, sev, &at, hint, "%s", msg);
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

	am_lint_enter_file(lint, mf->path);
	lint->comments = mf->sql->comments;
	lint->ncomments = mf->sql->ncomments;
	report_errors(lint, mf->sql);
	am_lint_check_ignore_comments(lint, mf->path);
	if (!mf->forward)
		return 0;
	mark_transactions(mf);
	s.file = mf->sql;
	s.dir = d;
	s.index = k;
	ret = run_rules(lint, AM_TARGET_SQLFILE, &s);
	for (i = 0; ret == 0 && i < mf->sql->nstmts; i++) {
		if (mf->sql->stmts[i].bad)
			continue;
		s.stmt = &mf->sql->stmts[i];
		ret = run_rules(lint, AM_TARGET_SQLSTMT, &s);
	}
	return ret;
}

/*
 * True if 'f' changes a column's type: sql-column-type-change then reads
 * the CREATE TABLE statements of the earlier files of its directory.
 */
static bool alters_column_type(const struct am_sqlfile *f)
{
	size_t i;

	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlstmt *s = &f->stmts[i];
		const struct am_sqlnode *c;

		if (s->lead != AM_LEAD_ALTER || !s->parsed)
			continue;
		c = am_sqlnode_get(am_sqlnode_as(s->tree, "AlterTableStmt"), "cmds");
		for (c = c ? c->child : NULL; c; c = c->next)
			if (am_sqlnode_is(am_sqlnode_as(c, "AlterTableCmd"),
					  "subtype", "AT_AlterColumnType"))
				return true;
	}
	return false;
}

/* One file of a batch, with what the threads produce for it. */
struct batch_file {
	struct am_migdir *d;
	size_t k;			/* d->files[k] */
	bool loaded;			/* read and parsed */
	bool conf_done;			/* mf->conf is read (or there is none) */
	bool alters_type;		/* alters_column_type() */
	bool prebuild;			/* a later file reads its CREATE TABLEs */
	bool linted;			/* diags and ret are set */
	size_t nstmts;			/* for the summary */
	struct am_diags diags;		/* its findings */
	int ret;			/* lint_file()'s */
};

/* Files handed out to the threads, one phase at a time. */
struct batch {
	const struct am_lint *lint;	/* the caller's: each thread copies it */
	struct batch_file *files;
	size_t nfiles;
	atomic_size_t next;
	void (*fn)(struct am_lint *w, struct batch_file *bf);
};

static void *batch_worker(void *arg)
{
	struct batch *b = arg;
	struct am_lint w = *b->lint;
	size_t i, n = am_rules_count();

	am_diags_init(&w.diags);
	memset(&w.summary, 0, sizeof(w.summary));
	w.file_sev = xmalloc(n * sizeof(*w.file_sev));
	memcpy(w.file_sev, b->lint->file_sev, n * sizeof(*w.file_sev));
	while ((i = atomic_fetch_add(&b->next, 1)) < b->nfiles)
		b->fn(&w, &b->files[i]);
	free(w.file_sev);
	am_diags_release(&w.diags);
	return NULL;
}

/* Calls fn on every file of 'b', in one thread per core (this one too). */
static void batch_run(struct batch *b,
		      void (*fn)(struct am_lint *w, struct batch_file *bf))
{
	pthread_t threads[3];
	size_t nthreads = 0, i;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	b->fn = fn;
	atomic_store(&b->next, 0);
	while (cpus > 1 && nthreads + 1 < (size_t)cpus &&
	       nthreads < AM_ARRAY_SIZE(threads) && nthreads + 1 < b->nfiles &&
	       !pthread_create(&threads[nthreads], NULL, batch_worker, b))
		nthreads++;
	batch_worker(b);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
}

/* Split, comments, and the trees rules read; takes 'data'. */
static void parse_file(struct batch_file *bf, char *data, size_t len)
{
	struct am_migfile *mf = &bf->d->files[bf->k];

	am_sqlfile_parse(&mf->sql, mf->path, data, len);
	free(data);
	if (mf->forward) {
		am_sqlfile_build_trees(mf->sql);
		bf->alters_type = alters_column_type(mf->sql);
	}
	bf->nstmts = mf->sql->nstmts;
	bf->loaded = true;
}

/* The per-file rules, into the file's own findings. */
static void lint_one(struct am_lint *w, struct batch_file *bf)
{
	bf->ret = lint_file(w, bf->d, bf->k);
	bf->diags = w->diags;
	am_diags_init(&w->diags);
	bf->linted = true;
}

/*
 * Phase 1: reads and parses the file; lints it too when it is alone in
 * its directory (nothing else reads it then, so it is freed). Leaves to
 * this thread a file it cannot read and a .conf file that exists.
 */
static void load_one(struct am_lint *w, struct batch_file *bf)
{
	struct am_migfile *mf = &bf->d->files[bf->k];
	char *data, *conf;
	size_t len;

	/* an unreadable file is reported by this thread, in file order */
	if (am_read_file(&data, &len, mf->path, AM_SQLFILE_LIMIT) < 0) {
		am_error_clear();
		return;
	}
	bf->conf_done = bf->d->runner != AM_RUNNER_FLYWAY || !mf->forward;
	if (!bf->conf_done) {
		conf = xasprintf("%s.conf", mf->path);
		bf->conf_done = access(conf, F_OK) && errno == ENOENT;
		free(conf);
	}
	parse_file(bf, data, len);
	if (bf->d->nfiles > 1 || !bf->conf_done)
		return;
	lint_one(w, bf);
	am_sqlfile_free(mf->sql);
	mf->sql = NULL;
}

/*
 * Phase 2: the whole trees of the CREATE TABLE statements that the
 * sql-column-type-change check of a later file reads, so that no file's
 * rules build (write) anything in another file.
 */
static void prebuild_one(struct am_lint *w, struct batch_file *bf)
{
	const struct am_sqlfile *f = bf->d->files[bf->k].sql;
	size_t i;

	(void)w;
	if (!bf->prebuild)
		return;
	for (i = 0; i < f->nstmts; i++)
		if (f->stmts[i].lead == AM_LEAD_CREATE_TABLE)
			am_sqlstmt_tree(&f->stmts[i]);
}

/* Phase 3: the per-file rules of the files not linted yet. */
static void rules_one(struct am_lint *w, struct batch_file *bf)
{
	if (!bf->linted)
		lint_one(w, bf);
}

/*
 * What phase 1 left of directory 'd' (files bf[]), in the order the
 * runner applies them: the files it could not read (the first error),
 * then the .conf files.
 */
static int finish_load(struct am_migdir *d, struct batch_file *bf)
{
	size_t k, len;
	char *data;
	int ret;

	for (k = 0; k < d->nfiles; k++) {
		if (bf[k].loaded)
			continue;
		ret = am_read_file(&data, &len, d->files[k].path,
				   AM_SQLFILE_LIMIT);
		if (ret < 0)
			return ret;
		parse_file(&bf[k], data, len);
	}
	for (k = 0; k < d->nfiles; k++) {
		if (bf[k].conf_done || d->runner != AM_RUNNER_FLYWAY ||
		    !d->files[k].forward)
			continue;
		ret = am_flyway_conf_read(&d->files[k].conf, d->files[k].path);
		if (ret < 0)
			return ret;
		bf[k].conf_done = true;
	}
	return 0;
}

/* Marks the files whose CREATE TABLEs a later file of 'd' reads. */
static bool mark_prebuild(struct batch_file *bf, size_t n)
{
	size_t last = 0, k;
	bool any = false;

	for (k = 0; k < n; k++)
		if (bf[k].alters_type)
			last = k, any = true;
	for (k = 0; any && k < last; k++)
		bf[k].prebuild = bf[k].d->files[k].forward;
	return any && last > 0;
}

/* The directory rules, in the lint state the last file left. */
static int lint_migdir(struct am_lint *lint, struct am_migdir *d)
{
	struct am_subject s = { 0 };

	am_lint_enter_file(lint, d->files[d->nfiles - 1].path);
	lint->comments = NULL;
	lint->ncomments = 0;
	s.dir = d;
	return run_rules(lint, AM_TARGET_MIGDIR, &s);
}

/* Adds the findings and counts of 'd' (files bf[]) to 'lint', in order. */
static int merge_dir(struct am_lint *lint, struct am_migdir *d,
		     struct batch_file *bf)
{
	size_t k, i;

	for (k = 0; k < d->nfiles; k++) {
		lint->summary.files++;
		lint->summary.statements += bf[k].nstmts;
		for (i = 0; i < bf[k].diags.nr; i++)
			am_diags_add(&lint->diags, &bf[k].diags.items[i]);
		if (bf[k].ret < 0)
			return bf[k].ret;
	}
	return lint_migdir(lint, d);
}

struct pathref {
	size_t group;
	char *dir;
	size_t i;
};

static int pathref_cmp(const void *pa, const void *pb)
{
	const struct pathref *a = pa, *b = pb;
	int c;

	c = strcmp(a->dir, b->dir);
	if (c)
		return c;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

int am_sql_lint_groups(struct am_lint *lint, const char *const *paths,
		       const size_t *group, size_t n, size_t *failed)
{
	struct pathref *refs = xmalloc((n ? n : 1) * sizeof(*refs));
	struct am_migdir *dirs = xcalloc(n ? n : 1, sizeof(*dirs));
	struct batch_file *bf = xcalloc(n ? n : 1, sizeof(*bf));
	size_t *first = xcalloc(n ? n : 1, sizeof(*first));
	struct batch b = { lint, bf, n, 0, NULL };
	size_t ndirs = 0, i, j, k;
	bool prebuild = false;
	int ret = 0;

	for (i = 0; i < n; i++) {
		refs[i].group = group[i];
		refs[i].dir = dir_name(paths[i]);
		refs[i].i = i;
	}
	qsort(refs, n, sizeof(*refs), pathref_cmp);
	for (i = 0; i < n; i = j) {
		struct am_migdir *d = &dirs[ndirs];

		/* a migration directory is one, whichever inputs name its files */
		for (j = i; j < n && !strcmp(refs[j].dir, refs[i].dir); j++)
			;
		first[ndirs++] = i;
		d->path = xstrdup(refs[i].dir);
		d->nfiles = j - i;
		d->files = xcalloc(d->nfiles, sizeof(*d->files));
		for (k = 0; k < d->nfiles; k++) {
			d->files[k].path = paths[refs[i + k].i];
			d->files[k].name = base_name(d->files[k].path);
		}
		dir_classify(d);
		for (k = 0; k < d->nfiles; k++) {
			bf[i + k].d = d;
			bf[i + k].k = k;
			am_diags_init(&bf[i + k].diags);
		}
	}
	batch_run(&b, load_one);
	for (i = 0; i < ndirs && ret == 0; i++) {
		ret = finish_load(&dirs[i], &bf[first[i]]);
		if (ret < 0 && failed)
			*failed = refs[first[i]].group;
	}
	if (ret == 0) {
		for (i = 0; i < ndirs; i++)
			if (mark_prebuild(&bf[first[i]], dirs[i].nfiles))
				prebuild = true;
		if (prebuild)
			batch_run(&b, prebuild_one);
		batch_run(&b, rules_one);
		for (i = 0; i < ndirs && ret == 0; i++) {
			ret = merge_dir(lint, &dirs[i], &bf[first[i]]);
			if (ret < 0 && failed)
				*failed = refs[first[i]].group;
		}
	}
	for (i = 0; i < n; i++) {
		am_diags_release(&bf[i].diags);
		free(refs[i].dir);
	}
	for (i = 0; i < ndirs; i++)
		dir_release(&dirs[i]);
	free(dirs);
	free(bf);
	free(first);
	free(refs);
	lint->comments = NULL;
	lint->ncomments = 0;
	return ret;
}

int am_sql_lint_files(struct am_lint *lint, const char *const *paths, size_t n)
{
	size_t *group = xcalloc(n ? n : 1, sizeof(*group));
	int ret = am_sql_lint_groups(lint, paths, group, n, NULL);

	free(group);
	return ret;
}
