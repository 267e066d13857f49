/* SPDX-License-Identifier: MIT */
/*
 * main.c - argomig-preflight's entry point: options and environment,
 * the run, and every byte the program writes (the report on stderr, the
 * JSON document on stdout, the termination message), each passed through
 * the password scrubber first. It alone chooses the exit status:
 * 0 go, 3 no-go (needs a person), 4 configuration error, 75 not now.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"
#include "preflight/preflight.h"
#include "revision.h" /* generated: AM_REVISION, see tools/revision.sh */
#include "util.h"

#ifndef AM_VERSION
#error "AM_VERSION is set by the Makefile"
#endif

#define TERMINATION_LOG "/dev/termination-log"
#define TERMINATION_MAX 4096	/* the kubelet truncates longer messages */

static const char usage[] =
	"usage: argomig-preflight [--tool flyway|golang-migrate|liquibase|none]\n"
	"                         [--migrations DIR] [--wait DURATION] [--format text|json]\n"
	"                         [--stamp --app-version VERSION] [options]\n"
	"\n"
	"Go / no-go checks on the live PostgreSQL before a migration starts:\n"
	"reachable, writable primary, migration history intact, files unchanged,\n"
	"no lock queue or old transaction on the tables the pending migrations\n"
	"touch, no other migration running. Retryable conditions are checked\n"
	"again until --wait runs out.\n"
	"\n"
	"Connection, first found wins: DATABASE_URL (libpq URI or key=value\n"
	"string); FLYWAY_URL (JDBC URL) with FLYWAY_USER and FLYWAY_PASSWORD;\n"
	"the PG* variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD,\n"
	"PGPASSFILE, PGSSLMODE, ...). Passwords never appear in any output.\n"
	"\n"
	"Options:\n"
	"  --tool TOOL              flyway (default), golang-migrate, liquibase or none\n"
	"  --migrations DIR         migration files: pending list, checksums, target tables\n"
	"  --schema NAME            schema of the history table (default: FLYWAY_DEFAULT_SCHEMA,\n"
	"                           the first of FLYWAY_SCHEMAS, else the role's current schema)\n"
	"  --table NAME             history table (default: FLYWAY_TABLE or flyway_schema_history,\n"
	"                           schema_migrations, databasechangelog)\n"
	"  --wait DURATION          keep re-checking retryable conditions this long (default 60s)\n"
	"  --interval DURATION      pause between passes (default 5s)\n"
	"  --connect-timeout SECS   per connection attempt (default: connect_timeout in the\n"
	"                           settings, PGCONNECT_TIMEOUT, else 5)\n"
	"  --format text|json       json: also print the report as JSON on stdout\n"
	"  --stamp                  on a go verdict, add a row to schema_deployment_log\n"
	"  --app-version VERSION    version being deployed (default: ARGOMIG_APP_VERSION)\n"
	"  --deployed-by NAME       deployed_by of the stamp (default: the database role)\n"
	"  --termination-log PATH   where the one-paragraph verdict goes, if that file exists\n"
	"                           (default: ARGOMIG_TERMINATION_LOG, else /dev/termination-log)\n"
	"\n"
	"Thresholds (check: default):\n"
	"  --lock-wait SECS         L01: a session waits for a target's lock longer (5)\n"
	"  --xact-age SECS          L02: a conflicting lock's transaction is older (30)\n"
	"  --long-xact SECS         L03: warn about transactions older than this (60)\n"
	"  --idle-xact SECS         L04: warn about sessions idle in transaction (60)\n"
	"  --lag-warn SECS          R01: warn about replay lag above this (10)\n"
	"  --lag-max SECS           R01: retry while replay lag is above this (60)\n"
	"  --lag-max-bytes BYTES    R01: retry while replay lag is above this (1GiB)\n"
	"  --min-free-connections N R03: retry with fewer free connections (5, at least 10%)\n"
	"  --large-table-rows N     R04: warn when a rewritten/scanned table has more (10000000)\n"
	"  --large-table-bytes BYTES R04: ... or is larger (10GiB)\n"
	"  --stale-lock SECS        S03: a Liquibase lock older than this is stale (600)\n"
	"\n"
	"Durations: 90, 90s, 2m or 1h. Sizes: 1048576, 512MiB, 1GiB, 10GB.\n"
	"Exit status: 0 go, 3 no-go (needs a person), 4 configuration error,\n"
	"75 no-go for now (retryable; Kubernetes podFailurePolicy: Count).\n";

