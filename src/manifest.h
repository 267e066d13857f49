/* SPDX-License-Identifier: MIT */
/*
 * manifest.h - one Kubernetes object as the rules see it: kind, name,
 * annotations as Argo CD reads them, hooks and waves, the pod spec and its
 * containers, the "migration container" and "migration Job" predicates of
 * RULES.md, and am_object_report(), the one way a Kubernetes rule reports.
 *
 * An am_object borrows the YAML document it was built from (json and
 * positions); it owns only the small strings it computes (pointers, id).
 * Nothing here reads files or prints.
 */
#ifndef AM_MANIFEST_H
#define AM_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lint.h"
#include "util.h"
#include "yaml_load.h"

/* Hook types, Argo CD's and the Helm ones mapped to them (argocd.md §4.2). */
enum {
	AM_HOOK_PRESYNC = 1 << 0,
	AM_HOOK_SYNC = 1 << 1,
	AM_HOOK_POSTSYNC = 1 << 2,
	AM_HOOK_SYNCFAIL = 1 << 3,
	AM_HOOK_SKIP = 1 << 4,
	AM_HOOK_PREDELETE = 1 << 5,
	AM_HOOK_POSTDELETE = 1 << 6,
};

/* Which position of a node a finding points at. */
enum am_at {
	AM_AT_KEY,	/* the mapping key holding the node (a sequence item: the item) */
	AM_AT_VALUE,	/* the node itself */
};

/* One container of a pod spec. */
struct am_container {
	const json_t *json;	/* borrowed */
	char *ptr;		/* owned; relative to the object, e.g. "/spec/template/spec/containers/0" */
	const char *name;	/* borrowed; "" when unnamed */
	const char *image;	/* borrowed, or NULL */
	bool init;		/* an initContainer */
	const char *migration;	/* static: what makes it a migration container, or NULL */
	bool flyway;		/* runs Flyway (image or command) */
};

struct am_object {
	const char *file;		/* borrowed: path as given */
	const struct am_yaml_doc *doc;	/* borrowed */
	char *base;			/* owned: JSON Pointer of the object in doc ("" or "/items/3") */
	const json_t *json;		/* borrowed */
	const char *api_version;	/* borrowed, never NULL */
	const char *kind;		/* borrowed, never NULL */
	const char *name;		/* borrowed metadata.name, or NULL */
	const char *generate_name;	/* borrowed metadata.generateName, or NULL */
	const char *namespace;		/* borrowed metadata.namespace, or NULL */
	char *id;			/* owned: "apiVersion/kind/name" */
	const char *source;		/* borrowed: Helm "# Source:" path, or NULL */

	/*
	 * Annotations as Argo CD sees them: NULL when there are none or when
	 * any value is not a string (then 'annotations_invalid' is set and
	 * 'raw_annotations' still holds the mapping as written).
	 */
	const json_t *annotations;
	const json_t *raw_annotations;
	bool annotations_invalid;
	const json_t *labels;		/* borrowed metadata.labels, or NULL */

	const char *ignore;		/* argomig.io/ignore of the object, or NULL */
	const char *tmpl_ignore;	/* argomig.io/ignore of the pod template, or NULL */

	const json_t *pod_spec;		/* borrowed, or NULL when the kind has none */
	char *pod_ptr;			/* owned, relative, e.g. "/spec/template/spec" */
	struct am_container *containers;	/* initContainers, then containers */
	size_t ncontainers, containers_alloc;

	unsigned hook_types;		/* AM_HOOK_* as Argo CD computes them */
	bool hook;			/* has a hook annotation (RULES.md "Hook") */
	bool hook_dropped;		/* a hook with no usable type: never applied */
	long wave;			/* the sync wave Argo CD uses */
	const char *wave_key;		/* annotation the wave came from, or NULL (0) */
	bool migration_job;		/* RULES.md "Migration Job" */
	bool workload;			/* RULES.md "Workload" */
};

/*
 * Builds the object at 'base' (borrowed: "" or "/items/N") of 'doc', whose
 * JSON is 'json' (a mapping with string apiVersion and kind; check with
 * am_manifest_is_object() first). Release with am_object_release().
 */
void am_object_init(struct am_object *obj, const char *file,
		    const struct am_yaml_doc *doc, const char *base,
		    const json_t *json);
void am_object_release(struct am_object *obj);

