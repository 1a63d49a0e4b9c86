#!/bin/sh
# kura-image assemble from http:// and https:// stores (lib/fetch.c), with a
# test server that logs every request and injects faults
# (tests/unit/httpd.py): request counts, retries and Retry-After, broken
# connections, servers that ignore Range, TLS, and kill -9 at random points
# with nothing verified fetched again.
set -u
K="${top_builddir:?}/imagetool/kura-image"
H="${top_srcdir:?}/tests/unit/httpd.py"
W=${KURA_TEST_WRAPPER:-}
command -v python3 > /dev/null || { echo "FAIL: python3 is missing"; exit 1; }
t=$(mktemp -d) || exit 99
pids=""
cleanup() {
	# shellcheck disable=SC2086 # one pid per word
	[ -z "$pids" ] || kill $pids 2> /dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$t"
}
trap cleanup EXIT
cd "$t" || exit 99
# shellcheck source=tests/unit/checks.sh
. "${top_srcdir:?}/tests/unit/checks.sh"
kimg() { $W "$K" "$@"; }
# serve NAME [httpd.py options...]: a server on st/, logging to NAME.log;
# sets $url.
serve() {
	name=$1
	shift
	python3 "$H" --root st --log "$name.log" --faults faults.json "$@" > "$name.port" &
	pids="$pids $!"
	i=0
	while [ ! -s "$name.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	url="http://127.0.0.1:$(cat "$name.port")"
}
requests() { grep -c "$2" "$1.log"; }

head -c 6000000 /dev/urandom > a.img
dd if=/dev/zero of=a.img bs=4096 seek=300 count=100 conv=notrunc 2> /dev/null
cp a.img b.img
dd if=/dev/urandom of=b.img bs=4096 seek=50 count=2 conv=notrunc 2> /dev/null
dd if=/dev/urandom of=b.img bs=4096 seek=900 count=30 conv=notrunc 2> /dev/null
"$K" keygen k > /dev/null
"$K" create --store st --key k.key --name win a.img > /dev/null
"$K" create --store st --key k.key --name win b.img > /dev/null
echo '{}' > faults.json

serve plain
check assemble-1 kimg assemble --store "$url" --pubkey k.pub --into inst win:1
expect "assemble-1: image differs" cmp -s inst/1.img a.img
n1=$(wc -l < plain.log)
said=$(sed -n 's/.* in \([0-9]*\) requests.*/\1/p' out)
expect "assemble-1: says $said requests, the server saw $n1" test "$said" = "$n1"
# The update: exactly what diff says, plus the manifest.
"$K" diff --store st --json win:1 win:2 > diff.json
dreq=$(sed -n 's/.*"requests": \([0-9]*\).*/\1/p' diff.json)
check assemble-2 kimg assemble --store "$url" --pubkey k.pub --into inst win:2
expect "assemble-2: image differs" cmp -s inst/2.img b.img
n2=$(($(wc -l < plain.log) - n1))
expect "assemble-2: $n2 requests, diff said $dreq + 1" test "$n2" = $((dreq + 1))
expect "assemble-2: ranges answered 206" test "$(tail -n "$n2" plain.log | grep -c ' 206$')" -ge 1
# Keep-alive: far fewer connections than requests.
ports=$(awk '{ print $2 }' plain.log | sort -u | wc -l)
expect "keep-alive: $ports connections for $(wc -l < plain.log) requests" test "$ports" -le 16

# Faults, each on one chunk of version 1, into new directories.
obj() { sed -n "${1}p" objs; }
head -n "$n1" plain.log | awk '$4 ~ /kch$/ { print $4 }' | sort -u > objs
o1=$(obj 1) o2=$(obj 2) o3=$(obj 3) o4=$(obj 4)
cat > faults.json << EOF2
{"$o1": {"times": 1, "status": 503, "retry_after": 1},
 "$o2": {"times": 2, "status": 500},
 "$o3": {"times": 1, "mode": "close"},
 "$o4": {"times": 9, "status": 404}}
EOF2
serve faults
refuse missing "fetch: not in the store" kimg assemble --store "$url" --pubkey k.pub --into f1 win:1
expect "404: asked again" test "$(requests faults "$o4")" = 1
echo '{}' > faults.json
cat > faults.json << EOF2
{"$o1": {"times": 1, "status": 503, "retry_after": 1},
 "$o2": {"times": 2, "status": 500},
 "$o3": {"times": 1, "mode": "close"}}
EOF2
serve retries
check retries kimg assemble --store "$url" --pubkey k.pub --into f2 win:1
expect "retries: image differs" cmp -s f2/1.img a.img
expect "503: not retried once" test "$(requests retries "$o1")" = 2
expect "500: not retried twice" test "$(requests retries "$o2")" = 3
expect "closed connection: not retried" test "$(requests retries "$o3")" = 2
# Retry-After: 1 was obeyed (the retry came at least a second later).
gap=$(grep "$o1" retries.log | awk 'NR == 1 { a = $1 } NR == 2 { printf "%d", ($1 - a) * 1000 }')
expect "Retry-After: the retry came after $gap ms" test "$gap" -ge 950
# The others went on while that one waited: once it was retried, no more
# than the chunks in flight (16) were left to fetch.
after=$(awk -v o="$o1" '$4 == o { n++; next } n == 2 { c++ } END { print c + 0 }' retries.log)
expect "a waiting retry held up the others ($after requests after it)" test "$after" -le 16

# A server that ignores Range: whole objects, the right bytes.
echo '{"kch": {"mode": "ignore-range"}}' > faults.json
serve norange
cp -a inst f3
rm -f f3/current f3/2.*
ln -s 1.img f3/current
check ignore-range kimg assemble --store "$url" --pubkey k.pub --into f3 win:2
expect "ignore-range: image differs" cmp -s f3/2.img b.img
echo '{}' > faults.json

# https: trusted only with the CA that signed the server's certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout tls.key -out tls.crt > /dev/null 2>&1
serve tls --tls tls.crt tls.key
surl="https://127.0.0.1:$(cat tls.port)"
refuse untrusted "certificate" kimg assemble --store "$surl" --pubkey k.pub --into f4 win:1
check https kimg assemble --store "$surl" --cacert tls.crt --pubkey k.pub --into f4 win:1
expect "https: image differs" cmp -s f4/1.img a.img
# Redirects: followed within http, never from https down to http.
serve target
turl=$url
echo "{\"kch\": {\"mode\": \"redirect\", \"times\": 1000000, \"location\": \"$turl\"}}" > redir.json
serve redir --faults redir.json
check redirect kimg assemble --store "$url" --pubkey k.pub --into f5 win:1
expect "redirect: image differs" cmp -s f5/1.img a.img
expect "redirect: no 302 answered" grep -q ' 302$' redir.log
n=$(grep -c 'kch' target.log)
serve tlsredir --tls tls.crt tls.key --faults redir.json
refuse https-to-http "fetch" kimg assemble --store "https://127.0.0.1:$(cat tlsredir.port)" \
	--cacert tls.crt --pubkey k.pub --into f6 win:1
expect "https-to-http: no 302 answered" grep -q ' 302$' tlsredir.log
expect "https-to-http: a chunk was fetched over http" test "$(grep -c 'kch' target.log)" = "$n"

# kill -9 at random points; each chunk is fetched once, except those in
# flight at a kill (at most --jobs of them each time).
serve crash
jobs=4
t0=$(date +%s%N)
kimg assemble --store "$url" --pubkey k.pub --into timing --jobs $jobs win:1 > /dev/null 2>&1
ms=$((($(date +%s%N) - t0) / 1000000))
: > crash.log
kills=0
i=0
while [ $i -lt 10 ]; do
	$W "$K" assemble --store "$url" --pubkey k.pub --into c --jobs $jobs win:1 > /dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v ms="$ms" -v r="$(od -An -N2 -tu2 /dev/urandom)" \
		'BEGIN { printf "%.3f", ms * 0.3 * r / 65536 / 1000 }')"
	kill -9 $pid 2> /dev/null && kills=$((kills + 1))
	wait $pid 2> /dev/null
	i=$((i + 1))
done
check crash-resume kimg assemble --store "$url" --pubkey k.pub --into c --jobs $jobs win:1
expect "crash: image differs after $kills kills" cmp -s c/1.img a.img
again=$(awk '$4 ~ /kch$/ { n[$4]++ } END { for (p in n) if (n[p] > 1) s += n[p] - 1; print s + 0 }' crash.log)
chunks=$(awk '$4 ~ /kch$/ { print $4 }' crash.log | sort -u | wc -l)
echo "crash: $kills kills in a $ms ms run; $chunks chunks, $again fetched again"
expect "crash: $again chunks fetched again after $kills kills of $jobs in flight" \
	test "$again" -le $((kills * jobs))

checks_done image-http
