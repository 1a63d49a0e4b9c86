# Scenario: kurad starts the service domain, then the client VM; status for root, an admin and an employee (who cannot stop anything); the service domain is hidden; garbage on the control socket leaves kurad alive
# timeout: 300

run() {
	local svc cli out rc
	kurad_up pv
	svc=$SVC cli=$CLI
	check "the service domain was created before the client VM" [ "$svc" -lt "$cli" ]
	check "the audit log shows the service domain starting first" \
		sh -c "grep '\"event\":\"domain\"' $AUDIT_LOG | grep -m1 starting | grep -q kura-service"
	kuractl status
	check "root sees both domains running" \
		[ "$(state_of kura-service) $(state_of kura-client)" = "running running" ]
	out=$(as_user employee kuractl status)
	echo "$out"
	check "an employee sees the client VM" sh -c "echo '$out' | grep -q '^kura-client .* running'"
	check "an employee does not see the service domain" sh -c "! echo '$out' | grep -q kura-service"
	as_user employee kuractl vm stop
	rc=$?
	check "an employee cannot stop the client VM (exit 4, got $rc)" [ $rc -eq 4 ]
	as_user employee kuractl service restart
	check "nor restart the service domain" [ $? -eq 4 ]
	check "the client VM still runs" [ "$(domid_of kura-client)" = "$cli" ]
	check "an admin in group kura sees the service domain" \
		sh -c "su -s /bin/sh itadmin -c 'kuractl service status' | grep -q kura-service"
	# The client VM cannot read the service domain's xenstore directory.
	out=$(guest_exec "$cli" 30 "xenstore-ls /local/domain/$svc")
	check "the client VM cannot read the service domain's xenstore ($out)" [ $? -ne 0 ]
	# Garbage, oversized and unknown requests: error replies, and kurad lives.
	out=$(printf 'this is not json\n' | socat -t2 - UNIX-CONNECT:/run/kura/kurad.sock)
	log "garbage -> $out"
	check "garbage gets an error reply" sh -c "echo '$out' | grep -q '\"ok\":false'"
	out=$(printf '{"v":1,"id":3,"cmd":"reboot-the-moon"}\n' | socat -t2 - UNIX-CONNECT:/run/kura/kurad.sock)
	check "an unknown command gets ENOSYS" sh -c "echo '$out' | grep -q ENOSYS"
	head -c 200000 /dev/zero | tr '\0' 'x' | socat -t2 - UNIX-CONNECT:/run/kura/kurad.sock > /run/big.out
	check "an oversized request gets EMSGSIZE" grep -q EMSGSIZE /run/big.out
	check "kurad still answers" kuractl status
	check "nothing was stopped" [ "$(domid_of kura-client) $(domid_of kura-service)" = "$cli $svc" ]
}
