/*
 * blkindex: where a laptop already has a block or a chunk, by hash.  Keys
 * are the first 8 bytes of a SHA-256 (collisions only cost a fetch: every
 * byte copied from a local source is hashed again before it is used);
 * values are locations packed by the caller.  16 bytes an entry: 80 MB for
 * the blocks of a 20 GB image.
 */
#ifndef KURA_BLKINDEX_H
#define KURA_BLKINDEX_H

#include <stddef.h>
#include <stdint.h>

#define BLKINDEX_NONE UINT64_MAX

struct blkindex {
	uint64_t *key;
	uint64_t *val;
	size_t cap, n;
};

void blkindex_init(struct blkindex *x);
void blkindex_free(struct blkindex *x);
/* Keeps the first location given for a hash. */
void blkindex_add(struct blkindex *x, const unsigned char *h, uint64_t loc);
/* The location, or BLKINDEX_NONE. */
uint64_t blkindex_find(const struct blkindex *x, const unsigned char *h);

#endif
