/*
 * chunker: cutting an image into zero runs and content-defined chunks
 * aligned to 4 KiB blocks (docs/image-format.md, section 1).
 *
 * The cutter sees only block metadata (hash, length, all-zero), never the
 * bytes, so it is pure and the same code decides for kura-image create and
 * for anyone who re-chunks an image to compare.
 */
#ifndef KURA_CHUNKER_H
#define KURA_CHUNKER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define CHUNK_BLOCK 4096
#define CHUNK_HASH 32

struct chunk_params {
	uint32_t min_blocks;
	uint32_t divisor;
	uint32_t max_blocks;
	uint32_t zero_min_blocks;
};
extern const struct chunk_params chunk_params_v1;
/* 0 if p can be used (reasonable bounds), else -1 with the reason. */
int chunk_params_check(const struct chunk_params *p, char *err, size_t errlen);

struct chunk_block {
	unsigned char h[CHUNK_HASH];
	uint32_t len; /* 1..CHUNK_BLOCK; less only for the image's last */
	int zero;     /* every byte is 0 */
};

enum chunk_kind {
	CHUNK_DATA = 0,
	CHUNK_ZERO = 1,
};

struct chunk_cut {
	enum chunk_kind kind;
	uint32_t nblocks;
};

struct chunker {
	struct chunk_params p;
	int after_zero; /* the last cut was a zero run that may go on */
};

void chunker_init(struct chunker *c, const struct chunk_params *p);
/*
 * Cuts blocks b[0..n) into runs, written to out (room for n).  eof says
 * that b[n-1] is the image's last block; without it the cutter stops where
 * blocks it has not seen could change a decision.  *used receives the
 * number of blocks the cuts cover; the caller passes the others again,
 * followed by new ones.  Returns the number of cuts.
 */
size_t chunker_cut(struct chunker *c, const struct chunk_block *b, size_t n,
    int eof, struct chunk_cut *out, size_t *used);

/* SHA-256 of many small buffers without OpenSSL's per-call fetch. */
struct chunk_hasher {
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	unsigned char zero_h[CHUNK_HASH]; /* of a block of zeros */
};
void chunk_hasher_init(struct chunk_hasher *hs);
void chunk_hasher_free(struct chunk_hasher *hs);
void chunk_hash(struct chunk_hasher *hs, const void *buf, size_t len,
    unsigned char *h);
/* Fills b from len bytes of data (len 1..CHUNK_BLOCK). */
void chunk_block_fill(struct chunk_hasher *hs, const void *data, size_t len,
    struct chunk_block *b);
/* H(h_0 || ... ) over n block hashes: a chunk's id, or an image's root. */
void chunk_hash_list(struct chunk_hasher *hs, const struct chunk_block *b,
    size_t n, unsigned char *id);
int chunk_is_zero(const void *buf, size_t len);

/* A digest fed piecewise: the root of a whole image, block hash by block
 * hash, or a chunk id built while its blocks are compressed. */
struct chunk_digest {
	EVP_MD_CTX *ctx;
};
void chunk_digest_begin(struct chunk_digest *d, const struct chunk_hasher *hs);
void chunk_digest_add(struct chunk_digest *d, const void *buf, size_t len);
void chunk_digest_end(struct chunk_digest *d, unsigned char *h);

#endif
