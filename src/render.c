/* SPDX-License-Identifier: MIT */
/*
 * render.c - the objects of a safe migration deploy, from a spec.
 *
 * Builds each object as a jansson tree with keys in the order a person
 * would write them (apiVersion, kind, metadata, spec, ...), so that the
 * emitter's output reads naturally and never changes for the same input.
 * What each object is for, and why its settings are what they are, is
 * DESIGN.md §3.3 and the README's "Use with Argo CD" section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "render.h"
#include "util.h"

#define MIGRATIONS_MOUNT "/migrations"
#define NONROOT_UID	 65532
#define WAVE_CONFIGMAP	 "-2"
#define WAVE_PREFLIGHT	 "-1"
#define WAVE_MIGRATE	 "0"
#define WAVE_APP	 "1"
#define WAVE_SMOKE	 "2"

/* --- labels ------------------------------------------------------------- */

static bool is_label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

char *am_image_version(const char *image)
{
	const char *at = strchr(image, '@');
	char *name =
		at ? xstrndup(image, (size_t)(at - image)) : xstrdup(image);
	const char *slash = strrchr(name, '/');
	const char *colon = strrchr(slash ? slash : name, ':');
	char *v, *s, *start;
	size_t n;

	if (colon)
		v = xstrdup(colon + 1);
	else if (at && strchr(at, ':'))
		v = xstrndup(strchr(at, ':') + 1, 12);
	else
		v = xstrdup("");
	free(name);
	for (s = v; *s; s++)
		if (!is_label_char(*s))
			*s = '-';
	for (start = v; *start && !is_alnum(*start); start++)
		;
	memmove(v, start, strlen(start) + 1);
	n = strlen(v);
	if (n > 63)
		v[n = 63] = '\0';
	while (n && !is_alnum(v[n - 1]))
		v[--n] = '\0';
	if (!n) {
		free(v);
		return xstrdup("unversioned");
	}
	return v;
}

/* --- small builders ----------------------------------------------------- */

/* Strings from input: not checked here; the emitter refuses bad UTF-8. */
static json_t *jstr(const char *s)
{
	return json_string_nocheck(s);
}

static json_t *jstrs(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jstr(v[i]));
	return a;
}

struct ctx {
	const struct am_spec *spec;
	char *version; /* app.kubernetes.io/version */
	struct am_bundle bundle;
	char *configmap; /* name of the migrations ConfigMap, or NULL */
};

static json_t *labels(const struct ctx *c, const char *component)
{
	json_t *l = json_object();

	json_object_set_new(l, "app.kubernetes.io/name", jstr(c->spec->name));
	json_object_set_new(l, "app.kubernetes.io/component", jstr(component));
	json_object_set_new(l, "app.kubernetes.io/managed-by", jstr("argomig"));
	json_object_set_new(l, "app.kubernetes.io/version", jstr(c->version));
	return l;
}

static json_t *selector(const struct ctx *c)
{
	json_t *l = json_object();

	json_object_set_new(l, "app.kubernetes.io/name", jstr(c->spec->name));
	json_object_set_new(l, "app.kubernetes.io/component", jstr("server"));
	return l;
}

/* metadata: name, labels, annotations (hook and delete policy optional). */
static json_t *metadata(const struct ctx *c, const char *name,
			const char *component, const char *hook,
			const char *delete_policy, const char *wave)
{
	json_t *ann = json_object();

	if (hook)
		json_object_set_new(ann, "argocd.argoproj.io/hook", jstr(hook));
	if (delete_policy)
		json_object_set_new(ann,
				    "argocd.argoproj.io/hook-delete-policy",
				    jstr(delete_policy));
	json_object_set_new(ann, "argocd.argoproj.io/sync-wave", jstr(wave));
	json_object_set_new(ann, "argomig.io/revision",
			    jstr(c->spec->revision));
	return json_pack("{s:o, s:o, s:o}", "name", jstr(name), "labels",
			 labels(c, component), "annotations", ann);
}

