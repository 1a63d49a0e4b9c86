# Scenario: kurad starts in dom0, in the foreground and daemonized; SIGTERM stops it cleanly (exit 0) and leaves its domains running
# timeout: 150

run() {
	local pid rc svc
	kurad_config pv
	kurad -d 2> /run/kurad-fg.log &
	pid=$!
	check "kurad -d logs its start" wait_for 20 grep -q 'started, pid' /run/kurad-fg.log
	svc=$(wait_alive 90 kura-service) || fail "no service domain"
	kill -TERM $pid
	wait $pid
	rc=$?
	cat /run/kurad-fg.log
	check "kurad -d exits 0 on SIGTERM (got $rc)" [ $rc -eq 0 ]
	check "it says the domains run on" grep -q 'stopped; the domains run on' /run/kurad-fg.log
	check "the service domain runs on" [ "$(domid_of kura-service)" = "$svc" ]

	# Daemonized, kurad logs to syslog and adopts what runs.
	check "kurad daemonizes" kurad
	check "the daemon runs" wait_for 10 pidof kurad
	pid=$(pidof kurad)
	check "syslog has the start" wait_for 10 grep -q "kurad\[$pid\].*started" /var/log/messages
	check "it adopted the service domain" wait_for 20 \
		grep -q "kurad\[$pid\].*adopted running domain $svc" /var/log/messages
	kill -TERM "$pid"
	check "the daemon exits on SIGTERM" wait_for 10 sh -c "! kill -0 $pid"
	check "syslog has the stop" wait_for 10 grep -q "kurad\[$pid\].*stopped" /var/log/messages
	check "the service domain still runs" [ "$(domid_of kura-service)" = "$svc" ]
}
