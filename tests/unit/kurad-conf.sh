#!/bin/sh
# Golden tests of kurad's configuration.  Each tests/kurad/conf/NAME/ holds a
# kurad.conf, the domain files it names and expected.out: a first line
# "exit N", then the stdout, then the stderr of `kurad -n -f kurad.conf` run
# from NAME/, so that the paths in messages are relative.  Each case runs a
# second time from elsewhere with NAME/'s absolute path, which must print the
# same once that path is taken out: domain files resolve against the
# configuration's directory, not the current one.
# REGRESS_UPDATE=1 rewrites the expected.out files from what kurad prints.
# KURA_TEST_WRAPPER (e.g. valgrind --quiet) is put before the program.
set -u
prog="${top_builddir:?}/daemon/kurad"
dir="${top_srcdir:?}/tests/kurad/conf"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kurad-conf.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Runs kurad -n on one configuration; its output in the expected.out format
# goes to stdout.
run_kurad() { # CONF
	# The wrapper is a command line: split on purpose.
	# shellcheck disable=SC2086
	${KURA_TEST_WRAPPER:-} "$prog" -n -f "$1" >"$tmp/stdout" 2>"$tmp/stderr"
	echo "exit $?"
	cat "$tmp/stdout" "$tmp/stderr"
}

# Literal text, quoted for a basic regular expression of sed.
bre_quote() {
	printf '%s\n' "$1" | sed 's/[][\.*^$/]/\\&/g'
}

# Checks one case; 1 if it failed.
check_case() { # NAME
	(cd "$dir/$1" && run_kurad kurad.conf) >"$tmp/got"
	if [ "${REGRESS_UPDATE:-0}" = 1 ]; then
		cmp -s "$tmp/got" "$1/expected.out" || {
			cp "$tmp/got" "$1/expected.out" &&
				updated=$((updated + 1))
		}
		return 0
	fi
	if [ ! -e "$1/expected.out" ]; then
		echo "FAIL: $1: no expected.out (REGRESS_UPDATE=1 writes it)"
		return 1
	fi
	if ! diff -u "$1/expected.out" "$tmp/got"; then
		echo "FAIL: $1"
		return 1
	fi
	(cd "$tmp" && run_kurad "$dir/$1/kurad.conf") |
		sed "s/$(bre_quote "$dir/$1/")//g" >"$tmp/got-abs"
	if ! diff -u "$1/expected.out" "$tmp/got-abs"; then
		echo "FAIL: $1, run from elsewhere as $dir/$1/kurad.conf"
		return 1
	fi
	return 0
}

cd "$dir" || exit 1
n=0 failed=0 updated=0
for d in */; do
	[ -d "$d" ] || { echo "FAIL: no cases in $dir"; exit 1; }
	name=${d%/}
	n=$((n + 1))
	check_case "$name" || failed=$((failed + 1))
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
