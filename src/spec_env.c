/* SPDX-License-Identifier: MIT */
/*
 * spec_env.c - what Argo CD passes in the environment, applied to a spec.
 *
 * Overrides, highest first (DESIGN.md §3.2): plugin parameters
 * (ARGOCD_APP_PARAMETERS, the JSON Argo CD sends, then the PARAM_<NAME>
 * variables derived from it), plugin env (ARGOCD_ENV_<NAME>), the spec.
 * Empty values count as unset. A malformed value is an error that names
 * its source. Also: the default name from ARGOCD_APP_NAME without its
 * "<namespace>_" prefix, and the revision for the argomig.io/revision
 * annotation. Reads only the 'envp' it is given, never getenv().
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "err.h"
#include "spec.h"
#include "util.h"

static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* A one-line, JSON-quoted copy of a value for messages. */
static char *quoted(const char *s)
{
	json_t *j = json_string(s);
	char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	char *out;

	json_decref(j);
	if (!d)
		return xstrdup("(not UTF-8)");
	out = strlen(d) > 60 ? xasprintf("%.56s...\"", d) : xstrdup(d);
	free(d);
	return out;
}

struct override {
	const char *param; /* parameter name: "migration-image" */
	const char *env;   /* suffix: "MIGRATION_IMAGE" */
	char *value;	   /* owned; NULL when unset */
	char *source;	   /* owned: "PARAM_IMAGE", "ARGOCD_ENV_IMAGE", ... */
};

/*
 * Looks 'o' up in the parameters JSON (array of {name, string|array|map}).
 * Returns 0, or AM_EINVALID when the parameter is there but not a string.
 */
static int from_params(struct override *o, json_t *params)
{
	size_t i;
	json_t *p;

	json_array_foreach(params, i, p)
	{
		json_t *name = json_object_get(p, "name");
		json_t *str;

		if (!json_is_string(name) ||
		    strcmp(json_string_value(name), o->param))
			continue;
		str = json_object_get(p, "string");
		if (!json_is_string(str))
			return am_error_set(
				AM_EINVALID,
				"argomig: ARGOCD_APP_PARAMETERS: parameter "
				"'%s' must have a \"string\" value",
				o->param);
		if (!json_string_length(str))
			return 0;
		o->value = xstrdup(json_string_value(str));
		o->source = xasprintf("parameter '%s' (ARGOCD_APP_PARAMETERS)",
				      o->param);
		return 0;
	}
	return 0;
}

static void from_env(struct override *o, char *const *envp, const char *prefix)
{
	char *name = xasprintf("%s%s", prefix, o->env);
	const char *v = env_get(envp, name);

	if (v && *v) {
		o->value = xstrdup(v);
		o->source = name;
		return;
	}
	free(name);
}

static int load_params(json_t **out, char *const *envp)
{
	const char *text = env_get(envp, "ARGOCD_APP_PARAMETERS");
	json_error_t jerr;
	json_t *j;

	*out = NULL;
	if (!text || !*text)
		return 0;
	j = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return am_error_set(AM_EINVALID,
				    "argomig: ARGOCD_APP_PARAMETERS is not "
				    "valid JSON (column %d: %s)",
				    jerr.column, jerr.text);
	if (json_is_null(j))
		return 0;
	if (!json_is_array(j)) {
		json_decref(j);
		return am_error_set(AM_EINVALID,
				    "argomig: ARGOCD_APP_PARAMETERS must be a "
				    "JSON array of parameters");
	}
	*out = j;
	return 0;
}

static int resolve(struct override *o, json_t *params, char *const *envp)
{
	int ret;

	if (params && (ret = from_params(o, params)))
		return ret;
	if (!o->value)
		from_env(o, envp, "PARAM_");
	if (!o->value)
		from_env(o, envp, "ARGOCD_ENV_");
	return 0;
}

