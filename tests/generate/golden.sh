#!/bin/sh
# golden.sh ARGOMIG - every example renders byte-identically to its
# committed expected.yaml, twice in a row (the output is deterministic),
# and the rendering, like the whole example directory (spec, SQL
# migrations, included manifests), lints without a single finding.
# UPDATE=1 rewrites the expected files instead (review the diff!).
set -u
argomig=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/argomig-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
n=0
for spec in "$top"/examples/*/argomig.yaml; do
	dir=$(dirname "$spec")
	name=$(basename "$dir")
	n=$((n + 1))
	for run in 1 2; do
		if ! sh "$top/tools/render-example.sh" "$argomig" "$dir" \
			>"$tmp/$name.$run" 2>"$tmp/$name.err"; then
			echo "FAIL $name: argomig generate failed:"
			cat "$tmp/$name.err"
			fail=1
			continue 2
		fi
	done
	if [ -s "$tmp/$name.err" ]; then
		echo "FAIL $name: argomig generate wrote to stderr:"
		cat "$tmp/$name.err"
		fail=1
	fi
	if ! cmp -s "$tmp/$name.1" "$tmp/$name.2"; then
		echo "FAIL $name: two runs rendered different bytes"
		fail=1
	fi
	for input in "$tmp/$name.1" "$dir"; do
		if ! "$argomig" lint --fail-on note "$input" >"$tmp/$name.lint" 2>&1; then
			echo "FAIL $name: argomig lint reports findings:"
			cat "$tmp/$name.lint"
			fail=1
		fi
	done
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/$name.1" "$dir/expected.yaml"
	elif ! cmp -s "$dir/expected.yaml" "$tmp/$name.1"; then
		echo "FAIL $name: output differs from examples/$name/expected.yaml"
		diff -u "$dir/expected.yaml" "$tmp/$name.1" | head -40
		fail=1
	fi
done
# The README shows the rendering of examples/orders as it is.
shown=$(awk '/^\$ cd examples\/orders && argomig generate$/ { on = 1; next } on && /^```/ { exit } on' "$top/README.md")
if [ "$shown" != "$(cat "$top/examples/orders/expected.yaml")" ]; then
	echo "FAIL README.md: the rendered YAML of examples/orders differs from examples/orders/expected.yaml"
	fail=1
fi
if [ "$n" -eq 0 ]; then
	echo "FAIL: no examples/*/argomig.yaml found"
	exit 1
fi
[ "$fail" -eq 0 ] && echo "generate: $n examples render exactly as expected.yaml"
exit "$fail"
