/*
 * cmd-diff.c: kura-image diff A B: exactly what a laptop that holds
 * version A fetches to assemble version B (the same decisions as assemble,
 * lib/imgplan.c), next to the ideal: B's distinct 4 KiB blocks that A lacks.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkindex.h"
#include "chunkobj.h"
#include "cli.h"
#include "edkey.h"
#include "imgcmd.h"
#include "imgplan.h"
#include "kura-image.h"
#include "manifest.h"
#include "store.h"
#include "xalloc.h"

struct diff {
	struct store st;
	struct chunk_hasher hs;
	struct blkindex a_chunks, a_blocks, b_seen, ideal_seen;
	uint64_t requests, wire, tables, data;
	uint64_t ideal_bytes, ideal_frames, ideal_blocks;
	size_t b_chunks, local, whole, partial;
	uint64_t b_data, blocks_local;
	char err[512];
};

static int
diff_table(struct diff *d, const struct manifest_entry *e,
    struct chunkobj_table *t)
{
	unsigned char buf[CHUNKOBJ_HDR + CHUNKOBJ_ENT * CHUNKOBJ_MAX_BLOCKS];
	uint32_t nb = (uint32_t)((e->length + CHUNK_BLOCK - 1) / CHUNK_BLOCK);
	char hex[65];
	int rc;

	if (nb > CHUNKOBJ_MAX_BLOCKS)
		nb = CHUNKOBJ_MAX_BLOCKS;
	rc = store_pread(&d->st, e->id, buf, chunkobj_table_len(nb), 0);
	if (rc != 0) {
		edkey_hex(e->id, CHUNK_HASH, hex);
		snprintf(d->err, sizeof(d->err), "chunk %.16s…: %s", hex,
		    strerror(-rc));
		return -1;
	}
	return chunkobj_parse_table(&d->hs, buf, chunkobj_table_len(nb), e->id,
	    e->length, t, d->err, sizeof(d->err));
}

/* What A holds: its chunks, and every block in them, and zeros. */
static int
diff_index_a(struct diff *d, const struct manifest *a)
{
	struct chunkobj_table t;
	size_t i;
	uint32_t k;

	blkindex_add(&d->a_blocks, d->hs.zero_h, 0);
	for (i = 0; a != NULL && i < a->n; i++) {
		if (a->e[i].kind != CHUNK_DATA ||
		    blkindex_find(&d->a_chunks, a->e[i].id) != BLKINDEX_NONE)
			continue;
		blkindex_add(&d->a_chunks, a->e[i].id, i);
		if (diff_table(d, &a->e[i], &t) == -1)
			return -1;
		for (k = 0; k < t.nblocks; k++)
			blkindex_add(&d->a_blocks, t.h[k], 0);
	}
	return 0;
}

static void
diff_ideal(struct diff *d, const struct chunkobj_table *t)
{
	uint32_t k;

	for (k = 0; k < t->nblocks; k++) {
		if (blkindex_find(&d->a_blocks, t->h[k]) != BLKINDEX_NONE ||
		    blkindex_find(&d->ideal_seen, t->h[k]) != BLKINDEX_NONE)
			continue;
		blkindex_add(&d->ideal_seen, t->h[k], 0);
		d->ideal_blocks++;
		d->ideal_bytes += k + 1 < t->nblocks
		    ? CHUNK_BLOCK
		    : t->length - (uint64_t)k * CHUNK_BLOCK;
		d->ideal_frames += t->flen[k];
	}
}

/* One distinct chunk of B that A lacks. */
static int
diff_missing(struct diff *d, const struct manifest_entry *e, int a_empty)
{
	struct chunkobj_table t;
	struct imgplan p;

	if (diff_table(d, e, &t) == -1)
		return -1;
	diff_ideal(d, &t);
	if (a_empty) {
		/* Nothing to reuse: the whole object, no table first. */
		d->requests++;
		d->wire += e->stored;
		d->data += e->length;
		d->whole++;
		return 0;
	}
	imgplan_blocks(&t, &d->a_blocks, &p);
	d->requests += 1 + p.nranges;
	d->tables += t.foff[0];
	d->wire += t.foff[0] + p.wire;
	d->data += p.data;
	d->blocks_local += p.nlocal;
	if (p.nlocal == 0)
		d->whole++;
	else
		d->partial++;
	return 0;
}

static int
diff_run(struct diff *d, const struct manifest *a, const struct manifest *b)
{
	const struct manifest_entry *e;
	size_t i;

	if (diff_index_a(d, a) == -1)
		return -1;
	for (i = 0; i < b->n; i++) {
		e = &b->e[i];
		if (e->kind != CHUNK_DATA ||
		    blkindex_find(&d->b_seen, e->id) != BLKINDEX_NONE)
			continue;
		blkindex_add(&d->b_seen, e->id, i);
		d->b_chunks++;
		d->b_data += e->length;
		if (blkindex_find(&d->a_chunks, e->id) != BLKINDEX_NONE)
			d->local++;
		else if (diff_missing(d, e, a == NULL) == -1)
			return -1;
	}
	return 0;
}

