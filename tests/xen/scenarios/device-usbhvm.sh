# Scenario: USB devices of other kinds by signed policy to an HVM client VM: an allowed tablet is passed through whole (libxl usbdev, the device model's xHCI) and the client sees its VID:PID and serial; a denied keyboard stays unauthorized and never shows up; unplugging takes the tablet away
# timeout: 900

# in_client SERIAL: the client VM has a USB device with SERIAL (prints its
# vendor:product).  Asks whichever client VM runs now: under TCG this HVM
# guest sometimes triple-faults (twice after xHCI work), and kurad starts
# it again and gives it its devices again.  A client VM that does not
# answer twice fails the scenario, so that "absent" is never a silent
# guest.
in_client() {
	local id out try
	for try in 1 2; do
		id=$(wait_alive 480 kura-client) || fail "the client VM is gone"
		[ "$id" = "$CLI" ] || log "the client VM is now domain $id (was $CLI)"
		CLI=$id
		if out=$(guest_exec "$CLI" 40 "modprobe xhci-pci; for d in /sys/bus/usb/devices/*; do [ \"\$(cat \$d/serial 2> /dev/null)\" = $1 ] && echo \$(cat \$d/idVendor):\$(cat \$d/idProduct); done; true"); then
			[ -n "$out" ] && echo "$out"
			return
		fi
		log "the client VM (domain $CLI) did not answer (try $try)"
	done
	fail "the client VM (domain $CLI) does not answer"
}

dev_state() {
	kuractl device list | awk -v s="$1" '$6 == s { print $2 }'
}

state_of_dev() {
	[ "$(dev_state "$1")" = "$2" ]
}

run() {
	local out
	modprobe xhci-pci || fail "modprobe xhci-pci"
	kurad_config hvm
	kura-policy keygen "$KURA_ETC/policy" > /dev/null || fail "keygen"
	printf '%s\n' 'version 1' 'default deny' 'hubs: allow kind hub' \
		'tablet: allow kind hid serial "kura-tab"' 'no-hid: deny kind hid' > "$KURA_ETC/policy.txt"
	check "the policy is signed" kura-policy sign --key "$KURA_ETC/policy.key" \
		-o "$KURA_ETC/policy.signed" "$KURA_ETC/policy.txt"
	kurad_start
	wait_alive 90 kura-service > /dev/null || fail "the service domain did not come up"
	# Time for one reboot: an HVM guest may triple-fault while booting
	# under TCG, and kurad then starts it again (on_reboot).
	CLI=$(wait_alive 480 kura-client) || fail "the HVM client VM did not come up"

	hw usb-dev tab usb-tablet
	check "kurad passes the tablet through" wait_for 60 state_of_dev kura-tab attached
	kuractl device list
	check "the client VM sees it" wait_for 60 in_client kura-tab
	out=$(in_client kura-tab)
	check "with its vendor:product ($out)" [ "$out" = 0627:0001 ]
	check "the audit log has the attach" grep -q '"action":"attach".*"serial":"kura-tab"' "$AUDIT_LOG"

	hw usb-dev kbd usb-kbd
	check "the keyboard is denied" wait_for 30 state_of_dev kura-kbd denied
	check "and not authorized in dom0" [ "$(cat "$(grep -lsx kura-kbd /sys/bus/usb/devices/*/serial | sed 's,/serial$,,')/authorized")" = 0 ]
	sleep 5
	check "it never shows up in the client VM" not in_client kura-kbd

	hw usb-unplug tab
	# The guest was not seen to notice the disconnect on the hot-plugged
	# xHCI under TCG, and reloading its driver there triple-faulted it:
	# the unplug is checked on dom0's side, in libxl and QEMU.
	check "libxl took it from the client VM" wait_for 20 sh -c "! xl usb-list kura-client | grep -q 'Bus 0*1 Device'"
	check "kurad forgot it" wait_for 10 not sh -c "kuractl device list | grep -q kura-tab"
	hw usb-unplug kbd
}
