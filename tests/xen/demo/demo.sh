# Scenario: the README demo: the emulated laptop, with kurad running the hidden service domain and the client VM
# timeout: 300
# boot: demo

run() {
	local line
	say "Xen $(xl info | sed -n 's/^xen_version *: //p') is up; dom0 runs Linux $(uname -r)"
	kurad_config pv
	say "starting kurad: the service domain first, then the client VM"
	kurad_start
	wait_alive 120 kura-service > /dev/null || fail "the service domain did not come up"
	wait_alive 120 kura-client > /dev/null || fail "the client VM did not come up"
	say "kuractl status (root):"
	kuractl status | while IFS= read -r line; do say "  $line"; done
	say "kuractl status (an employee: the service domain is hidden):"
	as_user employee kuractl status | while IFS= read -r line; do say "  $line"; done
	say "the client VM crashes (sysrq c); kurad restarts it:"
	guest_kick "$(domid_of kura-client)" "echo c > /proc/sysrq-trigger"
	wait_for 60 sh -c "grep -q 'kura-client: backoff -> starting' $KURAD_LOG" || fail "no restart"
	wait_alive 120 kura-client > /dev/null || fail "the client VM did not come back"
	kuractl status | while IFS= read -r line; do say "  $line"; done
	say "host shutdown: kuractl shutdown (client VM first, then the service domain)"
	kuractl shutdown > /dev/null || fail "shutdown refused"
	wait_for 90 sh -c '! pidof kurad' || fail "kurad did not finish"
	grep '"event":"domain"' "$AUDIT_LOG" | tail -n 4 |
		sed 's/.*"name":"\([^"]*\)".*"state":"\([a-z]*\)".*"time":"\([^"]*\)".*/\3 \1 \2/' |
		while IFS= read -r line; do say "  audit: $line"; done
}
