# Scenario: an HVM client VM under kurad: started after the service domain, crash -> restarted, clean stop through its PV drivers; kuractl events for an admin and an employee; the service domain's health (ready, invalid, oversized); credit2 isolation and kurad's memory measured
# timeout: 1400

# health_of NAME: the health kurad reports for a domain.
health_of() {
	kuractl status --json | tr -d ' \n' | grep -o "{[^{}]*\"name\":\"$1\"[^{}]*}" |
		sed -n 's/.*"health":"\([a-z]*\)".*/\1/p'
}

health_is() {
	[ "$(health_of "$1")" = "$2" ]
}

# kick_done DOMID: the command last given with guest_kick has finished.
kick_done() {
	local d=/local/domain/$1/data
	[ "$(xenstore-read "$d/cmd-seq" 2> /dev/null)" = "$(xenstore-read "$d/cmd" | cut -d' ' -f1)" ]
}

# cpu_s NAME: the CPU seconds Xen has given a domain.
cpu_s() {
	xl list "$1" | awk 'NR == 2 { print $6 }'
}

# share WEIGHT CAP: the fraction of a pCPU the client VM gets while it and
# the service domain, with these credit2 settings, both spin on it.  Xen's
# own accounting, not loop counts: under TCG the pCPUs' speed varies with
# the host's load, the split between the two domains does not.  The window
# lies inside both loops.
share() {
	local c0 s0 c1 s1
	xl sched-credit2 -d kura-service -w "$1" -c "$2"
	guest_kick "$SVC" "kura-spin 14 1"
	guest_kick "$CLI" "kura-spin 14 1"
	sleep 4
	c0=$(cpu_s kura-client) s0=$(cpu_s kura-service)
	sleep 6
	c1=$(cpu_s kura-client) s1=$(cpu_s kura-service)
	wait_for 60 kick_done "$CLI" || fail "the client's loop did not end"
	wait_for 60 kick_done "$SVC" || fail "the service domain's loop did not end"
	log "weight $1 cap $2: client $c0 -> $c1 s, service $s0 -> $s1 s" >&2
	awk -v c="$c1 - $c0" -v s="$s1 - $s0" 'BEGIN {
		split(c, x, " - "); c = x[1] - x[2]
		split(s, y, " - "); s = y[1] - y[2]
		if (c + s > 0) printf "%.2f", c / (c + s); else print "nan" }'
}

ratio() {
	awk "BEGIN { printf \"%.1f\", ($1) / ($2) }"
}

# The client VM's CPU share against a CPU-bound service domain, with
# kura's credit2 settings and with xl's defaults for contrast.  Both vCPUs
# are pinned to one pCPU: on a laptop the client VM has a vCPU on every
# core, so the service domain's vCPU always shares a core with one.
isolation() {
	local sched w c kura plain
	sched=$(xl sched-credit2 -d kura-service | tail -n 1)
	log "service domain: $sched"
	read -r w c <<- EOF
		$(echo "$sched" | awk '{ print $3, $4 }')
	EOF
	check "kurad set the service domain's weight ($w) and cap ($c) as configured" \
		[ "$w $c" = "$(kurad -n | awk '/^service (weight|cap) / { printf "%s%s", s, $3; s = " " }')" ]
	xl vcpu-pin kura-client 0 1
	xl vcpu-pin kura-service 0 1
	kura=$(share "$w" "$c")
	plain=$(share 256 0)
	xl sched-credit2 -d kura-service -w "$w" -c "$c"
	xl vcpu-pin kura-client 0 all
	xl vcpu-pin kura-service 0 all
	check "the shares were measured ($kura, $plain)" [ "$kura" != nan ] && [ "$plain" != nan ]
	figure "credit2 isolation: the client VM's share of a pCPU it shares with a CPU-bound service domain: $kura with kura's weight $w cap $c (target >= 0.9), $plain with xl's defaults (weight 256, no cap)"
}

memory() {
	local k x
	k=$(awk '/VmRSS/ { print $2 }' "/proc/$(pidof kurad)/status")
	x=$(awk '/VmRSS/ { print $2 }' "/proc/$(pidof xenconsoled)/status")
	figure "kurad resident memory at idle: $k KiB ($(ratio "$k" "$x")x xenconsoled's $x KiB in the same dom0)"
}

# followers: both kuractl events still run, and what they got so far.
followers() {
	log "events so far: $(wc -l < /run/events-admin.json) (admin), $(wc -l < /run/events-employee.json) (employee)"
	check "both event followers run ($(pidof kuractl))" [ "$(pidof kuractl | wc -w)" = 2 ]
}