/* True if 'json' is a Kubernetes object: a mapping with apiVersion and kind strings. */
bool am_manifest_is_object(const json_t *json);

/* True if the object is of 'kind' in API group 'group' ("" is the core group). */
bool am_object_is(const struct am_object *obj, const char *group,
		  const char *kind);

/* The node at the relative JSON Pointer 'rel' ("/spec/backoffLimit"), or NULL. Borrowed. */
const json_t *am_object_get(const struct am_object *obj, const char *rel);

/* metadata.name, else generateName, else "". Borrowed. */
const char *am_object_name(const struct am_object *obj);

/* The annotation as Argo CD sees it (NULL when absent). Borrowed. */
const char *am_object_annotation(const struct am_object *obj, const char *key);

/* spec.replicas, or -1 when unset or not an integer. */
long am_object_replicas(const struct am_object *obj);

/* The relative pointer of the pod template's metadata ("/spec/template/metadata"), or NULL. */
const char *am_object_template_ptr(const struct am_object *obj);

/*
 * Parses a comma-separated annotation as Argo CD does (split on ',',
 * trim blanks, drop empty items). Calls 'fn' for each item (a NUL-
 * terminated copy); stops early and returns true when 'fn' does.
 */
bool am_csv_each(const char *csv, bool (*fn)(const char *item, void *ctx),
		 void *ctx);

/* True if the comma-separated 'csv' holds exactly 'item'. */
bool am_csv_has(const char *csv, const char *item);

/* The Argo CD hook type a Helm hook item maps to (AM_HOOK_*), or 0. */
unsigned am_helm_hook_type(const char *item);

/* Go strconv.Atoi on 'str': optional sign, ASCII digits, in range. */
bool am_atoi(const char *str, long *out);

/*
 * The image's repository without registry "docker.io/", tag and digest
 * ("flyway/flyway" for "docker.io/flyway/flyway:10@sha256:..."), in 'out';
 * the tag in 'tag' ("" when none); *digest is borrowed from 'image' (after
 * the '@'), or NULL.
 */
void am_image_parse(const char *image, struct am_buf *out, struct am_buf *tag,
		    const char **digest);

/*
 * Words of a container's command and args (RULES.md "Migration container"):
 * every item is split as a shell would split it, quotes removed.
 */
struct am_word {
	char *text;		/* owned */
	const char *field;	/* "command" or "args" (static) */
	size_t index;		/* item index in that field */
};

struct am_words {
	struct am_word *v;
	size_t n, alloc;
};

void am_words_of_container(struct am_words *w, const json_t *container);
void am_words_split(struct am_words *w, const char *s, const char *field,
		    size_t index);
void am_words_release(struct am_words *w);

/*
 * What makes 'container' a migration container: a static description such
 * as "image 'flyway/flyway'" or "'rails … db:migrate'", or NULL.
 * *flyway is set when it runs Flyway.
 */
const char *am_container_migration(const json_t *container, bool *flyway);

/*
 * Where 'rel' (a pointer relative to the object, "" for the object
 * itself) is in the file: the key or value position of the deepest node
 * of 'rel' that exists.
 */
struct am_loc am_object_loc(const struct am_object *obj, const char *rel,
			    enum am_at which);

/*
 * The reason a finding of 'rule' on 'obj' is suppressed by an
 * argomig.io/ignore annotation (object or pod template), or NULL. Static.
 */
const char *am_object_suppressed(const struct am_object *obj, const char *rule);

/*
 * Reports a finding of 'rule' (severity 'sev') on 'obj' at 'rel' (a
 * relative JSON Pointer, e.g. "/spec/backoffLimit"), with the object id,
 * Helm source and annotation suppression filled in.
 */
void am_object_report(struct am_lint *lint, const struct am_rule *rule,
		      enum am_severity sev, const struct am_object *obj,
		      const char *rel, enum am_at which, const char *hint,
		      const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/*
 * Appends "/<key>" to 'b' with RFC 6901 escaping ('~' as "~0", '/' as "~1").
 */
void am_ptr_add(struct am_buf *b, const char *key);

/* Resets 'b' to "/metadata/annotations/<escaped key>" and returns b->buf. */
const char *am_annotation_ptr(struct am_buf *b, const char *key);

/* Kind of a container for messages: "init container" or "container". */
const char *am_container_noun(const struct am_container *c);

#endif
