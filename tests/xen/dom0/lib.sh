# shellcheck shell=bash
# Helpers for dom0 scenarios of the Xen tier (see docs/testing.md).
# A scenario's run() passes by returning 0; fail() ends it with a reason.

KURA_TEST=${KURA_TEST:-/usr/lib/kura-test}
KURA_RUN=/run/kura-test
KURA_CTL=/dev/ttyS1
GUEST_DIR=$KURA_TEST/guest

uptime_s() { cut -d. -f1 /proc/uptime; }
log() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }

# scenario_meta FILE KEY DEFAULT: a "# KEY: value" header line of a scenario.
scenario_meta() {
	local v
	v=$(sed -n "s/^# $2: *//p" "$1" | head -n 1)
	echo "${v:-$3}"
}

# --- control channel to the harness (docs/testing.md, "Control channel") ---
ctl_open() {
	[ -c $KURA_CTL ] || return 1
	stty -F $KURA_CTL raw -echo 115200 || return 1
	exec 3<> $KURA_CTL
}
ctl_send() { printf '%s\n' "$*" >&3; }
# ctl_recv SECONDS: one reply line, or failure after SECONDS.
ctl_recv() {
	local line
	IFS= read -r -t "$1" line <&3 || return 1
	printf '%s\n' "${line%$'\r'}"
}

# ctl_put NAME FILE: copies FILE out of dom0, to BOOTDIR/out/NAME on the
# host (base64 over the control channel; meant for small files).
ctl_put() {
	ctl_send "PUT $1"
	base64 "$2" >&3
	ctl_send "END"
}

# say TEXT: shown on the terminal of whoever runs the harness.
say() {
	log "$*"
	ctl_send "SAY $*"
}

# figure TEXT: a measurement, printed and kept in the host's summary.
figure() {
	say "figure: $*"
}

# fail REASON: ends the scenario with a verdict of FAIL.
fail() {
	log "FAIL: $*"
	fail_context
	# One line: the reason travels in one control-channel message.
	printf '%s\n' "$*" | tr '\n' ' ' | sed 's/ *$//' > "$KURA_RUN/reason"
	exit 1
}

# fail_context: what kurad and the HVM client's serial console said last,
# into the scenario's log, so that a CI log alone tells what happened.
fail_context() {
	local f
	for f in "$KURAD_LOG" /var/log/xen/client-serial.log; do
		[ -s "$f" ] || continue
		echo "--- the end of $f:"
		grep -v '^libxl: debug' "$f" | tail -n 15
	done
}

# check DESCRIPTION COMMAND...: fail unless COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then
		log "ok: $what"
	else
		fail "$what"
	fi
}

# wait_for SECONDS COMMAND...: poll COMMAND once a second until it succeeds.
wait_for() {
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 1
		n=$((n - 1))
	done
	return 1
}

# hw REQUEST...: asks the harness to act on the emulated hardware and waits
# for its answer.  Requests: usb-plug NAME [ro|serial=S], usb-unplug NAME,
# cd-insert NAME, cd-eject.  Media NAME comes from the scenario's
# host_setup.  Fails the scenario if the harness refuses; otherwise leaves
# the rest of the answer (e.g. "sha256=... size=...") in HW_REPLY.
HW_REPLY=""
hw() {
	local reply
	ctl_send "HW $*"
	reply=$(ctl_recv 30) || fail "hw $*: no answer from the harness"
	case "$reply" in
	OK*) HW_REPLY=${reply#OK} HW_REPLY=${HW_REPLY# } ;;
	*) fail "hw $*: ${reply#ERR }" ;;
	esac
	log "hw $*: done ${HW_REPLY}"
}

# hw_field KEY: a KEY=value field of the last hw answer.
hw_field() {
	tr ' ' '\n' <<< "$HW_REPLY" | sed -n "s/^$1=//p"
}

# --- guests ---
# guest_image ROLE: the ramdisk of the client or service test guest, as one
# gzip stream: libxenguest cannot inflate concatenated gzip members, and an
# uncompressed ramdisk costs the guest memory.
guest_image() {
	local img=$KURA_RUN/guest-$1.img
	if [ ! -f "$img" ]; then
		mkdir -p $KURA_RUN
		zcat "$GUEST_DIR/base.cpio.gz" "$GUEST_DIR/$1.cpio.gz" | gzip -1 > "$img.tmp" &&
			mv "$img.tmp" "$img"
	fi
	echo "$img"
}