static json_t *object(const char *api, const char *kind, json_t *meta)
{
	return json_pack("{s:s, s:s, s:o}", "apiVersion", api, "kind", kind,
			 "metadata", meta);
}

static json_t *pod_security(bool set_user)
{
	json_t *sc = json_object();

	json_object_set_new(sc, "runAsNonRoot", json_true());
	if (set_user) {
		json_object_set_new(sc, "runAsUser", json_integer(NONROOT_UID));
		json_object_set_new(sc, "runAsGroup",
				    json_integer(NONROOT_UID));
	}
	json_object_set_new(sc, "seccompProfile",
			    json_pack("{s:s}", "type", "RuntimeDefault"));
	return sc;
}

static json_t *container_security(bool read_only_root)
{
	json_t *sc = json_object();

	json_object_set_new(sc, "allowPrivilegeEscalation", json_false());
	json_object_set_new(sc, "capabilities",
			    json_pack("{s:[s]}", "drop", "ALL"));
	json_object_set_new(sc, "privileged", json_false());
	if (read_only_root)
		json_object_set_new(sc, "readOnlyRootFilesystem", json_true());
	return sc;
}

static json_t *resources(const char *cpu, const char *mem_request,
			 const char *mem_limit)
{
	return json_pack("{s:{s:s, s:s}, s:{s:s}}", "requests", "cpu", cpu,
			 "memory", mem_request, "limits", "memory", mem_limit);
}

static json_t *env_from_secret(const char *secret)
{
	return json_pack("[{s:{s:o}}]", "secretRef", "name", jstr(secret));
}

static json_t *migrations_mount(void)
{
	return json_pack("[{s:s, s:s, s:b}]", "name", "migrations", "mountPath",
			 MIGRATIONS_MOUNT, "readOnly", 1);
}

static json_t *migrations_volume(const struct ctx *c)
{
	json_t *cm = json_object();
	size_t i;

	json_object_set_new(cm, "name", jstr(c->configmap));
	if (c->bundle.nested) {
		json_t *items = json_array();

		for (i = 0; i < c->bundle.nr; i++)
			json_array_append_new(
				items,
				json_pack("{s:o, s:o}", "key",
					  jstr(c->bundle.files[i].key), "path",
					  jstr(c->bundle.files[i].path)));
		json_object_set_new(cm, "items", items);
	}
	return json_pack("[{s:s, s:o}]", "name", "migrations", "configMap", cm);
}

/*
 * A Job: the given container, restartPolicy Never, a deadline, a retry
 * budget, hardened pod security, the migrations volume when mounted.
 */
static json_t *job(const struct ctx *c, json_t *meta, const char *component,
		   long backoff, long deadline, long grace,
		   json_t *failure_policy, json_t *container, bool set_user,
		   bool mount)
{
	json_t *pod = json_object(), *spec = json_object(), *obj;

	json_object_set_new(pod, "restartPolicy", jstr("Never"));
	json_object_set_new(pod, "automountServiceAccountToken", json_false());
	json_object_set_new(pod, "terminationGracePeriodSeconds",
			    json_integer(grace));
	json_object_set_new(pod, "securityContext", pod_security(set_user));
	json_object_set_new(pod, "containers", json_pack("[o]", container));
	if (mount)
		json_object_set_new(pod, "volumes", migrations_volume(c));
	json_object_set_new(spec, "backoffLimit", json_integer(backoff));
	json_object_set_new(spec, "activeDeadlineSeconds",
			    json_integer(deadline));
	if (failure_policy)
		json_object_set_new(spec, "podFailurePolicy", failure_policy);
	json_object_set_new(spec, "template",
			    json_pack("{s:{s:o}, s:o}", "metadata", "labels",
				      labels(c, component), "spec", pod));
	obj = object("batch/v1", "Job", meta);
	json_object_set_new(obj, "spec", spec);
	return obj;
}

/* --- the objects --------------------------------------------------------- */

