#!/bin/sh
# node-deps.sh - install the npm packages the tests use, exactly as locked
# in tools/node/package-lock.json, into tools/node/node_modules (npm ci),
# when they are missing or older than the lock file.
set -eu
dir=$(cd "$(dirname "$0")/node" && pwd)
stamp=$dir/node_modules/.package-lock.json
if [ -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$stamp" ]; then
	exit 0
fi
echo "argomig: installing npm packages into $dir" >&2
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