static int apply_image(struct override *o, char **field)
{
	const char *why;

	if (!o->value)
		return 0;
	why = am_spec_check_image(o->value);
	if (why) {
		char *q = quoted(o->value);
		int ret = am_error_set(AM_EINVALID,
				       "argomig: %s: image %s (got %s)",
				       o->source, why, q);

		free(q);
		return ret;
	}
	free(*field);
	*field = xstrdup(o->value);
	return 0;
}

/* Cut to 63 characters with a hash of the whole: see spec.h. */
char *am_name_join(const char *base, const char *suffix)
{
	size_t blen = strlen(base), slen = strlen(suffix), keep;
	uLong crc;
	char *cut, *out;

	if (blen + slen <= 63)
		return xasprintf("%s%s", base, suffix);
	crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)base, (uInt)blen);
	keep = slen + 9 < 63 ? 63 - slen - 9 : 1;
	cut = xstrndup(base, keep);
	while (keep > 1 && cut[keep - 1] == '-')
		cut[--keep] = '\0';
	out = xasprintf("%s-%08lx%s", cut, (unsigned long)crc, suffix);
	free(cut);
	return out;
}

/*
 * A name usable for every object: ARGOCD_APP_NAME without "<ns>_", lower
 * case, characters outside [a-z0-9-] turned into '-', at most 63 long.
 */
int am_spec_resolve_name(struct am_spec *spec, char *const *envp)
{
	const char *app = env_get(envp, "ARGOCD_APP_NAME");
	const char *us;
	char *name, *s;

	if (spec->name)
		return 0;
	if (!app || !*app)
		return am_error_set(
			AM_EINVALID,
			"%s: error: metadata.name is not set and "
			"ARGOCD_APP_NAME is empty: set metadata.name",
			spec->file);
	us = strchr(app, '_');
	if (us)
		app = us + 1;
	name = xstrdup(app);
	for (s = name; *s; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
		else if (!((*s >= 'a' && *s <= 'z') ||
			   (*s >= '0' && *s <= '9')))
			*s = '-';
	}
	while (s > name && s[-1] == '-')
		*--s = '\0';
	if (name[0] < 'a' || name[0] > 'z') {
		char *q = quoted(app);
		int ret = am_error_set(AM_EINVALID,
				       "%s: error: ARGOCD_APP_NAME %s does not "
				       "start with a letter: set metadata.name",
				       spec->file, q);

		free(q);
		free(name);
		return ret;
	}
	spec->name = am_name_join(name, "");
	free(name);
	return 0;
}

int am_spec_apply_env(struct am_spec *spec, char *const *envp)
{
	struct override o[] = {
		{"image", "IMAGE", NULL, NULL},
		{"migration-image", "MIGRATION_IMAGE", NULL, NULL},
		{"replicas", "REPLICAS", NULL, NULL},
	};
	const char *rev = env_get(envp, "ARGOCD_APP_REVISION");
	json_t *params = NULL;
	size_t i;
	int ret;

	if ((ret = load_params(&params, envp)))
		return ret;
	for (i = 0; i < AM_ARRAY_SIZE(o) && !ret; i++)
		ret = resolve(&o[i], params, envp);
	if (!ret)
		ret = apply_image(&o[0], &spec->app.image);
	if (!ret)
		ret = apply_image(&o[1], &spec->migration.image);
	if (!ret && o[2].value) {
		const char *why =
			am_spec_check_replicas(o[2].value, &spec->app.replicas);

		if (why) {
			char *q = quoted(o[2].value);

			ret = am_error_set(AM_EINVALID,
					   "argomig: %s: replicas %s (got %s)",
					   o[2].source, why, q);
			free(q);
		}
	}
	if (!ret) {
		free(spec->revision);
		spec->revision = xstrdup(rev && *rev ? rev : "unknown");
	}
	for (i = 0; i < AM_ARRAY_SIZE(o); i++) {
		free(o[i].value);
		free(o[i].source);
	}
	json_decref(params);
	return ret;
}
