/* SPDX-License-Identifier: MIT */
/*
 * The Kubernetes object model: identity, annotations as Argo CD reads
 * them, hooks and waves, containers and their positions, the migration
 * predicates, reporting and suppression, and the document driver.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "k8s.h"
#include "manifest.h"
#include "objset.h"
#include "util.h"
#include "yaml_load.h"

struct one {
	struct am_yaml_reader *r;
	struct am_yaml_doc doc;
	struct am_object obj;
};

/* Loads the first document of 'text' and builds the object at its root. */
static void load(struct one *o, const char *text)
{
	memset(o, 0, sizeof(*o));
	cr_assert_eq(am_yaml_reader_new_buf(&o->r, "t.yaml", text,
					    strlen(text), NULL), 0);
	cr_assert_eq(am_yaml_reader_next(o->r, &o->doc), 1);
	cr_assert(am_manifest_is_object(o->doc.root));
	am_object_init(&o->obj, "t.yaml", &o->doc, "", o->doc.root);
}

static void unload(struct one *o)
{
	am_object_release(&o->obj);
	am_yaml_doc_release(&o->doc);
	am_yaml_reader_free(o->r);
}

static void assert_at(const struct am_object *obj, const char *rel,
		      enum am_at which, int line, int col)
{
	struct am_loc l = am_object_loc(obj, rel, which);

	cr_assert(l.line == line && l.col == col,
		  "%s: got %d:%d, want %d:%d", rel, l.line, l.col, line, col);
}

static const char deployment[] =
	"apiVersion: apps/v1\n"				/* 1 */
	"kind: Deployment\n"
	"metadata:\n"
	"  name: api\n"
	"  annotations:\n"				/* 5 */
	"    argocd.argoproj.io/sync-wave: \"2\"\n"
	"spec:\n"
	"  replicas: 3\n"
	"  template:\n"
	"    metadata:\n"				/* 10 */
	"      annotations:\n"
	"        argomig.io/ignore: invalid-yaml\n"
	"    spec:\n"
	"      initContainers:\n"
	"        - name: migrate\n"			/* 15 */
	"          image: flyway/flyway:10\n"
	"          args: [migrate]\n"
	"      containers:\n"
	"        - image: ghcr.io/acme/api:1.0\n"
	"          name: api\n"				/* 20 */
	"          command: [\"sh\", \"-c\", \"rails db:migrate && exec puma\"]\n";

Test(manifest, identity_and_pod_spec)
{
	struct one o;

	load(&o, deployment);
	cr_assert_str_eq(o.obj.id, "apps/v1/Deployment/api");
	cr_assert(o.obj.workload);
	cr_assert_not(o.obj.migration_job);
	cr_assert_eq(am_object_replicas(&o.obj), 3);
	cr_assert_eq(o.obj.wave, 2);
	cr_assert_str_eq(o.obj.pod_ptr, "/spec/template/spec");
	cr_assert_str_eq(o.obj.tmpl_ignore, "invalid-yaml");
	cr_assert_eq(o.obj.ncontainers, 2);
	cr_assert_str_eq(o.obj.containers[0].ptr,
			 "/spec/template/spec/initContainers/0");
	cr_assert(o.obj.containers[0].init);
	cr_assert_str_eq(o.obj.containers[0].migration, "image 'flyway/flyway'");
	cr_assert(o.obj.containers[0].flyway);
	cr_assert_str_eq(o.obj.containers[1].migration, "'rails … db:migrate'");
	cr_assert_not(o.obj.containers[1].flyway);
	unload(&o);
}

