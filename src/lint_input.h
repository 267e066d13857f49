/* SPDX-License-Identifier: MIT */
/*
 * lint_input.h - what one command-line input of `argomig lint` stands for:
 * a file, "-" (a YAML stream on stdin), or a directory walked recursively.
 *
 * A directory yields its *.yaml, *.yml, *.json and *.sql files (not
 * .argomig-lint.yaml), sorted by path, skipping .git and node_modules.
 * Symbolic links are followed only to regular files inside the walked
 * directory; the others are skipped with a note for the caller to show.
 * A file named on the command line is read whatever its name.
 */
#ifndef AM_LINT_INPUT_H
#define AM_LINT_INPUT_H

#include <stddef.h>

enum am_input_kind {
	AM_INPUT_YAML,	/* YAML or JSON: Kubernetes manifests */
	AM_INPUT_SQL,	/* a SQL migration */
};

struct am_input_file {
	char *path;		/* as shown in findings: the argument, joined */
	char *abs;		/* absolute path; NULL for stdin */
	enum am_input_kind kind;
};

struct am_input {
	struct am_input_file *files;	/* sorted by path */
	size_t nr, alloc;
	char **notes;			/* "skipping 'x': ...", for stderr */
	size_t nnotes, anotes;
};

#define AM_INPUT_INIT { NULL, 0, 0, NULL, 0, 0 }

/* The kind of a file by its name: *.sql is SQL, anything else YAML. */
enum am_input_kind am_input_kind_of(const char *path);

/*
 * Appends the files that 'arg' stands for. Returns 0, or AM_ENOTFOUND
 * after am_error_set() ("cannot open 'x': reason") when 'arg' or a
 * directory below it cannot be read.
 */
int am_input_expand(struct am_input *in, const char *arg);

void am_input_release(struct am_input *in);

#endif
