#!/bin/sh
# lint-bench.sh ARGOMIG YAML_PARSE DIR - `make bench` for `argomig lint`.
#
# Generates a stream of 10,000 Kubernetes objects (gen-k8s-corpus.sh,
# about 8 MB) in DIR and compares `argomig lint` with YAML_PARSE, a C
# program that only parses the same bytes with libyaml: instruction
# counts (callgrind, repeatable on a busy machine) and wall time (the
# minimum of 5 runs), as ratios. The goal is at most 2x the bare parse.
# Then peak RSS of argomig on 1x, on 10x as ten files, and on a 7x
# single stream on stdin: it must stay flat (bounded by the largest
# document, not by the input).
set -eu
argomig=$1
parse=$2
dir=$3
here=$(dirname "$0")
. "$here/lib.sh"
n=10000
mkdir -p "$dir/10x"
if [ ! -f "$dir/1x.yaml" ] || [ "$here/gen-k8s-corpus.sh" -nt "$dir/1x.yaml" ]; then
	sh "$here/gen-k8s-corpus.sh" "$dir/1x.yaml" "$n"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		cp "$dir/1x.yaml" "$dir/10x/part$i.yaml"
	done
fi
bytes=$(wc -c <"$dir/1x.yaml")

instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*refs: *//p' | tr -d ,
}

rss_stdin() {
	rss sh -c "$1"
}

echo "argomig lint bench: $n objects, $bytes bytes (tools/bench/gen-k8s-corpus.sh)"
if command -v valgrind >/dev/null 2>&1; then
	ip=$(instructions "$parse" "$dir/1x.yaml")
	il=$(instructions "$argomig" lint "$dir/1x.yaml")
else
	ip=0 il=0
	echo "(valgrind is missing: no instruction counts)"
fi
wp=$(wall "$parse" "$dir/1x.yaml")
wl=$(wall "$argomig" lint "$dir/1x.yaml")
rp=$(rss "$parse" "$dir/1x.yaml")
rl=$(rss "$argomig" lint "$dir/1x.yaml")
r10=$(rss "$argomig" lint "$dir"/10x/part*.yaml)
r10d=$(rss "$argomig" lint "$dir/10x")
r7=$(rss_stdin "cat $dir/1x.yaml $dir/1x.yaml $dir/1x.yaml $dir/1x.yaml $dir/1x.yaml $dir/1x.yaml $dir/1x.yaml | $argomig lint -")
awk -v ip="$ip" -v il="$il" -v wp="$wp" -v wl="$wl" -v rp="$rp" -v rl="$rl" 'BEGIN {
	printf "%-26s %16s %12s %10s\n", "", "instructions", "wall (min 5)", "peak RSS"
	printf "%-26s %16.0f %10.3f s %7.1f MB\n", "libyaml parse only", ip, wp, rp
	printf "%-26s %16.0f %10.3f s %7.1f MB\n", "argomig lint", il, wl, rl
	printf "%-26s %15.2fx %11.2fx   (goal: at most 2x)\n", "ratio",
		(ip ? il / ip : 0), (wp > 0 ? wl / wp : 0)
}'
echo "peak RSS of argomig lint: 1x $rl MB; 10x as ten inputs $r10 MB; 7x as one stream on stdin $r7 MB"
echo "  10x as one directory input: $r10d MB (the cross-object rules keep a summary of every object of an input)"
