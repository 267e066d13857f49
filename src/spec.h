/* SPDX-License-Identifier: MIT */
/*
 * spec.h - argomig.yaml (apiVersion argomig.io/v1alpha1, kind
 * MigrationApp): loading, validation, defaults and the overrides Argo CD
 * passes in the environment (DESIGN.md §3.2).
 *
 * Errors are compiler-style, one line, with the spec's file, line and
 * column: "argomig.yaml:12:5: error: spec.migration.retries must be 0, 1
 * or 2 (got 6)". They are returned through am_error_set() with code
 * AM_EINVALID and the whole line as the message; the caller prints it as
 * is. Paths (migration.sql, include) are checked to stay inside the
 * repository after resolving ".." and symlinks.
 *
 * Nothing here renders or prints; render.c turns a struct am_spec into
 * Kubernetes objects.
 */
#ifndef AM_SPEC_H
#define AM_SPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum am_tool {
	AM_TOOL_FLYWAY,
	AM_TOOL_GOLANG_MIGRATE,
	AM_TOOL_LIQUIBASE,
	AM_TOOL_COMMAND,
};

/* "flyway", "golang-migrate", "liquibase", "command" */
const char *am_tool_name(enum am_tool tool);

/* Default images (pinned tags) and the argomig images of this version. */
#define AM_IMAGE_FLYWAY		"flyway/flyway:10.21.0-alpine"
#define AM_IMAGE_GOLANG_MIGRATE "migrate/migrate:v4.18.1"
#define AM_IMAGE_LIQUIBASE	"liquibase/liquibase:4.29.2"
#define AM_IMAGE_SMOKE		"curlimages/curl:8.11.0"
#ifndef AM_PREFLIGHT_IMAGE
#define AM_PREFLIGHT_IMAGE "ghcr.io/argomig/argomig-preflight:" AM_VERSION
#endif

struct am_spec_kv {
	char *name;
	char *value;
};

/* A path from the spec: as written, and resolved inside the repository. */
struct am_spec_path {
	char *rel; /* as written, relative to the spec's directory */
	char *abs; /* realpath(); inside am_spec.root */
	bool is_dir;
	int line, col; /* of its key in the spec, for later messages */
};

struct am_spec_app {
	char *image;		/* required; tag or digest */
	long replicas;		/* 1..1000, default 2 */
	long port;		/* 1..65535, default 8080 */
	char *health_path;	/* default "/healthz" */
	char *secret;		/* required: the app's DB credentials */
	struct am_spec_kv *env; /* plain env, in spec order */
	size_t nenv;
	json_t *resources; /* owned; NULL when not given */
};

struct am_spec_migration {
	enum am_tool tool;	  /* default flyway */
	char *image;		  /* default per tool; required for command */
	char *secret;		  /* required; not the app's Secret */
	struct am_spec_path *sql; /* NULL when not given */
	char *changelog;	  /* liquibase only: changelog file, or NULL */
	char **command;		  /* command only; NULL-terminated */
	size_t ncommand;
	long timeout; /* seconds, default 900 (15m) */
	long retries; /* backoffLimit, 0..2, default 0 */
};

struct am_spec_preflight {
	bool enabled; /* default true */
	char *image;  /* default AM_PREFLIGHT_IMAGE */
	long wait;    /* seconds, default 60 */
};

struct am_spec_smoke {
	bool enabled; /* default true */
	char *image;  /* default AM_IMAGE_SMOKE */
};

struct am_spec {
	char *file; /* the spec's path as given, for messages */
	char *dir;  /* its directory, resolved */
	char *root; /* repository root: nearest dir with .git, else dir */
	char *name; /* metadata.name, or set by am_spec_apply_env() */
	struct am_spec_app app;
	struct am_spec_migration migration;
	struct am_spec_preflight preflight;
	struct am_spec_smoke smoke;
	struct am_spec_path *include;
	size_t ninclude;
	bool lint_warn; /* spec.lint: warn */
	char *revision; /* ARGOCD_APP_REVISION, or "unknown" */
};

/*
 * Reads and validates the spec at 'path'. Returns 0 with *out set (free
 * with am_spec_free), AM_ENOTFOUND when the file cannot be read, or
 * AM_EINVALID with a positioned one-line message.
 */
int am_spec_load(struct am_spec **out, const char *path);

/*
 * Applies Argo CD's environment ('envp', NULL-terminated "NAME=value"
 * strings, as environ): overrides (parameters > ARGOCD_ENV_* > spec) and
 * the revision. Returns 0 or AM_EINVALID with a message naming the
 * source ("argomig: PARAM_REPLICAS: replicas must be ...").
 */
int am_spec_apply_env(struct am_spec *spec, char *const *envp);

/*
 * Sets spec->name, when metadata.name did not, from ARGOCD_APP_NAME
 * without its "<namespace>_" prefix. Returns 0 or AM_EINVALID.
 */
int am_spec_resolve_name(struct am_spec *spec, char *const *envp);

void am_spec_free(struct am_spec *spec);

/*
 * base + suffix as a DNS label of at most 63 characters: when too long,
 * base is cut and "-<8 hex digits of its CRC-32>" keeps names distinct.
 * Returns an owned string.
 */
char *am_name_join(const char *base, const char *suffix);

/* Validation shared with the overrides. Each returns NULL or a message
 * (a static string) saying what is wrong. */
const char *am_spec_check_image(const char *image);
const char *am_spec_check_replicas(const char *text, long *out);

#endif
