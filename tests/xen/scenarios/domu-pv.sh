# Scenario: a PV guest created through kura's libxl layer reports itself alive through xenstore, and is destroyed
# timeout: 150

run() {
	local domid t0 v rc
	t0=$(uptime_s)
	domid=$(guest_create kt-client client) || fail "kura-xentest create failed"
	log "created kt-client as domain $domid in $(($(uptime_s) - t0)) s"
	kura-xentest list
	check "kura-xentest lists the guest" sh -c "kura-xentest list | grep -q '^$domid  *kt-client '"
	check "xl sees it too" [ "$(xl domid kt-client)" = "$domid" ]
	v=$(xs_wait 100 "/local/domain/$domid/data/alive") || fail "no data/alive from the guest in 100 s"
	log "guest alive after $(($(uptime_s) - t0)) s: $v"
	check "the guest reports the client role" [ "${v%% *}" = client ]
	v=$(guest_exec "$domid" 30 "cat /sys/hypervisor/guest_type") || fail "guest_exec failed ($?)"
	check "the guest runs PV (got '$v')" [ "$v" = PV ]
	v=$(guest_exec "$domid" 30 "echo one; echo two; exit 3")
	rc=$?
	check "guest_exec returns the exit status (got $rc)" [ $rc -eq 3 ]
	check "guest_exec returns the output (got '$v')" [ "$v" = "$(printf 'one\ntwo')" ]
	check "kura-xentest destroys it" kura-xentest destroy kt-client
	check "the domain is gone" sh -c "! xl domid kt-client 2> /dev/null"
	check "its xenstore directory is gone" wait_for 10 sh -c "! xenstore-exists /local/domain/$domid"
}
