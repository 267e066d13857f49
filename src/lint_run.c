/* SPDX-License-Identifier: MIT */
/*
 * lint_run.c - the `argomig lint` driver (see lint_run.h).
 *
 * It reads inputs and hands documents and files to the linters; it does
 * not know any rule (k8s.c and the SQL linter run them) and does not
 * print (cmd_lint.c and report.c do). Per-file state (configuration and
 * directive comments) lives in run->files for the whole run, so that
 * findings of rules over a whole input (or over the git history) get
 * their own file's severities and suppressions (lint->enter_file).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "generate.h"
#include "gitbase.h"
#include "k8s.h"
#include "lint_input.h"
#include "lint_run.h"
#include "path.h"
#include "sqllint.h"
#include "util.h"
#include "yaml_load.h"

static size_t hash_path(const char *s)
{
	size_t h = 14695981039346656037ULL & (size_t)-1;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (1099511628211ULL & (size_t)-1);
	return h;
}

static struct am_run_file *find_file(struct am_lint_run *run, const char *path)
{
	size_t mask = run->index_size - 1, i;

	if (!run->index_size)
		return NULL;
	for (i = hash_path(path) & mask; run->index[i]; i = (i + 1) & mask) {
		struct am_run_file *f = run->files[run->index[i] - 1];

		if (!strcmp(f->path, path))
			return f;
	}
	return NULL;
}

static void index_put(struct am_lint_run *run, size_t n)
{
	size_t mask = run->index_size - 1;
	size_t i = hash_path(run->files[n]->path) & mask;

	while (run->index[i])
		i = (i + 1) & mask;
	run->index[i] = n + 1;
}

static void index_grow(struct am_lint_run *run)
{
	size_t i;

	if (2 * run->nfiles < run->index_size)
		return;
	free(run->index);
	run->index_size = run->index_size ? 2 * run->index_size : 64;
	run->index = xcalloc(run->index_size, sizeof(*run->index));
	for (i = 0; i < run->nfiles; i++)
		index_put(run, i);
}

/* lint->enter_file: load the configuration and comments of 'file'. */
static void enter_file(struct am_lint *lint, const char *file)
{
	struct am_lint_run *run = lint->enter_arg;
	struct am_run_file *f = find_file(run, file);
	const struct am_config *c = f ? f->config : NULL;
	size_t i, n = am_rules_count();

	for (i = 0; i < n; i++)
		lint->file_sev[i] = c ? c->sev[i] : AM_SEV_DEFAULT;
	if (run->cli_pg_version)
		lint->pg_version = run->cli_pg_version;
	else if (c && c->pg_version)
		lint->pg_version = c->pg_version;
	else
		lint->pg_version = AM_PG_VERSION_DEFAULT;
	lint->comments = f ? f->comments : NULL;
	lint->ncomments = f ? f->ncomments : 0;
	lint->cur_file = f ? f->path : NULL;
}

void am_lint_run_init(struct am_lint_run *run, struct am_lint *lint)
{
	memset(run, 0, sizeof(*run));
	run->lint = lint;
	am_configs_init(&run->configs);
	lint->enter_file = enter_file;
	lint->enter_arg = run;
	lint->cur_file = NULL;
}

void am_lint_run_release(struct am_lint_run *run)
{
	size_t i, j;

	run->lint->cur_file = NULL;
	run->lint->comments = NULL;
	run->lint->ncomments = 0;
	for (i = 0; i < run->nfiles; i++) {
		struct am_run_file *f = run->files[i];

		for (j = 0; j < f->ncomments; j++)
			free(f->comments[j].text);
		free(f->comments);
		free(f->path);
		free(f);
	}
	free(run->files);
	free(run->index);
	free(run->sql);
	free(run->sql_input);
	free(run->notes_at);
	for (i = 0; i < run->nnotes; i++)
		free(run->notes[i]);
	free(run->notes);
	am_configs_release(&run->configs);
	if (run->lint->enter_arg == run) {
		run->lint->enter_file = NULL;
		run->lint->enter_arg = NULL;
	}
	memset(run, 0, sizeof(*run));
}

int am_lint_run_use_config(struct am_lint_run *run, const char *path)
{
	struct am_config *c = NULL;
	int ret = am_config_load(&c, path, NULL, run->lint);

	if (ret < 0)
		return ret;
	am_config_free(run->configs.fixed);
	run->configs.fixed = c;
	return 0;
}

