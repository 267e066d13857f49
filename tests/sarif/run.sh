#!/bin/sh
# run.sh ARGOMIG MULTITOOL - argomig's SARIF output checked by Microsoft's
# SARIF validator (npm @microsoft/sarif-multitool, `validate`): every
# error it reports fails the test; its warnings are shown.
#
# The logs cover findings with and without an object, a suppressed
# finding, no finding at all, stdin, an absolute path, file names that
# need percent-encoding (space, '%', ':', ',', '#', non-ASCII, invalid
# UTF-8), and the bad fixture of every rule (tests/rules/*/bad*).
set -u
argomig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rules=$(cd "$(dirname "$0")/../rules" && pwd)
multitool=$(cd "$(dirname "$2")" 2>/dev/null && pwd)/$(basename "$2")
if [ ! -x "$multitool" ]; then
	echo "sarif: $multitool is missing; run 'make deps'" >&2
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/argomig-sarif.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2
mkdir -p in/odd clean out

dup='apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  name: app-config-v2'
printf '%s\n' "$dup" >in/dup.yaml
printf '%s\n' 'apiVersion: v1' 'kind: ConfigMap' 'metadata:' '  name: a' \
	'  # argomig:ignore invalid-yaml -- generated, fixed upstream' '  name: b' \
	'  # argomig:ignore no-such-rule' '  labels: {}' >in/suppressed.yaml
printf 'data: [oops\n' >in/bad.yaml
for name in 'with space.yaml' '100%.yaml' 'a:b,c#d.yaml' 'café.yaml' \
	"$(printf 'bad\377name.yaml')"; do
	printf '%s\n' "$dup" >"in/odd/$name"
done
printf '%s\n' 'apiVersion: v1' 'kind: ConfigMap' 'metadata:' '  name: ok' >clean/ok.yaml

status=0
"$argomig" lint --format sarif in >out/findings.sarif
"$argomig" lint --format sarif clean >out/clean.sarif
"$argomig" lint --format sarif - <in/dup.yaml >out/stdin.sarif
"$argomig" lint --format sarif "$tmp/in/dup.yaml" >out/absolute.sarif
"$argomig" lint --output sarif=out/output.sarif in/suppressed.yaml >/dev/null
(cd "$rules" && "$argomig" lint --format sarif ./*/bad*) >out/rules.sarif

for f in out/*.sarif; do
	if ! "$multitool" validate "$f" >"$f.log" 2>&1; then
		echo "FAIL $f: the validator did not run"
		cat "$f.log"
		status=1
		continue
	fi
	if grep -q ': error ' "$f.log" ||
	   ! grep -q 'Analysis completed successfully' "$f.log"; then
		echo "FAIL $f: SARIF validation errors"
		grep -E ': (error|warning) ' "$f.log"
		status=1
	else
		grep ': warning ' "$f.log"
	fi
done
# The validator accepts an empty log; make sure the findings are there.
n=$(grep -c '"ruleId"' out/findings.sarif)
if [ "$n" -ne 9 ]; then
	echo "FAIL out/findings.sarif: $n results, expected 9"
	status=1
fi
if ! grep -q '"uri": "in/odd/a%3Ab%2Cc%23d.yaml"' out/findings.sarif ||
   ! grep -q '"uri": "file:///' out/absolute.sarif ||
   ! grep -q '"justification": "generated, fixed upstream"' out/output.sarif ||
   [ "$(grep -c '"ruleId"' out/rules.sarif)" -lt "$(ls -d "$rules"/*/ | wc -l)" ]; then
	echo "FAIL: URIs or suppressions are not as expected"
	status=1
fi
[ $status -eq 0 ] && echo "sarif: $(ls out/*.sarif | wc -l) logs pass Microsoft's SARIF validator"
exit $status
