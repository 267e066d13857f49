/* SPDX-License-Identifier: MIT */
/*
 * manifest.c - the Kubernetes object model the rules share: identity,
 * annotations as Argo CD reads them (a non-string value hides them all),
 * hook types with Helm mapped the way gitops-engine maps it, sync waves
 * (strconv.Atoi, falling back to helm.sh/hook-weight), the pod spec of
 * every kind that has one, containers with their JSON Pointers, the
 * "migration container" and "migration Job" predicates of RULES.md, and
 * am_object_report().
 *
 * It does not decide what is wrong with an object (src/rules/k8s_*.c do)
 * and does not walk documents or lists (k8s.c does).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

static const char *str_member(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const json_t *obj_member(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_object(v) ? v : NULL;
}

bool am_manifest_is_object(const json_t *json)
{
	const char *av = str_member(json, "apiVersion");
	const char *kind = str_member(json, "kind");

	return av && *av && kind && *kind;
}

/* The API group of an apiVersion: "" for "v1", "apps" for "apps/v1". */
static bool group_is(const char *api_version, const char *group)
{
	const char *slash = strchr(api_version, '/');

	if (!*group)
		return !slash;
	return slash && (size_t)(slash - api_version) == strlen(group) &&
	       !strncmp(api_version, group, (size_t)(slash - api_version));
}

bool am_object_is(const struct am_object *obj, const char *group,
		  const char *kind)
{
	return !strcmp(obj->kind, kind) && group_is(obj->api_version, group);
}

void am_ptr_add(struct am_buf *b, const char *key)
{
	const char *p;

	am_buf_addch(b, '/');
	for (p = key; *p; p++) {
		if (*p == '~')
			am_buf_adds(b, "~0");
		else if (*p == '/')
			am_buf_adds(b, "~1");
		else
			am_buf_addch(b, *p);
	}
}

const char *am_annotation_ptr(struct am_buf *b, const char *key)
{
	am_buf_reset(b);
	am_buf_adds(b, "/metadata/annotations");
	am_ptr_add(b, key);
	return b->buf;
}

const char *am_container_noun(const struct am_container *c)
{
	return c->init ? "init container" : "container";
}

/* --- comma-separated annotations, integers ------------------------------ */

bool am_csv_each(const char *csv, bool (*fn)(const char *item, void *ctx),
		 void *ctx)
{
	const char *p = csv;

	while (p && *p) {
		const char *end = strchr(p, ','), *s = p, *e;
		char *item;
		bool stop;

		if (!end)
			end = p + strlen(p);
		e = end;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		p = *end ? end + 1 : end;
		if (s == e)
			continue;
		item = xstrndup(s, (size_t)(e - s));
		stop = fn(item, ctx);
		free(item);
		if (stop)
			return true;
	}
	return false;
}

static bool item_equals(const char *item, void *ctx)
{
	return !strcmp(item, (const char *)ctx);
}

bool am_csv_has(const char *csv, const char *item)
{
	return am_csv_each(csv, item_equals, (void *)item);
}

