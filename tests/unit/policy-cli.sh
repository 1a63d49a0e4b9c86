#!/bin/sh
# Golden tests of the kura-policy commands: for each tests/policy/cli/NAME.args
# (the arguments, in shell syntax, run from that directory) the output and
# exit status must equal NAME.out ("exit N" on the first line, then stdout
# and stderr).  REGRESS_UPDATE=1 rewrites the .out files.
set -u
dir="${top_srcdir:?}/tests/policy/cli"
prog="${top_builddir:?}/policy/kura-policy"
cd "$dir" || exit 99
pass=0 failed=0
tmp=$(mktemp) || exit 99
trap 'rm -f "$tmp"' EXIT
for args in *.args; do
	name=${args%.args}
	# shellcheck disable=SC2046 # the arguments are shell words on purpose
	eval "set -- $(cat "$args")"
	out=$(${KURA_TEST_WRAPPER:-} "$prog" "$@" 2>&1)
	rc=$?
	printf 'exit %d\n%s\n' "$rc" "$out" > "$tmp"
	if [ "${REGRESS_UPDATE:-0}" = 1 ]; then
		cp "$tmp" "$name.out"
	fi
	if cmp -s "$tmp" "$name.out"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $name (kura-policy $(cat "$args"))"
		diff -u "$name.out" "$tmp"
		failed=$((failed + 1))
	fi
done
echo "policy-cli: $pass passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$pass" -gt 0 ]
