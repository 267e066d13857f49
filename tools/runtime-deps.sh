#!/bin/sh
# runtime-deps.sh BINARY|SONAME... - print the Debian packages holding the
# shared libraries that each BINARY loads, and each library SONAME (one
# opened with dlopen, like libgit2.so.1.5) with what it loads, one package
# per line, sorted. The Dockerfile's builder stage runs it so each runtime
# stage installs exactly what its binary needs, whatever libraries the
# Makefile adds later (`make print-dlopen` names the dlopen ones).
set -eu
[ $# -ge 1 ] || { echo "usage: runtime-deps.sh BINARY|SONAME..." >&2; exit 2; }
out=
for bin in "$@"; do
	case $bin in
	*/*) ;;
	*)
		# A soname: its path from the dynamic linker's cache.
		so=$(ldconfig -p | awk -v n="$bin" '$1 == n { print $NF; exit }')
		[ -n "$so" ] || { echo "runtime-deps.sh: $bin is not installed" >&2; exit 1; }
		out="$out
$bin => $so (0x0)"
		bin=$so
		;;
	esac
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
