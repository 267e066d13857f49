/* SPDX-License-Identifier: MIT */
/*
 * gitbase.c - `argomig lint --base REF`: what a pull request does to the
 * migrations that are already merged. The only file that includes
 * <git2.h>.
 *
 * It collects the versioned migrations under the lint inputs twice: as
 * they are on disk (what the pull request will merge, uncommitted edits
 * included) and as they are in the tree at REF. A file at both places
 * whose Flyway checksum differs was edited (so a line-ending change is
 * not an edit, exactly as for Flyway); a file only at REF was deleted,
 * or renamed when a new file has its checksum; a new file whose version
 * is not above the highest one at REF in its directory is out of order.
 * New files that drop or rename a table or column are checked against
 * the source files at REF that still name it (the code old pods run).
 *
 * It does not parse SQL itself (sqlfile.c does) and it reads nothing
 * but the repository and the inputs.
 */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "contract.h"
#include "err.h"
#include "flyway.h"
#include "gitbase.h"
#include "lint.h"
#include "migfile.h"
#include "path.h"
#include "util.h"

/* One lint input: a file or directory inside the working tree. */
struct scope {
	const char *given; /* as on the command line */
	char *rel;	   /* in the repository; "" for the top */
};

struct gitbase {
	struct am_lint *lint;
	const char *ref;
	git_repository *repo;
	git_tree *tree; /* at REF */
	char *workdir;	/* real path, ending in '/' */
	struct scope *scopes;
	size_t nscopes;
	struct am_migs at_ref, on_disk;
};

/*
 * libgit2 is opened when --base is used, not linked: linking it loads 19
 * shared libraries (TLS, SSH, Kerberos) on every start of argomig, 1.5 ms
 * that `argomig generate`, which Argo CD runs on every refresh, never
 * needs. The table below is every libgit2 function this file calls.
 */
#ifndef AM_LIBGIT2_SONAME
#define AM_LIBGIT2_SONAME "libgit2.so"
#endif

#define LIBGIT2_FUNCS(X) \
	X(git_blob_free)\
	X(git_blob_is_binary)\
	X(git_blob_lookup)\
	X(git_blob_rawcontent)\
	X(git_blob_rawsize)\
	X(git_error_last)\
	X(git_libgit2_init)\
	X(git_libgit2_shutdown)\
	X(git_object_free)\
	X(git_object_peel)\
	X(git_repository_free)\
	X(git_repository_is_shallow)\
	X(git_repository_open_ext)\
	X(git_repository_path)\
	X(git_repository_workdir)\
	X(git_revparse_single)\
	X(git_tree_entry_byindex)\
	X(git_tree_entry_bypath)\
	X(git_tree_entry_filemode)\
	X(git_tree_entry_free)\
	X(git_tree_entry_id)\
	X(git_tree_entry_name)\
	X(git_tree_entry_type)\
	X(git_tree_entrycount)\
	X(git_tree_free)\
	X(git_tree_lookup)\
	X(git_tree_walk)

static struct {
#define X(f) __typeof__(f) *f;
	LIBGIT2_FUNCS(X)
#undef X
} lg;

