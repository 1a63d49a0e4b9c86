/* createctx.h: the state of one kura-image create, shared by create.c
 * (versions, seed, manifest) and createseg.c (the segment pipeline). */
#ifndef KURA_CREATECTX_H
#define KURA_CREATECTX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <zstd.h>

#include "blkindex.h"
#include "chunker.h"
#include "create.h"
#include "imgcmd.h"
#include "manifest.h"
#include "store.h"

#define CREATE_SEG_BLOCKS 1024
#define CREATE_SEG_FIRST 256
/* Blocks the chunker may leave uncut: a chunk that has not ended and a
 * zero run too short to know; bounded by its parameters (checked). */
#define CREATE_CARRY_MAX 2048
#define CREATE_MAX_THREADS 64
#define CREATE_SEG_MAX (CREATE_SEG_BLOCKS + CREATE_CARRY_MAX)

/* Segments in flight: read ahead of the workers, or being compressed.
 * More (4, 8), or longer ones, measured slower: the cache (createseg.c). */
#define CREATE_NSEG 3

struct create_worker {
	struct chunk_hasher hs;
	ZSTD_CCtx *cctx;
	size_t ndone; /* segments compressed, under create's mu */
};

struct create_chunk {
	size_t first; /* block index in the segment */
	struct chunk_cut cut;
	unsigned char id[CHUNK_HASH];
	int fresh;     /* compressed by this run: the store lacked it */
	size_t objlen; /* the object's size, stored or not */
	size_t objoff; /* where it is in its worker's output, if fresh */
};

/* A worker's objects for one segment, kept until the main thread stores
 * them: storing is a third of what a worker would do besides zstd. */
struct create_out {
	unsigned char *buf;
	size_t len, cap;
};

struct create_seed {
	unsigned char id[CHUNK_HASH];
	uint32_t stored;
};

/* A segment: its blocks (the first ones carried over from the previous
 * segment, uncut there) and the chunks cut from them. */
struct create_seg {
	unsigned char *data;   /* CHUNK_BLOCK bytes per block */
	struct chunk_block *b; /* and their metadata */
	/* Per block: a hole of the source, whose bytes in data are stale;
	 * a worker zeroes it only if it falls inside a chunk to compress. */
	unsigned char *hole;
	size_t nb, hashed; /* blocks held, of which hashed */
	size_t used;       /* blocks in chunks; the rest is carried */
	struct create_chunk *ch;
	size_t nch;
	struct create_out *out; /* per worker: chunk i is worker i % n's */
	int eof;                /* the image's last segment */
};

struct create {
	const struct create_opts *o;
	struct create_result *r;
	struct imgsrc *src;
	struct store st;
	EVP_PKEY *key;
	struct manifest m;
	struct chunker ck;
	struct create_worker w[CREATE_MAX_THREADS];
	int nthreads;
	struct create_seg seg[CREATE_NSEG]; /* segment n is seg[n % NSEG] */
	struct create_seg *fill;            /* being read, hashed and cut */
	pthread_mutex_t mu;
	pthread_cond_t filled, done; /* nfilled grew; a worker's ndone grew */
	size_t nfilled;              /* segments handed to the workers */
	int stop;                    /* no more segments: workers end */
	pthread_t th[CREATE_MAX_THREADS];
	struct create_task *tasks;
	struct chunk_cut *cuts;
	struct create_seed *seed; /* the seed's chunks, sorted by id */
	size_t nseed;
	struct chunk_digest root;
	struct blkindex written; /* new objects, counted once */
	uint64_t off;            /* bytes of the image read so far */
	size_t seg_blocks;       /* the next segment's size */
	struct progress prog;
	char *err;
	size_t errlen;
};

/* Workers, segment buffers and contexts for c->o; freed by
 * createseg_free, which also takes a c that never had them. */
void createseg_init(struct create *c);
void createseg_free(struct create *c);

/* Reads, chunks and stores the whole image, appending c->m's entries and
 * setting its root. */
int createseg_run(struct create *c);

/* qsort/bsearch order of struct create_seed (by id). */
int createseg_cmp_id(const void *a, const void *b);

#endif
