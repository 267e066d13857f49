/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sql.c - libFuzzer target: any bytes through the SQL file reader
 * (sqlfile.c) and what the rules ask of it (sqlops.c): every statement's
 * tree and head, its position, its locks, the file's drops and renames
 * and per-table locks. A position past the text, a tree walk off the
 * arena or a leak shows up as a sanitizer report.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sqlfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct am_sqlfile *f = NULL;
	struct am_sqlchange *changes;
	struct am_sqltable_lock *tables;
	size_t i, n;

	if (am_sqlfile_parse(&f, "fuzz.sql", (const char *)data, size) < 0)
		return 0;
	am_sqlfile_build_trees(f);
	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlstmt *s = &f->stmts[i];
		struct am_sqlstmt_lock *locks;
		struct am_sqlrel rel;
		int line, col;

		(void)am_sqlstmt_head(s);
		am_sqlstmt_node_pos(s, am_sqlstmt_tree(s), &line, &col);
		am_sqlstmt_locks(s, &locks, &n);
		free(locks);
		if (am_sqlstmt_creates(s, &rel))
			(void)am_sqlfile_created_before(f, f->nstmts, &rel);
	}
	am_sqlfile_changes(f, &changes, &n);
	am_sqlchanges_free(changes, n);
	am_sqlfile_table_locks(f, &tables, &n);
	am_sqltable_locks_free(tables, n);
	am_sqlfile_free(f);
	return 0;
}
