# Scenario: kura-policy probe reads dom0's live sysfs: it lists a hot-plugged USB stick and the SATA CD drive, and the default policy decides them by location
# timeout: 90

host_setup() {
	mk_stick probe-stick 8 note.txt "probe"
}

# probed PATTERN [PATTERN2]: a line of the last probe matches PATTERN (and,
# if given, PATTERN2 too).
probed() {
	grep -E "$1" /run/probe.txt | grep -qE "${2:-.}"
}

run() {
	local m policy=/usr/local/share/kura/default.policy
	for m in xhci-pci usb-storage sd_mod ahci sr_mod; do
		modprobe $m || fail "modprobe $m"
	done
	hw usb-plug probe-stick
	check "the stick is up" wait_for 30 sh -c "grep -qs kura-probe-stick /sys/bus/usb/devices/*/serial"
	check "the CD drive is up" wait_for 20 test -e /sys/block/sr0
	check "kura-policy probe runs" sh -c "kura-policy probe > /run/probe.txt"
	cat /run/probe.txt
	check "probe lists the stick as usb-storage" probed '^usb:[0-9.-]+ +usb 46f4:0001 usb-storage'
	check "probe reports the stick's serial" probed 'serial "kura-probe-stick"'
	check "probe lists the SATA drive as optical" probed '^block:sr0 ' ' optical'
	check "probe lists the xHCI controller" probed '^pci:.* 1b36:000d'
	kura-policy probe --policy $policy --on-lan > /run/probe.txt
	check "on the LAN the stick is read-only" probed '46f4:0001' 'allow read-only \(rule storage-on-lan'
	kura-policy probe --policy $policy --off-lan > /run/probe.txt
	check "off the LAN it is denied" probed '46f4:0001' 'deny \(rule storage-off-lan'
	check "off the LAN the CD drive is denied" probed '^block:sr0' 'deny \(rule optical-off-lan'
	# The same tree, captured: the unit tests' fixture of a real dom0.
	rm -rf /run/cap
	check "capture-sysfs works" "$KURA_TEST/capture-sysfs" /run/cap
	kura-policy probe --json > /run/live.json
	kura-policy probe --json --sysfs /run/cap > /run/cap.json
	check "the capture probes like the live tree" cmp /run/live.json /run/cap.json
	tar czf /run/cap.tgz -C /run/cap sys
	ctl_put sysfs-qemu-lab.tgz /run/cap.tgz
	hw usb-unplug probe-stick
}
