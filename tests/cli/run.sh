#!/bin/sh
# run.sh ARGOMIG [TEST...] - the golden command-line tests.
#
# Every tests/cli/NNNN-<cmd>-<what>/ is one run of argomig, in a fresh
# copy of that directory (so the run sees no file of this repository and
# cannot change the tree):
#   args              the arguments, one line of shell words
#   stdin             optional: standard input (else /dev/null)
#   setup             optional: sh script run in the copy first (symlinks,
#                     .git directories: things git cannot hold)
#   expected-stdout   exact standard output (missing: empty)
#   expected-stderr   exact standard error (missing: empty)
#   expected-status   exit status (missing: 0)
#   expected-files/   optional: files the run must write, compared exactly
#                     with the same paths in the copy
# Give test directory names to run only those. With ARGOMIG_UPDATE=1
# the expected stdout, stderr and status are rewritten from this run
# (review the diff before committing it).
set -u
update=${ARGOMIG_UPDATE:-0}
argomig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
top=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/argomig-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
n=0
if [ $# -eq 0 ]; then
	set -- "$top"/*/
fi
for dir in "$@"; do
	dir=${dir%/}
	case $dir in /*) ;; *) dir=$top/$dir ;; esac
	[ -f "$dir/args" ] || continue
	name=$(basename "$dir")
	n=$((n + 1))
	work=$tmp/$name
	mkdir -p "$work"
	cp -R "$dir/." "$work/"
	ok=1
	(
		cd "$work" || exit 2
		if [ -f setup ]; then
			sh ./setup || exit 2
		fi
		input=/dev/null
		[ -f stdin ] && input=stdin
		eval "set -- $(cat args)"
		"$argomig" "$@" <"$input" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
		echo $? >"$tmp/$name.status"
	) || { echo "FAIL $name: setup failed"; fail=1; continue; }
	if [ "$update" = 1 ]; then
		for stream in stdout stderr; do
			if [ -s "$tmp/$name.$stream" ]; then
				cp "$tmp/$name.$stream" "$dir/expected-$stream"
			else
				rm -f "$dir/expected-$stream"
			fi
		done
		if [ "$(cat "$tmp/$name.status")" = 0 ]; then
			rm -f "$dir/expected-status"
		else
			cp "$tmp/$name.status" "$dir/expected-status"
		fi
	fi
	want_status=0
	[ -f "$dir/expected-status" ] && want_status=$(cat "$dir/expected-status")
	got_status=$(cat "$tmp/$name.status")
	if [ "$got_status" != "$want_status" ]; then
		echo "FAIL $name: exit status $got_status, expected $want_status"
		ok=0
	fi
	for stream in stdout stderr; do
		want=$dir/expected-$stream
		[ -f "$want" ] || want=/dev/null
		if ! cmp -s "$want" "$tmp/$name.$stream"; then
			echo "FAIL $name: $stream differs"
			diff -u "$want" "$tmp/$name.$stream" | sed -n '1,40p'
			ok=0
		fi
	done
	if [ -d "$dir/expected-files" ]; then
		for want in $(cd "$dir/expected-files" && find . -type f | sort); do
			if ! cmp -s "$dir/expected-files/$want" "$work/$want"; then
				echo "FAIL $name: file $want differs"
				diff -u "$dir/expected-files/$want" "$work/$want" | sed -n '1,40p'
				ok=0
			fi
		done
	fi
	[ $ok -eq 1 ] || fail=1
done
[ $fail -eq 0 ] && echo "cli: $n command-line tests pass"
exit $fail
