/* SPDX-License-Identifier: MIT */
/*
 * k8s_argocd.c - rules about Argo CD's own objects: an Application's
 * auto-sync retry budget, and ConfigManagementPlugin configurations
 * (plugin.yaml, as a file or embedded in a ConfigMap under 'plugin.yaml').
 *
 * Argo CD reads plugin.yaml with YAMLToJSON and json.Unmarshal: keys match
 * case-insensitively and unknown keys are silently ignored
 * (reference/argocd.md §1). Embedded plugin.yaml text is parsed with the
 * YAML loader; its findings point at the ConfigMap's 'plugin.yaml' key.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest.h"
#include "rules/k8s_checks.h"

/* --- argocd-auto-sync-retry --------------------------------------------- */

int rule_k8s_argocd_auto_sync_retry(const struct am_rule *rule,
				    struct am_lint *lint,
				    const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	const json_t *automated, *limit, *enabled;
	long long n;

	if (!am_object_is(obj, "argoproj.io", "Application"))
		return 0;
	automated = am_object_get(obj, "/spec/syncPolicy/automated");
	limit = am_object_get(obj, "/spec/syncPolicy/retry/limit");
	if (!json_is_object(automated) || !json_is_integer(limit))
		return 0;
	enabled = json_object_get(automated, "enabled");
	if (json_is_false(enabled))
		return 0;
	n = json_integer_value(limit);
	if (n >= 0 && n <= 5)
		return 0;
	am_object_report(lint, rule, rule->severity, obj,
			 "/spec/syncPolicy/retry/limit", AM_AT_KEY,
			 "set syncPolicy.retry.limit between 0 and 5 (Argo CD's default is 5)",
			 n < 0 ? "Application '%s' retries auto-sync without limit (retry.limit %lld): a broken migration is re-run again and again"
			       : "Application '%s' retries auto-sync %lld times: a broken migration is re-run again and again",
			 am_object_name(obj), n);
	return 0;
}

/* --- plugin-config-invalid ---------------------------------------------- */

/* The keys Argo CD's PluginConfig reads, per mapping (cmpserver/plugin/config.go). */
struct schema {
	const char *name;
	const char *const *keys;		/* NULL-terminated */
	const struct schema *const *children;	/* per key, NULL: not checked further */
	bool items;				/* a sequence of such mappings */
};

static const char *const command_keys[] = { "command", "args", NULL };
static const struct schema command = { "command", command_keys, NULL, false };

static const char *const find_keys[] = { "command", "args", "glob", NULL };
static const struct schema find = { "find", find_keys, NULL, false };

static const char *const discover_keys[] = { "find", "fileName", NULL };
static const struct schema *const discover_children[] = { &find, NULL };
static const struct schema discover = { "discover", discover_keys,
					discover_children, false };

static const char *const static_keys[] = {
	"name", "title", "tooltip", "required", "itemType", "collectionType",
	"string", "array", "map", NULL,
};
static const struct schema statics = { "static", static_keys, NULL, true };

static const char *const parameters_keys[] = { "static", "dynamic", NULL };
static const struct schema *const parameters_children[] = { &statics, &command };
static const struct schema parameters = { "parameters", parameters_keys,
					  parameters_children, false };

static const char *const spec_keys[] = {
	"version", "init", "generate", "discover", "parameters",
	"preserveFileMode", "provideGitCreds", NULL,
};
static const struct schema *const spec_children[] = {
	NULL, &command, &command, &discover, &parameters, NULL, NULL,
};
static const struct schema spec = { "spec", spec_keys, spec_children, false };

static const char *const meta_keys[] = {
	"name", "generateName", "namespace", "selfLink", "uid",
	"resourceVersion", "generation", "creationTimestamp",
	"deletionTimestamp", "deletionGracePeriodSeconds", "labels",
	"annotations", "ownerReferences", "finalizers", "managedFields", NULL,
};
static const struct schema meta = { "metadata", meta_keys, NULL, false };

static const char *const top_keys[] = { "apiVersion", "kind", "metadata", "spec", NULL };
static const struct schema *const top_children[] = { NULL, NULL, &meta, &spec };
static const struct schema top = { "", top_keys, top_children, false };

/* Where findings about one plugin configuration go. */
struct plugin_ctx {
	const struct am_rule *rule;
	struct am_lint *lint;
	const struct am_object *obj;	/* the plugin, or the ConfigMap holding it */
	const char *host;		/* NULL, or the ConfigMap's "/data/plugin.yaml" */
	const char *in;			/* "" or " (in 'plugin.yaml')" */
};

