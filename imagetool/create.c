/*
 * create.c: kura-image create.  The image is read in segments of 16 MiB;
 * for each one, the blocks are hashed in parallel, cut (chunker.c), and the
 * chunks the store lacks are compressed in parallel; then, in order, the
 * new objects are stored and the entries appended.  Only chunks that are
 * new cost compression, so an update of a big image runs at hashing speed.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "blkindex.h"
#include "chunker.h"
#include "chunkobj.h"
#include "create.h"
#include "edkey.h"
#include "imgcmd.h"
#include "imgsrc.h"
#include "log.h"
#include "manifest.h"
#include "store.h"
#include "xalloc.h"

#define CREATE_SEG_BLOCKS 4096
/* Blocks the chunker may leave uncut: a chunk that has not ended and a
 * zero run too short to know; bounded by its parameters (checked). */
#define CREATE_CARRY_MAX 2048
#define CREATE_MAX_THREADS 64

struct create_worker {
	struct chunk_hasher hs;
	ZSTD_CCtx *cctx;
};

struct create_chunk {
	size_t first; /* block index in the segment */
	struct chunk_cut cut;
	unsigned char id[CHUNK_HASH];
	unsigned char *obj; /* NULL: the store has it */
	size_t objlen;      /* the object's size, stored or not */
	int put_error;      /* -errno from writing it */
};

struct create_seed {
	unsigned char id[CHUNK_HASH];
	uint32_t stored;
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
	unsigned char *data;   /* segment bytes, CHUNK_BLOCK per block */
	struct chunk_block *b; /* and their metadata */
	size_t nb, hashed;     /* blocks held, of which hashed */
	struct chunk_cut *cuts;
	struct create_chunk *ch;
	size_t nch;
	struct create_seed *seed; /* the seed's chunks, sorted by id */
	size_t nseed;
	struct chunk_digest root;
	struct blkindex written; /* new objects, counted once */
	uint64_t off;            /* bytes of the image read so far */
	struct progress prog;
	char *err;
	size_t errlen;
};

typedef void (*create_fn)(struct create *c, int worker);

struct create_task {
	struct create *c;
	create_fn fn;
	int worker;
};

static void *
create_thread(void *arg)
{
	struct create_task *t = arg;

	t->fn(t->c, t->worker);
	return NULL;
}

/* fn(c, k) for every worker k, k = 0 in this thread. */
static void
create_parallel(struct create *c, create_fn fn)
{
	struct create_task t[CREATE_MAX_THREADS];
	pthread_t th[CREATE_MAX_THREADS];
	int k;

	for (k = 1; k < c->nthreads; k++) {
		t[k] = (struct create_task){ c, fn, k };
		if (pthread_create(&th[k], NULL, create_thread, &t[k]) != 0)
			fatalx("cannot start a thread");
	}
	fn(c, 0);
	for (k = 1; k < c->nthreads; k++)
		pthread_join(th[k], NULL);
}

static void
create_hash_blocks(struct create *c, int k)
{
	size_t i;

	for (i = c->hashed + (size_t)k; i < c->nb; i += (size_t)c->nthreads)
		chunk_block_fill(&c->w[k].hs, c->data + i * CHUNK_BLOCK,
		    c->b[i].len, &c->b[i]);
}

static int
create_cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, CHUNK_HASH);
}

/* The size of the chunk's object if the store has it, else -1.  The
 * seed's manifest answers without a system call. */
static int64_t
create_known(struct create *c, const unsigned char *id)
{
	const struct create_seed *s = NULL;

	if (c->nseed > 0)
		s = bsearch(id, c->seed, c->nseed, sizeof(*s), create_cmp_id);
	return s != NULL ? s->stored : store_size(&c->st, id);
}