bool am_atoi(const char *str, long *out)
{
	const char *p = str;
	long v;
	char *end;

	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	errno = 0;
	v = strtol(str, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* --- images and command words ------------------------------------------- */

void am_image_parse(const char *image, struct am_buf *out, struct am_buf *tag,
		    const char **digest)
{
	static const char *const registries[] = {
		"docker.io/", "index.docker.io/", "registry-1.docker.io/",
	};
	const char *at = strchr(image, '@');
	const char *end = at ? at : image + strlen(image);
	const char *slash = NULL, *colon = NULL, *p;
	size_t i;

	*digest = at ? at + 1 : NULL;
	for (p = image; p < end; p++) {
		if (*p == '/')
			slash = p;
		else if (*p == ':')
			colon = p;
	}
	am_buf_reset(tag);
	if (colon && (!slash || colon > slash)) {
		am_buf_add(tag, colon + 1, (size_t)(end - colon - 1));
		end = colon;
	}
	for (i = 0; i < AM_ARRAY_SIZE(registries); i++) {
		if (am_starts_with(image, registries[i])) {
			image += strlen(registries[i]);
			break;
		}
	}
	if (am_starts_with(image, "library/"))
		image += strlen("library/");
	am_buf_reset(out);
	if (end > image)
		am_buf_add(out, image, (size_t)(end - image));
}

static void words_push(struct am_words *w, struct am_buf *cur,
		       const char *field, size_t index)
{
	struct am_word *word;

	AM_GROW(w->v, w->alloc, w->n + 1);
	word = &w->v[w->n++];
	word->text = am_buf_detach(cur);
	word->field = field;
	word->index = index;
}

/*
 * Splits 's' into words as a POSIX shell would for our purpose: blanks and
 * the operators ; & | ( ) end a word, quotes group and are removed, a
 * backslash escapes the next character, and $(...) stays in its word.
 */
void am_words_split(struct am_words *w, const char *s, const char *field,
		    size_t index)
{
	struct am_buf cur = AM_BUF_INIT;
	bool have = false;
	char quote = 0;
	const char *p;

	for (p = s; *p; p++) {
		char c = *p;

		if (quote) {
			if (c == quote)
				quote = 0;
			else if (c == '\\' && quote == '"' && p[1])
				am_buf_addch(&cur, *++p);
			else
				am_buf_addch(&cur, c);
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			have = true;
		} else if (c == '\\' && p[1]) {
			am_buf_addch(&cur, *++p);
			have = true;
		} else if (c == '$' && p[1] == '(') {
			int depth = 0;

			for (; *p; p++) {
				am_buf_addch(&cur, *p);
				if (*p == '(')
					depth++;
				else if (*p == ')' && --depth == 0)
					break;
			}
			have = true;
			if (!*p)
				break;
		} else if (isspace((unsigned char)c) || strchr(";&|()`<>", c)) {
			if (have)
				words_push(w, &cur, field, index);
			have = false;
		} else {
			am_buf_addch(&cur, c);
			have = true;
		}
	}
	if (have)
		words_push(w, &cur, field, index);
	am_buf_release(&cur);
}

void am_words_of_container(struct am_words *w, const json_t *container)
{
	static const char *const fields[] = { "command", "args" };
	size_t f;

	for (f = 0; f < AM_ARRAY_SIZE(fields); f++) {
		const json_t *arr = json_object_get(container, fields[f]);
		const json_t *item;
		size_t i;

		if (!json_is_array(arr))
			continue;
		json_array_foreach(arr, i, item)
			if (json_is_string(item))
				am_words_split(w, json_string_value(item),
					       fields[f], i);
	}
}

void am_words_release(struct am_words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i].text);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* Migration tool images (RULES.md), by repository. */
static const struct {
	const char *repo;
	const char *what;
	bool flyway;
} migration_images[] = {
	{ "amacneil/dbmate", "image 'amacneil/dbmate'", false },
	{ "arigaio/atlas", "image 'arigaio/atlas'", false },
	{ "flyway/flyway", "image 'flyway/flyway'", true },
	{ "ghcr.io/amacneil/dbmate", "image 'ghcr.io/amacneil/dbmate'", false },
	{ "liquibase/liquibase", "image 'liquibase/liquibase'", false },
	{ "migrate/migrate", "image 'migrate/migrate'", false },
	{ "redgate/flyway", "image 'redgate/flyway'", true },
	{ "sqitch/sqitch", "image 'sqitch/sqitch'", false },
};

/* Migration commands (RULES.md): words in this order, others between. */
static const struct {
	const char *words[3];
	const char *what;
} migration_commands[] = {
	{ { "flyway", "migrate" }, "'flyway … migrate'" },
	{ { "liquibase", "update" }, "'liquibase … update'" },
	{ { "migrate", "up" }, "'migrate … up'" },
	{ { "manage.py", "migrate" }, "'manage.py … migrate'" },
	{ { "alembic", "upgrade" }, "'alembic … upgrade'" },
	{ { "rails", "db:migrate" }, "'rails … db:migrate'" },
	{ { "rake", "db:migrate" }, "'rake … db:migrate'" },
	{ { "prisma", "migrate", "deploy" }, "'prisma migrate deploy'" },
	{ { "knex", "migrate:latest" }, "'knex migrate:latest'" },
	{ { "sequelize", "db:migrate" }, "'sequelize … db:migrate'" },
	{ { "goose", "up" }, "'goose … up'" },
	{ { "dbmate", "up" }, "'dbmate … up'" },
	{ { "sqlx", "migrate", "run" }, "'sqlx migrate run'" },
	{ { "diesel", "migration", "run" }, "'diesel migration run'" },
	{ { "typeorm", "migration:run" }, "'typeorm … migration:run'" },
	{ { "atlas", "migrate", "apply" }, "'atlas migrate apply'" },
};

static const char *basename_of(const char *word)
{
	const char *slash = strrchr(word, '/');

	return slash ? slash + 1 : word;
}

static bool words_match(const struct am_words *w, const char *const *pattern)
{
	size_t i, k = 0;

	for (i = 0; i < w->n && k < 3 && pattern[k]; i++)
		if (!strcmp(basename_of(w->v[i].text), pattern[k]))
			k++;
	return k == 3 || !pattern[k];
}

const char *am_container_migration(const json_t *container, bool *flyway)
{
	const char *image = str_member(container, "image");
	const char *what = NULL;
	struct am_words w = { 0 };
	size_t i;

	*flyway = false;
	if (image) {
		struct am_buf repo = AM_BUF_INIT, tag = AM_BUF_INIT;
		const char *digest;

		am_image_parse(image, &repo, &tag, &digest);
		for (i = 0; i < AM_ARRAY_SIZE(migration_images); i++) {
			if (!strcmp(repo.buf, migration_images[i].repo)) {
				what = migration_images[i].what;
				*flyway = migration_images[i].flyway;
			}
		}
		if (!what && !strcmp(basename_of(repo.buf), "goose"))
			what = "a goose image";
		am_buf_release(&repo);
		am_buf_release(&tag);
	}
	am_words_of_container(&w, container);
	for (i = 0; i < AM_ARRAY_SIZE(migration_commands); i++) {
		if (!words_match(&w, migration_commands[i].words))
			continue;
		if (!what)
			what = migration_commands[i].what;
		if (i == 0)
			*flyway = true;
	}
	am_words_release(&w);
	return what;
}

/* --- building an object ------------------------------------------------- */

/* The pod spec of kinds that have one, relative to the object. */
static const char *pod_spec_ptr(const struct am_object *obj)
{
	static const struct {
		const char *group, *kind, *ptr;
	} kinds[] = {
		{ "", "Pod", "/spec" },
		{ "", "ReplicationController", "/spec/template/spec" },
		{ "apps", "DaemonSet", "/spec/template/spec" },
		{ "apps", "Deployment", "/spec/template/spec" },
		{ "apps", "ReplicaSet", "/spec/template/spec" },
		{ "apps", "StatefulSet", "/spec/template/spec" },
		{ "argoproj.io", "Rollout", "/spec/template/spec" },
		{ "batch", "CronJob", "/spec/jobTemplate/spec/template/spec" },
		{ "batch", "Job", "/spec/template/spec" },
		{ "extensions", "DaemonSet", "/spec/template/spec" },
		{ "extensions", "Deployment", "/spec/template/spec" },
		{ "extensions", "ReplicaSet", "/spec/template/spec" },
	};
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(kinds); i++)
		if (am_object_is(obj, kinds[i].group, kinds[i].kind))
			return kinds[i].ptr;
	return NULL;
}

