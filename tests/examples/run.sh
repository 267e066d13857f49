#!/bin/sh
# run.sh ARGOMIG - the bundled Kubernetes examples lint as documented.
#
# examples/safe must lint with no finding at all, suppressed ones included;
# examples/unsafe must give exactly tests/examples/unsafe.txt, and exit 1;
# README.md must show that output.
set -u
argomig=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
fail=0

out=$("$argomig" lint --fail-on note examples/safe 2>&1)
status=$?
want='argomig: 6 files, 11 objects, 0 statements, 0 skipped: 0 errors, 0 warnings, 0 notes, 0 suppressed'
if [ $status -ne 0 ] || [ "$out" != "$want" ]; then
	echo "FAIL examples/safe: exit $status, expected 0 and no findings"
	printf '%s\n' "$out"
	fail=1
fi

out=$("$argomig" lint examples/unsafe 2>&1)
status=$?
if [ $status -ne 1 ] || [ "$out" != "$(cat tests/examples/unsafe.txt)" ]; then
	echo "FAIL examples/unsafe: exit $status (expected 1), output:"
	printf '%s\n' "$out" | diff tests/examples/unsafe.txt - | head -40
	fail=1
fi
# the README shows the same output
shown=$(awk '/^\$ argomig lint examples\/unsafe$/ { on = 1; next } on && /^```/ { exit } on' README.md)
if [ "$shown" != "$(cat tests/examples/unsafe.txt)" ]; then
	echo "FAIL README.md: the output of 'argomig lint examples/unsafe' differs from tests/examples/unsafe.txt"
	fail=1
fi
[ $fail -eq 0 ] && echo "examples: safe lints clean, unsafe as documented"
exit $fail
