/* chunker.c: zero runs and block-aligned content-defined chunks (see
 * chunker.h and docs/image-format.md). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "chunker.h"
#include "log.h"

const struct chunk_params chunk_params_v1 = {
	.min_blocks = 4,
	.divisor = 13,
	.max_blocks = 64,
	.zero_min_blocks = 4,
};

int
chunk_params_check(const struct chunk_params *p, char *err, size_t errlen)
{
	/* Bounds keep objects small enough to hold in memory and the block
	 * table of one object under 2.5 KiB. */
	if (p->min_blocks < 1 || p->max_blocks > 64 ||
	    p->min_blocks > p->max_blocks || p->divisor < 1 ||
	    p->zero_min_blocks < 1 || p->zero_min_blocks > 1024) {
		snprintf(err, errlen,
		    "chunking min_blocks %u, divisor %u, max_blocks %u, "
		    "zero_min_blocks %u out of range",
		    p->min_blocks, p->divisor, p->max_blocks,
		    p->zero_min_blocks);
		return -1;
	}
	return 0;
}

void
chunker_init(struct chunker *c, const struct chunk_params *p)
{
	c->p = *p;
	c->after_zero = 0;
}

/* Zero blocks from i on; *open says the run reaches the end of what was
 * given and might go on. */
static size_t
chunker_zero_run(const struct chunk_block *b, size_t n, size_t i, int eof,
    int *open)
{
	size_t j = i;

	while (j < n && b[j].zero)
		j++;
	*open = j == n && !eof;
	return j - i;
}

/* Whether a zero run starts at i: -1 if that cannot be known yet. */
static int
chunker_zero_starts(const struct chunker *c, const struct chunk_block *b,
    size_t n, size_t i, int eof)
{
	int open;
	size_t run;

	if (i >= n)
		return eof ? 0 : -1;
	run = chunker_zero_run(b, n, i, eof, &open);
	if (run >= c->p.zero_min_blocks)
		return 1;
	return open ? -1 : 0;
}

static int
chunker_content_cut(const struct chunker *c, const struct chunk_block *b,
    uint32_t count)
{
	uint64_t v = 0;
	int k;

	if (count < c->p.min_blocks)
		return 0;
	for (k = 7; k >= 0; k--)
		v = v << 8 | b->h[k];
	return v % c->p.divisor == c->p.divisor - 1;
}

/* The data chunk that starts at i: its length in blocks, or 0 when more
 * blocks are needed to decide. */
static size_t
chunker_data(const struct chunker *c, const struct chunk_block *b, size_t n,
    size_t i, int eof)
{
	size_t k;
	int z;

	for (k = i; k < n; k++) {
		uint32_t count = (uint32_t)(k - i + 1);

		if (count == c->p.max_blocks ||
		    chunker_content_cut(c, &b[k], count))
			return count;
		if ((z = chunker_zero_starts(c, b, n, k + 1, eof)) == -1)
			return 0;
		if (z == 1 || (eof && k + 1 == n))
			return count;
	}
	return 0;
}

size_t
chunker_cut(struct chunker *c, const struct chunk_block *b, size_t n, int eof,
    struct chunk_cut *out, size_t *used)
{
	size_t i = 0, ncut = 0, len;
	int open;

	while (i < n) {
		len = b[i].zero ? chunker_zero_run(b, n, i, eof, &open) : 0;
		if (len > 0 && (c->after_zero || len >= c->p.zero_min_blocks)) {
			/* A long run is a zero run even if it goes on; the
			 * rest of it continues it (after_zero). */
			out[ncut++] =
			    (struct chunk_cut){ CHUNK_ZERO, (uint32_t)len };
			c->after_zero = open;
			i += len;
			continue;
		}
		if (len > 0 && open)
			break; /* a short run so far: wait for the rest */
		if ((len = chunker_data(c, b, n, i, eof)) == 0)
			break;
		out[ncut++] = (struct chunk_cut){ CHUNK_DATA, (uint32_t)len };
		c->after_zero = 0;
		i += len;
	}
	*used = i;
	return ncut;
}

void
chunk_hasher_init(struct chunk_hasher *hs)
{
	static const unsigned char zeros[CHUNK_BLOCK];

	hs->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	hs->ctx = EVP_MD_CTX_new();
	if (hs->md == NULL || hs->ctx == NULL)
		fatalx("cannot set up SHA-256 (out of memory?)");
	/* Most of a disk is zeros: hash them once. */
	chunk_hash(hs, zeros, sizeof(zeros), hs->zero_h);
}

void
chunk_hasher_free(struct chunk_hasher *hs)
{
	EVP_MD_CTX_free(hs->ctx);
	EVP_MD_free(hs->md);
	hs->ctx = NULL;
	hs->md = NULL;
}

void
chunk_hash(struct chunk_hasher *hs, const void *buf, size_t len,
    unsigned char *h)
{
	if (EVP_DigestInit_ex2(hs->ctx, hs->md, NULL) != 1 ||
	    EVP_DigestUpdate(hs->ctx, buf, len) != 1 ||
	    EVP_DigestFinal_ex(hs->ctx, h, NULL) != 1)
		fatalx("SHA-256 failed");
}

int
chunk_is_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	/* Compare the buffer with itself shifted by one byte: all equal and
	 * the first byte 0 means all 0, at memcmp's speed. */
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

void
chunk_block_fill(struct chunk_hasher *hs, const void *data, size_t len,
    struct chunk_block *b)
{
	b->len = (uint32_t)len;
	b->zero = chunk_is_zero(data, len);
	if (b->zero && len == CHUNK_BLOCK) {
		memcpy(b->h, hs->zero_h, CHUNK_HASH);
		return;
	}
	chunk_hash(hs, data, len, b->h);
}

void
chunk_hash_list(struct chunk_hasher *hs, const struct chunk_block *b, size_t n,
    unsigned char *id)
{
	struct chunk_digest d;
	size_t i;

	chunk_digest_begin(&d, hs);
	for (i = 0; i < n; i++)
		chunk_digest_add(&d, b[i].h, CHUNK_HASH);
	chunk_digest_end(&d, id);
}

void
chunk_digest_begin(struct chunk_digest *d, const struct chunk_hasher *hs)
{
	d->ctx = EVP_MD_CTX_new();
	if (d->ctx == NULL || EVP_DigestInit_ex2(d->ctx, hs->md, NULL) != 1)
		fatalx("cannot set up SHA-256 (out of memory?)");
}

void
chunk_digest_add(struct chunk_digest *d, const void *buf, size_t len)
{
	if (EVP_DigestUpdate(d->ctx, buf, len) != 1)
		fatalx("SHA-256 failed");
}

void
chunk_digest_end(struct chunk_digest *d, unsigned char *h)
{
	if (EVP_DigestFinal_ex(d->ctx, h, NULL) != 1)
		fatalx("SHA-256 failed");
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}
