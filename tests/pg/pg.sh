#!/bin/sh
# pg.sh start DIR | stop DIR - a throwaway PostgreSQL 15 for tests and demos.
#
# start: creates a cluster in DIR (created if missing, must be empty),
#   listening on 127.0.0.1 only, on a free port, with its Unix socket in
#   DIR/sock, and prints the port. The superuser "postgres" logs in
#   without a password (trust); every other role needs its password
#   (scram-sha-256), so password tests are real.
# stop: stops the server (fast) and removes DIR. Safe to call twice and
#   from a trap, even when start failed half-way.
#
# As root, initdb and postgres run as the "postgres" user through runuser
# (reference/toolchain.md); otherwise as the calling user. Reused by the
# preflight tests, `make demo` and the image tests:
#
#   dir=$(mktemp -d); trap 'sh tests/pg/pg.sh stop "$dir"' EXIT
#   port=$(sh tests/pg/pg.sh start "$dir") || exit 1
#   psql -h 127.0.0.1 -p "$port" -U postgres ...
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	dir=$1
	[ -x "$PGBIN/initdb" ] || {
		echo "pg.sh: no PostgreSQL 15 in $PGBIN (apt-get install postgresql)" >&2
		exit 1
	}
	mkdir -p "$dir"
	if [ -n "$(ls -A "$dir")" ]; then
		echo "pg.sh: $dir is not empty" >&2
		exit 1
	fi
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres:postgres "$dir"
		chmod 700 "$dir"
		# the server must be able to reach DIR through its parents
		chmod o+x "$(dirname "$dir")" 2>/dev/null || true
	fi
	as_owner mkdir -m 700 "$dir/sock"
	as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
		--locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	as_owner sh -c "cat > '$dir/data/pg_hba.conf'" <<'EOF'
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       all                      trust
host    all       postgres  127.0.0.1/32   trust
host    all       all       127.0.0.1/32   scram-sha-256
EOF
	# a free port: try a few random ones, postgres refuses a busy one
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=$(( ( ($$ * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 30000) + 20000 ))
		if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
			-o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
			start >/dev/null 2>&1; then
			echo "$port" >"$dir/port"
			echo "$port"
			return 0
		fi
		if ! grep -q 'could not bind\|already in use\|could not create any TCP/IP sockets' "$dir/log" 2>/dev/null; then
			cat "$dir/log" >&2 2>/dev/null || true
			echo "pg.sh: PostgreSQL did not start" >&2
			exit 1
		fi
		: >"$dir/log"
	done
	echo "pg.sh: found no free port" >&2
	exit 1
}

stop() {
	dir=$1
	[ -d "$dir" ] || return 0
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop \
			>/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case "${1:-}" in
start)
	[ $# -eq 2 ] || { echo "usage: pg.sh start DIR" >&2; exit 2; }
	start "$2"
	;;
stop)
	[ $# -eq 2 ] || { echo "usage: pg.sh stop DIR" >&2; exit 2; }
	stop "$2"
	;;
*)
	echo "usage: pg.sh start DIR | stop DIR" >&2
	exit 2
	;;
esac
