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
#include <unistd.h>

#include "err.h"
#include "generate.h"
#include "lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static void make_repo(void)
{
	char dir[] = "/tmp/argomig-fuzz-spec-XXXXXX";

	if (!mkdtemp(dir) || chdir(dir) || mkdir(".git", 0755) ||
	    mkdir("db", 0755) || mkdir("k8s", 0755))
		abort();
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
		"ARGOCD_APP_PARAMETERS=[{\"name\":\"replicas\",\"string\":\"3\"}]",
		NULL,
	};
	struct am_generate g;
	struct am_lint lint;
	FILE *fp;

	if (!ready) {
		make_repo();
		ready = 1;
	}
	fp = fopen("argomig.yaml", "wb");
	if (!fp)
		abort();
	if (size)
		fwrite(data, 1, size, fp);
	fclose(fp);
	am_lint_init(&lint);
	am_generate_init(&g);
	if (am_generate_run(&g, &lint, "argomig.yaml", env, NULL) == 0 && !g.out.len)
		abort();	/* success must never mean empty output */
	am_lint_release(&lint);
	am_generate_release(&g);
	am_error_clear();
	return 0;
}
