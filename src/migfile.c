/* SPDX-License-Identifier: MIT */
/*
 * migfile.c - versioned migration files for `--base`: classification by
 * name, a set sorted by path, and the first difference between two
 * versions of a file. No I/O and no git: gitbase.c fills the sets.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "flyway.h"
#include "migfile.h"
#include "util.h"

bool am_mig_classify(const char *name, enum am_mig_runner *runner,
		     char **version)
{
	struct am_flyway_name fn;
	size_t i = 0;

	am_flyway_parse_name(&fn, name);
	if (fn.kind == AM_FLYWAY_VERSIONED) {
		*runner = AM_MIG_FLYWAY;
		*version = fn.version;
		fn.version = NULL;
		am_flyway_name_release(&fn);
		return true;
	}
	am_flyway_name_release(&fn);
	while (isdigit((unsigned char)name[i]))
		i++;
	if (!i || name[i] != '_' || !am_ends_with(name + i + 1, ".up.sql"))
		return false;
	*runner = AM_MIG_GOMIGRATE;
	*version = xstrndup(name, i);
	return true;
}

bool am_mig_dir_marker(const char *name)
{
	struct am_flyway_name fn;
	enum am_flyway_kind kind;
	size_t i = 0;

	am_flyway_parse_name(&fn, name);
	kind = fn.kind;
	am_flyway_name_release(&fn);
	if (kind != AM_FLYWAY_INVALID && kind != AM_FLYWAY_CALLBACK)
		return true;
	while (isdigit((unsigned char)name[i]))
		i++;
	return i && name[i] == '_' &&
	       (strstr(name + i, ".up.") || strstr(name + i, ".down."));
}

void am_migs_add(struct am_migs *m, char *rel, char *display,
		 enum am_mig_runner runner, char *version, char *data,
		 size_t len)
{
	struct am_mig *x;
	const char *slash = strrchr(rel, '/');

	AM_GROW(m->items, m->alloc, m->nr + 1);
	x = &m->items[m->nr++];
	memset(x, 0, sizeof(*x));
	x->rel = rel;
	x->display = display;
	x->dirlen = slash ? (size_t)(slash - rel) : 0;
	x->runner = runner;
	x->version = version;
	x->data = data;
	x->len = len;
	x->seq = m->nr - 1;
	x->sum = am_flyway_checksum(data, len);
}

void am_migs_release(struct am_migs *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		free(m->items[i].rel);
		free(m->items[i].display);
		free(m->items[i].version);
		free(m->items[i].data);
	}
	free(m->items);
	memset(m, 0, sizeof(*m));
}

static int mig_cmp(const void *a, const void *b)
{
	return strcmp(((const struct am_mig *)a)->rel,
		      ((const struct am_mig *)b)->rel);
}

/* By path, then in the order added (qsort is not stable). */
static int mig_cmp_seq(const void *a, const void *b)
{
	const struct am_mig *x = a, *y = b;
	int c = strcmp(x->rel, y->rel);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void am_migs_sort(struct am_migs *m)
{
	size_t i, j = 0;

	if (!m->nr)
		return;
	qsort(m->items, m->nr, sizeof(*m->items), mig_cmp_seq);
	for (i = 0; i < m->nr; i++) {
		if (j && !strcmp(m->items[j - 1].rel, m->items[i].rel)) {
			free(m->items[i].rel);
			free(m->items[i].display);
			free(m->items[i].version);
			free(m->items[i].data);
			continue;
		}
		m->items[j++] = m->items[i];
	}
	m->nr = j;
}

struct am_mig *am_migs_find(struct am_migs *m, const char *rel)
{
	struct am_mig key = {0};

	key.rel = (char *)rel;
	if (!m->nr)
		return NULL;
	return bsearch(&key, m->items, m->nr, sizeof(*m->items), mig_cmp);
}

static bool is_eol(char c)
{
	return c == '\n' || c == '\r';
}

void am_mig_first_difference(const struct am_mig *now, const struct am_mig *was,
			     int *line, int *col)
{
	const char *a = now->data, *b = was->data;
	size_t i = 0, j = 0, alen = now->len, blen = was->len;
	int ln = 1, c = 1, last_ln = 1, last_c = 0;

	if (alen >= 3 && !memcmp(a, "\xef\xbb\xbf", 3))
		i = 3;
	if (blen >= 3 && !memcmp(b, "\xef\xbb\xbf", 3))
		j = 3;
	for (;;) {
		while (i < alen && is_eol(a[i])) {
			if (a[i] == '\n' || i + 1 >= alen || a[i + 1] != '\n') {
				ln++;
				c = 1;
			}
			i++;
		}
		while (j < blen && is_eol(b[j]))
			j++;
		if (i >= alen || j >= blen || a[i] != b[j])
			break;
		last_ln = ln;
		last_c = c;
		i++;
		j++;
		c++;
	}
	if (i < alen) {
		*line = ln;
		*col = c;
	} else {
		*line = last_ln;
		*col = last_c + 1;
	}
}
