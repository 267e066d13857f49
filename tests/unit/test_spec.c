/* SPDX-License-Identifier: MIT */
/*
 * The spec: defaults, compiler-style errors at the right line and column,
 * paths kept inside the repository, and the overrides from Argo CD's
 * environment with their precedence.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "spec.h"
#include "tmprepo.h"
#include "util.h"

/* A fresh repository (with .git) as the current directory. */
static void setup(void)
{
	tmprepo_enter("spec");
}

#define HEAD "apiVersion: argomig.io/v1alpha1\nkind: MigrationApp\n"

static const char minimal[] = HEAD "spec:\n"
				   "  app:\n"
				   "    image: ghcr.io/acme/orders:1.4.2\n"
				   "    secret: orders-db-app\n"
				   "  migration:\n"
				   "    secret: orders-db-migrator\n";

/* Loads 'text' as argomig.yaml and expects the error message 'want'. */
static void expect_error(const char *text, const char *want)
{
	struct am_spec *spec = NULL;

	write_file("argomig.yaml", text);
	cr_assert_eq(am_spec_load(&spec, "argomig.yaml"), AM_EINVALID,
		     "loaded, expected: %s", want);
	cr_assert_null(spec);
	cr_assert_str_eq(am_error_last(), want);
}

static struct am_spec *load_ok(const char *text)
{
	struct am_spec *spec = NULL;

	write_file("argomig.yaml", text);
	cr_assert_eq(am_spec_load(&spec, "argomig.yaml"), 0, "%s",
		     am_error_last());
	return spec;
}

TestSuite(spec, .init = setup, .fini = tmprepo_leave);

Test(spec, defaults)
{
	struct am_spec *s = load_ok(minimal);

	cr_assert_null(s->name);
	cr_assert_str_eq(s->app.image, "ghcr.io/acme/orders:1.4.2");
	cr_assert_eq(s->app.replicas, 2);
	cr_assert_eq(s->app.port, 8080);
	cr_assert_str_eq(s->app.health_path, "/healthz");
	cr_assert_eq(s->app.nenv, 0);
	cr_assert_null(s->app.resources);
	cr_assert_eq(s->migration.tool, AM_TOOL_FLYWAY);
	cr_assert_str_eq(s->migration.image, AM_IMAGE_FLYWAY);
	cr_assert_null(s->migration.sql);
	cr_assert_eq(s->migration.timeout, 900);
	cr_assert_eq(s->migration.retries, 0);
	cr_assert(s->preflight.enabled);
	cr_assert_str_eq(s->preflight.image,
			 "ghcr.io/argomig/argomig-preflight:" AM_VERSION);
	cr_assert_eq(s->preflight.wait, 60);
	cr_assert(s->smoke.enabled);
	cr_assert_eq(s->ninclude, 0);
	cr_assert(!s->lint_warn);
	cr_assert_str_eq(s->root, s->dir);
	am_spec_free(s);
}

Test(spec, root_is_the_nearest_directory_above_with_git)
{
	struct am_spec *s = NULL;
	char *want = realpath(".", NULL);

	cr_assert_eq(mkdir("apps", 0755), 0);
	cr_assert_eq(mkdir("apps/orders", 0755), 0);
	write_file("apps/orders/argomig.yaml", minimal);
	cr_assert_eq(am_spec_load(&s, "apps/orders/argomig.yaml"), 0, "%s",
		     am_error_last());
	cr_assert_str_eq(s->root, want);
	cr_assert_str_neq(s->dir, want);
	am_spec_free(s);
	/* without a .git anywhere above, the spec's own directory */
	cr_assert_eq(rmdir(".git"), 0);
	cr_assert_eq(am_spec_load(&s, "apps/orders/argomig.yaml"), 0, "%s",
		     am_error_last());
	cr_assert_str_eq(s->root, s->dir);
	am_spec_free(s);
	cr_assert_eq(mkdir(".git", 0755), 0);
	free(want);
}

