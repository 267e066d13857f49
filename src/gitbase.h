/* SPDX-License-Identifier: MIT */
/*
 * gitbase.h - `argomig lint --base REF`: the migration files as they are
 * on disk compared with the tree at REF, through libgit2.
 *
 * Rules (all AM_RULE_BUILTIN): migration-edited, migration-deleted,
 * migration-out-of-order, migration-contract-too-early. A "versioned
 * migration" here is a Flyway V<version>__<desc>.sql file or a
 * golang-migrate <N>_<name>.up.sql file.
 */
#ifndef AM_GITBASE_H
#define AM_GITBASE_H

#include <stddef.h>

struct am_lint;

/*
 * Compares the versioned migrations under 'paths' (the lint inputs as
 * given on the command line: files or directories; "-" is skipped) as
 * they are on disk, uncommitted changes included, with the tree at
 * lint->base_ref in the git repository that holds them, and reports
 * through am_lint_report(). Findings name files the way the inputs
 * were given ("db" + "V1__a.sql" -> "db/V1__a.sql").
 *
 * Returns 0, or a negative AM_E* code after am_error_set(): AM_EGIT when
 * no repository holds the inputs, REF cannot be resolved (with a hint to
 * fetch the full history in a shallow clone) or libgit2 fails;
 * AM_EUSAGE for an input outside the repository's working tree; the
 * code of am_read_file() for an unreadable file.
 */
int am_gitbase_lint(struct am_lint *lint, char *const *paths, size_t n);

#endif
