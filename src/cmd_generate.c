/* SPDX-License-Identifier: MIT */
/*
 * cmd_generate.c - `argomig generate`: what Argo CD's plugin sidecar runs.
 *
 * Renders argomig.yaml (in the current directory, which Argo CD sets to
 * the Application's path) into a YAML stream on stdout, after linting
 * it. Everything is rendered into memory first: on any failure nothing
 * reaches stdout (an empty stdout would make Argo CD prune the app) and
 * stderr holds one clear line, or the lint findings.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "generate.h"
#include "lint.h"
#include "report.h"

extern char **environ;

const char cmd_generate_usage[] =
	"usage: argomig generate [--spec FILE]\n"
	"\n"
	"Render the Kubernetes manifests of a zero-downtime migration deploy\n"
	"from argomig.yaml and print them as a YAML stream: the migrations\n"
	"ConfigMap (PreSync, wave -2), the preflight Job (PreSync, -1), the\n"
	"migration Job (PreSync, 0), the Service and Deployment (wave 1), the\n"
	"smoke-test Job (PostSync, 2) and the include:d manifests. Argo CD's\n"
	"plugin sidecar runs it in the Application's directory "
	"(cmp/plugin.yaml).\n"
	"\n"
	"The output is linted before it is printed: an error-severity finding\n"
	"fails the run with the findings on stderr, unless spec.lint is warn.\n"
	"\n"
	"options:\n"
	"  --spec FILE   the spec to render (default: argomig.yaml)\n"
	"  -h, --help    show this help\n"
	"\n"
	"Overrides from the Application, highest first: plugin parameters\n"
	"(ARGOCD_APP_PARAMETERS, PARAM_IMAGE, PARAM_MIGRATION_IMAGE,\n"
	"PARAM_REPLICAS), plugin env (ARGOCD_ENV_IMAGE, "
	"ARGOCD_ENV_MIGRATION_IMAGE,\n"
	"ARGOCD_ENV_REPLICAS), then the spec. ARGOCD_APP_NAME names the app "
	"when\n"
	"metadata.name does not; ARGOCD_APP_REVISION goes into the\n"
	"argomig.io/revision annotation.\n"
	"\n"
	"Exit status: 0 rendered, 1 invalid spec or override, or lint errors\n"
	"in the output, 2 usage error or unreadable spec.\n";

/* Prints a failed run's message: positioned ones as they are. */
void am_cli_print_generate_error(int code)
{
	const char *msg = am_error_last();

	if (code == AM_EINVALID)
		fprintf(stderr, "%s\n", msg);
	else
		am_cli_error("%s", msg);
}

int am_cli_spec_options(int argc, char **argv, const char *cmd,
			const char **spec)
{
	static const struct option opts[] = {
		{"spec", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			*spec = optarg;
			break;
		case 'h':
			am_cli_help(stdout, cmd);
			return AM_EXIT_OK;
		default:
			return am_cli_usage_error(cmd, "unknown option '%s'",
						  argv[optind - 1]);
		}
	}
	if (optind < argc)
		return am_cli_usage_error(cmd, "unexpected argument '%s'",
					  argv[optind]);
	return -1;
}

int cmd_generate(int argc, char **argv)
{
	struct am_report_opts ropts = {false};
	const char *spec = "argomig.yaml";
	struct am_generate g;
	struct am_lint lint;
	size_t errors;
	int ret, status = AM_EXIT_OK;

	if ((ret = am_cli_spec_options(argc, argv, "generate", &spec)) >= 0)
		return ret;
	am_lint_init(&lint);
	am_generate_init(&g);
	ret = am_generate_run(&g, &lint, spec, environ, NULL);
	if (ret) {
		am_cli_print_generate_error(ret);
		status = ret == AM_ENOTFOUND ? AM_EXIT_USAGE : AM_EXIT_FINDINGS;
		goto out;
	}
	am_diags_sort(&lint.diags);
	errors = lint.diags.count[AM_SEV_ERROR];
	if (lint.diags.nr &&
	    am_report_write(stderr, AM_FORMAT_TEXT, &lint.diags, &lint.summary,
			    &ropts) < 0)
		am_cli_error("%s", am_error_last());
	if (errors && !g.lint_warn) {
		am_cli_error("the rendered manifests have %zu error finding%s; "
			     "nothing was printed (fix them, or set spec.lint: "
			     "warn)",
			     errors, errors == 1 ? "" : "s");
		status = AM_EXIT_FINDINGS;
		goto out;
	}
	if (!g.out.len) {
		am_cli_error("nothing was rendered; refusing to print an empty "
			     "stream");
		status = AM_EXIT_FINDINGS;
		goto out;
	}
	fwrite(g.out.buf, 1, g.out.len, stdout);
out:
	am_lint_release(&lint);
	am_generate_release(&g);
	return status;
}
