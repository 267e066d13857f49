/* SPDX-License-Identifier: MIT */
/*
 * lint_run.h - the `argomig lint` driver: from command-line inputs to
 * findings in a struct am_lint.
 *
 * For each input (a file, a directory or "-"), every file gets its
 * configuration (.argomig-lint.yaml or --config; ignored paths are
 * dropped), YAML files are read one document at a time and each
 * document is handed to the Kubernetes linter (memory is bounded by the
 * largest document), and at the end of the input the Kubernetes rules
 * over the whole input run and the SQL files are linted together (after
 * the last input, with those of every input, each input a set of its
 * own).
 */
#ifndef AM_LINT_RUN_H
#define AM_LINT_RUN_H

#include <stddef.h>

#include "config.h"
#include "lint.h"

/* A file linted in this run, with what applies to it. */
struct am_run_file {
	char *path;			/* owned; the linters borrow it for the run */
	const struct am_config *config;	/* borrowed from configs, or NULL */
	struct am_comment *comments;	/* owned copy, sorted by line */
	size_t ncomments;
};

struct am_lint_run {
	struct am_lint *lint;		/* borrowed */
	struct am_configs configs;
	int cli_pg_version;		/* --pg-version; 0 when not given */
	char **notes;			/* skipped paths: "skipping 'x': why" */
	size_t nnotes, anotes;
	struct am_run_file **files;	/* every file linted so far, in order */
	size_t nfiles, afiles;
	size_t *index;			/* hash of path -> files[i] + 1; 0 is empty */
	size_t index_size;		/* a power of two, or 0 */
	/*
	 * The SQL files of the inputs so far, linted all at once (on every
	 * core) by am_lint_run_finish(), or before an input's error is
	 * returned. Each input's files are still linted as a set of their
	 * own, as if at the end of that input.
	 */
	const char **sql;		/* borrowed from files[] */
	size_t *sql_input;		/* per sql[]: the input's number */
	size_t nsql, asql, asql_input;
	size_t *notes_at;		/* per input: nnotes once it was expanded */
	size_t ninputs, anotes_at;
};

/* Sets lint->enter_file: 'lint' must outlive 'run'. */
void am_lint_run_init(struct am_lint_run *run, struct am_lint *lint);
void am_lint_run_release(struct am_lint_run *run);

/*
 * Uses the configuration 'path' for every input (--config) instead of
 * discovery. Returns 0 or a negative AM_E* code (unreadable, invalid).
 */
int am_lint_run_use_config(struct am_lint_run *run, const char *path);

/*
 * Lints one command-line input. Returns 0, or a negative AM_E* code after
 * am_error_set() when the input or a configuration cannot be read or is
 * invalid (findings made so far stay in the lint).
 */
int am_lint_run_input(struct am_lint_run *run, const char *arg);

/*
 * After the last input: lints the SQL files of every input; with --base
 * (lint->base_ref), compares the
 * migrations under the inputs 'args' with that git revision. Returns 0
 * or a negative AM_E* code.
 */
int am_lint_run_finish(struct am_lint_run *run, char *const *args, size_t n);

#endif
