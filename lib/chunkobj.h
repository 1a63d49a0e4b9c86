/*
 * chunkobj: chunk objects, the unit a store keeps and a laptop fetches
 * (docs/image-format.md, section 2): a block table, then one zstd frame per
 * 4 KiB block so that any subset of blocks can be fetched by range.
 */
#ifndef KURA_CHUNKOBJ_H
#define KURA_CHUNKOBJ_H

#include <stddef.h>
#include <stdint.h>

#include <zstd.h>

#include "chunker.h"

#define CHUNKOBJ_MAGIC "KURACHK1"
#define CHUNKOBJ_HDR 16
#define CHUNKOBJ_ENT 36
#define CHUNKOBJ_MAX_BLOCKS 64
/* zstd level of the frames.  At 4 KiB a frame, level 1 stores within 2% of
 * level 3 and compresses 30% faster (measured on ext4 images of programs
 * and libraries).  create --level picks another. */
#define CHUNKOBJ_LEVEL 1

/* Bytes before the first frame: header and block table. */
size_t chunkobj_table_len(uint32_t nblocks);

/* The smallest object that can hold length bytes: its table and a byte
 * per frame. */
uint64_t chunkobj_min_stored(uint64_t length);

/* A compression context for chunkobj_encode at a zstd level (0: the
 * default).  NULL only for a level zstd refuses. */
ZSTD_CCtx *chunkobj_cctx(int level);

/* The most bytes an object of n blocks can take. */
size_t chunkobj_bound(size_t n);

/* The object for len bytes of data whose blocks b[0..n) are hashed,
 * compressed with cctx from chunkobj_cctx, into out (chunkobj_bound(n)
 * bytes: callers keep one buffer, since a fresh one per object costs a
 * page fault per 4 KiB); returns its length. */
size_t chunkobj_encode(ZSTD_CCtx *cctx, const unsigned char *data, size_t len,
    const struct chunk_block *b, size_t n, unsigned char *out);

struct chunkobj_table {
	uint32_t nblocks;
	uint32_t length;
	unsigned char h[CHUNKOBJ_MAX_BLOCKS][CHUNK_HASH];
	uint32_t flen[CHUNKOBJ_MAX_BLOCKS];
	uint64_t foff[CHUNKOBJ_MAX_BLOCKS]; /* from the object's start */
	uint64_t total;                     /* the object's size */
};

/* Checks the header and block table in buf (at least chunkobj_table_len
 * bytes) against the id and length the manifest gives.  0, or -1 with
 * the check that failed in err. */
int chunkobj_parse_table(struct chunk_hasher *hs, const unsigned char *buf,
    size_t len, const unsigned char *id, uint64_t length,
    struct chunkobj_table *t, char *err, size_t errlen);
/* Decompresses block k's frame into out (room for CHUNK_BLOCK) and checks
 * its hash. */
int chunkobj_decode_block(ZSTD_DCtx *dctx, struct chunk_hasher *hs,
    const struct chunkobj_table *t, uint32_t k, const void *frame, size_t flen,
    unsigned char *out, char *err, size_t errlen);
/* Every block of a whole object whose table t parsed: decompressed into
 * out (room for nblocks blocks) and checked. */
int chunkobj_decode_all(ZSTD_DCtx *dctx, struct chunk_hasher *hs,
    const struct chunkobj_table *t, const unsigned char *obj, size_t objlen,
    unsigned char *out, char *err, size_t errlen);
/* A whole object into out (room for length bytes), every check made. */
int chunkobj_decode(ZSTD_DCtx *dctx, struct chunk_hasher *hs,
    const unsigned char *obj, size_t objlen, const unsigned char *id,
    uint64_t length, unsigned char *out, char *err, size_t errlen);

/* "chunks/ab/ab....kch" for an id; buf holds CHUNKOBJ_PATH_LEN. */
#define CHUNKOBJ_PATH_LEN (7 + 3 + 64 + 4 + 1)
void chunkobj_path(const unsigned char *id, char *buf);

#endif
