#!/bin/sh
# Every kura program answers --version, -h and rejects what it does not know.
set -u
b="${top_builddir:?}"
failed=0
check() { # DESCRIPTION EXPECTED-RC COMMAND...
	what=$1 want=$2; shift 2
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: $what: exit $rc, expected $want: $out"; failed=1
	fi
}
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$b/config.h")
for p in daemon/kurad daemon/kuractl policy/kura-policy imagetool/kura-image \
    server/kura-server; do
	name=$(basename $p)
	out=$("$b/$p" -V)
	[ "$out" = "$name (kura) $version" ] || { echo "FAIL: $name -V: '$out'"; failed=1; }
	check "$name -h" 0 "$b/$p" -h
	check "$name -Z" 2 "$b/$p" -Z
done
for p in daemon/kuractl policy/kura-policy imagetool/kura-image server/kura-server; do
	name=$(basename $p)
	check "$name --version" 0 "$b/$p" --version
	check "$name no-such-command" 2 "$b/$p" no-such-command
	check "$name without arguments" 2 "$b/$p"
done
# kuractl's own "version" asks kurad: without one it says so, and fails
# (scripts wait for kurad with it).
out=$("$b/daemon/kuractl" -s /nonexistent/kurad.sock version 2>&1); rc=$?
case "$rc:$out" in
3:*"kurad not reachable"*) ;;
*) echo "FAIL: kuractl version without kurad: exit $rc: $out"; failed=1 ;;
esac
check "kuractl device show without an id" 2 "$b/daemon/kuractl" device show
check "kuractl policy load without a file" 2 "$b/daemon/kuractl" policy load
[ $failed -eq 0 ] && echo "PASS: programs answer -V/-h and reject bad input"
exit $failed