static json_t *render_configmap(const struct ctx *c)
{
	json_t *data = json_object(), *obj;
	size_t i;

	for (i = 0; i < c->bundle.nr; i++)
		json_object_set_new(
			data, c->bundle.files[i].key,
			json_stringn_nocheck(c->bundle.files[i].data,
					     c->bundle.files[i].len));
	obj = object("v1", "ConfigMap",
		     metadata(c, c->configmap, "migrations", "PreSync",
			      "BeforeHookCreation,HookSucceeded",
			      WAVE_CONFIGMAP));
	json_object_set_new(obj, "data", data);
	return obj;
}

static json_t *render_preflight(const struct ctx *c)
{
	const struct am_spec *s = c->spec;
	json_t *args = json_array(), *cont, *policy, *env;
	char wait[32];
	char *name = am_name_join(s->name, "-preflight");
	json_t *obj;

	json_array_append_new(args, jstr("--tool"));
	json_array_append_new(args,
			      jstr(s->migration.tool == AM_TOOL_COMMAND
					   ? "none"
					   : am_tool_name(s->migration.tool)));
	if (c->configmap) {
		json_array_append_new(args, jstr("--migrations"));
		json_array_append_new(args, jstr(MIGRATIONS_MOUNT));
	}
	snprintf(wait, sizeof(wait), "%lds", s->preflight.wait);
	json_array_append_new(args, jstr("--wait"));
	json_array_append_new(args, jstr(wait));
	env = json_pack("[{s:s, s:o}, {s:s, s:o}]", "name",
			"ARGOMIG_APP_VERSION", "value", jstr(c->version),
			"name", "ARGOMIG_REVISION", "value", jstr(s->revision));
	cont = json_object();
	json_object_set_new(cont, "name", jstr("preflight"));
	json_object_set_new(cont, "image", jstr(s->preflight.image));
	json_object_set_new(cont, "args", args);
	json_object_set_new(cont, "env", env);
	json_object_set_new(cont, "envFrom",
			    env_from_secret(s->migration.secret));
	json_object_set_new(cont, "resources",
			    resources("50m", "32Mi", "64Mi"));
	json_object_set_new(cont, "securityContext", container_security(true));
	json_object_set_new(cont, "terminationMessagePolicy",
			    jstr("FallbackToLogsOnError"));
	if (c->configmap)
		json_object_set_new(cont, "volumeMounts", migrations_mount());
	/*
	 * 75: not now, retryable (lock queue, lag): count it, retry.
	 * 3 and 4: a person must act, or the configuration is wrong: stop.
	 * Evictions and preemptions do not use up the retries.
	 */
	/* clang-format off */
	policy = json_pack("{s:[{s:s, s:{s:s, s:s, s:[i, i]}},"
			   "   {s:s, s:{s:s, s:s, s:[i]}},"
			   "   {s:s, s:[{s:s, s:s}]}]}",
			   "rules",
			   "action", "FailJob", "onExitCodes", "containerName",
			   "preflight", "operator", "In", "values", 3, 4,
			   "action", "Count", "onExitCodes", "containerName",
			   "preflight", "operator", "In", "values", 75,
			   "action", "Ignore", "onPodConditions", "type",
			   "DisruptionTarget", "status", "True");
	/* clang-format on */
	obj = job(c,
		  metadata(c, name, "preflight", "PreSync",
			   "BeforeHookCreation,HookSucceeded", WAVE_PREFLIGHT),
		  "preflight", 2, 3 * (s->preflight.wait + 120), 30, policy,
		  cont, true, c->configmap != NULL);
	free(name);
	return obj;
}

