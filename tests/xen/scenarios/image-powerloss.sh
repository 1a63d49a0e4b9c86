# Scenario: kura-image assemble survives power loss: on an ext4 disk behind dm-flakey, writes are dropped from a random moment of an update (what never reached the disk is lost, as in a power cut), the disk is remounted, and then the previous version is intact, "current" names a whole image, an update that had finished stays installed, and the resumed update keeps the progress that was made durable and ends byte-identical
# timeout: 900

# The method is xfstests' (common/dmflakey): load a table that drops every
# write without freezing the filesystem, kill the writer, unmount (dirty
# pages "written" into nothing), reload the pass-through table and mount.
# The disk then holds exactly what had been written to it before the cut.

W=/run/powerloss
DISK=$W/disk.raw
MNT=$W/mnt
INST=$MNT/inst
DM=kura-pl
CUTS=${KURA_PL_CUTS:-5}
export DM_DISABLE_UDEV=1
wait_ok=0 # the cut update had ended, successfully, before the cut
kept=0    # cuts after which the resume started from durable progress

# kimg ARGS: kura-image, its stderr (a progress line on the console)
# shown only when it fails.
kimg() {
	kura-image "$@" 2> $W/stderr || { cat $W/stderr >&2; return 1; }
}
uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

# flakey MODE: the table of the test disk, "pass" or "drop".
flakey() {
	local sectors table
	sectors=$(($(stat -c %s "$DISK") / 512))
	table="0 $sectors flakey $LOOP 0 180 0"
	[ "$1" = drop ] && table="0 $sectors flakey $LOOP 0 0 180 1 drop_writes"
	if dmsetup info $DM > /dev/null 2>&1; then
		# --nolockfs: freezing would write back the dirty pages.
		dmsetup suspend --nolockfs $DM && dmsetup load $DM --table "$table" &&
			dmsetup resume $DM
	else
		dmsetup create $DM --table "$table"
	fi
}

mount_disk() {
	mount -t ext4 /dev/mapper/$DM "$MNT"
}

cleanup() {
	umount "$MNT" 2> /dev/null
	dmsetup remove $DM 2> /dev/null
	[ -n "${LOOP:-}" ] && losetup -d "$LOOP" 2> /dev/null
	rm -rf "$W"
}

# make_images: versions 1 and 2 of a 48 MiB image in the store; v2 changes
# half of it, so an update takes seeds and fetches.
make_images() {
	mkdir -p $W/src
	head -c $((40 << 20)) /dev/urandom > $W/src/a.img &&
		truncate -s $((48 << 20)) $W/src/a.img &&
		kimg keygen $W/k > /dev/null &&
		kimg create --store $W/st --key $W/k.key --name os $W/src/a.img > /dev/null &&
		dd if=/dev/urandom of=$W/src/a.img bs=1M seek=8 count=24 conv=notrunc 2> /dev/null &&
		kimg create --store $W/st --key $W/k.key --name os $W/src/a.img > /dev/null &&
		rm -rf $W/src
}

update() { # VERSION [JSON-OUT]
	kimg assemble --json --store $W/st --pubkey $W/k.pub --into "$INST" "os:$1" > "${2:-/dev/null}"
}

# is_version FILE V: FILE holds version V, by the manifest's root hash.
is_version() {
	kimg verify --store $W/st --pubkey $W/k.pub --image "$1" "os:$2" > /dev/null 2>&1
}

jfield() { # FILE KEY: an integer or boolean of assemble --json
	sed -n "s/^ *\"$2\": \([0-9a-z]*\).*/\1/p" "$1"
}

# back_to_1: version 2 uninstalled, so that the next cut updates again.
back_to_1() {
	rm -f "$INST"/2.* && ln -sfn 1.img "$INST/current" && sync
}

# checkpointed: the journal of the update has a bit set, i.e. a checkpoint
# has made data durable (the bitmap follows a 48-byte header).
checkpointed() {
	od -An -tx1 -j 48 "$INST/2.journal" 2> /dev/null | grep -q '[1-9a-f]'
}

part_blocks() { stat -c %b "$INST/2.img.part" 2> /dev/null || echo 0; }

