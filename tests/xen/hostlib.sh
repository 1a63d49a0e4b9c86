# shellcheck shell=bash
# Host-side helpers for a scenario's host_setup(), which runs on the build
# machine before the boot and leaves media in $MEDIA for dom0's "hw"
# requests (see docs/testing.md).

# mk_stick NAME [SIZE_MB] [FILE CONTENT]...: a FAT-formatted USB stick image
# $MEDIA/NAME.img holding the given files.
mk_stick() {
	local name=$1 size=${2:-16} img tmp
	shift 2 || shift $#
	img=$MEDIA/$name.img
	rm -f "$img"
	truncate -s "${size}M" "$img"
	mkfs.vfat -n "$(echo "$name" | tr '[:lower:]' '[:upper:]' | cut -c1-11)" "$img" > /dev/null || return 1
	tmp=$(mktemp -d)
	while [ $# -ge 2 ]; do
		printf '%s\n' "$2" > "$tmp/$1"
		mcopy -i "$img" "$tmp/$1" "::$1" || { rm -rf "$tmp"; return 1; }
		shift 2
	done
	rm -rf "$tmp"
}

# mk_iso NAME [FILE CONTENT]...: an ISO 9660 image $MEDIA/NAME.iso.
mk_iso() {
	local name=$1 tmp
	shift
	tmp=$(mktemp -d)
	while [ $# -ge 2 ]; do
		printf '%s\n' "$2" > "$tmp/$1"
		shift 2
	done
	xorriso -as mkisofs -quiet -V "$(echo "$name" | tr '[:lower:]' '[:upper:]')" -o "$MEDIA/$name.iso" "$tmp" 2> /dev/null
	local rc=$?
	rm -rf "$tmp"
	return $rc
}
