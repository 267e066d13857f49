/* SPDX-License-Identifier: MIT */
/*
 * spec_node.h - walking argomig.yaml's tree with positions (internal to
 * spec.c and spec_node.c).
 *
 * A struct am_snode is one node of the spec with its JSON Pointer (to ask
 * the loader's position map) and its dotted path (for messages). The
 * am_sparser_* getters fetch a typed field with a default, and on a bad
 * value set a compiler-style error at the key ("argomig.yaml:12:5:
 * error: spec.migration.retries must be 0, 1 or 2 (got 6)") and return
 * AM_EINVALID.
 */
#ifndef AM_SPEC_NODE_H
#define AM_SPEC_NODE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "spec.h"
#include "yaml_load.h"

/* A node of the spec: its value, JSON Pointer and dotted path. */
struct am_snode {
	json_t *v;	/* borrowed; NULL when the key is absent */
	char ptr[512];	/* "/spec/migration/retries" */
	char path[512]; /* "spec.migration.retries" */
};

struct am_sparser {
	const char *file;
	const struct am_locmap *locs;
	struct am_spec *spec;
};

/* An error at the key of the node at JSON Pointer 'ptr' (NULL: the file). */
int am_sparser_err(const struct am_sparser *p, const char *ptr, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));
/* A short one-line rendering of a value for "(got ...)"; owned. */
char *am_sparser_show(const json_t *v);
/*
 * An error at node 'n' that says what it should hold and what it holds:
 * "<path> must be <what> (got <value>)<tail>"; 'tail' is "" or advice
 * such as ": quote the value".
 */
int am_sparser_must_be(const struct am_sparser *p, const struct am_snode *n,
		       const char *what, const char *tail);

void am_snode_root(struct am_snode *n, json_t *v);
/* The child 'key' of 'parent' (its v is NULL when absent). */
void am_snode_child(struct am_snode *c, const struct am_snode *parent,
		    const char *key);
void am_snode_item(struct am_snode *c, const struct am_snode *parent, size_t i);
/* The pointer to report 'n' at: itself, or 'parent' when 'n' is absent. */
const char *am_snode_where(const struct am_snode *n,
			   const struct am_snode *parent);

/*
 * Checks that 'n' is a mapping (absent is fine unless 'required') whose
 * keys are all in 'allowed' (NULL-terminated); an unknown key gets a
 * "did you mean" when one is close.
 */
int am_sparser_mapping(const struct am_sparser *p, const struct am_snode *n,
		       const struct am_snode *parent, bool required,
		       const char *const *allowed);

bool am_spec_has_control(const char *s);

/*
 * Typed fields of 'parent'. Absent or null: the default ('def'; for a
 * string NULL means none, and 'required' makes absence an error).
 * Strings must be one non-empty line; *out is owned by the caller.
 */
int am_sparser_string(const struct am_sparser *p, const struct am_snode *parent,
		      const char *key, const char *def, bool required,
		      char **out);
int am_sparser_int(const struct am_sparser *p, const struct am_snode *parent,
		   const char *key, long def, long min, long max,
		   const char *range, long *out);
int am_sparser_bool(const struct am_sparser *p, const struct am_snode *parent,
		    const char *key, bool def, bool *out);
/* A duration string ("90s", "15m", "1h30m") in seconds, in [min, max]. */
int am_sparser_duration(const struct am_sparser *p,
			const struct am_snode *parent, const char *key,
			long def, long min, long max, const char *range,
			long *out);
/* Seconds, or -1 if 's' is not a duration. */
long am_spec_parse_duration(const char *s);

/* Value predicates (spec_check.c). */
bool am_spec_is_dns_label(const char *s);     /* DNS-1035: Service names */
bool am_spec_is_dns_subdomain(const char *s); /* object names */
bool am_spec_is_env_name(const char *s);
bool am_spec_is_secret_name(const char *name); /* "DB_PASSWORD", "API_TOKEN" */
bool am_spec_is_quantity(const char *s);       /* "100m", "128Mi", "1.5" */

#endif
