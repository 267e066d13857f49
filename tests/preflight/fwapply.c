/* SPDX-License-Identifier: MIT */
/*
 * fwapply.c - test and demo helper: prints the SQL that applies Flyway
 * migrations the way Flyway itself records them, for psql.
 *
 *   pf-fwapply DIR UPTO [SCHEMA]
 *
 * Creates SCHEMA.flyway_schema_history with Flyway's PostgreSQL DDL
 * (reference/sql.md §5b) if missing, then for every V<version>__*.sql
 * directly in DIR with version <= UPTO, in version order: the file's
 * statements, then the history row (installed_rank, version,
 * description, type SQL, script, Flyway's checksum, installed_by,
 * execution_time, success). There is no Flyway (Java) on the machine;
 * this reproduces what a Flyway run leaves in the database, using the
 * same checksum code the preflight uses (flyway.c, tested on its own
 * against Flyway's vectors).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "flyway.h"
#include "util.h"

struct mig {
	char *file;
	struct am_flyway_name name;
};

static int mig_cmp(const void *a, const void *b)
{
	const struct mig *x = a, *y = b;

	return am_flyway_version_cmp(x->name.version, y->name.version);
}

static void literal(const char *s)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			putchar('\'');
		putchar(*s);
	}
	putchar('\'');
}

int main(int argc, char **argv)
{
	const char *dir, *upto, *schema;
	struct mig *migs = NULL;
	size_t n = 0, alloc = 0, i, len;
	struct dirent *e;
	char *path, *data;
	DIR *d;

	if (argc < 3 || argc > 4) {
		fputs("usage: pf-fwapply DIR UPTO [SCHEMA]\n", stderr);
		return 2;
	}
	dir = argv[1];
	upto = argv[2];
	schema = argc == 4 ? argv[3] : "public";
	d = opendir(dir);
	if (!d) {
		perror(dir);
		return 2;
	}
	while ((e = readdir(d))) {
		struct am_flyway_name fn;

		am_flyway_parse_name(&fn, e->d_name);
		if (fn.kind != AM_FLYWAY_VERSIONED ||
		    am_flyway_version_cmp(fn.version, upto) > 0) {
			am_flyway_name_release(&fn);
			continue;
		}
		AM_GROW(migs, alloc, n + 1);
		migs[n].file = xstrdup(e->d_name);
		migs[n++].name = fn;
	}
	closedir(d);
	if (n)
		qsort(migs, n, sizeof(*migs), mig_cmp);
	printf("CREATE TABLE IF NOT EXISTS \"%s\".\"flyway_schema_history\" (\n"
	       "    \"installed_rank\" INT NOT NULL,\n"
	       "    \"version\" VARCHAR(50),\n"
	       "    \"description\" VARCHAR(200) NOT NULL,\n"
	       "    \"type\" VARCHAR(20) NOT NULL,\n"
	       "    \"script\" VARCHAR(1000) NOT NULL,\n"
	       "    \"checksum\" INTEGER,\n"
	       "    \"installed_by\" VARCHAR(100) NOT NULL,\n"
	       "    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n"
	       "    \"execution_time\" INTEGER NOT NULL,\n"
	       "    \"success\" BOOLEAN NOT NULL,\n"
	       "    CONSTRAINT \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\")\n"
	       ");\n"
	       "CREATE INDEX IF NOT EXISTS \"flyway_schema_history_s_idx\" "
	       "ON \"%s\".\"flyway_schema_history\" (\"success\");\n",
	       schema, schema);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, migs[i].file);
		if (am_read_file(&data, &len, path, 64 << 20)) {
			fprintf(stderr, "pf-fwapply: %s\n", am_error_last());
			return 1;
		}
		printf("\n-- %s\n%s\n;\n", migs[i].file, data);
		printf("INSERT INTO \"%s\".\"flyway_schema_history\" (\"installed_rank\", "
		       "\"version\", \"description\", \"type\", \"script\", \"checksum\", "
		       "\"installed_by\", \"execution_time\", \"success\") VALUES "
		       "((SELECT coalesce(max(\"installed_rank\"), 0) + 1 FROM "
		       "\"%s\".\"flyway_schema_history\"), ",
		       schema, schema);
		literal(migs[i].name.version);
		fputs(", ", stdout);
		literal(migs[i].name.description ? migs[i].name.description : "");
		fputs(", 'SQL', ", stdout);
		literal(migs[i].file);
		printf(", %d, current_user, 7, true);\n",
		       (int)am_flyway_checksum(data, len));
		free(data);
		free(path);
		free(migs[i].file);
		am_flyway_name_release(&migs[i].name);
	}
	free(migs);
	am_error_clear();
	return fflush(stdout) ? 1 : 0;
}
