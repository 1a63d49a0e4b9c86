#!/bin/sh
# kura-image end to end on a local store: create, info, verify, diff,
# assemble (and its refusals), gc, and assemble resumed after kill -9.
set -u
K="${top_builddir:?}/imagetool/kura-image"
W=${KURA_TEST_WRAPPER:-}
t=$(mktemp -d) || exit 99
trap 'rm -rf "$t"' EXIT
cd "$t" || exit 99
# shellcheck source=tests/unit/checks.sh
. "${top_srcdir:?}/tests/unit/checks.sh"
kimg() { $W "$K" "$@"; }
# flip FILE OFFSET: inverts one byte (writing a fixed byte would leave random
# data unchanged one time in 256).
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf %b "\\0$(printf %03o $((255 - b)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}

# A disk: random data, a long zero run, a short one, an odd size.
head -c 9000000 /dev/urandom > a.img
dd if=/dev/zero of=a.img bs=4096 seek=600 count=300 conv=notrunc 2> /dev/null
dd if=/dev/zero of=a.img bs=4096 seek=1200 count=2 conv=notrunc 2> /dev/null
truncate -s 12345678 a.img
# Version 2: a few blocks rewritten and a file's worth of new data.
cp a.img b.img
dd if=/dev/urandom of=b.img bs=4096 seek=100 count=3 conv=notrunc 2> /dev/null
dd if=/dev/urandom of=b.img bs=4096 seek=1500 count=40 conv=notrunc 2> /dev/null
dd if=/dev/urandom of=b.img bs=1 seek=7000000 count=10 conv=notrunc 2> /dev/null

check keygen kimg keygen k
check keygen-other kimg keygen other
refuse keygen-twice "already exists" kimg keygen k
mkdir notastore
touch notastore/precious
refuse create-not-a-store "refusing to make a store there" kimg create \
	--store notastore --key k.key --name win11 a.img
check create-1 kimg create --store st --key k.key --name win11 --group sales \
	--meta build=1 a.img
grep -q "win11 version 1" out || bad "create-1 says its version"
check create-2 kimg create --store st --key k.key --name win11 b.img
grep -q "(seeded)" out || bad "create-2 is seeded by version 1"
new=$(sed -n 's/^new: \([0-9]*\) chunks.*/\1/p' out)
expect "create-2 stored $new new chunks, expected few" test "${new:-999}" -le 10
refuse create-old "versions only go up" kimg create --store st --key k.key \
	--name win11 --version 2 b.img
check info kimg info --store st --pubkey k.pub win11:1
expect "info" grep -q "signature good" out
expect "info" grep -q "meta build=1" out
check ls kimg ls --store st
expect "ls: $(cat out)" grep -qx "win11: 1 2" out
check verify kimg verify --store st --pubkey k.pub win11:1 win11:2
refuse verify-key "signed by key" kimg verify --store st --pubkey other.pub win11:2

# diff says what assemble then fetches, to the request.
check diff kimg diff --store st --json win11:1 win11:2
dreq=$(sed -n 's/.*"requests": \([0-9]*\).*/\1/p' out)
ddata=$(sed -n 's/.*"download_data": \([0-9]*\).*/\1/p' out)
ideal=$(sed -n 's/.*"ideal_data": \([0-9]*\).*/\1/p' out)
expect "diff: $ddata bytes for an ideal of $ideal" test "$ddata" -le $((ideal * 13 / 10))
check assemble-1 kimg assemble --json --store st --pubkey k.pub --into inst win11:1
expect "assemble-1: image differs" cmp -s inst/1.img a.img
expect "assemble-1 --json: size" grep -q '"size": 12345678,' out
expect "assemble-1 --json: no seeds" grep -q '"seed_data": 0,' out
expect "assemble-1 --json: fetched" grep -q '"fetched_data": [1-9][0-9]*,' out
check assemble-2 kimg assemble --store st --pubkey k.pub --into inst win11:2
expect "assemble-2: image differs" cmp -s inst/2.img b.img
areq=$(sed -n 's/.* in \([0-9]*\) requests.*/\1/p' out)
# One more request: the manifest itself.
expect "assemble-2: $areq requests, diff said $dreq + 1" test "$areq" = $((dreq + 1))
expect "current is not 2.img" test "$(readlink inst/current)" = 2.img
check verify-image kimg verify --store st --pubkey k.pub --image inst/current win11:2
refuse verify-image-other "not the manifest's" \
	kimg verify --store st --pubkey k.pub --image inst/2.img win11:1
