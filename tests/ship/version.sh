#!/bin/sh
# version.sh ARGOMIG PREFLIGHT - `argomig --version` and `argomig-preflight
# --version` name the version and the git revision of the tree they were
# built from, and tools/revision.sh (which stamps it) follows HEAD: a new
# commit changes the stamp, an unchanged tree leaves the generated header
# untouched so nothing rebuilds. Every place that names a version follows
# the Makefile's VERSION: the plugin's spec.version, the preflight image
# `argomig generate` renders, and every argomig image tag in the tree
# (manifests, CI recipes, pre-commit hooks, examples, README).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
argomig=$1
preflight=$2
. "$top/tests/lib/expect.sh"

version=$(sh "$top/tools/version.sh")
expect "make print-version agrees" \
	"$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" --no-print-directory print-version)" \
	"$version"
revision=$(cd "$top" && sh tools/revision.sh)
expect "--version" "$("$argomig" --version)" "argomig $version (git $revision)"
expect "version command" "$("$argomig" version)" "argomig $version (git $revision)"
expect "preflight --version" "$("$preflight" --version)" "argomig-preflight $version (git $revision)"
expect "plugin spec.version" "$(sed -n 's/^  version: "\(.*\)"$/\1/p' "$top/cmp/plugin.yaml")" "$version"
expect "generate's preflight image" \
	"$(sh "$top/tools/render-example.sh" "$argomig" "$top/examples/orders" | sed -n 's/^ *image: \(ghcr.io\/argomig\/.*\)$/\1/p' | sort -u)" \
	"ghcr.io/argomig/argomig-preflight:$version"
tags=$(cd "$top" && grep -rhoE 'ghcr\.io/argomig/argomig-[a-z]+:[0-9][^"` ]*' \
	--exclude-dir=build --exclude-dir=node_modules --exclude-dir=.git . | sed 's/.*://' | sort -u)
expect "every image tag in the tree" "$tags" "$version"
case $revision in
unknown) ;;
*) expect "revision is HEAD" "${revision%-dirty}" "$(git -C "$top" rev-parse --short=12 HEAD)" ;;
esac

# tools/revision.sh in a scratch repository.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rev() { (cd "$tmp/repo" && sh "$top/tools/revision.sh" "$@"); }
mkdir "$tmp/repo"
expect "outside git" "$(rev)" unknown
git -C "$tmp/repo" init -q
git -C "$tmp/repo" -c user.name=t -c user.email=t@e commit -q --allow-empty -m one
one=$(git -C "$tmp/repo" rev-parse --short=12 HEAD)
expect "clean tree" "$(rev)" "$one"
echo a >"$tmp/repo/f"
git -C "$tmp/repo" add f
git -C "$tmp/repo" -c user.name=t -c user.email=t@e commit -q -m two
two=$(git -C "$tmp/repo" rev-parse --short=12 HEAD)
expect "new commit" "$(rev)" "$two"
echo b >"$tmp/repo/f"
expect "edited tracked file" "$(rev)" "$two-dirty"
hdr=$tmp/gen/revision.h
rev "$hdr" "$one"
expect "header" "$(sed -n 2p "$hdr")" "#define AM_REVISION \"$one\""
touch -d '2001-01-01 00:00' "$hdr"
rev "$hdr" "$one"
expect "same revision keeps the header" "$(date -r "$hdr" +%Y)" 2001
rev "$hdr" "$two"
expect "new revision rewrites it" "$(sed -n 2p "$hdr")" "#define AM_REVISION \"$two\""
expect "rewritten" "$(date -r "$hdr" +%Y)" "$(date +%Y)"
rev "$hdr" 'x"; evil' 2>/dev/null
expect "bad revision refused" "$?" 2
expect "bad revision leaves the header" "$(sed -n 2p "$hdr")" "#define AM_REVISION \"$two\""

summary version