static void keep_comments(struct am_run_file *f, const struct am_comment *c,
			  size_t n)
{
	size_t i;

	f->comments = n ? xmalloc(n * sizeof(*f->comments)) : NULL;
	for (i = 0; i < n; i++) {
		f->comments[i] = c[i];
		f->comments[i].text = xstrdup(c[i].text);
	}
	f->ncomments = n;
}

static void report_problems(struct am_lint *lint, const char *file,
			    const struct am_yaml_problem *p, size_t n)
{
	const struct am_rule *rule = am_rule_find("invalid-yaml");
	size_t i;

	for (i = 0; i < n; i++) {
		struct am_where at = { file, p[i].at.line > 0 ? p[i].at.line : 1,
				       p[i].at.col > 0 ? p[i].at.col : 1,
				       NULL, NULL, NULL };

		am_lint_report(lint, rule, rule->severity, &at,
			       "fix the YAML here: kubectl and Argo CD reject the file or read it differently",
			       "%s", p[i].message);
	}
}

/*
 * Lints the YAML stream of 'f': one document at a time into 'set', then
 * the reader's problems as invalid-yaml findings and the file's ignore
 * comments.
 */
static int lint_yaml(struct am_lint_run *run, struct am_objset *set,
		     struct am_run_file *f)
{
	struct am_lint *lint = run->lint;
	struct am_yaml_reader *r = NULL;
	const struct am_yaml_problem *problems;
	const struct am_comment *comments;
	bool is_stdin = !strcmp(f->path, "-");
	FILE *fp = is_stdin ? stdin : fopen(f->path, "rb");
	size_t n;
	int ret;

	if (!fp)
		return am_error_set(AM_ENOTFOUND, "cannot open '%s': %s",
				    f->path, strerror(errno));
	ret = am_yaml_reader_new(&r, f->path, fp, NULL);
	if (ret < 0)
		goto out;
	lint->summary.files++;
	for (;;) {
		struct am_yaml_doc doc = { 0 };

		ret = am_yaml_reader_next(r, &doc);
		if (ret <= 0)
			break;
		lint->comments = am_yaml_reader_comments(r, &lint->ncomments);
		ret = am_k8s_lint_doc(lint, set, f->path, &doc);
		am_yaml_doc_release(&doc);
		if (ret < 0)
			break;
	}
	if (ret < 0)
		goto out;
	problems = am_yaml_reader_problems(r, &n);
	report_problems(lint, f->path, problems, n);
	comments = am_yaml_reader_comments(r, &n);
	keep_comments(f, comments, n);
	lint->comments = f->comments;
	lint->ncomments = f->ncomments;
	am_lint_check_ignore_comments(lint, f->path);
out:
	am_yaml_reader_free(r);
	if (!is_stdin)
		fclose(fp);
	return ret;
}

static struct am_run_file *add_file(struct am_lint_run *run, const char *path,
				    const struct am_config *c)
{
	struct am_run_file *f = xcalloc(1, sizeof(*f));

	f->path = xstrdup(path);
	f->config = c;
	AM_GROW(run->files, run->afiles, run->nfiles + 1);
	run->files[run->nfiles++] = f;
	index_grow(run);	/* a rebuild indexes 'f' too */
	if (!find_file(run, path))
		index_put(run, run->nfiles - 1);
	return f;
}

/*
 * An argomig.yaml spec: rendered as `argomig generate` would (without
 * Argo CD's environment), the result linted under the name
 * "<spec> (rendered)" with the spec's configuration. A spec that cannot
 * be rendered is an unreadable input.
 */
static int lint_spec(struct am_lint_run *run, struct am_run_file *f,
		     const struct am_input_file *in)
{
	char *rendered = am_generate_rendered_name(f->path);
	char *dir = in->abs ? am_path_dirname(in->abs) : NULL;
	struct am_run_file *rf = find_file(run, rendered);
	struct am_generate g;
	int ret;

	if (!rf)
		rf = add_file(run, rendered, f->config);
	free(rendered);
	am_lint_enter_file(run->lint, rf->path);
	am_generate_init(&g);
	ret = am_generate_run(&g, run->lint, f->path, NULL,
			      dir ? am_path_basename(dir) : NULL);
	am_generate_release(&g);
	free(dir);
	return ret;
}