# A power cut right after the switch can leave the journal behind.
cp inst/1.kim inst/2.journal
check again kimg assemble --store st --pubkey k.pub --into inst win11:2
expect "again" grep -q "already installed" out
expect "again: the stale journal stays" test ! -e inst/2.journal

# --level: the admin trades CPU for bytes; laptops read every level.
seq 1 1500000 > txt.img
check level-1 kimg create --store lv1 --key k.key --name t txt.img
check level-3 kimg create --store lv3 --key k.key --name t --level 3 txt.img
l1=$(du -sk lv1/chunks | cut -f1)
l3=$(du -sk lv3/chunks | cut -f1)
expect "--level 3 stores $l3 KiB, level 1 $l1 KiB" test "$l3" -lt "$l1"
check level-3-assemble kimg assemble --store lv3 --pubkey k.pub --into lvi t:1
expect "level-3: image differs" cmp -s lvi/1.img txt.img
refuse level-0 "not a number from 1 to 19" kimg create --store lv1 --key k.key --name t --level 0 txt.img
refuse level-20 "not a number from 1 to 19" kimg create --store lv1 --key k.key --name t --level 20 txt.img

# Segments (1, 2, then 4 MiB: ends at blocks 256, 768, 1792, 2816, 3840...)
# are read ahead of the workers, three in flight: an image of ten, with zero
# runs across the ends of the fifth and the ninth (blocks 3840 and 7936),
# is cut the same with one worker as with three, and assembles back.
head -c 36000000 /dev/urandom > seg.img
dd if=/dev/zero of=seg.img bs=4096 seek=3830 count=20 conv=notrunc 2> /dev/null
dd if=/dev/zero of=seg.img bs=4096 seek=7934 count=5 conv=notrunc 2> /dev/null
check seg-1 kimg create --store sg1 --key k.key --name s --threads 1 seg.img
check seg-3 kimg create --store sg3 --key k.key --name s --threads 3 seg.img
chunks() { (cd "$1" && find chunks -type f | sort); }
expect "seg: other chunks with 3 workers" test "$(chunks sg1)" = "$(chunks sg3)"
kimg info --store sg1 --pubkey k.pub s:1 | sed -n 's/^size //p' > info1
kimg info --store sg3 --pubkey k.pub s:1 | sed -n 's/^size //p' > info3
expect "seg: $(cat info1) vs $(cat info3)" cmp -s info1 info3
expect "seg: the zero runs are entries" grep -q "zeros 102.4 kB" info1
check seg-assemble kimg assemble --store sg3 --pubkey k.pub --into sgi s:1
expect "seg: image differs" cmp -s sgi/1.img seg.img

# Holes of a sparse input are marked, not read or zeroed; those inside a
# chunk are zeroed before it is compressed.  The buffer they fall in
# (the sixth segment's, from block 3840) last held the third's random
# blocks, so a hole left stale shows.  Holes of 1 and 3 blocks in data,
# 16 across the ninth segment's end, and one to the odd end: cut and
# stored as the same bytes written out.
copy() { dd if=seg.img of=sp.img bs=4096 skip="$1" seek="$1" count="$2" conv=notrunc 2> /dev/null; }
rm -f sp.img
copy 0 4000 && copy 4001 99 && copy 4103 3827 && copy 7946 754
truncate -s 36000000 sp.img
cp --sparse=never sp.img dn.img
expect "sparse: sp.img has no holes" test "$(($(stat -c %b sp.img) * 512))" -lt 35700000
check sparse-create kimg create --store sps --key k.key --name s --threads 1 sp.img
check dense-create kimg create --store dns --key k.key --name s --threads 1 dn.img
expect "sparse: other chunks than dense" test "$(chunks sps)" = "$(chunks dns)"
kimg info --store sps --pubkey k.pub s:1 | grep -v created > info1
kimg info --store dns --pubkey k.pub s:1 | grep -v created > info3
expect "sparse: $(cat info1) vs $(cat info3)" cmp -s info1 info3
check sparse-verify kimg verify --store sps --pubkey k.pub s:1
check sparse-assemble kimg assemble --store sps --pubkey k.pub --into spi s:1
expect "sparse: image differs" cmp -s spi/1.img dn.img

