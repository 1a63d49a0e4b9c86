/*
 * assemble.c: building a version's image (see assemble.h).
 *
 * Entries are taken in image order.  A zero run costs nothing (the image
 * file starts sparse).  A chunk is copied from a seed that holds it, else
 * fetched: whole when nothing local can help, else its block table first
 * and then only the frames of the blocks no seed holds (lib/imgplan.c).
 * Every block written has been hashed and compared with the signed
 * manifest's chain; its hash goes to <v>.blocks.part.  Every 32 MiB, but
 * not more than once a second, the image and the hashes are fdatasynced
 * and only then the journal's bits set.  After a crash, the journal says
 * what is durable; entries it does not cover are hashed where they would be
 * in the image, and kept if they match, so that nothing verified is
 * fetched again: a checkpoint saves hashing, never fetching, so on a fast
 * disk a second of writes is worth more than 32 MiB.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/queue.h>
#include <unistd.h>

#include <zstd.h>

#include "asmctx.h"
#include "asminstall.h"
#include "blkindex.h"
#include "chunkobj.h"
#include "edkey.h"
#include "file.h"
#include "imgplan.h"
#include "log.h"
#include "manifest.h"
#include "objget.h"
#include "xalloc.h"

static void asm_pump(struct asmctx *a);

/* "chunk 12 at offset 49152 (3fa9…)": how a chunk is named to the user. */
const char *
assemble_chunk_name(const struct asmctx *a, size_t i, char *buf, size_t len)
{
	char hex[2 * CHUNK_HASH + 1];

	edkey_hex(a->m.e[i].id, CHUNK_HASH, hex);
	snprintf(buf, len, "chunk %zu at offset %llu (%.16s…)", i,
	    (unsigned long long)a->m.e[i].offset, hex);
	return buf;
}

static void
asm_progress(struct asmctx *a)
{
	uint64_t done =
	    a->r->local_bytes + a->r->fetched_data + a->r->resumed_bytes;

	if (a->o->progress != NULL)
		a->o->progress(a->o->arg, done, a->m.size);
}

/* Entry i is written: record it (journal bit at the next checkpoint),
 * and remember where its chunk now is. */
int
assemble_record(struct asmctx *a, size_t i)
{
	const struct manifest_entry *e = &a->m.e[i];

	asmjournal_set(&a->j, i);
	blkindex_add(&a->src.chunks, e->id,
	    asmsrc_loc(a->self, e->offset / CHUNK_BLOCK));
	a->since_sync += e->length;
	a->since_kick += e->length;
	if (a->since_sync >= ASM_SYNC_BYTES &&
	    asmctx_now_ms() - a->synced_ms >= ASM_SYNC_MS)
		return asmctx_checkpoint(a);
	if (a->since_kick >= ASM_KICK_BYTES && a->flush != NULL) {
		/* Flushed while decoding goes on, so that the checkpoint's
		 * fdatasync waits for little. */
		asmflush_kick(a->flush);
		a->since_kick = 0;
	}
	return 0;
}

/* Entry i's bytes and block hashes, at their places.  Safe from any
 * thread: nothing but the two files is touched.  0 or -errno. */
int
assemble_write(struct asmctx *a, size_t i, const unsigned char *data,
    const unsigned char (*h)[CHUNK_HASH])
{
	const struct manifest_entry *e = &a->m.e[i];
	uint64_t nb = (e->length + CHUNK_BLOCK - 1) / CHUNK_BLOCK;
	int rc;

	if ((rc = file_pwrite_all(a->img_fd, data, e->length,
		 (off_t)e->offset)) == 0)
		rc = file_pwrite_all(a->blk_fd, h, nb * CHUNK_HASH,
		    (off_t)(e->offset / CHUNK_BLOCK * CHUNK_HASH));
	return rc;
}

static int
asm_wrote(struct asmctx *a, size_t i, const unsigned char *data,
    const unsigned char (*h)[CHUNK_HASH])
{
	int rc = assemble_write(a, i, data, h);

	if (rc != 0) {
		asmctx_fail(a, "%s: write: %s", a->img_part, strerror(-rc));
		return -1;
	}
	return assemble_record(a, i);
}

/* A zero run: nothing to write (the image starts sparse), but its block
 * hashes go to the sidecar like any others. */
