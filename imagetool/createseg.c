/*
 * createseg.c: the segment pipeline of kura-image create.  The image is
 * read in segments of up to 4 MiB; for each one, the blocks are hashed in
 * parallel and cut (chunker.c), and the workers compress the chunks the
 * store lacks.  CREATE_NSEG segments are in flight: the main thread reads,
 * hashes and cuts them ahead of the workers, as far as buffers allow, and
 * stores the objects and appends the entries of each once compressed.  So
 * with one worker, as with zstd -T1, reading overlaps compression, and a
 * segment of free space or metadata, with little to compress, does not
 * leave the worker waiting for the next read.  Segments of 4 MiB, three
 * in flight, are still in the cache when a worker reads what the main
 * thread has just read and hashed: against two of 16 MiB, 12% faster with
 * one worker, 14% with two (measured).  Only chunks that are new
 * cost compression, so an update of a big image runs at hashing speed.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zstd.h>

#include "chunkobj.h"
#include "createctx.h"
#include "imgsrc.h"
#include "log.h"
#include "xalloc.h"

typedef void (*create_fn)(struct create *c, int worker);

struct create_task {
	struct create *c;
	create_fn fn;
	int worker;
};

static void *
createseg_thread(void *arg)
{
	struct create_task *t = arg;

	t->fn(t->c, t->worker);
	return NULL;
}

/* fn(c, k) for every worker k from k0 on, in threads th[k0..). */
static void
createseg_spawn(struct create *c, create_fn fn, int k0, pthread_t *th,
    struct create_task *t)
{
	int k;

	for (k = k0; k < c->nthreads; k++) {
		t[k] = (struct create_task){ c, fn, k };
		if (pthread_create(&th[k], NULL, createseg_thread, &t[k]) != 0)
			fatalx("cannot start a thread");
	}
}

static void
createseg_join(const struct create *c, int k0, pthread_t *th)
{
	int k;

	for (k = k0; k < c->nthreads; k++)
		pthread_join(th[k], NULL);
}

/* fn(c, k) for every worker k, k = 0 in this thread. */
static void
createseg_parallel(struct create *c, create_fn fn)
{
	struct create_task t[CREATE_MAX_THREADS];
	pthread_t th[CREATE_MAX_THREADS];

	createseg_spawn(c, fn, 1, th, t);
	fn(c, 0);
	createseg_join(c, 1, th);
}

static void
createseg_hash(struct create *c, int k)
{
	struct create_seg *s = c->fill;
	size_t i;

	for (i = s->hashed + (size_t)k; i < s->nb; i += (size_t)c->nthreads) {
		if (s->hole[i]) {
			s->b[i].zero = 1;
			memcpy(s->b[i].h, c->w[k].hs.zero_h, CHUNK_HASH);
		} else
			chunk_block_fill(&c->w[k].hs, s->data + i * CHUNK_BLOCK,
			    s->b[i].len, &s->b[i]);
	}
}

int
createseg_cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, CHUNK_HASH);
}

/* The size of the chunk's object if the store has it, else -1.  The
 * seed's manifest answers without a system call. */
static int64_t
createseg_known(struct create *c, const unsigned char *id)
{
	const struct create_seed *s = NULL;

	if (c->nseed > 0)
		s = bsearch(id, c->seed, c->nseed, sizeof(*s),
		    createseg_cmp_id);
	return s != NULL ? s->stored : store_size(&c->st, id);
}

/* Zeroes the hole blocks among n from first, which are to be compressed:
 * few, as a hole of 16 KiB or more is a zero run of its own. */
static void
createseg_unhole(struct create_seg *s, size_t first, size_t n)
{
	size_t i;

	for (i = first; i < first + n; i++)
		if (s->hole[i])
			memset(s->data + i * CHUNK_BLOCK, 0, CHUNK_BLOCK);
}

/* Worker k's share of segment s.  Runs beside createseg_hash on a later
 * segment, whose thread k uses w[k].hs's context: chunk_hash_list takes
 * only its (shared, read-only) digest method. */
