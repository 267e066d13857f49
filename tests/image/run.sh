#!/bin/sh
# run.sh IMAGE_DIR VERSION REVISION ARGOMIG PREFLIGHT - run the images `make image`
# built (tools/image.sh keeps podman's state in IMAGE_DIR):
#
# - both: the OCI version and revision labels, a non-root numeric user, no
#   compiler or make inside;
# - cmp: argomig says the same version as the host build; plugin.yaml is
#   cmp/plugin.yaml; the generate command of plugin.yaml, run without a
#   shell as user 999 on a read-only root filesystem with /tmp on tmpfs,
#   in examples/orders of a read-only copy of the repository (bind mount,
#   :ro) with the environment argocd-cmp-server sets, prints exactly
#   examples/orders/expected.yaml, and that passes the Kubernetes schemas;
# - preflight: --help, then real checks against a throwaway PostgreSQL
#   (tests/pg/pg.sh) reached through its Unix socket directory, bind-mounted
#   into the container, which has no network: a go verdict, and with
#   examples/orders' migrations mounted as the rendered Job mounts them, the
#   same checks and verdict as the host build (PREFLIGHT);
# - the CI recipes and the pre-commit docker hook with the real image
#   (tests/ship/ci.sh IMAGE_DIR).
#
# Every container runs with --network none.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(cd "$1" && pwd)
version=$2
revision=$3
argomig=$(cd "$(dirname "$4")" && pwd)/$(basename "$4")
preflight=$(cd "$(dirname "$5")" && pwd)/$(basename "$5")
cmp_image=ghcr.io/argomig/argomig-cmp:$version
pf_image=ghcr.io/argomig/argomig-preflight:$version
export NODE_PATH="$top/tools/node/node_modules"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/argomig-image.XXXXXX") || exit 2
chmod 755 "$tmp"
pg=
cleanup() {
	[ -n "$pg" ] && sh "$top/tests/pg/pg.sh" stop "$pg"
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cd "$top" || exit 2
pm() { sh "$top/tools/image.sh" podman "$dir" "$@"; }
run() { pm run --rm --network none "$@"; }
. "$top/tests/lib/expect.sh"

# --- both images ----------------------------------------------------------
for image in "$cmp_image" "$pf_image"; do
	expect "$image: version label" \
		"$(pm image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$image")" "$version"
	expect "$image: revision label" \
		"$(pm image inspect --format '{{index .Labels "org.opencontainers.image.revision"}}' "$image")" "$revision"
	expect "$image: no build tools" \
		"$(run --entrypoint /bin/sh "$image" -c 'for t in cc gcc make ld as cpp pkg-config; do command -v $t; done; true')" ""
done
expect "cmp: user" "$(pm image inspect --format '{{.Config.User}}' "$cmp_image")" 999:999
expect "preflight: user" "$(pm image inspect --format '{{.Config.User}}' "$pf_image")" 65532:65532
expect "preflight: entrypoint" "$(pm image inspect --format '{{json .Config.Entrypoint}}' "$pf_image")" \
	'["/usr/local/bin/argomig-preflight"]'

# README.md's table gives each image's size: within 3 MB of the real one.
for image in "$cmp_image" "$pf_image"; do
	size=$(pm image inspect --format '{{.Size}}' "$image")
	doc=$(sed -n "s/^| \`$(echo "$image" | sed 's/[./]/\\&/g')\` |.* | \([0-9.]*\) MB |\$/\1/p" README.md)
	if [ -n "$doc" ] && awk -v a="$size" -v b="$doc" 'BEGIN { d = a / 1e6 - b; exit !(d < 3 && d > -3) }'; then ok; else
		bad "$image: README.md says ${doc:-nothing} MB, the image has $size bytes"
	fi
done

# --- cmp ------------------------------------------------------------------
expect "cmp: argomig --version" "$(run "$cmp_image" argomig --version)" "$("$argomig" --version)"
if run "$cmp_image" cat /home/argocd/cmp-server/config/plugin.yaml >"$tmp/plugin.yaml" &&
   cmp -s "$tmp/plugin.yaml" cmp/plugin.yaml; then ok; else bad "cmp: baked plugin.yaml differs from cmp/plugin.yaml"; fi
# The generate command exactly as plugin.yaml has it, one argument a line.
node -e '
	const p = require("yaml").parse(require("fs").readFileSync("cmp/plugin.yaml", "utf8"));
	const g = p.spec.generate;
	for (const a of [...g.command, ...(g.args || [])]) console.log(a);
	if (p.spec.discover && p.spec.discover.fileName)
		require("fs").writeFileSync(process.argv[1], p.spec.discover.fileName);
