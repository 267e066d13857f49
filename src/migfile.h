/* SPDX-License-Identifier: MIT */
/*
 * migfile.h - versioned migration files as `--base` compares them: which
 * names are versioned migrations, a set of them sorted by path, and where
 * two versions of one first differ. Pure: no I/O, no git.
 *
 * A versioned migration is a Flyway V<version>__<desc>.sql file or a
 * golang-migrate ^([0-9]+)_(.*)\.up\.sql$ file (source/parse.go).
 */
#ifndef AM_MIGFILE_H
#define AM_MIGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AM_MIGFILE_LIMIT (64 * 1024 * 1024) /* bytes read per file */

enum am_mig_runner {
	AM_MIG_FLYWAY = 1,
	AM_MIG_GOMIGRATE,
};

/* One versioned migration file, at REF or on disk. */
struct am_mig {
	char *rel;     /* path in the repository */
	char *display; /* path as reported */
	size_t dirlen; /* rel[0, dirlen) is its directory */
	enum am_mig_runner runner;
	char *version; /* normalized */
	char *data;    /* contents, NUL-terminated */
	size_t len;
	int32_t sum;  /* Flyway checksum of 'data' */
	size_t seq;   /* order of addition */
	bool matched; /* ref: still on disk; disk: at REF or renamed */
};

struct am_migs {
	struct am_mig *items;
	size_t nr, alloc;
};

/*
 * True if file name 'name' (no directory) is a versioned migration; then
 * *runner and *version (normalized, owned) are set.
 */
bool am_mig_classify(const char *name, enum am_mig_runner *runner,
		     char **version);

/*
 * True if 'name' marks its directory as a migration directory: a Flyway
 * versioned, undo, baseline or repeatable migration, or a golang-migrate
 * up or down file.
 */
bool am_mig_dir_marker(const char *name);

/*
 * Appends a migration; steals 'rel', 'display', 'version' and 'data'
 * (NUL-terminated, 'len' bytes) and computes its checksum.
 */
void am_migs_add(struct am_migs *m, char *rel, char *display,
		 enum am_mig_runner runner, char *version, char *data,
		 size_t len);
void am_migs_release(struct am_migs *m);

/* Sorts by 'rel' and drops later duplicates (overlapping inputs). */
void am_migs_sort(struct am_migs *m);

/* The migration at 'rel' in a sorted set (borrowed), or NULL. */
struct am_mig *am_migs_find(struct am_migs *m, const char *rel);

/*
 * Where 'now' first differs from 'was' as the Flyway checksum sees them
 * (line terminators and the first line's BOM left out): 1-based line and
 * column (bytes) in 'now'. When 'now' is a shortened 'was': just after
 * its last character.
 */
void am_mig_first_difference(const struct am_mig *now, const struct am_mig *was,
			     int *line, int *col);

#endif
