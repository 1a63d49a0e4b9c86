/*
 * asmsrc: what a laptop already holds, for assemble: seed images (the
 * installed version, older versions, a device) indexed by block hash and by
 * chunk id.  Chunk ids of a seed come from running the chunker over its
 * block hashes, so any raw image or device can be a seed, not only one
 * whose manifest is known.
 */
#ifndef KURA_ASMSRC_H
#define KURA_ASMSRC_H

#include <stddef.h>
#include <stdint.h>

#include "blkindex.h"
#include "chunker.h"

#define ASMSRC_MAX 16
/* Where a block of zeros is: anywhere. */
#define ASMSRC_ZERO (BLKINDEX_NONE - 1)

struct asmsrc_file {
	char *path;
	int fd;
	uint64_t size;
};

struct asmsrc {
	struct asmsrc_file f[ASMSRC_MAX];
	int n;
	struct blkindex blocks, chunks;
	struct chunk_params p;
	struct chunk_hasher *hs;
	uint64_t nblocks; /* indexed, zeros included */
};

void asmsrc_init(struct asmsrc *s, const struct chunk_params *p,
    struct chunk_hasher *hs);
void asmsrc_free(struct asmsrc *s);
/* Indexes a seed.  sidecar: a file of its block hashes (32 bytes each, as
 * assemble writes them), or NULL to read and hash the seed.  0 or -1. */
int asmsrc_add(struct asmsrc *s, const char *path, const char *sidecar,
    char *err, size_t errlen);
/* Adds a file written by this assemble (the new image) as a source of
 * whole chunks; returns its index. */
int asmsrc_add_self(struct asmsrc *s, int fd, const char *path);
/* Packs and reads locations. */
uint64_t asmsrc_loc(int src, uint64_t block);
/* len bytes from the block at loc.  0 or -errno. */
int asmsrc_read(struct asmsrc *s, uint64_t loc, void *buf, size_t len);

#endif
