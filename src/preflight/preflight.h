/* SPDX-License-Identifier: MIT */
/*
 * preflight.h - argomig-preflight's run state, its check table and the
 * functions the preflight files share.
 *
 * One struct am_pf holds a run: options, the connection, what the first
 * query learned about the server, the migration history, the local
 * migrations and the tables the pending ones touch, and one result per
 * check. Checks (checks*.c, history.c) fill results and never print;
 * run.c drives connection, passes and stamping; report.c turns results
 * into a verdict, text, JSON and the termination message; main.c is the
 * only file that prints.
 */
#ifndef AM_PF_PREFLIGHT_H
#define AM_PF_PREFLIGHT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "preflight/conninfo.h"
#include "preflight/scrub.h"
#include "sqlfile.h"

/* Exit statuses (DESIGN.md §6, reference/preflight.md §4.3). */
enum {
	AM_PF_EXIT_GO = 0,
	AM_PF_EXIT_INTERNAL = 1,	/* a bug or out of memory */
	AM_PF_EXIT_NOGO = 3,		/* needs a person */
	AM_PF_EXIT_CONFIG = 4,		/* bad options or settings */
	AM_PF_EXIT_RETRY = 75,		/* EX_TEMPFAIL: no-go for now */
};

enum am_pf_tool {
	AM_PF_TOOL_NONE,
	AM_PF_TOOL_FLYWAY,
	AM_PF_TOOL_MIGRATE,	/* golang-migrate */
	AM_PF_TOOL_LIQUIBASE,
};

/* What a failing check means; also the check's nominal class. */
enum am_pf_class {
	AM_PF_CLASS_CONFIG,	/* exit 4 */
	AM_PF_CLASS_FATAL,	/* exit 3 */
	AM_PF_CLASS_RETRY,	/* exit 75 after --wait */
	AM_PF_CLASS_WARN,	/* reported, exit 0 */
};

enum am_pf_status {
	AM_PF_NOTRUN,		/* not evaluated (an earlier stage failed) */
	AM_PF_PASS,
	AM_PF_SKIP,		/* does not apply (no targets, other tool) */
	AM_PF_WARN,
	AM_PF_RETRY,
	AM_PF_FAIL,		/* needs a person (exit 3) */
	AM_PF_CONFIG,		/* configuration error (exit 4) */
};

/* "AccessExclusiveLock" (pg_locks.mode spelling); "" for NONE. */
const char *am_pf_lock_name(enum am_lockmode l);
/* The mode named like pg_locks.mode, or AM_LOCK_NONE. */
enum am_lockmode am_pf_lock_parse(const char *name);
/* True when a lock held in 'held' blocks a request for 'wanted'. */
bool am_pf_lock_conflicts(enum am_lockmode held, enum am_lockmode wanted);

/* Thresholds (reference/preflight.md §7 defaults). */
struct am_pf_limits {
	long lock_wait_s;		/* L01: a waiter on a target > 5 s */
	long xact_age_s;		/* L02: lock holder's transaction > 30 s */
	long long_xact_s;		/* L03: any transaction > 60 s */
	long idle_xact_s;		/* L04: idle in transaction > 60 s */
	long lag_warn_s;		/* R01: 10 s */
	long lag_max_s;			/* R01: 60 s */
	long long lag_max_bytes;	/* R01: 1 GiB */
	long min_free_conns;		/* R03: 5 (and 10 % of max_connections) */
	long long large_rows;		/* R04: 10 000 000 */
	long long large_bytes;		/* R04: 10 GiB */
	long stale_lock_s;		/* S03: 600 s */
};

struct am_pf_opts {
	enum am_pf_tool tool;
	const char *migrations;		/* --migrations DIR or NULL */
	long wait_s;			/* --wait */
	long interval_s;		/* --interval: between passes */
	long connect_timeout_s;		/* --connect-timeout */
	bool json;
	bool stamp;
	const char *app_version;	/* --app-version */
	const char *deployed_by;	/* --deployed-by, NULL: current_user */
	const char *schema;		/* --schema: history schema */
	const char *table;		/* --table: history table */
	bool out_of_order;		/* FLYWAY_OUT_OF_ORDER=true */
	struct am_pf_limits lim;
};

