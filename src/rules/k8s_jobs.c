/* SPDX-License-Identifier: MIT */
/*
 * k8s_jobs.c - rules about migration Jobs and hook Jobs: deadline, retry
 * budget, parallelism, suspension, hook-or-replace, grace period
 * (RULES.md "Kubernetes manifests"; facts: reference/argocd.md §4.5-4.7).
 *
 * Each check looks at one object. What makes a Job a migration Job or a
 * hook is decided in manifest.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "rules/k8s_checks.h"

static bool is_job(const struct am_object *obj)
{
	return am_object_is(obj, "batch", "Job");
}

/* "migration Job" or "hook Job", for messages. */
static const char *job_noun(const struct am_object *obj)
{
	return obj->migration_job ? "migration Job" : "hook Job";
}

/* spec.<key> when present and not null. */
static const json_t *spec_field(const struct am_object *obj, const char *key)
{
	const json_t *spec = json_object_get(obj->json, "spec");
	const json_t *v = json_is_object(spec) ? json_object_get(spec, key) : NULL;

	return json_is_null(v) ? NULL : v;
}

int rule_k8s_job_missing_active_deadline(const struct am_rule *rule,
					 struct am_lint *lint,
					 const struct am_subject *s)
{
	const struct am_object *obj = s->obj;

	if (!is_job(obj) || !(obj->migration_job || obj->hook) ||
	    spec_field(obj, "activeDeadlineSeconds"))
		return 0;
	am_object_report(lint, rule, rule->severity, obj, "/spec", AM_AT_KEY,
			 "set spec.activeDeadlineSeconds (for example 900) so a stuck pod fails the sync instead of blocking it",
			 "%s '%s' has no activeDeadlineSeconds: Argo CD waits forever on a Pending pod",
			 job_noun(obj), am_object_name(obj));
	return 0;
}

int rule_k8s_job_backoff_limit(const struct am_rule *rule, struct am_lint *lint,
			       const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	const json_t *v;

	if (!is_job(obj) || !obj->migration_job)
		return 0;
	v = spec_field(obj, "backoffLimit");
	if (!v) {
		am_object_report(lint, rule, rule->severity, obj, "/spec",
				 AM_AT_KEY,
				 "set spec.backoffLimit to 0, 1 or 2: a failed migration needs a person, not six more runs",
				 "migration Job '%s' has no backoffLimit (default 6: six retries of a half-applied migration)",
				 am_object_name(obj));
	} else if (json_is_integer(v) && json_integer_value(v) > 2) {
		am_object_report(lint, rule, AM_SEV_WARNING, obj,
				 "/spec/backoffLimit", AM_AT_KEY,
				 "set spec.backoffLimit to 0, 1 or 2: a failed migration needs a person, not more runs",
				 "migration Job '%s' has backoffLimit %lld: up to %lld retries of a half-applied migration",
				 am_object_name(obj),
				 (long long)json_integer_value(v),
				 (long long)json_integer_value(v));
	}
	return 0;
}

int rule_k8s_job_parallelism(const struct am_rule *rule, struct am_lint *lint,
			     const struct am_subject *s)
{
	static const char *const fields[] = { "parallelism", "completions" };
	const struct am_object *obj = s->obj;
	size_t i;

	if (!is_job(obj) || !obj->migration_job)
		return 0;
	for (i = 0; i < AM_ARRAY_SIZE(fields); i++) {
		const json_t *v = spec_field(obj, fields[i]);
		char rel[32];

		if (!json_is_integer(v) || json_integer_value(v) <= 1)
			continue;
		snprintf(rel, sizeof(rel), "/spec/%s", fields[i]);
		am_object_report(lint, rule, rule->severity, obj, rel,
				 AM_AT_KEY,
				 "remove parallelism and completions: a migration runs in exactly one pod",
				 i == 0 ? "migration Job '%s' has %s %lld: several pods migrate the same database at once"
					: "migration Job '%s' has %s %lld: the migration runs more than once",
				 am_object_name(obj), fields[i],
				 (long long)json_integer_value(v));
		break;
	}
	return 0;
}

int rule_k8s_job_suspended(const struct am_rule *rule, struct am_lint *lint,
			   const struct am_subject *s)
{
	const struct am_object *obj = s->obj;

	if (!is_job(obj) || !(obj->migration_job || obj->hook) ||
	    !json_is_true(spec_field(obj, "suspend")))
		return 0;
	am_object_report(lint, rule, rule->severity, obj, "/spec/suspend",
			 AM_AT_KEY, "remove 'suspend: true'",
			 "%s '%s' has suspend: true: it never runs, and Argo CD waits for it forever",
			 job_noun(obj), am_object_name(obj));
	return 0;
}

int rule_k8s_migration_job_not_hook(const struct am_rule *rule,
				    struct am_lint *lint,
				    const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	const char *opts;

	if (!is_job(obj) || !obj->migration_job || obj->hook)
		return 0;
	opts = am_object_annotation(obj, "argocd.argoproj.io/sync-options");
	if (obj->name && !(opts && (am_csv_has(opts, "Replace=true") ||
				    am_csv_has(opts, "Force=true"))))
		am_object_report(lint, rule, rule->severity, obj, "/metadata",
				 AM_AT_KEY,
				 "make it a hook (argocd.argoproj.io/hook: PreSync with hook-delete-policy BeforeHookCreation), or add argocd.argoproj.io/sync-options: Force=true,Replace=true",
				 "migration Job '%s' is not a hook and has a fixed name: the next sync fails with 'spec.template: field is immutable'",
				 am_object_name(obj));
	if (spec_field(obj, "ttlSecondsAfterFinished"))
		am_object_report(lint, rule, rule->severity, obj,
				 "/spec/ttlSecondsAfterFinished", AM_AT_KEY,
				 "make the Job a hook with a delete policy instead of using ttlSecondsAfterFinished",
				 "migration Job '%s' is not a hook and has ttlSecondsAfterFinished: once it is deleted the app drifts OutOfSync",
				 am_object_name(obj));
	return 0;
}

int rule_k8s_migration_termination_grace(const struct am_rule *rule,
					 struct am_lint *lint,
					 const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	const json_t *v;
	char *rel;

	if (!is_job(obj) || !obj->migration_job || !obj->pod_spec)
		return 0;
	v = json_object_get(obj->pod_spec, "terminationGracePeriodSeconds");
	if (!v || json_is_null(v)) {
		am_object_report(lint, rule, rule->severity, obj, obj->pod_ptr,
				 AM_AT_KEY,
				 "set terminationGracePeriodSeconds to 60 or more so the tool can finish or roll back the statement",
				 "migration Job '%s' has no terminationGracePeriodSeconds (default 30): a stopped pod is killed mid-statement",
				 am_object_name(obj));
	} else if (json_is_integer(v) && json_integer_value(v) <= 30) {
		rel = xasprintf("%s/terminationGracePeriodSeconds", obj->pod_ptr);
		am_object_report(lint, rule, rule->severity, obj, rel, AM_AT_KEY,
				 "set terminationGracePeriodSeconds to 60 or more so the tool can finish or roll back the statement",
				 "migration Job '%s' has terminationGracePeriodSeconds %lld: a stopped pod is killed mid-statement",
				 am_object_name(obj),
				 (long long)json_integer_value(v));
		free(rel);
	}
	return 0;
}