Test(manifest, positions_follow_where_a_finding_points)
{
	struct one o;

	load(&o, deployment);
	/* a whole container: its first key, on the "- name:" line */
	assert_at(&o.obj, "/spec/template/spec/initContainers/0", AM_AT_VALUE, 15, 11);
	assert_at(&o.obj, "/spec/template/spec/containers/0", AM_AT_VALUE, 19, 11);
	/* a present value: its key */
	assert_at(&o.obj, "/spec/replicas", AM_AT_KEY, 8, 3);
	assert_at(&o.obj, "/metadata/annotations/argocd.argoproj.io~1sync-wave",
		  AM_AT_KEY, 6, 5);
	/* a missing field: the deepest mapping that should hold it */
	assert_at(&o.obj, "/spec/activeDeadlineSeconds", AM_AT_VALUE, 7, 1);
	assert_at(&o.obj, "/metadata", AM_AT_KEY, 3, 1);
	assert_at(&o.obj, "/spec/template/spec/containers/0/command/2",
		  AM_AT_VALUE, 21, 33);
	unload(&o);
}

Test(manifest, non_string_annotation_hides_all_annotations)
{
	struct one o;

	load(&o, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: m\n"
		 "  annotations:\n    argocd.argoproj.io/hook: PreSync\n"
		 "    argocd.argoproj.io/sync-wave: -1\n");
	cr_assert(o.obj.annotations_invalid);
	cr_assert_null(o.obj.annotations);
	cr_assert_not_null(o.obj.raw_annotations);
	cr_assert_null(am_object_annotation(&o.obj, "argocd.argoproj.io/hook"));
	cr_assert_not(o.obj.hook);
	cr_assert_eq(o.obj.wave, 0);
	unload(&o);
}

static unsigned hook_types(const char *annotations, bool *hook, bool *dropped)
{
	char *text = xasprintf("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
			       "  annotations:\n%s", annotations);
	struct one o;
	unsigned t;

	load(&o, text);
	t = o.obj.hook_types;
	*hook = o.obj.hook;
	*dropped = o.obj.hook_dropped;
	unload(&o);
	free(text);
	return t;
}

Test(manifest, hook_types_as_argo_cd_computes_them)
{
	bool hook, dropped;

	cr_assert_eq(hook_types("    argocd.argoproj.io/hook: PreSync, presync,\n",
				&hook, &dropped), AM_HOOK_PRESYNC);
	cr_assert(hook && !dropped);
	cr_assert_eq(hook_types("    argocd.argoproj.io/hook: presync\n", &hook,
				&dropped), 0);
	cr_assert(hook && dropped);
	/* Argo types win over Helm types; none valid: Helm types */
	cr_assert_eq(hook_types("    argocd.argoproj.io/hook: PostSync\n"
				"    helm.sh/hook: pre-install\n", &hook, &dropped),
		     AM_HOOK_POSTSYNC);
	cr_assert_eq(hook_types("    argocd.argoproj.io/hook: bogus\n"
				"    helm.sh/hook: pre-upgrade,post-install\n",
				&hook, &dropped),
		     AM_HOOK_PRESYNC | AM_HOOK_POSTSYNC);
	cr_assert_eq(hook_types("    helm.sh/hook: test\n", &hook, &dropped), 0);
	cr_assert(hook && dropped);
	cr_assert_eq(hook_types("    helm.sh/hook: crd-install\n", &hook, &dropped), 0);
	cr_assert(!hook && !dropped);
}

Test(manifest, wave_uses_atoi_then_hook_weight)
{
	struct one o;
	long n;

	load(&o, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
		 "    argocd.argoproj.io/sync-wave: \" 1\"\n"
		 "    helm.sh/hook-weight: \"-5\"\n");
	cr_assert_eq(o.obj.wave, -5);
	cr_assert_str_eq(o.obj.wave_key, "helm.sh/hook-weight");
	unload(&o);
	cr_assert(am_atoi("+3", &n) && n == 3);
	cr_assert(am_atoi("-0", &n) && n == 0);
	cr_assert_not(am_atoi("1.5", &n));
	cr_assert_not(am_atoi("", &n));
	cr_assert_not(am_atoi("-", &n));
	cr_assert_not(am_atoi("99999999999999999999", &n));
}