static void plugin_report(const struct plugin_ctx *pc, const char *rel,
			  const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void plugin_report(const struct plugin_ctx *pc, const char *rel,
			  const char *hint, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	am_object_report(pc->lint, pc->rule, pc->rule->severity, pc->obj,
			 pc->host ? pc->host : rel, AM_AT_KEY, hint, "%s%s", msg,
			 pc->in);
	free(msg);
}

static void check_keys(const struct plugin_ctx *pc, const json_t *node,
		       const struct schema *sc, struct am_buf *ptr);

/* "/spec/parameters/static/0/x" as "spec.parameters.static[0].x". */
static char *dotted(const char *ptr)
{
	struct am_buf b = AM_BUF_INIT;
	const char *p = ptr;

	while (*p == '/') {
		const char *seg = ++p;
		bool index = true;

		for (; *p && *p != '/'; p++)
			if (*p < '0' || *p > '9')
				index = false;
		if (index && p > seg) {
			am_buf_addch(&b, '[');
			am_buf_add(&b, seg, (size_t)(p - seg));
			am_buf_addch(&b, ']');
			continue;
		}
		if (b.len)
			am_buf_addch(&b, '.');
		for (; seg < p; seg++) {
			if (*seg == '~' && seg + 1 < p && (seg[1] == '0' || seg[1] == '1'))
				am_buf_addch(&b, *++seg == '0' ? '~' : '/');
			else
				am_buf_addch(&b, *seg);
		}
	}
	return am_buf_detach(&b);
}

static void check_mapping(const struct plugin_ctx *pc, const json_t *node,
			  const struct schema *sc, struct am_buf *ptr)
{
	const char *key;
	const json_t *v;
	size_t len = ptr->len;

	json_object_foreach((json_t *)node, key, v) {
		size_t i;

		am_ptr_add(ptr, key);
		for (i = 0; sc->keys[i]; i++)
			if (!strcasecmp(sc->keys[i], key))
				break;
		if (!sc->keys[i]) {
			char *path = dotted(ptr->buf);

			plugin_report(pc, ptr->buf,
				      "remove it or fix the spelling: only apiVersion, kind, metadata and spec (version, init, generate, discover, parameters, preserveFileMode, provideGitCreds) are read",
				      "ConfigManagementPlugin key '%s' is not read by Argo CD: it is silently ignored",
				      path);
			free(path);
		} else if (sc->children && sc->children[i]) {
			check_keys(pc, v, sc->children[i], ptr);
		}
		ptr->len = len;
		ptr->buf[len] = '\0';
	}
}

static void check_keys(const struct plugin_ctx *pc, const json_t *node,
		       const struct schema *sc, struct am_buf *ptr)
{
	size_t i, len = ptr->len;
	const json_t *item;

	if (!sc->items) {
		if (json_is_object(node))
			check_mapping(pc, node, sc, ptr);
		return;
	}
	json_array_foreach(node, i, item) {
		am_buf_addf(ptr, "/%zu", i);
		if (json_is_object(item))
			check_mapping(pc, item, sc, ptr);
		ptr->len = len;
		ptr->buf[len] = '\0';
	}
}

/* A member matched as Go's encoding/json does: exact, else ignoring case. */
static const json_t *member(const json_t *obj, const char *key,
			    const char **actual)
{
	const char *k;
	const json_t *v;

	*actual = key;
	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	if (v)
		return v;
	json_object_foreach((json_t *)obj, k, v) {
		if (!strcasecmp(k, key)) {
			*actual = k;
			return v;
		}
	}
	return NULL;
}

static void check_plugin(const struct plugin_ctx *pc, const json_t *root)
{
	struct am_buf ptr = AM_BUF_INIT;
	const char *spec_key, *gen_key, *cmd_key;
	const json_t *sp = member(root, "spec", &spec_key);
	const json_t *gen = member(sp, "generate", &gen_key);
	const json_t *cmd = member(gen, "command", &cmd_key);

	check_keys(pc, root, &top, &ptr);
	if (!json_is_array(cmd) || !json_array_size(cmd)) {
		am_buf_reset(&ptr);
		if (sp) {
			am_ptr_add(&ptr, spec_key);
			if (gen)
				am_ptr_add(&ptr, gen_key);
		} else {
			am_buf_adds(&ptr, "/metadata");
		}
		plugin_report(pc, ptr.buf,
			      "set spec.generate.command, the command that prints the manifests",
			      "ConfigManagementPlugin has no generate.command: Argo CD refuses to start the plugin");
	}
	am_buf_release(&ptr);
}

/* plugin.yaml embedded in a ConfigMap: parse the text, check the first document. */
static int check_embedded(struct plugin_ctx *pc, const char *text)
{
	struct am_yaml_reader *r = NULL;
	struct am_yaml_doc doc;
	const struct am_yaml_problem *problems;
	size_t nproblems;
	int ret;

	ret = am_yaml_reader_new_buf(&r, "plugin.yaml", text, strlen(text), NULL);
	if (ret < 0)
		return ret;
	while ((ret = am_yaml_reader_next(r, &doc)) == 1) {
		bool done = doc.root != NULL;

		if (done && json_is_object(doc.root) &&
		    am_streq(json_string_value(json_object_get(doc.root, "kind")),
			     "ConfigManagementPlugin"))
			check_plugin(pc, doc.root);
		am_yaml_doc_release(&doc);
		if (done)
			break;
	}
	problems = am_yaml_reader_problems(r, &nproblems);
	if (ret >= 0 && nproblems)
		am_object_report(pc->lint, pc->rule, pc->rule->severity, pc->obj,
				 pc->host, AM_AT_KEY,
				 "fix the embedded YAML; 'argomig lint' on the file itself shows the exact position",
				 "embedded plugin.yaml is not valid YAML (line %d, column %d: %s): Argo CD cannot load the plugin",
				 problems[0].at.line, problems[0].at.col,
				 problems[0].message);
	am_yaml_reader_free(r);
	return ret < 0 ? ret : 0;
}

int rule_k8s_plugin_config_invalid(const struct am_rule *rule,
				   struct am_lint *lint,
				   const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	struct plugin_ctx pc = { rule, lint, obj, NULL, "" };
	const json_t *text;

	if (!strcmp(obj->kind, "ConfigManagementPlugin")) {
		check_plugin(&pc, obj->json);
		return 0;
	}
	if (!am_object_is(obj, "", "ConfigMap"))
		return 0;
	text = am_object_get(obj, "/data/plugin.yaml");
	if (!json_is_string(text))
		return 0;
	pc.host = "/data/plugin.yaml";
	pc.in = " (in 'plugin.yaml')";
	return check_embedded(&pc, json_string_value(text));
}
