# Scenario: a client VM that powers off stays off while the service domain runs on; host shutdown stops the client VM before the service domain, then kurad exits
# timeout: 240

run() {
	local svc cli order
	kurad_up pv
	svc=$SVC cli=$CLI
	guest_kick "$cli" "poweroff -f"
	check "the client VM is stopped" wait_for 60 state_is kura-client stopped
	check "and gone" sh -c "! xl domid kura-client"
	sleep 3
	check "it was not restarted (on_poweroff = destroy)" sh -c "! xl domid kura-client"
	check "the service domain still runs" [ "$(domid_of kura-service)" = "$svc" ]
	check "an admin starts the client VM again" kuractl vm start
	cli=$(wait_alive 90 kura-client) || fail "the client VM did not come back"
	: > "$AUDIT_LOG.order"
	check "host shutdown is accepted" kuractl shutdown
	check "kurad exits when both are down" wait_for 90 sh -c "! pidof kurad"
	check "no domains are left" sh -c "! xl domid kura-client && ! xl domid kura-service"
	order=$(grep '"state":"stopped"' "$AUDIT_LOG" | grep -o '"name":"kura-[a-z]*"' | tail -n 2 | tr '\n' ' ')
	log "stop order: $order"
	check "the client VM stopped first" [ "$order" = '"name":"kura-client" "name":"kura-service" ' ]
	check "the guests shut down cleanly (no destroy after a timeout)" \
		sh -c "! grep -q 'did not shut down' $KURAD_LOG"
}