static void
create_compress(struct create *c, int k)
{
	struct create_chunk *ch;
	int64_t have;
	size_t i;

	for (i = (size_t)k; i < c->nch; i += (size_t)c->nthreads) {
		ch = &c->ch[i];
		if (ch->cut.kind != CHUNK_DATA)
			continue;
		chunk_hash_list(&c->w[k].hs, &c->b[ch->first], ch->cut.nblocks,
		    ch->id);
		if ((have = create_known(c, ch->id)) >= 0) {
			ch->objlen = (size_t)have;
			continue;
		}
		/* Written here, in parallel: the order of objects does not
		 * matter, only that all are durable before the manifest. */
		chunkobj_encode(c->w[k].cctx, c->data + ch->first * CHUNK_BLOCK,
		    c->b[ch->first + ch->cut.nblocks - 1].len +
			(size_t)(ch->cut.nblocks - 1) * CHUNK_BLOCK,
		    &c->b[ch->first], ch->cut.nblocks, &ch->obj, &ch->objlen);
		ch->put_error = store_put(&c->st, ch->id, ch->obj, ch->objlen);
	}
}

/* Reads up to CREATE_SEG_BLOCKS more blocks after the carried ones; holes
 * the source knows of are zeroed, not read. */
static int
create_read(struct create *c)
{
	uint64_t size = imgsrc_size(c->src), want, ext;
	size_t n, i;
	int zero;

	want = size - c->off;
	if (want > (uint64_t)CREATE_SEG_BLOCKS * CHUNK_BLOCK)
		want = (uint64_t)CREATE_SEG_BLOCKS * CHUNK_BLOCK;
	n = (size_t)((want + CHUNK_BLOCK - 1) / CHUNK_BLOCK);
	for (uint64_t done = 0; done < want; done += ext) {
		unsigned char *p = c->data + c->nb * CHUNK_BLOCK + done;

		if (imgsrc_extent(c->src, c->off + done, &ext, &zero, c->err,
			c->errlen) == -1)
			return -1;
		if (ext == 0 || ext > want - done)
			ext = want - done;
		if (zero)
			memset(p, 0, ext);
		else if (imgsrc_pread(c->src, p, ext, c->off + done, c->err,
			     c->errlen) == -1)
			return -1;
	}
	for (i = 0; i < n; i++)
		c->b[c->nb + i].len = i + 1 < n
		    ? CHUNK_BLOCK
		    : (uint32_t)(want - (uint64_t)i * CHUNK_BLOCK);
	c->nb += n;
	c->off += want;
	return 0;
}

static void
create_add_zero(struct create *c, uint64_t len)
{
	struct manifest_entry *last = c->m.n ? &c->m.e[c->m.n - 1] : NULL;

	/* A zero run cut in two by a segment end is one entry. */
	if (last != NULL && last->kind == CHUNK_ZERO)
		last->length += len;
	else
		manifest_add(&c->m, CHUNK_ZERO, len, 0, NULL);
	c->r->zero_bytes += len;
}

static int
create_emit(struct create *c, struct create_chunk *ch, uint64_t len)
{
	int e;

	if (ch->cut.kind == CHUNK_ZERO) {
		create_add_zero(c, len);
		return 0;
	}
	c->r->chunks++;
	c->r->data_bytes += len;
	if ((e = ch->put_error) != 0) {
		snprintf(c->err, c->errlen, "%s: cannot store a chunk: %s",
		    c->st.dir, strerror(-e));
		return -1;
	}
	/* Two equal new chunks in one segment are both written (by two
	 * threads, harmlessly); they count once. */
	if (ch->obj != NULL &&
	    blkindex_find(&c->written, ch->id) == BLKINDEX_NONE) {
		blkindex_add(&c->written, ch->id, 1);
		c->r->new_chunks++;
		c->r->new_bytes += len;
		c->r->new_stored += ch->objlen;
	}
	manifest_add(&c->m, CHUNK_DATA, len, (uint32_t)ch->objlen, ch->id);
	return 0;
}

