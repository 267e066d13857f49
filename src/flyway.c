/* SPDX-License-Identifier: MIT */
/*
 * flyway.c - Flyway's rules for migration file names, version order,
 * script configuration files and checksums (reference/sql.md §5).
 *
 * Everything here mirrors Flyway's own code (ResourceNameParser,
 * MigrationVersion, ChecksumCalculator, SqlScriptMetadata) with the
 * default configuration: prefixes V, U, B, R and the callback event
 * names, separator "__", suffix ".sql". It does not decide which runner
 * a file belongs to and it does not look at SQL: that is sqlfile.c.
 *
 * One deliberate difference: Flyway refuses to checksum a file that is
 * not valid in its configured encoding (UTF-8 by default). Here invalid
 * UTF-8 is hashed byte for byte, so a checksum always exists; for valid
 * UTF-8, which is what Flyway can run, the result is Flyway's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "err.h"
#include "flyway.h"
#include "util.h"

#define FLYWAY_SEPARATOR  "__"
#define FLYWAY_SUFFIX	  ".sql"
#define FLYWAY_CONF_LIMIT (1024 * 1024)

struct prefix {
	const char *text;
	enum am_flyway_kind kind;
};

/*
 * Flyway's prefixes (Event.java for the callbacks). Flyway tries the
 * longest prefix first; prefix_find() does the same over this table.
 */
static const struct prefix prefixes[] = {
	{"V", AM_FLYWAY_VERSIONED},
	{"U", AM_FLYWAY_UNDO},
	{"B", AM_FLYWAY_BASELINE},
	{"R", AM_FLYWAY_REPEATABLE},
	{"beforeClean", AM_FLYWAY_CALLBACK},
	{"afterClean", AM_FLYWAY_CALLBACK},
	{"afterCleanError", AM_FLYWAY_CALLBACK},
	{"beforeMigrate", AM_FLYWAY_CALLBACK},
	{"beforeEachMigrate", AM_FLYWAY_CALLBACK},
	{"beforeEachMigrateStatement", AM_FLYWAY_CALLBACK},
	{"afterEachMigrateStatement", AM_FLYWAY_CALLBACK},
	{"afterEachMigrateStatementError", AM_FLYWAY_CALLBACK},
	{"afterEachMigrate", AM_FLYWAY_CALLBACK},
	{"afterEachMigrateError", AM_FLYWAY_CALLBACK},
	{"beforeRepeatables", AM_FLYWAY_CALLBACK},
	{"afterVersioned", AM_FLYWAY_CALLBACK},
	{"afterMigrate", AM_FLYWAY_CALLBACK},
	{"afterMigrateApplied", AM_FLYWAY_CALLBACK},
	{"afterMigrateError", AM_FLYWAY_CALLBACK},
	{"beforeUndo", AM_FLYWAY_CALLBACK},
	{"beforeEachUndo", AM_FLYWAY_CALLBACK},
	{"beforeEachUndoStatement", AM_FLYWAY_CALLBACK},
	{"afterEachUndoStatement", AM_FLYWAY_CALLBACK},
	{"afterEachUndoStatementError", AM_FLYWAY_CALLBACK},
	{"afterEachUndo", AM_FLYWAY_CALLBACK},
	{"afterEachUndoError", AM_FLYWAY_CALLBACK},
	{"afterUndo", AM_FLYWAY_CALLBACK},
	{"afterUndoError", AM_FLYWAY_CALLBACK},
	{"beforeValidate", AM_FLYWAY_CALLBACK},
	{"afterValidate", AM_FLYWAY_CALLBACK},
	{"afterValidateError", AM_FLYWAY_CALLBACK},
	{"beforeBaseline", AM_FLYWAY_CALLBACK},
	{"afterBaseline", AM_FLYWAY_CALLBACK},
	{"afterBaselineError", AM_FLYWAY_CALLBACK},
	{"beforeRepair", AM_FLYWAY_CALLBACK},
	{"afterRepair", AM_FLYWAY_CALLBACK},
	{"afterRepairError", AM_FLYWAY_CALLBACK},
	{"beforeInfo", AM_FLYWAY_CALLBACK},
	{"afterInfo", AM_FLYWAY_CALLBACK},
	{"afterInfoError", AM_FLYWAY_CALLBACK},
	{"afterMigrateOperationFinish", AM_FLYWAY_CALLBACK},
	{"afterInfoOperationFinish", AM_FLYWAY_CALLBACK},
	{"createSchema", AM_FLYWAY_CALLBACK},
};

