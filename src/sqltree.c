/* SPDX-License-Identifier: MIT */
/*
 * sqltree.c - a statement's parse tree: built from libpg_query's JSON,
 * read through the am_sqlnode_* accessors.
 *
 * A streaming JSON parser (yajl) builds struct am_sqlnode trees into an
 * arena freed with the file; members no reader looks at are not built,
 * and for a CREATE TABLE the build can stop after the table's name (see
 * am_sqlstmt_head). It does not call libpg_query (sqlfile.c does) and
 * does not know what the nodes mean (the rules do).
 */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "sqlfile_int.h"
#include "util.h"

/* ---- arena -------------------------------------------------------------- */

struct am_arena_block {
	struct am_arena_block *prev;
	size_t used, size;
	char data[];
};

struct am_arena {
	struct am_arena_block *top;
};

static void *arena_alloc(struct am_arena *a, size_t n)
{
	struct am_arena_block *b = a->top;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (!b || b->size - b->used < n) {
		size_t size = n > 60000 ? n : 60000;

		b = xmalloc(sizeof(*b) + size);
		b->prev = a->top;
		b->used = 0;
		b->size = size;
		a->top = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

static char *arena_strndup(struct am_arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

struct am_arena *am_sqltree_arena_new(void)
{
	return xcalloc(1, sizeof(struct am_arena));
}

void am_sqltree_arena_free(struct am_arena *a)
{
	struct am_arena_block *b, *prev;

	if (!a)
		return;
	for (b = a->top; b; b = prev) {
		prev = b->prev;
		free(b);
	}
	free(a);
}

/* ---- tree accessors ----------------------------------------------------- */

const struct am_sqlnode *am_sqlnode_get(const struct am_sqlnode *obj,
					const char *key)
{
	const struct am_sqlnode *c;

	if (!obj || obj->type != AM_SQLN_OBJECT)
		return NULL;
	for (c = obj->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

const char *am_sqlnode_str(const struct am_sqlnode *obj, const char *key)
{
	const struct am_sqlnode *n = am_sqlnode_get(obj, key);

	return n && n->type == AM_SQLN_STRING ? n->str : NULL;
}

long long am_sqlnode_int(const struct am_sqlnode *obj, const char *key)
{
	const struct am_sqlnode *n = am_sqlnode_get(obj, key);

	if (!n || (n->type != AM_SQLN_INT && n->type != AM_SQLN_BOOL))
		return 0;
	return n->ival;
}

bool am_sqlnode_bool(const struct am_sqlnode *obj, const char *key)
{
	return am_sqlnode_int(obj, key) != 0;
}

bool am_sqlnode_is(const struct am_sqlnode *obj, const char *key,
		   const char *value)
{
	const char *s = am_sqlnode_str(obj, key);

	return s && !strcmp(s, value);
}

const char *am_sqlnode_type(const struct am_sqlnode *node)
{
	if (!node || node->type != AM_SQLN_OBJECT || node->n != 1)
		return NULL;
	return node->child->key;
}

const struct am_sqlnode *am_sqlnode_as(const struct am_sqlnode *node,
				       const char *type)
{
	const char *t = am_sqlnode_type(node);

	return t && !strcmp(t, type) ? node->child : NULL;
}

/* ---- JSON to tree (yajl callbacks) -------------------------------------- */

struct build {
	struct am_arena *arena;
	struct am_sqlnode *root;
	struct am_sqlnode **stack;	/* open containers */
	struct am_sqlnode **last;	/* their last child */
	size_t depth, alloc;
	const char *key;
	bool skip;		/* the current member is one nothing reads */
	bool head;		/* stop once a CreateStmt's "relation" is built */
	bool stopped;		/* ... and it was */
};

static struct am_sqlnode *build_add(struct build *b, enum am_sqlnode_type t)
{
	struct am_sqlnode *n = arena_alloc(b->arena, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = t;
	n->key = b->key;
	b->key = NULL;
	if (b->depth) {
		struct am_sqlnode *parent = b->stack[b->depth - 1];

		if (b->last[b->depth - 1])
			b->last[b->depth - 1]->next = n;
		else
			parent->child = n;
		b->last[b->depth - 1] = n;
		parent->n++;
	} else if (!b->root) {
		b->root = n;
	}
	return n;
}

static int build_open(struct build *b, enum am_sqlnode_type t)
{
	struct am_sqlnode *n = build_add(b, t);

	if (b->depth == b->alloc) {
		b->alloc = b->alloc ? 2 * b->alloc : 64;
		b->stack = xrealloc(b->stack, b->alloc * sizeof(*b->stack));
		b->last = xrealloc(b->last, b->alloc * sizeof(*b->last));
	}
	b->stack[b->depth] = n;
	b->last[b->depth] = NULL;
	b->depth++;
	return 1;
}

/* True if a scalar member was skipped (see cb_key). */
static bool skipped(struct build *b)
{
	if (!b->skip)
		return false;
	b->skip = false;
	return true;
}

static int cb_null(void *ctx)
{
	if (!skipped(ctx))
		build_add(ctx, AM_SQLN_NULL);
	return 1;
}

static int cb_bool(void *ctx, int v)
{
	if (!skipped(ctx))
		build_add(ctx, AM_SQLN_BOOL)->ival = v != 0;
	return 1;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	struct build *b = ctx;
	bool integer = true;
	struct am_sqlnode *n;
	size_t i;

	if (skipped(b))
		return 1;
	if (len < 20 && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) {
		long long v = 0;
		bool neg = s[0] == '-';

		for (i = neg; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			v = v * 10 + (s[i] - '0');
		if (i == len) {
			n = build_add(b, AM_SQLN_INT);
			n->ival = neg ? -v : v;
			return 1;
		}
	}
	for (i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			integer = false;
	n = build_add(b, integer ? AM_SQLN_INT : AM_SQLN_FLOAT);
	n->str = arena_strndup(b->arena, s, len);
	if (integer)
		n->ival = strtoll(n->str, NULL, 10);
	return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct build *b = ctx;
	struct am_sqlnode *n;

	if (skipped(b))
		return 1;
	n = build_add(b, AM_SQLN_STRING);
	n->str = arena_strndup(b->arena, (const char *)s, len);
	return 1;
}

static int cb_start_map(void *ctx)
{
	((struct build *)ctx)->skip = false;
	return build_open(ctx, AM_SQLN_OBJECT);
}

/*
 * Scalar members no reader of the tree looks at (libpg_query prints them
 * on most nodes): not building them makes trees about a third smaller.
 */
static bool unread_key(const unsigned char *s, size_t len)
{
	const char *k;

	switch (len) {
	case 2: k = "op"; break;
	case 3: k = "inh"; break;
	case 7: k = "typemod"; break;
	case 8:
		k = s[0] == 'i' ? "is_local" : s[0] == 'o' && s[1] == 'r' ? "ordering"
		    : s[0] == 'b' ? "behavior" : s[2] == 'C' ? "onCommit" : "oncommit";
		break;
	case 9: k = "defaction"; break;
	case 10: k = "funcformat"; break;
	case 11: k = "limitOption"; break;
	case 12: k = s[0] == 'i' ? "is_from_type" : "fk_matchtype"; break;
	case 13: k = s[3] == 'u' ? "fk_upd_action" : "fk_del_action"; break;
	case 14: k = s[0] == 'n' ? "nulls_ordering" : "relpersistence"; break;
	default: return false;
	}
	return !memcmp(k, s, len);
}

static int cb_key(void *ctx, const unsigned char *s, size_t len)
{
	struct build *b = ctx;

	b->skip = unread_key(s, len);
	if (!b->skip)
		b->key = arena_strndup(b->arena, (const char *)s, len);
	return 1;
}

static int cb_end(void *ctx)
{
	struct build *b = ctx;
	const struct am_sqlnode *closed = b->stack[--b->depth];

	/* root, "stmts", its element, "stmt", "CreateStmt", "relation" */
	if (b->head && b->depth == 5 && closed->key &&
	    !strcmp(closed->key, "relation")) {
		b->stopped = true;
		return 0;
	}
	return 1;
}

static int cb_start_array(void *ctx)
{
	((struct build *)ctx)->skip = false;
	return build_open(ctx, AM_SQLN_ARRAY);
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end,
};

/* The tree of a JSON text, or NULL; see am_sqltree_build(). */
static const struct am_sqlnode *json_tree(struct am_arena *arena,
					  const char *json, bool head,
					  bool *stopped)
{
	struct build b = { arena, NULL, NULL, NULL, 0, 0, NULL, false, head,
			   false };
	yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
	yajl_status st;

	/* libpg_query prints valid UTF-8: no need to check it again. */
	yajl_config(h, yajl_dont_validate_strings, 1);
	st = yajl_parse(h, (const unsigned char *)json, strlen(json));
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	yajl_free(h);
	free(b.stack);
	free(b.last);
	*stopped = b.stopped;
	return st == yajl_status_ok || b.stopped ? b.root : NULL;
}

/* The "stmt" member of a parse result's first statement, or NULL. */
static const struct am_sqlnode *first_stmt(const struct am_sqlnode *root)
{
	const struct am_sqlnode *stmts = am_sqlnode_get(root, "stmts");

	return stmts && stmts->child ? am_sqlnode_get(stmts->child, "stmt")
				     : NULL;
}

const struct am_sqlnode *am_sqltree_build(struct am_arena *arena,
					  const char *json, bool head,
					  bool *stopped)
{
	return first_stmt(json_tree(arena, json, head, stopped));
}
