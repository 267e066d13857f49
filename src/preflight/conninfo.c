/* SPDX-License-Identifier: MIT */
/*
 * conninfo.c - keyword/value lists and the pgJDBC URL to libpq mapping.
 *
 * The mapping table is reference/preflight.md §3.6 (pgjdbc PGProperty):
 * a property with a libpq twin is renamed, ssl=true without sslmode
 * becomes verify-full (pgJDBC's meaning, stricter than libpq's own
 * translation to require), currentSchema becomes a search_path option,
 * properties that only steer the Java driver are ignored, and anything
 * else is reported as dropped. This file neither connects nor prints;
 * error messages never quote a value from the URL.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "preflight/conninfo.h"
#include "util.h"

void am_kvlist_release(struct am_kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].val);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

void am_kvlist_add(struct am_kvlist *l, const char *key, const char *val)
{
	AM_GROW(l->items, l->alloc, l->n + 1);
	l->items[l->n].key = xstrdup(key);
	l->items[l->n].val = xstrdup(val);
	l->n++;
}

void am_kvlist_set(struct am_kvlist *l, const char *key, const char *val)
{
	size_t i;

	for (i = l->n; i > 0; i--) {
		if (!strcmp(l->items[i - 1].key, key)) {
			free(l->items[i - 1].val);
			l->items[i - 1].val = xstrdup(val);
			return;
		}
	}
	am_kvlist_add(l, key, val);
}

const char *am_kvlist_get(const struct am_kvlist *l, const char *key)
{
	size_t i;

	for (i = l->n; i > 0; i--)
		if (!strcmp(l->items[i - 1].key, key))
			return l->items[i - 1].val;
	return NULL;
}

void am_kvlist_remove(struct am_kvlist *l, const char *key)
{
	size_t i, j;

	for (i = j = 0; i < l->n; i++) {
		if (!strcmp(l->items[i].key, key)) {
			free(l->items[i].key);
			free(l->items[i].val);
			continue;
		}
		l->items[j++] = l->items[i];
	}
	l->n = j;
}

void am_conninfo_options_add_c(char **options, const char *name,
			       const char *value)
{
	struct am_buf b = AM_BUF_INIT;
	const char *p;

	if (*options && **options) {
		am_buf_adds(&b, *options);
		am_buf_addch(&b, ' ');
	}
	am_buf_adds(&b, "-c ");
	am_buf_adds(&b, name);
	am_buf_addch(&b, '=');
	for (p = value; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\\')
			am_buf_addch(&b, '\\');
		am_buf_addch(&b, *p);
	}
	free(*options);
	*options = am_buf_detach(&b);
}

/* pgJDBC properties with a libpq keyword of the same meaning. */
static const struct {
	const char *jdbc;
	const char *libpq;
} renamed[] = {
	{ "ApplicationName", "application_name" },
	{ "channelBinding", "channel_binding" },
	{ "connectTimeout", "connect_timeout" },
	{ "gssEncMode", "gssencmode" },
	{ "password", "password" },
	{ "requireAuth", "require_auth" },
	{ "service", "service" },
	{ "sslNegotiation", "sslnegotiation" },
	{ "sslcert", "sslcert" },
	{ "sslkey", "sslkey" },
	{ "sslmode", "sslmode" },
	{ "sslpassword", "sslpassword" },
	{ "sslrootcert", "sslrootcert" },
	{ "user", "user" },
};

/* Properties that only change the Java driver's behaviour. */
static const char *const driver_only[] = {
	"adaptiveFetch", "adaptiveFetchMaximum", "adaptiveFetchMinimum",
	"allowEncodingChanges", "assumeMinServerVersion",
	"authenticationPluginClassName", "autosave", "binaryTransfer",
	"binaryTransferDisable", "binaryTransferEnable", "cancelSignalTimeout",
	"cleanupSavepoints", "databaseMetadataCacheFields",
	"databaseMetadataCacheFieldsMiB", "defaultRowFetchSize",
	"disableColumnSanitiser", "escapeSyntaxCallMode",
	"groupStartupParameters", "gsslib", "hideUnprivilegedObjects",
	"hostRecheckSeconds", "jaasApplicationName", "jaasLogin",
	"kerberosServerName", "localSocketAddress", "logServerErrorDetail",
	"logUnclosedConnections", "loggerFile", "loggerLevel",
	"maxResultBuffer", "preferQueryMode", "prepareThreshold",
	"preparedStatementCacheQueries", "preparedStatementCacheSizeMiB",
	"quoteReturningIdentifiers", "reWriteBatchedInserts", "readOnly",
	"readOnlyMode", "receiveBufferSize", "sendBufferSize",
	"socketFactory", "socketFactoryArg", "sslfactory", "sslfactoryarg",
	"sslhostnameverifier", "sslpasswordcallback", "sspiServiceClass",
	"stringtype", "tcpNoDelay", "unknownLength", "useSpnego",
	"xmlFactoryFactory",
};

static const char *const sslmodes[] = {
	"disable", "allow", "prefer", "require", "verify-ca", "verify-full",
};

