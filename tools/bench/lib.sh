# lib.sh - measuring helpers shared by the make bench scripts (sourced).

# The minimum wall time of 5 runs of "$@", in seconds. For runs of a
# tenth of a second and more; generate-bench.sh times batches instead.
wall() {
	best=
	for _ in 1 2 3 4 5; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		t=$((t1 - t0))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

# Peak resident set size of "$@", in MiB.
rss() {
	/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1 |
		awk '{ printf "%.1f", $1 / 1024 }'
}
