/* SPDX-License-Identifier: MIT */
/*
 * k8s_hooks.c - rules about the Argo CD and Helm annotations that decide
 * when (and whether) an object is applied: hook types, delete policies,
 * sync waves, generateName length, Helm pre-install, sync options
 * (RULES.md "Kubernetes manifests"; facts: reference/argocd.md §4.1-4.4).
 *
 * Argo CD drops what it does not understand without a word; these rules
 * say it out loud, pointing at the annotation's key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest.h"
#include "rules/k8s_checks.h"

static const char *const argo_hooks[] = {
	"PreSync", "Sync", "PostSync", "SyncFail", "Skip", "PreDelete", "PostDelete",
};

static const char *const argo_policies[] = {
	"HookSucceeded", "HookFailed", "BeforeHookCreation",
};

static const char *const helm_policies[] = {
	"hook-succeeded", "hook-failed", "before-hook-creation",
};

static const char *const helm_ignored[] = {
	"test", "test-success", "test-failure", "pre-rollback", "post-rollback",
};

/* Options Argo CD matches (gitops-engine sync/common/types.go, argo-cd sync-options docs). */
static const char *const sync_options[] = {
	"ApplyOutOfSyncOnly=false",
	"ApplyOutOfSyncOnly=true",
	"ClientSideApplyMigration=false",
	"ClientSideApplyMigration=true",
	"CreateNamespace=true",
	"Delete=confirm",
	"Delete=false",
	"FailOnSharedResource=true",
	"Force=true",
	"Prune=confirm",
	"Prune=false",
	"PruneLast=true",
	"PrunePropagationPolicy=background",
	"PrunePropagationPolicy=foreground",
	"PrunePropagationPolicy=orphan",
	"Replace=false",
	"Replace=true",
	"RespectIgnoreDifferences=true",
	"ServerSideApply=false",
	"ServerSideApply=true",
	"SkipDryRunOnMissingResource=true",
	"Validate=false",
};

/* The entry of 'list' equal to 'item' ignoring case, or NULL. */
static const char *find_nocase(const char *const *list, size_t n,
			       const char *item)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(list[i], item))
			return list[i];
	return NULL;
}

/* A check over the items of one annotation, reporting at its key. */
struct ann_scan {
	const struct am_rule *rule;
	struct am_lint *lint;
	const struct am_object *obj;
	const char *key;	/* annotation */
	struct am_buf ptr;	/* its pointer */
	bool flag;		/* per-check state */
};

static void scan_init(struct ann_scan *sc, const struct am_rule *rule,
		      struct am_lint *lint, const struct am_object *obj,
		      const char *key)
{
	sc->rule = rule;
	sc->lint = lint;
	sc->obj = obj;
	sc->key = key;
	am_buf_init(&sc->ptr);
	am_annotation_ptr(&sc->ptr, key);
	sc->flag = false;
}

/* --- hook-invalid ------------------------------------------------------- */

static bool argo_hook_check(const char *item, void *ctx)
{
	struct ann_scan *sc = ctx;
	const char *fix;
	char hint[96];

	if (am_str_in(argo_hooks, AM_ARRAY_SIZE(argo_hooks), item))
		return false;
	fix = find_nocase(argo_hooks, AM_ARRAY_SIZE(argo_hooks), item);
	if (fix)
		snprintf(hint, sizeof(hint), "write '%s': hook types are case-sensitive", fix);
	else
		snprintf(hint, sizeof(hint), "use PreSync, Sync, PostSync, SyncFail, Skip, PreDelete or PostDelete");
	am_object_report(sc->lint, sc->rule, sc->rule->severity, sc->obj,
			 sc->ptr.buf, AM_AT_KEY, hint,
			 "hook '%s' is not an Argo CD hook type: %s", item,
			 sc->obj->hook_dropped ? "Argo CD silently drops this object"
					       : "Argo CD ignores it");
	return false;
}

static bool any_item(const char *item, void *ctx)
{
	(void)item;
	(void)ctx;
	return true;
}

static bool helm_hook_check(const char *item, void *ctx)
{
	struct ann_scan *sc = ctx;
	const char *dropped = sc->obj->hook_dropped ? ": the object is never applied" : "";

	if (am_helm_hook_type(item) || !strcmp(item, "crd-install"))
		return false;
	if (am_str_in(helm_ignored, AM_ARRAY_SIZE(helm_ignored), item))
		am_object_report(sc->lint, sc->rule, AM_SEV_WARNING, sc->obj,
				 sc->ptr.buf, AM_AT_KEY,
				 "Argo CD runs only pre/post-install, pre/post-upgrade and pre/post-delete Helm hooks; add argocd.argoproj.io/hook if the object must run under Argo CD",
				 "Argo CD ignores Helm hook '%s'%s", item, dropped);
	else
		am_object_report(sc->lint, sc->rule, AM_SEV_WARNING, sc->obj,
				 sc->ptr.buf, AM_AT_KEY,
				 "use pre-install, pre-upgrade, post-install, post-upgrade, pre-delete or post-delete",
				 "'%s' is not a Helm hook Argo CD maps%s", item,
				 dropped);
	return false;
}