static int
asm_zero(struct asmctx *a, size_t i)
{
	const struct manifest_entry *e = &a->m.e[i];
	static const unsigned char zeros[CHUNK_BLOCK];
	unsigned char(*h)[CHUNK_HASH] = xcalloc(1024, CHUNK_HASH);
	uint64_t nb = (e->length + CHUNK_BLOCK - 1) / CHUNK_BLOCK, k, n;
	uint64_t first = e->offset / CHUNK_BLOCK;
	int rc = 0;

	for (k = 0; k < 1024; k++)
		memcpy(h[k], a->hs.zero_h, CHUNK_HASH);
	for (k = 0; k < nb && rc == 0; k += n) {
		n = nb - k < 1024 ? nb - k : 1024;
		if (k + n == nb && e->length % CHUNK_BLOCK != 0)
			chunk_hash(&a->hs, zeros, e->length % CHUNK_BLOCK,
			    h[n - 1]);
		rc = file_pwrite_all(a->blk_fd, h, n * CHUNK_HASH,
		    (off_t)((first + k) * CHUNK_HASH));
	}
	free(h);
	if (rc != 0) {
		asmctx_fail(a, "%s: write: %s", a->blk_part, strerror(-rc));
		return -1;
	}
	asmjournal_set(&a->j, i);
	return 0;
}

/* Entry i from a local copy at loc, if the bytes there hash to its id. */
static int
asm_local(struct asmctx *a, size_t i, uint64_t loc, unsigned char *buf)
{
	const struct manifest_entry *e = &a->m.e[i];
	struct chunk_block b[CHUNKOBJ_MAX_BLOCKS];
	unsigned char h[CHUNKOBJ_MAX_BLOCKS][CHUNK_HASH], id[CHUNK_HASH];
	uint64_t nb = (e->length + CHUNK_BLOCK - 1) / CHUNK_BLOCK, k;

	if (nb > CHUNKOBJ_MAX_BLOCKS ||
	    asmsrc_read(&a->src, loc, buf, e->length) != 0)
		return -1;
	for (k = 0; k < nb; k++) {
		chunk_block_fill(&a->hs, buf + k * CHUNK_BLOCK,
		    k + 1 < nb ? CHUNK_BLOCK : e->length - k * CHUNK_BLOCK,
		    &b[k]);
		memcpy(h[k], b[k].h, CHUNK_HASH);
	}
	chunk_hash_list(&a->hs, b, nb, id);
	if (memcmp(id, e->id, CHUNK_HASH) != 0)
		return -1;
	return asm_wrote(a, i, buf, (const unsigned char(*)[CHUNK_HASH])h) == -1
	    ? -2
	    : 0;
}

/* After a crash: entry i may already be in the image, written but not
 * yet recorded. */
static int
asm_resume_check(struct asmctx *a, size_t i, unsigned char *buf)
{
	uint64_t loc = asmsrc_loc(a->self, a->m.e[i].offset / CHUNK_BLOCK);
	int rc = asm_local(a, i, loc, buf);

	if (rc == 0)
		a->r->resumed_bytes += a->m.e[i].length;
	return rc;
}

/* Entry i from any seed that holds its chunk. */
static int
asm_from_seeds(struct asmctx *a, size_t i, unsigned char *buf)
{
	uint64_t loc = blkindex_find(&a->src.chunks, a->m.e[i].id);
	int rc;

	if (loc == BLKINDEX_NONE)
		return -1;
	if ((rc = asm_local(a, i, loc, buf)) == 0)
		a->r->local_bytes += a->m.e[i].length;
	return rc;
}

static void
asm_job_end(struct asm_job *job)
{
	struct asmctx *a = job->a;

	a->jobs--;
	TAILQ_REMOVE(&a->live, job, link);
	free(job->buf);
	free(job);
	if (!a->failed)
		asm_pump(a);
}

/* Every block of the job is in its buffer and verified: write it. */
static void
asm_job_write(struct asm_job *job)
{
	struct asmctx *a = job->a;
	const struct manifest_entry *e = &a->m.e[job->entry];

	if (asm_wrote(a, job->entry, job->buf,
		(const unsigned char(*)[CHUNK_HASH])job->t.h) == 0) {
		a->r->fetched_data += job->p.data;
		a->r->local_bytes += e->length - job->p.data;
		asm_progress(a);
	}
	asm_job_end(job);
}