static void
createseg_compress(struct create *c, struct create_seg *s, int k)
{
	struct create_out *out = &s->out[k];
	struct create_chunk *ch;
	int64_t have;
	size_t i;

	out->len = 0;
	for (i = (size_t)k; i < s->nch; i += (size_t)c->nthreads) {
		ch = &s->ch[i];
		if (ch->cut.kind != CHUNK_DATA)
			continue;
		chunk_hash_list(&c->w[k].hs, &s->b[ch->first], ch->cut.nblocks,
		    ch->id);
		if ((have = createseg_known(c, ch->id)) >= 0) {
			ch->objlen = (size_t)have;
			continue;
		}
		if (out->cap - out->len < chunkobj_bound(ch->cut.nblocks)) {
			out->cap =
			    2 * out->cap + chunkobj_bound(ch->cut.nblocks);
			out->buf = xreallocarray(out->buf, 1, out->cap);
		}
		ch->objoff = out->len;
		createseg_unhole(s, ch->first, ch->cut.nblocks);
		ch->objlen = chunkobj_encode(c->w[k].cctx,
		    s->data + ch->first * CHUNK_BLOCK,
		    s->b[ch->first + ch->cut.nblocks - 1].len +
			(size_t)(ch->cut.nblocks - 1) * CHUNK_BLOCK,
		    &s->b[ch->first], ch->cut.nblocks, out->buf + out->len);
		out->len += ch->objlen;
		ch->fresh = 1;
	}
}

/* A hole of len bytes at off in s's data: whole blocks are marked, not
 * zeroed (an image's free space costs neither memset nor compare); the
 * parts of blocks at its ends are zeroed. */
static void
createseg_hole(struct create_seg *s, size_t off, size_t len)
{
	size_t end = off + len;
	size_t b0 = (off + CHUNK_BLOCK - 1) / CHUNK_BLOCK,
	       b1 = end / CHUNK_BLOCK;

	if (b0 >= b1) {
		memset(s->data + off, 0, len);
		return;
	}
	memset(s->data + off, 0, b0 * CHUNK_BLOCK - off);
	memset(s->data + b1 * CHUNK_BLOCK, 0, end - b1 * CHUNK_BLOCK);
	memset(s->hole + b0, 1, b1 - b0);
}

/* Reads up to CREATE_SEG_BLOCKS more blocks after the carried ones; holes
 * the source knows of are marked, not read. */
static int
createseg_read(struct create *c, struct create_seg *s)
{
	uint64_t size = imgsrc_size(c->src), want, ext;
	size_t n, i;
	int zero;

	want = size - c->off;
	if (want > (uint64_t)c->seg_blocks * CHUNK_BLOCK)
		want = (uint64_t)c->seg_blocks * CHUNK_BLOCK;
	/* Small at first, so that the workers soon have something to do. */
	if (c->seg_blocks < CREATE_SEG_BLOCKS)
		c->seg_blocks *= 2;
	n = (size_t)((want + CHUNK_BLOCK - 1) / CHUNK_BLOCK);
	memset(s->hole + s->nb, 0, n);
	for (uint64_t done = 0; done < want; done += ext) {
		size_t at = s->nb * CHUNK_BLOCK + (size_t)done;

		if (imgsrc_extent(c->src, c->off + done, &ext, &zero, c->err,
			c->errlen) == -1)
			return -1;
		if (ext == 0 || ext > want - done)
			ext = want - done;
		if (zero)
			createseg_hole(s, at, (size_t)ext);
		else if (imgsrc_pread(c->src, s->data + at, ext, c->off + done,
			     c->err, c->errlen) == -1)
			return -1;
	}
	for (i = 0; i < n; i++)
		s->b[s->nb + i].len = i + 1 < n
		    ? CHUNK_BLOCK
		    : (uint32_t)(want - (uint64_t)i * CHUNK_BLOCK);
	s->nb += n;
	c->off += want;
	s->eof = c->off == size;
	return 0;
}

static void
createseg_add_zero(struct create *c, uint64_t len)
{
	struct manifest_entry *last = c->m.n ? &c->m.e[c->m.n - 1] : NULL;

	/* A zero run cut in two by a segment end is one entry. */
	if (last != NULL && last->kind == CHUNK_ZERO)
		last->length += len;
	else
		manifest_add(&c->m, CHUNK_ZERO, len, 0, NULL);
	c->r->zero_bytes += len;
}

/* Chunk i of segment s, len bytes: stored if new, then appended.  The
 * order of objects does not matter, only that all are durable before the
 * manifest. */
