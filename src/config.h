/* SPDX-License-Identifier: MIT */
/*
 * config.h - .argomig-lint.yaml: rule severities, ignored paths and the
 * PostgreSQL version, and how a file finds its configuration.
 *
 *   rules:
 *     job-backoff-limit: warning      # off | note | warning | error
 *   ignore:
 *     - legacy.yaml                   # relative to this file's directory
 *     - charts/old                    # a directory and everything below it
 *   pgVersion: 12
 *
 * A file's configuration is the nearest .argomig-lint.yaml found by
 * walking up from its directory to the repository root (the nearest
 * directory holding .git) or the filesystem root; configurations do not
 * merge. `--config FILE` replaces discovery for every input.
 *
 * A configuration that cannot be read or does not have this shape is an
 * error ("file:line:col: message"); a rule id that does not exist is an
 * ignore-unknown-rule finding at its key, and the rest still applies.
 */
#ifndef AM_CONFIG_H
#define AM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "lint.h"

#define AM_CONFIG_NAME ".argomig-lint.yaml"

struct am_config {
	char *path;		/* as shown in messages and findings */
	char *dir;		/* absolute directory the ignore globs are relative to */
	int *sev;		/* per rule index: a severity or AM_SEV_DEFAULT */
	char **ignore;		/* globs, leading "./" and trailing '/' removed */
	size_t nignore;
	int pg_version;		/* 0 when not set */
};

/*
 * Reads the configuration 'path', shown as 'display' (may be NULL for
 * 'path'). Unknown rule ids are reported into 'lint' (ignore-unknown-rule)
 * when 'lint' is not NULL. Returns 0 with *out set (owned), AM_ENOTFOUND
 * when it cannot be opened, or AM_EINVALID with "file:line:col: message".
 */
int am_config_load(struct am_config **out, const char *path,
		   const char *display, struct am_lint *lint);

/* The same over a buffer (borrowed); 'dir' is the globs' base directory. */
int am_config_parse(struct am_config **out, const char *display,
		    const char *dir, const char *buf, size_t len,
		    struct am_lint *lint);

void am_config_free(struct am_config *c);

/*
 * True if the absolute path 'abs' is below c->dir and an ignore glob
 * matches it or one of its parent directories (relative to c->dir).
 */
bool am_config_ignores(const struct am_config *c, const char *abs);

/*
 * Configuration discovery with a cache per directory. 'fixed' (--config)
 * short-cuts discovery when set.
 */
struct am_configs {
	struct am_config *fixed;	/* owned; NULL for discovery */
	struct am_config **loaded;	/* owned, every file read so far */
	size_t nloaded, aloaded;
	struct am_config_dir {
		char *dir;			/* absolute */
		const struct am_config *config;	/* borrowed; NULL: none */
	} *dirs;
	size_t ndirs, adirs;
};

void am_configs_init(struct am_configs *cs);
void am_configs_release(struct am_configs *cs);

/*
 * The configuration of the file whose absolute directory is 'absdir'
 * (borrowed, or NULL when there is none). Newly read configurations
 * report unknown rule ids into 'lint'. Returns 0, or a negative AM_E*
 * code when a configuration on the way is unreadable or invalid.
 */
int am_configs_for_dir(struct am_configs *cs, const char *absdir,
		       struct am_lint *lint, const struct am_config **out);

#endif