static bool is_workload(const struct am_object *obj)
{
	return am_object_is(obj, "apps", "Deployment") ||
	       am_object_is(obj, "apps", "StatefulSet") ||
	       am_object_is(obj, "apps", "DaemonSet") ||
	       am_object_is(obj, "apps", "ReplicaSet") ||
	       am_object_is(obj, "extensions", "Deployment") ||
	       am_object_is(obj, "extensions", "DaemonSet") ||
	       am_object_is(obj, "extensions", "ReplicaSet") ||
	       (!strcmp(obj->api_version, "argoproj.io/v1alpha1") &&
		!strcmp(obj->kind, "Rollout"));
}

/* Follows the relative JSON Pointer 'ptr' (RFC 6901) inside 'root'. */
static const json_t *walk(const json_t *root, const char *ptr)
{
	const json_t *v = root;
	const char *p = ptr;
	struct am_buf key = AM_BUF_INIT;

	while (v && *p == '/') {
		char *end;

		am_buf_reset(&key);
		for (p++; *p && *p != '/'; p++) {
			if (*p == '~' && (p[1] == '0' || p[1] == '1'))
				am_buf_addch(&key, *++p == '0' ? '~' : '/');
			else
				am_buf_addch(&key, *p);
		}
		if (json_is_object(v)) {
			v = json_object_get(v, key.buf);
		} else if (json_is_array(v) && key.len &&
			   key.buf[0] >= '0' && key.buf[0] <= '9') {
			unsigned long i = strtoul(key.buf, &end, 10);

			v = *end ? NULL : json_array_get(v, i);
		} else {
			v = NULL;
		}
	}
	am_buf_release(&key);
	return v;
}

const json_t *am_object_get(const struct am_object *obj, const char *rel)
{
	return walk(obj->json, rel);
}

