/*
 * imgplan: which bytes of a chunk object a laptop fetches when it lacks
 * the chunk but may hold some of its blocks (docs/image-format.md, 4).
 * kura-image diff and assemble decide with the same code, so diff's
 * figures are what assemble fetches.
 */
#ifndef KURA_IMGPLAN_H
#define KURA_IMGPLAN_H

#include <stdint.h>

#include "blkindex.h"
#include "chunkobj.h"

/* Two runs of missing frames closer than this are fetched as one range:
 * a request costs more than a few hundred bytes. */
#define IMGPLAN_GAP 512

struct imgplan_range {
	uint32_t first, count; /* frames */
	uint64_t off, len;     /* bytes of the object */
};

struct imgplan {
	uint32_t nranges;
	struct imgplan_range r[CHUNKOBJ_MAX_BLOCKS];
	uint64_t wire; /* bytes fetched after the table */
	uint64_t data; /* uncompressed bytes of the blocks fetched */
	uint32_t nlocal;
	/* per block: a location in local, or BLKINDEX_NONE: fetched */
	uint64_t loc[CHUNKOBJ_MAX_BLOCKS];
};

/* With the chunk's table in hand (already fetched): ranges of frames for
 * the blocks local lacks, or the rest of the object when that costs no
 * more. */
void imgplan_blocks(const struct chunkobj_table *t,
    const struct blkindex *local, struct imgplan *p);

#endif
