#!/bin/sh
# install.sh ARGOMIG - manifests/ and examples/argocd/ work as README.md's
# "Installing into Argo CD" says, checked offline:
#
# - `kubectl kustomize manifests/` renders, and the result passes the
#   Kubernetes schemas (tools/node/validate-k8s.js) and `argomig lint`;
# - merged into Argo CD's repo-server with the README's own command
#   (`kubectl patch`, here with --local on tests/ship/argocd-repo-server.yaml
#   instead of the live object), it adds exactly the documented sidecar
#   (check-install.js), the patch file alone does the same, and
#   remove-argomig-sidecar.yaml restores the original;
# - the example Application is valid and names the plugin cmp/plugin.yaml
#   registers.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
argomig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$top/tests/ship
export NODE_PATH="$top/tools/node/node_modules"
validate="node $top/tools/node/validate-k8s.js"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/argomig-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$top" || exit 2
version=$(sh "$top/tools/version.sh")
fail=0
n=0
# step NAME COMMAND...: run it; on failure show its output.
step() {
	name=$1
	shift
	n=$((n + 1))
	if ! "$@" >"$tmp/out" 2>&1; then
		fail=$((fail + 1))
		echo "FAIL $name"
		sed 's/^/  /' "$tmp/out"
	fi
}
# lint_clean FILE OBJECTS: argomig lint finds nothing, not even a note.
lint_clean() {
	"$argomig" lint --format json --fail-on note "$1" >"$tmp/lint.json" || return 1
	node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		if (r.findings.length || r.summary.objects !== +process.argv[2]) {
			console.log(JSON.stringify(r, null, 1));
			process.exit(1);
		}' "$tmp/lint.json" "$2"
}

step "kubectl kustomize manifests/" sh -c "kubectl kustomize manifests >'$tmp/rendered.yaml'"
step "rendered manifests pass the schemas" $validate "$tmp/rendered.yaml"
step "rendered manifests lint clean" lint_clean "$tmp/rendered.yaml" 1
step "kubectl patch with the rendered manifests" sh -c "kubectl patch --local -o yaml \
	-f '$here/argocd-repo-server.yaml' --patch-file '$tmp/rendered.yaml' >'$tmp/merged.yaml'"
step "kubectl patch with argomig-sidecar.yaml" sh -c "kubectl patch --local -o yaml \
	-f '$here/argocd-repo-server.yaml' --patch-file manifests/argomig-sidecar.yaml >'$tmp/merged2.yaml'"
step "both ways give the same Deployment" cmp "$tmp/merged.yaml" "$tmp/merged2.yaml"
step "patched repo-server passes the schemas" $validate "$tmp/merged.yaml"
step "patched repo-server lints clean" lint_clean "$tmp/merged.yaml" 1
step "kubectl patch with remove-argomig-sidecar.yaml" sh -c "kubectl patch --local -o yaml \
	-f '$tmp/merged.yaml' --patch-file manifests/remove-argomig-sidecar.yaml >'$tmp/removed.yaml'"
step "the sidecar is the documented one" node "$here/check-install.js" "$version" \
	"$here/argocd-repo-server.yaml" "$tmp/merged.yaml" "$tmp/removed.yaml"
step "example Application passes the schemas" $validate examples/argocd/application.yaml
step "argomig parameters in examples/orders" sh -c "cd examples/orders && '$argomig' parameters >'$tmp/params.json'"
step "example Application selects the plugin" node "$here/check-application.js" \
	examples/argocd/application.yaml cmp/plugin.yaml "$tmp/params.json"
step "kustomization pins this version" grep -qx "    newTag: $version" manifests/kustomization.yaml

echo "install: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