const char *am_object_name(const struct am_object *obj)
{
	if (obj->name)
		return obj->name;
	return obj->generate_name ? obj->generate_name : "";
}

static void add_containers(struct am_object *obj, const char *field, bool init)
{
	const json_t *arr = json_object_get(obj->pod_spec, field);
	const json_t *c;
	size_t i;

	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, c) {
		struct am_container *ct;
		const char *name;

		if (!json_is_object(c))
			continue;
		AM_GROW(obj->containers, obj->containers_alloc, obj->ncontainers + 1);
		ct = &obj->containers[obj->ncontainers++];
		ct->json = c;
		ct->ptr = xasprintf("%s/%s/%zu", obj->pod_ptr, field, i);
		name = str_member(c, "name");
		ct->name = name ? name : "";
		ct->image = str_member(c, "image");
		ct->init = init;
		ct->migration = am_container_migration(c, &ct->flyway);
	}
}

struct hook_scan {
	unsigned types;
};

static bool argo_hook_item(const char *item, void *ctx)
{
	static const struct {
		const char *name;
		unsigned bit;
	} types[] = {
		{ "PreSync", AM_HOOK_PRESYNC },	  { "Sync", AM_HOOK_SYNC },
		{ "PostSync", AM_HOOK_POSTSYNC }, { "SyncFail", AM_HOOK_SYNCFAIL },
		{ "Skip", AM_HOOK_SKIP },	  { "PreDelete", AM_HOOK_PREDELETE },
		{ "PostDelete", AM_HOOK_POSTDELETE },
	};
	struct hook_scan *hs = ctx;
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(types); i++)
		if (!strcmp(item, types[i].name))
			hs->types |= types[i].bit;
	return false;
}

unsigned am_helm_hook_type(const char *item)
{
	if (!strcmp(item, "pre-install") || !strcmp(item, "pre-upgrade"))
		return AM_HOOK_PRESYNC;
	if (!strcmp(item, "post-install") || !strcmp(item, "post-upgrade"))
		return AM_HOOK_POSTSYNC;
	if (!strcmp(item, "pre-delete"))
		return AM_HOOK_PREDELETE;
	if (!strcmp(item, "post-delete"))
		return AM_HOOK_POSTDELETE;
	return 0;
}

static bool helm_hook_item(const char *item, void *ctx)
{
	struct hook_scan *hs = ctx;

	hs->types |= am_helm_hook_type(item);
	return false;
}

static void compute_hooks(struct am_object *obj)
{
	const char *argo = am_object_annotation(obj, "argocd.argoproj.io/hook");
	const char *helm = am_object_annotation(obj, "helm.sh/hook");
	struct hook_scan hs = { 0 };

	obj->hook = argo || (helm && strcmp(helm, "crd-install"));
	if (argo)
		am_csv_each(argo, argo_hook_item, &hs);
	if (!hs.types && helm)
		am_csv_each(helm, helm_hook_item, &hs);
	obj->hook_types = obj->hook ? hs.types : 0;
	obj->hook_dropped = obj->hook && !hs.types;
}

static void compute_wave(struct am_object *obj)
{
	static const char *const keys[] = {
		"argocd.argoproj.io/sync-wave", "helm.sh/hook-weight",
	};
	size_t i;

	obj->wave = 0;
	obj->wave_key = NULL;
	for (i = 0; i < AM_ARRAY_SIZE(keys); i++) {
		const char *v = am_object_annotation(obj, keys[i]);

		if (v && am_atoi(v, &obj->wave)) {
			obj->wave_key = keys[i];
			return;
		}
	}
}