static void
asm_job_error(struct asm_job *job, const char *what, const char *why)
{
	char name[160];

	asmctx_fail(job->a, "%s: %s: %s",
	    assemble_chunk_name(job->a, job->entry, name, sizeof(name)), what,
	    why);
	asm_job_end(job);
}

/* A fetch's outcome: 0, or -1 with the job failed and ended. */
static int
asm_job_fetched(struct asm_job *job, int status, const char *msg)
{
	if (status == 0)
		return 0;
	asm_job_error(job, "fetch",
	    status == -ENOENT ? "not in the store" : msg);
	return -1;
}

/* The whole object, when no seed could help. */
static void
asm_got_whole(void *arg, int status, const void *buf, size_t len,
    const char *msg)
{
	struct asm_job *job = arg;
	struct asmctx *a = job->a;
	const struct manifest_entry *e = &a->m.e[job->entry];
	char err[256];

	if (asm_job_fetched(job, status, msg) == -1)
		return;
	if (len != e->stored) {
		snprintf(err, sizeof(err),
		    "object is %zu bytes, the manifest "
		    "says %u",
		    len, e->stored);
		asm_job_error(job, "rejected", err);
		return;
	}
	if (chunkobj_parse_table(&a->hs, buf, len, e->id, e->length, &job->t,
		err, sizeof(err)) == -1 ||
	    chunkobj_decode_all(a->dctx, &a->hs, &job->t, buf, len, job->buf,
		err, sizeof(err)) == -1) {
		asm_job_error(job, "rejected", err);
		return;
	}
	job->p.data = e->length;
	asm_job_write(job);
}

/* One range of frames: decode the blocks that were missing. */
static void
asm_got_range(void *arg, int status, const void *buf, size_t len,
    const char *msg)
{
	struct asm_rangectx *rc = arg;
	struct asm_job *job = rc->job;
	const struct imgplan_range *r = &job->p.r[rc->range];
	const unsigned char *p = buf;
	char err[256];
	uint32_t k;

	if (status != 0 || len != r->len) {
		snprintf(err, sizeof(err), "%s", status ? msg : "short range");
		asm_job_error(job, "fetch", err);
		return;
	}
	for (k = r->first; k < r->first + r->count; k++) {
		if (job->p.loc[k] != BLKINDEX_NONE)
			continue; /* a local block in a gap we fetched over */
		if (chunkobj_decode_block(job->a->dctx, &job->a->hs, &job->t, k,
			p + (job->t.foff[k] - r->off), job->t.flen[k],
			job->buf + (size_t)k * CHUNK_BLOCK, err,
			sizeof(err)) == -1) {
			asm_job_error(job, "rejected", err);
			return;
		}
	}
	if (--job->outstanding == 0)
		asm_job_write(job);
}

/* Blocks a seed holds, read and checked against the table.  A block
 * whose bytes do not match is fetched after all. */
static int
asm_job_locals(struct asm_job *job)
{
	unsigned char h[CHUNK_HASH];
	uint32_t k, len;
	int bad = 0;

	for (k = 0; k < job->t.nblocks; k++) {
		if (job->p.loc[k] == BLKINDEX_NONE)
			continue;
		len = k + 1 < job->t.nblocks ? CHUNK_BLOCK
					     : job->t.length - k * CHUNK_BLOCK;
		if (asmsrc_read(&job->a->src, job->p.loc[k],
			job->buf + (size_t)k * CHUNK_BLOCK, len) == 0) {
			chunk_hash(&job->a->hs,
			    job->buf + (size_t)k * CHUNK_BLOCK, len, h);
			if (memcmp(h, job->t.h[k], CHUNK_HASH) == 0)
				continue;
		}
		bad = 1;
	}
	return bad ? -1 : 0;
}

static void
asm_job_ranges(struct asm_job *job)
{
	struct asmctx *a = job->a;
	char rel[CHUNKOBJ_PATH_LEN];
	uint32_t i;

	chunkobj_path(a->m.e[job->entry].id, rel);
	job->outstanding = (int)job->p.nranges;
	for (i = 0; i < job->p.nranges; i++) {
		job->rctx[i] = (struct asm_rangectx){ job, i };
		objget_queue(a->g, rel, job->p.r[i].off, job->p.r[i].len,
		    a->m.e[job->entry].stored, asm_got_range, &job->rctx[i]);
	}
}