int rule_k8s_hook_invalid(const struct am_rule *rule, struct am_lint *lint,
			  const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	const char *argo = am_object_annotation(obj, "argocd.argoproj.io/hook");
	const char *helm = am_object_annotation(obj, "helm.sh/hook");
	struct ann_scan sc;

	if (argo) {
		scan_init(&sc, rule, lint, obj, "argocd.argoproj.io/hook");
		if (!am_csv_each(argo, any_item, NULL))
			am_object_report(lint, rule, rule->severity, obj,
					 sc.ptr.buf, AM_AT_KEY,
					 "use PreSync, Sync, PostSync, SyncFail, Skip, PreDelete or PostDelete, or remove the annotation",
					 "hook annotation is empty: Argo CD silently drops this object");
		else
			am_csv_each(argo, argo_hook_check, &sc);
		am_buf_release(&sc.ptr);
	} else if (helm) {
		scan_init(&sc, rule, lint, obj, "helm.sh/hook");
		am_csv_each(helm, helm_hook_check, &sc);
		am_buf_release(&sc.ptr);
	}
	return 0;
}

/* --- hook-delete-policy ------------------------------------------------- */

struct policy_scan {
	struct ann_scan sc;
	bool helm;
	size_t valid;		/* valid items seen, both annotations */
	bool before_hook_creation;
};

static bool policy_check(const char *item, void *ctx)
{
	struct policy_scan *ps = ctx;
	struct ann_scan *sc = &ps->sc;
	const char *const *list = ps->helm ? helm_policies : argo_policies;

	if (am_str_in(list, 3, item)) {
		ps->valid++;
		if (!strcmp(item, list[2]))
			ps->before_hook_creation = true;
		return false;
	}
	if (ps->helm)
		am_object_report(sc->lint, sc->rule, AM_SEV_ERROR, sc->obj,
				 sc->ptr.buf, AM_AT_KEY,
				 "use before-hook-creation, hook-succeeded or hook-failed",
				 "Helm hook delete policy '%s' is not one Argo CD maps: it is dropped silently",
				 item);
	else
		am_object_report(sc->lint, sc->rule, AM_SEV_ERROR, sc->obj,
				 sc->ptr.buf, AM_AT_KEY,
				 "use BeforeHookCreation, HookSucceeded or HookFailed (case-sensitive)",
				 "hook delete policy '%s' is not one of HookSucceeded, HookFailed, BeforeHookCreation: Argo CD drops it silently",
				 item);
	return false;
}

int rule_k8s_hook_delete_policy(const struct am_rule *rule,
				struct am_lint *lint, const struct am_subject *s)
{
	static const char *const keys[] = {
		"argocd.argoproj.io/hook-delete-policy",
		"helm.sh/hook-delete-policy",
	};
	const struct am_object *obj = s->obj;
	struct policy_scan ps = { 0 };
	const char *first = NULL;
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(keys); i++) {
		const char *v = am_object_annotation(obj, keys[i]);

		if (!v)
			continue;
		if (!first)
			first = keys[i];
		scan_init(&ps.sc, rule, lint, obj, keys[i]);
		ps.helm = i == 1;
		am_csv_each(v, policy_check, &ps);
		am_buf_release(&ps.sc.ptr);
	}
	/* an empty list (after dropping invalid items) defaults to BeforeHookCreation */
	if (obj->hook && obj->name && ps.valid && !ps.before_hook_creation) {
		struct am_buf ptr = AM_BUF_INIT;

		am_object_report(lint, rule, rule->severity, obj,
				 am_annotation_ptr(&ptr, first), AM_AT_KEY,
				 "add BeforeHookCreation (for example 'BeforeHookCreation,HookSucceeded'), or use metadata.generateName",
				 "hook '%s' has a fixed name and its delete policies lack BeforeHookCreation: the next sync applies onto the old object",
				 obj->name);
		am_buf_release(&ptr);
	}
	return 0;
}

/* --- sync-wave-invalid -------------------------------------------------- */