static int
createseg_emit_chunk(struct create *c, struct create_seg *s, size_t i,
    uint64_t len)
{
	const struct create_chunk *ch = &s->ch[i];
	const struct create_out *out = &s->out[i % (size_t)c->nthreads];
	int e;

	if (ch->cut.kind == CHUNK_ZERO) {
		createseg_add_zero(c, len);
		return 0;
	}
	c->r->chunks++;
	c->r->data_bytes += len;
	/* A chunk met twice before the store had it is compressed twice,
	 * stored and counted once. */
	if (ch->fresh && blkindex_find(&c->written, ch->id) == BLKINDEX_NONE) {
		e = store_put(&c->st, ch->id, out->buf + ch->objoff,
		    ch->objlen);
		if (e != 0) {
			snprintf(c->err, c->errlen,
			    "%s: cannot store a chunk: %s", c->st.dir,
			    strerror(-e));
			return -1;
		}
		blkindex_add(&c->written, ch->id, 1);
		c->r->new_chunks++;
		c->r->new_bytes += len;
		c->r->new_stored += ch->objlen;
	}
	manifest_add(&c->m, CHUNK_DATA, len, (uint32_t)ch->objlen, ch->id);
	return 0;
}

/* Reads segment s (after what it carries), hashes and cuts it. */
static int
createseg_fill(struct create *c, struct create_seg *s)
{
	size_t ncut, i, first = 0;

	if (createseg_read(c, s) == -1)
		return -1;
	c->fill = s;
	createseg_parallel(c, createseg_hash);
	s->hashed = s->nb;
	ncut = chunker_cut(&c->ck, s->b, s->nb, s->eof, c->cuts, &s->used);
	for (i = 0; i < ncut; first += c->cuts[i++].nblocks)
		s->ch[i] =
		    (struct create_chunk){ .first = first, .cut = c->cuts[i] };
	s->nch = ncut;
	if (s->nb - s->used > CREATE_CARRY_MAX)
		fatalx("chunker left %zu blocks uncut", s->nb - s->used);
	if (s->eof && s->used != s->nb)
		fatalx("chunker left %zu blocks at the end", s->nb - s->used);
	return 0;
}

/* The blocks s left uncut start the next segment. */
static void
createseg_carry(const struct create_seg *s, struct create_seg *next)
{
	size_t rest = s->nb - s->used;

	memcpy(next->data, s->data + s->used * CHUNK_BLOCK, rest * CHUNK_BLOCK);
	memcpy(next->b, s->b + s->used, rest * sizeof(*s->b));
	memcpy(next->hole, s->hole + s->used, rest);
	next->nb = next->hashed = rest;
}

/* Appends s's entries in order. */
static int
createseg_emit(struct create *c, struct create_seg *s)
{
	size_t i, k;
	uint64_t len;
	int rc = 0;

	for (i = 0; i < s->nch; i++) {
		struct create_chunk *ch = &s->ch[i];

		for (len = 0, k = ch->first; k < ch->first + ch->cut.nblocks;
		     k++) {
			chunk_digest_add(&c->root, s->b[k].h, CHUNK_HASH);
			len += s->b[k].len;
		}
		if (rc == 0)
			rc = createseg_emit_chunk(c, s, i, len);
	}
	return rc;
}

/* Worker k: its share of every segment, in order, as they are filled. */
static void
createseg_worker(struct create *c, int k)
{
	size_t j;
	int more;

	for (j = 0;; j++) {
		pthread_mutex_lock(&c->mu);
		while (c->nfilled <= j && !c->stop)
			pthread_cond_wait(&c->filled, &c->mu);
		more = c->nfilled > j; /* else stopped, with nothing left */
		pthread_mutex_unlock(&c->mu);
		if (!more)
			break;
		createseg_compress(c, &c->seg[j % CREATE_NSEG], k);
		pthread_mutex_lock(&c->mu);
		c->w[k].ndone = j + 1;
		pthread_cond_signal(&c->done);
		pthread_mutex_unlock(&c->mu);
	}
}

/* Hands the segment just filled to the workers. */
static void
createseg_publish(struct create *c)
{
	pthread_mutex_lock(&c->mu);
	c->nfilled++;
	pthread_cond_broadcast(&c->filled);
	pthread_mutex_unlock(&c->mu);
}

