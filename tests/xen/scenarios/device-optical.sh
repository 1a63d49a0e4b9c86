# Scenario: dom0's optical drive by signed policy under kurad: allowed, each medium reaches the client VM as a read-only CD-ROM and eject/insert follow the drive; a policy change to deny takes it away and keeps new media out; a burn decision gives a read-only CD-ROM and says why in the audit log
# timeout: 500

host_setup() {
	mk_iso opt1 readme.txt "kura disc one"
	mk_iso opt2 readme.txt "kura disc two"
}

# sign FILE VERSION CD-RULE: a signed policy for the drive.
sign() {
	printf 'version %s\ndefault deny\nhubs: allow kind hub\n%s\n' "$2" "$3" > "$1.txt"
	kura-policy sign --key "$KURA_ETC/policy.key" -o "$1" "$1.txt"
}

cd_state() {
	kuractl device list | awk '$1 == "block:sr0" { print $2 }'
}

cd_is() {
	[ "$(cd_state)" = "$1" ]
}

# disc_in_client: the client's CD-ROM as "VDEV RO MARKER", or nothing.
disc_in_client() {
	local vdev
	vdev=$(kuractl device list | awk '$1 == "block:sr0" && $2 == "attached" { print $5 }')
	[ -n "$vdev" ] || return 1
	# Attached in dom0 first; the client's blkfront follows.
	wait_for 20 guest_exec "$CLI" 10 "test -b /dev/$vdev" || return 1
	guest_exec "$CLI" 30 "mkdir -p /mnt/cd && mount -t iso9660 -o ro /dev/$vdev /mnt/cd && echo $vdev \$(cat /sys/block/$vdev/ro) \$(cat /mnt/cd/readme.txt); umount /mnt/cd"
}

run() {
	local m out
	for m in ahci sr_mod; do
		modprobe $m || fail "modprobe $m"
	done
	check "the optical drive is sr0" wait_for 20 test -b /dev/sr0
	kurad_config pv
	kura-policy keygen "$KURA_ETC/policy" > /dev/null || fail "keygen"
	check "policy 1 is signed" sign "$KURA_ETC/policy.signed" 1 'cd: allow read-only kind optical'
	kurad_start
	wait_alive 90 kura-service > /dev/null || fail "the service domain did not come up"
	CLI=$(wait_alive 90 kura-client) || fail "the client VM did not come up"
	guest_exec "$CLI" 60 "modprobe xen-blkfront; modprobe isofs"
	kuractl device list
	check "kurad decided on the empty drive: it waits for a medium" wait_for 10 cd_is waiting
	check "the kernel polls it for media" [ "$(cat /sys/block/sr0/events_poll_msecs)" -gt 0 ]

	hw cd-insert opt1
	check "the disc reaches the client VM" wait_for 40 cd_is attached
	out=$(disc_in_client)
	check "as a read-only CD-ROM the client reads ($out)" [ "${out#* }" = "1 kura disc one" ]
	check "the backend says cdrom" sh -c "xenstore-read /local/domain/0/backend/vbd/$CLI/\$(xenstore-list /local/domain/0/backend/vbd/$CLI | head -n 1)/device-type | grep -qx cdrom"

	hw cd-eject
	check "eject: the client VM's CD-ROM goes" wait_for 30 cd_is waiting
	check "nothing left in the client" not disc_in_client
	hw cd-insert opt2
	check "insert: the new disc comes" wait_for 40 cd_is attached
	out=$(disc_in_client)
	check "with its own contents ($out)" [ "${out#* }" = "1 kura disc two" ]
	check "the audit log follows the media" audit_has '"action":"detach"' '"id":"block:sr0"' '"why":"medium ejected"'

	# Denied by a new policy: taken away, and new media stay out.
	check "policy 2 (deny) is signed" sign /run/p2 2 'cd: deny kind optical'
	check "kuractl policy load" kuractl policy load /run/p2
	check "the drive is denied" cd_is denied
	check "the client VM lost the disc" not disc_in_client
	hw cd-eject
	hw cd-insert opt1
	sleep 5
	check "a new disc stays out" cd_is denied
	check "and the client has none" not disc_in_client

	# Burn: a read-only CD-ROM, and the audit log says why.
	check "policy 3 (burn) is signed" sign /run/p3 3 'cd: allow burn kind optical'
	check "kuractl policy load" kuractl policy load /run/p3
	check "the disc reaches the client VM again" wait_for 40 cd_is attached
	out=$(disc_in_client)
	check "read-only ($out)" [ "${out#* }" = "1 kura disc one" ]
	check "the audit log says burning needs raw passthrough" audit_has '"action":"attach"' '"verdict":"burn"' 'raw passthrough'
	hw cd-eject
}
