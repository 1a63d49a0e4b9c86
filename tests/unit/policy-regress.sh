#!/bin/sh
# Golden tests of the policy language.  For each tests/policy/parse/NAME.policy,
# `kura-policy compile NAME.policy`, run from that directory, must print what
# NAME.out holds: a first line "exit N", then its stdout, then its stderr.
# REGRESS_UPDATE=1 rewrites the .out files from what the program prints.
# KURA_TEST_WRAPPER (e.g. valgrind --quiet) is put before the program.
set -u
prog="${top_builddir:?}/policy/kura-policy"
dir="${top_srcdir:?}/tests/policy/parse"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/policy-regress.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Runs one case; its output in the .out format goes to stdout.
run_case() { # FILE
	# The wrapper is a command line: split on purpose.
	# shellcheck disable=SC2086
	${KURA_TEST_WRAPPER:-} "$prog" compile "$1" >"$tmp/stdout" 2>"$tmp/stderr"
	echo "exit $?"
	cat "$tmp/stdout" "$tmp/stderr"
}

cd "$dir" || exit 1
n=0 failed=0 updated=0
for f in *.policy; do
	[ -e "$f" ] || { echo "FAIL: no cases in $dir"; exit 1; }
	name=${f%.policy}
	n=$((n + 1))
	run_case "$f" >"$tmp/got"
	if [ "${REGRESS_UPDATE:-0}" = 1 ]; then
		cmp -s "$tmp/got" "$name.out" || {
			cp "$tmp/got" "$name.out" && updated=$((updated + 1))
		}
	elif [ ! -e "$name.out" ]; then
		echo "FAIL: $name: no $name.out (REGRESS_UPDATE=1 writes it)"
		failed=$((failed + 1))
	elif ! diff -u "$name.out" "$tmp/got"; then
		echo "FAIL: $name"
		failed=$((failed + 1))
	fi
done
if [ "${REGRESS_UPDATE:-0}" = 1 ]; then
	echo "UPDATED: $updated of $n cases"
	exit 0
fi
if [ "$failed" -ne 0 ]; then
	echo "FAIL: $failed of $n cases"
	exit 1
fi
echo "PASS: $n cases"