/* java.net.URLDecoder: %XX and '+' as a space. NULL on a bad escape. */
static char *url_decode(const char *s, size_t len)
{
	struct am_buf b = AM_BUF_INIT;
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			am_buf_addch(&b, ' ');
		} else if (s[i] == '%') {
			if (i + 2 >= len)
				goto bad;
			hi = am_hexval((unsigned char)s[i + 1]);
			lo = am_hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			am_buf_addch(&b, hi * 16 + lo);
			i += 2;
		} else {
			am_buf_addch(&b, s[i]);
		}
	}
	if (memchr(b.buf, '\0', b.len))
		goto bad;
	return am_buf_detach(&b);
bad:
	am_buf_release(&b);
	return NULL;
}

static bool valid_port(const char *s, size_t len)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* "h1:5432,[::1]:5433,h3" -> host=h1,::1,h3 port=5432,5433,5432 */
static int parse_hosts(const char *s, size_t len, struct am_kvlist *out)
{
	struct am_buf hosts = AM_BUF_INIT, ports = AM_BUF_INIT;
	size_t i = 0, end, hlen;
	const char *h, *colon, *port;
	size_t plen;
	int err = 0;

	while (i <= len) {
		end = i;
		while (end < len && s[end] != ',')
			end++;
		h = s + i;
		hlen = end - i;
		port = NULL;
		plen = 0;
		if (memchr(h, '@', hlen)) {
			err = am_error_set(AM_EPARSE,
					   "FLYWAY_URL: pgJDBC URLs take no user or password before the host; use ?user=...&password=... or FLYWAY_USER and FLYWAY_PASSWORD");
			goto out;
		}
		if (hlen && h[0] == '[') {
			const char *rb = memchr(h, ']', hlen);

			if (!rb) {
				err = am_error_set(AM_EPARSE,
						   "FLYWAY_URL: unclosed '[' in the host list");
				goto out;
			}
			if (rb + 1 < h + hlen) {
				if (rb[1] != ':') {
					err = am_error_set(AM_EPARSE,
							   "FLYWAY_URL: unexpected text after ']' in the host list");
					goto out;
				}
				port = rb + 2;
				plen = (size_t)(h + hlen - port);
			}
			h++;
			hlen = (size_t)(rb - h);
		} else {
			colon = memchr(h, ':', hlen);
			if (colon) {
				port = colon + 1;
				plen = (size_t)(h + hlen - port);
				hlen = (size_t)(colon - h);
			}
		}
		if (port && !valid_port(port, plen)) {
			err = am_error_set(AM_EPARSE,
					   "FLYWAY_URL: the port must be a number from 1 to 65535");
			goto out;
		}
		if (hosts.len) {
			am_buf_addch(&hosts, ',');
			am_buf_addch(&ports, ',');
		}
		if (hlen)
			am_buf_add(&hosts, h, hlen);
		else
			am_buf_adds(&hosts, "localhost");
		if (port)
			am_buf_add(&ports, port, plen);
		else
			am_buf_adds(&ports, "5432");
		i = end + 1;
	}
	am_kvlist_set(out, "host", hosts.buf);
	am_kvlist_set(out, "port", ports.buf);
out:
	am_buf_release(&hosts);
	am_buf_release(&ports);
	return err;
}

struct jdbc_state {
	struct am_kvlist *out, *dropped, *ignored;
	char *options;		/* combined options and currentSchema */
	char *ssl;		/* value of 'ssl', if given */
};

