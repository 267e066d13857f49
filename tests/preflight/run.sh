#!/bin/sh
# run.sh PREFLIGHT FWAPPLY - argomig-preflight against a real PostgreSQL 15.
#
# Starts a throwaway server (tests/pg/pg.sh) on a free loopback port in a
# temporary directory and stops it on exit, whatever happens. Every
# scenario gets its own database. Assertions are exact: the exit status,
# whole report lines (ages, which depend on timing, are the only part
# normalized), JSON fields through jq, and the termination message.
# PF_KEEP=1 keeps every run's stdout, stderr and termination message.
set -u
pf=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fwapply=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

# nothing from the caller's environment may steer a connection
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE \
	PGSERVICE PGSERVICEFILE PGOPTIONS PGAPPNAME PGSSLMODE PGCONNECT_TIMEOUT \
	PGTARGETSESSIONATTRS DATABASE_URL FLYWAY_URL FLYWAY_USER FLYWAY_PASSWORD \
	FLYWAY_TABLE FLYWAY_SCHEMAS FLYWAY_DEFAULT_SCHEMA FLYWAY_OUT_OF_ORDER \
	ARGOMIG_APP_VERSION ARGOMIG_TERMINATION_LOG

work=$(mktemp -d)
pgdir=$work/pg
bg_pids=
cleanup() {
	for p in $bg_pids; do
		kill "$p" 2>/dev/null
	done
	sh "$top/tests/pg/pg.sh" stop "$pgdir"
	if [ -n "${PF_KEEP:-}" ]; then
		echo "preflight: outputs kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

port=$(sh "$top/tests/pg/pg.sh" start "$pgdir") || exit 1
PW='Mig-r4tor pw'	# the migration role's password (has a space)

sql() {		# sql DB STATEMENTS... (as the superuser)
	db=$1
	shift
	psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres \
		-d "$db" -c "$*"
}

fail=0
n=0
current=

scen_fail=

report_fail() {
	echo "FAIL $current: $*"
	fail=1
	scen_fail=1
}

# newdb NAME [UPTO]: a database owned by "migrator"; with UPTO, the Flyway
# fixtures up to that version applied as Flyway would.
newdb() {
	sql postgres "CREATE DATABASE $1 OWNER migrator" || exit 1
	sql "$1" "ALTER SCHEMA public OWNER TO migrator" || exit 1
	if [ $# -eq 2 ]; then
		"$fwapply" "$here/flyway" "$2" >"$work/$1.apply.sql" || exit 1
		PGPASSWORD=$PW psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
			-p "$port" -U migrator -d "$1" -f "$work/$1.apply.sql" \
			>/dev/null || exit 1
	fi
}

url() {		# url DB [USER [PASSWORD]]
	u=${2:-migrator}
	p=${3-$PW}
	enc=$(printf '%s' "$p" | sed 's/%/%25/g; s/ /%20/g; s/@/%40/g; s/:/%3A/g')
	if [ -n "$p" ]; then
		echo "postgresql://$u:$enc@127.0.0.1:$port/$1"
	else
		echo "postgresql://$u@127.0.0.1:$port/$1"
	fi
}

# run NAME [VAR=VALUE...] COMMAND [ARGS...]: runs COMMAND (the preflight)
# with that environment; stdout, stderr and the termination message land
# in $work/NAME.{out,err,term}, the exit status in $status.
run() {
	current=$1
	shift
	n=$((n + 1))
	: >"$work/$current.term"
	env ARGOMIG_TERMINATION_LOG="$work/$current.term" "$@" \
		>"$work/$current.out" 2>"$work/$current.err"
	status=$?
}

expect_status() {
	[ "$status" -eq "$1" ] || report_fail "exit status $status, expected $1"
}

# expect_line 'exact line' [normalizer sed script]
expect_line() {
	if [ $# -eq 2 ]; then
		sed -E "$2" "$work/$current.err" >"$work/$current.norm"
	else
		cp "$work/$current.err" "$work/$current.norm"
	fi
	grep -qxF -- "$1" "$work/$current.norm" ||
		report_fail "no line: $1"
}

expect_no_line() {
	grep -q -- "$1" "$work/$current.err" && report_fail "unexpected: $1"
	return 0
}

expect_json() {		# expect_json 'jq filter that must be true'
	jq -e "$1" "$work/$current.out" >/dev/null 2>&1 ||
		report_fail "json: $1"
}

expect_term() {
	printf '%s' "$1" | cmp -s - "$work/$current.term" ||
		report_fail "termination message: $(cat "$work/$current.term")"
}

# after each scenario: the last run's stderr when something failed
dump_on_fail() {
	if [ -n "$scen_fail" ]; then
		echo "--- stderr of $current:"
		cat "$work/$current.err"
		echo "---"
	fi
	scen_fail=
}

sql postgres "CREATE ROLE migrator LOGIN PASSWORD '$PW'" || exit 1
# every database's migration sessions get a lock_timeout (P04 passes)
sql postgres "ALTER ROLE migrator SET lock_timeout = '3s'" || exit 1
version=$(sql postgres "SHOW server_version")

# --- 1: a clean database with pending Flyway migrations: go -------------
newdb pf_clean 2
DBURL=$(url pf_clean)
run clean DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --format json --wait 0
expect_status 0
cat >"$work/clean.want" <<EOF
argomig-preflight: flyway, 5 migration file(s) in $here/flyway; database "pf_clean" as "migrator"
C01 pass  settings from DATABASE_URL parsed
C02 pass  127.0.0.1:$port accepts connections
C03 pass  connected to database "pf_clean" as "migrator"
C04 pass  not encrypted, but the server is on this host
C05 pass  PostgreSQL $version
C06 pass  writable primary
L01 pass  no session is waiting for a lock on a target table
L02 pass  no transaction older than 30s holds a conflicting lock on a target table
L03 pass  no transaction open for more than 60s
L04 pass  no session idle in transaction for more than 60s
L08 pass  no session holds the flyway or golang-migrate advisory lock
L09 pass  no index is being built
P01 pass  role "migrator" owns (or is a member of the owner of) the 1 table(s) the migrations alter
P03 pass  role "migrator" is not a superuser
P04 pass  lock_timeout 3000 ms, statement_timeout 0 ms
R01 pass  no standbys connected
R03 pass  N of 100 connections free
R04 pass  no rewrite, scan or index build on a table above 10000000 rows or 10737418240 bytes
S01 skip  not a golang-migrate project (--tool flyway)
S02 pass  2 rows in public.flyway_schema_history, none failed
S03 skip  not a liquibase project (--tool flyway)
S05 pass  no invalid indexes
S07 pass  2 applied migration(s) match their files' checksums
S08 pass  current version 2; 5 local migration(s), 3 pending
pending: 3 of 5 migration(s) after version 2
  3 V3__add_order_status.sql: public.orders AccessExclusiveLock
  4 V4__index_orders_status.sql: public.orders ShareUpdateExclusiveLock
  R R__open_orders_view.sql: no existing table
argomig-preflight: verdict go (exit 0): 3 pending migration(s), 0 warning(s)
EOF
sed -E 's/^R03 pass  [0-9]+ of/R03 pass  N of/' "$work/clean.err" >"$work/clean.norm"
diff -u "$work/clean.want" "$work/clean.norm" >"$work/clean.diff" ||
	{ report_fail "report differs:"; cat "$work/clean.diff"; }
expect_json '.verdict == "go" and .exit_code == 0 and .tool == "flyway"'
expect_json '[.pending[] | .script] == ["V3__add_order_status.sql", "V4__index_orders_status.sql", "R__open_orders_view.sql"]'
expect_json '[.pending[] | .version] == ["3", "4", null]'
expect_json '.pending[0].tables == [{"schema": null, "table": "orders", "lock": "AccessExclusiveLock", "risky": false}]'
expect_json '.pending[0].checksum == -280205135 and .pending[1].checksum == -186269906'
expect_json '.history == {"schema": "public", "table": "flyway_schema_history", "exists": true, "current_version": "2"}'
expect_json '[.checks[] | select(.status != "pass" and .status != "skip")] == []'
expect_json '.checks[0] | .id == "C01" and .class == "config" and .action == null'
expect_term "GO: flyway, 3 pending migration(s), 0 warning(s), database at version 2"
dump_on_fail

# --- 1b: the first deploy: no history table, no tables yet: go ------------
# The pending migrations create the tables the later ones alter, so no
# target table exists: the lock and size checks have nothing to look at.
newdb pf_first
DBURL=$(url pf_first)
run first DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --format json --wait 0
expect_status 0
expect_json '.verdict == "go"'
expect_json '[.pending[] | .script] == ["V1__create_orders.sql", "V2__create_customers.sql", "V3__add_order_status.sql", "V4__index_orders_status.sql", "R__open_orders_view.sql"]'
expect_json '.history.exists == false'
expect_json '[.checks[] | select(.status == "fail")] == []'
dump_on_fail

# --- 2: a failed Flyway migration: no-go ---------------------------------
newdb pf_failed 2
sql pf_failed "INSERT INTO flyway_schema_history VALUES (3, '3', 'add order status', 'SQL', 'V3__add_order_status.sql', -280205135, 'migrator', '2024-05-01 10:00:00', 12, false)"
DBURL=$(url pf_failed)
run failed DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0
expect_status 3
expect_line 'S02 fail  public.flyway_schema_history records a failed migration: version 3 ("V3__add_order_status.sql", add order status) at 2024-05-01 10:00:00; it was not transactional, so it may be half applied -- undo what V3__add_order_status.sql changed by hand, then run '\''flyway repair'\'' and deploy again'
expect_line 'argomig-preflight: verdict no-go (exit 3): needs a person: S02'
dump_on_fail

# --- 3: an applied file edited afterwards: no-go, both checksums ---------
mkdir "$work/edited"
cp "$here"/flyway/* "$work/edited/"
printf 'CREATE INDEX customers_name_idx ON customers (name);\n' >>"$work/edited/V2__create_customers.sql"
newdb pf_edited 2
DBURL=$(url pf_edited)
run edited DATABASE_URL="$DBURL" "$pf" --migrations "$work/edited" --wait 0 --format json
expect_status 3
expect_line 'S07 fail  "V2__create_customers.sql" changed after it was applied: checksum -2078452447 in public.flyway_schema_history, -951988871 on disk -- restore V2__create_customers.sql as it was applied (git history) and put the change in a new migration; '\''flyway repair'\'' only if the edit changes nothing'
expect_json '(.checks[] | select(.id == "S07") | .evidence.mismatches) == [{"version": "2", "file": "V2__create_customers.sql", "applied_script": "V2__create_customers.sql", "applied_checksum": -2078452447, "local_checksum": -951988871}]'
expect_term 'NO-GO (exit 3): S07 "V2__create_customers.sql" changed after it was applied: checksum -2078452447 in public.flyway_schema_history, -951988871 on disk'
dump_on_fail

# --- 4: golang-migrate dirty: no-go --------------------------------------
newdb pf_dirty
sql pf_dirty "CREATE TABLE public.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO public.schema_migrations VALUES (2, true); CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL); ALTER TABLE orders OWNER TO migrator; ALTER TABLE schema_migrations OWNER TO migrator"
DBURL=$(url pf_dirty)
run dirty DATABASE_URL="$DBURL" "$pf" --tool golang-migrate --migrations "$here/migrate" --wait 0
expect_status 3
expect_line 'S01 fail  public.schema_migrations says version 2 is dirty: a migration failed part-way and golang-migrate refuses to run -- repair the database by hand to match a version, then run '\''migrate force <version>'\'''
expect_line 'pending: 1 of 3 migration(s) after version 2'
expect_line '  3 000003_index_status.up.sql: public.orders ShareLock'
dump_on_fail

# --- 5: a Flyway migration holds its advisory lock: retry ----------------
newdb pf_advisory 2
mkfifo "$work/adv.fifo"
PGAPPNAME=flyway-elsewhere PGPASSWORD=$PW psql -X -q -h 127.0.0.1 -p "$port" \
	-U migrator -d pf_advisory <"$work/adv.fifo" >/dev/null 2>&1 &
bg_pids="$bg_pids $!"
exec 3>"$work/adv.fifo"
echo "BEGIN; SELECT pg_try_advisory_xact_lock(77433833903597);" >&3
i=0
until [ "$(sql pf_advisory "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
apid=$(sql pf_advisory "SELECT pid FROM pg_stat_activity WHERE application_name = 'flyway-elsewhere'")
DBURL=$(url pf_advisory)
run advisory DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 2 --interval 1
expect_status 75
expect_line "L08 retry a flyway migration is running: pid $apid holds its advisory lock 77433833903597 for \"public\".\"flyway_schema_history\" (app \"flyway-elsewhere\", idle in transaction, connected for Ns): SELECT pg_try_advisory_xact_lock(77433833903597); -- wait for that migration to finish; if none should be running, look at pid $apid" 's/connected for [0-9]+s/connected for Ns/'
expect_line 'argomig-preflight: verdict retry (exit 75): still not safe after 2s (1 connection attempt(s), 3 pass(es)): L08'
echo "ROLLBACK;" >&3
exec 3>&-
wait
bg_pids=
dump_on_fail

# --- 6: an old transaction holds a lock on a target table: retry ---------
newdb pf_locked 2
mkfifo "$work/lock.fifo"
PGAPPNAME=reporting PGPASSWORD=$PW psql -X -q -h 127.0.0.1 -p "$port" \
	-U migrator -d pf_locked <"$work/lock.fifo" >/dev/null 2>&1 &
bg_pids="$bg_pids $!"
exec 3>"$work/lock.fifo"
echo "BEGIN; SELECT count(*) FROM orders;" >&3
i=0
until [ "$(sql pf_locked "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'reporting' AND state = 'idle in transaction'")" = 1 ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
lpid=$(sql pf_locked "SELECT pid FROM pg_stat_activity WHERE application_name = 'reporting'")
sleep 1.2
DBURL=$(url pf_locked)
run locked DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --xact-age 1 --wait 1 --interval 1 --format json
expect_status 75
expect_line "L02 retry \"public.orders\" is locked by pid $lpid (app \"reporting\", idle in transaction, transaction open Ns) holding AccessShareLock, which blocks the AccessExclusiveLock that V3__add_order_status.sql needs: SELECT count(*) FROM orders; -- wait for it to finish, or end it with SELECT pg_terminate_backend($lpid)" 's/transaction open [0-9]+s/transaction open Ns/'
expect_json "(.checks[] | select(.id == \"L02\") | .evidence.holders[0] | .pid == $lpid and .application_name == \"reporting\" and .state == \"idle in transaction\" and .xact_age_s >= 1 and .mode == \"AccessShareLock\")"
expect_json '.verdict == "retry" and .exit_code == 75'
# SIGTERM (the Job's deadline) ends the wait at once, with the report
current=sigterm
: >"$work/sigterm.term"
ARGOMIG_TERMINATION_LOG=$work/sigterm.term DATABASE_URL=$DBURL "$pf" \
	--migrations "$here/flyway" --xact-age 1 --wait 60 --interval 1 \
	>"$work/sigterm.out" 2>"$work/sigterm.err" &
tpid=$!
sleep 1.5
kill -TERM "$tpid"
wait "$tpid"
status=$?
expect_status 75
grep -q '^argomig-preflight: verdict retry (exit 75): still not safe after [12]s (1 connection attempt(s), [0-9] pass(es)): L02$' "$work/sigterm.err" ||
	report_fail "no verdict line after SIGTERM"
grep -q '^RETRY (exit 75) after [12]s: L02 "public.orders" is locked by pid' "$work/sigterm.term" ||
	report_fail "termination message after SIGTERM"
echo "ROLLBACK;" >&3
exec 3>&-
wait
bg_pids=
dump_on_fail

# --- 7: an invalid index on a target table: no-go ------------------------
newdb pf_invalid 2
sql pf_invalid "INSERT INTO orders (customer, total_cents) VALUES ('a', 1), ('a', 2)"
sql pf_invalid "CREATE UNIQUE INDEX CONCURRENTLY orders_customer_key ON orders (customer)" 2>/dev/null
DBURL=$(url pf_invalid)
run invalid DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0
expect_status 3
expect_line 'S05 fail  invalid index "public.orders_customer_key" on target table "public.orders", left by a failed CREATE INDEX CONCURRENTLY -- DROP INDEX CONCURRENTLY public.orders_customer_key; then migrate (CREATE INDEX ... IF NOT EXISTS would skip the broken index)'
dump_on_fail

# --- 8: a superuser migration role: go with a warning --------------------
newdb pf_super 2
DBURL=$(url pf_super postgres '')
run super DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0
expect_status 0
expect_line 'P03 warn  role "postgres" is a superuser: a migration bug can change anything, and no lock or permission stops it -- migrate as a role that owns the application'\''s schema but is not a superuser'
expect_line 'P04 warn  the migration session has no lock_timeout: a DDL statement waiting for its lock queues every later query on that table -- ALTER ROLE "postgres" SET lock_timeout = '\''5s'\'', and let the migration retry when it fires'
expect_line 'argomig-preflight: verdict go (exit 0): 3 pending migration(s), 2 warning(s)'
dump_on_fail

# --- 9: a wrong password: no-go, and the password appears nowhere --------
BAD='Wr0ng:p@ss w0rd'
DBURL=$(url pf_clean migrator "$BAD")
run badpass DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0 --format json
expect_status 3
expect_line 'C03 fail  cannot connect: connection to server at "127.0.0.1", port '"$port"' failed: FATAL: password authentication failed for user "migrator" -- check the user, password, database name and TLS settings in DATABASE_URL'
expect_json '.verdict == "no-go" and .exit_code == 3'
for f in out err term; do
	for s in "$BAD" 'Wr0ng%3Ap%40ss%20w0rd' 'Wr0ng'; do
		grep -qF -- "$s" "$work/badpass.$f" && report_fail "password in $f"
	done
done
# a password inside a malformed URL, which libpq quotes back
DBURL="postgresql://migrator:S3cret%zz@127.0.0.1:$port/pf_clean"
run badurl DATABASE_URL="$DBURL" "$pf" --wait 0 --format json
expect_status 4
expect_line 'C01 error DATABASE_URL is not a valid connection string: invalid percent-encoded token: "***" -- fix DATABASE_URL in the migration Secret'
expect_term 'NO-GO (exit 4): C01 DATABASE_URL is not a valid connection string: invalid percent-encoded token: "***"'
for f in out err term; do
	grep -qF 'S3cret' "$work/badurl.$f" && report_fail "password in $f"
done
# FLYWAY_PASSWORD, wrong, through a JDBC URL
run badjdbcpass FLYWAY_URL="jdbc:postgresql://127.0.0.1:$port/pf_clean?sslmode=disable" \
	FLYWAY_USER=migrator FLYWAY_PASSWORD="$BAD" "$pf" --wait 0 --format json
expect_status 3
for f in out err term; do
	grep -qF -- "Wr0ng" "$work/badjdbcpass.$f" && report_fail "password in $f"
done
dump_on_fail

# --- 10: an unreachable port: retry after --wait -------------------------
DBURL="postgresql://migrator@127.0.0.1:1/pf_clean"
run unreachable DATABASE_URL="$DBURL" "$pf" --wait 2
expect_status 75
expect_line 'C02 retry no answer from 127.0.0.1:1 (attempt N) -- check that the server runs and that the network (Service, NetworkPolicy, firewall) lets this pod reach it' 's/attempt [0-9]+/attempt N/'
expect_line 'argomig-preflight: C02 still failing, checking again in 1s: no answer from 127.0.0.1:1 (attempt 1)'
grep -q '^argomig-preflight: verdict retry (exit 75): still not safe after 2s ([2-4] connection attempt(s), 0 pass(es)): C02$' "$work/unreachable.err" ||
	report_fail "verdict line"
dump_on_fail

# --- 11: malformed URLs: configuration error ------------------------------
DBURL="postgresql://migrator@127.0.0.1:notaport/pf_clean"
run badport DATABASE_URL="$DBURL" "$pf" --wait 0
expect_status 4
expect_line 'C01 error DATABASE_URL is not a valid connection string: port "notaport" is not a number from 1 to 65535 -- fix DATABASE_URL in the migration Secret'
DBURL="host=127.0.0.1 port"
run badkv DATABASE_URL="$DBURL" "$pf" --wait 0
expect_status 4
expect_line 'C01 error DATABASE_URL is not a valid connection string: missing "=" after "port" in connection info string -- fix DATABASE_URL in the migration Secret'
run badjdbc FLYWAY_URL="jdbc:postgresql://127.0.0.1:99999/pf_clean" "$pf" --wait 0
expect_status 4
expect_line 'C01 error FLYWAY_URL is not a valid connection string: FLYWAY_URL: the port must be a number from 1 to 65535 -- fix FLYWAY_URL in the migration Secret'
run mysqljdbc FLYWAY_URL="jdbc:mysql://127.0.0.1/pf_clean" "$pf" --wait 0
expect_status 4
expect_line "C01 error FLYWAY_URL is not a valid connection string: FLYWAY_URL must start with 'jdbc:postgresql:' -- fix FLYWAY_URL in the migration Secret"
dump_on_fail

# --- 12: a JDBC URL that works, with a property libpq cannot take --------
run jdbc FLYWAY_URL="jdbc:postgresql://127.0.0.1:$port/pf_clean?sslmode=disable&prepareThreshold=0&socketTimeout=30" \
	FLYWAY_USER=migrator FLYWAY_PASSWORD="$PW" "$pf" --migrations "$here/flyway" --wait 0 --format json
expect_status 0
expect_line 'C01 warn  settings from FLYWAY_URL parsed, but these parameters have no libpq equivalent and were dropped: socketTimeout -- check that the preflight connects the way the migration does without them'
expect_json '(.checks[0].evidence | .source == "FLYWAY_URL" and .ignored == ["prepareThreshold"] and .sslmode == "disable" and .user == "migrator")'
dump_on_fail

# --- 13: --stamp writes exactly one row, only on go ----------------------
newdb pf_stamp 2
DBURL=$(url pf_stamp)
run stamp DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0 --stamp --app-version 1.4.2
expect_status 0
expect_line 'D01 pass  schema_deployment_log row 1: app version 1.4.2, migration version 4'
got=$(sql pf_stamp "SELECT count(*), min(app_version), min(migration_version), min(deployed_by) FROM schema_deployment_log")
[ "$got" = "1|1.4.2|4|migrator" ] || report_fail "schema_deployment_log: $got"
DBURL=$(url pf_failed)
run nostamp DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0 --stamp --app-version 1.4.2
expect_status 3
expect_line 'D01 skip  not stamped: the verdict is no-go'
got=$(sql pf_failed "SELECT to_regclass('schema_deployment_log') IS NULL")
[ "$got" = "t" ] || report_fail "stamped on a no-go verdict"
run stampnover "$pf" --stamp --wait 0
expect_status 4
expect_line "argomig-preflight: --stamp needs --app-version (or ARGOMIG_APP_VERSION)"
expect_term "NO-GO (exit 4): --stamp needs --app-version (or ARGOMIG_APP_VERSION)"
dump_on_fail

# --- 16: Liquibase: a stale lock needs a person, a fresh one is retried --
newdb pf_liquibase
sql pf_liquibase "CREATE TABLE databasechangelog (id varchar(255) NOT NULL, author varchar(255) NOT NULL, filename varchar(255) NOT NULL, dateexecuted timestamp NOT NULL, orderexecuted int NOT NULL, exectype varchar(10) NOT NULL, md5sum varchar(35)); CREATE TABLE databasechangeloglock (id int PRIMARY KEY, locked boolean NOT NULL, lockgranted timestamp, lockedby varchar(255)); INSERT INTO databasechangeloglock VALUES (1, true, localtimestamp - interval '2 hours', 'ci-runner-7 (10.9.9.9)'); ALTER TABLE databasechangelog OWNER TO migrator; ALTER TABLE databasechangeloglock OWNER TO migrator"
DBURL=$(url pf_liquibase)
run liquibase DATABASE_URL="$DBURL" "$pf" --tool liquibase --wait 0
expect_status 3
expect_line 'S03 fail  public.databasechangeloglock has been locked by "ci-runner-7 (10.9.9.9)" for 2h00m and that client is not connected: a stale lock -- make sure no Liquibase is running, then run '\''liquibase release-locks'\'''
sql pf_liquibase "UPDATE databasechangeloglock SET lockgranted = localtimestamp - interval '90 seconds'; INSERT INTO databasechangelog VALUES ('1', 'me', 'db.xml', now(), 1, 'FAILED', NULL)"
run liquibase2 DATABASE_URL="$DBURL" "$pf" --tool liquibase --wait 0
expect_status 75
expect_line 'S03 retry a Liquibase update is running: public.databasechangeloglock locked by "ci-runner-7 (10.9.9.9)" for 1m30s -- wait for it to finish'
sql pf_liquibase "UPDATE databasechangeloglock SET locked = false"
run liquibase3 DATABASE_URL="$DBURL" "$pf" --tool liquibase --wait 0
expect_status 0
expect_line 'S03 warn  public.databasechangelog lists 1 changeset(s) with exectype FAILED -- look at those changesets before running more'
dump_on_fail

# --- 17: a target owned by another role: no-go ----------------------------
newdb pf_owner 2
sql pf_owner "ALTER TABLE orders OWNER TO postgres"
DBURL=$(url pf_owner)
run owner DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0
expect_status 3
expect_line 'P01 fail  role "migrator" cannot alter "public.orders": it is owned by "postgres" and V3__add_order_status.sql needs ownership -- GRANT "postgres" TO "migrator", or ALTER TABLE public.orders OWNER TO "migrator"'
dump_on_fail

# --- 18: a read-only default, no free connections, a big table ----------
newdb pf_limits 2
sql pf_limits "INSERT INTO orders (customer, total_cents) SELECT 'c' || i, i FROM generate_series(1, 500) i; ANALYZE orders"
DBURL=$(url pf_limits)
run big DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0 --large-table-rows 100 --format json
expect_status 0
expect_line 'R04 warn  "public.orders" holds about 500 rows (N bytes) and V4__index_orders_status.sql holds ShareUpdateExclusiveLock on it for a time that grows with the table -- make sure the statement neither rewrites nor scans the table under that lock (CONCURRENTLY, NOT VALID + VALIDATE)' 's/\(([0-9]+) bytes\)/(N bytes)/'
run conns DATABASE_URL="$DBURL" "$pf" --wait 0 --min-free-connections 99
expect_status 75
expect_line 'R03 retry only N of 100 connections are free (need 99) -- wait for connections to close; the migration and the new pods need some' 's/only [0-9]+ of/only N of/'
sql postgres "ALTER DATABASE pf_limits SET default_transaction_read_only = on"
run readonly DATABASE_URL="$DBURL" "$pf" --wait 0
expect_status 75
expect_line 'C06 retry default_transaction_read_only is on for role "migrator" in database "pf_limits" -- connect to a writable primary, or ALTER ROLE ... RESET default_transaction_read_only'
dump_on_fail

# --- 19: a lock queue and an index build on a target: retry ------------
newdb pf_queue 2
DBURL=$(url pf_queue)
mkfifo "$work/q.fifo"
PGAPPNAME=holder PGPASSWORD=$PW psql -X -q -h 127.0.0.1 -p "$port" \
	-U migrator -d pf_queue <"$work/q.fifo" >/dev/null 2>&1 &
bg_pids="$bg_pids $!"
exec 3>"$work/q.fifo"
echo "BEGIN; INSERT INTO orders (customer, total_cents) VALUES ('x', 1);" >&3
i=0
until [ "$(sql pf_queue "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'holder' AND state = 'idle in transaction'")" = 1 ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
# an index build waits for the writer; an ALTER queues behind both
PGAPPNAME=indexer PGOPTIONS='-c lock_timeout=0' PGPASSWORD=$PW psql -X -q -h 127.0.0.1 -p "$port" -U migrator -d pf_queue \
	-c "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer)" >/dev/null 2>&1 &
bg_pids="$bg_pids $!"
i=0
until [ "$(sql pf_queue "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'indexer' AND wait_event_type = 'Lock'")" = 1 ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
PGAPPNAME=alterer PGOPTIONS='-c lock_timeout=0' PGPASSWORD=$PW psql -X -q -h 127.0.0.1 -p "$port" -U migrator -d pf_queue \
	-c "ALTER TABLE orders ADD COLUMN note text" >/dev/null 2>&1 &
bg_pids="$bg_pids $!"
i=0
until [ "$(sql pf_queue "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'alterer' AND wait_event_type = 'Lock'")" = 1 ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1.2
ipid=$(sql pf_queue "SELECT pid FROM pg_stat_activity WHERE application_name = 'indexer'")
qpid=$(sql pf_queue "SELECT pid FROM pg_stat_activity WHERE application_name = 'alterer'")
run queue DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0 --lock-wait 1
expect_status 75
expect_line "L01 retry a lock queue on \"public.orders\": pid $qpid waits for AccessExclusiveLock (app \"alterer\", active, waiting Ns): ALTER TABLE orders ADD COLUMN note text -- wait for the queue to drain; find its head with pg_blocking_pids($qpid)" 's/waiting [0-9]+s/waiting Ns/'
expect_line "L09 retry pid $ipid runs CREATE INDEX CONCURRENTLY on \"public.orders\" (waiting for writers before build, for Ns) -- wait for the index build to finish; only one runs per table at a time" 's/for [0-9]+s\)/for Ns)/'
expect_line 'S05 pass  no invalid indexes'
echo "ROLLBACK;" >&3
exec 3>&-
wait
bg_pids=
dump_on_fail

# --- 20: a locked history table: the preflight does not queue, it retries
newdb pf_histlock 2
DBURL=$(url pf_histlock)
mkfifo "$work/h.fifo"
PGAPPNAME=locker psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d pf_histlock \
	<"$work/h.fifo" >/dev/null 2>&1 &
bg_pids="$bg_pids $!"
exec 3>"$work/h.fifo"
echo "BEGIN; LOCK TABLE flyway_schema_history IN ACCESS EXCLUSIVE MODE;" >&3
i=0
until [ "$(sql pf_histlock "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'locker' AND state = 'idle in transaction'")" = 1 ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
run histlock DATABASE_URL="$DBURL" "$pf" --migrations "$here/flyway" --wait 0
expect_status 75
expect_line 'S02 retry cannot read public.flyway_schema_history: canceling statement due to lock timeout -- the history table was busy or the connection broke; the check runs again'
expect_line 'argomig-preflight: verdict retry (exit 75): still not safe after 1s (1 connection attempt(s), 1 pass(es)): S02, S07, S08' 's/after [0-9]+s/after 1s/'
echo "ROLLBACK;" >&3
exec 3>&-
wait
bg_pids=
dump_on_fail

# --- 21: a mounted ConfigMap: files are symlinks into ..data -------------
mkdir -p "$work/cm/..2024_05_01_10_00_00.123"
cp "$here"/flyway/* "$work/cm/..2024_05_01_10_00_00.123/"
ln -s ..2024_05_01_10_00_00.123 "$work/cm/..data"
for f in "$here"/flyway/*; do
	ln -s "..data/$(basename "$f")" "$work/cm/$(basename "$f")"
done
DBURL=$(url pf_clean)
run configmap DATABASE_URL="$DBURL" "$pf" --migrations "$work/cm" --wait 0
expect_status 0
expect_line "argomig-preflight: flyway, 5 migration file(s) in $work/cm; database \"pf_clean\" as \"migrator\""
expect_line 'S07 pass  2 applied migration(s) match their files'\'' checksums'
expect_line '  4 V4__index_orders_status.sql: public.orders ShareUpdateExclusiveLock'
dump_on_fail

# --- 14: the termination message: only into a file that exists ----------
DBURL=$(url pf_clean)
run nolog ARGOMIG_TERMINATION_LOG="$work/absent.log" DATABASE_URL="$DBURL" "$pf" --wait 0
expect_status 0
[ -e "$work/absent.log" ] && report_fail "created $work/absent.log"
: >"$work/opt.log"
run optlog DATABASE_URL="$DBURL" "$pf" --wait 0 --termination-log "$work/opt.log"
expect_status 0
printf 'GO: flyway, 0 pending migration(s), 0 warning(s), database at version 2' | cmp -s - "$work/opt.log" ||
	report_fail "--termination-log: $(cat "$work/opt.log")"
dump_on_fail

# --- 15: usage ------------------------------------------------------------
run help "$pf" --help
expect_status 0
head -1 "$work/help.out" | grep -qx 'usage: argomig-preflight \[--tool flyway|golang-migrate|liquibase|none\]' ||
	report_fail "--help"
run badopt "$pf" --frobnicate
expect_status 4
expect_line "argomig-preflight: unknown option '--frobnicate'"
run badwait "$pf" --wait soon
expect_status 4
expect_line "argomig-preflight: --wait: expected a duration such as 60, 60s or 2m (got 'soon')"
run baddir DATABASE_URL="$DBURL" "$pf" --migrations "$work/nonexistent" --wait 0
expect_status 4
expect_line "S08 error --migrations '$work/nonexistent' is not a directory -- point --migrations at the directory that holds the migration files"
dump_on_fail

if [ $fail -ne 0 ]; then
	echo "preflight: FAILED ($n runs)"
	exit 1
fi
echo "preflight: $n runs against PostgreSQL $version passed"
