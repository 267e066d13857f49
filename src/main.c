/* SPDX-License-Identifier: MIT */
/*
 * main.c - argomig's entry point: global options, the command table,
 * dispatch, and the last word on the exit status.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "locmap.h"
#include "revision.h" /* generated: AM_REVISION, see tools/revision.sh */
#include "util.h"

#ifndef AM_VERSION
#error "AM_VERSION is set by the Makefile"
#endif

/* Sorted by name; `argomig help` lists them in this order. */
static const struct am_cmd commands[] = {
	{ "explain", cmd_explain, "show a rule's documentation: why, bad and good examples", cmd_explain_usage },
	{ "generate", cmd_generate, "render argomig.yaml into Kubernetes manifests (Argo CD plugin)", cmd_generate_usage },
	{ "help", cmd_help, "show help for argomig or one of its commands", cmd_help_usage },
	{ "lint", cmd_lint, "check manifests and SQL migrations for deploy-day outage patterns", cmd_lint_usage },
	{ "parameters", cmd_parameters, "print the Argo CD parameter announcements of argomig.yaml", cmd_parameters_usage },
	{ "rules", cmd_rules, "list every rule with its default severity", cmd_rules_usage },
	{ "version", cmd_version, "print the version and the git revision", cmd_version_usage },
};

static const char main_usage[] =
	"usage: argomig [--version] [--help] <command> [options]\n";

const char *am_version(void)
{
	return AM_VERSION " (git " AM_REVISION ")";
}

static const struct am_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_main_help(FILE *fp)
{
	size_t i;

	fputs(main_usage, fp);
	fputs("\nZero-downtime schema migrations on Kubernetes and Argo CD.\n"
	      "\ncommands:\n",
	      fp);
	for (i = 0; i < AM_ARRAY_SIZE(commands); i++)
		fprintf(fp, "  %-12s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\nSee 'argomig help <command>' or 'argomig <command> --help'.\n"
	      "Exit status: 0 clean, 1 findings at or above --fail-on,\n"
	      "2 usage error or unreadable input.\n",
	      fp);
}

int am_cli_help(FILE *fp, const char *name)
{
	const struct am_cmd *cmd;

	if (!name) {
		print_main_help(fp);
		return 0;
	}
	cmd = find_command(name);
	if (!cmd)
		return -1;
	fputs(cmd->usage, fp);
	return 0;
}

static void verror(const char *fmt, va_list ap)
{
	fputs("argomig: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void am_cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

int am_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "See 'argomig help %s'.\n", cmd);
	return AM_EXIT_USAGE;
}

const char cmd_help_usage[] =
	"usage: argomig help [<command>]\n"
	"\n"
	"Without a command, list argomig's commands. With one, print its\n"
	"help (the same text as 'argomig <command> --help').\n";

int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		return am_cli_usage_error("help", "too many arguments");
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return am_cli_help(stdout, "help"), AM_EXIT_OK;
	if (am_cli_help(stdout, argc == 2 ? argv[1] : NULL) < 0) {
		am_cli_error("'%s' is not an argomig command. See 'argomig help'.",
			     argv[1]);
		return AM_EXIT_USAGE;
	}
	return AM_EXIT_OK;
}

const char cmd_version_usage[] =
	"usage: argomig version\n"
	"\n"
	"Print argomig's version and the git revision it was built from\n"
	"(the same as 'argomig --version').\n";

int cmd_version(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return am_cli_help(stdout, "version"), AM_EXIT_OK;
	if (argc > 1)
		return am_cli_usage_error("version", "too many arguments");
	printf("argomig %s\n", am_version());
	return AM_EXIT_OK;
}

static int finish(int status)
{
	am_locmap_release_spare();
	if (fflush(stdout) || ferror(stdout)) {
		fputs("argomig: cannot write to standard output\n", stderr);
		return AM_EXIT_USAGE;
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct am_cmd *cmd;

	if (argc < 2) {
		print_main_help(stderr);
		return AM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return finish(cmd_version(1, argv + 1));
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_main_help(stdout);
		return finish(AM_EXIT_OK);
	}
	if (argv[1][0] == '-')
		return am_cli_usage_error(NULL, "unknown option '%s'. See 'argomig help'.",
					  argv[1]);
	cmd = find_command(argv[1]);
	if (!cmd) {
		am_cli_error("'%s' is not an argomig command. See 'argomig help'.",
			     argv[1]);
		return AM_EXIT_USAGE;
	}
	return finish(cmd->fn(argc - 1, argv + 1));
}
