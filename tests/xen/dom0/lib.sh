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

# fail REASON: ends the scenario with a verdict of FAIL.
fail() {
	log "FAIL: $*"
	echo "$*" > "$KURA_RUN/reason"
	exit 1
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
# for its answer.  Requests: usb-plug NAME [ro], usb-unplug NAME,
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
xs_wait() {
	local n=$1
	while [ "$n" -gt 0 ]; do
		xenstore-read "$2" 2> /dev/null && return 0
		sleep 1
		n=$((n - 1))
	done
	return 1
}

# guest_exec DOMID SECONDS COMMAND: runs a shell command inside a test
# guest (its init polls data/cmd), prints what it printed and returns its
# exit status; 124 if the guest did not answer in SECONDS.
guest_exec() {
	local d=/local/domain/$1/data seq rc out
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
}

cleanup_domains() {
	local id
	killall kurad 2> /dev/null
	for id in $(xl list 2> /dev/null | awk 'NR > 2 { print $2 }'); do
		xl destroy "$id" 2> /dev/null
	done
	rm -f /var/log/xen/console/guest-*.log
}