# Refusals leave the installed version alone.
refuse older "older than the installed version 2" \
	kimg assemble --store st --pubkey k.pub --into inst win11:1
refuse wrong-key "signed by key" \
	kimg assemble --store st --pubkey other.pub --into inst win11:2
cp st/images/win11/2.kim bad.kim
flip bad.kim 100
refuse tampered "bad signature" \
	kimg assemble --store st --pubkey k.pub --into inst2 bad.kim
# Version 3 with one new chunk, which is then damaged in the store.
cp b.img c.img
dd if=/dev/urandom of=c.img bs=4096 seek=2000 count=1 conv=notrunc 2> /dev/null
check create-3 kimg create --store st --key k.key --name win11 c.img
obj=$(find st/chunks -name '*.kch' -newer st/images/win11/2.kim | head -n1)
size=$(stat -c %s "$obj")
flip "$obj" $((size - 20))
id=$(basename "$obj" .kch | cut -c1-16)
# Into an empty directory, so that the whole object is fetched and read.
refuse damaged "($id…): rejected: block" \
	kimg assemble --store st --pubkey k.pub --into inst3 win11:3
refuse verify-damaged "($id…): block" kimg verify --store st --pubkey k.pub win11:3
expect "a refused version became current" test "$(readlink inst/current)" = 2.img
rm "$obj"
refuse missing "($id…): fetch: not in the store" \
	kimg assemble --store st --pubkey k.pub --into inst win11:3

# gc: version 1 goes, and the chunks only it used.
check gc kimg gc --store st --keep 2 --grace 0
expect "gc: $(cat out)" grep -q "dropped 1 versions" out
check verify-after-gc kimg verify --store st --pubkey k.pub win11:2

# kill -9 at random points, then resume: the image comes out whole, and
# "current" never names an image that is not.
head -c 40000000 /dev/urandom > big.img
check create-big kimg create --store st --key k.key --name big big.img
t0=$(date +%s%N)
kimg assemble --store st --pubkey k.pub --into timing big:1 > /dev/null 2>&1
ms=$((($(date +%s%N) - t0) / 1000000))
kills=0
i=0
while [ $i -lt 12 ]; do
	# Not through kimg: a function in the background is a subshell, and
	# kill -9 would leave its kura-image running.
	$W "$K" assemble --store st --pubkey k.pub --into binst big:1 > /dev/null 2>&1 &
	pid=$!
	# Early in a run, so that most runs are cut off before the end.
	sleep "$(awk -v ms="$ms" -v r="$(od -An -N2 -tu2 /dev/urandom)" \
		'BEGIN { printf "%.3f", ms * 0.15 * r / 65536 / 1000 }')"
	kill -9 $pid 2> /dev/null && kills=$((kills + 1))
	wait $pid 2> /dev/null
	if [ -e binst/current ] && ! cmp -s binst/current big.img; then
		bad "kill $i: current names an incomplete image"
	fi
	i=$((i + 1))
done
check resume kimg assemble --store st --pubkey k.pub --into binst big:1
echo "resume after $kills kills (a whole run: $ms ms): $(head -n2 out | tr '\n' ' ')"
expect "resume: image differs after $kills kills" cmp -s binst/1.img big.img
expect "resume: leftovers" test ! -e binst/1.journal
expect "resume: leftovers" test ! -e binst/1.img.part

checks_done image-cli
