/* SPDX-License-Identifier: MIT */
/*
 * fuzz_spec.c - libFuzzer target: any bytes as argomig.yaml through the
 * whole of `argomig generate` (spec, overrides, rendering, emission, the
 * self-check that reads the output back and lints it).
 *
 * The spec lives in a scratch repository made once per process, with a
 * migration directory and an include directory, so that path and
 * include handling run too. A spec error is an ordinary outcome; a crash,
 * a leak or a sanitizer report is a bug.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "generate.h"
#include "lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/argomig-fuzz-spec-XXXXXX";
static char spec[sizeof(dir) + 16];

/* Writes dir/rel (libFuzzer's own paths are relative: no chdir here). */
static void put(const char *rel, const char *text)
{
	char path[sizeof(dir) + 64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "w");

	if (!fp)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static void make_dir(const char *rel)
{
	char path[sizeof(dir) + 16];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (mkdir(path, 0755))
		abort();
}

static void make_repo(void)
{
	if (!mkdtemp(dir))
		abort();
	make_dir(".git");
	make_dir("db");
	make_dir("k8s");
	snprintf(spec, sizeof(spec), "%s/argomig.yaml", dir);
	put("db/V1__init.sql", "CREATE TABLE t (id int);\n");
	put("db/V1__init.sql.conf", "executeInTransaction=false\n");
	put("k8s/pdb.yaml", "apiVersion: policy/v1\nkind: PodDisruptionBudget\n"
			    "metadata: {name: x}\nspec: {minAvailable: 1}\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static char *env[] = {
		"ARGOCD_APP_NAME=team_fuzz",
		"ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567",
		"ARGOCD_APP_PARAMETERS=[{\"name\":\"replicas\",\"string\":"
		"\"3\"}]",
		NULL,
	};
	struct am_generate g;
	struct am_lint lint;
	FILE *fp;

	if (!ready) {
		make_repo();
		ready = 1;
	}
	fp = fopen(spec, "wb");
	if (!fp)
		abort();
	if (size)
		fwrite(data, 1, size, fp);
	fclose(fp);
	am_lint_init(&lint);
	am_generate_init(&g);
	if (am_generate_run(&g, &lint, spec, env, NULL) == 0 && !g.out.len)
		abort(); /* success must never mean empty output */
	am_lint_release(&lint);
	am_generate_release(&g);
	am_error_clear();
	return 0;
}