static json_t *migrate_args(const struct ctx *c)
{
	const struct am_spec *s = c->spec;
	const char *loc = c->configmap
				  ? "-locations=filesystem:" MIGRATIONS_MOUNT
				  : "-locations=filesystem:/flyway/sql";
	json_t *args = json_array();
	char *changelog;

	switch (s->migration.tool) {
	case AM_TOOL_FLYWAY:
		json_array_append_new(args, jstr("-connectRetries=10"));
		json_array_append_new(args, jstr(loc));
		json_array_append_new(args,
				      jstr("-validateMigrationNaming=true"));
		json_array_append_new(args, jstr("migrate"));
		break;
	case AM_TOOL_GOLANG_MIGRATE:
		json_array_append_new(args, jstr("-path"));
		json_array_append_new(args, jstr(MIGRATIONS_MOUNT));
		json_array_append_new(args, jstr("-database"));
		json_array_append_new(args, jstr("$(DATABASE_URL)"));
		json_array_append_new(args, jstr("up"));
		break;
	case AM_TOOL_LIQUIBASE:
		json_array_append_new(
			args,
			jstr(c->configmap
				     ? "--search-path=" MIGRATIONS_MOUNT
				     : "--search-path=/liquibase/changelog"));
		changelog = xasprintf("--changelog-file=%s",
				      s->migration.changelog);
		json_array_append_new(args, jstr(changelog));
		free(changelog);
		json_array_append_new(args, jstr("update"));
		break;
	case AM_TOOL_COMMAND:
		break;
	}
	return args;
}

static json_t *render_migrate(const struct ctx *c)
{
	const struct am_spec *s = c->spec;
	bool cmd = s->migration.tool == AM_TOOL_COMMAND;
	char *name = am_name_join(s->name, "-migrate");
	json_t *cont = json_object(), *obj;

	json_object_set_new(cont, "name", jstr("migrate"));
	json_object_set_new(cont, "image", jstr(s->migration.image));
	if (cmd)
		json_object_set_new(
			cont, "command",
			jstrs((const char *const *)s->migration.command,
			      s->migration.ncommand));
	else
		json_object_set_new(cont, "args", migrate_args(c));
	json_object_set_new(cont, "envFrom",
			    env_from_secret(s->migration.secret));
	json_object_set_new(cont, "resources",
			    resources("100m", "256Mi", "512Mi"));
	json_object_set_new(cont, "securityContext", container_security(false));
	json_object_set_new(cont, "terminationMessagePolicy",
			    jstr("FallbackToLogsOnError"));
	if (c->configmap)
		json_object_set_new(cont, "volumeMounts", migrations_mount());
	obj = job(c,
		  metadata(c, name, "migration", "PreSync",
			   "BeforeHookCreation,HookSucceeded", WAVE_MIGRATE),
		  "migration", s->migration.retries, s->migration.timeout, 120,
		  NULL, cont, !cmd, c->configmap != NULL);
	free(name);
	return obj;
}

static json_t *render_service(const struct ctx *c)
{
	const struct am_spec *s = c->spec;
	json_t *obj =
		object("v1", "Service",
		       metadata(c, s->name, "server", NULL, NULL, WAVE_APP));

	json_object_set_new(obj, "spec",
			    json_pack("{s:s, s:o, s:[{s:s, s:I, s:s, s:s}]}",
				      "type", "ClusterIP", "selector",
				      selector(c), "ports", "name", "http",
				      "port", (json_int_t)s->app.port,
				      "targetPort", "http", "protocol", "TCP"));
	return obj;
}

static json_t *render_deployment(const struct ctx *c)
{
	const struct am_spec *s = c->spec;
	json_t *cont = json_object(), *pod = json_object(), *spec, *obj;
	size_t i;

	json_object_set_new(cont, "name", jstr("app"));
	json_object_set_new(cont, "image", jstr(s->app.image));
	if (s->app.nenv) {
		json_t *env = json_array();

		for (i = 0; i < s->app.nenv; i++)
			json_array_append_new(
				env,
				json_pack("{s:o, s:o}", "name",
					  jstr(s->app.env[i].name), "value",
					  jstr(s->app.env[i].value)));
		json_object_set_new(cont, "env", env);
	}
	json_object_set_new(cont, "envFrom", env_from_secret(s->app.secret));
	json_object_set_new(cont, "ports",
			    json_pack("[{s:s, s:I, s:s}]", "name", "http",
				      "containerPort", (json_int_t)s->app.port,
				      "protocol", "TCP"));
	json_object_set_new(
		cont, "readinessProbe",
		json_pack("{s:{s:o, s:s}, s:i, s:i, s:i, s:i}", "httpGet",
			  "path", jstr(s->app.health_path), "port", "http",
			  "initialDelaySeconds", 5, "periodSeconds", 5,
			  "timeoutSeconds", 2, "failureThreshold", 3));
	if (s->app.resources)
		json_object_set(cont, "resources", s->app.resources);
	json_object_set_new(cont, "securityContext", container_security(false));
	json_object_set_new(pod, "securityContext", pod_security(false));
	json_object_set_new(pod, "containers", json_pack("[o]", cont));
	spec = json_object();
	json_object_set_new(spec, "replicas", json_integer(s->app.replicas));
	json_object_set_new(spec, "selector",
			    json_pack("{s:o}", "matchLabels", selector(c)));
	json_object_set_new(spec, "strategy",
			    json_pack("{s:s, s:{s:i, s:i}}", "type",
				      "RollingUpdate", "rollingUpdate",
				      "maxSurge", 1, "maxUnavailable", 0));
	json_object_set_new(spec, "template",
			    json_pack("{s:{s:o}, s:o}", "metadata", "labels",
				      labels(c, "server"), "spec", pod));
	obj = object("apps/v1", "Deployment",
		     metadata(c, s->name, "server", NULL, NULL, WAVE_APP));
	json_object_set_new(obj, "spec", spec);
	return obj;
}

