/* Unit tests for lib/chunker.c, lib/chunkobj.c, lib/imgplan.c and
 * lib/blkindex.c: where chunks end, what objects hold, what is fetched. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blkindex.h"
#include "chunker.h"
#include "chunkobj.h"
#include "imgplan.h"
#include "xalloc.h"

static struct chunk_hasher hs;

/* Deterministic pseudo-random bytes (xorshift), so that every run cuts the
 * same way and a failure can be replayed. */
static void
fill_random(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)x;
	}
}

static struct chunk_block *
blocks_of(const unsigned char *data, size_t len, size_t *n)
{
	struct chunk_block *b;
	size_t i;

	*n = (len + CHUNK_BLOCK - 1) / CHUNK_BLOCK;
	b = calloc(*n + 1, sizeof(*b));
	assert_non_null(b);
	for (i = 0; i < *n; i++)
		chunk_block_fill(&hs, data + i * CHUNK_BLOCK,
		    len - i * CHUNK_BLOCK < CHUNK_BLOCK ? len - i * CHUNK_BLOCK
							: CHUNK_BLOCK,
		    &b[i]);
	return b;
}

/* A zero run cut by the end of what was held goes on in the next cut;
 * create merges them into one entry, and so does this. */
static size_t
merge_zero(struct chunk_cut *out, size_t ncut, size_t from)
{
	size_t i;

	for (i = from; i < ncut; i++) {
		if (ncut > 0 && from > 0 && out[i].kind == CHUNK_ZERO &&
		    out[from - 1].kind == CHUNK_ZERO) {
			out[from - 1].nblocks += out[i].nblocks;
			continue;
		}
		out[from++] = out[i];
	}
	return from;
}

/* Cuts in one call, or fed piece by piece the way create does. */
static size_t
cut_all(const struct chunk_block *b, size_t n, size_t piece,
    struct chunk_cut *out)
{
	struct chunker ck;
	size_t at = 0, held = 0, ncut = 0, used;

	chunker_init(&ck, &chunk_params_v1);
	while (at < n || held > 0) {
		size_t more = n - at < piece ? n - at : piece;
		int eof = at + more == n;

		held += more;
		at += more;
		ncut = merge_zero(out,
		    ncut +
			chunker_cut(&ck, b + at - held, held, eof, out + ncut,
			    &used),
		    ncut);
		held -= used;
		if (eof) {
			assert_int_equal(held, 0);
			break;
		}
	}
	return ncut;
}

static void
test_bounds(void **state)
{
	size_t len = 8 << 20, n, ncut, i, total = 0;
	unsigned char *data = malloc(len);
	struct chunk_block *b;
	struct chunk_cut *cuts;

	(void)state;
	fill_random(data, len, 1);
	b = blocks_of(data, len, &n);
	cuts = calloc(n, sizeof(*cuts));
	ncut = cut_all(b, n, n, cuts);
	for (i = 0; i < ncut; i++) {
		assert_int_equal(cuts[i].kind, CHUNK_DATA);
		assert_true(cuts[i].nblocks <= chunk_params_v1.max_blocks);
		/* Only the last chunk may be short. */
		if (i + 1 < ncut)
			assert_true(
			    cuts[i].nblocks >= chunk_params_v1.min_blocks);
		total += cuts[i].nblocks;
	}
	assert_int_equal(total, n);
	/* About 64 KiB on average: 16 blocks, give or take. */
	assert_true(n / ncut >= 10 && n / ncut <= 24);
	free(cuts);
	free(b);
	free(data);
}

static void
test_pieces(void **state)
{
	size_t len = 4 << 20, n, a, c, i;
	unsigned char *data = malloc(len);
	struct chunk_block *b;
	struct chunk_cut *x, *y;

	(void)state;
	fill_random(data, len, 2);
	/* Zero runs long and short, so that cuts wait on lookahead. */
	memset(data + 100 * CHUNK_BLOCK, 0, 3 * CHUNK_BLOCK);
	memset(data + 300 * CHUNK_BLOCK, 0, 40 * CHUNK_BLOCK);
	memset(data + 700 * CHUNK_BLOCK, 0, 5 * CHUNK_BLOCK);
	b = blocks_of(data, len, &n);
	x = calloc(n, sizeof(*x));
	y = calloc(n, sizeof(*y));
	a = cut_all(b, n, n, x);
	for (size_t piece = 1; piece < 200; piece += 37) {
		c = cut_all(b, n, piece, y);
		assert_int_equal(a, c);
		for (i = 0; i < a; i++) {
			assert_int_equal(x[i].kind, y[i].kind);
			assert_int_equal(x[i].nblocks, y[i].nblocks);
		}
	}
	free(x);
	free(y);
	free(b);
	free(data);
}