static const char *migration_of(const char *container_yaml, bool *flyway)
{
	struct am_yaml_reader *r;
	struct am_yaml_doc doc;
	static char what[64];
	const char *w;

	cr_assert_eq(am_yaml_reader_new_buf(&r, "c.yaml", container_yaml,
					    strlen(container_yaml), NULL), 0);
	cr_assert_eq(am_yaml_reader_next(r, &doc), 1);
	w = am_container_migration(doc.root, flyway);
	snprintf(what, sizeof(what), "%s", w ? w : "");
	am_yaml_doc_release(&doc);
	am_yaml_reader_free(r);
	return what;
}

Test(manifest, migration_container_by_image_and_command)
{
	bool fw;

	cr_assert_str_eq(migration_of("image: docker.io/flyway/flyway:10@sha256:ab\n", &fw),
			 "image 'flyway/flyway'");
	cr_assert(fw);
	cr_assert_str_eq(migration_of("image: ghcr.io/amacneil/dbmate:2\n", &fw),
			 "image 'ghcr.io/amacneil/dbmate'");
	cr_assert_str_eq(migration_of("image: ghcr.io/pressly/goose:3\n", &fw),
			 "a goose image");
	cr_assert_str_eq(migration_of("image: registry.local:5000/flyway\n", &fw), "");
	cr_assert_str_eq(migration_of("command: [python, ./manage.py, migrate, --noinput]\n", &fw),
			 "'manage.py … migrate'");
	cr_assert_str_eq(migration_of("command: [/bin/sh, -c]\n"
				      "args: ['npx prisma migrate deploy && node server.js']\n", &fw),
			 "'prisma migrate deploy'");
	cr_assert_str_eq(migration_of("command: [sh, -c, \"/flyway/flyway -connectRetries=5 migrate\"]\n", &fw),
			 "'flyway … migrate'");
	cr_assert(fw);
	cr_assert_str_eq(migration_of("args: [up, migrate]\n", &fw), "");
	cr_assert_str_eq(migration_of("args: [rails, server]\n", &fw), "");
	cr_assert_str_eq(migration_of("args: [migrate, -path, /m, -database, $(DB_URL), up]\n", &fw),
			 "'migrate … up'");
}

Test(manifest, shell_words)
{
	struct am_words w = { 0 };

	am_words_split(&w, "echo 'a b' \"c\\\"d\";x&&y|z $(cat f) `e`", "args", 2);
	cr_assert_eq(w.n, 8);
	cr_assert_str_eq(w.v[0].text, "echo");
	cr_assert_str_eq(w.v[1].text, "a b");
	cr_assert_str_eq(w.v[2].text, "c\"d");
	cr_assert_str_eq(w.v[3].text, "x");
	cr_assert_str_eq(w.v[4].text, "y");
	cr_assert_str_eq(w.v[5].text, "z");
	cr_assert_str_eq(w.v[6].text, "$(cat f)");
	cr_assert_str_eq(w.v[7].text, "e");
	cr_assert_str_eq(w.v[7].field, "args");
	cr_assert_eq(w.v[7].index, 2);
	am_words_release(&w);
}

Test(manifest, image_tags_and_digests)
{
	struct am_buf repo = AM_BUF_INIT, tag = AM_BUF_INIT;
	const char *digest;

	am_image_parse("localhost:5000/tools/flyway", &repo, &tag, &digest);
	cr_assert_str_eq(repo.buf, "localhost:5000/tools/flyway");
	cr_assert_str_eq(tag.buf, "");
	cr_assert_null(digest);
	am_image_parse("docker.io/library/postgres:15@sha256:00", &repo, &tag, &digest);
	cr_assert_str_eq(repo.buf, "postgres");
	cr_assert_str_eq(tag.buf, "15");
	cr_assert_str_eq(digest, "sha256:00");
	am_image_parse("registry.example.com:443/flyway/flyway@sha256:11", &repo, &tag, &digest);
	cr_assert_str_eq(repo.buf, "registry.example.com:443/flyway/flyway");
	cr_assert_str_eq(tag.buf, "");
	cr_assert_str_eq(digest, "sha256:11");
	am_buf_release(&repo);
	am_buf_release(&tag);
}

