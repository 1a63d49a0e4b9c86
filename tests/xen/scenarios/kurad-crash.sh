# Scenario: a crashed client VM is restarted; a crashed service domain is restarted and the client VM is unaffected
# timeout: 300

run() {
	local svc cli cli2 svc2
	kurad_up pv
	svc=$SVC cli=$CLI
	guest_kick "$cli" "echo c > /proc/sysrq-trigger"
	check "the client VM comes back as a new domain" wait_for 120 \
		sh -c "id=\$(xl domid kura-client 2>/dev/null) && [ \"\$id\" != $cli ] && xenstore-read /local/domain/\$id/data/alive"
	cli2=$(domid_of kura-client)
	log "client VM restarted: domain $cli -> $cli2"
	check "kurad logged the crash" grep -q "kura-client: running -> .*crash" "$KURAD_LOG"
	check "the service domain was not touched" [ "$(domid_of kura-service)" = "$svc" ]
	guest_kick "$svc" "echo c > /proc/sysrq-trigger"
	check "the service domain comes back" wait_for 120 \
		sh -c "id=\$(xl domid kura-service 2>/dev/null) && [ \"\$id\" != $svc ] && xenstore-read /local/domain/\$id/data/alive"
	svc2=$(domid_of kura-service)
	check "the client VM is unaffected" [ "$(domid_of kura-client)" = "$cli2" ]
	check "and still answers" guest_exec "$cli2" 30 true
	kuractl status
	check "restart counts" sh -c "kuractl status --json | grep -q '\"restarts\": 1'"
	log "service domain restarted: $svc -> $svc2"
}