/* The block table: decide what to fetch. */
static void
asm_got_table(void *arg, int status, const void *buf, size_t len,
    const char *msg)
{
	struct asm_job *job = arg;
	struct asmctx *a = job->a;
	const struct manifest_entry *e = &a->m.e[job->entry];
	char err[256];

	if (asm_job_fetched(job, status, msg) == -1)
		return;
	if (chunkobj_parse_table(&a->hs, buf, len, e->id, e->length, &job->t,
		err, sizeof(err)) == -1) {
		asm_job_error(job, "rejected", err);
		return;
	}
	if (job->t.total != e->stored) {
		snprintf(err, sizeof(err),
		    "object is %llu bytes, the manifest "
		    "says %u",
		    (unsigned long long)job->t.total, e->stored);
		asm_job_error(job, "rejected", err);
		return;
	}
	imgplan_blocks(&job->t, &a->src.blocks, &job->p);
	if (job->p.nlocal > 0 && asm_job_locals(job) == -1)
		imgplan_blocks(&job->t, &(struct blkindex){ 0 }, &job->p);
	if (job->p.nranges == 0)
		asm_job_write(job);
	else
		asm_job_ranges(job);
}

static void
asm_job_start(struct asmctx *a, size_t i)
{
	struct asm_job *job = xcalloc(1, sizeof(*job));
	const struct manifest_entry *e = &a->m.e[i];
	char rel[CHUNKOBJ_PATH_LEN];
	uint32_t nb = (uint32_t)((e->length + CHUNK_BLOCK - 1) / CHUNK_BLOCK);

	job->a = a;
	job->entry = i;
	job->buf = xmalloc(ASM_MAX_CHUNK);
	a->jobs++;
	TAILQ_INSERT_TAIL(&a->live, job, link);
	blkindex_add(&a->inflight, e->id, i);
	chunkobj_path(e->id, rel);
	if (!a->have_seeds)
		objget_queue(a->g, rel, 0, 0, e->stored, asm_got_whole, job);
	else
		objget_queue(a->g, rel, 0, chunkobj_table_len(nb), e->stored,
		    asm_got_table, job);
}

/* Starts entries until enough chunks are in flight. */
static void
asm_pump(struct asmctx *a)
{
	unsigned char *buf = a->copybuf;
	const struct manifest_entry *e;
	size_t i;
	int rc;

	while (!a->failed && a->jobs < a->max_jobs && a->next < a->m.n) {
		i = a->next++;
		e = &a->m.e[i];
		if (asmjournal_done(&a->j, i))
			continue;
		if (e->kind == CHUNK_ZERO) {
			asm_zero(a, i);
			continue;
		}
		if ((a->resumed && (rc = asm_resume_check(a, i, buf)) != -1) ||
		    (rc = asm_from_seeds(a, i, buf)) != -1)
			continue; /* done, or failed (-2) */
		if (blkindex_find(&a->inflight, e->id) != BLKINDEX_NONE)
			a->deferred[a->ndeferred++] = i;
		else if (!a->have_seeds && !objget_is_remote(a->g))
			asmbatch_add(a, i); /* whole objects, every core */
		else
			asm_job_start(a, i);
	}
}

/* --- the manifest, and what is installed --- */

/* --- building --- */

static int
asm_run_fetches(struct asmctx *a)
{
	char why[512];

	asm_pump(a);
	if (!a->failed)
		asmbatch_run(a);
	if (objget_run(a->g, why, sizeof(why)) == -1 && !a->failed)
		asmctx_fail(a, "%s", why);
	return a->failed ? -1 : 0;
}

/* Entries whose chunk was in flight when they came up: by now the
 * chunk is in the image, so they are copies. */
static int
asm_deferred(struct asmctx *a)
{
	size_t k, i;

	for (k = 0; k < a->ndeferred && !a->failed; k++) {
		i = a->deferred[k];
		if (!asmjournal_done(&a->j, i) &&
		    asm_from_seeds(a, i, a->copybuf) == -1)
			asm_job_start(a, i);
	}
	a->ndeferred = 0;
	return asm_run_fetches(a);
}

