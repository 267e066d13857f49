/* SPDX-License-Identifier: MIT */
/*
 * conninfo.h - connection settings as keyword/value pairs, and the
 * conversion of a pgJDBC URL (FLYWAY_URL) into libpq keywords
 * (reference/preflight.md §3.6).
 *
 * Pure string work: no libpq here (db.c validates keywords against the
 * libpq it runs with). Settings travel as keyword/value arrays, never as
 * one conninfo string, so no value needs quoting and none is ever
 * printed whole.
 */
#ifndef AM_PF_CONNINFO_H
#define AM_PF_CONNINFO_H

#include <stddef.h>

struct am_kv {
	char *key;	/* owned */
	char *val;	/* owned, never NULL */
};

struct am_kvlist {
	struct am_kv *items;
	size_t n, alloc;
};

#define AM_KVLIST_INIT { NULL, 0, 0 }

void am_kvlist_release(struct am_kvlist *l);
/* Appends a copy of key and val. */
void am_kvlist_add(struct am_kvlist *l, const char *key, const char *val);
/* Replaces the value of 'key' (the last one) or appends it. */
void am_kvlist_set(struct am_kvlist *l, const char *key, const char *val);
/* The value of the last 'key', or NULL. Borrowed. */
const char *am_kvlist_get(const struct am_kvlist *l, const char *key);
void am_kvlist_remove(struct am_kvlist *l, const char *key);

/*
 * Converts a pgJDBC URL ("jdbc:postgresql://h1:5432,h2/db?sslmode=...")
 * into libpq keywords appended to 'out': host, port, dbname, user,
 * password and every property with a libpq equivalent. Properties that
 * only change the JDBC driver's own behaviour (prepareThreshold, ...) are
 * appended to 'ignored' as (name, reason); properties with no libpq
 * equivalent are appended to 'dropped' as (name, reason), and the caller
 * warns about them. Percent-decoding follows pgJDBC (java URLDecoder, so
 * '+' is a space).
 *
 * Returns 0, or AM_EPARSE after am_error_set() with a message that names
 * the part at fault but never contains a user name, password or query
 * value.
 */
int am_jdbc_convert(const char *url, struct am_kvlist *out,
		    struct am_kvlist *dropped, struct am_kvlist *ignored);

/*
 * Appends 'arg' to a libpq 'options' string, escaping spaces and
 * backslashes as the server's command-line splitter expects.
 */
void am_conninfo_options_add_c(char **options, const char *name,
			       const char *value);

#endif
