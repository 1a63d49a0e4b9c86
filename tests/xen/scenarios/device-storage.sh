# Scenario: USB sticks by signed policy under kurad: USB authorization is off by default; a read-write stick reaches the client VM, which reads its file and writes one that dom0 finds on the stick afterwards; a read-only stick cannot be written and keeps its bytes; a denied stick gets no disk in dom0 or the client VM, and the audit log names the rule
# timeout: 400

MARK="kura device marker 5d21"

host_setup() {
	mk_stick rw 16 hello.txt "$MARK"
	mk_stick ro 16 hello.txt "$MARK"
	mk_stick deny 16 hello.txt "$MARK"
}

# stick_dev NAME: dom0's /dev/sdX of the stick with serial kura-NAME.
stick_dev() {
	local d
	for d in /sys/block/sd*; do
		[ -e "$d" ] || continue
		if grep -qsx "kura-$1" "$(readlink -f "$d/device")/../../../../serial"; then
			echo "/dev/${d##*/}"
			return 0
		fi
	done
	return 1
}

# stick_usb NAME: the sysfs directory of the USB device kura-NAME.
stick_usb() {
	grep -lsx "kura-$1" /sys/bus/usb/devices/*/serial | sed 's,/serial$,,' | head -n 1 | grep .
}

# vbd_in_client NAME: the client VM has block device NAME.
vbd_in_client() {
	guest_exec "$CLI" 10 "test -b /dev/$1"
}

test_policy() {
	cat > "$KURA_ETC"/policy.txt <<-'POLICY'
		version 1
		default deny
		hubs: allow kind hub
		stick-rw: allow read-write kind usb-storage serial "kura-rw"
		stick-ro: allow read-only kind usb-storage serial "kura-ro"
		no-sticks: deny kind usb-storage
	POLICY
	kura-policy keygen "$KURA_ETC"/policy > /dev/null &&
		kura-policy sign --key "$KURA_ETC"/policy.key -o "$KURA_ETC"/policy.signed \
			"$KURA_ETC"/policy.txt
}

run() {
	local m out ro_sum dev hub
	for m in xhci-pci usb-storage sd_mod vfat nls_cp437 nls_ascii; do
		modprobe $m || fail "modprobe $m"
	done
	kurad_config pv
	check "the test policy is signed" test_policy
	kurad_start
	wait_alive 90 kura-service > /dev/null || fail "the service domain did not come up"
	CLI=$(wait_alive 90 kura-client) || fail "the client VM did not come up"
	check "kurad loaded the signed policy" grep -q 'policy version 1 (4 rules' "$KURAD_LOG"
	for hub in /sys/bus/usb/devices/usb*; do
		check "${hub##*/}: not authorized by default" [ "$(cat "$hub/authorized_default")" = 0 ]
	done
	check "nor are buses to come" [ "$(cat /sys/module/usbcore/parameters/authorized_default)" = 0 ]
	guest_exec "$CLI" 60 "modprobe xen-blkfront; modprobe vfat; modprobe nls_cp437; modprobe nls_ascii"

	# Read-write: the client reads and writes.
	hw usb-plug rw
	check "the client VM gets the read-write stick as xvdi" wait_for 40 vbd_in_client xvdi
	out=$(guest_exec "$CLI" 30 "mkdir -p /mnt/s && mount /dev/xvdi /mnt/s && cat /mnt/s/hello.txt")
	check "the client reads the stick's file ($out)" [ "$out" = "$MARK" ]
	check "and writes a new one" guest_exec "$CLI" 30 "echo written-by-the-client > /mnt/s/new.txt && umount /mnt/s"
	check "the audit log has the decision" audit_has '"action":"plug"' '"rule":"stick-rw"' '"verdict":"read-write"'
	check "and the attach" audit_has '"action":"attach"' '"id":"usb:' '"vdev":"xvdi"'
	kuractl device list
	check "kuractl device list shows it attached, for anyone" \
		sh -c "su -s /bin/sh employee -c 'kuractl device list' | grep -q 'attached .*xvdi .*kura-rw'"

	# Read-only: the backend refuses writes; the bytes stay.
	hw usb-plug ro
	ro_sum=$(hw_field sha256)
	check "the client VM gets the read-only stick as xvdj" wait_for 40 vbd_in_client xvdj
	out=$(guest_exec "$CLI" 30 "cat /sys/block/xvdj/ro")
	check "the client sees it read-only ($out)" [ "$out" = 1 ]
	out=$(guest_exec "$CLI" 30 "mkdir -p /mnt/r && mount -o ro /dev/xvdj /mnt/r && cat /mnt/r/hello.txt; umount /mnt/r")
	check "and reads it" [ "$out" = "$MARK" ]
	check "a raw write fails" not guest_exec "$CLI" 30 "dd if=/dev/zero of=/dev/xvdj bs=4096 count=4 conv=fsync"
	check "the audit log says read-only" audit_has '"action":"plug"' '"rule":"stick-ro"' '"verdict":"read-only"'

	# Denied: nothing binds in dom0, nothing reaches the client.
	hw usb-plug deny
	check "the denied stick is decided" wait_for 20 audit_has '"action":"plug"' '"rule":"no-sticks"' '"verdict":"deny"'
	check "it shows up on the bus" stick_usb deny
	check "not authorized" [ "$(cat "$(stick_usb deny)/authorized")" = 0 ]
	sleep 3
	check "no disk for it in dom0" not stick_dev deny
	check "no interface (no configuration)" not ls -d "$(stick_usb deny)"/*:1.0
	check "no third disk in the client VM" not vbd_in_client xvdk
	kuractl device list

	# After the client VM lets go, dom0 finds its writes on the stick.
	check "kuractl vm stop" kuractl vm stop
	check "the client VM stops" wait_for 60 state_is kura-client stopped
	dev=$(stick_dev rw) || fail "no dom0 disk for the read-write stick"
	mkdir -p /mnt/x
	check "dom0 mounts the read-write stick" mount -o ro "$dev" /mnt/x
	check "and finds the client's file" [ "$(cat /mnt/x/new.txt)" = written-by-the-client ]
	umount /mnt/x
	dev=$(stick_dev ro) || fail "no dom0 disk for the read-only stick"
	check "the read-only stick's bytes are unchanged" [ "$(sha256sum < "$dev" | cut -d' ' -f1)" = "$ro_sum" ]
	for m in rw ro deny; do
		hw usb-unplug $m
	done
	check "the sticks leave the bus" wait_for 30 not stick_usb rw
	check "kurad forgot them" wait_for 10 not sh -c "kuractl device list | grep -q kura-"
	check "and logged the unplugs" audit_has '"action":"unplug"' '"serial":"kura-deny"'
}