Test(spec, every_field)
{
	struct am_spec *s;

	cr_assert_eq(mkdir("db", 0755), 0);
	cr_assert_eq(mkdir("k8s", 0755), 0);
	write_file("k8s/pdb.yaml", "");
	s = load_ok(HEAD "metadata: {name: orders}\n"
			 "spec:\n"
			 "  app:\n"
			 "    image: ghcr.io/acme/orders@sha256:0123\n"
			 "    replicas: 3\n"
			 "    port: 9090\n"
			 "    healthPath: /ready\n"
			 "    secret: orders-db-app\n"
			 "    env: {LOG_LEVEL: info, HTTP_ADDR: \":9090\"}\n"
			 "    resources: {requests: {cpu: 100m, memory: "
			 "128Mi}, limits: {memory: 1}}\n"
			 "  migration:\n"
			 "    tool: golang-migrate\n"
			 "    secret: orders-db-migrator\n"
			 "    sql: db/\n"
			 "    timeout: 1h30m\n"
			 "    retries: 2\n"
			 "  preflight: {enabled: false, image: ghcr.io/x/pf:1, "
			 "wait: 2m}\n"
			 "  smokeTest: {enabled: false, image: curl:8}\n"
			 "  include: [k8s/, k8s/pdb.yaml]\n"
			 "  lint: warn\n");
	cr_assert_str_eq(s->name, "orders");
	cr_assert_eq(s->app.replicas, 3);
	cr_assert_eq(s->app.port, 9090);
	cr_assert_str_eq(s->app.health_path, "/ready");
	cr_assert_eq(s->app.nenv, 2);
	cr_assert_str_eq(s->app.env[1].name, "HTTP_ADDR");
	cr_assert_str_eq(s->app.env[1].value, ":9090");
	cr_assert_not_null(s->app.resources);
	cr_assert_eq(s->migration.tool, AM_TOOL_GOLANG_MIGRATE);
	cr_assert_str_eq(s->migration.image, AM_IMAGE_GOLANG_MIGRATE);
	cr_assert_str_eq(s->migration.sql->rel, "db/");
	cr_assert(s->migration.sql->is_dir);
	cr_assert_eq(s->migration.sql->line, 16);
	cr_assert_eq(s->migration.sql->col, 5);
	cr_assert_eq(s->migration.timeout, 5400);
	cr_assert_eq(s->migration.retries, 2);
	cr_assert(!s->preflight.enabled);
	cr_assert_eq(s->preflight.wait, 120);
	cr_assert(!s->smoke.enabled);
	cr_assert_str_eq(s->smoke.image, "curl:8");
	cr_assert_eq(s->ninclude, 2);
	cr_assert(s->include[0].is_dir);
	cr_assert(!s->include[1].is_dir);
	cr_assert(s->lint_warn);
	am_spec_free(s);
}

Test(spec, retries_out_of_range)
{
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app}\n"
			  "  migration:\n"
			  "    secret: mig\n"
			  "    retries: 6\n",
		     "argomig.yaml:7:5: error: spec.migration.retries must be "
		     "0, 1 or 2 (got 6)");
}

Test(spec, missing_app_image)
{
	expect_error(HEAD "spec:\n"
			  "  app:\n"
			  "    secret: app\n"
			  "  migration: {secret: mig}\n",
		     "argomig.yaml:4:3: error: spec.app.image is required");
}

Test(spec, missing_migration_image_for_command)
{
	expect_error(
		HEAD
		"spec:\n"
		"  app: {image: 'a:1', secret: app}\n"
		"  migration: {tool: command, secret: mig, command: [./m]}\n",
		"argomig.yaml:5:3: error: spec.migration.image is required");
}

Test(spec, missing_spec_and_sections)
{
	expect_error(HEAD, "argomig.yaml:1:1: error: spec is required");
	expect_error(HEAD "spec:\n  app: {image: 'a:1', secret: app}\n",
		     "argomig.yaml:3:1: error: spec.migration is required");
}

Test(spec, unknown_key_with_suggestion)
{
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app, replica: 3}\n"
			  "  migration: {secret: mig}\n",
		     "argomig.yaml:4:36: error: unknown key 'replica' in "
		     "spec.app (did you mean 'replicas'?)");
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app, healthpath: /x}\n"
			  "  migration: {secret: mig}\n",
		     "argomig.yaml:4:36: error: unknown key 'healthpath' in "
		     "spec.app (did you mean 'healthPath'?)");
	expect_error(
		HEAD "spec:\n  frobnicate: 1\n",
		"argomig.yaml:4:3: error: unknown key 'frobnicate' in spec");
}

Test(spec, non_string_where_a_string_is_needed)
{
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: 1234}\n"
			  "  migration: {secret: mig}\n",
		     "argomig.yaml:4:23: error: spec.app.secret must be a "
		     "string (got 1234): quote the value");
	expect_error(HEAD
		     "spec:\n"
		     "  app: {image: 'a:1', secret: app, env: {DEBUG: true}}\n"
		     "  migration: {secret: mig}\n",
		     "argomig.yaml:4:42: error: spec.app.env.DEBUG must be a "
		     "string (got true): quote the value");
}

