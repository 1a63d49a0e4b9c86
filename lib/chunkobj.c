/* chunkobj.c: encoding and checking chunk objects (see chunkobj.h). */
#include "config.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "chunkobj.h"
#include "edkey.h"
#include "log.h"
#include "xalloc.h"

size_t
chunkobj_table_len(uint32_t nblocks)
{
	return CHUNKOBJ_HDR + (size_t)CHUNKOBJ_ENT * nblocks;
}

uint64_t
chunkobj_min_stored(uint64_t length)
{
	uint64_t nb = (length + CHUNK_BLOCK - 1) / CHUNK_BLOCK;

	return chunkobj_table_len((uint32_t)nb) + nb;
}

static void
chunkobj_put32(unsigned char *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static uint32_t
chunkobj_get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

ZSTD_CCtx *
chunkobj_cctx(int level)
{
	ZSTD_CCtx *cctx;

	if ((cctx = ZSTD_createCCtx()) == NULL)
		fatalx("ZSTD_createCCtx");
	if (ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel,
		level ? level : CHUNKOBJ_LEVEL))) {
		ZSTD_freeCCtx(cctx);
		return NULL;
	}
	return cctx;
}

size_t
chunkobj_bound(size_t n)
{
	return chunkobj_table_len((uint32_t)n) +
	    n * ZSTD_compressBound(CHUNK_BLOCK);
}

size_t
chunkobj_encode(ZSTD_CCtx *cctx, const unsigned char *data, size_t len,
    const struct chunk_block *b, size_t n, unsigned char *o)
{
	size_t cap = chunkobj_bound(n), off, i, fl;

	memcpy(o, CHUNKOBJ_MAGIC, 8);
	chunkobj_put32(o + 8, (uint32_t)n);
	chunkobj_put32(o + 12, (uint32_t)len);
	off = chunkobj_table_len((uint32_t)n);
	for (i = 0; i < n; i++) {
		fl = ZSTD_compress2(cctx, o + off, cap - off,
		    data + i * CHUNK_BLOCK, b[i].len);
		if (ZSTD_isError(fl))
			fatalx("zstd: %s", ZSTD_getErrorName(fl));
		memcpy(o + CHUNKOBJ_HDR + i * CHUNKOBJ_ENT, b[i].h, CHUNK_HASH);
		chunkobj_put32(o + CHUNKOBJ_HDR + i * CHUNKOBJ_ENT + CHUNK_HASH,
		    (uint32_t)fl);
		off += fl;
	}
	return off;
}

static int
chunkobj_check_header(const unsigned char *buf, size_t len, uint64_t length,
    struct chunkobj_table *t, char *err, size_t errlen)
{
	uint64_t nb = (length + CHUNK_BLOCK - 1) / CHUNK_BLOCK;

	if (len < CHUNKOBJ_HDR || memcmp(buf, CHUNKOBJ_MAGIC, 8) != 0) {
		snprintf(err, errlen, "not a chunk object (bad magic)");
		return -1;
	}
	t->nblocks = chunkobj_get32(buf + 8);
	t->length = chunkobj_get32(buf + 12);
	if (t->length != length || t->nblocks != nb ||
	    nb > CHUNKOBJ_MAX_BLOCKS || nb == 0) {
		snprintf(err, errlen,
		    "object holds %u bytes in %u blocks, expected %llu bytes",
		    t->length, t->nblocks, (unsigned long long)length);
		return -1;
	}
	if (len < chunkobj_table_len(t->nblocks)) {
		snprintf(err, errlen, "object truncated in its block table");
		return -1;
	}
	return 0;
}

int
chunkobj_parse_table(struct chunk_hasher *hs, const unsigned char *buf,
    size_t len, const unsigned char *id, uint64_t length,
    struct chunkobj_table *t, char *err, size_t errlen)
{
	struct chunk_digest d;
	unsigned char got[CHUNK_HASH];
	char hex[2 * CHUNK_HASH + 1];
	uint32_t k;
	uint64_t off;

	if (chunkobj_check_header(buf, len, length, t, err, errlen) == -1)
		return -1;
	chunk_digest_begin(&d, hs);
	off = chunkobj_table_len(t->nblocks);
	for (k = 0; k < t->nblocks; k++) {
		const unsigned char *e = buf + CHUNKOBJ_HDR + k * CHUNKOBJ_ENT;

		memcpy(t->h[k], e, CHUNK_HASH);
		chunk_digest_add(&d, e, CHUNK_HASH);
		t->flen[k] = chunkobj_get32(e + CHUNK_HASH);
		t->foff[k] = off;
		off += t->flen[k];
	}
	chunk_digest_end(&d, got);
	t->total = off;
	if (memcmp(got, id, CHUNK_HASH) != 0) {
		edkey_hex(got, CHUNK_HASH, hex);
		snprintf(err, errlen,
		    "block table hashes to %.16s…, not the id", hex);
		return -1;
	}
	return 0;
}

int
chunkobj_decode_block(ZSTD_DCtx *dctx, struct chunk_hasher *hs,
    const struct chunkobj_table *t, uint32_t k, const void *frame, size_t flen,
    unsigned char *out, char *err, size_t errlen)
{
	uint32_t want =
	    k + 1 < t->nblocks ? CHUNK_BLOCK : t->length - k * CHUNK_BLOCK;
	unsigned char h[CHUNK_HASH];
	size_t n;

	n = ZSTD_decompressDCtx(dctx, out, CHUNK_BLOCK, frame, flen);
	if (ZSTD_isError(n)) {
		snprintf(err, errlen, "block %u: zstd: %s", k,
		    ZSTD_getErrorName(n));
		return -1;
	}
	if (n != want) {
		snprintf(err, errlen, "block %u: %zu bytes, expected %u", k, n,
		    want);
		return -1;
	}
	chunk_hash(hs, out, n, h);
	if (memcmp(h, t->h[k], CHUNK_HASH) != 0) {
		snprintf(err, errlen, "block %u: hash mismatch", k);
		return -1;
	}
	return 0;
}

int
chunkobj_decode_all(ZSTD_DCtx *dctx, struct chunk_hasher *hs,
    const struct chunkobj_table *t, const unsigned char *obj, size_t objlen,
    unsigned char *out, char *err, size_t errlen)
{
	uint32_t k;

	if (t->total != objlen) {
		snprintf(err, errlen,
		    "object is %zu bytes, its table says %llu", objlen,
		    (unsigned long long)t->total);
		return -1;
	}
	for (k = 0; k < t->nblocks; k++)
		if (chunkobj_decode_block(dctx, hs, t, k, obj + t->foff[k],
			t->flen[k], out + (size_t)k * CHUNK_BLOCK, err,
			errlen) == -1)
			return -1;
	return 0;
}

int
chunkobj_decode(ZSTD_DCtx *dctx, struct chunk_hasher *hs,
    const unsigned char *obj, size_t objlen, const unsigned char *id,
    uint64_t length, unsigned char *out, char *err, size_t errlen)
{
	struct chunkobj_table t;

	if (chunkobj_parse_table(hs, obj, objlen, id, length, &t, err,
		errlen) == -1)
		return -1;
	return chunkobj_decode_all(dctx, hs, &t, obj, objlen, out, err, errlen);
}

void
chunkobj_path(const unsigned char *id, char *buf)
{
	char hex[2 * CHUNK_HASH + 1];

	edkey_hex(id, CHUNK_HASH, hex);
	snprintf(buf, CHUNKOBJ_PATH_LEN, "chunks/%.2s/%s.kch", hex, hex);
}