Test(manifest, csv_items_are_trimmed_and_empty_ones_dropped)
{
	cr_assert(am_csv_has(" Replace=true , Force=true", "Force=true"));
	cr_assert(am_csv_has(",,PreSync,", "PreSync"));
	cr_assert_not(am_csv_has("replace=true", "Replace=true"));
	cr_assert_not(am_csv_has("", ""));
}

/*
 * The findings of a run (of rule 'only', or all when NULL), as
 * "line:col rule (suppressed)? message" lines.
 */
static char *findings_of(const struct am_lint *lint, const char *only)
{
	struct am_buf b = AM_BUF_INIT;
	size_t i;

	for (i = 0; i < lint->diags.nr; i++) {
		const struct am_finding *f = &lint->diags.items[i];

		if (only && strcmp(f->rule, only))
			continue;

		am_buf_addf(&b, "%d:%d %s%s %s\n", f->line, f->col, f->rule,
			    f->suppressed ? " (suppressed)" : "", f->message);
	}
	return am_buf_detach(&b);
}

static char *findings(const struct am_lint *lint)
{
	return findings_of(lint, NULL);
}

Test(manifest, report_points_and_annotation_suppresses)
{
	struct am_lint lint;
	struct one o;
	char *got;

	am_lint_init(&lint);
	load(&o, deployment);
	am_object_report(&lint, am_rule_find("invalid-yaml"), AM_SEV_ERROR,
			 &o.obj, "/spec/template/spec/containers/0/image",
			 AM_AT_KEY, "hint", "x '%s'", "y");
	am_object_report(&lint, am_rule_find("ignore-unknown-rule"),
			 AM_SEV_WARNING, &o.obj, "/metadata", AM_AT_KEY, NULL,
			 "z");
	got = findings(&lint);
	cr_assert_str_eq(got, "19:11 invalid-yaml (suppressed) x 'y'\n"
			      "3:1 ignore-unknown-rule z\n");
	cr_assert_str_eq(lint.diags.items[0].object, "apps/v1/Deployment/api");
	cr_assert_str_eq(lint.diags.items[0].reason, "annotation argomig.io/ignore");
	free(got);
	unload(&o);
	am_lint_release(&lint);
}

/* Runs am_k8s_lint_doc over every document of 'text'. */
static void lint_text(struct am_lint *lint, struct am_objset *set,
		      const char *text)
{
	struct am_yaml_reader *r;
	struct am_yaml_doc doc;
	size_t n;

	cr_assert_eq(am_yaml_reader_new_buf(&r, "t.yaml", text, strlen(text), NULL), 0);
	lint->comments = am_yaml_reader_comments(r, &n);
	while (am_yaml_reader_next(r, &doc) == 1) {
		lint->comments = am_yaml_reader_comments(r, &lint->ncomments);
		cr_assert_eq(am_k8s_lint_doc(lint, set, "t.yaml", &doc), 0);
		am_yaml_doc_release(&doc);
	}
	lint->comments = NULL;
	lint->ncomments = 0;
	am_yaml_reader_free(r);
}

Test(manifest, lists_are_flattened_and_non_objects_skipped)
{
	struct am_lint lint;
	struct am_objset *set = am_objset_new();
	char *got;

	am_lint_init(&lint);
	lint_text(&lint, set,
		  "apiVersion: v1\nkind: List\nitems:\n"
		  "- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n"
		  "- just: data\n"
		  "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n"
		  "    annotations: {argomig.io/ignore: \"no-such-rule\"}\n"
		  "---\n"
		  "foo: bar\n"
		  "---\n"
		  "---\n"
		  "[1, 2]\n");
	cr_assert_eq(lint.summary.objects, 2);
	cr_assert_eq(lint.summary.skipped, 3);
	got = findings(&lint);
	cr_assert_str_eq(got, "12:19 ignore-unknown-rule suppression names unknown rule 'no-such-rule'\n");
	cr_assert_str_eq(lint.diags.items[0].object, "v1/ConfigMap/b");
	free(got);
	cr_assert_eq(am_k8s_lint_set(&lint, set), 0);
	am_objset_free(set);
	am_lint_release(&lint);
}

