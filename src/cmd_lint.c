/* SPDX-License-Identifier: MIT */
/*
 * cmd_lint.c - `argomig lint`: options, the run, the reports, the exit
 * status (0 clean, 1 findings at or above --fail-on, 2 usage error or
 * unreadable input; never 1 for a tool failure).
 *
 * Reading inputs is lint_run.c's job, printing report.c's; this file only
 * wires them to the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "lint.h"
#include "lint_run.h"
#include "report.h"
#include "util.h"

const char cmd_lint_usage[] =
	"usage: argomig lint [--format text|json|sarif|github] [--output FORMAT=FILE]...\n"
	"                    [--fail-on error|warning|note] [--base REF] [--pg-version N]\n"
	"                    [--config FILE] [--rule ID=off|note|warning|error]...\n"
	"                    [--show-source] PATH|-...\n"
	"\n"
	"Check Kubernetes manifests and SQL migrations for the patterns that cause\n"
	"deploy-day outages. PATH is a file or a directory (read recursively:\n"
	"*.yaml, *.yml, *.json, *.sql; .git and node_modules are skipped); '-'\n"
	"reads a YAML stream from standard input.\n"
	"\n"
	"options:\n"
	"  --format FORMAT      the report on standard output: text (default),\n"
	"                       json, sarif (SARIF 2.1.0) or github (workflow commands)\n"
	"  --output FORMAT=FILE also write a report in FORMAT to FILE (atomically);\n"
	"                       may be repeated\n"
	"  --fail-on SEVERITY   exit 1 when a finding is at or above SEVERITY:\n"
	"                       error (default), warning or note\n"
	"  --base REF           compare migration files with the git revision REF\n"
	"                       (edited, deleted, renamed or out-of-order migrations)\n"
	"  --pg-version N       the PostgreSQL major version migrations run on\n"
	"                       (default 15; overrides pgVersion in the configuration)\n"
	"  --config FILE        use FILE instead of discovering .argomig-lint.yaml\n"
	"  --rule ID=SEVERITY   set a rule's severity (off, note, warning, error),\n"
	"                       over the configuration; may be repeated\n"
	"  --show-source        show the source line and a caret under each finding\n"
	"                       (the default when standard output is a terminal)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 no finding at or above --fail-on, 1 at least one,\n"
	"2 usage error, invalid configuration or unreadable input.\n"
	"See 'argomig rules' for the rules and 'argomig explain RULE' for one.\n";

struct output {
	enum am_format format;
	const char *path;
};

struct lint_opts {
	enum am_format format;
	struct output *outputs;
	size_t noutputs, aoutputs;
	const char *config;
	bool show_source;
};

static int parse_rule(struct am_lint *lint, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const struct am_rule *rule;
	enum am_severity sev;
	char *id;

	if (!eq)
		return am_cli_usage_error("lint", "--rule expects ID=SEVERITY, not '%s'",
					  arg);
	id = xstrndup(arg, (size_t)(eq - arg));
	rule = am_rule_find(id);
	if (!rule) {
		am_cli_error("unknown rule '%s' in --rule. See 'argomig rules'.",
			     id);
		free(id);
		return AM_EXIT_USAGE;
	}
	free(id);
	if (am_severity_parse(&sev, eq + 1) < 0)
		return am_cli_usage_error("lint",
					  "--rule %s: severity must be off, note, warning or error, not '%s'",
					  rule->id, eq + 1);
	lint->cli_sev[rule - am_rule_at(0)] = (int)sev;
	return 0;
}

static int parse_output(struct lint_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	enum am_format fmt;
	char *name;
	int bad;

	if (!eq || !eq[1])
		return am_cli_usage_error("lint", "--output expects FORMAT=FILE, not '%s'",
					  arg);
	name = xstrndup(arg, (size_t)(eq - arg));
	bad = am_format_parse(&fmt, name);
	free(name);
	if (bad)
		return am_cli_usage_error("lint",
					  "--output: format must be text, json, sarif or github, not '%.*s'",
					  (int)(eq - arg), arg);
	AM_GROW(o->outputs, o->aoutputs, o->noutputs + 1);
	o->outputs[o->noutputs].format = fmt;
	o->outputs[o->noutputs].path = eq + 1;
	o->noutputs++;
	return 0;
}

static int parse_pg_version(struct am_lint_run *run, const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (!*arg || *end || n < 9 || n > 99)
		return am_cli_usage_error("lint",
					  "--pg-version expects a PostgreSQL major version such as 15, not '%s'",
					  arg);
	run->cli_pg_version = (int)n;
	run->lint->pg_version = (int)n;
	return 0;
}

enum {
	OPT_FORMAT = 256,
	OPT_OUTPUT,
	OPT_FAIL_ON,
	OPT_BASE,
	OPT_PG_VERSION,
	OPT_CONFIG,
	OPT_RULE,
	OPT_SHOW_SOURCE,
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "pg-version", required_argument, NULL, OPT_PG_VERSION },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "rule", required_argument, NULL, OPT_RULE },
	{ "show-source", no_argument, NULL, OPT_SHOW_SOURCE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, struct lint_opts *o,
			 struct am_lint_run *run)
{
	struct am_lint *lint = run->lint;
	int c, ret;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		ret = 0;
		switch (c) {
		case 'h':
			am_cli_help(stdout, "lint");
			return AM_EXIT_OK;
		case OPT_FORMAT:
			if (am_format_parse(&o->format, optarg) < 0)
				ret = am_cli_usage_error("lint",
							 "--format must be text, json, sarif or github, not '%s'",
							 optarg);
			break;
		case OPT_OUTPUT:
			ret = parse_output(o, optarg);
			break;
		case OPT_FAIL_ON:
			if (am_severity_parse(&lint->fail_on, optarg) < 0 ||
			    lint->fail_on == AM_SEV_OFF)
				ret = am_cli_usage_error("lint",
							 "--fail-on must be error, warning or note, not '%s'",
							 optarg);
			break;
		case OPT_BASE:
			lint->base_ref = optarg;
			break;
		case OPT_PG_VERSION:
			ret = parse_pg_version(run, optarg);
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_RULE:
			ret = parse_rule(lint, optarg);
			break;
		case OPT_SHOW_SOURCE:
			o->show_source = true;
			break;
		case ':':
			ret = am_cli_usage_error("lint", "option '%s' needs a value",
						 argv[optind - 1]);
			break;
		default:
			ret = am_cli_usage_error("lint", "unknown option '%s'",
						 argv[optind - 1]);
			break;
		}
		if (ret)
			return ret;
	}
	if (optind >= argc)
		return am_cli_usage_error("lint",
					  "no input: name files, directories or '-'");
	return -1;
}

static void print_notes(struct am_lint_run *run)
{
	size_t i;

	for (i = 0; i < run->nnotes; i++)
		am_cli_error("%s", run->notes[i]);
}

static int write_reports(const struct lint_opts *o, struct am_lint *lint)
{
	struct am_report_opts ro = { o->show_source };
	size_t i;

	am_diags_sort(&lint->diags);
	for (i = 0; i < o->noutputs; i++) {
		if (am_report_write_file(o->outputs[i].path,
					 o->outputs[i].format, &lint->diags,
					 &lint->summary, &ro) < 0) {
			am_cli_error("%s", am_error_last());
			return AM_EXIT_USAGE;
		}
	}
	ro.show_source = o->show_source || isatty(STDOUT_FILENO);
	if (am_report_write(stdout, o->format, &lint->diags, &lint->summary,
			    &ro) < 0) {
		am_cli_error("%s", am_error_last());
		return AM_EXIT_USAGE;
	}
	return AM_EXIT_OK;
}

int cmd_lint(int argc, char **argv)
{
	struct lint_opts o = { AM_FORMAT_TEXT, NULL, 0, 0, NULL, false };
	struct am_lint lint;
	struct am_lint_run run;
	int status, i;

	am_lint_init(&lint);
	am_lint_run_init(&run, &lint);
	status = parse_options(argc, argv, &o, &run);
	if (status >= 0)
		goto out;
	if (o.config && am_lint_run_use_config(&run, o.config) < 0) {
		am_cli_error("%s", am_error_last());
		status = AM_EXIT_USAGE;
		goto out;
	}
	for (i = optind; i < argc; i++) {
		if (am_lint_run_input(&run, argv[i]) < 0) {
			print_notes(&run);
			am_cli_error("%s", am_error_last());
			status = AM_EXIT_USAGE;
			goto out;
		}
	}
	if (am_lint_run_finish(&run, argv + optind, (size_t)(argc - optind)) < 0) {
		print_notes(&run);
		am_cli_error("%s", am_error_last());
		status = AM_EXIT_USAGE;
		goto out;
	}
	print_notes(&run);
	status = write_reports(&o, &lint);
	if (status == AM_EXIT_OK &&
	    am_diags_count_at_least(&lint.diags, lint.fail_on) > 0)
		status = AM_EXIT_FINDINGS;
out:
	am_lint_run_release(&run);
	am_lint_release(&lint);
	free(o.outputs);
	am_error_clear();
	return status;
}
