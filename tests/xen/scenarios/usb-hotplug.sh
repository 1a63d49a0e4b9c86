# Scenario: a USB stick hot-plugged through the QEMU monitor appears in dom0 with the expected contents, and goes on unplug
# timeout: 90

STICK_MARKER="kura usb stick marker 1f6c"

host_setup() {
	mk_stick stick1 16 hello.txt "$STICK_MARKER"
}

# stick_dev: the /dev/sdX of the stick with serial kura-stick1, if any.
stick_dev() {
	local d
	for d in /sys/block/sd*; do
		[ -e "$d" ] || continue
		if grep -qs kura-stick1 "$(readlink -f "$d/device")/../../../../serial"; then
			echo "/dev/${d##*/}"
			return 0
		fi
	done
	return 1
}

run() {
	local dev sum m
	for m in xhci-pci usb-storage sd_mod vfat nls_cp437 nls_ascii; do
		modprobe $m || fail "modprobe $m"
	done
	check "no stick before the plug" sh -c "! ls /sys/block | grep -q '^sd'"
	hw usb-plug stick1 ro
	check "a /dev/sd* node appears within 30 s" wait_for 30 stick_dev
	dev=$(stick_dev)
	log "stick is $dev: $(cat "/sys/block/${dev#/dev/}/size") sectors"
	check "its node exists" [ -b "$dev" ]
	sum=$(sha256sum < "$dev" | cut -d' ' -f1)
	check "dom0 reads the image's exact bytes" [ "$sum" = "$(hw_field sha256)" ]
	mkdir -p /mnt/stick
	check "it mounts" mount -o ro "$dev" /mnt/stick
	check "hello.txt holds the marker" [ "$(cat /mnt/stick/hello.txt)" = "$STICK_MARKER" ]
	umount /mnt/stick
	hw usb-unplug stick1
	check "the node goes within 30 s" wait_for 30 sh -c "! test -b $dev"
}