static int libgit2_open(void)
{
	static void *handle;
	const char *missing = NULL;

	if (handle)
		return 0;
	handle = dlopen(AM_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle)
		return am_error_set(AM_EGIT,
				    "--base needs libgit2: %s (on Debian 12, "
				    "install libgit2-1.5)",
				    dlerror());
#define X(f)                                              \
	if (!(*(void **)&lg.f = dlsym(handle, #f)) && !missing) \
		missing = #f;
	LIBGIT2_FUNCS(X)
#undef X
	if (missing) {
		dlclose(handle);
		handle = NULL;
		return am_error_set(AM_EGIT, "%s has no '%s'", AM_LIBGIT2_SONAME,
				    missing);
	}
	return 0;
}

static int git_fail(const char *what)
{
	const git_error *e = lg.git_error_last();

	return am_error_set(AM_EGIT, "%s: %s", what,
			    e && e->message ? e->message : "libgit2 error");
}

/* "db" + "V1__a.sql" -> "db/V1__a.sql", as the lint driver names files. */
static char *join_display(const char *given, const char *rest)
{
	return *rest ? am_path_join(given, rest) : xstrdup(given);
}

static char *join_rel(const char *dir, const char *name)
{
	return *dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
}

/* --- the working tree ---------------------------------------------------- */

static int disk_file(struct gitbase *gb, const char *abs, char *rel,
		     char *display, const char *name)
{
	enum am_mig_runner runner;
	char *version, *data = NULL;
	size_t len = 0;
	int rc;

	if (!am_mig_classify(name, &runner, &version)) {
		free(rel);
		free(display);
		return 0;
	}
	rc = am_read_file(&data, &len, abs, AM_MIGFILE_LIMIT);
	if (rc < 0) {
		free(version);
		free(rel);
		free(display);
		return rc;
	}
	am_migs_add(&gb->on_disk, rel, display, runner, version, data, len);
	return 0;
}

static int disk_walk(struct gitbase *gb, const char *abs, const char *rel,
		     const char *display)
{
	DIR *d = opendir(abs);
	char **names;
	size_t nr, i;
	int rc = 0;

	if (!d)
		return am_error_set(AM_ENOTFOUND, "cannot open '%s': %s",
				    display, strerror(errno));
	am_dir_names(d, true, &names, &nr);
	for (i = 0; i < nr && rc == 0; i++) {
		char *cabs, *crel, *cdisp;
		struct stat st;

		/* what the lint driver skips too (lint_input.c) */
		if (!strcmp(names[i], ".git") ||
		    !strcmp(names[i], "node_modules"))
			continue;
		cabs = xasprintf("%s/%s", abs, names[i]);
		crel = join_rel(rel, names[i]);
		cdisp = join_display(display, names[i]);
		if (lstat(cabs, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = disk_walk(gb, cabs, crel, cdisp);
			free(crel);
			free(cdisp);
		} else if (lstat(cabs, &st) == 0 && S_ISREG(st.st_mode)) {
			rc = disk_file(gb, cabs, crel, cdisp, names[i]);
		} else {
			free(crel);
			free(cdisp);
		}
		free(cabs);
	}
	am_names_free(names, nr);
	return rc;
}

/* --- the tree at REF ------------------------------------------------------ */

static int blob_read(struct gitbase *gb, const git_oid *id, char **out,
		     size_t *outlen)
{
	git_blob *blob = NULL;
	git_object_size_t size;
	char *data;

	if (lg.git_blob_lookup(&blob, gb->repo, id) < 0)
		return git_fail("cannot read a file at the base ref");
	size = lg.git_blob_rawsize(blob);
	if (size > AM_MIGFILE_LIMIT) {
		lg.git_blob_free(blob);
		return am_error_set(AM_ETOOBIG,
				    "a file at '%s' is larger "
				    "than %d bytes",
				    gb->ref, AM_MIGFILE_LIMIT);
	}
	data = xmalloc((size_t)size + 1);
	memcpy(data, lg.git_blob_rawcontent(blob), (size_t)size);
	data[size] = '\0';
	lg.git_blob_free(blob);
	*out = data;
	*outlen = (size_t)size;
	return 0;
}

static bool entry_is_file(const git_tree_entry *e)
{
	git_filemode_t mode = lg.git_tree_entry_filemode(e);

	return mode == GIT_FILEMODE_BLOB ||
	       mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

static int ref_file(struct gitbase *gb, const git_tree_entry *e,
		    const char *rel, const char *display)
{
	enum am_mig_runner runner;
	char *version, *data = NULL;
	size_t len = 0;
	int rc;

	if (!entry_is_file(e) ||
	    !am_mig_classify(lg.git_tree_entry_name(e), &runner, &version))
		return 0;
	rc = blob_read(gb, lg.git_tree_entry_id(e), &data, &len);
	if (rc < 0) {
		free(version);
		return rc;
	}
	am_migs_add(&gb->at_ref, xstrdup(rel), xstrdup(display), runner,
		    version, data, len);
	return 0;
}

struct ref_walk {
	struct gitbase *gb;
	const struct scope *scope;
	int rc;
};

static int ref_walk_cb(const char *root, const git_tree_entry *e, void *p)
{
	struct ref_walk *w = p;
	char *sub, *rel, *display;

	if (lg.git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	sub = xasprintf("%s%s", root, lg.git_tree_entry_name(e));
	rel = join_rel(w->scope->rel, sub);
	display = join_display(w->scope->given, sub);
	w->rc = ref_file(w->gb, e, rel, display);
	free(sub);
	free(rel);
	free(display);
	return w->rc < 0 ? -1 : 0;
}

static int ref_collect(struct gitbase *gb, const struct scope *s)
{
	git_tree_entry *e = NULL;
	git_tree *sub = NULL;
	struct ref_walk w = {gb, s, 0};
	int rc = 0;

	if (!*s->rel) {
		if (lg.git_tree_walk(gb->tree, GIT_TREEWALK_PRE, ref_walk_cb, &w) <
		    0)
			rc = w.rc < 0 ? w.rc
				      : git_fail("cannot walk the base tree");
		return rc;
	}
	if (lg.git_tree_entry_bypath(&e, gb->tree, s->rel) < 0)
		return 0; /* not at REF: everything under it is new */
	if (lg.git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		if (lg.git_tree_lookup(&sub, gb->repo, lg.git_tree_entry_id(e)) < 0)
			rc = git_fail("cannot read the base tree");
		else if (lg.git_tree_walk(sub, GIT_TREEWALK_PRE, ref_walk_cb, &w) <
			 0)
			rc = w.rc < 0 ? w.rc
				      : git_fail("cannot walk the base tree");
	} else if (lg.git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		rc = ref_file(gb, e, s->rel, s->given);
	}
	lg.git_tree_free(sub);
	lg.git_tree_entry_free(e);
	return rc;
}

/*
 * The highest version of 'runner' among the versioned migrations directly
 * in directory 'dir' at REF. *max_name is set to its file name (owned),
 * or NULL when the directory holds none.
 */
static int ref_dir_max(struct gitbase *gb, const char *dir,
		       enum am_mig_runner runner, char **max_version,
		       char **max_name)
{
	git_tree_entry *e = NULL;
	git_tree *t = gb->tree, *sub = NULL;
	size_t i, n;

	*max_version = *max_name = NULL;
	if (*dir) {
		if (lg.git_tree_entry_bypath(&e, gb->tree, dir) < 0 ||
		    lg.git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			lg.git_tree_entry_free(e);
			return 0;
		}
		if (lg.git_tree_lookup(&sub, gb->repo, lg.git_tree_entry_id(e)) < 0) {
			lg.git_tree_entry_free(e);
			return git_fail("cannot read the base tree");
		}
		lg.git_tree_entry_free(e);
		t = sub;
	}
	n = lg.git_tree_entrycount(t);
	for (i = 0; i < n; i++) {
		const git_tree_entry *c = lg.git_tree_entry_byindex(t, i);
		enum am_mig_runner r;
		char *v;

		if (!entry_is_file(c) ||
		    !am_mig_classify(lg.git_tree_entry_name(c), &r, &v))
			continue;
		if (r == runner &&
		    (!*max_version ||
		     am_flyway_version_cmp(v, *max_version) > 0)) {
			free(*max_version);
			free(*max_name);
			*max_version = v;
			*max_name = xstrdup(lg.git_tree_entry_name(c));
		} else {
			free(v);
		}
	}
	lg.git_tree_free(sub);
	return 0;
}

/* --- opening the repository and REF -------------------------------------- */

static int open_repo(struct gitbase *gb, char *const *paths, size_t n)
{
	char *start = NULL, *real = NULL;
	const char *wd;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !start; i++)
		if (strcmp(paths[i], "-"))
			start = realpath(paths[i], NULL);
	if (!start)
		return am_error_set(AM_EUSAGE,
				    "--base needs a file or "
				    "directory input inside a git repository");
	rc = lg.git_repository_open_ext(&gb->repo, start, 0, NULL);
	if (rc == GIT_ENOTFOUND || rc == GIT_EOWNER) {
		/*
		 * libgit2 1.5 answers "not found" when git's safe.directory
		 * check refuses a repository owned by another user.
		 */
		char *top = am_path_git_root(start);

		if (top)
			rc = am_error_set(AM_EGIT,
					  "--base: git refuses the repository "
					  "at '%s' because another user owns it; "
					  "if you trust it, run 'git config "
					  "--global --add safe.directory %s'",
					  top, top);
		else
			rc = am_error_set(AM_EGIT,
					  "--base: '%s' is not inside a git "
					  "repository",
					  paths[i - 1]);
		free(top);
		goto out;
	}
	if (rc < 0) {
		rc = git_fail("--base: cannot open the repository");
		goto out;
	}
	wd = lg.git_repository_workdir(gb->repo);
	if (!wd) {
		rc = am_error_set(AM_EGIT,
				  "--base: the repository at '%s' is "
				  "bare (no working tree to compare)",
				  lg.git_repository_path(gb->repo));
		goto out;
	}
	real = realpath(wd, NULL);
	if (!real) {
		rc = am_error_set(AM_EGIT, "--base: cannot resolve '%s': %s",
				  wd, strerror(errno));
		goto out;
	}
	gb->workdir = strcmp(real, "/") ? xasprintf("%s/", real) : xstrdup("/");
out:
	free(real);
	free(start);
	return rc;
}

static int resolve_ref(struct gitbase *gb)
{
	git_object *obj = NULL, *tree = NULL;
	const git_error *e;
	const char *why;
	int rc;

	rc = lg.git_revparse_single(&obj, gb->repo, gb->ref);
	if (rc == 0)
		rc = lg.git_object_peel(&tree, obj, GIT_OBJECT_TREE);
	if (rc == 0) {
		gb->tree = (git_tree *)tree;
		lg.git_object_free(obj);
		return 0;
	}
	if (lg.git_repository_is_shallow(gb->repo) == 1) {
		rc = am_error_set(AM_EGIT,
				  "--base: cannot resolve '%s' in "
				  "this shallow clone; fetch the full history "
				  "('git fetch --unshallow', or 'fetch-depth: "
				  "0' in actions/checkout)",
				  gb->ref);
	} else {
		e = lg.git_error_last();
		why = e && e->message && *e->message ? e->message
		      : rc == GIT_EAMBIGUOUS	     ? "ambiguous"
		      : rc == GIT_EINVALIDSPEC	     ? "invalid revision"
						     : "not found";
		rc = am_error_set(AM_EGIT, "--base: cannot resolve '%s': %s",
				  gb->ref, why);
	}
	lg.git_object_free(obj);
	return rc;
}

static int make_scopes(struct gitbase *gb, char *const *paths, size_t n)
{
	size_t i, wl = strlen(gb->workdir);

	gb->scopes = xcalloc(n, sizeof(*gb->scopes));
	for (i = 0; i < n; i++) {
		char *real;
		struct scope *s;

		if (!strcmp(paths[i], "-"))
			continue;
		real = realpath(paths[i], NULL);
		if (!real)
			return am_error_set(AM_ENOTFOUND,
					    "cannot open '%s': %s", paths[i],
					    strerror(errno));
		s = &gb->scopes[gb->nscopes++];
		s->given = paths[i];
		if (!strcmp(real, gb->workdir) ||
		    (strlen(real) + 1 == wl &&
		     !strncmp(real, gb->workdir, wl - 1))) {
			s->rel = xstrdup("");
		} else if (!strncmp(real, gb->workdir, wl)) {
			s->rel = xstrdup(real + wl);
		} else {
			free(real);
			return am_error_set(AM_EUSAGE,
					    "--base: '%s' is not in "
					    "the repository at '%s'",
					    paths[i], gb->workdir);
		}
		free(real);
	}
	return 0;
}

static int collect(struct gitbase *gb)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < gb->nscopes && rc == 0; i++) {
		const struct scope *s = &gb->scopes[i];
		char *abs = xasprintf("%s%s", gb->workdir, s->rel);
		struct stat st;

		if (stat(abs, &st) < 0) {
			rc = am_error_set(AM_ENOTFOUND, "cannot open '%s': %s",
					  s->given, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = disk_walk(gb, abs, s->rel, s->given);
		} else {
			const char *slash = strrchr(s->rel, '/');

			rc = disk_file(gb, abs, xstrdup(s->rel),
				       xstrdup(s->given),
				       slash ? slash + 1 : s->rel);
		}
		free(abs);
		if (rc == 0)
			rc = ref_collect(gb, s);
	}
	am_migs_sort(&gb->at_ref);
	am_migs_sort(&gb->on_disk);
	return rc;
}

/* --- the rules -------------------------------------------------------------- */

static void report(struct gitbase *gb, const char *id, const char *file,
		   int line, int col, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void report(struct gitbase *gb, const char *id, const char *file,
		   int line, int col, const char *hint, const char *fmt, ...)
{
	const struct am_rule *rule = am_rule_find(id);
	struct am_where at = {file, line, col, NULL, NULL, NULL};
	va_list ap;
	char *msg;

	if (!rule)
		AM_BUG("rule '%s' is not registered", id);
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	am_lint_report(gb->lint, rule, rule->severity, &at, hint, "%s", msg);
	free(msg);
}

static const char *runner_name(enum am_mig_runner r)
{
	return r == AM_MIG_FLYWAY ? "flyway" : "golang-migrate";
}

static void check_edited(struct gitbase *gb, struct am_mig *now,
			 struct am_mig *was)
{
	int line, col;

	if (now->sum == was->sum)
		return;
	am_mig_first_difference(now, was, &line, &col);
	if (now->runner == AM_MIG_FLYWAY)
		report(gb, "migration-edited", now->display, line, col,
		       "restore the file as it is at the base ref and make the "
		       "change in a new migration: Flyway refuses to migrate a "
		       "database whose history holds the old checksum",
		       "migration '%s' was changed after it was merged "
		       "(flyway checksum %d at '%s', %d now)",
		       now->display, was->sum, gb->ref, now->sum);
	else
		report(gb, "migration-edited", now->display, line, col,
		       "restore the file as it is at the base ref and make the "
		       "change in a new migration: golang-migrate never runs "
		       "an applied migration again, so databases that ran it "
		       "keep the old version",
		       "migration '%s' was changed after it was merged (its "
		       "text differs from '%s')",
		       now->display, gb->ref);
}

static void check_deleted(struct gitbase *gb, struct am_mig *was)
{
	size_t i;

	for (i = 0; i < gb->on_disk.nr; i++) {
		struct am_mig *d = &gb->on_disk.items[i];

		if (d->matched || d->runner != was->runner ||
		    d->sum != was->sum)
			continue;
		d->matched = true;
		report(gb, "migration-deleted", d->display, 1, 1,
		       "rename it back: the migration history records the "
		       "version and script name of every applied migration",
		       "migration '%s' at '%s' was renamed to '%s'",
		       was->display, gb->ref, d->display);
		return;
	}
	report(gb, "migration-deleted", was->display, 1, 1,
	       "restore the file: databases that applied it still list it "
	       "(flyway validate fails on an applied migration that is not "
	       "resolved locally); to undo what it did, add a new migration",
	       "%s migration '%s' at '%s' was deleted",
	       runner_name(was->runner), was->display, gb->ref);
}

static int check_out_of_order(struct gitbase *gb, struct am_mig *d)
{
	char *dir = xstrndup(d->rel, d->dirlen);
	char *max = NULL, *max_name = NULL, *hint;
	int rc;

	rc = ref_dir_max(gb, dir, d->runner, &max, &max_name);
	if (rc == 0 && max && am_flyway_version_cmp(d->version, max) <= 0) {
		hint = xasprintf(
			"give it a version above %s: databases already "
			"at %s skip it (flyway fails validation unless "
			"outOfOrder=true; golang-migrate never runs it)",
			max, max);
		report(gb, "migration-out-of-order", d->display, 1, 1, hint,
		       "new migration '%s' has version %s, not above the "
		       "highest version %s at '%s' ('%s')",
		       d->display, d->version, max, gb->ref, max_name);
		free(hint);
	}
	free(max);
	free(max_name);
	free(dir);
	return rc;
}

/* --- migration-contract-too-early ---------------------------------------- */

#define SEARCH_LIMIT (4 * 1024 * 1024) /* larger files are not code */

/* Repository directories that hold migrations (sorted, unique). */
struct dirset {
	char **items;
	size_t nr, alloc;
};

static void dirset_add(struct dirset *d, const char *dir, size_t len)
{
	AM_GROW(d->items, d->alloc, d->nr + 1);
	d->items[d->nr++] = xstrndup(dir, len);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool dirset_has(const struct dirset *d, const char *dir, size_t len)
{
	char *key = xstrndup(dir, len);
	bool yes = d->nr &&
		   bsearch(&key, d->items, d->nr, sizeof(*d->items), str_cmp);

	free(key);
	return yes;
}

static void dirset_release(struct dirset *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		free(d->items[i]);
	free(d->items);
}

struct search {
	struct gitbase *gb;
	struct am_contract *contract;
	struct dirset dirs;
	int rc;
};

/* Pass 1: every directory at REF with a migration-tool file name. */
static int migdir_cb(const char *root, const git_tree_entry *e, void *p)
{
	struct search *s = p;
	size_t n = strlen(root);

	if (lg.git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
	    am_mig_dir_marker(lg.git_tree_entry_name(e)))
		dirset_add(&s->dirs, root, n ? n - 1 : 0);
	return 0;
}

/* Pass 2: the text of every other file. */
static int search_cb(const char *root, const git_tree_entry *e, void *p)
{
	struct search *s = p;
	const char *name = lg.git_tree_entry_name(e);
	size_t n = strlen(root);
	git_blob *blob = NULL;
	char *path;

	if (lg.git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		char *sub = xasprintf("%s%s", root, name);
		bool skip = !am_contract_dir_searched(name) ||
			    dirset_has(&s->dirs, sub, strlen(sub));

		free(sub);
		return skip ? 1 : 0;
	}
	if (!entry_is_file(e) || !am_contract_file_searched(name) ||
	    dirset_has(&s->dirs, root, n ? n - 1 : 0))
		return 0;
	if (lg.git_blob_lookup(&blob, s->gb->repo, lg.git_tree_entry_id(e)) < 0) {
		s->rc = git_fail("cannot read a file at the base ref");
		return -1;
	}
	if (!lg.git_blob_is_binary(blob) &&
	    lg.git_blob_rawsize(blob) <= SEARCH_LIMIT) {
		path = xasprintf("%s%s", root, name);
		am_contract_scan(s->contract, path, lg.git_blob_rawcontent(blob),
				 (size_t)lg.git_blob_rawsize(blob));
		free(path);
	}
	lg.git_blob_free(blob);
	return 0;
}

static void report_contract(struct gitbase *gb,
			    const struct am_contract_target *t)
{
	char *msg = am_contract_message(t, gb->ref);
	char *hint = am_contract_hint(t);

	report(gb, "migration-contract-too-early", t->file, t->change.line,
	       t->change.col, hint, "%s", msg);
	free(hint);
	free(msg);
}

static int check_contract(struct gitbase *gb)
{
	struct am_contract contract;
	struct search s;
	size_t i;

	am_contract_init(&contract);
	memset(&s, 0, sizeof(s));
	s.gb = gb;
	s.contract = &contract;
	for (i = 0; i < gb->on_disk.nr; i++) {
		const struct am_mig *d = &gb->on_disk.items[i];

		if (!d->matched)
			am_contract_add_migration(&contract, d->display,
						  d->data, d->len);
	}
	if (!contract.nr)
		goto out;
	if (lg.git_tree_walk(gb->tree, GIT_TREEWALK_PRE, migdir_cb, &s) < 0) {
		s.rc = git_fail("cannot walk the base tree");
		goto out;
	}
	for (i = 0; i < gb->on_disk.nr; i++)
		dirset_add(&s.dirs, gb->on_disk.items[i].rel,
			   gb->on_disk.items[i].dirlen);
	if (s.dirs.nr)
		qsort(s.dirs.items, s.dirs.nr, sizeof(*s.dirs.items), str_cmp);
	if (lg.git_tree_walk(gb->tree, GIT_TREEWALK_PRE, search_cb, &s) < 0) {
		if (s.rc == 0)
			s.rc = git_fail("cannot walk the base tree");
		goto out;
	}
	for (i = 0; i < contract.nr; i++)
		if (contract.items[i].hit_files)
			report_contract(gb, &contract.items[i]);
out:
	dirset_release(&s.dirs);
	am_contract_release(&contract);
	return s.rc;
}

static int compare(struct gitbase *gb)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < gb->on_disk.nr; i++) {
		struct am_mig *d = &gb->on_disk.items[i];
		struct am_mig *r = am_migs_find(&gb->at_ref, d->rel);

		if (!r)
			continue;
		d->matched = r->matched = true;
		check_edited(gb, d, r);
	}
	for (i = 0; i < gb->at_ref.nr; i++)
		if (!gb->at_ref.items[i].matched)
			check_deleted(gb, &gb->at_ref.items[i]);
	for (i = 0; i < gb->on_disk.nr && rc == 0; i++)
		if (!gb->on_disk.items[i].matched)
			rc = check_out_of_order(gb, &gb->on_disk.items[i]);
	if (rc == 0)
		rc = check_contract(gb);
	return rc;
}

int am_gitbase_lint(struct am_lint *lint, char *const *paths, size_t n)
{
	struct gitbase gb;
	size_t i;
	int rc;

	memset(&gb, 0, sizeof(gb));
	gb.lint = lint;
	gb.ref = lint->base_ref;
	if (!gb.ref)
		AM_BUG("am_gitbase_lint without a base ref");
	rc = libgit2_open();
	if (rc < 0)
		return rc;
	if (lg.git_libgit2_init() < 0)
		return am_error_set(AM_EGIT, "cannot initialize libgit2");
	rc = open_repo(&gb, paths, n);
	if (rc == 0)
		rc = resolve_ref(&gb);
	if (rc == 0)
		rc = make_scopes(&gb, paths, n);
	if (rc == 0)
		rc = collect(&gb);
	if (rc == 0)
		rc = compare(&gb);

	am_migs_release(&gb.at_ref);
	am_migs_release(&gb.on_disk);
	for (i = 0; i < gb.nscopes; i++)
		free(gb.scopes[i].rel);
	free(gb.scopes);
	free(gb.workdir);
	lg.git_tree_free(gb.tree);
	lg.git_repository_free(gb.repo);
	lg.git_libgit2_shutdown();
	return rc;
}