Test(spec, value_with_newline_and_colon)
{
	expect_error(HEAD
		     "spec:\n"
		     "  app:\n"
		     "    image: \"ghcr.io/acme/orders:1.4.2\\nkind: Secret\"\n"
		     "    secret: app\n"
		     "  migration: {secret: mig}\n",
		     "argomig.yaml:5:5: error: spec.app.image must be one line "
		     "of text without control characters (got "
		     "\"ghcr.io/acme/orders:1.4.2\\nkind: Secret\")");
}

Test(spec, images_must_be_pinned)
{
	expect_error(
		HEAD "spec:\n"
		     "  app: {image: ghcr.io/acme/orders, secret: app}\n"
		     "  migration: {secret: mig}\n",
		"argomig.yaml:4:9: error: spec.app.image must be pinned to a "
		"tag or digest (\"name:1.4.2\" or \"name@sha256:...\")");
	expect_error(
		HEAD
		"spec:\n"
		"  app: {image: 'a:1', secret: app}\n"
		"  migration: {secret: mig, image: 'flyway/flyway:latest'}\n",
		"argomig.yaml:5:28: error: spec.migration.image must be "
		"pinned: \"latest\" changes under you; use a version tag or a "
		"digest");
}

Test(spec, sql_path_leaving_the_repository)
{
	cr_assert_eq(mkdir("app", 0755), 0);
	cr_assert_eq(mkdir("app/sub", 0755), 0);
	write_file("app/argomig.yaml",
		   HEAD "spec:\n"
			"  app: {image: 'a:1', secret: app}\n"
			"  migration:\n"
			"    secret: mig\n"
			"    sql: sub/../../..\n");
	{
		struct am_spec *spec = NULL;

		cr_assert_eq(am_spec_load(&spec, "app/argomig.yaml"),
			     AM_EINVALID);
		cr_assert_str_eq(
			am_error_last(),
			"app/argomig.yaml:7:5: error: spec.migration.sql: "
			"'sub/../../..' resolves to a path outside the "
			"repository; keep it inside the repository");
	}
}

Test(spec, sql_path_inside_through_dotdot_is_fine)
{
	struct am_spec *s;

	cr_assert_eq(mkdir("db", 0755), 0);
	cr_assert_eq(mkdir("app", 0755), 0);
	write_file("app/argomig.yaml",
		   HEAD "spec:\n"
			"  app: {image: 'a:1', secret: app}\n"
			"  migration: {secret: mig, sql: ../db}\n");
	cr_assert_eq(am_spec_load(&s, "app/argomig.yaml"), 0, "%s",
		     am_error_last());
	cr_assert(am_ends_with(s->migration.sql->abs, "/db"));
	am_spec_free(s);
}

Test(spec, sql_symlink_outside_the_repository)
{
	cr_assert_eq(symlink("/tmp", "db"), 0);
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app}\n"
			  "  migration: {secret: mig, sql: db}\n",
		     "argomig.yaml:5:28: error: spec.migration.sql: 'db' "
		     "resolves to a path outside the repository; keep it "
		     "inside the repository");
}

Test(spec, sql_must_exist_and_be_a_directory)
{
	write_file("file.sql", "");
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app}\n"
			  "  migration: {secret: mig, sql: nope}\n",
		     "argomig.yaml:5:28: error: spec.migration.sql: 'nope' "
		     "does not exist");
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app}\n"
			  "  migration: {secret: mig, sql: file.sql}\n",
		     "argomig.yaml:5:28: error: spec.migration.sql: 'file.sql' "
		     "is not a directory");
	expect_error(
		HEAD "spec:\n"
		     "  app: {image: 'a:1', secret: app}\n"
		     "  migration: {secret: mig, sql: /etc}\n",
		"argomig.yaml:5:28: error: spec.migration.sql must be a path "
		"relative to the directory of argomig.yaml (got \"/etc\")");
}

Test(spec, include_leaving_the_repository)
{
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app}\n"
			  "  migration: {secret: mig}\n"
			  "  include: [../..]\n",
		     "argomig.yaml:6:13: error: spec.include[0]: '../..' "
		     "resolves to a path outside the repository; keep it "
		     "inside the repository");
}

Test(spec, secrets_must_differ)
{
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: db}\n"
			  "  migration: {secret: db}\n",
		     "argomig.yaml:5:15: error: spec.migration.secret must not "
		     "be the app's Secret 'db': give migrations their own "
		     "least-privileged database user");
}