static json_t *
diff_json(const struct diff *d, const struct manifest *a,
    const struct manifest *b)
{
	return json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "image", b->name, "from",
	    a ? json_integer(a->version) : json_null(), "to",
	    (json_int_t)b->version, "chunks", (json_int_t)d->b_chunks,
	    "chunks_local", (json_int_t)d->local, "chunks_whole",
	    (json_int_t)d->whole, "chunks_partial", (json_int_t)d->partial,
	    "blocks_local", (json_int_t)d->blocks_local, "requests",
	    (json_int_t)d->requests, "download", (json_int_t)d->wire,
	    "download_tables", (json_int_t)d->tables, "download_data",
	    (json_int_t)d->data, "ideal_data", (json_int_t)d->ideal_bytes,
	    "ideal_frames", (json_int_t)d->ideal_frames, "ideal_blocks",
	    (json_int_t)d->ideal_blocks, "image_data", (json_int_t)d->b_data,
	    "image_size", (json_int_t)b->size);
}

static double
diff_ratio(uint64_t a, uint64_t b)
{
	return b == 0 ? (a == 0 ? 1.0 : 0.0) : (double)a / (double)b;
}

static void
diff_text(const struct diff *d, const struct manifest *a,
    const struct manifest *b)
{
	char x[32], y[32], z[32];

	if (a != NULL)
		snprintf(y, sizeof(y), "%lld", (long long)a->version);
	printf("%s %s -> %lld: %zu chunks (%s of data), %zu of them in %s\n",
	    b->name, a ? y : "(nothing)", (long long)b->version, d->b_chunks,
	    imgcmd_bytes(d->b_data, x), d->local, a ? y : "nothing");
	printf("fetch %zu chunks: %zu whole, %zu by block (%llu blocks "
	       "reused)\n",
	    d->whole + d->partial, d->whole, d->partial,
	    (unsigned long long)d->blocks_local);
	printf("download %s in %llu requests (tables %s), carrying %s of "
	       "data\n",
	    imgcmd_bytes(d->wire, x), (unsigned long long)d->requests,
	    imgcmd_bytes(d->tables, y), imgcmd_bytes(d->data, z));
	printf("ideal 4 KiB delta: %s in %llu blocks, %s as zstd frames\n",
	    imgcmd_bytes(d->ideal_bytes, x),
	    (unsigned long long)d->ideal_blocks,
	    imgcmd_bytes(d->ideal_frames, y));
	printf("against the ideal: %.2fx the data, %.2fx the download\n",
	    diff_ratio(d->data, d->ideal_bytes),
	    diff_ratio(d->wire, d->ideal_frames));
}

static void
diff_free(struct diff *d)
{
	blkindex_free(&d->a_chunks);
	blkindex_free(&d->a_blocks);
	blkindex_free(&d->b_seen);
	blkindex_free(&d->ideal_seen);
	chunk_hasher_free(&d->hs);
	store_close(&d->st);
}

int
imgcmd_diff(int argc, char **argv)
{
	static const char usage[] = "diff --store DIR [--pubkey PUB] [--json] "
				    "A|none B  (A, B: NAME:VERSION or a file)";
	struct manifest a, b;
	struct diff *d = xcalloc(1, sizeof(*d));
	struct imgopts o;
	EVP_PKEY *pub = NULL;
	int first, none, rc = CLI_EXIT_FAIL;
	json_t *j;

	manifest_init(&a);
	manifest_init(&b);
	d->st.dirfd = -1;
	chunk_hasher_init(&d->hs);
	if ((first = imgopts_parse(argc, argv, &o, usage, 2, 2)) < 0) {
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	none = strcmp(argv[first], "none") == 0;
	if (o.store == NULL) {
		imgcmd_err("diff", "--store is required");
		goto out;
	}
	if ((o.pub &&
		(pub = edkey_load_public(o.pub, d->err, sizeof(d->err))) ==
		    NULL) ||
	    store_open(o.store, 0, &d->st, d->err, sizeof(d->err)) == -1 ||
	    (!none &&
		imgcmd_manifest(&d->st, argv[first], pub, &a, d->err,
		    sizeof(d->err)) == -1) ||
	    imgcmd_manifest(&d->st, argv[first + 1], pub, &b, d->err,
		sizeof(d->err)) == -1 ||
	    diff_run(d, none ? NULL : &a, &b) == -1) {
		imgcmd_err("diff", "%s", d->err);
		goto out;
	}
	if (o.json) {
		j = diff_json(d, none ? NULL : &a, &b);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
		json_decref(j);
	} else
		diff_text(d, none ? NULL : &a, &b);
	rc = CLI_EXIT_OK;
out:
	if (first >= 0)
		imgopts_free(&o);
	manifest_free(&a);
	manifest_free(&b);
	EVP_PKEY_free(pub);
	diff_free(d);
	free(d);
	return rc;
}