# after_checkpoint PID: returns with PID stopped just after its first
# checkpoint is durable.  Seeing the journal's bit is not enough (its
# fdatasync may still be to come); assemble is one thread that syncs the
# journal before it writes on, so new data in the image proves it.
after_checkpoint() {
	local pid=$1 n=0 b0
	while ! checkpointed && [ $n -lt 600 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	kill -STOP "$pid"
	b0=$(part_blocks)
	kill -CONT "$pid"
	n=0
	while [ "$(part_blocks)" -le "$b0" ] && [ $n -lt 600 ]; do
		n=$((n + 1))
	done
	kill -STOP "$pid"
}

# power_cut I DELAY|checkpoint: writes dropped DELAY seconds into an update
# (or just after its first checkpoint), then the checks after the remount,
# then the resume.
power_cut() {
	local i=$1 delay=$2 pid done_before=0 cur resumed when
	# kura-image itself in the background, so that kill -9 reaches it.
	kura-image assemble --store $W/st --pubkey $W/k.pub --into "$INST" os:2 > /dev/null 2>&1 &
	pid=$!
	if [ "$delay" = checkpoint ]; then
		after_checkpoint $pid
	else
		sleep "$delay"
	fi
	kill -0 $pid 2> /dev/null || done_before=1
	wait_ok=0
	flakey drop || fail "cut $i: dm-flakey drop table"
	kill -9 $pid 2> /dev/null
	wait $pid && [ $done_before = 1 ] && wait_ok=1
	umount "$MNT" || fail "cut $i: umount"
	echo 3 > /proc/sys/vm/drop_caches
	{ flakey pass && mount_disk; } || fail "cut $i: remount"
	check "cut $i: version 1 is intact" is_version "$INST/1.img" 1
	cur=$(readlink "$INST/current") || fail "cut $i: no current"
	case "$cur" in
	1.img) [ $wait_ok = 0 ] || fail "cut $i: an update that had finished was lost" ;;
	2.img) check "cut $i: current is a whole version 2" is_version "$INST/2.img" 2 ;;
	*) fail "cut $i: current names $cur" ;;
	esac
	check "cut $i: the update resumes" update 2 $W/r.json
	check "cut $i: version 2 is byte-identical" is_version "$INST/2.img" 2
	check "cut $i: no leftovers" test ! -e "$INST/2.journal" -a ! -e "$INST/2.img.part"
	resumed=$(jfield $W/r.json resumed_data)
	when="after $delay s"
	[ "$delay" = checkpoint ] && when="just after the first checkpoint"
	log "cut $i $when: current was $cur, then resumed $resumed bytes," \
		"fetched $(jfield $W/r.json fetched_data)"
	if [ "$cur" = 1.img ] && [ "${resumed:-0}" -gt 0 ]; then
		kept=$((kept + 1))
	elif [ "$delay" = checkpoint ]; then
		fail "cut $i: a cut after a checkpoint resumed $resumed bytes"
	fi
	back_to_1 || fail "cut $i: reset"
}

run() {
	local t0 ms i delay full
	trap cleanup EXIT
	# ext4 checksums its metadata with crc32c, which it does not load itself.
	for m in dm-flakey crc32c_generic ext4; do
		modprobe $m || fail "modprobe $m"
	done
	mkdir -p "$MNT"
	check "the test images are made" make_images
	truncate -s 256M "$DISK"
	LOOP=$(losetup -f --show "$DISK") || fail "losetup"
	check "dm-flakey passes writes" flakey pass
	check "mke2fs" mke2fs -q -F -t ext4 /dev/mapper/$DM
	check "mount" mount_disk
	check "version 1 installs" update 1
	sync
	t0=$(uptime_ms)
	check "an uninterrupted update" update 2 $W/full.json
	ms=$(($(uptime_ms) - t0))
	full=$(jfield $W/full.json fetched_data)
	figure "image-powerloss: an update of 48 MiB, fetching $full bytes, takes $ms ms in dom0"
	back_to_1 || fail "reset"
	kept=0
	for i in $(seq 1 "$CUTS"); do
		# Spread over the run and a little past its end, with jitter.
		delay=$(awk -v ms="$ms" -v i="$i" -v n="$CUTS" -v r="$(od -An -N2 -tu2 /dev/urandom)" \
			'BEGIN { printf "%.3f", ms * 1.2 * (i - 1 + r / 65536) / n / 1000 }')
		power_cut "$i" "$delay"
	done
	power_cut $((CUTS + 1)) checkpoint
	figure "image-powerloss: $((CUTS + 1)) cuts; $kept resumed with durable progress kept"
}
