/* SPDX-License-Identifier: MIT */
/*
 * k8s_containers.c - rules about migration containers: where they run
 * (init or main container of a scaled workload), the order Argo CD applies
 * a migration Job and the workloads in, and how the container is set up
 * (Flyway connect retries, memory limit, pinned image).
 *
 * The per-container checks look at one object; init-/app-container-
 * migration and migration-wave-order need the whole input (HPAs, other
 * objects' waves) and run over the object set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "rules/k8s_checks.h"
#include "objset.h"

/* --- init-container-migration, app-container-migration ------------------ */

static const char run_in_job_hint[] =
	"run the migration once, in a Job that is a PreSync hook with backoffLimit and activeDeadlineSeconds ('argomig generate' renders one)";

static void report_container(const struct am_rule *rule, struct am_lint *lint,
			     const struct am_objset *set,
			     const struct am_set_entry *w,
			     const struct am_set_container *c)
{
	const char *noun = c->init ? "init container" : "container";
	const char *how = c->init ? "" : " before the app";
	bool hpa = am_objset_hpa_targets(set, w);

	if (!strcmp(w->kind, "DaemonSet"))
		am_pending_report(lint, rule, AM_SEV_ERROR, &c->at,
				  run_in_job_hint,
				  "%s '%s' of DaemonSet '%s' runs a migration (%s)%s on every node at once",
				  noun, c->name, w->name, c->what, how);
	else if (hpa)
		am_pending_report(lint, rule, AM_SEV_ERROR, &c->at,
				  run_in_job_hint,
				  "%s '%s' of %s '%s' runs a migration (%s)%s in every replica a HorizontalPodAutoscaler starts",
				  noun, c->name, w->kind, w->name, c->what, how);
	else if (w->replicas > 1)
		am_pending_report(lint, rule, AM_SEV_ERROR, &c->at,
				  run_in_job_hint,
				  "%s '%s' of %s '%s' runs a migration (%s)%s in each of %ld replicas at once",
				  noun, c->name, w->kind, w->name, c->what, how,
				  w->replicas);
	else if (w->replicas == 1 || w->replicas < 0)
		am_pending_report(lint, rule, AM_SEV_WARNING, &c->at,
				  run_in_job_hint,
				  "%s '%s' of %s '%s' runs a migration (%s)%s on every pod start: a rollout or a second replica runs it concurrently",
				  noun, c->name, w->kind, w->name, c->what, how);
}

static int check_containers(const struct am_rule *rule, struct am_lint *lint,
			    const struct am_objset *set, bool init)
{
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		const struct am_set_entry *w = &set->v[i];

		if (w->role != AM_SET_WORKLOAD)
			continue;
		for (j = 0; j < w->ncontainers; j++)
			if (w->containers[j].init == init)
				report_container(rule, lint, set, w,
						 &w->containers[j]);
	}
	return 0;
}

int rule_k8s_init_container_migration(const struct am_rule *rule,
				      struct am_lint *lint,
				      const struct am_subject *s)
{
	return check_containers(rule, lint, s->set, true);
}

int rule_k8s_app_container_migration(const struct am_rule *rule,
				     struct am_lint *lint,
				     const struct am_subject *s)
{
	return check_containers(rule, lint, s->set, false);
}

/* --- migration-wave-order ----------------------------------------------- */

static const char wave_hint[] =
	"make the Job a PreSync hook (argocd.argoproj.io/hook: PreSync), or give it a sync-wave lower than every workload's";

int rule_k8s_migration_wave_order(const struct am_rule *rule,
				  struct am_lint *lint,
				  const struct am_subject *s)
{
	const struct am_objset *set = s->set;
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		const struct am_set_entry *job = &set->v[i], *first = NULL;

		if (job->role != AM_SET_MIGRATION_JOB || !job->sync_phase)
			continue;
		/* the workload Argo CD applies first among those not after the Job */
		for (j = 0; j < set->n; j++) {
			const struct am_set_entry *w = &set->v[j];

			if (w->role == AM_SET_WORKLOAD && w->sync_phase &&
			    w->wave <= job->wave && (!first || w->wave < first->wave))
				first = w;
		}
		if (!first)
			continue;
		if (first->wave == job->wave && strcmp(first->kind, "Rollout"))
			am_pending_report(lint, rule, rule->severity, &job->wave_at,
					  wave_hint,
					  "migration Job '%s' is in sync wave %ld with %s '%s': within a wave Argo CD applies the %s first, so the app rolls out before the migration",
					  job->name, job->wave, first->kind,
					  first->name, first->kind);
		else if (first->wave == job->wave)
			/* kinds outside gitops-engine's kind order sort after Jobs, in the same step */
			am_pending_report(lint, rule, rule->severity, &job->wave_at,
					  wave_hint,
					  "migration Job '%s' is in sync wave %ld with %s '%s': Argo CD applies both without waiting for the Job, so the app rolls out while the migration runs",
					  job->name, job->wave, first->kind,
					  first->name);
		else
			am_pending_report(lint, rule, rule->severity, &job->wave_at,
					  wave_hint,
					  "migration Job '%s' (sync wave %ld) is applied after %s '%s' (sync wave %ld): the app rolls out before the migration",
					  job->name, job->wave, first->kind,
					  first->name, first->wave);
	}
	return 0;
}