/* Cuts what is held, compresses, emits in order, and keeps the rest. */
static int
create_segment(struct create *c, int eof)
{
	size_t used = 0, ncut, i, first = 0, rest;
	uint64_t len;
	int rc = 0;

	create_parallel(c, create_hash_blocks);
	c->hashed = c->nb;
	ncut = chunker_cut(&c->ck, c->b, c->nb, eof, c->cuts, &used);
	for (i = 0; i < ncut; first += c->cuts[i++].nblocks)
		c->ch[i] =
		    (struct create_chunk){ .first = first, .cut = c->cuts[i] };
	c->nch = ncut;
	create_parallel(c, create_compress);
	for (i = 0; i < ncut; i++) {
		struct create_chunk *ch = &c->ch[i];

		for (len = 0, first = ch->first;
		     first < ch->first + ch->cut.nblocks; first++) {
			chunk_digest_add(&c->root, c->b[first].h, CHUNK_HASH);
			len += c->b[first].len;
		}
		if (rc == 0)
			rc = create_emit(c, ch, len);
		free(ch->obj);
	}
	rest = c->nb - used;
	if (rest > CREATE_CARRY_MAX)
		fatalx("chunker left %zu blocks uncut", rest);
	memmove(c->data, c->data + used * CHUNK_BLOCK, rest * CHUNK_BLOCK);
	memmove(c->b, c->b + used, rest * sizeof(*c->b));
	c->nb = c->hashed = rest;
	return rc;
}

static int
create_chunks(struct create *c)
{
	uint64_t size = imgsrc_size(c->src);
	int eof;

	progress_start(&c->prog, "create", size);
	chunk_digest_begin(&c->root, &c->w[0].hs);
	do {
		if (create_read(c) == -1)
			return -1;
		eof = c->off == size;
		if (create_segment(c, eof) == -1)
			return -1;
		progress_update(&c->prog, c->off);
	} while (!eof);
	chunk_digest_end(&c->root, c->m.root);
	progress_end(&c->prog);
	if (c->nb != 0)
		fatalx("chunker left %zu blocks at the end", c->nb);
	return 0;
}

static int
create_load_seed(struct create *c, int64_t v)
{
	struct manifest sm;
	char *rel = manifest_path(c->o->name, v), *path = NULL;
	size_t i;
	int rc = -1;

	xasprintf(&path, "%s/%s", c->st.dir, rel);
	/* Our own store, but still checked: a bad seed would only cost
	 * compression, yet a wrong key here means the admin mixed stores. */
	if (manifest_load(path, NULL, &sm, c->err, c->errlen) == -1)
		goto out;
	c->seed = xreallocarray(NULL, sm.n + 1, sizeof(*c->seed));
	for (i = 0; i < sm.n; i++) {
		if (sm.e[i].kind != CHUNK_DATA)
			continue;
		memcpy(c->seed[c->nseed].id, sm.e[i].id, CHUNK_HASH);
		c->seed[c->nseed++].stored = sm.e[i].stored;
	}
	qsort(c->seed, c->nseed, sizeof(*c->seed), create_cmp_id);
	c->r->parent = v;
	c->r->seed_chunks = c->nseed;
	manifest_free(&sm);
	rc = 0;
out:
	free(rel);
	free(path);
	return rc;
}

static int
create_versions(struct create *c)
{
	int64_t latest = imgcmd_latest(&c->st, c->o->name);

	c->r->version = c->o->version ? c->o->version : latest + 1;
	if (c->r->version <= latest) {
		snprintf(c->err, c->errlen,
		    "version %lld of %s: the store already has version %lld; "
		    "versions only go up",
		    (long long)c->r->version, c->o->name, (long long)latest);
		return -1;
	}
	c->r->parent = -1;
	if (c->o->seed == 0 || (c->o->seed < 0 && latest == 0))
		return 0;
	return create_load_seed(c, c->o->seed < 0 ? latest : c->o->seed);
}

