#!/bin/sh
# runtime-deps.sh BINARY... - print the Debian packages holding the shared
# libraries that BINARY loads, one per line, sorted. The Dockerfile's builder
# stage runs it so each runtime stage installs exactly what its binary links,
# whatever libraries the Makefile adds later, and nothing else.
set -eu
[ $# -ge 1 ] || { echo "usage: runtime-deps.sh BINARY..." >&2; exit 2; }
out=
for bin in "$@"; do
	out="$out
$(ldd "$bin")" || { echo "runtime-deps.sh: ldd $bin failed" >&2; exit 1; }
done
missing=$(echo "$out" | awk '$2 == "=>" && $3 !~ /^\// { print $1 }')
[ -z "$missing" ] || { echo "runtime-deps.sh: not found: $missing" >&2; exit 1; }
libs=$(echo "$out" | awk '$2 == "=>" { print $3 }' | sort -u)
pkgs=
for lib in $libs; do
	real=$(readlink -f "$lib")
	pkg=
	# Debian 12 is merged-/usr: dpkg may know a library under /lib or /usr/lib.
	for p in "$lib" "$real" "/usr${lib#/usr}" "${lib#/usr}" "/usr${real#/usr}" "${real#/usr}"; do
		pkg=$(dpkg-query -S "$p" 2>/dev/null | sed -n '1s/:.*//p') && [ -n "$pkg" ] && break
	done
	[ -n "$pkg" ] || { echo "runtime-deps.sh: no package holds $lib" >&2; exit 1; }
	pkgs="$pkgs $pkg"
done
# shellcheck disable=SC2086 # one package per word
printf '%s\n' $pkgs | sort -u