/* A table a pending migration touches (from am_sqlfile_table_locks). */
struct am_pf_table {
	char *schema;			/* NULL when unqualified */
	char *name;
	enum am_lockmode lock;		/* strongest lock the migration takes */
	bool risky;			/* held for time that grows with the table */
};

enum am_pf_mkind {
	AM_PF_MIG_VERSIONED,
	AM_PF_MIG_REPEATABLE,
};

/* One local migration file (a Flyway V/R file or a golang-migrate .up). */
struct am_pf_migration {
	enum am_pf_mkind kind;
	char *script;			/* path relative to --migrations */
	char *path;			/* full path */
	char *version;			/* normalized; NULL for repeatable */
	char *description;
	int32_t checksum;		/* Flyway checksum of the file */
	bool pending;
	struct am_pf_table *tables;	/* filled for pending migrations */
	size_t ntables, ntables_alloc;
	char *parse_error;		/* why tables could not be found */
};

/* A table the pending migrations touch, resolved in the database. */
struct am_pf_target {
	char *display;			/* "public.orders" (or as written) */
	char *schema, *name;		/* as written; schema may be NULL */
	enum am_lockmode lock;		/* strongest over pending migrations */
	bool risky;			/* some statement rewrites or scans it */
	char *first_script;		/* the first pending script touching it */
	char *risky_script;		/* the first one with a risky statement */
	enum am_lockmode risky_lock;	/* the lock that statement holds */
	char *oid;			/* NULL when it does not exist yet */
};

struct am_pf_result {
	enum am_pf_status status;
	char *message;			/* one line, lower case */
	char *action;			/* what to do; NULL when nothing */
	json_t *evidence;		/* object or NULL; owned */
};

struct am_pf;

struct am_pf_check {
	const char *id;			/* "L02" */
	enum am_pf_class cls;		/* what a failure means */
	const char *title;		/* "old transaction locks a target" */
	/* NULL for C01-C03 and D01, which run.c fills itself */
	int (*run)(struct am_pf *pf, struct am_pf_result *r);
};

extern const struct am_pf_check am_pf_checks[];
extern const size_t am_pf_nchecks;
/* Index of 'id' in am_pf_checks; AM_BUG for an unknown id. */
size_t am_pf_check_index(const char *id);

/* Flyway history row (flyway_schema_history). */
struct am_pf_fwrow {
	long long rank;
	char *version;			/* NULL for repeatable / schema rows */
	char *description;
	char *type;
	char *script;
	bool has_checksum;
	int32_t checksum;
	bool success;
	char *installed_on;
};

struct am_pf_history {
	char *schema, *table;		/* where the history lives */
	bool exists;
	bool loaded;
	char *error;			/* why it could not be read */
	bool error_retry;		/* ... and it may work on the next pass */
	/* Flyway */
	struct am_pf_fwrow *rows;
	size_t nrows, alloc;
	/* golang-migrate */
	bool has_version;
	long long version;
	bool dirty;
	/* what the history says is current ("" when nothing applied) */
	char *current;
};

struct am_pf {
	struct am_pf_opts *o;
	struct am_kvlist conn;		/* libpq settings, guards included */
	const char *conn_source;	/* "DATABASE_URL", "FLYWAY_URL", ... */
	struct am_kvlist conn_dropped;	/* JDBC properties not mapped */
	struct am_kvlist conn_ignored;	/* JDBC driver-only properties */
	struct am_db *db;

	/* from the first query, before the session guards were set */
	int server_version_num;
	char *server_version;
	bool in_recovery;
	bool default_ro;
	char *database, *user, *current_schema;
	char *lock_timeout, *statement_timeout;	/* pg_settings units: ms */
	bool identified;

	struct am_pf_history hist;
	struct am_pf_migration *migs;	/* local migrations, in apply order */
	size_t nmigs, migs_alloc;
	char *migs_error;		/* the directory could not be read */
	bool collected;			/* pending migrations parsed */
	bool prepared;			/* history, pending and targets done */
	struct am_pf_target *targets;
	size_t ntargets, targets_alloc;
	char *target_oids;		/* "{16384,16390}" of existing targets */