Test(manifest, objset_keeps_summaries_and_comment_suppressions)
{
	struct am_lint lint;
	struct am_objset *set = am_objset_new();
	const struct am_set_entry *w, *j, *h;

	am_lint_init(&lint);
	lint_text(&lint, set,
		  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n"
		  "spec:\n  template:\n    spec:\n      initContainers:\n"
		  "      # argomig:ignore init-container-migration -- single tenant\n"
		  "      - name: m\n        image: migrate/migrate\n"
		  "        envFrom: [{secretRef: {name: db}}]\n"
		  "---\n"
		  "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: mig\n"
		  "  annotations: {argocd.argoproj.io/sync-wave: \"3\"}\n"
		  "spec:\n  template:\n    spec:\n      containers:\n"
		  "      - name: m\n        image: flyway/flyway:10\n"
		  "        env:\n        - name: P\n          valueFrom: {secretKeyRef: {name: db, key: p}}\n"
		  "---\n"
		  "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
		  "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}}\n");
	cr_assert_eq(set->n, 3);
	w = &set->v[0];
	j = &set->v[1];
	h = &set->v[2];
	cr_assert_eq(w->role, AM_SET_WORKLOAD);
	cr_assert_eq(w->ncontainers, 1);
	cr_assert_eq(w->containers[0].at.line, 9);
	cr_assert_eq(w->containers[0].at.col, 9);
	cr_assert_str_eq(w->containers[0].at.suppressed, "single tenant");
	cr_assert_str_eq(w->secrets[0].name, "db");
	cr_assert_eq(j->role, AM_SET_MIGRATION_JOB);
	cr_assert_eq(j->wave, 3);
	cr_assert_eq(j->wave_at.line, 17);
	cr_assert_eq(j->wave_at.col, 17);
	cr_assert_eq(j->secrets[0].at.line, 26);
	cr_assert_eq(j->secrets[0].at.col, 38);
	cr_assert_eq(h->role, AM_SET_HPA);
	cr_assert(am_objset_hpa_targets(set, w));
	cr_assert_eq(am_k8s_lint_set(&lint, set), 0);
	cr_assert_eq(set->n, 0);
	am_objset_free(set);
	am_lint_release(&lint);
}

/* Rule index of 'id' in the registry (lint->file_sev is indexed by it). */
static size_t index_of(const char *id)
{
	return (size_t)(am_rule_find(id) - am_rule_at(0));
}

Test(manifest, set_findings_keep_the_severity_of_their_file)
{
	static const char scaled[] =
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s}\n"
		"spec:\n  replicas: 2\n  template:\n    spec:\n      initContainers:\n"
		"      - name: m\n        image: flyway/flyway:10\n";
	struct am_lint lint;
	struct am_objset *set = am_objset_new();
	size_t i = index_of("init-container-migration");
	char *a = xasprintf(scaled, "a"), *b = xasprintf(scaled, "b"), *got;

	am_lint_init(&lint);
	/* the configuration of the first file turns the rule down to a note */
	lint.file_sev[i] = AM_SEV_NOTE;
	lint_text(&lint, set, a);
	lint.file_sev[i] = AM_SEV_DEFAULT;
	lint_text(&lint, set, b);
	/* and a later file's configuration turns it off: it applies to neither */
	lint.file_sev[i] = AM_SEV_OFF;
	cr_assert_eq(am_k8s_lint_set(&lint, set), 0);
	cr_assert_eq(lint.file_sev[i], AM_SEV_OFF);
	got = findings_of(&lint, "init-container-migration");
	cr_assert_str_eq(got,
			 "9:9 init-container-migration init container 'm' of Deployment 'a' runs a migration (image 'flyway/flyway') in each of 2 replicas at once\n"
			 "9:9 init-container-migration init container 'm' of Deployment 'b' runs a migration (image 'flyway/flyway') in each of 2 replicas at once\n");
	for (i = 0; i < lint.diags.nr; i++) {
		const struct am_finding *f = &lint.diags.items[i];

		if (!strcmp(f->rule, "init-container-migration"))
			cr_assert_eq(f->severity,
				     !strcmp(f->object, "apps/v1/Deployment/a") ?
					     AM_SEV_NOTE : AM_SEV_ERROR);
	}
	free(got);
	free(a);
	free(b);
	am_objset_free(set);
	am_lint_release(&lint);
}

