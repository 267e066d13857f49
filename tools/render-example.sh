#!/bin/sh
# render-example.sh ARGOMIG DIR - render the example in DIR the way Argo CD's
# plugin sidecar would for an Application named after DIR, synced at a fixed
# revision: cwd DIR, `argomig generate`, and only Argo CD's environment (no
# PARAM_* or ARGOCD_ENV_* overrides leak in from the caller's shell). Its
# output is what examples/*/expected.yaml holds; `make demo` and the golden
# test (tests/generate/golden.sh) both use it.
set -eu
argomig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$2"
app=$(basename "$PWD")
rev=9c1e4f0b7a2d6e8f1a3b5c7d9e0f2a4b6c8d0e1f
exec env -i PATH=/usr/bin:/bin \
	ARGOCD_APP_NAME="$app" \
	ARGOCD_APP_NAMESPACE="$app" \
	ARGOCD_APP_REVISION="$rev" \
	ARGOCD_APP_REVISION_SHORT="$(printf %.7s "$rev")" \
	ARGOCD_APP_SOURCE_PATH="examples/$app" \
	"$argomig" generate
