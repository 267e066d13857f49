/* SPDX-License-Identifier: MIT */
/*
 * contract.h - migration-contract-too-early without git: the tables and
 * columns new migrations drop or rename, and a whole-word search for
 * their old names in the text of source files. gitbase.c feeds it the
 * new migrations and the files of the tree at the base ref.
 *
 * A table matches when its name appears as a whole identifier (ASCII
 * letters, digits, '_'), case-insensitively; a column when its name does
 * and the same file also names its table (a column name alone, such as
 * "id" or "status", is in too many files to mean anything).
 */
#ifndef AM_CONTRACT_H
#define AM_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "sqlfile.h"

/* One dropped or renamed name, and the first file that still uses it. */
struct am_contract_target {
	struct am_sqlchange change; /* owned strings */
	char *file;		    /* the migration, as reported (owned) */
	char *hit_path;		    /* first file naming it, or NULL (owned) */
	int hit_line;		    /* 1-based line of the first use there */
	size_t hit_files;	    /* files naming it */
};

struct am_contract {
	struct am_contract_target *items;
	size_t nr, alloc;
};

void am_contract_init(struct am_contract *c);
void am_contract_release(struct am_contract *c);

/*
 * Adds what the SQL 'data' ('len' bytes) of new migration 'file' drops
 * or renames. Statements that do not parse are skipped (sql-syntax-error
 * reports them).
 */
void am_contract_add_migration(struct am_contract *c, const char *file,
			       const char *data, size_t len);

/*
 * False for directories never searched: vendored code ("vendor",
 * "node_modules", "third_party") and hidden ones; 'name' is one path
 * component.
 */
bool am_contract_dir_searched(const char *name);

/*
 * False for files that name tables without being code that runs: prose
 * (*.md, *.markdown, *.rst, *.adoc, *.txt) and schema dumps
 * (structure.sql, schema.sql, schema.rb). 'name' is the file name.
 */
bool am_contract_file_searched(const char *name);

/* Looks for every target's old name in file 'path' ('len' bytes of text). */
void am_contract_scan(struct am_contract *c, const char *path, const char *data,
		      size_t len);

/*
 * The finding for a target that was found (hit_path set), owned:
 * "migration drops column 'orders.note' while code at 'REF' still uses
 * 'note': 'app/orders.go' line 12", and the hint.
 */
char *am_contract_message(const struct am_contract_target *t, const char *ref);
char *am_contract_hint(const struct am_contract_target *t);

/*
 * The 1-based line of the first whole-word, case-insensitive occurrence
 * of 'word' in 'data', or 0.
 */
int am_word_line(const char *data, size_t len, const char *word);

#endif
