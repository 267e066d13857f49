/* SPDX-License-Identifier: MIT */
/*
 * objset.c - summaries of one input's objects for the cross-object rules
 * (migration-wave-order, shared-db-credentials, init-/app-container-
 * migration with HPAs), and deferred findings that report later exactly
 * as they would have when their document was linted.
 *
 * It keeps names and positions only: the documents are freed long before
 * the set is checked. The checks themselves live in src/rules/.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "k8s.h"
#include "objset.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static size_t rule_index(const struct am_rule *rule)
{
	return (size_t)(rule - am_rule_at(0));
}

/* The reason of an "argomig:ignore" comment naming 'id' on line - 1. */
static const char *comment_reason(const struct am_lint *lint, int line,
				  const char *id)
{
	size_t i;

	for (i = 0; i < lint->ncomments; i++) {
		const struct am_comment *c = &lint->comments[i];
		const char *rules, *reason;
		size_t n;
		char *list;
		bool has;

		if (c->line != line - 1 ||
		    !am_ignore_directive(c->text, &rules, &n, &reason))
			continue;
		list = xstrndup(rules, n);
		has = am_ignore_list_has(list, id);
		free(list);
		if (has)
			return reason ? reason : "argomig:ignore comment";
	}
	return NULL;
}

void am_pending_init(struct am_pending *p, struct am_lint *lint,
		     const struct am_rule *rule, const struct am_object *obj,
		     const char *rel, enum am_at which)
{
	struct am_loc loc = am_object_loc(obj, rel, which);
	const char *reason = am_object_suppressed(obj, rule->id);

	if (!reason)
		reason = comment_reason(lint, loc.line, rule->id);
	p->file = xstrdup(obj->file);
	p->line = loc.line;
	p->col = loc.col;
	p->object = xstrdup(obj->id);
	p->source = dup_or_null(obj->source);
	p->suppressed = dup_or_null(reason);
	p->file_sev = lint->file_sev[rule_index(rule)];
}

void am_pending_release(struct am_pending *p)
{
	free(p->file);
	free(p->object);
	free(p->source);
	free(p->suppressed);
	memset(p, 0, sizeof(*p));
}

void am_pending_report(struct am_lint *lint, const struct am_rule *rule,
		       enum am_severity sev, const struct am_pending *p,
		       const char *hint, const char *fmt, ...)
{
	struct am_where at = { p->file, p->line, p->col, p->object, p->source,
			       p->suppressed };
	const struct am_comment *comments = lint->comments;
	size_t ncomments = lint->ncomments, i = rule_index(rule);
	int file_sev = lint->file_sev[i];
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	/* the comments and configuration of the finding's file, not the last one's */
	lint->comments = NULL;
	lint->ncomments = 0;
	lint->file_sev[i] = p->file_sev;
	am_lint_report(lint, rule, sev, &at, hint, "%s", msg);
	lint->file_sev[i] = file_sev;
	lint->comments = comments;
	lint->ncomments = ncomments;
	free(msg);
}

bool am_ns_match(const char *a, const char *b)
{
	return !a || !b || !strcmp(a, b);
}

bool am_objset_hpa_targets(const struct am_objset *set,
			   const struct am_set_entry *w)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		const struct am_set_entry *h = &set->v[i];

		if (h->role == AM_SET_HPA && h->target_kind && h->target_name &&
		    !strcmp(h->target_kind, w->kind) &&
		    !strcmp(h->target_name, w->name) && am_ns_match(h->ns, w->ns))
			return true;
	}
	return false;
}

