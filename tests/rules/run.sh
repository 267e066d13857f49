#!/bin/sh
# run.sh ARGOMIG - the rule fixture suite.
#
# Every tests/rules/<rule>/ holds bad.* (must fire), good.* (a near miss
# that must not fire) and expected.txt: the exact unsuppressed text-format
# lines of that rule for the bad files, "file:line:col: severity: message
# [rule]". An optional 'args' file adds options (e.g. --pg-version 10).
# Lines are compared exactly, so a wrong line or column fails the test.
set -u
argomig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")" && pwd)
fail=0
n=0
for dir in "$top"/*/; do
	[ -d "$dir" ] || continue
	rule=$(basename "$dir")
	n=$((n + 1))
	cd "$dir" || exit 2
	args=
	[ -f args ] && args=$(cat args)
	bad=$(ls -d bad* 2>/dev/null)
	good=$(ls -d good* 2>/dev/null)
	if [ -z "$bad" ] || [ -z "$good" ] || [ ! -f expected.txt ]; then
		echo "FAIL $rule: needs bad.*, good.* and expected.txt"
		fail=1
		continue
	fi
	# shellcheck disable=SC2086
	got=$("$argomig" lint --format text $args $bad 2>&1 | grep -F " [$rule]" | grep -E "\[$rule\]\$")
	want=$(cat expected.txt)
	if [ "$got" != "$want" ]; then
		echo "FAIL $rule: bad fixture"
		printf '%s\n' "--- expected" "$want" "--- got" "$got"
		fail=1
	fi
	# shellcheck disable=SC2086
	got=$("$argomig" lint --format text $args $good 2>&1 | grep -E "\[$rule\]\$")
	if [ -n "$got" ]; then
		echo "FAIL $rule: near miss fired"
		printf '%s\n' "$got"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "rules: $n rule fixture directories pass"
exit $fail