int rule_k8s_sync_wave_invalid(const struct am_rule *rule, struct am_lint *lint,
			       const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	struct am_buf ptr = AM_BUF_INIT;
	const char *key, *wave;
	const json_t *v;
	long n;

	if (!obj->raw_annotations)
		return 0;
	json_object_foreach((json_t *)obj->raw_annotations, key, v) {
		if (json_is_string(v))
			continue;
		am_object_report(lint, rule, rule->severity, obj,
				 am_annotation_ptr(&ptr, key), AM_AT_KEY,
				 "quote the value (\"-1\", \"true\"): annotation values must be strings",
				 "annotation '%s' has a non-string value: Argo CD reads no annotations of this object at all",
				 key);
	}
	v = json_object_get(obj->raw_annotations, "argocd.argoproj.io/sync-wave");
	wave = json_string_value(v);
	if (wave && !am_atoi(wave, &n))
		am_object_report(lint, rule, rule->severity, obj,
				 am_annotation_ptr(&ptr, "argocd.argoproj.io/sync-wave"),
				 AM_AT_KEY,
				 "write the wave as an integer string without blanks, for example \"-1\"",
				 "sync-wave '%s' is not an integer: Argo CD uses wave %ld instead",
				 wave, obj->wave);
	am_buf_release(&ptr);
	return 0;
}

/* --- hook-generate-name-too-long ---------------------------------------- */

int rule_k8s_hook_generate_name_too_long(const struct am_rule *rule,
					 struct am_lint *lint,
					 const struct am_subject *s)
{
	static const struct {
		unsigned type;
		const char *name;
		size_t max;
	} limits[] = {
		{ AM_HOOK_POSTSYNC, "PostSync", 36 },
		{ AM_HOOK_SYNCFAIL, "SyncFail", 36 },
		{ AM_HOOK_PRESYNC, "PreSync", 37 },
		{ AM_HOOK_SYNC, "Sync", 40 },
	};
	const struct am_object *obj = s->obj;
	size_t i, len;

	if (!obj->hook || obj->name || !obj->generate_name)
		return 0;
	len = strlen(obj->generate_name);
	/* sorted strictest first: the first type the hook has decides */
	for (i = 0; i < AM_ARRAY_SIZE(limits); i++) {
		if (!(obj->hook_types & limits[i].type))
			continue;
		if (len > limits[i].max)
			am_object_report(lint, rule, rule->severity, obj,
					 "/metadata/generateName", AM_AT_KEY,
					 "shorten generateName: Argo CD appends the revision, phase and time, and a Job name over 63 characters fails",
					 "generateName '%s' is %zu characters: a %s hook allows at most %zu",
					 obj->generate_name, len, limits[i].name,
					 limits[i].max);
		break;
	}
	return 0;
}

/* --- helm-hook-pre-install-missing -------------------------------------- */

int rule_k8s_helm_hook_pre_install_missing(const struct am_rule *rule,
					   struct am_lint *lint,
					   const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	const char *helm = am_object_annotation(obj, "helm.sh/hook");
	struct am_buf ptr = AM_BUF_INIT;

	if (!obj->migration_job || !helm || !am_csv_has(helm, "pre-upgrade") ||
	    am_csv_has(helm, "pre-install"))
		return 0;
	am_object_report(lint, rule, rule->severity, obj,
			 am_annotation_ptr(&ptr, "helm.sh/hook"), AM_AT_KEY,
			 "use helm.sh/hook: pre-install,pre-upgrade",
			 "migration Job '%s' has Helm hook 'pre-upgrade' without 'pre-install': helm install skips the migration (under Argo CD both map to PreSync, so only plain Helm installs miss it)",
			 am_object_name(obj));
	am_buf_release(&ptr);
	return 0;
}

/* --- sync-options-invalid ----------------------------------------------- */

static bool sync_option_check(const char *item, void *ctx)
{
	struct ann_scan *sc = ctx;
	const char *fix;
	char hint[128];

	if (am_str_in(sync_options, AM_ARRAY_SIZE(sync_options), item))
		return false;
	fix = find_nocase(sync_options, AM_ARRAY_SIZE(sync_options), item);
	if (fix)
		snprintf(hint, sizeof(hint), "write '%s': sync options are case-sensitive", fix);
	else
		snprintf(hint, sizeof(hint), "use an exact option such as Replace=true, Force=true, ServerSideApply=true or Prune=false");
	am_object_report(sc->lint, sc->rule, sc->rule->severity, sc->obj,
			 sc->ptr.buf, AM_AT_KEY, hint,
			 "sync option '%s' is not an option Argo CD knows: it is ignored",
			 item);
	return false;
}

int rule_k8s_sync_options_invalid(const struct am_rule *rule,
				  struct am_lint *lint,
				  const struct am_subject *s)
{
	const char *v = am_object_annotation(s->obj,
					     "argocd.argoproj.io/sync-options");
	struct ann_scan sc;

	if (!v)
		return 0;
	scan_init(&sc, rule, lint, s->obj, "argocd.argoproj.io/sync-options");
	am_csv_each(v, sync_option_check, &sc);
	am_buf_release(&sc.ptr);
	return 0;
}