static json_t *render_smoke(const struct ctx *c)
{
	const struct am_spec *s = c->spec;
	char *name = am_name_join(s->name, "-smoke");
	char *url = xasprintf("http://%s:%ld%s", s->name, s->app.port,
			      s->app.health_path);
	const char *const args[] = {
		"--fail",
		"--silent",
		"--show-error",
		"--max-time",
		"5",
		"--retry",
		"10",
		"--retry-delay",
		"3",
		"--retry-all-errors",
		url,
	};
	json_t *cont = json_object(), *obj;

	json_object_set_new(cont, "name", jstr("smoke"));
	json_object_set_new(cont, "image", jstr(s->smoke.image));
	json_object_set_new(cont, "args", jstrs(args, AM_ARRAY_SIZE(args)));
	json_object_set_new(cont, "resources",
			    resources("10m", "16Mi", "32Mi"));
	json_object_set_new(cont, "securityContext", container_security(true));
	json_object_set_new(cont, "terminationMessagePolicy",
			    jstr("FallbackToLogsOnError"));
	obj = job(c,
		  metadata(c, name, "smoke-test", "PostSync",
			   "BeforeHookCreation,HookSucceeded", WAVE_SMOKE),
		  "smoke-test", 1, 300, 30, NULL, cont, true, false);
	free(url);
	free(name);
	return obj;
}

static void push(struct am_render *r, json_t *obj)
{
	struct am_rendered *it;

	if (!obj)
		AM_BUG("could not build an object");
	AM_GROW(r->items, r->alloc, r->nr + 1);
	it = &r->items[r->nr++];
	it->obj = obj;
	it->origin = NULL;
	it->line = 0;
}

int am_render(struct am_render *out, const struct am_spec *spec)
{
	struct ctx c = {spec, NULL, {0}, NULL};
	int ret;

	memset(out, 0, sizeof(*out));
	if (!spec->name)
		AM_BUG("rendering a spec without a name");
	if ((ret = am_bundle_read(&c.bundle, spec)))
		return ret;
	c.version = am_image_version(spec->app.image);
	if (spec->migration.sql) {
		char *suffix = xasprintf("-migrations-%s", c.bundle.hash);

		c.configmap = am_name_join(spec->name, suffix);
		free(suffix);
		push(out, render_configmap(&c));
	}
	if (spec->preflight.enabled)
		push(out, render_preflight(&c));
	push(out, render_migrate(&c));
	push(out, render_service(&c));
	push(out, render_deployment(&c));
	if (spec->smoke.enabled)
		push(out, render_smoke(&c));
	ret = am_render_includes(out, spec);
	am_bundle_release(&c.bundle);
	free(c.version);
	free(c.configmap);
	if (ret)
		am_render_release(out);
	return ret;
}

void am_render_release(struct am_render *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		json_decref(r->items[i].obj);
		free(r->items[i].origin);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}