# guest_create NAME ROLE [MEMORY_MB]: a PV test guest through kura's libxl
# layer (kura-xentest); prints its domid.
guest_create() {
	kura-xentest create "$1" "$GUEST_DIR/vmlinuz" "$(guest_image "$2")" \
		"console=hvc0 quiet kura.role=$2" "${3:-128}"
}

# xs_wait SECONDS PATH: prints the value of a xenstore node once it exists.
# A watch, not a polling loop: every exec costs a third of a second of CPU
# under TCG.
xs_wait() {
	kura-xentest xs-wait "$1" "$2"
}

# guest_exec DOMID SECONDS COMMAND: runs a shell command inside a test
# guest (its init polls data/cmd), prints what it printed and returns its
# exit status; 124 if the guest did not answer in SECONDS.
guest_exec() {
	local d=/local/domain/$1/data seq rc out
	# The guest reads the command back escaped (a newline as \n).
	case "$3" in *$'\n'*) fail "guest_exec: one line only: $3" ;; esac
	seq=$(($(xenstore-read "$d/cmd-seq" 2> /dev/null || echo 0) + 1))
	xenstore-rm "$d/result" 2> /dev/null
	xenstore-rm "$d/rc" 2> /dev/null
	xenstore-write "$d/cmd" "$seq $3"
	rc=$(xs_wait "$2" "$d/rc/$seq") || return 124
	out=$(xenstore-read "$d/result/$seq")
	# xenstore-read escapes control characters (a newline reads as \n).
	printf '%b\n' "$out"
	return "$rc"
}

guest_console() { # NAME [LINES]
	local f=/var/log/xen/console/guest-$1.log
	[ -f "$f" ] && sed "s/^/  [$1] /" "$f" | tail -n "${2:-30}"
}