enum {
	OPT_TOOL = 256, OPT_MIGRATIONS, OPT_SCHEMA, OPT_TABLE, OPT_WAIT,
	OPT_INTERVAL, OPT_CONNECT_TIMEOUT, OPT_FORMAT, OPT_STAMP,
	OPT_APP_VERSION, OPT_DEPLOYED_BY, OPT_TERMLOG, OPT_LOCK_WAIT,
	OPT_XACT_AGE, OPT_LONG_XACT, OPT_IDLE_XACT, OPT_LAG_WARN, OPT_LAG_MAX,
	OPT_LAG_MAX_BYTES, OPT_MIN_FREE, OPT_LARGE_ROWS, OPT_LARGE_BYTES,
	OPT_STALE_LOCK,
};

static const struct option longopts[] = {
	{ "app-version", required_argument, NULL, OPT_APP_VERSION },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "deployed-by", required_argument, NULL, OPT_DEPLOYED_BY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "idle-xact", required_argument, NULL, OPT_IDLE_XACT },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "lag-max", required_argument, NULL, OPT_LAG_MAX },
	{ "lag-max-bytes", required_argument, NULL, OPT_LAG_MAX_BYTES },
	{ "lag-warn", required_argument, NULL, OPT_LAG_WARN },
	{ "large-table-bytes", required_argument, NULL, OPT_LARGE_BYTES },
	{ "large-table-rows", required_argument, NULL, OPT_LARGE_ROWS },
	{ "lock-wait", required_argument, NULL, OPT_LOCK_WAIT },
	{ "long-xact", required_argument, NULL, OPT_LONG_XACT },
	{ "migrations", required_argument, NULL, OPT_MIGRATIONS },
	{ "min-free-connections", required_argument, NULL, OPT_MIN_FREE },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "stale-lock", required_argument, NULL, OPT_STALE_LOCK },
	{ "stamp", no_argument, NULL, OPT_STAMP },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "termination-log", required_argument, NULL, OPT_TERMLOG },
	{ "tool", required_argument, NULL, OPT_TOOL },
	{ "version", no_argument, NULL, 'V' },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "xact-age", required_argument, NULL, OPT_XACT_AGE },
	{ NULL, 0, NULL, 0 },
};

static struct am_scrub secrets = AM_SCRUB_INIT;
static volatile sig_atomic_t stop_flag;
static const char *termination_log;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* Every line leaves through here, scrubbed. */
static void emit(FILE *fp, const char *text)
{
	char *s = am_scrub(&secrets, text);

	fputs(s, fp);
	free(s);
}

static void emit_line(FILE *fp, const char *prefix, const char *text)
{
	char *line = xasprintf("%s%s\n", prefix, text);

	emit(fp, line);
	free(line);
}

