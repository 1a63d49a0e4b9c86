# Scenario: kill -9 of kurad leaves both domains running; a new kurad adopts them with their domain ids unchanged
# timeout: 200

run() {
	local svc cli
	kurad_up pv
	svc=$SVC cli=$CLI
	check "kurad sees both running" wait_for 20 state_is kura-client running
	killall -9 kurad
	check "kurad is gone" wait_for 10 sh -c "! pidof kurad"
	check "the domains survive kill -9" [ "$(domid_of kura-service) $(domid_of kura-client)" = "$svc $cli" ]
	kurad_start
	check "the new kurad reports the service domain running" wait_for 20 state_is kura-service running
	check "and the client VM" state_is kura-client running
	check "it adopted them (log)" grep -q "adopted running domain $cli" "$KURAD_LOG"
	check "domain ids are unchanged" [ "$(domid_of kura-service) $(domid_of kura-client)" = "$svc $cli" ]
	check "the guests still answer" guest_exec "$cli" 30 true
}