Test(manifest, set_findings_ignore_the_comments_of_the_last_file)
{
	struct am_comment c = { 1, 1, (char *)"argomig:ignore migration-wave-order" };
	struct am_lint lint;
	struct am_objset *set = am_objset_new();
	char *got;

	am_lint_init(&lint);
	lint_text(&lint, set,
		  "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n"
		  "spec:\n  template:\n    spec:\n      containers:\n"
		  "      - {name: m, image: 'migrate/migrate:v4', args: [up]}\n"
		  "---\n"
		  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n");
	/* a comment of another file on the line before the finding's line */
	lint.comments = &c;
	lint.ncomments = 1;
	c.line = 2;
	cr_assert_eq(am_k8s_lint_set(&lint, set), 0);
	cr_assert_eq(lint.comments, &c);
	got = findings_of(&lint, "migration-wave-order");
	cr_assert(am_starts_with(got, "3:1 migration-wave-order migration Job 'migrate' is in sync wave 0 with Deployment 'api'"),
		  "%s", got);
	free(got);
	am_objset_free(set);
	am_lint_release(&lint);
}

Test(manifest, wrong_types_everywhere_are_not_a_crash)
{
	static const char *const docs[] = {
		"apiVersion: batch/v1\nkind: Job\nmetadata: [1]\nspec: 3\n",
		"apiVersion: batch/v1\nkind: Job\nmetadata: {name: 5, annotations: [x], labels: 7}\n"
		"spec: {backoffLimit: x, suspend: 'yes', template: {spec: {containers: {a: b},"
		" initContainers: [1, null, {name: [1], image: {}, command: 'flyway migrate',"
		" args: [1, {}], env: {x: y}, envFrom: [1], resources: [1]}]}}}\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
		"spec: {replicas: -4, template: {metadata: {annotations: 3}, spec: {volumes: [1, {secret: 2},"
		" {projected: {sources: [1, {secret: []}]}}], containers: [{name: c, env: [1, {name: 2, value: 3},"
		" {name: X_PASSWORD, value: {}}, {valueFrom: []}]}]}}}\n",
		"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n"
		"spec: {syncPolicy: {automated: true, retry: {limit: many}}}\n",
		"apiVersion: argoproj.io/v1alpha1\nkind: ConfigManagementPlugin\nmetadata: 1\n"
		"spec: {generate: {command: []}, discover: [1], parameters: {static: {a: 1}}}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
		"data: {plugin.yaml: \"kind: ConfigManagementPlugin\\nspec: [unclosed\"}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {plugin.yaml: 7}\n",
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {}\n"
		"spec: {scaleTargetRef: [Deployment]}\n",
		"apiVersion: v1\nkind: List\nitems: [1, [2], {apiVersion: v1, kind: Secret, data: [1]}]\n",
		"apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
		"    argocd.argoproj.io/hook: ', ,'\n    helm.sh/hook-delete-policy: ''\n"
		"    argocd.argoproj.io/sync-options: ','\n    argocd.argoproj.io/sync-wave: ''\n",
	};
	struct am_lint lint;
	struct am_objset *set = am_objset_new();
	char *got;
	size_t i;

	am_lint_init(&lint);
	for (i = 0; i < AM_ARRAY_SIZE(docs); i++)
		lint_text(&lint, set, docs[i]);
	cr_assert_eq(am_k8s_lint_set(&lint, set), 0);
	cr_assert_eq(lint.summary.objects, 10);
	cr_assert_eq(lint.summary.skipped, 2);
	/* the embedded plugin.yaml that does not parse is a finding */
	got = findings_of(&lint, "plugin-config-invalid");
	cr_assert_not_null(strstr(got, "embedded plugin.yaml is not valid YAML"), "%s", got);
	free(got);
	am_objset_free(set);
	am_lint_release(&lint);
}