void am_object_init(struct am_object *obj, const char *file,
		    const struct am_yaml_doc *doc, const char *base,
		    const json_t *json)
{
	const json_t *meta, *ann, *tmpl_ann;
	const char *name, *ptr, *comp;
	size_t i;

	memset(obj, 0, sizeof(*obj));
	obj->file = file;
	obj->doc = doc;
	obj->base = xstrdup(base);
	obj->json = json;
	obj->api_version = str_member(json, "apiVersion");
	obj->kind = str_member(json, "kind");
	obj->source = doc->source;
	meta = obj_member(json, "metadata");
	obj->name = str_member(meta, "name");
	if (obj->name && !*obj->name)
		obj->name = NULL;
	obj->generate_name = str_member(meta, "generateName");
	obj->namespace = str_member(meta, "namespace");
	name = obj->name ? obj->name
			 : obj->generate_name ? obj->generate_name : "";
	obj->id = xasprintf("%s/%s/%s", obj->api_version, obj->kind, name);
	obj->labels = obj_member(meta, "labels");

	ann = obj_member(meta, "annotations");
	obj->raw_annotations = ann;
	if (ann) {
		const char *k;
		const json_t *v;

		json_object_foreach((json_t *)ann, k, v)
			if (!json_is_string(v))
				obj->annotations_invalid = true;
		obj->ignore = str_member(ann, "argomig.io/ignore");
	}
	obj->annotations = obj->annotations_invalid ? NULL : ann;

	ptr = pod_spec_ptr(obj);
	if (ptr && json_is_object(walk(json, ptr))) {
		obj->pod_spec = walk(json, ptr);
		obj->pod_ptr = xstrdup(ptr);
		tmpl_ann = NULL;
		if (am_object_template_ptr(obj)) {
			char *tp = xasprintf("%s/annotations",
					     am_object_template_ptr(obj));

			tmpl_ann = walk(json, tp);
			free(tp);
		}
		obj->tmpl_ignore = str_member(tmpl_ann, "argomig.io/ignore");
		add_containers(obj, "initContainers", true);
		add_containers(obj, "containers", false);
	}
	compute_hooks(obj);
	compute_wave(obj);
	obj->workload = is_workload(obj);
	if (am_object_is(obj, "batch", "Job")) {
		comp = str_member(obj->labels, "app.kubernetes.io/component");
		obj->migration_job = comp && !strcmp(comp, "migration");
		for (i = 0; i < obj->ncontainers; i++)
			if (obj->containers[i].migration)
				obj->migration_job = true;
	}
}

void am_object_release(struct am_object *obj)
{
	size_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->ncontainers; i++)
		free(obj->containers[i].ptr);
	free(obj->containers);
	free(obj->base);
	free(obj->id);
	free(obj->pod_ptr);
	memset(obj, 0, sizeof(*obj));
}

const char *am_object_annotation(const struct am_object *obj, const char *key)
{
	return str_member(obj->annotations, key);
}

long am_object_replicas(const struct am_object *obj)
{
	const json_t *spec = obj_member(obj->json, "spec");
	const json_t *v = spec ? json_object_get(spec, "replicas") : NULL;

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	return (long)json_integer_value(v);
}

const char *am_object_template_ptr(const struct am_object *obj)
{
	if (!obj->pod_ptr || !strcmp(obj->pod_ptr, "/spec"))
		return NULL;
	if (!strcmp(obj->pod_ptr, "/spec/template/spec"))
		return "/spec/template/metadata";
	return "/spec/jobTemplate/spec/template/metadata";
}

/* --- positions and reporting -------------------------------------------- */

struct am_loc am_object_loc(const struct am_object *obj, const char *rel,
			    enum am_at which)
{
	struct am_buf ptr = AM_BUF_INIT;
	struct am_loc key = { 0, 0 }, value = { 0, 0 };

	am_buf_adds(&ptr, obj->base);
	am_buf_adds(&ptr, rel);
	for (;;) {
		if (obj->doc->locs &&
		    am_locmap_get(obj->doc->locs, ptr.buf, &key, &value) == 0)
			break;
		if (!ptr.len) {
			key = value = obj->doc->start;
			break;
		}
		/* the deepest existing node: point at its key */
		which = AM_AT_KEY;
		while (ptr.len && ptr.buf[ptr.len - 1] != '/')
			ptr.len--;
		if (ptr.len)
			ptr.len--;
		ptr.buf[ptr.len] = '\0';
	}
	am_buf_release(&ptr);
	if (!key.line)
		key = value;
	if (!key.line)
		key.line = key.col = 1;
	return which == AM_AT_VALUE && value.line ? value : key;
}

const char *am_object_suppressed(const struct am_object *obj, const char *rule)
{
	if ((obj->ignore && am_ignore_list_has(obj->ignore, rule)) ||
	    (obj->tmpl_ignore && am_ignore_list_has(obj->tmpl_ignore, rule)))
		return "annotation argomig.io/ignore";
	return NULL;
}

void am_object_report(struct am_lint *lint, const struct am_rule *rule,
		      enum am_severity sev, const struct am_object *obj,
		      const char *rel, enum am_at which, const char *hint,
		      const char *fmt, ...)
{
	struct am_loc loc = am_object_loc(obj, rel, which);
	struct am_where at = { obj->file, loc.line, loc.col, obj->id,
			       obj->source, am_object_suppressed(obj, rule->id) };
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	am_lint_report(lint, rule, sev, &at, hint, "%s", msg);
	free(msg);
}
