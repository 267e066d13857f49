#!/bin/sh
# demo.sh BUILD - argomig-preflight on the orders example, against a real
# throwaway PostgreSQL 15 (tests/pg/pg.sh), stopped again at the end.
#
# Applies examples/orders' migrations V1-V3 as Flyway would record them,
# then runs the preflight the way the generated PreSync Job does (a JDBC
# FLYWAY_URL, FLYWAY_USER, FLYWAY_PASSWORD): a go verdict with V4-V6
# pending. Then a reporting session keeps a transaction open on "orders"
# and the same preflight says retry (exit 75), naming that session.
set -u
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
migs=examples/orders/db/migration
cd "$top" || exit 1

unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGOPTIONS DATABASE_URL \
	FLYWAY_URL FLYWAY_USER FLYWAY_PASSWORD
work=$(mktemp -d)
blocker=
cleanup() {
	[ -n "$blocker" ] && kill "$blocker" 2>/dev/null
	sh tests/pg/pg.sh stop "$work/pg"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

echo '$ tests/pg/pg.sh start   # a throwaway PostgreSQL 15 on a free loopback port'
port=$(sh tests/pg/pg.sh start "$work/pg") || exit 1
psql -X -q -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 >/dev/null <<'EOF' || exit 1
CREATE ROLE orders_migrator LOGIN PASSWORD 'demo-secret';
ALTER ROLE orders_migrator SET lock_timeout = '5s';
CREATE DATABASE orders OWNER orders_migrator;
EOF
echo "  port $port; role orders_migrator; database orders"
echo "\$ apply $migs V1..V3 as Flyway records them (build/pf-fwapply | psql)"
"$build/pf-fwapply" "$migs" 3 >"$work/apply.sql" || exit 1
PGPASSWORD=demo-secret psql -X -q -h 127.0.0.1 -p "$port" -U orders_migrator \
	-d orders -v ON_ERROR_STOP=1 -f "$work/apply.sql" >/dev/null 2>"$work/apply.err" || {
	cat "$work/apply.err"
	exit 1
}

export FLYWAY_URL="jdbc:postgresql://127.0.0.1:$port/orders?sslmode=disable"
export FLYWAY_USER=orders_migrator FLYWAY_PASSWORD=demo-secret
echo
echo "\$ FLYWAY_URL=$FLYWAY_URL FLYWAY_USER=orders_migrator FLYWAY_PASSWORD=... \\"
echo "  argomig-preflight --tool flyway --migrations $migs --wait 0"
"$build/argomig-preflight" --tool flyway --migrations "$migs" --wait 0 2>&1
echo "(exit $?)"

mkfifo "$work/fifo"
PGAPPNAME=reporting PGPASSWORD=demo-secret psql -X -q -h 127.0.0.1 -p "$port" \
	-U orders_migrator -d orders <"$work/fifo" >/dev/null 2>&1 &
blocker=$!
exec 3>"$work/fifo"
echo "BEGIN; SELECT count(*) FROM orders;" >&3
sleep 2
echo
echo '$ # meanwhile a "reporting" session keeps a transaction open on orders'
echo "\$ argomig-preflight --tool flyway --migrations $migs --xact-age 1 --wait 3 --interval 1"
"$build/argomig-preflight" --tool flyway --migrations "$migs" --xact-age 1 \
	--wait 3 --interval 1 2>&1
echo "(exit $?: retryable; the Job's podFailurePolicy counts it and retries)"
echo "ROLLBACK;" >&3
exec 3>&-
wait "$blocker" 2>/dev/null
blocker=
echo
echo '$ tests/pg/pg.sh stop'
