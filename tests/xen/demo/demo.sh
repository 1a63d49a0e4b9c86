# Scenario: the README demo: the emulated laptop with kurad running and a guest domain created and listed
# timeout: 180
# boot: demo

run() {
	local domid v
	say "Xen $(xl info | sed -n 's/^xen_version *: //p') is up; dom0 runs Linux $(uname -r)"
	kurad
	wait_for 10 pidof kurad || fail "kurad did not start"
	say "kurad is running (pid $(pidof kurad)): $(grep 'kurad\[' /var/log/messages | tail -n 1 | sed 's/.*kurad_run: //')"
	say "creating a PV guest standing in for the client VM through kura's libxl layer"
	domid=$(guest_create client client 128) || fail "guest creation failed"
	v=$(xs_wait 120 "/local/domain/$domid/data/alive") || fail "the guest did not come up"
	say "the guest (domain $domid) is up and reports '$v' through xenstore"
	say "domains:"
	kura-xentest list | while IFS= read -r line; do say "  $line"; done
	say "stopping: guest destroyed, kurad stopped by SIGTERM"
	kura-xentest destroy client || fail "destroy failed"
	killall kurad
	wait_for 10 sh -c '! pidof kurad' || fail "kurad did not stop"
	say "$(grep 'kurad\[' /var/log/messages | tail -n 1 | sed 's/.*kurad_run: /kurad: /')"
}
