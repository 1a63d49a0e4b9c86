# Scenario: an ISO inserted into the emulated optical drive through the QEMU monitor is readable in dom0, and eject empties the drive
# timeout: 60

CD_MARKER="kura cd marker 93be"

host_setup() {
	mk_iso disc1 readme.txt "$CD_MARKER"
}

run() {
	local m
	for m in ahci sr_mod isofs; do
		modprobe $m || fail "modprobe $m"
	done
	check "the optical drive is sr0" wait_for 20 test -b /dev/sr0
	check "no medium before the insert" sh -c "! dd if=/dev/sr0 of=/dev/null bs=2048 count=1 2> /dev/null"
	hw cd-insert disc1
	check "the medium becomes readable within 20 s" wait_for 20 dd if=/dev/sr0 of=/dev/null bs=2048 count=1
	check "dom0 reads the ISO's exact bytes" \
		[ "$(sha256sum < /dev/sr0 | cut -d' ' -f1)" = "$(hw_field sha256)" ]
	mkdir -p /mnt/cd
	check "it mounts" mount -t iso9660 -o ro /dev/sr0 /mnt/cd
	check "readme.txt holds the marker" [ "$(cat /mnt/cd/readme.txt)" = "$CD_MARKER" ]
	umount /mnt/cd
	hw cd-eject
	check "the medium is gone within 20 s" wait_for 20 sh -c "! dd if=/dev/sr0 of=/dev/null bs=2048 count=1"
}