/* --- flyway-connect-retries --------------------------------------------- */

static bool has_connect_retries(const struct am_container *c)
{
	const json_t *env = json_object_get(c->json, "env"), *e;
	struct am_words w = { 0 };
	bool found = false;
	size_t i;

	am_words_of_container(&w, c->json);
	for (i = 0; i < w.n && !found; i++) {
		const char *p = w.v[i].text;

		while (*p == '-')
			p++;
		found = p != w.v[i].text && am_starts_with(p, "connectRetries");
	}
	am_words_release(&w);
	json_array_foreach(env, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));

		if (name && !strcmp(name, "FLYWAY_CONNECT_RETRIES"))
			found = true;
	}
	return found;
}

int rule_k8s_flyway_connect_retries(const struct am_rule *rule,
				    struct am_lint *lint,
				    const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	size_t i;

	for (i = 0; i < obj->ncontainers; i++) {
		const struct am_container *c = &obj->containers[i];

		if (!c->flyway || has_connect_retries(c))
			continue;
		am_object_report(lint, rule, rule->severity, obj, c->ptr,
				 AM_AT_VALUE,
				 "add '-connectRetries=10' to args, or env FLYWAY_CONNECT_RETRIES",
				 "Flyway %s '%s' has no -connectRetries and no FLYWAY_CONNECT_RETRIES: it fails at once while the database is still starting",
				 am_container_noun(c), c->name);
	}
	return 0;
}

/* --- migration-resources ------------------------------------------------ */

int rule_k8s_migration_resources(const struct am_rule *rule,
				 struct am_lint *lint,
				 const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	size_t i;

	for (i = 0; i < obj->ncontainers; i++) {
		const struct am_container *c = &obj->containers[i];
		const json_t *res = json_object_get(c->json, "resources");
		const json_t *lim = json_is_object(res) ? json_object_get(res, "limits") : NULL;
		const json_t *mem = json_is_object(lim) ? json_object_get(lim, "memory") : NULL;
		char *rel;

		if (!c->migration || (mem && !json_is_null(mem)))
			continue;
		/* point at the deepest mapping that should hold the limit */
		if (json_is_object(lim))
			rel = xasprintf("%s/resources/limits", c->ptr);
		else if (json_is_object(res))
			rel = xasprintf("%s/resources", c->ptr);
		else
			rel = xstrdup(c->ptr);
		am_object_report(lint, rule, rule->severity, obj, rel,
				 json_is_object(res) ? AM_AT_KEY : AM_AT_VALUE,
				 "set resources.limits.memory (for example 512Mi)",
				 "migration %s '%s' has no memory limit: a runaway migration can starve the node",
				 am_container_noun(c), c->name);
		free(rel);
	}
	return 0;
}

/* --- migration-image-unpinned ------------------------------------------- */

int rule_k8s_migration_image_unpinned(const struct am_rule *rule,
				      struct am_lint *lint,
				      const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	struct am_buf repo = AM_BUF_INIT, tag = AM_BUF_INIT;
	size_t i;

	for (i = 0; i < obj->ncontainers; i++) {
		const struct am_container *c = &obj->containers[i];
		const char *digest;
		char *rel;

		if (!c->migration || !c->image)
			continue;
		am_image_parse(c->image, &repo, &tag, &digest);
		if (digest || (tag.len && strcmp(tag.buf, "latest")))
			continue;
		rel = xasprintf("%s/image", c->ptr);
		am_object_report(lint, rule, rule->severity, obj, rel, AM_AT_KEY,
				 "pin a version tag (flyway/flyway:10.17) or a digest (@sha256:...)",
				 tag.len ? "image '%s' of migration %s '%s' uses the tag 'latest': the migration tool changes under you"
				     : "image '%s' of migration %s '%s' has no tag or digest: the migration tool changes under you",
				 c->image, am_container_noun(c), c->name);
		free(rel);
	}
	am_buf_release(&repo);
	am_buf_release(&tag);
	return 0;
}
