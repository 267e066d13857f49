/* SPDX-License-Identifier: MIT */
/*
 * yaml_load.c - libyaml events into jansson trees with node positions.
 *
 * The only file that reads YAML (emit.c is the only one that writes it).
 * Documents are built from parser events with an explicit stack, so deep
 * nesting cannot overflow the C stack; aliases share the anchored jansson
 * value and add its expanded size to a per-document node budget, so an
 * alias bomb is refused after a bounded amount of work and memory.
 *
 * A custom read handler feeds libyaml and, on the way, notes what libyaml
 * does not report: whole-line comments ("# argomig:..." directives and
 * Helm's "# Source:" lines), tabs in indentation and line starts (to
 * place reader errors, which libyaml gives as byte offsets).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "err.h"
#include "util.h"
#include "yaml_load.h"
#include "yaml_scalar.h"
#include "yaml_scan.h"

struct anchor {
	char *name;
	json_t *value;		/* one reference owned */
	size_t nodes;		/* expanded size */
	struct am_loc at;
};

struct frame {
	json_t *node;		/* the container being filled (borrowed from parent or root) */
	bool is_map;
	struct am_buf key;	/* map: the pending key (reused across keys and frames) */
	bool has_key;		/* map: 'key' holds a key whose value is expected */
	struct am_loc key_at;
	bool drop_value;	/* map: the pending key is a duplicate */
	bool dropped;		/* this container is the value of a duplicate key */
	size_t index;		/* sequence: next item index */
	size_t path_len;	/* length of the container's own pointer */
	char *anchor;		/* anchor of the container, registered at its end */
	struct am_loc at;	/* where the container starts */
	size_t nodes_at_start;
};

struct am_yaml_reader {
	char *name;
	struct am_yaml_limits lim;
	yaml_parser_t parser;
	bool parser_ok;
	FILE *fp;		/* borrowed; NULL for a buffer */
	const char *buf;	/* borrowed */
	size_t len, pos;
	bool done;		/* stream ended or failed */
	int io_errno;		/* read error */
	bool too_big;
	size_t index;		/* documents returned so far */
	int prev_doc_end;	/* line where the previous document ended */
	size_t last_nodes;	/* nodes of the previous document: a size hint */

	struct am_yaml_problem *problems;
	size_t nproblems, aproblems;
	struct am_yaml_scan scan;	/* what libyaml does not report */

	/* per-document build state */
	struct frame *stack;
	size_t depth, astack;
	struct am_buf path;
	struct anchor *anchors;
	size_t nanchors, aanchors;
	size_t nodes;
	json_t *root;
	struct am_locmap *locs;
	struct am_loc root_at;
};

static struct am_loc mark_loc(yaml_mark_t m)
{
	struct am_loc l = { (int)m.line + 1, (int)m.column + 1 };

	return l;
}

