# expect.sh - counting checks for the shell test scripts (sourced).
#
#   expect NAME GOT WANT   passes when GOT equals WANT, else prints both
#   ok / bad MESSAGE        count a check that passed / failed
#   summary FAMILY          prints "FAMILY: N passed, M failed"; false if M > 0
fail=0
n=0
ok() { n=$((n + 1)); }
bad() {
	n=$((n + 1))
	fail=$((fail + 1))
	echo "FAIL $*"
}
expect() {
	if [ "$2" = "$3" ]; then
		ok
	else
		bad "$1"
		printf '  got:  %s\n  want: %s\n' "$2" "$3"
	fi
}
summary() {
	echo "$1: $((n - fail)) passed, $fail failed"
	[ "$fail" -eq 0 ]
}
