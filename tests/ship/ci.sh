#!/bin/sh
# ci.sh ARGOMIG [IMAGE_DIR] - the CI recipes in examples/ci/ and the
# pre-commit hooks in .pre-commit-hooks.yaml, run against a real git
# repository: an "origin" with merged migrations and a pull request branch
# that edits one of them (migration-edited, an error) and adds a clean one.
#
# Without IMAGE_DIR (make test), the recipes' `docker run` and the GitLab
# job's image are stood in for by the argomig under test (tests/ship/docker);
# with IMAGE_DIR (make image-test), they run in the real argomig-cmp image
# through podman, the GitLab job as the image's user 999 on a checkout owned
# by root, as a GitLab runner leaves it.
#
# Checked: exit statuses, the GitHub annotation and the text finding for
# the edited migration, the same output as argomig run directly, the SARIF
# file (Microsoft's validator) and the JSON artifact; pre-commit runs the
# hook and fails on a bad manifest, passes on a clean one.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
argomig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
image_dir=
[ $# -ge 2 ] && image_dir=$(cd "$2" && pwd)
here=$top/tests/ship
multitool=$top/tools/node/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
export NODE_PATH="$top/tools/node/node_modules"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/argomig-ci.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
version=$(sh "$top/tools/version.sh")
export ARGOMIG_VERSION=$version
. "$top/tests/lib/expect.sh"

# --- the repositories ---------------------------------------------------
g() { git -c user.name=ci -c user.email=ci@example.com -c init.defaultBranch=main "$@"; }
mkdir "$tmp/seed"
cd "$tmp/seed" || exit 2
g init -q
mkdir -p db/migration k8s
printf 'CREATE TABLE orders (id bigint PRIMARY KEY);\n' >db/migration/V1__orders.sql
printf 'SET lock_timeout = '\''2s'\'';\nALTER TABLE orders ADD COLUMN note text;\n' >db/migration/V2__note.sql
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders\ndata:\n  a: "1"\n' >k8s/config.yaml
g add -A && g commit -qm "merged history"
g clone -q --bare . "$tmp/origin.git"
g clone -q "$tmp/origin.git" "$tmp/pr"
cd "$tmp/pr" || exit 2
g checkout -qb feature
printf 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n' >db/migration/V1__orders.sql
printf 'SET lock_timeout = '\''2s'\'';\nALTER TABLE orders ADD COLUMN total numeric;\n' >db/migration/V3__total.sql
g add -A && g commit -qm "edit a merged migration"
g clone -q "$tmp/origin.git" "$tmp/clean"
cd "$tmp/clean" && g checkout -qb feature
printf 'SET lock_timeout = '\''2s'\'';\nALTER TABLE orders ADD COLUMN total numeric;\n' >db/migration/V3__total.sql
g add -A && g commit -qm "a new migration"
base=$(cd "$tmp/pr" && git merge-base origin/main HEAD)

if [ -n "$image_dir" ]; then
	# The recipes' `docker` is podman with the image test's storage.
	mkdir "$tmp/bin"
	printf '#!/bin/sh\nexec sh "%s/tools/image.sh" podman "%s" "$@"\n' "$top" "$image_dir" >"$tmp/bin/docker"
	chmod +x "$tmp/bin/docker"
	PATH=$tmp/bin:$PATH
else
	PATH=$here:$PATH
	export ARGOMIG_BIN_DIR
	ARGOMIG_BIN_DIR=$(dirname "$argomig")
fi

# --- GitHub Actions -----------------------------------------------------
for repo in pr clean; do
	GITHUB_BASE_REF=main node "$here/run-recipe.js" github "$top/examples/ci/github-actions.yml" \
		"$tmp/$repo" "$tmp/gh-$repo" || bad "github $repo: the recipe runner failed"
done
expect "github pr: exit status" "$(cat "$tmp/gh-pr/status")" 1
expect "github clean: exit status" "$(cat "$tmp/gh-clean/status")" 0
annotation=$(grep -c '^::error file=db/migration/V1__orders.sql,line=1,col=[0-9]*,title=migration-edited::' "$tmp/gh-pr/stdout")
expect "github pr: one annotation on the edited migration" "$annotation" 1
(cd "$tmp/pr" && "$argomig" lint --base origin/main --format github . >"$tmp/direct-gh" 2>/dev/null)
if cmp -s "$tmp/direct-gh" "$tmp/gh-pr/stdout"; then ok; else
	bad "github pr: annotations differ from argomig run directly"
	diff "$tmp/direct-gh" "$tmp/gh-pr/stdout" | head -20
fi
expect "github clean: no annotations" "$(grep -c '^::' "$tmp/gh-clean/stdout")" 0
for repo in pr clean; do
	sarif=$(cat "$tmp/gh-$repo/sarif" 2>/dev/null)
	if [ ! -s "$sarif" ]; then
		bad "github $repo: no SARIF file to upload"
		continue
	fi
	if "$multitool" validate "$sarif" >"$tmp/sarif.log" 2>&1 &&
	   ! grep -q ': error ' "$tmp/sarif.log" &&
	   grep -q 'Analysis completed successfully' "$tmp/sarif.log"; then ok; else
		bad "github $repo: SARIF validation"
		grep -E ': (error|warning) ' "$tmp/sarif.log" | head
	fi
	cp "$sarif" "$tmp/$repo.sarif"
done
expect "github pr: SARIF result" "$(grep -o '"ruleId": "[a-z-]*"' "$tmp/pr.sarif" | sort -u)" '"ruleId": "migration-edited"'
expect "github clean: SARIF results" "$(grep -c '"ruleId"' "$tmp/clean.sarif")" 0

# --- GitLab CI ----------------------------------------------------------
run_gitlab() { # run_gitlab REPO OUT
	if [ -n "$image_dir" ]; then
		# As a runner does: the checkout belongs to root, the job runs in
		# the image as its own user (999).
		chown -R root:root "$1"
		chmod -R a+rwX "$1"
		GITLAB_SHELL="docker run --rm --network none -v $1:/builds/acme/orders -w /builds/acme/orders \
-e CI_PROJECT_DIR=/builds/acme/orders -e CI_MERGE_REQUEST_DIFF_BASE_SHA=$base -e GIT_DEPTH \
ghcr.io/argomig/argomig-cmp:$version sh -c" \
			node "$here/run-recipe.js" gitlab "$top/examples/ci/gitlab-ci.yml" "$1" "$2"
	else
		mkdir -p "$tmp/home"
		PATH=$ARGOMIG_BIN_DIR:$PATH HOME=$tmp/home CI_PROJECT_DIR=$1 \
			CI_MERGE_REQUEST_DIFF_BASE_SHA=$base \
			node "$here/run-recipe.js" gitlab "$top/examples/ci/gitlab-ci.yml" "$1" "$2"
	fi
}
run_gitlab "$tmp/pr" "$tmp/gl-pr" || bad "gitlab pr: the recipe runner failed"
expect "gitlab pr: exit status" "$(cat "$tmp/gl-pr/status")" 1
expect "gitlab pr: the finding" \
	"$(grep -c '^db/migration/V1__orders.sql:1:[0-9]*: error: .*\[migration-edited\]$' "$tmp/gl-pr/stdout")" 1
if [ -s "$tmp/pr/argomig-lint.json" ]; then
	expect "gitlab pr: JSON artifact" "$(node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		console.log(r.findings.map((f) => f.rule + " " + f.file).join(","))' "$tmp/pr/argomig-lint.json")" \
		"migration-edited db/migration/V1__orders.sql"
else
	bad "gitlab pr: no argomig-lint.json artifact"
	cat "$tmp/gl-pr/stderr"
fi

# --- pre-commit ---------------------------------------------------------
expect "pre-commit manifest" "$(pre-commit validate-manifest "$top/.pre-commit-hooks.yaml" 2>&1; echo $?)" 0
mkdir "$tmp/hook"
cd "$tmp/hook" || exit 2
g init -q
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n' >dup.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n' >ok.yaml
g add -A
hook=argomig-lint
[ -n "$image_dir" ] && hook=argomig-lint-docker
try() {
	PATH=$(dirname "$argomig"):$PATH PRE_COMMIT_HOME=$tmp/pre-commit-home \
		pre-commit try-repo "$top" "$hook" "$@" >"$tmp/hook.out" 2>&1
	echo $?
}
expect "pre-commit $hook: duplicate key fails" "$(try --files dup.yaml ok.yaml)" 1
want=$("$argomig" lint dup.yaml 2>/dev/null | head -n 1)
expect "pre-commit $hook: the finding" "$(grep -cxF "$want" "$tmp/hook.out")" 1
expect "pre-commit $hook: clean file passes" "$(try --files ok.yaml)" 0

summary ci-recipes
