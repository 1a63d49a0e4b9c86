/* blkindex.c: an open-addressing hash table from hash prefixes to
 * locations (see blkindex.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "blkindex.h"
#include "xalloc.h"

void
blkindex_init(struct blkindex *x)
{
	memset(x, 0, sizeof(*x));
}

void
blkindex_free(struct blkindex *x)
{
	free(x->key);
	free(x->val);
	memset(x, 0, sizeof(*x));
}

/* SHA-256 output is uniform, so its first bytes are the hash; 0 marks an
 * empty slot, so a key of 0 is stored as 1. */
static uint64_t
blkindex_key(const unsigned char *h)
{
	uint64_t k;

	memcpy(&k, h, sizeof(k));
	return k == 0 ? 1 : k;
}

static size_t
blkindex_slot(const struct blkindex *x, uint64_t k)
{
	size_t i = (size_t)k & (x->cap - 1);

	while (x->key[i] != 0 && x->key[i] != k)
		i = (i + 1) & (x->cap - 1);
	return i;
}

static void
blkindex_grow(struct blkindex *x)
{
	struct blkindex old = *x;
	size_t i, s;

	x->cap = old.cap ? 2 * old.cap : 1024;
	x->key = xcalloc(x->cap, sizeof(*x->key));
	x->val = xcalloc(x->cap, sizeof(*x->val));
	for (i = 0; i < old.cap; i++) {
		if (old.key[i] == 0)
			continue;
		s = blkindex_slot(x, old.key[i]);
		x->key[s] = old.key[i];
		x->val[s] = old.val[i];
	}
	free(old.key);
	free(old.val);
}

void
blkindex_add(struct blkindex *x, const unsigned char *h, uint64_t loc)
{
	uint64_t k = blkindex_key(h);
	size_t s;

	if (2 * (x->n + 1) > x->cap)
		blkindex_grow(x);
	s = blkindex_slot(x, k);
	if (x->key[s] == k)
		return;
	x->key[s] = k;
	x->val[s] = loc;
	x->n++;
}

uint64_t
blkindex_find(const struct blkindex *x, const unsigned char *h)
{
	uint64_t k = blkindex_key(h);
	size_t s;

	if (x->cap == 0)
		return BLKINDEX_NONE;
	s = blkindex_slot(x, k);
	return x->key[s] == k ? x->val[s] : BLKINDEX_NONE;
}