static int map_property(struct jdbc_state *st, const char *key,
			const char *val)
{
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(renamed); i++) {
		if (strcmp(renamed[i].jdbc, key))
			continue;
		if (!strcmp(key, "sslmode") &&
		    !am_str_in(sslmodes, AM_ARRAY_SIZE(sslmodes), val))
			return am_error_set(AM_EPARSE,
					    "FLYWAY_URL: sslmode must be disable, allow, prefer, require, verify-ca or verify-full");
		am_kvlist_set(st->out, renamed[i].libpq, val);
		return 0;
	}
	if (!strcmp(key, "ssl")) {
		free(st->ssl);
		st->ssl = xstrdup(val);
		if (*val && strcasecmp(val, "true") && strcasecmp(val, "false"))
			return am_error_set(AM_EPARSE,
					    "FLYWAY_URL: ssl must be true or false");
		return 0;
	}
	if (!strcmp(key, "options")) {
		if (st->options && *st->options) {
			char *s = xasprintf("%s %s", st->options, val);

			free(st->options);
			st->options = s;
		} else {
			free(st->options);
			st->options = xstrdup(val);
		}
		return 0;
	}
	if (!strcmp(key, "currentSchema")) {
		am_conninfo_options_add_c(&st->options, "search_path", val);
		return 0;
	}
	if (!strcmp(key, "targetServerType")) {
		const char *v = NULL;

		if (!strcmp(val, "any"))
			v = "any";
		else if (!strcmp(val, "primary") || !strcmp(val, "master"))
			v = "primary";
		else if (!strcmp(val, "secondary") || !strcmp(val, "slave"))
			v = "standby";
		else if (!strcmp(val, "preferSecondary") ||
			 !strcmp(val, "preferSlave"))
			v = "prefer-standby";
		else if (!strcmp(val, "preferPrimary")) {
			am_kvlist_add(st->dropped, key,
				      "targetServerType=preferPrimary has no libpq equivalent");
			return 0;
		} else {
			return am_error_set(AM_EPARSE,
					    "FLYWAY_URL: unknown targetServerType");
		}
		am_kvlist_set(st->out, "target_session_attrs", v);
		return 0;
	}
	if (!strcmp(key, "loadBalanceHosts")) {
		if (!strcasecmp(val, "true"))
			am_kvlist_set(st->out, "load_balance_hosts", "random");
		return 0;
	}
	if (!strcmp(key, "tcpKeepAlive")) {
		am_kvlist_set(st->out, "keepalives",
			      strcasecmp(val, "true") ? "0" : "1");
		return 0;
	}
	if (!strcmp(key, "loginTimeout") || !strcmp(key, "socketTimeout")) {
		am_kvlist_add(st->dropped, key,
			      "no libpq equivalent; the preflight uses connect_timeout and its own statement_timeout");
		return 0;
	}
	if (am_str_in(driver_only, AM_ARRAY_SIZE(driver_only), key)) {
		am_kvlist_add(st->ignored, key, "changes only the JDBC driver");
		return 0;
	}
	am_kvlist_add(st->dropped, key, "not a pgJDBC property libpq knows");
	return 0;
}

static int parse_query(struct jdbc_state *st, const char *q)
{
	const char *seg = q, *amp, *eq;
	size_t len;
	char *key = NULL, *val = NULL;
	int err = 0;

	while (*seg) {
		amp = strchr(seg, '&');
		len = amp ? (size_t)(amp - seg) : strlen(seg);
		if (len) {
			eq = memchr(seg, '=', len);
			key = url_decode(seg, eq ? (size_t)(eq - seg) : len);
			if (!key) {
				err = am_error_set(AM_EPARSE,
						   "FLYWAY_URL: invalid percent-encoding in a parameter name");
				goto out;
			}
			val = eq ? url_decode(eq + 1, len - (size_t)(eq + 1 - seg))
				 : xstrdup("");
			if (!val) {
				err = am_error_set(AM_EPARSE,
						   "FLYWAY_URL: invalid percent-encoding in the value of '%s'",
						   key);
				goto out;
			}
			if (*key) {
				err = map_property(st, key, val);
				if (err)
					goto out;
			}
			free(key);
			free(val);
			key = val = NULL;
		}
		if (!amp)
			break;
		seg = amp + 1;
	}
out:
	free(key);
	free(val);
	return err;
}

int am_jdbc_convert(const char *url, struct am_kvlist *out,
		    struct am_kvlist *dropped, struct am_kvlist *ignored)
{
	static const char prefix[] = "jdbc:postgresql:";
	struct jdbc_state st = { out, dropped, ignored, NULL, NULL };
	const char *rest, *q, *slash, *path_end;
	char *path = NULL, *db = NULL;
	int err = 0;

	if (!am_starts_with(url, prefix))
		return am_error_set(AM_EPARSE,
				    "FLYWAY_URL must start with 'jdbc:postgresql:'");
	if (strpbrk(url, " \t\r\n#"))
		return am_error_set(AM_EPARSE,
				    "FLYWAY_URL contains a space, newline or '#'");
	rest = url + strlen(prefix);
	q = strchr(rest, '?');
	path_end = q ? q : rest + strlen(rest);
	if (am_starts_with(rest, "//")) {
		rest += 2;
		slash = memchr(rest, '/', (size_t)(path_end - rest));
		if (!slash)
			return am_error_set(AM_EPARSE,
					    "FLYWAY_URL: expected '/' and a database name after the host");
		err = parse_hosts(rest, (size_t)(slash - rest), out);
		if (err)
			return err;
		rest = slash + 1;
	} else {
		am_kvlist_set(out, "host", "localhost");
		am_kvlist_set(out, "port", "5432");
		if (*rest == '/')
			rest++;
	}
	path = xstrndup(rest, (size_t)(path_end - rest));
	db = url_decode(path, strlen(path));
	if (!db) {
		err = am_error_set(AM_EPARSE,
				   "FLYWAY_URL: invalid percent-encoding in the database name");
		goto out;
	}
	if (*db)
		am_kvlist_set(out, "dbname", db);
	if (q) {
		err = parse_query(&st, q + 1);
		if (err)
			goto out;
	}
	if (st.options)
		am_kvlist_set(out, "options", st.options);
	if (st.ssl && !am_kvlist_get(out, "sslmode") &&
	    (!*st.ssl || !strcasecmp(st.ssl, "true")))
		am_kvlist_set(out, "sslmode", "verify-full");
out:
	free(path);
	free(db);
	free(st.options);
	free(st.ssl);
	return err;
}