/* The longest prefix 'name' starts with, or NULL (ResourceNameParser). */
static const struct prefix *prefix_find(const char *name, size_t len)
{
	const struct prefix *best = NULL;
	size_t i, best_len = 0;

	for (i = 0; i < AM_ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i].text);

		if (n <= len && n > best_len &&
		    !strncmp(name, prefixes[i].text, n)) {
			best = &prefixes[i];
			best_len = n;
		}
	}
	return best;
}

/*
 * A version MigrationVersion accepts: digits, parts separated by '.' or
 * '_' (each part a BigInteger, the separator followed by a digit).
 */
static bool version_valid(const char *v, size_t len)
{
	size_t i;
	bool digit = false;

	for (i = 0; i < len; i++) {
		if (v[i] >= '0' && v[i] <= '9') {
			digit = true;
		} else if ((v[i] == '.' || v[i] == '_') && digit) {
			digit = false;
		} else {
			return false;
		}
	}
	return digit;
}

int am_flyway_parse_name(struct am_flyway_name *out, const char *filename)
{
	size_t len = strlen(filename), sl = strlen(FLYWAY_SUFFIX);
	const struct prefix *p;
	const char *rest, *sep, *desc;
	size_t rest_len, vlen, i;
	char *d;

	memset(out, 0, sizeof(*out));
	if (len < sl || strcasecmp(filename + len - sl, FLYWAY_SUFFIX))
		return 0;
	len -= sl;
	p = prefix_find(filename, len);
	if (!p)
		return 0;
	rest = filename + strlen(p->text);
	rest_len = len - strlen(p->text);
	sep = NULL;
	for (i = 0; i + 1 < rest_len; i++) {
		if (rest[i] == '_' && rest[i + 1] == '_') {
			sep = rest + i;
			break;
		}
	}
	/* No separator: everything is the version, the description is "". */
	vlen = sep ? (size_t)(sep - rest) : rest_len;
	desc = sep ? sep + strlen(FLYWAY_SEPARATOR) : rest + rest_len;

	if (p->kind == AM_FLYWAY_REPEATABLE || p->kind == AM_FLYWAY_CALLBACK) {
		if (vlen)
			return 0;
	} else {
		if (!version_valid(rest, vlen))
			return 0;
		out->version = xstrndup(rest, vlen);
		for (d = out->version; *d; d++)
			if (*d == '_')
				*d = '.';
	}
	out->description = xstrndup(desc, (size_t)(filename + len - desc));
	for (d = out->description; *d; d++)
		if (*d == '_')
			*d = ' ';
	out->kind = p->kind;
	return 0;
}

void am_flyway_name_release(struct am_flyway_name *n)
{
	if (!n)
		return;
	free(n->version);
	free(n->description);
	n->version = n->description = NULL;
	n->kind = AM_FLYWAY_INVALID;
}

/* The next numeric part of *v: its digits without leading zeros. */
static void version_part(const char **v, const char **start, size_t *len)
{
	const char *p = *v;

	while (*p == '0' && p[1] >= '0' && p[1] <= '9')
		p++;
	*start = p;
	while (*p >= '0' && *p <= '9')
		p++;
	*len = (size_t)(p - *start);
	if (*p == '.' || *p == '_')
		p++;
	*v = p;
}

int am_flyway_version_cmp(const char *a, const char *b)
{
	static const char zero[] = "0";

	while (*a || *b) {
		const char *pa = zero, *pb = zero;
		size_t la = 1, lb = 1;
		int c;

		if (*a)
			version_part(&a, &pa, &la);
		if (*b)
			version_part(&b, &pb, &lb);
		if (la != lb)
			return la < lb ? -1 : 1;
		c = memcmp(pa, pb, la);
		if (c)
			return c < 0 ? -1 : 1;
	}
	return 0;
}