static const char *str_at(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const json_t *get(const json_t *obj, const char *key)
{
	return json_is_object(obj) ? json_object_get(obj, key) : NULL;
}

static void add_secret(struct am_set_entry *e, struct am_lint *lint,
		       const struct am_object *obj, const char *name,
		       const char *rel)
{
	const struct am_rule *rule = am_rule_find("shared-db-credentials");
	struct am_set_secret *s;
	size_t i;

	if (!name || !*name)
		return;
	for (i = 0; i < e->nsecrets; i++)
		if (!strcmp(e->secrets[i].name, name))
			return;
	AM_GROW(e->secrets, e->secrets_alloc, e->nsecrets + 1);
	s = &e->secrets[e->nsecrets++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	if (e->role == AM_SET_MIGRATION_JOB && rule)
		am_pending_init(&s->at, lint, rule, obj, rel, AM_AT_KEY);
}

/* Every Secret the pod spec reads: envFrom, secretKeyRef, secret volumes. */
static void add_secrets(struct am_set_entry *e, struct am_lint *lint,
			const struct am_object *obj)
{
	const json_t *vols = get(obj->pod_spec, "volumes"), *v;
	char *rel;
	size_t i, j;

	for (i = 0; i < obj->ncontainers; i++) {
		const struct am_container *c = &obj->containers[i];
		const json_t *arr = get(c->json, "envFrom");

		json_array_foreach(arr, j, v) {
			rel = xasprintf("%s/envFrom/%zu/secretRef/name", c->ptr, j);
			add_secret(e, lint, obj, str_at(get(v, "secretRef"), "name"),
				   rel);
			free(rel);
		}
		arr = get(c->json, "env");
		json_array_foreach(arr, j, v) {
			const json_t *ref = get(get(v, "valueFrom"), "secretKeyRef");

			rel = xasprintf("%s/env/%zu/valueFrom/secretKeyRef/name",
					c->ptr, j);
			add_secret(e, lint, obj, str_at(ref, "name"), rel);
			free(rel);
		}
	}
	json_array_foreach(vols, i, v) {
		const json_t *srcs = get(get(v, "projected"), "sources"), *src;

		rel = xasprintf("%s/volumes/%zu/secret/secretName", obj->pod_ptr, i);
		add_secret(e, lint, obj, str_at(get(v, "secret"), "secretName"),
			   rel);
		free(rel);
		json_array_foreach(srcs, j, src) {
			rel = xasprintf("%s/volumes/%zu/projected/sources/%zu/secret/name",
					obj->pod_ptr, i, j);
			add_secret(e, lint, obj, str_at(get(src, "secret"), "name"),
				   rel);
			free(rel);
		}
	}
}

static struct am_set_entry *new_entry(struct am_objset *set,
				      enum am_set_role role,
				      const struct am_object *obj)
{
	struct am_set_entry *e;
	const char *name = obj->name ? obj->name : obj->generate_name;

	AM_GROW(set->v, set->alloc, set->n + 1);
	e = &set->v[set->n++];
	memset(e, 0, sizeof(*e));
	e->role = role;
	e->kind = xstrdup(obj->kind);
	e->name = xstrdup(name ? name : "");
	e->ns = dup_or_null(obj->namespace);
	e->replicas = -1;
	e->sync_phase = !obj->hook || (obj->hook_types & AM_HOOK_SYNC);
	e->wave = obj->wave;
	return e;
}

static void add_workload(struct am_objset *set, struct am_lint *lint,
			 const struct am_object *obj)
{
	struct am_set_entry *e = new_entry(set, AM_SET_WORKLOAD, obj);
	size_t i;

	e->replicas = am_object_replicas(obj);
	for (i = 0; i < obj->ncontainers; i++) {
		const struct am_container *c = &obj->containers[i];
		const struct am_rule *rule;
		struct am_set_container *sc;

		if (!c->migration)
			continue;
		rule = am_rule_find(c->init ? "init-container-migration"
					    : "app-container-migration");
		if (!rule)
			continue;
		AM_GROW(e->containers, e->containers_alloc, e->ncontainers + 1);
		sc = &e->containers[e->ncontainers++];
		sc->name = xstrdup(c->name);
		sc->what = c->migration;
		sc->init = c->init;
		am_pending_init(&sc->at, lint, rule, obj, c->ptr, AM_AT_VALUE);
	}
	add_secrets(e, lint, obj);
}

static void add_migration_job(struct am_objset *set, struct am_lint *lint,
			      const struct am_object *obj)
{
	struct am_set_entry *e = new_entry(set, AM_SET_MIGRATION_JOB, obj);
	const struct am_rule *rule = am_rule_find("migration-wave-order");
	struct am_buf ptr = AM_BUF_INIT;

	if (rule)
		am_pending_init(&e->wave_at, lint, rule, obj,
				obj->wave_key ? am_annotation_ptr(&ptr, obj->wave_key)
					      : "/metadata",
				AM_AT_KEY);
	am_buf_release(&ptr);
	add_secrets(e, lint, obj);
}

static void add_hpa(struct am_objset *set, const struct am_object *obj)
{
	const json_t *ref = get(get(obj->json, "spec"), "scaleTargetRef");
	struct am_set_entry *e;

	if (!str_at(ref, "kind") || !str_at(ref, "name"))
		return;
	e = new_entry(set, AM_SET_HPA, obj);
	e->target_kind = xstrdup(str_at(ref, "kind"));
	e->target_name = xstrdup(str_at(ref, "name"));
}

void am_objset_add(struct am_objset *set, struct am_lint *lint,
		   const struct am_object *obj)
{
	if (obj->workload)
		add_workload(set, lint, obj);
	else if (obj->migration_job)
		add_migration_job(set, lint, obj);
	else if (am_object_is(obj, "autoscaling", "HorizontalPodAutoscaler"))
		add_hpa(set, obj);
}

static void entry_release(struct am_set_entry *e)
{
	size_t i;

	for (i = 0; i < e->ncontainers; i++) {
		free(e->containers[i].name);
		am_pending_release(&e->containers[i].at);
	}
	for (i = 0; i < e->nsecrets; i++) {
		free(e->secrets[i].name);
		am_pending_release(&e->secrets[i].at);
	}
	free(e->containers);
	free(e->secrets);
	am_pending_release(&e->wave_at);
	free(e->kind);
	free(e->name);
	free(e->ns);
	free(e->target_kind);
	free(e->target_name);
}

void am_objset_clear(struct am_objset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		entry_release(&set->v[i]);
	set->n = 0;
}

struct am_objset *am_objset_new(void)
{
	return xcalloc(1, sizeof(struct am_objset));
}

void am_objset_free(struct am_objset *set)
{
	if (!set)
		return;
	am_objset_clear(set);
	free(set->v);
	free(set);
}
