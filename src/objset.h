/* SPDX-License-Identifier: MIT */
/*
 * objset.h - the compact summary of one input's objects that the
 * cross-object (AM_TARGET_OBJSET) rules read, and deferred findings.
 *
 * A deferred finding (struct am_pending) is resolved when its document is
 * linted: file, position, object id, Helm source, the suppression in
 * effect (argomig.io/ignore or an "# argomig:ignore" comment) and the
 * file's configured severity for its rule. am_pending_report() reports it
 * later exactly as it would have been reported then. Everything is owned
 * by the set.
 */
#ifndef AM_OBJSET_H
#define AM_OBJSET_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

struct am_pending {
	char *file;
	int line;
	int col;
	char *object;		/* "apps/v1/Deployment/api" */
	char *source;		/* Helm template path, or NULL */
	char *suppressed;	/* reason, or NULL */
	int file_sev;		/* lint->file_sev of the rule then */
};

/* A migration container of a workload. */
struct am_set_container {
	char *name;
	const char *what;	/* static: see am_container_migration() */
	bool init;
	struct am_pending at;	/* for init-/app-container-migration */
};

/* A Secret a workload or migration Job reads. */
struct am_set_secret {
	char *name;
	struct am_pending at;	/* migration Jobs only: for shared-db-credentials */
};

enum am_set_role {
	AM_SET_WORKLOAD,
	AM_SET_MIGRATION_JOB,
	AM_SET_HPA,
};

struct am_set_entry {
	enum am_set_role role;
	char *kind;
	char *name;		/* name or generateName; "" when none */
	char *ns;		/* metadata.namespace, or NULL */
	long replicas;		/* workloads: -1 when unset */
	bool sync_phase;	/* applied in the Sync phase */
	long wave;
	struct am_pending wave_at;	/* migration Jobs: for migration-wave-order */
	struct am_set_container *containers;	/* workloads: migration containers */
	size_t ncontainers, containers_alloc;
	struct am_set_secret *secrets;
	size_t nsecrets, secrets_alloc;
	char *target_kind;	/* HPAs: spec.scaleTargetRef */
	char *target_name;
};

struct am_objset {
	struct am_set_entry *v;
	size_t n, alloc;
};

/* Records what the OBJSET rules need about 'obj'. */
void am_objset_add(struct am_objset *set, struct am_lint *lint,
		   const struct am_object *obj);

/* Empties the set (keeps it usable). */
void am_objset_clear(struct am_objset *set);

/* True if an HPA of the set targets workload 'w'. */
bool am_objset_hpa_targets(const struct am_objset *set,
			   const struct am_set_entry *w);

/* True if two namespaces may be the same (an unset one is the app's). */
bool am_ns_match(const char *a, const char *b);

/* Resolves a deferred finding of 'rule' on 'obj' at 'rel'. */
void am_pending_init(struct am_pending *p, struct am_lint *lint,
		     const struct am_rule *rule, const struct am_object *obj,
		     const char *rel, enum am_at which);
void am_pending_release(struct am_pending *p);

/* Reports a deferred finding with the severity variant 'sev'. */
void am_pending_report(struct am_lint *lint, const struct am_rule *rule,
		       enum am_severity sev, const struct am_pending *p,
		       const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