static void write_termination(const char *text)
{
	char *s;
	int fd;
	size_t len, off = 0;
	ssize_t n;

	fd = open(termination_log, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return;
	s = am_scrub(&secrets, text);
	am_pf_truncate(s, TERMINATION_MAX);
	len = strlen(s);
	while (off < len) {
		n = write(fd, s + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	free(s);
}

/* A configuration error before the run: message, termination log, 4. */
static int config_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int config_error(const char *fmt, ...)
{
	va_list ap;
	char *msg, *line;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	emit_line(stderr, "argomig-preflight: ", msg);
	emit(stderr, "See 'argomig-preflight --help'.\n");
	line = xasprintf("NO-GO (exit 4): %s", msg);
	write_termination(line);
	free(line);
	free(msg);
	return AM_PF_EXIT_CONFIG;
}

/* "90", "90s", "2m", "1h" -> seconds. */
static bool parse_duration(const char *s, long *out)
{
	char *end;
	long v, mult = 1;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v < 0)
		return false;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60;
	else if (!strcmp(end, "h"))
		mult = 3600;
	else
		return false;
	if (v > 7L * 24 * 3600 / mult)
		return false;
	*out = v * mult;
	return true;
}

/* "1048576", "512MiB", "1GiB", "10GB" (powers of 1024) -> bytes. */
static bool parse_bytes(const char *s, long long *out)
{
	static const char *const units[] = { "k", "M", "G", "T" };
	char *end;
	long long v, mult = 1;
	size_t i;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return false;
	if (*end) {
		for (i = 0; i < AM_ARRAY_SIZE(units); i++) {
			if (strncasecmp(end, units[i], 1))
				continue;
			mult = 1024LL << (10 * i);
			if (!strcmp(end + 1, "") || !strcmp(end + 1, "B") ||
			    !strcmp(end + 1, "iB"))
				break;
			return false;
		}
		if (i == AM_ARRAY_SIZE(units))
			return false;
	}
	if (v > (1LL << 62) / mult)
		return false;
	*out = v * mult;
	return true;
}

static bool parse_count(const char *s, long long *out)
{
	return parse_bytes(s, out) && !strpbrk(s, "kKmMgGtTbB");
}

static void progress_line(void *ctx, const char *line)
{
	(void)ctx;
	emit_line(stderr, "argomig-preflight: ", line);
}

static const char *opt_name(int c)
{
	size_t i;

	for (i = 0; longopts[i].name; i++)
		if (longopts[i].val == c)
			return longopts[i].name;
	return "?";
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static char *first_of_list(const char *list)
{
	size_t n = strcspn(list, ",");

	return xstrndup(list, n);
}

int main(int argc, char **argv)
{
	struct am_pf_opts o = {
		.tool = AM_PF_TOOL_FLYWAY,
		.wait_s = 60,
		.interval_s = 5,
		.connect_timeout_s = -1,
		.lim = {
			.lock_wait_s = 5,
			.xact_age_s = 30,
			.long_xact_s = 60,
			.idle_xact_s = 60,
			.lag_warn_s = 10,
			.lag_max_s = 60,
			.lag_max_bytes = 1LL << 30,
			.min_free_conns = 5,
			.large_rows = 10000000,
			.large_bytes = 10LL << 30,
			.stale_lock_s = 600,
		},
	};
	struct am_pf pf;
	struct am_pf_verdict v;
	struct sigaction sa;
	char *schema_env = NULL, *text;
	const char *format = "text";
	json_t *doc;
	long long n;
	long secs;
	int c, status;

	termination_log = env("ARGOMIG_TERMINATION_LOG") ? env("ARGOMIG_TERMINATION_LOG")
							 : TERMINATION_LOG;
	o.app_version = env("ARGOMIG_APP_VERSION");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return fflush(stdout) ? AM_PF_EXIT_INTERNAL : AM_PF_EXIT_GO;
		case 'V':
			printf("argomig-preflight %s (git %s)\n", AM_VERSION,
			       AM_REVISION);
			return fflush(stdout) ? AM_PF_EXIT_INTERNAL : AM_PF_EXIT_GO;
		case OPT_TOOL:
			if (!strcmp(optarg, "flyway"))
				o.tool = AM_PF_TOOL_FLYWAY;
			else if (!strcmp(optarg, "golang-migrate"))
				o.tool = AM_PF_TOOL_MIGRATE;
			else if (!strcmp(optarg, "liquibase"))
				o.tool = AM_PF_TOOL_LIQUIBASE;
			else if (!strcmp(optarg, "none"))
				o.tool = AM_PF_TOOL_NONE;
			else
				return config_error("--tool must be flyway, golang-migrate, liquibase or none (got '%s')",
						    optarg);
			break;
		case OPT_MIGRATIONS:
			o.migrations = optarg;
			break;
		case OPT_SCHEMA:
			o.schema = optarg;
			break;
		case OPT_TABLE:
			o.table = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return config_error("--format must be text or json (got '%s')",
						    optarg);
			format = optarg;
			break;
		case OPT_STAMP:
			o.stamp = true;
			break;
		case OPT_APP_VERSION:
			o.app_version = optarg;
			break;
		case OPT_DEPLOYED_BY:
			o.deployed_by = optarg;
			break;
		case OPT_TERMLOG:
			termination_log = optarg;
			break;
		case OPT_WAIT:
		case OPT_INTERVAL:
		case OPT_CONNECT_TIMEOUT:
		case OPT_LOCK_WAIT:
		case OPT_XACT_AGE:
		case OPT_LONG_XACT:
		case OPT_IDLE_XACT:
		case OPT_LAG_WARN:
		case OPT_LAG_MAX:
		case OPT_STALE_LOCK:
			if (!parse_duration(optarg, &secs))
				return config_error("--%s: expected a duration such as 60, 60s or 2m (got '%s')",
						    opt_name(c), optarg);
			if (c == OPT_WAIT)
				o.wait_s = secs;
			else if (c == OPT_INTERVAL)
				o.interval_s = secs ? secs : 1;
			else if (c == OPT_CONNECT_TIMEOUT)
				o.connect_timeout_s = secs;
			else if (c == OPT_LOCK_WAIT)
				o.lim.lock_wait_s = secs;
			else if (c == OPT_XACT_AGE)
				o.lim.xact_age_s = secs;
			else if (c == OPT_LONG_XACT)
				o.lim.long_xact_s = secs;
			else if (c == OPT_IDLE_XACT)
				o.lim.idle_xact_s = secs;
			else if (c == OPT_LAG_WARN)
				o.lim.lag_warn_s = secs;
			else if (c == OPT_LAG_MAX)
				o.lim.lag_max_s = secs;
			else
				o.lim.stale_lock_s = secs;
			break;
		case OPT_LAG_MAX_BYTES:
		case OPT_LARGE_BYTES:
			if (!parse_bytes(optarg, &n))
				return config_error("--%s: expected a size such as 1073741824 or 1GiB (got '%s')",
						    opt_name(c), optarg);
			if (c == OPT_LAG_MAX_BYTES)
				o.lim.lag_max_bytes = n;
			else
				o.lim.large_bytes = n;
			break;
		case OPT_MIN_FREE:
		case OPT_LARGE_ROWS:
			if (!parse_count(optarg, &n))
				return config_error("--%s: expected a number (got '%s')",
						    opt_name(c), optarg);
			if (c == OPT_MIN_FREE)
				o.lim.min_free_conns = (long)(n > 100000 ? 100000 : n);
			else
				o.lim.large_rows = n;
			break;
		case ':':
			return config_error("option '%s' needs a value",
					    argv[optind - 1]);
		default:
			return config_error("unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return config_error("unexpected argument '%s'", argv[optind]);
	if (o.stamp && (!o.app_version || !*o.app_version))
		return config_error("--stamp needs --app-version (or ARGOMIG_APP_VERSION)");
	if (o.tool == AM_PF_TOOL_FLYWAY) {
		if (!o.table)
			o.table = env("FLYWAY_TABLE");
		if (!o.schema && env("FLYWAY_DEFAULT_SCHEMA"))
			o.schema = env("FLYWAY_DEFAULT_SCHEMA");
		if (!o.schema && env("FLYWAY_SCHEMAS"))
			o.schema = schema_env = first_of_list(env("FLYWAY_SCHEMAS"));
		o.out_of_order = env("FLYWAY_OUT_OF_ORDER") &&
				 !strcasecmp(env("FLYWAY_OUT_OF_ORDER"), "true");
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	am_pf_init(&pf, &o);
	pf.progress = progress_line;
	pf.stop = &stop_flag;
	if (am_pf_configure(&pf, &secrets) == 0 &&
	    am_pf_migrations_scan(&pf) == 0)
		am_pf_run(&pf);
	else if (pf.migs_error) {
		struct am_pf_result *r = &pf.res[am_pf_check_index("S08")];

		am_pf_set(r, AM_PF_CONFIG, "%s", pf.migs_error);
		am_pf_action(r, "point --migrations at the directory that holds the migration files");
	}

	am_pf_verdict(&pf, &v);
	text = am_pf_report_text(&pf);
	emit(stderr, text);
	free(text);
	if (!strcmp(format, "json")) {
		doc = am_pf_report_json(&pf, &secrets);
		text = json_dumps(doc, JSON_INDENT(2));
		if (text) {
			fputs(text, stdout);
			fputc('\n', stdout);
		}
		free(text);
		json_decref(doc);
	}
	text = am_pf_report_summary(&pf);
	write_termination(text);
	free(text);

	status = v.exit_code;
	if (fflush(stdout) || ferror(stdout)) {
		fputs("argomig-preflight: cannot write to standard output\n", stderr);
		status = AM_PF_EXIT_INTERNAL;
	}
	am_pf_release(&pf);
	am_scrub_release(&secrets);
	am_error_clear();
	free(schema_env);
	return status;
}
