# shellcheck shell=sh
# checks.sh: the check helpers of the kura-image test scripts, sourced
# after they cd into their scratch directory.  Each helper counts one check,
# passed or failed; the script ends with `checks_done NAME`.
pass=0 failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
# expect MESSAGE COMMAND...: COMMAND succeeds.
expect() {
	msg=$1
	shift
	if "$@"; then ok; else bad "$msg"; fi
}
# check NAME COMMAND...: COMMAND succeeds; what it printed is in ./out.
check() {
	name=$1
	shift
	if "$@" > out 2>&1; then ok; else bad "$name"; cat out; fi
}
# refuse NAME TEXT COMMAND...: COMMAND fails and says TEXT.
refuse() {
	name=$1 text=$2
	shift 2
	if "$@" > out 2>&1; then
		bad "$name: succeeded"
	elif grep -q -- "$text" out; then
		ok
	else
		bad "$name: does not say \"$text\""
		cat out
	fi
}
# checks_done NAME: the summary line; fails unless every check passed and
# there was at least one.
checks_done() {
	echo "$1: $pass passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$pass" -gt 0 ]
}
