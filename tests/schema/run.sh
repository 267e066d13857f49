#!/bin/sh
# run.sh ARGOMIG - render every example as Argo CD would and validate each
# object against the Kubernetes schemas, unknown fields included
# (tools/node/validate-k8s.js; npm packages from `make deps`).
set -eu
argomig=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/argomig-schema.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
for spec in "$top"/examples/*/argomig.yaml; do
	dir=$(dirname "$spec")
	sh "$top/tools/render-example.sh" "$argomig" "$dir" >"$tmp/$(basename "$dir").yaml"
done
node "$top/tools/node/validate-k8s.js" "$tmp"/*.yaml
echo "schema: every object rendered from $(ls "$tmp" | wc -l) examples is valid"
