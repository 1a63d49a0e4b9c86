#!/bin/sh
# kura-image create reads the disk a qcow2 file describes (imagetool/
# qcow2.c), not the file: every variant qemu-img makes is compared, byte
# for byte, with qemu-img's own raw conversion; damaged and unsupported
# images are refused with a reason.
set -u
K="${top_builddir:?}/imagetool/kura-image"
W=${KURA_TEST_WRAPPER:-}
for tool in qemu-img qemu-io; do
	command -v $tool > /dev/null || { echo "FAIL: $tool is missing (qemu-utils)"; exit 1; }
done
t=$(mktemp -d) || exit 99
trap 'rm -rf "$t"' EXIT
cd "$t" || exit 99
# shellcheck source=tests/unit/checks.sh
. "${top_srcdir:?}/tests/unit/checks.sh"
kimg() { $W "$K" "$@"; }
# same NAME FILE: what create reads of FILE is what qemu-img says the
# guest sees.
same() {
	name=$1 file=$2
	qemu-img convert -O raw "$file" "$name.want" || { bad "$name: qemu-img"; return; }
	if ! kimg create --store st --key k.key --name "$name" "$file" > out 2>&1; then
		bad "$name: create"
		cat out
		return
	fi
	if kimg assemble --store st --pubkey k.pub --into "i-$name" "$name:1" > out 2>&1 &&
		cmp -s "i-$name/1.img" "$name.want"; then
		ok
	else
		bad "$name: the disk differs from qemu-img's"
		cat out
	fi
}
# refuse_image NAME TEXT FILE: create refuses FILE and says TEXT.
refuse_image() {
	refuse "$1" "$2" kimg create --store st --key k.key --name "$1" "$3"
}

"$K" keygen k > /dev/null
head -c 3000000 /dev/urandom > r.img
seq 1 400000 >> r.img
truncate -s 20M r.img

qemu-img convert -O qcow2 r.img plain.qcow2 && same plain plain.qcow2
qemu-img convert -O qcow2 -o compat=0.10 r.img v2.qcow2 && same v2 v2.qcow2
qemu-img convert -O qcow2 -c r.img deflate.qcow2 && same deflate deflate.qcow2
qemu-img convert -O qcow2 -c -o compression_type=zstd r.img zstd.qcow2 && same zstd zstd.qcow2
qemu-img convert -O qcow2 -o cluster_size=512 r.img c512.qcow2 && same c512 c512.qcow2
qemu-img convert -O qcow2 -c -o cluster_size=512 r.img c512z.qcow2 && same c512z c512z.qcow2
qemu-img convert -O qcow2 -o cluster_size=2M r.img c2m.qcow2 && same c2m c2m.qcow2
# Zero clusters, over data and over a backing file.
qemu-img convert -O qcow2 r.img zero.qcow2
qemu-io -c "write -z 65536 1M" -c "write -z 5M 64k" zero.qcow2 > /dev/null && same zero zero.qcow2
# A chain: qcow2 over qcow2 over raw, each layer with writes of its own,
# and a top layer larger than its backing file.
qemu-img create -q -f qcow2 -b r.img -F raw mid.qcow2
qemu-io -c "write -P 0x41 1M 300k" -c "write -z 2M 64k" mid.qcow2 > /dev/null
qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 top.qcow2 24M
qemu-io -c "write -P 0x42 1200k 4k" -c "write -P 0x43 22M 8k" top.qcow2 > /dev/null
same chain top.qcow2
# A backing file named without its format: probed.
qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 probe.qcow2
qemu-img rebase -u -b mid.qcow2 probe.qcow2 2> /dev/null
same probe probe.qcow2
# Sparse raw input: holes are not read, and read as zeros.
truncate -s 64M sparse.img
dd if=r.img of=sparse.img bs=1M count=3 seek=40 conv=notrunc 2> /dev/null
same sparse sparse.img

# Refusals, each with its reason.
qemu-img create -q -f qcow2 -o extended_l2=on ext.qcow2 1M
refuse_image extl2 "extended L2" ext.qcow2
cp plain.qcow2 enc.qcow2
printf '\000\000\000\001' | dd of=enc.qcow2 bs=1 seek=32 conv=notrunc 2> /dev/null
refuse_image encrypted "encrypted" enc.qcow2
cp plain.qcow2 bits.qcow2
printf '\000\000\000\006' | dd of=bits.qcow2 bs=1 seek=20 conv=notrunc 2> /dev/null
refuse_image cluster-bits "cluster_bits 6" bits.qcow2
head -c 200000 plain.qcow2 > short.qcow2
refuse_image truncated "beyond the end of the file" short.qcow2
cp plain.qcow2 ver.qcow2
printf '\000\000\000\011' | dd of=ver.qcow2 bs=1 seek=4 conv=notrunc 2> /dev/null
refuse_image version "qcow2 version 9" ver.qcow2
qemu-img create -q -f qcow2 -b loop.qcow2 -F qcow2 loop.qcow2 1M 2> /dev/null ||
	{ qemu-img create -q -f qcow2 loop.qcow2 1M; qemu-img rebase -u -f qcow2 -b loop.qcow2 -F qcow2 loop.qcow2; }
refuse_image loop "backing files" loop.qcow2
# A FIFO, given or named as a backing file, is refused, not waited on
# (timeout: a regression fails here rather than hanging the suite).
mkfifo fifo.img
refuse fifo "not a regular file or a block device" \
	timeout 20 "$K" create --store st --key k.key --name fifo fifo.img
qemu-img create -q -f qcow2 bfifo.qcow2 1M &&
	qemu-img rebase -u -f qcow2 -b fifo.img -F raw bfifo.qcow2
refuse backing-fifo "fifo.img: not a regular file or a block device" \
	timeout 20 "$K" create --store st --key k.key --name bfifo bfifo.qcow2

checks_done image-qcow2