/* The configuration of one input file (stdin: the current directory's). */
static int config_of(struct am_lint_run *run, const struct am_input_file *in,
		     const struct am_config **out)
{
	char *dir = NULL;
	int ret;

	if (in->abs) {
		dir = am_path_dirname(in->abs);
	} else {
		dir = getcwd(NULL, 0);
		if (!dir)
			return am_error_set(AM_ENOTFOUND,
					    "cannot open the current directory: %s",
					    strerror(errno));
	}
	ret = am_configs_for_dir(&run->configs, dir, run->lint, out);
	free(dir);
	return ret;
}

/*
 * Lints the SQL files of the inputs so far. When the files of input k
 * cannot be read, the run stops there: the notes of later inputs go.
 */
static int sql_flush(struct am_lint_run *run)
{
	size_t failed = 0, i;
	int ret;

	if (!run->nsql)
		return 0;
	ret = am_sql_lint_groups(run->lint, run->sql, run->sql_input,
				 run->nsql, &failed);
	run->nsql = 0;
	if (ret < 0 && failed < run->ninputs) {
		for (i = run->notes_at[failed]; i < run->nnotes; i++)
			free(run->notes[i]);
		run->nnotes = run->notes_at[failed];
	}
	return ret;
}

/* Input 'arg' failed: the SQL files of earlier inputs come first. */
static int input_failed(struct am_lint_run *run, int ret)
{
	char *msg;

	if (!run->nsql)
		return ret;
	msg = xstrdup(am_error_last());
	if (sql_flush(run) == 0)
		am_error_set(ret, "%s", msg);
	else
		ret = am_error_code();
	free(msg);
	return ret;
}

int am_lint_run_input(struct am_lint_run *run, const char *arg)
{
	struct am_lint *lint = run->lint;
	struct am_input in = AM_INPUT_INIT;
	struct am_objset *set = NULL;
	const char **sql = NULL;
	size_t nsql = 0, asql = 0, input, i;
	int ret;

	ret = am_input_expand(&in, arg);
	for (i = 0; i < in.nnotes; i++) {
		AM_GROW(run->notes, run->anotes, run->nnotes + 1);
		run->notes[run->nnotes++] = in.notes[i];
	}
	in.nnotes = 0;
	input = run->ninputs++;
	AM_GROW(run->notes_at, run->anotes_at, run->ninputs);
	run->notes_at[input] = run->nnotes;
	if (ret < 0)
		goto out;
	set = am_objset_new();
	for (i = 0; i < in.nr; i++) {
		const struct am_input_file *file = &in.files[i];
		const struct am_config *c = NULL;
		struct am_run_file *f;

		ret = config_of(run, file, &c);
		if (ret < 0)
			goto out;
		if (c && file->abs && am_config_ignores(c, file->abs))
			continue;
		if (find_file(run, file->path))
			continue;	/* named twice: lint it once */
		f = add_file(run, file->path, c);
		am_lint_enter_file(lint, f->path);
		switch (file->kind) {
		case AM_INPUT_YAML:
			if (file->abs && am_generate_is_spec(file->path))
				ret = lint_spec(run, f, file);
			else
				ret = lint_yaml(run, set, f);
			break;
		case AM_INPUT_SQL:
			AM_GROW(sql, asql, nsql + 1);
			sql[nsql++] = f->path;
			break;
		}
		if (ret < 0)
			goto out;
	}
	/* Kubernetes rules over every object of this input. */
	ret = am_k8s_lint_set(lint, set);
	if (ret < 0)
		goto out;
	/*
	 * SQL migrations of this input, all at once (rules over a migration
	 * directory need every file): sql[0..nsql) are their paths, sorted,
	 * ignored paths already dropped, each with its configuration in
	 * run->files (am_lint_enter_file() switches to it). Queued: they are
	 * linted with those of the other inputs (sql_flush).
	 */
	AM_GROW(run->sql, run->asql, run->nsql + nsql);
	AM_GROW(run->sql_input, run->asql_input, run->nsql + nsql);
	for (i = 0; i < nsql; i++) {
		run->sql[run->nsql] = sql[i];
		run->sql_input[run->nsql++] = input;
	}
out:
	if (ret < 0)
		ret = input_failed(run, ret);
	am_objset_free(set);
	free(sql);
	am_input_release(&in);
	return ret;
}

int am_lint_run_finish(struct am_lint_run *run, char *const *args, size_t n)
{
	int ret = sql_flush(run);

	if (ret < 0)
		return ret;
	if (!run->lint->base_ref)
		return 0;
	return am_gitbase_lint(run->lint, args, n);
}