/* Waits until every worker has done segment j. */
static void
createseg_await(struct create *c, size_t j)
{
	int k;

	pthread_mutex_lock(&c->mu);
	for (k = 0; k < c->nthreads; k++)
		while (c->w[k].ndone <= j)
			pthread_cond_wait(&c->done, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static void
createseg_stop(struct create *c)
{
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_broadcast(&c->filled);
	pthread_mutex_unlock(&c->mu);
	createseg_join(c, 0, c->th);
}

/* Fills segment n, carrying over what segment n - 1 left uncut: that part
 * of n - 1 no worker touches. */
static int
createseg_next(struct create *c, size_t n)
{
	struct create_seg *s = &c->seg[n % CREATE_NSEG];

	if (n > 0)
		createseg_carry(&c->seg[(n - 1) % CREATE_NSEG], s);
	else
		s->nb = s->hashed = 0;
	return createseg_fill(c, s);
}

/* Reads ahead while a buffer is free, else appends the oldest segment's
 * entries once the workers are done with it. */
int
createseg_run(struct create *c)
{
	size_t emitted = 0;
	int rc = 0, eof = 0;

	progress_start(&c->prog, "create", imgsrc_size(c->src));
	chunk_digest_begin(&c->root, &c->w[0].hs);
	createseg_spawn(c, createseg_worker, 0, c->th, c->tasks);
	while (rc == 0 && (!eof || emitted < c->nfilled)) {
		if (!eof && c->nfilled - emitted < CREATE_NSEG) {
			if ((rc = createseg_next(c, c->nfilled)) == 0) {
				eof = c->seg[c->nfilled % CREATE_NSEG].eof;
				createseg_publish(c);
			}
			continue;
		}
		createseg_await(c, emitted);
		rc = createseg_emit(c, &c->seg[emitted % CREATE_NSEG]);
		progress_update(&c->prog, c->off);
		emitted++;
	}
	createseg_stop(c);
	if (rc == 0)
		chunk_digest_end(&c->root, c->m.root);
	progress_end(&c->prog);
	return rc;
}

/* A segment buffer in huge pages where the kernel has them: faulting in
 * the buffers (CREATE_NSEG of 12 MiB) page by page costs tens of ms, on
 * the critical path (0.1 s for 48 MiB, measured). */
static void *
createseg_buffer(size_t len)
{
	const size_t huge = 2 * 1024 * 1024;
	void *p;

	len = (len + huge - 1) / huge * huge;
	if (posix_memalign(&p, huge, len) != 0)
		fatalx("out of memory");
	(void)madvise(p, len, MADV_HUGEPAGE);
	return p;
}

void
createseg_init(struct create *c)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int k;

	c->nthreads = c->o->threads > 0 ? c->o->threads : (int)ncpu;
	if (c->nthreads < 1)
		c->nthreads = 1;
	if (c->nthreads > CREATE_MAX_THREADS)
		c->nthreads = CREATE_MAX_THREADS;
	for (k = 0; k < c->nthreads; k++) {
		chunk_hasher_init(&c->w[k].hs);
		/* The level was checked when parsed. */
		if ((c->w[k].cctx = chunkobj_cctx(c->o->level)) == NULL)
			fatalx("zstd level %d", c->o->level);
	}
	for (k = 0; k < CREATE_NSEG; k++) {
		c->seg[k].data =
		    createseg_buffer((size_t)CREATE_SEG_MAX * CHUNK_BLOCK);
		c->seg[k].b = xcalloc(CREATE_SEG_MAX, sizeof(*c->seg[k].b));
		c->seg[k].hole = xcalloc(CREATE_SEG_MAX, 1);
		c->seg[k].ch = xcalloc(CREATE_SEG_MAX, sizeof(*c->seg[k].ch));
		c->seg[k].out =
		    xcalloc((size_t)c->nthreads, sizeof(*c->seg[k].out));
	}
	c->cuts = xcalloc(CREATE_SEG_MAX, sizeof(*c->cuts));
	if (pthread_mutex_init(&c->mu, NULL) != 0 ||
	    pthread_cond_init(&c->filled, NULL) != 0 ||
	    pthread_cond_init(&c->done, NULL) != 0)
		fatalx("cannot set up the workers' locks");
	c->seg_blocks = CREATE_SEG_FIRST;
	c->tasks = xcalloc(CREATE_MAX_THREADS, sizeof(*c->tasks));
}

void
createseg_free(struct create *c)
{
	int k, i;

	for (k = 0; k < c->nthreads; k++) {
		chunk_hasher_free(&c->w[k].hs);
		ZSTD_freeCCtx(c->w[k].cctx);
	}
	for (k = 0; k < CREATE_NSEG; k++) {
		free(c->seg[k].data);
		free(c->seg[k].b);
		free(c->seg[k].hole);
		free(c->seg[k].ch);
		for (i = 0; c->seg[k].out != NULL && i < c->nthreads; i++)
			free(c->seg[k].out[i].buf);
		free(c->seg[k].out);
	}
	if (c->tasks != NULL) { /* set up by createseg_init */
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->filled);
		pthread_cond_destroy(&c->done);
	}
	free(c->cuts);
	free(c->tasks);
}
