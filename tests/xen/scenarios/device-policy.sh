# Scenario: device decisions over time under kurad: kuractl policy load re-decides on every device (an attached stick detached and de-authorized, a denied one attached); older or foreign-signed policies refused; kuractl device show and explain; unplug while attached leaves no backend behind; two sticks with one serial told apart by port; a stick attached across a kurad restart is taken over, one plugged meanwhile is decided; plug-to-usable time and blkback read throughput measured
# timeout: 700

host_setup() {
	mk_stick a 16 a.txt "stick a"
	mk_stick b 16 b.txt "stick b"
	mk_stick c 16 c.txt "stick c"
	mk_stick twin1 16 t.txt "twin one"
	mk_stick twin2 16 t.txt "twin two"
	mk_stick big 64
}

# column SERIAL N: column N of kuractl device list for the (first) device
# with SERIAL; 1 is the id, 5 the client's vdev.
column() {
	kuractl device list | awk -v s="$1" -v n="$2" '$6 == s { print $n; exit }'
}

# devid VDEV: Xen's number for a virtual disk name (xvdi -> 51840).
devid() {
	local letters=abcdefghijklmnopqrstuvwxyz idx
	idx=${letters%%"${1#xvd}"*}
	echo $((202 * 256 + ${#idx} * 16))
}

in_client() {
	guest_exec "$CLI" 10 "test -b /dev/$1"
}

# no_vbd_left VDEV: neither end of the virtual disk is left in xenstore.
no_vbd_left() {
	local id
	id=$(devid "$1")
	! xenstore-exists "/local/domain/0/backend/vbd/$CLI/$id" &&
		! xenstore-exists "/local/domain/$CLI/device/vbd/$id"
}

# usb_of SERIAL: sysfs directories of USB devices with SERIAL.
usb_of() {
	grep -lsx "$1" /sys/bus/usb/devices/*/serial | sed 's,/serial$,,'
}

# sign FILE VERSION RULES...: a signed policy with these rules after the
# hub rule, by the key kurad trusts (or KEY).
sign() {
	local out=$1 v=$2 key=${KEY:-$KURA_ETC/policy.key}
	shift 2
	{
		echo "version $v"
		echo "default deny"
		echo "hubs: allow kind hub"
		printf '%s\n' "$@"
	} > "$out.txt"
	kura-policy sign --key "$key" -o "$out" "$out.txt"
}

# now_ms: milliseconds since boot (busybox date has no %N; kura-xentest
# xs-until counts the same way).
now_ms() {
	awk '{ printf "%d", $1 * 1000 }' /proc/uptime
}

# plug_figure: plug to usable, from the plug request to the client's
# frontend connected, and kurad's own share (its audit times).
plug_figure() {
	local t0 t1 id
	id=$(devid xvdi)
	kura-xentest xs-until 60 "/local/domain/$CLI/device/vbd/$id/state" 4 > /run/until &
	sleep 1 # the watch is set
	t0=$(now_ms)
	hw usb-plug a
	wait $! || fail "stick a did not reach the client VM"
	t1=$(cat /run/until)
	figure "USB stick plug to usable in the client VM: $((t1 - t0)) ms (plug request to blkfront connected; TCG)"
}

# read_rate WHERE DEV: MB/s of reading DEV whole from a cold cache, in dom0
# or in the client VM.
read_rate() {
	local cmd="echo 3 > /proc/sys/vm/drop_caches; a=\$(cut -d' ' -f1 /proc/uptime); dd if=$2 of=/dev/null bs=1M 2> /dev/null; b=\$(cut -d' ' -f1 /proc/uptime); echo \$a \$b \$(cat /sys/block/${2#/dev/}/size)"
	local out
	if [ "$1" = dom0 ]; then
		out=$(sh -c "$cmd")
	else
		out=$(guest_exec "$CLI" 120 "$cmd")
	fi
	echo "$out" | awk '{ printf "%.1f", $3 * 512 / 1048576 / ($2 - $1) }'
}

# throughput: the 64 MiB stick read through blkback in the client VM
# against dom0 reading it directly; best of two each.
throughput() {
	local dev vdev d c best_d=0 best_c=0 i
	hw usb-plug big serial=kura-big
	check "the big stick reaches the client VM" wait_for 40 sh -c "[ -n \"\$(kuractl device list | awk '\$6 == \"kura-big\" && \$2 == \"attached\"')\" ]"
	vdev=$(column kura-big 5)
	check "the client VM has it as $vdev" wait_for 30 in_client "$vdev"
	dev=/dev/$(kuractl device show "$(column kura-big 1)" | awk '$1 == "disk" { print $2 }')
	for i in 1 2; do
		d=$(read_rate dom0 "$dev")
		c=$(read_rate client "/dev/$vdev")
		log "round $i: dom0 $d MB/s, client $c MB/s"
		best_d=$(awk -v a="$best_d" -v b="$d" 'BEGIN { print (b > a) ? b : a }')
		best_c=$(awk -v a="$best_c" -v b="$c" 'BEGIN { print (b > a) ? b : a }')
	done
	check "the rates were measured ($best_d, $best_c)" awk -v a="$best_d" -v b="$best_c" 'BEGIN { exit !(a > 0 && b > 0) }'
	figure "USB stick read throughput: client VM through blkback $best_c MB/s, dom0 directly $best_d MB/s: ratio $(awk -v a="$best_c" -v b="$best_d" 'BEGIN { printf "%.2f", a / b }') (TCG; Toshiba reports >= 0.9 for vRAS)"
	hw usb-unplug big
}

run() {
	local m id_a id_b t0 t1 out vdev ids n
	for m in xhci-pci usb-storage sd_mod; do
		modprobe $m || fail "modprobe $m"
	done
	kurad_config pv
	kura-policy keygen "$KURA_ETC/policy" > /dev/null || fail "keygen"
	check "policy 1 is signed" sign "$KURA_ETC/policy.signed" 1 \
		'stick-a: allow read-write kind usb-storage serial "kura-a"' \
		'stick-b: deny kind usb-storage serial "kura-b"' \
		'stick-c: allow read-only kind usb-storage serial "kura-c"' \
		'twins: allow read-only kind usb-storage serial "kura-twin"' \
		'big: allow read-only kind usb-storage serial "kura-big"'
	kurad_start
	wait_alive 90 kura-service > /dev/null || fail "the service domain did not come up"
	CLI=$(wait_alive 90 kura-client) || fail "the client VM did not come up"
	guest_exec "$CLI" 60 "modprobe xen-blkfront; modprobe vfat; modprobe nls_cp437; modprobe nls_ascii"
	out=$(as_user employee kuractl policy show | head -n 1)
	check "kuractl policy show, for anyone ($out)" [ "$out" = "policy version 1, 6 rules, signed by key $(kuractl policy show --json | sed -n 's/.*"key-id": "\(.*\)".*/\1/p')" ]

	plug_figure
	check "kurad has a attached" wait_for 20 sh -c "[ -n \"\$(kuractl device list | awk '\$6 == \"kura-a\" && \$2 == \"attached\"')\" ]"
	hw usb-plug b
	check "stick b is denied" wait_for 20 audit_has '"action":"plug"' '"serial":"kura-b"' '"verdict":"deny"'
	id_a=$(column kura-a 1) id_b=$(column kura-b 1)
	kuractl device list
	kuractl device show "$id_a"
	check "device show: a is the client's xvdi, read-write" sh -c \
		"kuractl device show $id_a | grep -q '^vdev  *xvdi' && kuractl device show $id_a | grep -q '^verdict  *read-write'"
	kuractl device explain "$id_b"
	check "device explain names the deciding rule" sh -c "kuractl device explain $id_b | grep -q 'YES rule stick-b (line 5)'"
	check "and the rule before it that did not decide" sh -c "kuractl device explain $id_b | grep -q 'no rule stick-a (line 4)'"
	check "an unknown id is a clear error" sh -c "kuractl device show usb:9-9 2>&1 | grep -q 'no device \"usb:9-9\"'"

	# A policy change while a is attached: a goes, b comes.
	check "policy 2 is signed" sign /run/p2 2 \
		'stick-a: deny kind usb-storage serial "kura-a"' \
		'stick-b: allow read-write kind usb-storage serial "kura-b"' \
		'stick-c: allow read-only kind usb-storage serial "kura-c"' \
		'twins: allow read-only kind usb-storage serial "kura-twin"' \
		'big: allow read-only kind usb-storage serial "kura-big"'
	cp "$KURA_ETC/policy.signed" /run/p1
	check "an employee may not load a policy" not as_user employee kuractl policy load /run/p2
	# The client lets go when its frontend closes (state 6); libxl's
	# hotplug script and xenstore cleanup come after.
	kura-xentest xs-until 30 "/local/domain/$CLI/device/vbd/$(devid xvdi)/state" 6 > /run/until &
	sleep 1 # the watch is set
	t0=$(now_ms)
	check "kuractl policy load" kuractl policy load /run/p2
	t1=$(now_ms)
	wait $! || fail "the client's frontend never closed"
	check "a left xenstore" wait_for 20 no_vbd_left xvdi
	figure "policy change to stick detached: $(($(cat /run/until) - t0)) ms until the client's frontend closed (target <= 2000 ms), $((t1 - t0)) ms for kuractl policy load to return (kurad: decided again in $(sed -n 's/.*decided again on .* in \([0-9]*\) ms.*/\1/p' "$KURAD_LOG" | tail -n 1) ms; TCG)"
	check "the client VM lost a" not in_client xvdi
	check "a is de-authorized" [ "$(cat "$(usb_of kura-a)/authorized")" = 0 ]
	check "the audit log says why" audit_has '"action":"detach"' '"serial":"kura-a"' 'policy version 2: deny by stick-a (line 4), was read-write'
	check "b reaches the client VM" wait_for 40 sh -c "[ -n \"\$(kuractl device list | awk '\$6 == \"kura-b\" && \$2 == \"attached\"')\" ]"
	vdev=$(column kura-b 5)
	check "the client VM has b as $vdev" wait_for 30 in_client "$vdev"
	out=$(guest_exec "$CLI" 30 "mkdir -p /mnt/b && mount -o ro /dev/$vdev /mnt/b && cat /mnt/b/b.txt; umount /mnt/b")
	check "and the client reads it ($out)" [ "$out" = "stick b" ]
	check "the new policy is on disk, still signed" sh -c \
		"kura-policy verify --pubkey $KURA_ETC/policy.pub $KURA_ETC/policy.signed | grep -q 'policy version 2,'"

	out=$(kuractl policy load /run/p1 2>&1)
	check "policy 1 again is refused ($out)" [ "$out" = "kuractl: policy.load: policy version 1 is older than the installed version 2" ]
	KEY=/run/other.key
	kura-policy keygen /run/other > /dev/null || fail "keygen"
	sign /run/p3 3 'x: allow kind usb-storage'
	unset KEY
	out=$(kuractl policy load /run/p3 2>&1)
	check "a policy signed by another key is refused ($out)" sh -c "echo '$out' | grep -q 'policy.load: signed by key .*, expected key'"
	check "both refusals are audited" [ "$(grep '"policy"' "$AUDIT_LOG" | grep -c '"ok":false')" = 2 ]
	check "policy 2 stays in force" sh -c "kuractl policy show | grep -q '^policy version 2'"

	# Unplug while attached: both ends of the virtual disk go, and nothing
	# is logged as an error.
	n=$(wc -l < "$KURAD_LOG")
	hw usb-unplug b
	check "b leaves the client VM" wait_for 30 not in_client "$vdev"
	check "no vbd left in xenstore" wait_for 20 no_vbd_left "$vdev"
	check "kurad forgot b" wait_for 10 not sh -c "kuractl device list | grep -q kura-b"
	check "and logged it as a detach" audit_has '"action":"detach"' '"serial":"kura-b"'
	tail -n +"$((n + 1))" "$KURAD_LOG" > /run/unplug.log
	check "with no error in kurad's or libxl's log" not grep -Ei '^kurad:.*(error|fail|warn)|^libxl: error' /run/unplug.log

	# Two sticks with one serial number: two ports, two devices.
	hw usb-plug twin1 serial=kura-twin
	hw usb-plug twin2 serial=kura-twin
	check "both twins reach the client VM" wait_for 60 sh -c \
		"[ \$(kuractl device list | awk '\$6 == \"kura-twin\" && \$2 == \"attached\"' | wc -l) = 2 ]"
	ids=$(kuractl device list | awk '$6 == "kura-twin" { print $1 }' | sort -u | wc -l)
	check "under two ids (their ports)" [ "$ids" = 2 ]
	kuractl device list
	hw usb-unplug twin1
	check "one twin goes" wait_for 30 sh -c "[ \$(kuractl device list | grep -c kura-twin) = 1 ]"
	vdev=$(column kura-twin 5)
	check "the client VM has the other as $vdev" wait_for 30 in_client "$vdev"
	out=$(guest_exec "$CLI" 30 "mkdir -p /mnt/t && mount -o ro /dev/$vdev /mnt/t && cat /mnt/t/t.txt; umount /mnt/t")
	check "the other stays, the right one ($out)" [ "$out" = "twin two" ]

	# kurad restarts while twin2 is attached and c is plugged.
	killall kurad
	check "kurad stopped" wait_for 20 not pidof kurad
	hw usb-plug c
	sleep 5
	check "c waits, not authorized, while kurad is down" [ "$(cat "$(usb_of kura-c)/authorized")" = 0 ]
	kurad_start
	check "the new kurad took twin2 over" wait_for 20 grep -q "was already $vdev of kura-client: taken over" "$KURAD_LOG"
	check "c reaches the client VM" wait_for 40 sh -c "[ -n \"\$(kuractl device list | awk '\$6 == \"kura-c\" && \$2 == \"attached\"')\" ]"
	check "twin2 is attached once" [ "$(xenstore-list "/local/domain/0/backend/vbd/$CLI" | wc -l)" = 2 ]
	out=$(guest_exec "$CLI" 30 "mount -o ro /dev/$vdev /mnt/t && cat /mnt/t/t.txt; umount /mnt/t")
	check "and still readable ($out)" [ "$out" = "twin two" ]

	throughput
	for m in a c twin2; do
		hw usb-unplug $m
	done
	check "no detach failed on the way" not grep -q 'detach failed' "$KURAD_LOG"
}
