/* SPDX-License-Identifier: MIT */
/*
 * k8s_secrets.c - rules about credentials: literal secrets in container
 * env, commands and args; Secrets with plaintext data in the manifests;
 * a migration Job sharing a Secret with the app.
 *
 * No message ever contains the secret itself: findings name the env
 * variable, the option or "a URL", never the value.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest.h"
#include "rules/k8s_checks.h"
#include "objset.h"

/* --- hardcoded-credential ----------------------------------------------- */

static bool contains_nocase(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

/* An env name that says it holds a secret (PWD and OLDPWD are directories). */
static bool secret_name(const char *name)
{
	static const char *const words[] = {
		"PASSWORD", "PASSWD", "PWD", "SECRET", "TOKEN", "API_KEY",
	};
	size_t i;

	if (!strcmp(name, "PWD") || !strcmp(name, "OLDPWD"))
		return false;
	for (i = 0; i < AM_ARRAY_SIZE(words); i++)
		if (contains_nocase(name, words[i]))
			return true;
	return false;
}

/* A literal, not a $(VAR), $VAR or ${VAR} reference. */
static bool literal(const char *s, size_t n)
{
	return n && s[0] != '$';
}

/*
 * True if 's' holds a URL with a literal password ("scheme://user:pass@")
 * or a JDBC URL with a literal "password=".
 */
static bool url_with_password(const char *s)
{
	const char *p, *jdbc;

	for (p = strstr(s, "://"); p; p = strstr(p + 3, "://")) {
		const char *auth = p + 3, *end = auth, *at = NULL, *colon;

		while (*end && !strchr("/?#", *end) && !isspace((unsigned char)*end))
			end++;
		for (colon = auth; colon < end; colon++)
			if (*colon == '@')
				at = colon;
		if (!at)
			continue;
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon && literal(colon + 1, (size_t)(at - colon - 1)))
			return true;
	}
	jdbc = strstr(s, "jdbc:");
	for (p = jdbc; p && *p; p++) {
		if (strncasecmp(p, "password=", 9) ||
		    (p > jdbc && !strchr("?&;:", p[-1])))
			continue;
		p += 9;
		if (literal(p, strcspn(p, ";&\"' \t\n")))
			return true;
	}
	return false;
}

static void check_env(const struct am_rule *rule, struct am_lint *lint,
		      const struct am_object *obj, const struct am_container *c)
{
	const json_t *env = json_object_get(c->json, "env"), *e;
	size_t i;

	json_array_foreach(env, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *value = json_string_value(json_object_get(e, "value"));
		char *rel;

		if (!name || !value)
			continue;
		rel = xasprintf("%s/env/%zu/value", c->ptr, i);
		if (secret_name(name) && *value && !strstr(value, "$("))
			am_object_report(lint, rule, rule->severity, obj, rel,
					 AM_AT_KEY,
					 "read it from a Secret: valueFrom.secretKeyRef (or envFrom.secretRef)",
					 "env '%s' of %s '%s' holds a literal secret",
					 name, am_container_noun(c), c->name);
		else if (url_with_password(value))
			am_object_report(lint, rule, rule->severity, obj, rel,
					 AM_AT_KEY,
					 "keep the password in a Secret and reference it: $(DB_PASSWORD) with valueFrom.secretKeyRef",
					 "env '%s' of %s '%s' holds a connection URL with a literal password",
					 name, am_container_noun(c), c->name);
		free(rel);
	}
}

static void report_arg(const struct am_rule *rule, struct am_lint *lint,
		       const struct am_object *obj,
		       const struct am_container *c, const char *field,
		       size_t index, const char *what)
{
	char *rel = xasprintf("%s/%s/%zu", c->ptr, field, index);

	am_object_report(lint, rule, rule->severity, obj, rel, AM_AT_VALUE,
			 "pass the password through an env variable from a Secret ($(DB_PASSWORD) with valueFrom.secretKeyRef)",
			 "%s item of %s '%s' holds %s", field, am_container_noun(c),
			 c->name, what);
	free(rel);
}

