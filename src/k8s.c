/* SPDX-License-Identifier: MIT */
/*
 * k8s.c - the Kubernetes side of a lint run: turns one YAML document into
 * objects (flattening `*List` kinds), runs the per-object rules on each,
 * feeds the cross-object summary, and later runs the cross-object rules.
 *
 * It does not load YAML (yaml_load.c), print, or decide severities and
 * comment suppressions (lint.c); the rules are in src/rules/k8s_*.c.
 */
#include <stdlib.h>
#include <string.h>

#include "k8s.h"
#include "manifest.h"
#include "objset.h"

/* Unknown rule ids in an argomig.io/ignore annotation (object or template). */
static void check_ignore_annotation(struct am_lint *lint,
				    const struct am_object *obj,
				    const char *list, const char *meta)
{
	const struct am_rule *unknown = am_rule_find("ignore-unknown-rule");
	char *copy, *id, *save = NULL, *rel;

	if (!list || !unknown)
		return;
	rel = xasprintf("%s/annotations/argomig.io~1ignore", meta);
	copy = xstrdup(list);
	for (id = strtok_r(copy, ", \t", &save); id;
	     id = strtok_r(NULL, ", \t", &save)) {
		struct am_loc loc;
		struct am_where at;

		if (am_rule_find(id))
			continue;
		loc = am_object_loc(obj, rel, AM_AT_KEY);
		at = (struct am_where){ obj->file, loc.line, loc.col, obj->id,
					obj->source, NULL };
		am_lint_report(lint, unknown, unknown->severity, &at,
			       "run 'argomig rules' for the list of rule ids",
			       "suppression names unknown rule '%s'", id);
	}
	free(copy);
	free(rel);
}

static int lint_object(struct am_lint *lint, struct am_objset *set,
		       const char *file, const struct am_yaml_doc *doc,
		       const char *base, const json_t *json)
{
	struct am_object obj;
	struct am_subject subject = { 0 };
	size_t i;
	int ret = 0;

	lint->summary.objects++;
	am_object_init(&obj, file, doc, base, json);
	check_ignore_annotation(lint, &obj, obj.ignore, "/metadata");
	if (am_object_template_ptr(&obj))
		check_ignore_annotation(lint, &obj, obj.tmpl_ignore,
					am_object_template_ptr(&obj));
	subject.obj = &obj;
	for (i = 0; i < am_rules_count(); i++) {
		const struct am_rule *rule = am_rule_at(i);

		if (rule->target != AM_TARGET_OBJECT)
			continue;
		ret = rule->check(rule, lint, &subject);
		if (ret < 0)
			break;
	}
	if (set && ret == 0)
		am_objset_add(set, lint, &obj);
	am_object_release(&obj);
	return ret;
}

/* `List`, `ConfigMapList`, ...: a kind ending in "List" with an items array. */
static const json_t *list_items(const json_t *root)
{
	const char *kind = json_string_value(json_object_get(root, "kind"));
	const json_t *items = json_object_get(root, "items");

	if (!am_ends_with(kind, "List") || !json_is_array(items))
		return NULL;
	return items;
}

int am_k8s_lint_doc(struct am_lint *lint, struct am_objset *set,
		    const char *file, const struct am_yaml_doc *doc)
{
	const json_t *items, *item;
	size_t i;
	int ret;

	if (!doc->root)
		return 0;
	if (!am_manifest_is_object(doc->root)) {
		lint->summary.skipped++;
		return 0;
	}
	items = list_items(doc->root);
	if (!items)
		return lint_object(lint, set, file, doc, "", doc->root);
	json_array_foreach(items, i, item) {
		char base[40];

		if (!am_manifest_is_object(item)) {
			lint->summary.skipped++;
			continue;
		}
		snprintf(base, sizeof(base), "/items/%zu", i);
		ret = lint_object(lint, set, file, doc, base, item);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int am_k8s_lint_set(struct am_lint *lint, struct am_objset *set)
{
	struct am_subject subject = { 0 };
	size_t i;
	int ret = 0;

	subject.set = set;
	for (i = 0; i < am_rules_count(); i++) {
		const struct am_rule *rule = am_rule_at(i);

		if (rule->target != AM_TARGET_OBJSET)
			continue;
		ret = rule->check(rule, lint, &subject);
		if (ret < 0)
			break;
	}
	am_objset_clear(set);
	return ret;
}
