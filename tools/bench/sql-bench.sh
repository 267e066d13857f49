#!/bin/sh
# sql-bench.sh ARGOMIG SQUAWK DIR - `make bench` for SQL migration linting.
#
# Generates 2,000 Flyway migration files (gen-sql-corpus.sh) in DIR and
# lints the same files with `argomig lint` and with squawk (the
# PostgreSQL migration linter, npm squawk-cli, installed by `make deps`),
# both writing JSON. Reports the minimum wall time of 5 runs and the CPU
# time (user + system) of each, as ratios. The goal is argomig at least
# 5x faster than squawk.
set -eu
argomig=$1
squawk=$2
dir=$3
here=$(dirname "$0")
. "$here/lib.sh"
n=2000
if [ ! -d "$dir/db/migration" ] || [ "$here/gen-sql-corpus.sh" -nt "$dir/db/migration" ]; then
	sh "$here/gen-sql-corpus.sh" "$dir" "$n"
fi
files=$(find "$dir/db/migration" -name '*.sql' | sort)
bytes=$(cat $files | wc -c)

# The minimum CPU time (user + system) of 5 runs, in seconds.
cpu() {
	best=
	for _ in 1 2 3 4 5; do
		/usr/bin/time -o "$dir/time.txt" -f '%U %S' "$@" >/dev/null 2>&1 || true
		t=$(tail -n 1 "$dir/time.txt" | awk '{ printf "%d", ($1 + $2) * 1000 }')
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	awk -v ms="$best" 'BEGIN { printf "%.3f", ms / 1000 }'
}

echo "SQL lint bench: $n Flyway migrations, $bytes bytes (tools/bench/gen-sql-corpus.sh)"
# shellcheck disable=SC2086
"$argomig" lint --format json $files >"$dir/argomig.json" 2>/dev/null || true
# shellcheck disable=SC2086
"$squawk" --reporter json $files >"$dir/squawk.json" 2>/dev/null || true
echo "findings: argomig $(grep -c '"rule":' "$dir/argomig.json"), squawk $(grep -o '"rule_name"' "$dir/squawk.json" | wc -l)"
# shellcheck disable=SC2086
wa=$(wall "$argomig" lint --format json $files)
# shellcheck disable=SC2086
ws=$(wall "$squawk" --reporter json $files)
# shellcheck disable=SC2086
ca=$(cpu "$argomig" lint --format json $files)
# shellcheck disable=SC2086
cs=$(cpu "$squawk" --reporter json $files)
awk -v wa="$wa" -v ws="$ws" -v ca="$ca" -v cs="$cs" 'BEGIN {
	printf "%-16s %14s %14s\n", "", "wall (min 5)", "CPU (min 5)"
	printf "%-16s %12.3f s %12.3f s\n", "squawk", ws, cs
	printf "%-16s %12.3f s %12.3f s\n", "argomig lint", wa, ca
	printf "%-16s %13.1fx %13.1fx   (goal: argomig at least 5x faster)\n",
		"speed-up", (wa > 0 ? ws / wa : 0), (ca > 0 ? cs / ca : 0)
}'