	struct am_pf_result *res;	/* am_pf_nchecks results */
	int attempts;			/* connection attempts */
	int passes;			/* check passes */
	long elapsed_ms;
	bool stamped;
	char *stamp_version;

	/* progress lines while waiting (main.c prints them) */
	void (*progress)(void *ctx, const char *line);
	void *progress_ctx;
	volatile sig_atomic_t *stop;	/* set by SIGTERM/SIGINT */
};

void am_pf_init(struct am_pf *pf, struct am_pf_opts *o);
void am_pf_release(struct am_pf *pf);

/* result helpers (checks.c) */
void am_pf_result_clear(struct am_pf_result *r);
/* Sets status, message (printf) and leaves action/evidence alone. */
void am_pf_set(struct am_pf_result *r, enum am_pf_status st,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void am_pf_action(struct am_pf_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True when the last failed query may succeed later (timeouts, ...). */
bool am_pf_retryable_error(const struct am_pf *pf);
/* Records a failed query: retry for timeouts and lost connections. */
void am_pf_query_failed(struct am_pf *pf, struct am_pf_result *r,
			enum am_pf_class cls, const char *what);
/* "1h02m", "7m12s", "42s" */
char *am_pf_age(long long seconds);
/* The first 'max' bytes of a query on one line (UTF-8 safe). */
char *am_pf_short_query(const char *q, size_t max);

/* run.c */
/* Builds pf->conn from the environment (DATABASE_URL, FLYWAY_URL, PG*). */
int am_pf_configure(struct am_pf *pf, struct am_scrub *secrets);
/* Connects, runs passes until go, fatal, or --wait runs out; stamps. */
void am_pf_run(struct am_pf *pf);

/* history.c: reads the history table and decides what is pending. */
int am_pf_history_load(struct am_pf *pf);
void am_pf_history_release(struct am_pf_history *h);
int am_pf_check_s01(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_s02(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_s03(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_s07(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_s08(struct am_pf *pf, struct am_pf_result *r);
/* Flyway's advisory-lock key for "schema"."table". */
long long am_pf_flyway_lock_key(const char *schema, const char *table);
/* golang-migrate's key: v4.15+ (schema, table, db) or older (schema, db). */
long long am_pf_migrate_lock_key(const char *schema, const char *table,
				 const char *dbname);

/* migrations.c: local files and the tables pending ones touch. */
int am_pf_migrations_scan(struct am_pf *pf);
/* Parses pending migrations and fills pf->targets. */
int am_pf_targets_collect(struct am_pf *pf);
/* Resolves targets in the database (oids; names as "schema.table"). */
int am_pf_targets_resolve(struct am_pf *pf);
void am_pf_migrations_release(struct am_pf *pf);

/* checks.c */
int am_pf_check_c04(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_c05(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_c06(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_p03(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_p04(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_r01(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_r03(struct am_pf *pf, struct am_pf_result *r);
/* checks_locks.c */
int am_pf_check_l01(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_l02(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_l03(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_l04(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_l08(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_l09(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_p01(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_r04(struct am_pf *pf, struct am_pf_result *r);
int am_pf_check_s05(struct am_pf *pf, struct am_pf_result *r);

/* report.c */
struct am_pf_verdict {
	const char *word;		/* "go", "no-go", "retry" */
	int exit_code;
};
void am_pf_verdict(const struct am_pf *pf, struct am_pf_verdict *v);
const char *am_pf_status_name(enum am_pf_status st);
const char *am_pf_tool_name(enum am_pf_tool t);
/* One report line per check result: "L02 retry <message> -- <action>". */
char *am_pf_report_line(const struct am_pf *pf, size_t i);
/* The header, pending and verdict lines of the text report. Owned. */
char *am_pf_report_text(const struct am_pf *pf);
/* The JSON report; strings are scrubbed with 'secrets'. Owned. */
json_t *am_pf_report_json(const struct am_pf *pf,
			  const struct am_scrub *secrets);
/* The termination message: the verdict and the reasons. Owned. */
char *am_pf_report_summary(const struct am_pf *pf);
/* Cuts 's' to at most 'max' bytes on a UTF-8 boundary, ending in "...". */
void am_pf_truncate(char *s, size_t max);

#endif