static void add_problem(struct am_yaml_reader *r, struct am_loc at,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add_problem(struct am_yaml_reader *r, struct am_loc at,
			const char *fmt, ...)
{
	struct am_yaml_problem *p;
	va_list ap;

	AM_GROW(r->problems, r->aproblems, r->nproblems + 1);
	p = &r->problems[r->nproblems++];
	p->at = at;
	va_start(ap, fmt);
	p->message = xvasprintf(fmt, ap);
	va_end(ap);
}

/* --- the read handler and its scanner ---------------------------------- */

static int read_handler(void *data, unsigned char *buffer, size_t size,
			size_t *size_read)
{
	struct am_yaml_reader *r = data;
	size_t n;

	if (r->fp) {
		n = fread(buffer, 1, size, r->fp);
		if (!n && ferror(r->fp)) {
			r->io_errno = errno ? errno : EIO;
			return 0;
		}
	} else {
		n = r->len - r->pos < size ? r->len - r->pos : size;
		memcpy(buffer, r->buf + r->pos, n);
		r->pos += n;
	}
	if (r->scan.total + n > r->lim.max_bytes) {
		r->too_big = true;
		return 0;
	}
	am_yaml_scan_feed(&r->scan, buffer, n);
	*size_read = n;
	return 1;
}

/* --- setup ----------------------------------------------------------- */

static int reader_new(struct am_yaml_reader **out, const char *name,
		      const struct am_yaml_limits *lim)
{
	static const struct am_yaml_limits defaults = AM_YAML_LIMITS_DEFAULT;
	struct am_yaml_reader *r = xcalloc(1, sizeof(*r));

	r->name = xstrdup(name);
	r->lim = lim ? *lim : defaults;
	am_yaml_scan_init(&r->scan);
	am_buf_init(&r->path);
	if (!yaml_parser_initialize(&r->parser)) {	/* libyaml: 1 is success */
		am_yaml_reader_free(r);
		return am_error_set(AM_ERROR, "cannot initialize the YAML parser");
	}
	r->parser_ok = true;
	yaml_parser_set_input(&r->parser, read_handler, r);
	*out = r;
	return 0;
}

int am_yaml_reader_new(struct am_yaml_reader **out, const char *name,
		       FILE *fp, const struct am_yaml_limits *lim)
{
	struct am_yaml_reader *r;
	struct stat st;
	int ret;

	ret = reader_new(&r, name, lim);
	if (ret < 0)
		return ret;
	if (!fstat(fileno(fp), &st) && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size > r->lim.max_bytes) {
		ret = am_error_set(AM_ETOOBIG,
				   "'%s' is larger than the %zu MiB limit",
				   name, r->lim.max_bytes >> 20);
		am_yaml_reader_free(r);
		return ret;
	}
	r->fp = fp;
	*out = r;
	return 0;
}

int am_yaml_reader_new_buf(struct am_yaml_reader **out, const char *name,
			   const char *buf, size_t len,
			   const struct am_yaml_limits *lim)
{
	struct am_yaml_reader *r;
	int ret;

	ret = reader_new(&r, name, lim);
	if (ret < 0)
		return ret;
	r->buf = buf;
	r->len = len;
	*out = r;
	return 0;
}

/* --- building a document --------------------------------------------- */

static void clear_anchors(struct am_yaml_reader *r)
{
	size_t i;

	for (i = 0; i < r->nanchors; i++) {
		free(r->anchors[i].name);
		json_decref(r->anchors[i].value);
	}
	r->nanchors = 0;
}

static void clear_build(struct am_yaml_reader *r)
{
	size_t i;

	for (i = 0; i < r->depth; i++) {
		json_decref(r->stack[i].node);	/* the frame's reference */
		free(r->stack[i].anchor);
	}
	r->depth = 0;
	clear_anchors(r);
	json_decref(r->root);
	r->root = NULL;
	am_locmap_free(r->locs);
	r->locs = NULL;
	am_buf_reset(&r->path);
	r->nodes = 0;
}

static void set_anchor(struct am_yaml_reader *r, const char *name,
		       json_t *value, size_t nodes, struct am_loc at)
{
	struct anchor *a = NULL;
	size_t i;

	for (i = 0; i < r->nanchors; i++)
		if (!strcmp(r->anchors[i].name, name))
			a = &r->anchors[i];
	if (a) {
		json_decref(a->value);
	} else {
		AM_GROW(r->anchors, r->aanchors, r->nanchors + 1);
		a = &r->anchors[r->nanchors++];
		a->name = xstrdup(name);
	}
	a->value = json_incref(value);
	a->nodes = nodes;
	a->at = at;
}

static const struct anchor *find_anchor(const struct am_yaml_reader *r,
					const char *name)
{
	size_t i;

	for (i = r->nanchors; i > 0; i--)
		if (!strcmp(r->anchors[i - 1].name, name))
			return &r->anchors[i - 1];
	return NULL;
}

/* Appends "/<index>" to the path. */
static void path_push_index(struct am_buf *path, size_t index)
{
	char digits[24];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	am_buf_addch(path, '/');
	am_buf_add(path, digits + n, sizeof(digits) - n);
}

/* Appends "/<segment>" to the path, escaped per RFC 6901. */
static void path_push(struct am_buf *path, const char *seg)
{
	const char *p;

	am_buf_addch(path, '/');
	for (p = seg; *p;) {
		size_t n = strcspn(p, "~/");

		am_buf_add(path, p, n);
		p += n;
		if (*p) {
			am_buf_adds(path, *p == '~' ? "~0" : "~1");
			p++;
		}
	}
}

static void path_truncate(struct am_buf *path, size_t len)
{
	path->len = len;
	if (path->alloc)
		path->buf[len] = '\0';
}

static json_t *scalar_value(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;

	size_t len = ev->data.scalar.length;

	/* libyaml has already checked the UTF-8 */
	if (tag || !ev->data.scalar.plain_implicit || memchr(s, '\0', len))
		return json_stringn_nocheck(s, len);
	return am_yaml_scalar_resolve(s, len);
}

/* A mapping key as text: scalars as written, other scalar JSON as dumped. */
static void key_text(struct am_buf *out, json_t *v)
{
	char *dump;

	am_buf_reset(out);
	if (json_is_string(v)) {
		am_buf_add(out, json_string_value(v), json_string_length(v));
		return;
	}
	if (json_is_null(v)) {
		am_buf_adds(out, "null");
		return;
	}
	dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	am_buf_adds(out, dump);
	free(dump);
}

static bool over_budget(struct am_yaml_reader *r, struct am_loc at)
{
	if (r->nodes <= r->lim.max_nodes)
		return false;
	add_problem(r, at,
		    "document expands to more than %zu nodes (alias bomb?)",
		    r->lim.max_nodes);
	return true;
}

/* True when the next node of the current mapping is its key. */
static bool expecting_key(const struct am_yaml_reader *r)
{
	return r->depth && r->stack[r->depth - 1].is_map &&
	       !r->stack[r->depth - 1].has_key;
}

/* True inside the value of a duplicate key: nothing there is recorded. */
static bool dropping(const struct am_yaml_reader *r)
{
	return r->depth && r->stack[r->depth - 1].dropped;
}

/*
 * Attaches node 'v' (a new reference, stolen) at the current position
 * and records its position. 'is_alias' marks nodes whose sub-nodes have
 * no positions of their own. With 'keep_path' the node's own pointer is
 * left in r->path (for a container's children). Returns false when the
 * document must be abandoned; *dropped tells whether the node went to a
 * duplicate key.
 */
static bool attach(struct am_yaml_reader *r, json_t *v, struct am_loc at,
		   bool is_alias, bool keep_path, bool *dropped)
{
	struct frame *top;
	size_t len = r->path.len;
	bool drop = dropping(r);

	*dropped = drop;
	if (!r->depth) {
		r->root = v;
		r->root_at = at;
		am_locmap_put(r->locs, "", 0, at, at, is_alias);
		return true;
	}
	top = &r->stack[r->depth - 1];
	if (top->is_map && !top->has_key) {
		if (json_is_object(v) || json_is_array(v)) {
			add_problem(r, at, "a mapping key must be a scalar");
			json_decref(v);
			return false;
		}
		key_text(&top->key, v);
		top->has_key = true;
		top->key_at = at;
		top->drop_value = json_object_get(top->node, top->key.buf) != NULL;
		if (top->drop_value && !drop)
			add_problem(r, at, "duplicate key '%s'", top->key.buf);
		json_decref(v);
		return true;
	}
	if (top->is_map) {
		path_push(&r->path, top->key.buf);
		drop = drop || top->drop_value;
		*dropped = drop;
		if (!drop)
			am_locmap_put(r->locs, r->path.buf, r->path.len,
				      top->key_at, at, is_alias);
		if (top->drop_value)
			json_decref(v);
		else
			json_object_setn_new_nocheck(top->node, top->key.buf,
						     top->key.len, v);
		top->has_key = false;
	} else {
		path_push_index(&r->path, top->index++);
		if (!drop)
			am_locmap_put(r->locs, r->path.buf, r->path.len, at, at,
				      is_alias);
		json_array_append_new(top->node, v);
	}
	if (!keep_path)
		path_truncate(&r->path, len);
	return true;
}

/* Opens a container: attaches it, then pushes a frame to fill it. */
static bool open_container(struct am_yaml_reader *r, const yaml_event_t *ev,
			   bool is_map)
{
	struct am_loc at = mark_loc(ev->start_mark);
	const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor
					   : ev->data.sequence_start.anchor;
	json_t *v;
	struct frame *f;
	bool dropped;

	if (r->depth >= r->lim.max_depth) {
		add_problem(r, at, "nesting deeper than %zu levels",
			    r->lim.max_depth);
		return false;
	}
	if (expecting_key(r)) {
		add_problem(r, at, "a mapping key must be a scalar");
		return false;
	}
	r->nodes++;
	if (over_budget(r, at))
		return false;
	v = is_map ? json_object() : json_array();
	/* one reference for the parent (stolen by attach), one for the frame */
	if (!attach(r, json_incref(v), at, false, true, &dropped)) {
		json_decref(v);
		return false;
	}
	if (r->depth == r->astack) {	/* new frames get an empty key buffer */
		size_t i, old = r->astack;

		AM_GROW(r->stack, r->astack, r->depth + 1);
		for (i = old; i < r->astack; i++)
			am_buf_init(&r->stack[i].key);
	}
	f = &r->stack[r->depth++];
	f->has_key = false;
	f->drop_value = false;
	f->index = 0;
	f->node = v;
	f->is_map = is_map;
	f->dropped = dropped;
	f->path_len = r->path.len;
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
	f->at = at;
	f->nodes_at_start = r->nodes;
	return true;
}

static void close_container(struct am_yaml_reader *r)
{
	struct frame *f = &r->stack[--r->depth];
	size_t parent_len = 0;

	if (f->anchor)
		set_anchor(r, f->anchor, f->node, r->nodes - f->nodes_at_start + 1,
			   f->at);
	free(f->anchor);
	json_decref(f->node);	/* the extra reference taken while open */
	if (r->depth)
		parent_len = r->stack[r->depth - 1].path_len;
	path_truncate(&r->path, parent_len);
}

static bool on_scalar(struct am_yaml_reader *r, const yaml_event_t *ev)
{
	struct am_loc at = mark_loc(ev->start_mark);
	json_t *v;
	bool dropped;

	/* keys are text as written: "on:" is the key "on", not true */
	if (expecting_key(r))
		v = json_stringn_nocheck((const char *)ev->data.scalar.value,
					 ev->data.scalar.length);
	else
		v = scalar_value(ev);
	r->nodes++;
	if (over_budget(r, at)) {
		json_decref(v);
		return false;
	}
	if (ev->data.scalar.anchor)
		set_anchor(r, (const char *)ev->data.scalar.anchor, v, 1, at);
	return attach(r, v, at, false, false, &dropped);
}

static bool on_alias(struct am_yaml_reader *r, const yaml_event_t *ev)
{
	struct am_loc at = mark_loc(ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	const struct anchor *a = find_anchor(r, name);
	bool dropped;

	if (!a) {
		add_problem(r, at, "unknown alias '*%s'", name);
		return false;
	}
	r->nodes += a->nodes;
	if (over_budget(r, at))
		return false;
	return attach(r, json_incref(a->value), at, true, false, &dropped);
}

/* Turns a libyaml failure into a problem (or an operational error). */
static int parser_failure(struct am_yaml_reader *r)
{
	yaml_parser_t *p = &r->parser;
	struct am_loc at;

	r->done = true;
	if (r->too_big)
		return am_error_set(AM_ETOOBIG,
				    "'%s' is larger than the %zu MiB limit",
				    r->name, r->lim.max_bytes >> 20);
	if (r->io_errno)
		return am_error_set(AM_ERROR, "cannot read '%s': %s", r->name,
				    strerror(r->io_errno));
	if (p->error == YAML_READER_ERROR) {
		at = am_yaml_scan_offset_loc(&r->scan, p->problem_offset);
		if (p->problem_value == 0 && p->problem && strstr(p->problem, "control"))
			add_problem(r, at, "NUL byte in the file");
		else if (p->problem && strstr(p->problem, "control"))
			add_problem(r, at, "control character 0x%02x is not allowed in YAML",
				    (unsigned)p->problem_value);
		else
			add_problem(r, at, "invalid UTF-8 (%s)",
				    p->problem ? p->problem : "bad byte sequence");
		return 0;
	}
	if (p->error == YAML_MEMORY_ERROR)
		return am_error_set(AM_ERROR, "out of memory parsing '%s'", r->name);
	at = mark_loc(p->problem_mark);
	if (am_yaml_scan_is_indent_tab(&r->scan, at)) {
		add_problem(r, at, "tab character in indentation (YAML allows only spaces)");
	} else if (p->context && (p->context_mark.line != p->problem_mark.line ||
				  p->context_mark.column != p->problem_mark.column)) {
		struct am_loc ctx = mark_loc(p->context_mark);

		add_problem(r, at, "%s (%s that starts at %d:%d)",
			    p->problem ? p->problem : "syntax error", p->context,
			    ctx.line, ctx.col);
	} else if (p->context) {
		add_problem(r, at, "%s (%s)", p->problem ? p->problem : "syntax error",
			    p->context);
	} else {
		add_problem(r, at, "%s", p->problem ? p->problem : "syntax error");
	}
	return 0;
}

int am_yaml_reader_next(struct am_yaml_reader *r, struct am_yaml_doc *doc)
{
	yaml_event_t ev;
	int ret = 0;

	memset(doc, 0, sizeof(*doc));
	if (r->done)
		return 0;
	for (;;) {
		bool ok = true;

		if (!yaml_parser_parse(&r->parser, &ev)) {
			ret = parser_failure(r);
			clear_build(r);
			return ret;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			r->done = true;
			yaml_event_delete(&ev);
			return 0;
		case YAML_DOCUMENT_START_EVENT:
			r->locs = am_locmap_new(r->last_nodes);
			break;
		case YAML_DOCUMENT_END_EVENT: {
			int end_line = (int)ev.end_mark.line + 1;

			yaml_event_delete(&ev);
			clear_anchors(r);
			if (!r->root || json_is_null(r->root)) {	/* empty document */
				r->prev_doc_end = end_line;
				clear_build(r);
				continue;
			}
			r->last_nodes = am_locmap_count(r->locs);
			doc->index = r->index++;
			doc->root = r->root;
			doc->locs = r->locs;
			doc->start = r->root_at;
			doc->source = am_yaml_scan_take_source(&r->scan, r->prev_doc_end,
							       r->root_at.line);
			r->root = NULL;
			r->locs = NULL;
			r->prev_doc_end = end_line;
			return 1;
		}
		case YAML_SCALAR_EVENT:
			ok = on_scalar(r, &ev);
			break;
		case YAML_ALIAS_EVENT:
			ok = on_alias(r, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			ok = open_container(r, &ev, false);
			break;
		case YAML_MAPPING_START_EVENT:
			ok = open_container(r, &ev, true);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			close_container(r);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (!ok) {	/* the problem is recorded; the stream ends */
			r->done = true;
			clear_build(r);
			return 0;
		}
	}
}

const struct am_yaml_problem *am_yaml_reader_problems(
	const struct am_yaml_reader *r, size_t *n)
{
	*n = r->nproblems;
	return r->problems;
}

const struct am_comment *am_yaml_reader_comments(
	const struct am_yaml_reader *r, size_t *n)
{
	*n = r->scan.ncomments;
	return r->scan.comments;
}

void am_yaml_doc_release(struct am_yaml_doc *doc)
{
	json_decref(doc->root);
	am_locmap_free(doc->locs);
	free(doc->source);
	memset(doc, 0, sizeof(*doc));
}

void am_yaml_reader_free(struct am_yaml_reader *r)
{
	size_t i;

	if (!r)
		return;
	clear_build(r);
	if (r->parser_ok)
		yaml_parser_delete(&r->parser);
	for (i = 0; i < r->nproblems; i++)
		free(r->problems[i].message);
	free(r->problems);
	for (i = 0; i < r->astack; i++)
		am_buf_release(&r->stack[i].key);
	free(r->stack);
	free(r->anchors);
	am_yaml_scan_release(&r->scan);
	am_buf_release(&r->path);
	free(r->name);
	free(r);
}