' "$tmp/discover" >"$tmp/generate.argv" || bad "cmp: cannot read cmp/plugin.yaml"
if [ -s "$tmp/discover" ]; then
	if [ -e "examples/orders/$(cat "$tmp/discover")" ]; then ok; else
		bad "cmp: discovery ($(cat "$tmp/discover")) does not match examples/orders"
	fi
fi
# The environment tools/render-example.sh gives examples/orders, from which
# examples/orders/expected.yaml was rendered (what argocd-cmp-server sets
# for an Application "orders" at a fixed revision).
rev=$(sed -n 's/^rev=//p' tools/render-example.sh)
cat >"$tmp/env" <<EOF
ARGOCD_APP_NAME=orders
ARGOCD_APP_NAMESPACE=orders
ARGOCD_APP_REVISION=$rev
ARGOCD_APP_REVISION_SHORT=$(printf %.7s "$rev")
ARGOCD_APP_SOURCE_PATH=examples/orders
EOF
set --
while IFS= read -r a; do set -- "$@" "$a"; done <"$tmp/generate.argv"
run --read-only --tmpfs /tmp --user 999:999 --env-file "$tmp/env" \
	-v "$top:/repo:ro" -w /repo/examples/orders "$cmp_image" "$@" \
	>"$tmp/cmp.out" 2>"$tmp/cmp.err"
expect "cmp: generate exit status" "$?" 0
if cmp -s "$tmp/cmp.out" examples/orders/expected.yaml; then ok; else
	bad "cmp: generate output differs from examples/orders/expected.yaml"
	diff examples/orders/expected.yaml "$tmp/cmp.out" | head -20
	head -5 "$tmp/cmp.err"
fi
if node "$top/tools/node/validate-k8s.js" "$tmp/cmp.out" >"$tmp/validate.out"; then ok; else
	bad "cmp: generated manifests fail the schemas"
	head -20 "$tmp/validate.out"
fi

# --- preflight ------------------------------------------------------------
run "$pf_image" --help >"$tmp/help" 2>&1
expect "preflight: --help exit status" "$?" 0
expect "preflight: --version" "$(run "$pf_image" --version)" "$("$preflight" --version)"
expect "preflight: --help usage line" "$(head -n 1 "$tmp/help" | cut -d' ' -f1-2)" "usage: argomig-preflight"
pg=$tmp/pg
if port=$(sh tests/pg/pg.sh start "$pg"); then
	# The server's socket directory, opened to the container's user.
	chmod 755 "$pg/sock"
	pgenv="-e PGHOST=/pgsock -e PGPORT=$port -e PGUSER=postgres -e PGDATABASE=postgres"
	# shellcheck disable=SC2086
	run -v "$pg/sock:/pgsock" $pgenv "$pf_image" --tool flyway --format json \
		>"$tmp/pf.json" 2>"$tmp/pf.err"
	expect "preflight: exit status" "$?" 0
	expect "preflight: verdict, connection" "$(node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const c = r.checks.find((c) => c.id === "C03");
		console.log(r.verdict, c && c.status, c && c.evidence.host)' "$tmp/pf.json" 2>&1)" "go pass /pgsock"
	# As the rendered preflight Job runs it, with the migrations mounted:
	# the same checks and verdict as the host build on the same database.
	# shellcheck disable=SC2086
	run -v "$pg/sock:/pgsock" -v "$top/examples/orders/db/migration:/migrations:ro" $pgenv \
		"$pf_image" --tool flyway --migrations /migrations --wait 0 --format json \
		>"$tmp/pf2.json" 2>/dev/null
	echo $? >"$tmp/pf2.status"
	PGHOST=$pg/sock PGPORT=$port PGUSER=postgres PGDATABASE=postgres "$preflight" \
		--tool flyway --migrations examples/orders/db/migration --wait 0 --format json \
		>"$tmp/host2.json" 2>/dev/null
	echo $? >"$tmp/host2.status"
	verdict_line() { # JSON STATUS: the exit status, verdict, each check's id and status
		node -e '
			const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
			console.log("exit", process.argv[2], r.verdict, r.checks.map((c) => c.id + "=" + c.status).join(" "))
		' "$1" "$(cat "$2")" 2>&1
	}
	want=$(verdict_line "$tmp/host2.json" "$tmp/host2.status")
	case $want in
	"exit "[0-9]*" "*=*) expect "preflight: same verdict and checks as the host build" \
		"$(verdict_line "$tmp/pf2.json" "$tmp/pf2.status")" "$want" ;;
	*) bad "preflight: the host build gave no report: $want" ;;
	esac
else
	bad "preflight: the test PostgreSQL did not start"
fi

# --- CI recipes with the image --------------------------------------------
if sh tests/ship/ci.sh "$argomig" "$dir"; then ok; else bad "CI recipes with the image"; fi

summary image
