#!/bin/sh
# generate-bench.sh ARGOMIG DIR - `make bench` for `argomig generate`.
#
# Renders examples/orders as Argo CD's sidecar would and compares it with
# `kubectl kustomize` building an equivalent hand-written overlay (written
# into DIR from the same objects: a base with the Jobs, Service, Deployment
# and PodDisruptionBudget, an overlay with a configMapGenerator for the
# migrations, an image tag, a replica count and the revision annotation).
# Reports wall time (per run, best of 5 batches of 20 whole processes), peak
# RSS, callgrind instruction counts for argomig (repeatable on a busy
# machine), and the ratio. Goals: a few milliseconds, under 5 MiB, at
# least 20x faster than kustomize. Without kubectl the comparison is
# skipped with a message.
set -eu
. "$(dirname "$0")/lib.sh"
argomig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
app=$top/examples/orders
runs=20
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

render() {
	cd "$app" && env -i PATH=/usr/bin:/bin ARGOCD_APP_NAME=orders \
		ARGOCD_APP_REVISION=9c1e4f0b7a2d6e8f1a3b5c7d9e0f2a4b6c8d0e1f \
		"$argomig" generate
}

# Wall time per run of "$@", in milliseconds: the best of 5 batches of
# $runs runs. Timing a batch, not each run, keeps the cost of the two
# `date` processes (about a millisecond) out of the figure; it was larger
# than argomig's own run.
wall() {
	best=
	for _ in 1 2 3 4 5; do
		i=0
		t0=$(date +%s%N)
		while [ $i -lt $runs ]; do
			"$@" >/dev/null 2>&1
			i=$((i + 1))
		done
		t1=$(date +%s%N)
		t=$(((t1 - t0) / runs))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	awk -v ns="$best" 'BEGIN { printf "%.2f", ns / 1e6 }'
}

render >"$dir/rendered.yaml"
objects=$(grep -c '^---$' "$dir/rendered.yaml")
echo "argomig generate bench: examples/orders, $objects objects, $(wc -c <"$dir/rendered.yaml") bytes of YAML"
wa=$(wall render)
ra=$(rss sh -c "cd '$app' && ARGOCD_APP_NAME=orders '$argomig' generate")
ia=
if command -v valgrind >/dev/null 2>&1; then
	ia=$(cd "$app" && ARGOCD_APP_NAME=orders valgrind --tool=callgrind \
		--callgrind-out-file=/dev/null "$argomig" generate 2>&1 >/dev/null |
		sed -n 's/.*refs: *//p' | tr -d ,)
fi
heap=
if command -v valgrind >/dev/null 2>&1; then
	heap=$(cd "$app" && ARGOCD_APP_NAME=orders valgrind --tool=massif \
		--massif-out-file="$dir/massif.out" "$argomig" generate >/dev/null 2>&1 &&
		sed -n 's/^mem_heap_B=//p' "$dir/massif.out" | sort -n | tail -n 1 |
		awk '{ printf "%.2f MiB", $1 / 1048576 }')
fi
base=$(rss "$argomig" version)
printf '%-34s %10s %10s %16s\n' "" "wall (min)" "peak RSS" "instructions"
wv=$(wall "$argomig" version)
iv=
if command -v valgrind >/dev/null 2>&1; then
	iv=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$argomig" version 2>&1 >/dev/null |
		sed -n 's/.*refs: *//p' | tr -d ,)
fi
printf '%-34s %7s ms %6s MiB %16s\n' "argomig generate" "$wa" "$ra" "${ia:-n/a}"
printf '%-34s %7s ms %6s MiB %16s\n' "  of which process start (version)" "$wv" "$base" "${iv:-n/a}"
echo "  heap peak of the generate run: ${heap:-n/a (no valgrind)}"

if ! command -v kubectl >/dev/null 2>&1; then
	echo "kubectl not found: skipping the comparison with kubectl kustomize (install kubectl to get the ratio)"
	exit 0
fi

# The hand-written equivalent: base objects and an overlay that generates
# the migrations ConfigMap and sets the image, replicas and revision.
rm -rf "$dir/kustomize"
mkdir -p "$dir/kustomize/base" "$dir/kustomize/overlay/migrations"
# one file per object, the ConfigMap left to the overlay's generator
awk -v d="$dir/kustomize/base" '/^---$/ { n++; next } { print > (d "/" n ".yaml") }' \
	"$dir/rendered.yaml"
grep -l '^kind: ConfigMap$' "$dir"/kustomize/base/*.yaml | xargs rm -f
sed -i 's/name: orders-migrations-[0-9a-f]*$/name: orders-migrations/' "$dir"/kustomize/base/*.yaml
{
	echo "resources:"
	for f in "$dir"/kustomize/base/*.yaml; do
		echo "- $(basename "$f")"
	done
} >"$dir/kustomize/base/kustomization.yaml.tmp"
mv "$dir/kustomize/base/kustomization.yaml.tmp" "$dir/kustomize/base/kustomization.yaml"
cp "$app"/db/migration/* "$dir/kustomize/overlay/migrations/"
{
	echo "resources:"
	echo "- ../base"
	echo "images:"
	echo "- name: ghcr.io/acme/orders"
	echo "  newTag: 1.4.2"
	echo "replicas:"
	echo "- name: orders"
	echo "  count: 3"
	echo "commonAnnotations:"
	echo "  argomig.io/revision: 9c1e4f0b7a2d6e8f1a3b5c7d9e0f2a4b6c8d0e1f"
	echo "configMapGenerator:"
	echo "- name: orders-migrations"
	echo "  options:"
	echo "    annotations:"
	echo "      argocd.argoproj.io/hook: PreSync"
	echo "      argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded"
	echo "      argocd.argoproj.io/sync-wave: \"-2\""
	echo "  files:"
	for f in "$dir"/kustomize/overlay/migrations/*; do
		echo "  - migrations/$(basename "$f")"
	done
} >"$dir/kustomize/overlay/kustomization.yaml"
kubectl kustomize "$dir/kustomize/overlay" >"$dir/kustomized.yaml"
echo "kubectl kustomize: $(grep -c '^kind:' "$dir/kustomized.yaml") objects, $(wc -c <"$dir/kustomized.yaml") bytes"
wk=$(wall kubectl kustomize "$dir/kustomize/overlay")
rk=$(rss kubectl kustomize "$dir/kustomize/overlay")
printf '%-34s %7s ms %6s MiB %16s\n' "kubectl kustomize (same objects)" "$wk" "$rk" "n/a"
awk -v a="$wa" -v v="$wv" -v k="$wk" -v ra="$ra" -v rk="$rk" 'BEGIN {
	printf "argomig generate is %.0fx faster than kubectl kustomize (goal: at least 20x) and uses %.0fx less memory\n",
		(a > 0 ? k / a : 0), (ra > 0 ? rk / ra : 0)
	if (a > v)
		printf "  without argomig'"'"'s process start (exec and the dynamic loader): %.0fx\n",
			k / (a - v)
}'