run() {
	local cli ev_admin=/run/events-admin.json ev_user=/run/events-employee.json out
	kurad_config hvm
	kurad_start
	kuractl events --json > $ev_admin &
	as_user employee kuractl events --json > $ev_user &
	sleep 1
	followers
	SVC=$(wait_alive 90 kura-service) || fail "the service domain did not come up"
	# Time for one reboot: an HVM guest may triple-fault while booting
	# under TCG, and kurad then starts it again (on_reboot).
	CLI=$(wait_alive 480 kura-client) || fail "the HVM client VM did not come up"
	check "the service domain was created first" [ "$SVC" -lt "$CLI" ]
	out=$(guest_exec "$CLI" 30 "cat /sys/hypervisor/guest_type")
	check "the client VM is an HVM guest ($out)" [ "$out" = HVM ]
	check "kurad reports it as hvm" sh -c "kuractl status | grep -q '^kura-client .* hvm .* running'"
	kuractl status

	# Health: what the service domain writes, checked, never trusted.
	check "the service domain reports ready" wait_for 20 health_is kura-service ready
	check "the client VM reports nothing" health_is kura-client none
	xenstore-write "/local/domain/$SVC/data/kura/status" 'ready; rm -rf /'
	check "a bad word is invalid" wait_for 10 health_is kura-service invalid
	# 3000 bytes, written from dom0 into the guest's node (the guest's
	# shell would have to build it through two levels of quoting).
	xenstore-write "/local/domain/$SVC/data/kura/status" "$(head -c 3000 /dev/zero | tr '\0' r)"
	check "an oversized value stays invalid" health_is kura-service invalid
	check "kurad warned" grep -q 'kura-service: unknown or oversized data/kura/status' "$KURAD_LOG"
	guest_exec "$SVC" 30 "xenstore-write data/kura/status degraded"
	check "degraded is reported" wait_for 10 health_is kura-service degraded
	guest_exec "$SVC" 30 "xenstore-write data/kura/status ready"
	check "and ready again" wait_for 10 health_is kura-service ready
	followers

	isolation
	memory
	followers

	# A crash of the HVM client: restarted; the service domain untouched.
	cli=$CLI
	guest_kick "$CLI" "echo c > /proc/sysrq-trigger"
	check "the crashed client VM is replaced" wait_for 60 sh -c \
		"id=\$(xl domid kura-client 2> /dev/null) && [ \"\$id\" != $cli ]"
	CLI=$(wait_alive 480 kura-client) || fail "the restarted client VM did not come up"
	# Debian's kernel resets an HVM machine on panic: Xen reports a
	# reboot, where a PV kernel reports a crash.
	check "kurad saw it go down" grep -Eq 'kura-client: running -> .*(crash|reason reboot)' "$KURAD_LOG"
	check "the service domain kept running" [ "$(domid_of kura-service)" = "$SVC" ]

	# A clean stop through the guest's PV drivers, not the timeout.
	check "kuractl vm stop" kuractl vm stop
	check "the client VM stops" wait_for 60 state_is kura-client stopped
	# Went down by itself, before the timeout.  Under TCG an HVM guest
	# now and then triple-faults on its way down (as it does while
	# booting): Xen then reports a reboot, and kurad must still stop it.
	out=$(grep 'kura-client: stopping -> ' "$KURAD_LOG" | tail -n 1 | sed 's/.*stopping -> //')
	check "it shut down cleanly ($out)" grep -Eq 'kura-client: stopping -> destroying: shut down as asked \(reason (poweroff|reboot)\)' "$KURAD_LOG"
	case "$out" in *poweroff*) ;; *) log "note: the guest reset instead of powering off" ;; esac
	check "not by the stop timeout" sh -c "! grep -q 'kura-client: .*did not shut down within' $KURAD_LOG"
	check "the service domain runs on" [ "$(domid_of kura-service)" = "$SVC" ]

	# Events followed live: the admin sees both domains, the employee
	# only the client VM.
	sleep 1
	killall kuractl
	cat $ev_admin
	check "events: the client's crash" grep -Eq '"event":"domain".*"from":"running".*"name":"kura-client".*"why":"(crashed|guest shut down \(reason reboot)' $ev_admin
	check "events: the clean stop" grep -q '"event":"domain".*"from":"stopping".*"name":"kura-client".*"state":"destroying".*"why":"shut down as asked' $ev_admin
	check "events: the service domain's health" grep -q '"event":"health".*"health":"degraded".*"name":"kura-service"' $ev_admin
	check "the employee saw the client VM's events" grep -q '"name":"kura-client"' $ev_user
	check "but nothing of the service domain" sh -c "! grep -q kura-service $ev_user"
}
