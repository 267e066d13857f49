/* SPDX-License-Identifier: MIT */
/*
 * flyway.h - Flyway's file naming, version order, script configuration
 * and checksum, exactly as Flyway computes them (reference/sql.md §5).
 *
 * Shared by `argomig lint` (migration-* rules, --base) and
 * argomig-preflight (checksum drift against flyway_schema_history).
 * Pure functions over names and bytes: no I/O except the *_file helpers.
 */
#ifndef AM_FLYWAY_H
#define AM_FLYWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum am_flyway_kind {
	AM_FLYWAY_INVALID = 0,	/* Flyway would skip the file */
	AM_FLYWAY_VERSIONED,	/* V<version>__<desc>.sql */
	AM_FLYWAY_UNDO,		/* U<version>__<desc>.sql */
	AM_FLYWAY_BASELINE,	/* B<version>__<desc>.sql */
	AM_FLYWAY_REPEATABLE,	/* R__<desc>.sql */
	AM_FLYWAY_CALLBACK,	/* beforeMigrate.sql, afterMigrate__x.sql, ... */
};

struct am_flyway_name {
	enum am_flyway_kind kind;
	char *version;		/* normalized ("1_1" -> "1.1"), NULL if none */
	char *description;	/* '_' -> ' ' */
};

/*
 * Parses a file name (no directory). Returns 0 with out->kind set
 * (AM_FLYWAY_INVALID for a name Flyway skips), never an error.
 */
int am_flyway_parse_name(struct am_flyway_name *out, const char *filename);
void am_flyway_name_release(struct am_flyway_name *n);

/*
 * Compares two normalized versions numerically, part by part, trailing
 * zero parts ignored ("1.0" == "1", "1.01" == "1.1", "1.10" > "1.9").
 */
int am_flyway_version_cmp(const char *a, const char *b);

/*
 * Flyway's checksum of a script: CRC-32 over the UTF-8 bytes of each line
 * without its terminator (\n, \r or \r\n), BOM stripped from the first
 * line, as a signed 32-bit integer. Line endings and empty lines do not
 * change it.
 */
int32_t am_flyway_checksum(const char *data, size_t len);

struct am_flyway_conf {
	bool has_execute_in_transaction;	/* the key is present */
	bool execute_in_transaction;		/* its value */
};

/*
 * Reads "<sql_path>.conf" if it exists (out zeroed if not). Returns 0, or
 * a negative AM_E* code for an unreadable or invalid file.
 */
int am_flyway_conf_read(struct am_flyway_conf *out, const char *sql_path);

#endif
