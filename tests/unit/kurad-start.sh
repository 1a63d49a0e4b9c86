#!/bin/sh
# kurad refuses to run, with a clear message and exit status 1, when it
# cannot: no configuration, an invalid one, or no Xen (this machine).  Its
# life inside dom0 (signals, domains) is tested in the Xen tier.
set -u
kurad="${top_builddir:?}/daemon/kurad"
cases="${top_srcdir:?}/tests/kurad/conf"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
# expect DESCRIPTION STATUS PATTERN COMMAND...: exit STATUS, and PATTERN in
# what kurad printed.
expect() {
	what=$1 want=$2 pattern=$3
	shift 3
	# shellcheck disable=SC2086 # the wrapper is a command with arguments
	${KURA_TEST_WRAPPER:-} "$@" > "$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -q -- "$pattern" "$tmp/out"; then
		echo "FAIL: $what: exit $rc (want $want), output:"
		cat "$tmp/out"
		failed=1
	fi
}

expect "missing configuration" 1 "$tmp/none.conf" \
	"$kurad" -d -f "$tmp/none.conf"
cp "$cases/minimal/service.cfg" "$cases/minimal/client.cfg" "$tmp/"
printf 'service = "service.cfg"\nclient = "client.cfg"\naudit_log = "%s/audit.log"\nsocket = "%s/kurad.sock"\nbogus = 1\n' \
	"$tmp" "$tmp" > "$tmp/bad.conf"
expect "invalid configuration" 1 'bad.conf:5: error: unsupported key "bogus"' \
	"$kurad" -d -f "$tmp/bad.conf"
grep -v bogus "$tmp/bad.conf" > "$tmp/kurad.conf"
expect "no Xen here" 1 "is this dom0" "$kurad" -d -f "$tmp/kurad.conf"
[ -e "$tmp/kurad.sock" ] && { echo "FAIL: a socket was left behind"; failed=1; }
expect "bad option" 2 "usage: kurad" "$kurad" -x
expect "extra argument" 2 "usage: kurad" "$kurad" -d extra
[ $failed -eq 0 ] && echo "PASS: kurad refuses to start without a usable configuration or Xen"
exit $failed
