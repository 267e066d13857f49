/* SPDX-License-Identifier: MIT */
/*
 * diag.c - the findings list: append, count, sort.
 *
 * It does not print (report.c does) and does not decide what is a
 * finding (the rules do) or what is suppressed (lint.c does).
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

static const char *const severity_names[] = {
	[AM_SEV_OFF] = "off",
	[AM_SEV_NOTE] = "note",
	[AM_SEV_WARNING] = "warning",
	[AM_SEV_ERROR] = "error",
};

const char *am_severity_name(enum am_severity sev)
{
	if ((size_t)sev >= AM_ARRAY_SIZE(severity_names))
		AM_BUG("bad severity %d", (int)sev);
	return severity_names[sev];
}

int am_severity_parse(enum am_severity *out, const char *name)
{
	int i = am_str_index(severity_names, AM_ARRAY_SIZE(severity_names),
			     name);

	if (i < 0)
		return -1;
	*out = (enum am_severity)i;
	return 0;
}

void am_diags_init(struct am_diags *d)
{
	memset(d, 0, sizeof(*d));
}

static void finding_release(struct am_finding *f)
{
	free(f->rule);
	free(f->file);
	free(f->object);
	free(f->source);
	free(f->message);
	free(f->hint);
	free(f->reason);
}

void am_diags_release(struct am_diags *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		finding_release(&d->items[i]);
	free(d->items);
	am_diags_init(d);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void am_diags_add(struct am_diags *d, const struct am_finding *f)
{
	struct am_finding *n;

	AM_GROW(d->items, d->alloc, d->nr + 1);
	n = &d->items[d->nr++];
	n->rule = xstrdup(f->rule);
	n->severity = f->severity;
	n->file = xstrdup(f->file);
	n->line = f->line;
	n->col = f->col;
	n->object = dup_or_null(f->object);
	n->source = dup_or_null(f->source);
	n->message = xstrdup(f->message);
	n->hint = dup_or_null(f->hint);
	n->suppressed = f->suppressed;
	n->reason = dup_or_null(f->reason);
	if (n->suppressed)
		d->suppressed++;
	else
		d->count[n->severity]++;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct am_finding *a = pa, *b = pb;
	int c = strcmp(a->file, b->file);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	c = strcmp(a->rule, b->rule);
	if (c)
		return c;
	return strcmp(a->message, b->message);
}

void am_diags_sort(struct am_diags *d)
{
	if (d->nr > 1)
		qsort(d->items, d->nr, sizeof(*d->items), cmp_finding);
}

size_t am_diags_count_at_least(const struct am_diags *d, enum am_severity sev)
{
	size_t n = 0;
	int s;

	for (s = sev; s <= AM_SEV_ERROR; s++)
		n += d->count[s];
	return n;
}