Test(spec, credentials_stay_out_of_env)
{
	expect_error(
		HEAD "spec:\n"
		     "  app: {image: 'a:1', secret: app, env: {DB_PASSWORD: "
		     "hunter2}}\n"
		     "  migration: {secret: mig}\n",
		"argomig.yaml:4:42: error: spec.app.env.DB_PASSWORD looks like "
		"a credential: put it in the Secret 'app' instead of the spec");
}

Test(spec, tool_specific_fields)
{
	expect_error(
		HEAD "spec:\n"
		     "  app: {image: 'a:1', secret: app}\n"
		     "  migration: {secret: mig, tool: flywy}\n",
		"argomig.yaml:5:28: error: spec.migration.tool must be flyway, "
		"golang-migrate, liquibase or command (got \"flywy\")");
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app}\n"
			  "  migration: {secret: mig, command: [x]}\n",
		     "argomig.yaml:5:28: error: spec.migration.command is only "
		     "for tool: command (the flyway command is built in)");
	expect_error(
		HEAD
		"spec:\n"
		"  app: {image: 'a:1', secret: app}\n"
		"  migration: {secret: mig, tool: command, image: 'm:1'}\n",
		"argomig.yaml:5:3: error: spec.migration.command is required "
		"with tool: command");
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app}\n"
			  "  migration: {secret: mig, tool: liquibase}\n",
		     "argomig.yaml:5:3: error: spec.migration.changelog is "
		     "required with tool: liquibase (the changelog file, "
		     "relative to migration.sql)");
}

Test(spec, durations)
{
	expect_error(
		HEAD "spec:\n"
		     "  app: {image: 'a:1', secret: app}\n"
		     "  migration: {secret: mig, timeout: 15x}\n",
		"argomig.yaml:5:28: error: spec.migration.timeout must be a "
		"duration such as \"90s\", \"15m\" or \"1h30m\" (got \"15x\")");
	expect_error(
		HEAD "spec:\n"
		     "  app: {image: 'a:1', secret: app}\n"
		     "  migration: {secret: mig, timeout: 900}\n",
		"argomig.yaml:5:28: error: spec.migration.timeout must be a "
		"duration such as \"90s\", \"15m\" or \"1h30m\" (got 900)");
	expect_error(HEAD "spec:\n"
			  "  app: {image: 'a:1', secret: app}\n"
			  "  migration: {secret: mig, timeout: 30s}\n",
		     "argomig.yaml:5:28: error: spec.migration.timeout must be "
		     "between 1m and 24h (got \"30s\")");
}

Test(spec, header_and_document)
{
	expect_error("apiVersion: v1\nkind: MigrationApp\nspec: {}\n",
		     "argomig.yaml:1:1: error: apiVersion must be "
		     "argomig.io/v1alpha1");
	expect_error(
		"",
		"argomig.yaml: error: the spec is empty; it needs apiVersion: "
		"argomig.io/v1alpha1, kind: MigrationApp and a spec");
	expect_error("[1, 2]\n",
		     "argomig.yaml:1:1: error: the spec must be a mapping with "
		     "apiVersion: argomig.io/v1alpha1 and kind: MigrationApp");
	expect_error("a: [1\n",
		     "argomig.yaml:2:1: error: did not find expected ',' or "
		     "']' (while parsing a flow sequence that starts at 1:4)");
}

Test(spec, unreadable_file)
{
	struct am_spec *spec = NULL;

	cr_assert_eq(am_spec_load(&spec, "missing.yaml"), AM_ENOTFOUND);
	cr_assert_str_eq(
		am_error_last(),
		"cannot open 'missing.yaml': No such file or directory");
}

/* --- environment -------------------------------------------------------- */

static struct am_spec *with_env(char **env, int want)
{
	struct am_spec *s = load_ok(minimal);

	cr_assert_eq(am_spec_apply_env(s, env), want, "%s", am_error_last());
	return s;
}

Test(spec, env_precedence)
{
	char *env[] = {
		"ARGOCD_ENV_IMAGE=env/app:2",
		"PARAM_IMAGE=param/app:3",
		"ARGOCD_ENV_MIGRATION_IMAGE=env/mig:2",
		"ARGOCD_ENV_REPLICAS=5",
		"ARGOCD_APP_REVISION=abc123",
		NULL,
	};
	struct am_spec *s = with_env(env, 0);

	cr_assert_str_eq(s->app.image, "param/app:3");
	cr_assert_str_eq(s->migration.image, "env/mig:2");
	cr_assert_eq(s->app.replicas, 5);
	cr_assert_str_eq(s->revision, "abc123");
	am_spec_free(s);
}

