/* SPDX-License-Identifier: MIT */
/*
 * locmap.c - positions of YAML nodes, keyed by JSON Pointer.
 *
 * An open-addressing hash table over pointer strings stored in one arena
 * per document. Filled by yaml_load.c while it builds the jansson tree;
 * read by rules, the spec parser and anything else that must point at a
 * line and column. It knows nothing about YAML itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "locmap.h"
#include "util.h"

struct locmap_entry {
	size_t key_off;		/* offset of the pointer string in 'arena' */
	uint32_t hash;
	unsigned alias : 1;	/* the node is an alias: sub-nodes share its position */
	struct am_loc key;
	struct am_loc value;
};

struct am_locmap {
	struct locmap_entry *slots;	/* 'cap' slots; key_off == SIZE_MAX is empty */
	size_t cap;			/* a power of two */
	size_t nr;
	struct am_buf arena;		/* NUL-separated pointer strings */
};

static uint32_t hash_str(const char *s, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * One freed map is kept for the next document: a stream of many small
 * documents then allocates its table and arena once instead of once per
 * document (glibc consolidates its fast bins on every allocation of
 * that size, which cost more than building the map itself).
 */
static struct am_locmap *spare;

struct am_locmap *am_locmap_new(size_t hint)
{
	struct am_locmap *m = spare;
	size_t i, cap = 64;

	while (cap * 3 < hint * 4)	/* stay under 3/4 full */
		cap *= 2;
	if (m && m->cap >= cap) {
		spare = NULL;
		am_buf_reset(&m->arena);
	} else {
		m = xcalloc(1, sizeof(*m));
		m->cap = cap;
		m->slots = xmalloc(m->cap * sizeof(*m->slots));
		am_buf_init(&m->arena);
		/* pointers average well under 48 bytes in manifests */
		am_buf_grow(&m->arena, hint * 48);
	}
	m->nr = 0;
	for (i = 0; i < m->cap; i++)
		m->slots[i].key_off = SIZE_MAX;
	return m;
}

static void locmap_destroy(struct am_locmap *m)
{
	free(m->slots);
	am_buf_release(&m->arena);
	free(m);
}

void am_locmap_free(struct am_locmap *m)
{
	if (!m)
		return;
	if (spare)
		locmap_destroy(spare);
	spare = m;
}

void am_locmap_release_spare(void)
{
	if (spare)
		locmap_destroy(spare);
	spare = NULL;
}

static struct locmap_entry *find_slot(const struct am_locmap *m,
				      const char *ptr, size_t n, uint32_t h)
{
	size_t i = h & (m->cap - 1);

	for (;;) {
		struct locmap_entry *e = &m->slots[i];

		if (e->key_off == SIZE_MAX)
			return e;
		if (e->hash == h && !strncmp(m->arena.buf + e->key_off, ptr, n) &&
		    m->arena.buf[e->key_off + n] == '\0')
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

static void grow(struct am_locmap *m)
{
	struct locmap_entry *old = m->slots;
	size_t i, oldcap = m->cap;

	m->cap *= 2;
	m->slots = xmalloc(m->cap * sizeof(*m->slots));
	for (i = 0; i < m->cap; i++)
		m->slots[i].key_off = SIZE_MAX;
	for (i = 0; i < oldcap; i++) {
		size_t j;

		if (old[i].key_off == SIZE_MAX)
			continue;
		j = old[i].hash & (m->cap - 1);
		while (m->slots[j].key_off != SIZE_MAX)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

void am_locmap_put(struct am_locmap *m, const char *ptr, size_t n,
		   struct am_loc key, struct am_loc value, bool alias)
{
	uint32_t h = hash_str(ptr, n);
	struct locmap_entry *e;

	if ((m->nr + 1) * 4 > m->cap * 3)
		grow(m);
	e = find_slot(m, ptr, n, h);
	if (e->key_off == SIZE_MAX) {
		e->key_off = m->arena.len;
		am_buf_add(&m->arena, ptr, n);
		am_buf_addch(&m->arena, '\0');
		e->hash = h;
		m->nr++;
	}
	e->key = key;
	e->value = value;
	e->alias = alias;
}

size_t am_locmap_count(const struct am_locmap *m)
{
	return m->nr;
}

int am_locmap_get(const struct am_locmap *m, const char *pointer,
		  struct am_loc *key, struct am_loc *value)
{
	size_t n = strlen(pointer);
	const struct locmap_entry *e = find_slot(m, pointer, n, hash_str(pointer, n));

	if (e->key_off == SIZE_MAX) {
		/*
		 * Inside an alias the expanded nodes have no position of
		 * their own: they are where the alias is.
		 */
		while (n > 0) {
			while (n > 0 && pointer[n - 1] != '/')
				n--;
			if (n == 0)
				break;
			n--;
			e = find_slot(m, pointer, n, hash_str(pointer, n));
			if (e->key_off != SIZE_MAX) {
				if (!e->alias)
					return AM_ENOTFOUND;
				break;
			}
		}
		if (e->key_off == SIZE_MAX)
			return AM_ENOTFOUND;
	}
	if (key)
		*key = e->key;
	if (value)
		*value = e->value;
	return 0;
}