int32_t am_flyway_checksum(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	const unsigned char *end = p + len;
	uLong crc = crc32(0L, Z_NULL, 0);

	/* BomFilter: a U+FEFF at the start of the first line. */
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	/*
	 * Each line without its terminator, one after the other: the same as
	 * the bytes with every \r and \n left out.
	 */
	while (p < end) {
		const unsigned char *q = p;

		while (q < end && *q != '\n' && *q != '\r' && q - p < (1 << 30))
			q++;
		if (q > p)
			crc = crc32(crc, p, (uInt)(q - p));
		p = q;
		while (p < end && (*p == '\n' || *p == '\r'))
			p++;
	}
	return (int32_t)(uint32_t)crc;
}

static int conf_bool(bool *out, const char *path, int line, const char *key,
		     const char *value)
{
	if (!strcmp(value, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(value, "false")) {
		*out = false;
		return 0;
	}
	return am_error_set(AM_EINVALID,
			    "'%s': line %d: invalid value for %s (should be "
			    "either true or false): '%s'",
			    path, line, key, value);
}

/*
 * One properties line (java.util.Properties, as Flyway's ConfigUtils
 * loads it): the key ends at '=', ':' or a blank; the value runs to the
 * end of the line with only its leading blanks removed.
 */
static int conf_line(struct am_flyway_conf *out, const char *path, int line,
		     char *s)
{
	char *key, *value;

	while (*s == ' ' || *s == '\t' || *s == '\f')
		s++;
	if (!*s || *s == '#' || *s == '!')
		return 0;
	key = s;
	while (*s && *s != '=' && *s != ':' && *s != ' ' && *s != '\t' &&
	       *s != '\f')
		s++;
	value = s;
	while (*value == ' ' || *value == '\t' || *value == '\f')
		value++;
	if (*value == '=' || *value == ':')
		value++;
	while (*value == ' ' || *value == '\t' || *value == '\f')
		value++;
	*s = '\0';

	if (!strcmp(key, "executeInTransaction")) {
		out->has_execute_in_transaction = true;
		return conf_bool(&out->execute_in_transaction, path, line, key,
				 value);
	}
	/*
	 * Accepted and not needed here: placeholderReplacement is read with
	 * Boolean.parseBoolean (any value is valid), encoding names a Java
	 * charset, shouldExecute is an expression (Flyway Teams).
	 */
	if (!strcmp(key, "placeholderReplacement") ||
	    !strcmp(key, "encoding") || !strcmp(key, "shouldExecute"))
		return 0;
	return am_error_set(AM_EINVALID,
			    "'%s': line %d: unknown script configuration key "
			    "'%s' (flyway accepts executeInTransaction, "
			    "encoding, placeholderReplacement, shouldExecute)",
			    path, line, key);
}

int am_flyway_conf_read(struct am_flyway_conf *out, const char *sql_path)
{
	struct am_flyway_conf conf = {0};
	char *path = xasprintf("%s.conf", sql_path);
	char *data = NULL, *s, *nl;
	size_t len;
	int line = 0, rc;

	memset(out, 0, sizeof(*out));
	if (access(path, F_OK) && errno == ENOENT) {
		free(path);
		return 0;
	}
	rc = am_read_file(&data, &len, path, FLYWAY_CONF_LIMIT);
	if (rc < 0)
		goto out;
	if (memchr(data, '\0', len)) {
		rc = am_error_set(AM_EPARSE, "'%s': contains a NUL byte", path);
		goto out;
	}
	for (s = data; *s; s = nl) {
		nl = s + strcspn(s, "\r\n");
		if (*nl == '\r' && nl[1] == '\n')
			*nl++ = '\0';
		if (*nl)
			*nl++ = '\0';
		line++;
		rc = conf_line(&conf, path, line, s);
		if (rc < 0)
			goto out;
	}
	*out = conf;
	rc = 0;
out:
	free(data);
	free(path);
	return rc;
}
