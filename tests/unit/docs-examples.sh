#!/bin/sh
# The examples in docs/policy.md work: every code block holding a
# "version" statement compiles cleanly (no errors, no warnings), and the
# CASES example passes against the first example policy.
set -u
doc="${top_srcdir:?}/docs/policy.md"
prog="${top_builddir:?}/policy/kura-policy"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
# Split the code blocks into tmp/block-N.
awk -v dir="$tmp" '
	/^```/ { if (inblock) { inblock = 0 } else { inblock = 1; n++ }; next }
	inblock { print > (dir "/block-" n) }' "$doc"
policies=0 failed=0
for b in "$tmp"/block-*; do
	grep -q '^version [0-9]' "$b" || continue
	policies=$((policies + 1))
	out=$("$prog" check --strict "$b" 2>&1) || {
		echo "FAIL: a policy example does not check cleanly:"
		cat "$b"
		echo "$out"
		failed=1
	}
	[ -f "$tmp/first.policy" ] || cp "$b" "$tmp/first.policy"
done
cases=$(grep -l '^# device  *| context' "$tmp"/block-* | head -n 1)
if [ -z "$cases" ] || [ "$policies" -lt 3 ]; then
	echo "FAIL: expected policy and case examples in $doc"
	exit 1
fi
"$prog" test "$tmp/first.policy" "$cases" || failed=1
echo "docs-examples: $policies policy examples checked"
exit $failed
