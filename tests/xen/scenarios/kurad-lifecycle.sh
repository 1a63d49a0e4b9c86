# Scenario: kurad starts in dom0, in the foreground and daemonized, and stops cleanly on SIGTERM
# timeout: 60

run() {
	local pid rc
	kurad -d 2> /run/kurad.log &
	pid=$!
	check "kurad -d logs its start" wait_for 20 grep -q 'started, pid' /run/kurad.log
	check "kurad -d is running" kill -0 $pid
	kill -TERM $pid
	wait $pid
	rc=$?
	cat /run/kurad.log
	check "kurad -d exits 0 on SIGTERM (got $rc)" [ $rc -eq 0 ]
	check "kurad -d logs its stop" grep -q 'kurad_run: stopped' /run/kurad.log

	# Daemonized, kurad logs to syslog.
	check "kurad daemonizes" kurad
	check "the daemon runs" wait_for 10 pidof kurad
	pid=$(pidof kurad)
	check "syslog has the start" wait_for 10 grep -q "kurad\[$pid\].*started" /var/log/messages
	kill -TERM "$pid"
	check "the daemon exits on SIGTERM" wait_for 10 sh -c "! kill -0 $pid"
	check "syslog has the stop" wait_for 10 grep -q "kurad\[$pid\].*stopped" /var/log/messages
	grep kurad /var/log/messages
}