static void check_args(const struct am_rule *rule, struct am_lint *lint,
		       const struct am_object *obj, const struct am_container *c)
{
	static const char *const fields[] = { "command", "args" };
	struct am_words w = { 0 };
	const char *last_field = NULL;
	size_t f, i, last_index = 0;

	/* URLs: on the raw items, so '&' in a query string stays in the URL */
	for (f = 0; f < AM_ARRAY_SIZE(fields); f++) {
		const json_t *arr = json_object_get(c->json, fields[f]), *item;

		json_array_foreach(arr, i, item) {
			if (json_is_string(item) &&
			    url_with_password(json_string_value(item)))
				report_arg(rule, lint, obj, c, fields[f], i,
					   "a connection URL with a literal password");
		}
	}
	am_words_of_container(&w, c->json);
	for (i = 0; i < w.n; i++) {
		const char *t = w.v[i].text, *eq = strchr(t, '=');
		bool opt = am_starts_with(t, "-password=") ||
			   am_starts_with(t, "--password=");
		bool sep = !strcmp(t, "--password") && i + 1 < w.n;
		const struct am_word *lit = sep ? &w.v[i + 1] : &w.v[i];

		if (opt && !literal(eq + 1, strlen(eq + 1)))
			continue;
		if (sep && !literal(lit->text, strlen(lit->text)))
			continue;
		if (!opt && !sep)
			continue;
		/* one finding per item, even with several options in one shell string */
		if (last_field == lit->field && last_index == lit->index)
			continue;
		last_field = lit->field;
		last_index = lit->index;
		report_arg(rule, lint, obj, c, lit->field, lit->index,
			   sep ? "a literal password after '--password'"
			       : opt && t[1] == '-' ? "a literal '--password=' option"
						    : "a literal '-password=' option");
	}
	am_words_release(&w);
}

int rule_k8s_hardcoded_credential(const struct am_rule *rule,
				  struct am_lint *lint,
				  const struct am_subject *s)
{
	const struct am_object *obj = s->obj;
	size_t i;

	for (i = 0; i < obj->ncontainers; i++) {
		check_env(rule, lint, obj, &obj->containers[i]);
		check_args(rule, lint, obj, &obj->containers[i]);
	}
	return 0;
}

/* --- plaintext-secret --------------------------------------------------- */

int rule_k8s_plaintext_secret(const struct am_rule *rule, struct am_lint *lint,
			      const struct am_subject *s)
{
	static const char *const fields[] = { "data", "stringData" };
	const struct am_object *obj = s->obj;
	size_t i;

	if (!am_object_is(obj, "", "Secret"))
		return 0;
	for (i = 0; i < AM_ARRAY_SIZE(fields); i++) {
		const json_t *v = json_object_get(obj->json, fields[i]);
		char rel[16];

		if (!json_is_object(v) || !json_object_size(v))
			continue;
		snprintf(rel, sizeof(rel), "/%s", fields[i]);
		am_object_report(lint, rule, rule->severity, obj, rel, AM_AT_KEY,
				 "keep secret values out of git: use External Secrets, Sealed Secrets or SOPS",
				 "Secret '%s' has plaintext %s in the manifests",
				 am_object_name(obj), fields[i]);
		break;
	}
	return 0;
}

/* --- shared-db-credentials ---------------------------------------------- */

int rule_k8s_shared_db_credentials(const struct am_rule *rule,
				   struct am_lint *lint,
				   const struct am_subject *s)
{
	const struct am_objset *set = s->set;
	size_t i, j, k, l;

	for (i = 0; i < set->n; i++) {
		const struct am_set_entry *job = &set->v[i];

		if (job->role != AM_SET_MIGRATION_JOB)
			continue;
		for (j = 0; j < job->nsecrets; j++) {
			const struct am_set_secret *sec = &job->secrets[j];
			const struct am_set_entry *w = NULL;

			for (k = 0; k < set->n && !w; k++) {
				const struct am_set_entry *e = &set->v[k];

				if (e->role != AM_SET_WORKLOAD ||
				    !am_ns_match(e->ns, job->ns))
					continue;
				for (l = 0; l < e->nsecrets; l++)
					if (!strcmp(e->secrets[l].name, sec->name))
						w = e;
			}
			if (w)
				am_pending_report(lint, rule, rule->severity,
						  &sec->at,
						  "give the migration its own least-privileged database user in its own Secret",
						  "migration Job '%s' reads Secret '%s', which %s '%s' also reads",
						  job->name, sec->name, w->kind,
						  w->name);
		}
	}
	return 0;
}
