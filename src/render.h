/* SPDX-License-Identifier: MIT */
/*
 * render.h - a struct am_spec into the Kubernetes objects of a safe
 * migration deploy (DESIGN.md §3.3), as jansson trees in apply order:
 * migrations ConfigMap (PreSync, wave -2), preflight Job (PreSync, -1),
 * migration Job (PreSync, 0), Service and Deployment (Sync, 1), smoke
 * Job (PostSync, 2), then the include:d manifests.
 *
 * Nothing here emits YAML (emit.c) or lints (generate.c). Errors about
 * files (a missing migration directory, a symlink out of the repository,
 * too much SQL for a ConfigMap, an include that is not valid YAML) are
 * AM_EINVALID with a one-line compiler-style message.
 */
#ifndef AM_RENDER_H
#define AM_RENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "spec.h"

/* The most file content one ConfigMap may carry (its limit is 1 MiB). */
#define AM_BUNDLE_MAX_BYTES (900u * 1024u)

struct am_rendered {
	json_t *obj;  /* owned */
	char *origin; /* NULL if generated, else "k8s/app.yaml" */
	int line;     /* of an included document's root, else 0 */
};

struct am_render {
	struct am_rendered *items;
	size_t nr;
	size_t alloc;
};

/* Renders every object of 'spec' (whose name must be set) into 'out'. */
int am_render(struct am_render *out, const struct am_spec *spec);
void am_render_release(struct am_render *r);

/* The files of migration.sql that travel in the ConfigMap. */
struct am_bundle_file {
	char *key;  /* ConfigMap key: the relative path, '/' -> '.' */
	char *path; /* relative to the migration directory */
	char *data; /* owned, NUL-terminated, valid UTF-8 */
	size_t len;
};

struct am_bundle {
	struct am_bundle_file *files; /* sorted by path */
	size_t nr;
	size_t alloc;
	size_t bytes; /* keys plus contents */
	bool nested;  /* some file is in a subdirectory */
	char hash[9]; /* CRC-32 of keys and contents, 8 hex digits */
};

/*
 * Reads the migration directory: for flyway *.sql and *.sql.conf (in
 * subdirectories too), for golang-migrate the *.sql files at its top,
 * for liquibase and command every file; hidden files and directories are
 * skipped. Every file must resolve inside the repository and be UTF-8
 * text; the total must stay under AM_BUNDLE_MAX_BYTES.
 */
int am_bundle_read(struct am_bundle *b, const struct am_spec *spec);
void am_bundle_release(struct am_bundle *b);

/*
 * Appends the objects of every include: path (files, or directories
 * walked recursively in sorted order: *.yaml, *.yml, *.json) to 'r'.
 * Lists are flattened; workloads without a sync-wave get "1".
 */
int am_render_includes(struct am_render *r, const struct am_spec *spec);

/* The app.kubernetes.io/version label for an image reference (owned). */
char *am_image_version(const char *image);

#endif