# --- between and after scenarios ---
diagnostics() {
	local d
	log "---- diagnostics ----"
	xl list 2>&1
	xl dmesg 2>&1 | tail -n 15
	for d in /var/log/xen/console/guest-*.log; do
		[ -f "$d" ] || continue
		d=${d##*/guest-}
		guest_console "${d%.log}" 20
	done
	tail -n 20 /var/log/xen/qemu-dm-*.log 2> /dev/null
	# An HVM client's serial console (kurad_config hvm).
	tail -n 30 /var/log/xen/client-serial.log 2> /dev/null
	tail -n 30 /var/log/xen/xl-*.log /var/log/xen/libxl-driver.log 2> /dev/null
}

cleanup_domains() {
	local id
	killall kurad 2> /dev/null
	wait_for 10 sh -c '! pidof kurad' || killall -9 kurad 2> /dev/null
	# kurad's log goes to the console log, for whoever reads it later.
	if [ -s $KURAD_LOG ]; then
		log "---- kurad.log ----"
		cat $KURAD_LOG
		rm -f $KURAD_LOG
	fi
	rm -rf /var/log/kura
	for id in $(xl list 2> /dev/null | awk 'NR > 2 { print $2 }'); do
		xl destroy "$id" 2> /dev/null
	done
	rm -f /var/log/xen/console/guest-*.log /var/log/xen/client-serial.log
	rm -rf $KURA_ETC
	# Sticks a failed scenario left plugged, and its disc.
	ctl_send "HW media-reset"
	ctl_recv 60 > /dev/null
	usb_reset
}

# usb_reset: the kernel's USB authorization as at boot, which kurad (by
# design) never restores: the next scenario starts from a fresh dom0.
usb_reset() {
	local h d
	echo -1 > /sys/module/usbcore/parameters/authorized_default
	for h in /sys/bus/usb/devices/usb*; do
		[ -e "$h" ] && echo 1 > "$h/authorized_default"
	done
	for d in /sys/bus/usb/devices/*/authorized; do
		[ -e "$d" ] && [ "$(cat "$d")" = 0 ] && echo 1 > "$d"
	done
	return 0
}

# --- kurad ---
KURA_ETC=/etc/kura
KURAD_LOG=/run/kurad.log
AUDIT_LOG=/var/log/kura/audit.log

# kurad_config [CLIENT_TYPE]: /etc/kura for a PV service domain and a
# client VM of CLIENT_TYPE (pv, the default, or hvm), from the test guests.
kurad_config() {
	local type=${1:-pv} boot
	mkdir -p $KURA_ETC
	cat > $KURA_ETC/kurad.conf <<-CONF
		service = "service.cfg"
		client = "client.cfg"
		audit_log = "$AUDIT_LOG"
		stop_timeout = 20
		restart_delay = 1
	CONF
	cat > $KURA_ETC/service.cfg <<-CONF
		name = "kura-service"
		type = "pv"
		kernel = "$GUEST_DIR/vmlinuz"
		ramdisk = "$(guest_image service)"
		cmdline = "console=hvc0 quiet"
		memory = 128
	CONF
	boot='cmdline = "console=hvc0 quiet"'
	# pci=noearly: under TCG an HVM guest sometimes triple-faulted in the
	# early PCI probes (AGP aperture check, port 0xcfc).
	[ "$type" = hvm ] && boot='cmdline = "console=ttyS0 quiet pci=noearly"
vga = "none"
vnc = 0
serial = "file:/var/log/xen/client-serial.log"'
	cat > $KURA_ETC/client.cfg <<-CONF
		name = "kura-client"
		type = "$type"
		kernel = "$GUEST_DIR/vmlinuz"
		ramdisk = "$(guest_image client)"
		memory = $([ "$type" = hvm ] && echo 256 || echo 128)
		$boot
	CONF
}

# kurad_start: kurad in the foreground (logging to $KURAD_LOG), up when
# its socket answers.
kurad_start() {
	kurad -d -v >> $KURAD_LOG 2>&1 &
	wait_for 20 kuractl version > /dev/null || fail "kurad did not come up"
}

# domid_of NAME: the domain id of a running domain, or nothing.
domid_of() {
	xl domid "$1" 2> /dev/null
}

# wait_alive SECONDS NAME: the guest NAME reports data/alive; prints its
# domid.
wait_alive() {
	kura-xentest wait-alive "$1" "$2"
}

# guest_kick DOMID COMMAND: starts COMMAND in the guest without waiting
# (for commands that never return, like a crash).
guest_kick() {
	local d=/local/domain/$1/data seq
	seq=$(($(xenstore-read "$d/cmd-seq" 2> /dev/null || echo 0) + 1))
	xenstore-write "$d/cmd" "$seq $2"
}

# not CMD...: CMD fails (for check and wait_for, which run functions of
# this shell).
not() {
	! "$@"
}

# audit_has WORDS...: kurad's audit log has a line holding every word.
audit_has() {
	local l w
	l=$(cat "$AUDIT_LOG")
	for w in "$@"; do
		l=$(echo "$l" | grep -F -- "$w") || return 1
	done
}

# state_of NAME: the state kurad reports for a domain.
state_of() {
	kuractl status --json | tr -d ' \n' | grep -o "\"name\":\"$1\"[^}]*" |
		sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'
}

# as_user USER COMMAND...: runs COMMAND as USER.
as_user() {
	local user=$1
	shift
	su -s /bin/sh "$user" -c "$*"
}

# state_is NAME STATE...: kurad reports NAME in one of the STATEs (for
# wait_for, which runs functions in this shell).
state_is() {
	local name=$1 s now
	shift
	now=$(state_of "$name")
	for s in "$@"; do
		[ "$now" = "$s" ] && return 0
	done
	return 1
}

# kurad_up [CLIENT_TYPE]: configures and starts kurad, and waits for both
# guests; sets SVC and CLI to their domain ids.
kurad_up() {
	kurad_config "${1:-pv}"
	kurad_start
	SVC=$(wait_alive 90 kura-service) || fail "the service domain did not come up"
	CLI=$(wait_alive 90 kura-client) || fail "the client VM did not come up"
	log "service domain $SVC, client VM $CLI"
}