static void
test_zero_runs(void **state)
{
	size_t len = 1 << 20, n, ncut, i, at = 0, zeros = 0;
	unsigned char *data = malloc(len);
	struct chunk_block *b;
	struct chunk_cut cuts[256];

	(void)state;
	fill_random(data, len, 3);
	memset(data + 10 * CHUNK_BLOCK, 0, 3 * CHUNK_BLOCK);   /* short */
	memset(data + 100 * CHUNK_BLOCK, 0, 20 * CHUNK_BLOCK); /* long */
	b = blocks_of(data, len, &n);
	ncut = cut_all(b, n, n, cuts);
	for (i = 0; i < ncut; at += cuts[i++].nblocks) {
		if (cuts[i].kind != CHUNK_ZERO)
			continue;
		assert_int_equal(at, 100);
		assert_int_equal(cuts[i].nblocks, 20);
		zeros++;
	}
	assert_int_equal(zeros, 1);
	free(b);
	free(data);
}

static int
has_id(unsigned char (*ids)[CHUNK_HASH], size_t n, const unsigned char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(ids[i], id, CHUNK_HASH) == 0)
			return 1;
	return 0;
}

static size_t
chunk_ids(const unsigned char *data, size_t len,
    unsigned char (**ids)[CHUNK_HASH])
{
	size_t n, ncut, i, at = 0, k = 0;
	struct chunk_block *b = blocks_of(data, len, &n);
	struct chunk_cut *cuts = calloc(n, sizeof(*cuts));

	ncut = cut_all(b, n, n, cuts);
	*ids = calloc(ncut, CHUNK_HASH);
	for (i = 0; i < ncut; at += cuts[i++].nblocks)
		if (cuts[i].kind == CHUNK_DATA)
			chunk_hash_list(&hs, b + at, cuts[i].nblocks,
			    (*ids)[k++]);
	free(cuts);
	free(b);
	return k;
}

/* Blocks inserted in the middle change only the chunks around them. */
static void
test_insertion_stable(void **state)
{
	size_t len = 8 << 20, ins = 7 * CHUNK_BLOCK, na, nb, i, kept = 0;
	unsigned char *a = malloc(len), *b = malloc(len + ins);
	unsigned char(*ia)[CHUNK_HASH], (*ib)[CHUNK_HASH];

	(void)state;
	fill_random(a, len, 4);
	memcpy(b, a, len / 2);
	fill_random(b + len / 2, ins, 5);
	memcpy(b + len / 2 + ins, a + len / 2, len / 2);
	na = chunk_ids(a, len, &ia);
	nb = chunk_ids(b, len + ins, &ib);
	for (i = 0; i < na; i++)
		kept += has_id(ib, nb, ia[i]);
	/* At most a few chunks around the insertion are new. */
	assert_true(na - kept <= 4);
	assert_true(kept >= na - 4);
	free(ia);
	free(ib);
	free(a);
	free(b);
}

/* The whole image shifted by blocks prepended: chunks after the first
 * cut are the same chunks. */
static void
test_shift_stable(void **state)
{
	size_t len = 4 << 20, pre = 3 * CHUNK_BLOCK, na, nb, i, kept = 0;
	unsigned char *a = malloc(len), *b = malloc(len + pre);
	unsigned char(*ia)[CHUNK_HASH], (*ib)[CHUNK_HASH];

	(void)state;
	fill_random(a, len, 6);
	fill_random(b, pre, 7);
	memcpy(b + pre, a, len);
	na = chunk_ids(a, len, &ia);
	nb = chunk_ids(b, len + pre, &ib);
	for (i = 0; i < na; i++)
		kept += has_id(ib, nb, ia[i]);
	assert_true(kept >= na - 2);
	free(ia);
	free(ib);
	free(a);
	free(b);
}

struct obj {
	unsigned char data[CHUNKOBJ_MAX_BLOCKS * CHUNK_BLOCK];
	struct chunk_block b[CHUNKOBJ_MAX_BLOCKS];
	unsigned char id[CHUNK_HASH];
	unsigned char *o;
	size_t olen, len, n;
	ZSTD_CCtx *cc;
	ZSTD_DCtx *dc;
};

static void
obj_make(struct obj *x, size_t len, uint64_t seed)
{
	size_t i;

	memset(x, 0, sizeof(*x));
	x->cc = chunkobj_cctx(0);
	x->dc = ZSTD_createDCtx();
	x->len = len;
	fill_random(x->data, len, seed);
	/* Half of it compressible. */
	memset(x->data, 'k', len / 2);
	x->n = (len + CHUNK_BLOCK - 1) / CHUNK_BLOCK;
	for (i = 0; i < x->n; i++)
		chunk_block_fill(&hs, x->data + i * CHUNK_BLOCK,
		    i + 1 < x->n ? CHUNK_BLOCK : len - i * CHUNK_BLOCK,
		    &x->b[i]);
	chunk_hash_list(&hs, x->b, x->n, x->id);
	x->o = xmalloc(chunkobj_bound(x->n));
	x->olen = chunkobj_encode(x->cc, x->data, len, x->b, x->n, x->o);
}

static void
obj_free(struct obj *x)
{
	free(x->o);
	ZSTD_freeCCtx(x->cc);
	ZSTD_freeDCtx(x->dc);
}

