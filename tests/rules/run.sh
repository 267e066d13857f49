#!/bin/sh
# run.sh ARGOMIG - the rule fixture suite.
#
# Every tests/rules/<rule>/ holds bad.* (must fire), good.* (a near miss
# that must not fire) and expected.txt: the exact unsuppressed text-format
# lines of that rule for the bad files, "file:line:col: severity: message
# [rule]". An optional 'args' file adds options (e.g. --pg-version 10).
# Lines are compared exactly, so a wrong line or column fails the test.
#
# Rules that need a git repository (--base) have an executable setup.sh:
# for each bad* and good* file, `setup.sh FIXTURE_DIR FILE` runs in a
# fresh temporary directory and builds a repository whose working tree
# holds that variant; lint then runs there over "." with the args file.
set -u
argomig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")" && pwd)
fail=0
n=0

# lint_repo FIXTURE_DIR FILE... - each FILE in its own setup.sh repository.
lint_repo() {
	fx=$1
	shift
	for f in "$@"; do
		tmp=$(mktemp -d) || exit 2
		if (cd "$tmp" && "$fx/setup.sh" "$fx" "$f") >"$tmp.log" 2>&1; then
			# shellcheck disable=SC2086
			(cd "$tmp" && "$argomig" lint --format text $args . 2>&1)
			# A tool failure must not pass as "did not fire".
			[ $? -eq 2 ] && echo "$f: argomig lint exited 2 [$rule]"
		else
			echo "$f: setup.sh failed [$rule]"
			cat "$tmp.log"
		fi
		rm -rf "$tmp" "$tmp.log"
	done
}

# lint_files FILE... - lints the fixture files themselves.
lint_files() {
	if [ -f setup.sh ]; then
		lint_repo "$dir" "$@"
		return
	fi
	# shellcheck disable=SC2086
	"$argomig" lint --format text $args "$@" 2>&1
}
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
	got=$(lint_files $bad | grep -F " [$rule]" | grep -E "\[$rule\]\$")
	want=$(cat expected.txt)
	if [ "$got" != "$want" ]; then
		echo "FAIL $rule: bad fixture"
		printf '%s\n' "--- expected" "$want" "--- got" "$got"
		fail=1
	fi
	# shellcheck disable=SC2086
	got=$(lint_files $good | grep -E "\[$rule\]\$")
	if [ -n "$got" ]; then
		echo "FAIL $rule: near miss fired"
		printf '%s\n' "$got"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "rules: $n rule fixture directories pass"
exit $fail
