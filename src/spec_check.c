/* SPDX-License-Identifier: MIT */
/*
 * spec_check.c - what a valid value of argomig.yaml looks like: image
 * references, replica counts, Kubernetes names, env var names, resource
 * quantities. Pure predicates over strings, shared by spec.c (values
 * from the file) and spec_env.c (overrides from the environment); they
 * say nothing about where a value came from.
 */
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "spec_node.h"
#include "util.h"

const char *am_spec_check_image(const char *image)
{
	const char *slash, *colon, *s;

	if (!*image)
		return "must not be empty";
	for (s = image; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r')
			return "must be one line";
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("._-/:@", c)))
			return "must be an image reference such as "
			       "\"ghcr.io/acme/orders:1.4.2\"";
	}
	if (strlen(image) > 512)
		return "is too long for an image reference";
	if (strchr(image, '@'))
		return NULL;
	slash = strrchr(image, '/');
	colon = strrchr(slash ? slash : image, ':');
	if (!colon || !colon[1])
		return "must be pinned to a tag or digest (\"name:1.4.2\" or "
		       "\"name@sha256:...\")";
	if (!strcmp(colon + 1, "latest"))
		return "must be pinned: \"latest\" changes under you; use a "
		       "version tag or a digest";
	return NULL;
}

const char *am_spec_check_replicas(const char *text, long *out)
{
	long v = 0;
	const char *s = text;

	if (!*s)
		return "must be a whole number from 1 to 1000";
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return "must be a whole number from 1 to 1000";
		v = v * 10 + (*s - '0');
		if (v > 1000)
			return "must be a whole number from 1 to 1000";
	}
	if (v < 1)
		return "must be a whole number from 1 to 1000";
	*out = v;
	return NULL;
}

/* DNS-1035 label: what a Service name must be. */
bool am_spec_is_dns_label(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 63 || s[0] < 'a' || s[0] > 'z' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* A Kubernetes object name (DNS-1123 subdomain), for Secret names. */
bool am_spec_is_dns_subdomain(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
		if ((i == 0 || i == n - 1) && (c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* An env var name as every Kubernetes version accepts it. */
bool am_spec_is_env_name(const char *s)
{
	size_t i;

	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("-._", s[i])))
			return false;
	return true;
}

/* Env names that hardcoded-credential treats as secrets. */
bool am_spec_is_secret_name(const char *name)
{
	static const char *const words[] = {"PASSWORD", "PASSWD", "PWD",
					    "SECRET",	"TOKEN",  "API_KEY"};
	char *up = xstrdup(name), *s;
	bool ret = false;
	size_t i;

	for (s = up; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s -= 'a' - 'A';
	for (i = 0; i < AM_ARRAY_SIZE(words); i++)
		if (strstr(up, words[i]))
			ret = true;
	free(up);
	return ret;
}

/* A resource quantity: "100m", "128Mi", "1.5", "2e3", or a number. */
bool am_spec_is_quantity(const char *s)
{
	bool digits = false;

	if (*s == '+' || *s == '-')
		s++;
	while (*s >= '0' && *s <= '9')
		s++, digits = true;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9')
			s++, digits = true;
	}
	if (!digits)
		return false;
	if (!*s)
		return true;
	if ((*s == 'e' || *s == 'E') && s[1]) {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!*s)
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		return !*s;
	}
	if (strchr("KMGTPE", *s) && s[1] == 'i' && !s[2])
		return true;
	return strchr("numkMGTPE", *s) && !s[1];
}
