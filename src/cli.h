/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the subcommand table and exit statuses (git builtin.h style).
 *
 * Adding a subcommand: write src/cmd_<name>.c with
 * `int cmd_<name>(int argc, char **argv)` and `const char cmd_<name>_usage[]`,
 * declare both here, add a row to commands[] in main.c (sorted), add the
 * file to CLI_SRC in the Makefile, add tests/cli/ cases and a README section.
 *
 * A command returns its exit status. Only main.c and cmd_*.c print tool
 * messages ("argomig: ...") and decide exit statuses.
 */
#ifndef AM_CLI_H
#define AM_CLI_H

#include <stdio.h>

enum {
	AM_EXIT_OK = 0,		/* ran; nothing at or above --fail-on */
	AM_EXIT_FINDINGS = 1,	/* ran; findings at or above --fail-on */
	AM_EXIT_USAGE = 2,	/* usage error or unreadable input */
};

struct am_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;	/* one line, lower case, no period */
	const char *usage;	/* full --help text */
};

/* Prints "argomig: <msg>" on stderr and returns AM_EXIT_USAGE. */
int am_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "argomig: <msg>" on stderr. */
void am_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the --help text of 'name' on 'fp'; 0, or -1 if unknown. */
int am_cli_help(FILE *fp, const char *name);

/* The version string: "0.1.0 (git 1a2b3c4d5e6f)". */
const char *am_version(void);

/*
 * Prints the message of a failed generate or parameters run: positioned
 * (AM_EINVALID) messages as they are, others as "argomig: <msg>".
 */
void am_cli_print_generate_error(int code);
/*
 * Reads the options generate and parameters share, [--spec FILE] and
 * --help, for subcommand 'cmd'. Returns -1 to go on with *spec set, or
 * the exit status to return.
 */
int am_cli_spec_options(int argc, char **argv, const char *cmd,
			const char **spec);

int cmd_explain(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_parameters(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_version(int argc, char **argv);

extern const char cmd_explain_usage[];
extern const char cmd_generate_usage[];
extern const char cmd_help_usage[];
extern const char cmd_lint_usage[];
extern const char cmd_parameters_usage[];
extern const char cmd_rules_usage[];
extern const char cmd_version_usage[];

#endif
