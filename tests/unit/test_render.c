/* SPDX-License-Identifier: MIT */
/*
 * Rendering: names, version labels, the migrations bundle (which files,
 * limits, symlinks, hash) and included manifests.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "render.h"
#include "spec.h"
#include "tmprepo.h"
#include "util.h"

static void setup(void)
{
	tmprepo_enter("render");
	cr_assert_eq(mkdir("db", 0755), 0);
}

static struct am_spec *spec_with(const char *tool, const char *extra)
{
	struct am_spec *s = NULL;
	char *text = xasprintf(
		"apiVersion: argomig.io/v1alpha1\n"
		"kind: MigrationApp\n"
		"metadata: {name: orders}\n"
		"spec:\n"
		"  app: {image: 'ghcr.io/acme/orders:1.4.2', secret: app}\n"
		"  migration:\n"
		"    tool: %s\n"
		"    secret: mig\n"
		"    sql: db\n"
		"%s",
		tool, extra);

	write_file("argomig.yaml", text);
	free(text);
	cr_assert_eq(am_spec_load(&s, "argomig.yaml"), 0, "%s",
		     am_error_last());
	return s;
}

TestSuite(render, .init = setup, .fini = tmprepo_leave);

Test(render, names_fit_in_63_characters)
{
	char *a = am_name_join("orders", "-migrate");
	char base[64], *b, *c;

	cr_assert_str_eq(a, "orders-migrate");
	memset(base, 'a', 60);
	base[60] = '\0';
	b = am_name_join(base, "-migrate");
	cr_assert_eq(strlen(b), 63);
	cr_assert(am_ends_with(b, "-migrate"));
	cr_assert_str_eq(b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-"
			    "1f98bd29-migrate");
	base[59] = 'b';
	c = am_name_join(base, "-migrate");
	cr_assert_eq(strlen(c), 63);
	cr_assert_str_neq(b, c);
	free(a);
	free(b);
	free(c);
}

Test(render, version_label_from_the_image)
{
	static const char *const cases[][2] = {
		{"ghcr.io/acme/orders:1.4.2", "1.4.2"},
		{"registry:5000/orders:v2", "v2"},
		{"orders:1.0@sha256:abcdef0123456789", "1.0"},
		{"orders@sha256:abcdef0123456789", "abcdef012345"},
		{"registry:5000/orders", "unversioned"},
		{"orders:_x_", "x"},
	};
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(cases); i++) {
		char *v = am_image_version(cases[i][0]);

		cr_expect_str_eq(v, cases[i][1], "image %s", cases[i][0]);
		free(v);
	}
}

Test(render, flyway_bundle_takes_scripts_and_their_conf)
{
	struct am_spec *s;
	struct am_bundle b;

	write_file("db/V2__b.sql", "SELECT 2;\n");
	write_file("db/V1__a.sql", "SELECT 1;\n");
	write_file("db/V1__a.sql.conf", "executeInTransaction=false\n");
	write_file("db/README.md", "not a migration\n");
	write_file("db/.hidden.sql", "SELECT 0;\n");
	s = spec_with("flyway", "");
	cr_assert_eq(am_bundle_read(&b, s), 0, "%s", am_error_last());
	cr_assert_eq(b.nr, 3);
	cr_assert_str_eq(b.files[0].key, "V1__a.sql");
	cr_assert_str_eq(b.files[1].key, "V1__a.sql.conf");
	cr_assert_str_eq(b.files[2].key, "V2__b.sql");
	cr_assert_str_eq(b.files[2].data, "SELECT 2;\n");
	cr_assert(!b.nested);
	cr_assert_eq(strlen(b.hash), 8);
	am_bundle_release(&b);
	am_spec_free(s);
}

Test(render, bundle_hash_follows_content)
{
	struct am_spec *s;
	struct am_bundle b;
	char first[9];

	write_file("db/V1__a.sql", "SELECT 1;\n");
	s = spec_with("flyway", "");
	cr_assert_eq(am_bundle_read(&b, s), 0);
	memcpy(first, b.hash, sizeof(first));
	am_bundle_release(&b);
	cr_assert_eq(am_bundle_read(&b, s), 0);
	cr_assert_str_eq(b.hash, first);
	am_bundle_release(&b);
	write_file("db/V1__a.sql", "SELECT 2;\n");
	cr_assert_eq(am_bundle_read(&b, s), 0);
	cr_assert_str_neq(b.hash, first);
	am_bundle_release(&b);
	am_spec_free(s);
}

Test(render, nested_files_keep_their_paths)
{
	struct am_spec *s;
	struct am_bundle b;

	cr_assert_eq(mkdir("db/changes", 0755), 0);
	write_file("db/master.yaml", "databaseChangeLog: []\n");
	write_file("db/changes/001.sql", "SELECT 1;\n");
	s = spec_with("liquibase", "    changelog: master.yaml\n");
	cr_assert_eq(am_bundle_read(&b, s), 0, "%s", am_error_last());
	cr_assert_eq(b.nr, 2);
	cr_assert(b.nested);
	cr_assert_str_eq(b.files[0].key, "changes.001.sql");
	cr_assert_str_eq(b.files[0].path, "changes/001.sql");
	am_bundle_release(&b);
	am_spec_free(s);
}

Test(render, golang_migrate_reads_only_the_top_directory)
{
	struct am_spec *s;
	struct am_bundle b;

	cr_assert_eq(mkdir("db/old", 0755), 0);
	write_file("db/1_init.up.sql", "SELECT 1;\n");
	write_file("db/old/0_x.up.sql", "SELECT 0;\n");
	s = spec_with("golang-migrate", "");
	cr_assert_eq(am_bundle_read(&b, s), 0, "%s", am_error_last());
	cr_assert_eq(b.nr, 1);
	cr_assert_str_eq(b.files[0].key, "1_init.up.sql");
	am_bundle_release(&b);
	am_spec_free(s);
}

Test(render, two_mib_of_sql_is_too_much_for_a_configmap)
{
	struct am_spec *s;
	struct am_bundle b;
	char *chunk = xmalloc(64 * 1024 + 1);
	int i;

	memset(chunk, '-', 64 * 1024);
	chunk[64 * 1024] = '\0';
	for (i = 0; i < 32; i++) {
		char *p = xasprintf("db/V%d__bulk.sql", i + 1);

		write_file(p, chunk);
		free(p);
	}
	free(chunk);
	s = spec_with("flyway", "");
	cr_assert_eq(am_bundle_read(&b, s), AM_EINVALID);
	cr_assert_str_eq(
		am_error_last(),
		"argomig.yaml:9:5: error: migration.sql: 'db' holds more than "
		"900 KiB, too much for a ConfigMap; bake the migrations into "
		"migration.image and remove migration.sql");
	cr_assert_eq(b.nr, 0);
	am_spec_free(s);
}

Test(render, symlinked_script_outside_the_repository)
{
	struct am_spec *s;
	struct am_bundle b;

	write_file("db/V1__a.sql", "SELECT 1;\n");
	cr_assert_eq(symlink("/etc/hostname", "db/V2__b.sql"), 0);
	s = spec_with("flyway", "");
	cr_assert_eq(am_bundle_read(&b, s), AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig.yaml:9:5: error: migration.sql: "
			 "'db/V2__b.sql' is a symlink to a file outside the "
			 "repository; keep migrations inside the repository");
	am_spec_free(s);
}

Test(render, binary_and_empty_bundles)
{
	struct am_spec *s;
	struct am_bundle b;

	s = spec_with("flyway", "");
	cr_assert_eq(am_bundle_read(&b, s), AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "argomig.yaml:9:5: error: migration.sql: 'db' holds "
			 "no migration files for flyway");
	write_file("db/V1__a.sql", "SELECT '\xff';\n");
	cr_assert_eq(am_bundle_read(&b, s), AM_EINVALID);
	cr_assert_str_eq(
		am_error_last(),
		"argomig.yaml:9:5: error: migration.sql: 'db/V1__a.sql' is not "
		"UTF-8 text (a ConfigMap carries text only)");
	am_spec_free(s);
}

static json_t *find(const struct am_render *r, const char *kind,
		    const char *name)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		json_t *o = r->items[i].obj;

		if (!strcmp(json_string_value(json_object_get(o, "kind")),
			    kind) &&
		    !strcmp(json_string_value(json_object_get(
				    json_object_get(o, "metadata"), "name")),
			    name))
			return o;
	}
	return NULL;
}

static const char *wave_of(json_t *o)
{
	return json_string_value(json_object_get(
		json_object_get(json_object_get(o, "metadata"), "annotations"),
		"argocd.argoproj.io/sync-wave"));
}

Test(render, includes_pass_through_and_workloads_get_wave_1)
{
	struct am_spec *s;
	struct am_render r;

	cr_assert_eq(mkdir("k8s", 0755), 0);
	cr_assert_eq(mkdir("k8s/sub", 0755), 0);
	write_file("db/V1__a.sql", "SELECT 1;\n");
	write_file("k8s/a.yaml",
		   "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: "
		   "worker}\n"
		   "---\n"
		   "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: "
		   "cache\n"
		   "  annotations: {argocd.argoproj.io/sync-wave: \"5\"}\n");
	write_file(
		"k8s/sub/b.yml",
		"apiVersion: v1\nkind: List\nitems:\n"
		"- {apiVersion: v1, kind: ConfigMap, metadata: {name: cfg}}\n"
		"- {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: "
		"agent}}\n");
	write_file("k8s/notes.txt", "ignored\n");
	s = spec_with("flyway", "  include: [k8s/]\n");
	s->revision = xstrdup("r1");
	cr_assert_eq(am_render(&r, s), 0, "%s", am_error_last());
	cr_assert_eq(r.nr, 10);
	cr_assert_str_eq(wave_of(find(&r, "Deployment", "worker")), "1");
	cr_assert_str_eq(wave_of(find(&r, "StatefulSet", "cache")), "5");
	cr_assert_null(wave_of(find(&r, "ConfigMap", "cfg")));
	cr_assert_str_eq(wave_of(find(&r, "DaemonSet", "agent")), "1");
	cr_assert_str_eq(r.items[6].origin, "k8s/a.yaml");
	cr_assert_eq(r.items[6].line, 1);
	cr_assert_eq(r.items[7].line, 5);
	cr_assert_str_eq(r.items[9].origin, "k8s/sub/b.yml");
	cr_assert_eq(r.items[9].line, 5);
	am_render_release(&r);
	am_spec_free(s);
}

Test(render, include_that_is_not_a_manifest)
{
	struct am_spec *s;
	struct am_render r;

	cr_assert_eq(mkdir("k8s", 0755), 0);
	write_file("db/V1__a.sql", "SELECT 1;\n");
	write_file("k8s/values.yaml", "# values\nreplicas: 3\n");
	s = spec_with("flyway", "  include: [k8s]\n");
	s->revision = xstrdup("r1");
	cr_assert_eq(am_render(&r, s), AM_EINVALID);
	cr_assert_str_eq(
		am_error_last(),
		"k8s/values.yaml:2:1: error: not a Kubernetes object "
		"(apiVersion and kind are required); include only manifests");
	write_file("k8s/values.yaml", "a: [\n");
	cr_assert_eq(am_render(&r, s), AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "k8s/values.yaml:2:1: error: did not find expected "
			 "node content (while parsing a flow node)");
	am_spec_free(s);
}

Test(render, objects_in_apply_order)
{
	static const char *const want[][2] = {
		{"ConfigMap", "orders-migrations-"},
		{"Job", "orders-preflight"},
		{"Job", "orders-migrate"},
		{"Service", "orders"},
		{"Deployment", "orders"},
		{"Job", "orders-smoke"},
	};
	struct am_spec *s;
	struct am_render r;
	size_t i;

	write_file("db/V1__a.sql", "SELECT 1;\n");
	s = spec_with("flyway", "");
	s->revision = xstrdup("r1");
	cr_assert_eq(am_render(&r, s), 0, "%s", am_error_last());
	cr_assert_eq(r.nr, AM_ARRAY_SIZE(want));
	for (i = 0; i < r.nr; i++) {
		json_t *o = r.items[i].obj;
		const char *name = json_string_value(json_object_get(
			json_object_get(o, "metadata"), "name"));

		cr_assert_str_eq(json_string_value(json_object_get(o, "kind")),
				 want[i][0]);
		cr_assert(am_starts_with(name, want[i][1]), "%s", name);
		cr_assert_null(r.items[i].origin);
	}
	am_render_release(&r);
	am_spec_free(s);
}
