#!/bin/sh
# deps.sh - install the Debian packages argomig needs to build and test.
# As root it runs apt-get; otherwise it prints the exact command and fails.
#
#   deps.sh                  what `make test` needs
#   deps.sh image            what `make image` adds: podman (with runc) and debootstrap
#   deps.sh build-packages   print the packages the Dockerfile's builder stage
#                            installs: the -dev libraries below and pkg-config
set -eu
PKGS="libyaml-dev libjansson-dev libgit2-dev libpq-dev libpg-query-dev \
libcriterion-dev libprotobuf-c-dev libyajl-dev zlib1g-dev pkg-config postgresql clang libclang-rt-14-dev \
git ca-certificates pre-commit jq"
# Needed by tests only, never by the build.
TEST_ONLY="libcriterion-dev libclang-rt-14-dev"
case ${1:-} in
build-packages)
	for p in $PKGS; do
		case " $TEST_ONLY " in *" $p "*) continue ;; esac
		case $p in *-dev | pkg-config) echo "$p" ;; esac
	done
	exit 0
	;;
image)
	PKGS="podman runc debootstrap"
	;;
esac
missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
# The machine image ships Node.js (with npm) from nodesource; Debian's own
# nodejs + npm are the fallback on a machine without them.
[ "${1:-}" = image ] || command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
# `kubectl kustomize` renders manifests/. The machine image may ship a
# kubectl; Debian's kubernetes-client (kubectl 1.20) is the fallback.
[ "${1:-}" = image ] || kubectl kustomize --help >/dev/null 2>&1 ||
	missing="$missing kubernetes-client"
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
