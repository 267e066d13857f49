#!/bin/sh
# deps.sh - install the Debian packages argomig needs to build and test.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu
PKGS="libyaml-dev libjansson-dev libgit2-dev libpq-dev libpg-query-dev \
libcriterion-dev libprotobuf-c-dev libyajl-dev zlib1g-dev pkg-config postgresql clang libclang-rt-14-dev \
git ca-certificates"
missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
# The machine image ships Node.js (with npm) from nodesource; Debian's own
# nodejs + npm are the fallback on a machine without them.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "argomig: missing packages; run as root:" >&2
		echo "  apt-get install -y$missing" >&2
		exit 1
	fi
	echo "argomig: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