Test(spec, parameters_json_wins)
{
	char *env[] = {
		"PARAM_REPLICAS=4",
		"ARGOCD_APP_PARAMETERS=[{\"name\":\"replicas\",\"string\":"
		"\"7\"},"
		"{\"name\":\"other\",\"array\":[\"x\"]}]",
		NULL,
	};
	struct am_spec *s = with_env(env, 0);

	cr_assert_eq(s->app.replicas, 7);
	cr_assert_str_eq(s->revision, "unknown");
	am_spec_free(s);
}

Test(spec, parameters_null_or_empty_values)
{
	char *env[] = {"ARGOCD_APP_PARAMETERS=null", "PARAM_IMAGE=", NULL};
	struct am_spec *s = with_env(env, 0);

	cr_assert_str_eq(s->app.image, "ghcr.io/acme/orders:1.4.2");
	am_spec_free(s);
}

Test(spec, malformed_overrides_name_their_source)
{
	char *e1[] = {"PARAM_REPLICAS=three", NULL};
	char *e2[] = {"ARGOCD_ENV_IMAGE=app:latest", NULL};
	char *e3[] = {"ARGOCD_APP_PARAMETERS=[{\"name\":", NULL};
	char *e4[] = {"ARGOCD_APP_PARAMETERS={}", NULL};
	char *e5[] = {"ARGOCD_APP_PARAMETERS=[{\"name\":\"replicas\",\"array\":"
		      "[\"1\"]}]",
		      NULL};
	char *e6[] = {"PARAM_MIGRATION_IMAGE=m:1\nkind: Secret", NULL};
	struct am_spec *s;

	s = with_env(e1, AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig: PARAM_REPLICAS: replicas must be a whole "
			 "number from 1 to 1000 (got \"three\")");
	am_spec_free(s);
	s = with_env(e2, AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig: ARGOCD_ENV_IMAGE: image must be pinned: "
			 "\"latest\" changes under you; use a version tag or a "
			 "digest (got \"app:latest\")");
	am_spec_free(s);
	s = with_env(e3, AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig: ARGOCD_APP_PARAMETERS is not valid JSON "
			 "(column 9: unexpected token near end of file)");
	am_spec_free(s);
	s = with_env(e4, AM_EINVALID);
	cr_assert_str_eq(am_error_last(), "argomig: ARGOCD_APP_PARAMETERS must "
					  "be a JSON array of parameters");
	am_spec_free(s);
	s = with_env(e5, AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig: ARGOCD_APP_PARAMETERS: parameter 'replicas' "
			 "must have a \"string\" value");
	am_spec_free(s);
	s = with_env(e6, AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig: PARAM_MIGRATION_IMAGE: image must be one "
			 "line (got \"m:1\\nkind: Secret\")");
	am_spec_free(s);
}

Test(spec, name_from_argocd_app_name)
{
	char *env[] = {"ARGOCD_APP_NAME=team-a_Orders.API", NULL};
	char *none[] = {NULL};
	char *bad[] = {"ARGOCD_APP_NAME=9lives", NULL};
	struct am_spec *s = load_ok(minimal);

	cr_assert_eq(am_spec_resolve_name(s, env), 0);
	cr_assert_str_eq(s->name, "orders-api");
	am_spec_free(s);
	s = load_ok(minimal);
	cr_assert_eq(am_spec_resolve_name(s, none), AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig.yaml: error: metadata.name is not set and "
			 "ARGOCD_APP_NAME is empty: set metadata.name");
	cr_assert_eq(am_spec_resolve_name(s, bad), AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig.yaml: error: ARGOCD_APP_NAME \"9lives\" does "
			 "not start with a letter: set metadata.name");
	am_spec_free(s);
	s = load_ok(HEAD "metadata: {name: orders}\n"
			 "spec:\n"
			 "  app: {image: 'a:1', secret: app}\n"
			 "  migration: {secret: mig}\n");
	cr_assert_eq(am_spec_resolve_name(s, env), 0);
	cr_assert_str_eq(s->name, "orders");
	am_spec_free(s);
}

Test(spec, long_argocd_app_name_is_cut_with_a_hash)
{
	char *env[] = {"ARGOCD_APP_NAME=apps_a-very-long-application-name-that-"
		       "goes-on-and-on-past-sixty-three",
		       NULL};
	struct am_spec *s = load_ok(minimal);

	cr_assert_eq(am_spec_resolve_name(s, env), 0);
	cr_assert_leq(strlen(s->name), 63);
	cr_assert_str_eq(s->name, "a-very-long-application-name-that-goes-on-"
				  "and-on-past-c5bdf122");
	am_spec_free(s);
}