static void
test_object_roundtrip(void **state)
{
	static struct obj x;
	static unsigned char out[CHUNKOBJ_MAX_BLOCKS * CHUNK_BLOCK];
	char err[256];

	(void)state;
	obj_make(&x, 10 * CHUNK_BLOCK + 123, 8);
	assert_int_equal(chunkobj_decode(x.dc, &hs, x.o, x.olen, x.id, x.len,
			     out, err, sizeof(err)),
	    0);
	assert_memory_equal(out, x.data, x.len);
	assert_true(x.olen >= chunkobj_min_stored(x.len));
	obj_free(&x);
}

static void
test_object_rejects(void **state)
{
	static struct obj x;
	static unsigned char out[CHUNKOBJ_MAX_BLOCKS * CHUNK_BLOCK];
	struct chunkobj_table t;
	unsigned char wrong[CHUNK_HASH];
	char err[256];

	(void)state;
	obj_make(&x, 8 * CHUNK_BLOCK, 9);
	/* Another id. */
	memcpy(wrong, x.id, CHUNK_HASH);
	wrong[0] ^= 1;
	assert_int_equal(chunkobj_decode(x.dc, &hs, x.o, x.olen, wrong, x.len,
			     out, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not the id"));
	/* Another length. */
	assert_int_equal(chunkobj_decode(x.dc, &hs, x.o, x.olen, x.id,
			     x.len - CHUNK_BLOCK, out, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "expected"));
	/* Truncated. */
	assert_int_equal(chunkobj_decode(x.dc, &hs, x.o, x.olen - 1, x.id,
			     x.len, out, err, sizeof(err)),
	    -1);
	/* A damaged frame is named by its block. */
	assert_int_equal(chunkobj_parse_table(&hs, x.o, x.olen, x.id, x.len, &t,
			     err, sizeof(err)),
	    0);
	x.o[t.foff[6] + t.flen[6] - 2] ^= 0x55;
	assert_int_equal(chunkobj_decode(x.dc, &hs, x.o, x.olen, x.id, x.len,
			     out, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "block 6"));
	/* Bad magic. */
	x.o[0] = 'X';
	assert_int_equal(chunkobj_decode(x.dc, &hs, x.o, x.olen, x.id, x.len,
			     out, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "magic"));
	obj_free(&x);
}

/* Blocks held locally are not fetched; near runs are joined; when most is
 * missing, the rest of the object comes in one range. */
static void
test_plan(void **state)
{
	static struct obj x;
	struct chunkobj_table t;
	struct blkindex local;
	struct imgplan p;
	char err[256];
	uint32_t k;

	(void)state;
	obj_make(&x, 16 * CHUNK_BLOCK, 10);
	assert_int_equal(chunkobj_parse_table(&hs, x.o, x.olen, x.id, x.len, &t,
			     err, sizeof(err)),
	    0);
	blkindex_init(&local);
	imgplan_blocks(&t, &local, &p);
	assert_int_equal(p.nranges, 1);
	assert_int_equal(p.r[0].off, t.foff[0]);
	assert_int_equal(p.r[0].off + p.r[0].len, t.total);
	assert_int_equal(p.data, x.len);
	/* Hold all but blocks 12 and 13 (random, incompressible). */
	for (k = 0; k < t.nblocks; k++)
		if (k != 12 && k != 13)
			blkindex_add(&local, t.h[k], 100 + k);
	imgplan_blocks(&t, &local, &p);
	assert_int_equal(p.nranges, 1);
	assert_int_equal(p.r[0].first, 12);
	assert_int_equal(p.r[0].count, 2);
	assert_int_equal(p.data, 2 * CHUNK_BLOCK);
	assert_int_equal(p.nlocal, 14);
	assert_int_equal(p.loc[10], 110);
	assert_int_equal(p.loc[12], BLKINDEX_NONE);
	blkindex_free(&local);
	obj_free(&x);
}

static void
test_blkindex(void **state)
{
	struct blkindex x;
	unsigned char h[CHUNK_HASH];
	uint64_t i;

	(void)state;
	blkindex_init(&x);
	for (i = 0; i < 100000; i++) {
		fill_random(h, sizeof(h), i);
		blkindex_add(&x, h, i);
	}
	for (i = 0; i < 100000; i += 997) {
		fill_random(h, sizeof(h), i);
		assert_int_equal(blkindex_find(&x, h), i);
	}
	/* The first location given stays. */
	fill_random(h, sizeof(h), 5);
	blkindex_add(&x, h, 99);
	assert_int_equal(blkindex_find(&x, h), 5);
	fill_random(h, sizeof(h), 200000);
	assert_int_equal(blkindex_find(&x, h), BLKINDEX_NONE);
	blkindex_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_zero_runs),
		cmocka_unit_test(test_insertion_stable),
		cmocka_unit_test(test_shift_stable),
		cmocka_unit_test(test_object_roundtrip),
		cmocka_unit_test(test_object_rejects),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_blkindex),
	};
	int rc;

	chunk_hasher_init(&hs);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	chunk_hasher_free(&hs);
	return rc;
}
