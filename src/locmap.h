/* SPDX-License-Identifier: MIT */
/*
 * locmap.h - the position of every YAML node of one document, keyed by
 * JSON Pointer (RFC 6901; "" is the root, "/spec/containers/0/image").
 *
 * Filled by the YAML loader; everything else only reads it. Positions are
 * 1-based (libyaml's 0-based marks are converted once, in yaml_load.c).
 */
#ifndef AM_LOCMAP_H
#define AM_LOCMAP_H

#include <stdbool.h>
#include <stddef.h>

struct am_loc {
	int line;	/* 1-based; 0 when unknown */
	int col;	/* 1-based; 0 when unknown */
};

struct am_locmap;

/*
 * The position of the node at 'pointer' in 'value', and of the mapping
 * key that holds it in 'key' (for sequence items and the root, 'key' is
 * the node itself). Either output may be NULL. Nodes reached through a
 * YAML alias are located at the alias. Returns 0, or AM_ENOTFOUND
 * (without setting an error message) when there is no such node.
 */
int am_locmap_get(const struct am_locmap *m, const char *pointer,
		  struct am_loc *key, struct am_loc *value);

/* The number of nodes recorded. */
size_t am_locmap_count(const struct am_locmap *m);

/*
 * For the loader: an empty map sized for about 'hint' nodes (owned;
 * am_locmap_free accepts NULL).
 */
struct am_locmap *am_locmap_new(size_t hint);
void am_locmap_free(struct am_locmap *m);
/* Frees the map kept for reuse (at exit, so leak checkers see nothing). */
void am_locmap_release_spare(void);
/* Records 'ptr' (n bytes, need not be NUL-terminated); a repeat overwrites. */
void am_locmap_put(struct am_locmap *m, const char *ptr, size_t n,
		   struct am_loc key, struct am_loc value, bool alias);

#endif
