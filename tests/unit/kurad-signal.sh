#!/bin/sh
# kurad in the foreground starts, logs, and exits 0 on SIGTERM and SIGINT.
# KURA_TEST_WRAPPER (e.g. valgrind) is put before the daemon when set.
set -u
kurad="${top_builddir:?}/daemon/kurad"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/log" 2>/dev/null; exit 1; }

# run_until_signal SIGNAL: start kurad, wait for its start line, signal it.
run_until_signal() {
	: > "$tmp/log"
	# shellcheck disable=SC2086 # the wrapper is a command with arguments
	${KURA_TEST_WRAPPER:-} "$kurad" -d 2> "$tmp/log" &
	pid=$!
	n=0
	until grep -q 'started, pid' "$tmp/log"; do
		n=$((n + 1))
		[ $n -le 300 ] || { kill -9 $pid; fail "no start line after 30 s"; }
		kill -0 $pid 2>/dev/null || fail "kurad died before starting"
		sleep 0.1
	done
	kill -"$1" $pid
	wait $pid
	rc=$?
	[ $rc -eq 0 ] || fail "kurad exited $rc after SIG$1"
	grep -q "shutting down" "$tmp/log" || fail "no shutdown line after SIG$1"
	grep -q "kurad: kurad_run: stopped" "$tmp/log" || fail "no stop line after SIG$1"
}

run_until_signal TERM
run_until_signal INT
"$kurad" -x 2>/dev/null; [ $? -eq 2 ] || fail "bad option must exit 2"
echo "PASS: kurad stops cleanly on SIGTERM and SIGINT"
