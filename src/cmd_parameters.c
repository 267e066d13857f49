/* SPDX-License-Identifier: MIT */
/*
 * cmd_parameters.c - `argomig parameters`: the parameter announcements
 * for the Argo CD UI (cmp/plugin.yaml spec.parameters.dynamic).
 *
 * Prints a JSON array of {name, title, tooltip, collectionType, string}
 * (reference/argocd.md §3), the defaults being the values in effect now:
 * the spec with the Application's overrides applied.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "err.h"
#include "spec.h"

extern char **environ;

const char cmd_parameters_usage[] =
	"usage: argomig parameters [--spec FILE]\n"
	"\n"
	"Print the parameters argomig accepts from an Argo CD Application, as\n"
	"the JSON array Argo CD's UI reads (cmp/plugin.yaml runs it as the\n"
	"dynamic parameters command): image, migration-image and replicas,\n"
	"with the values in effect now (argomig.yaml plus overrides) as "
	"defaults.\n"
	"\n"
	"options:\n"
	"  --spec FILE   the spec to read (default: argomig.yaml)\n"
	"  -h, --help    show this help\n"
	"\n"
	"Exit status: 0 printed, 1 invalid spec or override, 2 usage error or\n"
	"unreadable spec.\n";

static json_t *announce(const char *name, const char *title,
			const char *tooltip, const char *value)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", name, "title",
			 title, "tooltip", tooltip, "collectionType", "string",
			 "string", json_string_nocheck(value));
}

int cmd_parameters(int argc, char **argv)
{
	const char *path = "argomig.yaml";
	struct am_spec *spec = NULL;
	char replicas[32], *text;
	json_t *arr;
	int ret;

	if ((ret = am_cli_spec_options(argc, argv, "parameters", &path)) >= 0)
		return ret;
	ret = am_spec_load(&spec, path);
	if (!ret)
		ret = am_spec_apply_env(spec, environ);
	if (ret) {
		am_cli_print_generate_error(ret);
		am_spec_free(spec);
		return ret == AM_ENOTFOUND ? AM_EXIT_USAGE : AM_EXIT_FINDINGS;
	}
	snprintf(replicas, sizeof(replicas), "%ld", spec->app.replicas);
	arr = json_pack("[o, o, o]",
			announce("image", "App image",
				 "The application's container image, pinned to "
				 "a tag or digest (overrides spec.app.image)",
				 spec->app.image),
			announce("migration-image", "Migration image",
				 "The image of the migration Job, pinned "
				 "(overrides spec.migration.image)",
				 spec->migration.image),
			announce("replicas", "Replicas",
				 "How many app pods the Deployment runs, 1 to "
				 "1000 (overrides spec.app.replicas)",
				 replicas));
	text = arr ? json_dumps(arr, JSON_INDENT(2)) : NULL;
	json_decref(arr);
	am_spec_free(spec);
	if (!text) {
		am_cli_error("cannot encode the parameters as JSON (a value is "
			     "not UTF-8)");
		return AM_EXIT_FINDINGS;
	}
	printf("%s\n", text);
	free(text);
	return AM_EXIT_OK;
}