static void
create_workers(struct create *c)
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
	c->data = xmalloc(
	    (size_t)(CREATE_SEG_BLOCKS + CREATE_CARRY_MAX) * CHUNK_BLOCK);
	c->b = xcalloc(CREATE_SEG_BLOCKS + CREATE_CARRY_MAX, sizeof(*c->b));
	c->cuts =
	    xcalloc(CREATE_SEG_BLOCKS + CREATE_CARRY_MAX, sizeof(*c->cuts));
	c->ch = xcalloc(CREATE_SEG_BLOCKS + CREATE_CARRY_MAX, sizeof(*c->ch));
}

static void
create_free(struct create *c)
{
	int k;

	for (k = 0; k < c->nthreads; k++) {
		chunk_hasher_free(&c->w[k].hs);
		ZSTD_freeCCtx(c->w[k].cctx);
	}
	if (c->root.ctx != NULL)
		EVP_MD_CTX_free(c->root.ctx);
	imgsrc_close(c->src);
	store_close(&c->st);
	EVP_PKEY_free(c->key);
	manifest_free(&c->m);
	free(c->data);
	free(c->b);
	free(c->cuts);
	free(c->ch);
	free(c->seed);
	blkindex_free(&c->written);
}

static void
create_header(struct create *c)
{
	time_t now = time(NULL);
	struct tm tm;

	c->m.name = xstrdup(c->o->name);
	c->m.group = xstrdup(c->o->group);
	c->m.version = c->r->version;
	c->m.parent = c->r->parent;
	c->m.size = imgsrc_size(c->src);
	c->m.source_format = xstrdup(imgsrc_format(c->src));
	gmtime_r(&now, &tm);
	strftime(c->m.created, sizeof(c->m.created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (c->o->meta != NULL) {
		json_decref(c->m.metadata);
		c->m.metadata = json_deep_copy(c->o->meta);
	}
}

/* Objects reach the disk before the manifest that names them. */
static int
create_publish(struct create *c)
{
	unsigned char *buf = NULL;
	size_t len;
	char *rel = NULL;
	int e, rc = -1;

	if ((e = store_sync(&c->st)) != 0) {
		snprintf(c->err, c->errlen, "%s: sync: %s", c->st.dir,
		    strerror(-e));
		goto out;
	}
	if (manifest_write(&c->m, c->key, &buf, &len, c->err, c->errlen) == -1)
		goto out;
	rel = manifest_path(c->m.name, c->m.version);
	snprintf(c->r->manifest, sizeof(c->r->manifest), "%s/%s", c->st.dir,
	    rel);
	e = store_put_manifest(&c->st, c->m.name, c->m.version, buf, len);
	if (e != 0) {
		snprintf(c->err, c->errlen, "%s: %s", c->r->manifest,
		    e == -EEXIST ? "exists already (another create?)"
				 : strerror(-e));
		goto out;
	}
	rc = 0;
out:
	free(buf);
	free(rel);
	return rc;
}

int
create_run(const struct create_opts *o, struct create_result *r, char *err,
    size_t errlen)
{
	struct create c = { .o = o, .r = r, .err = err, .errlen = errlen };
	double t0 = imgcmd_now();
	int rc = -1;

	memset(r, 0, sizeof(*r));
	c.st.dirfd = -1;
	manifest_init(&c.m);
	if ((c.key = edkey_load_private(o->key, err, errlen)) == NULL ||
	    imgsrc_open(o->src, o->format, &c.src, err, errlen) == -1 ||
	    store_open(o->store, 1, &c.st, err, errlen) == -1 ||
	    create_versions(&c) == -1)
		goto out;
	create_workers(&c);
	chunker_init(&c.ck, &c.m.chunking);
	create_header(&c);
	if (create_chunks(&c) == -1 || create_publish(&c) == -1)
		goto out;
	r->size = c.m.size;
	r->seconds = imgcmd_now() - t0;
	rc = 0;
out:
	create_free(&c);
	return rc;
}
