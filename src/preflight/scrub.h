/* SPDX-License-Identifier: MIT */
/*
 * scrub.h - keeps passwords out of every byte argomig-preflight writes.
 *
 * Every line of the report, the JSON document and the termination
 * message passes through am_scrub() just before it is written. Two
 * layers: the exact secrets the program knows (PGPASSWORD,
 * FLYWAY_PASSWORD, the password inside DATABASE_URL or FLYWAY_URL, in
 * their raw and percent-decoded forms) are replaced wherever they occur,
 * and any "password=<value>" or "scheme://user:<password>@" left in a
 * text (libpq quoting a connection string back, say) is masked as well.
 */
#ifndef AM_PF_SCRUB_H
#define AM_PF_SCRUB_H

#include <stddef.h>

#define AM_SCRUB_MASK "***"

struct am_scrub {
	char **secrets;		/* owned; longest first */
	size_t n, alloc;
};

#define AM_SCRUB_INIT { NULL, 0, 0 }

void am_scrub_release(struct am_scrub *s);
/* Remembers a copy of 'secret'; NULL and "" are ignored. */
void am_scrub_add(struct am_scrub *s, const char *secret);
/*
 * Remembers every password found in a connection string or URL: the
 * userinfo password of a URI, "password=" and "sslpassword=" values of a
 * query string or of keyword/value conninfo, raw and percent-decoded.
 */
void am_scrub_add_from(struct am_scrub *s, const char *conninfo);
/* Returns an owned copy of 'text' with every secret masked. */
char *am_scrub(const struct am_scrub *s, const char *text);

#endif