static int
asm_build(struct asmctx *a)
{
	int e;

	a->max_jobs = a->o->max_jobs > 0 ? a->o->max_jobs
	    : objget_is_remote(a->g)     ? ASM_JOBS_REMOTE
					 : 1;
	a->deferred = xcalloc(a->m.n + 1, sizeof(*a->deferred));
	a->copybuf = xmalloc(ASM_MAX_CHUNK);
	a->synced_ms = asmctx_now_ms();
	a->flush = asmflush_start(a->img_fd, a->blk_fd);
	if (asm_run_fetches(a) == -1 || asm_deferred(a) == -1) {
		/* Keep what was verified for the next run, unless a flush
		 * failed: then what it covered may be lost. */
		e = asmflush_stop(a->flush);
		a->flush = NULL;
		if (e == 0 && a->since_sync > 0 && fdatasync(a->img_fd) == 0 &&
		    fdatasync(a->blk_fd) == 0)
			asmjournal_sync(&a->j);
		return -1;
	}
	e = asmflush_stop(a->flush);
	a->flush = NULL;
	if (e != 0) {
		asmctx_fail(a, "%s: fdatasync: %s", a->img_part, strerror(-e));
		return -1;
	}
	if (asmctx_checkpoint(a) == -1 || a->j.ndone != a->m.n) {
		asmctx_fail(a, "%llu of %zu entries done",
		    (unsigned long long)a->j.ndone, a->m.n);
		return -1;
	}
	return asmsetup_verify_root(a);
}

static void
asm_free(struct asmctx *a)
{
	struct asm_job *job;

	while ((job = TAILQ_FIRST(&a->live)) != NULL) {
		TAILQ_REMOVE(&a->live, job, link);
		free(job->buf);
		free(job);
	}
	if (a->img_fd != -1)
		close(a->img_fd);
	if (a->blk_fd != -1)
		close(a->blk_fd);
	if (a->lock_fd != -1)
		close(a->lock_fd);
	asmjournal_close(&a->j);
	asmsrc_free(&a->src);
	objget_close(a->g);
	manifest_free(&a->m);
	blkindex_free(&a->inflight);
	chunk_hasher_free(&a->hs);
	ZSTD_freeDCtx(a->dctx);
	free(a->mbuf);
	free(a->img_part);
	free(a->blk_part);
	free(a->jnl);
	free(a->deferred);
	free(a->copybuf);
	asmbatch_free(a->batch);
	(void)asmflush_stop(a->flush);
}

static void
asm_result(struct asmctx *a)
{
	struct objget_stats st;

	objget_get_stats(a->g, &st);
	a->r->requests = st.requests;
	a->r->fetched_bytes = st.bytes;
	a->r->version = a->m.version;
	a->r->size = a->m.size;
	snprintf(a->r->path, sizeof(a->r->path), "%s/%lld.img", a->o->into,
	    (long long)a->m.version);
}

int
assemble_run(const struct assemble_opts *o, struct assemble_result *r,
    char *err, size_t errlen)
{
	struct asmctx *a = xcalloc(1, sizeof(*a));
	int rc = -1;

	memset(r, 0, sizeof(*r));
	*a = (struct asmctx){ .o = o,
		.r = r,
		.img_fd = -1,
		.blk_fd = -1,
		.lock_fd = -1 };
	a->j.fd = -1;
	TAILQ_INIT(&a->live);
	manifest_init(&a->m);
	chunk_hasher_init(&a->hs);
	a->dctx = ZSTD_createDCtx();
	if (objget_open(o->store, o->fetch, &a->g, a->err, sizeof(a->err)) ==
	    -1) {
		a->failed = 1;
		goto out;
	}
	if (asmsetup_load_manifest(a) == -1)
		goto out;
	a->img_part = asminstall_path(o->into, a->m.version, ".img.part");
	a->blk_part = asminstall_path(o->into, a->m.version, ".blocks.part");
	a->jnl = asminstall_path(o->into, a->m.version, ".journal");
	if (asmsetup_lock(a) == -1 || asmsetup_check_installed(a) == -1)
		goto out;
	if (r->already) {
		rc = asmsetup_tidy(a);
		goto out;
	}
	if (asmsetup_committed(a)) {
		if (asmsetup_switch(a) == 0)
			rc = 0;
		goto out;
	}
	if (asmsetup_open_files(a) == -1 || asmsetup_seeds(a) == -1 ||
	    asm_build(a) == -1 || asmsetup_finish(a) == -1)
		goto out;
	rc = 0;
out:
	if (a->g != NULL)
		asm_result(a);
	if (rc == -1)
		snprintf(err, errlen, "%s", a->err);
	asm_free(a);
	free(a);
	return rc;
}
