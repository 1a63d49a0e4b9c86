/* imgplan.c: ranges to fetch for a chunk (see imgplan.h). */
#include "config.h"

#include <string.h>

#include "imgplan.h"

static void
imgplan_whole(const struct chunkobj_table *t, struct imgplan *p)
{
	uint32_t k;

	p->nranges = 1;
	p->r[0] = (struct imgplan_range){ 0, t->nblocks, t->foff[0],
		t->total - t->foff[0] };
	p->wire = p->r[0].len;
	p->data = t->length;
	p->nlocal = 0;
	for (k = 0; k < t->nblocks; k++)
		p->loc[k] = BLKINDEX_NONE;
}

static uint64_t
imgplan_block_len(const struct chunkobj_table *t, uint32_t k)
{
	return k + 1 < t->nblocks ? CHUNK_BLOCK
				  : t->length - (uint64_t)k * CHUNK_BLOCK;
}

/* Adds frame k to the ranges, joining the previous range across a small
 * gap of local frames (fetched anyway, then ignored). */
static void
imgplan_add(const struct chunkobj_table *t, struct imgplan *p, uint32_t k)
{
	struct imgplan_range *r = p->nranges ? &p->r[p->nranges - 1] : NULL;
	uint64_t end = r ? r->off + r->len : 0;

	if (r != NULL && t->foff[k] - end <= IMGPLAN_GAP) {
		r->count = k + 1 - r->first;
		r->len = t->foff[k] + t->flen[k] - r->off;
		return;
	}
	p->r[p->nranges++] =
	    (struct imgplan_range){ k, 1, t->foff[k], t->flen[k] };
}

void
imgplan_blocks(const struct chunkobj_table *t, const struct blkindex *local,
    struct imgplan *p)
{
	uint32_t k;

	memset(p, 0, sizeof(*p));
	for (k = 0; k < t->nblocks; k++) {
		p->loc[k] = blkindex_find(local, t->h[k]);
		if (p->loc[k] != BLKINDEX_NONE) {
			p->nlocal++;
			continue;
		}
		imgplan_add(t, p, k);
		p->data += imgplan_block_len(t, k);
	}
	for (k = 0; k < p->nranges; k++)
		p->wire += p->r[k].len;
	if (p->nranges > 0 && p->wire >= t->total - t->foff[0])
		imgplan_whole(t, p);
}
