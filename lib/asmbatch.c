/*
 * asmbatch.c: when nothing local can help (a first install) and the store
 * is a local directory, decompression and hashing are the limit, not the
 * store: such chunks are gathered in batches and each batch is read,
 * decoded, verified and written by one thread per core.  The journal and
 * the indexes are then updated in order by the caller's thread.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asmctx.h"
#include "file.h"
#include "log.h"
#include "xalloc.h"

#define ASMBATCH_MAX 256
#define ASMBATCH_THREADS 16
/* The largest object the format allows: a full table and 64 frames that
 * did not compress. */
#define ASMBATCH_OBJ_MAX                                                       \
	(CHUNKOBJ_HDR + CHUNKOBJ_ENT * CHUNKOBJ_MAX_BLOCKS +                   \
	    CHUNKOBJ_MAX_BLOCKS * ZSTD_COMPRESSBOUND(CHUNK_BLOCK))

struct asmbatch_worker {
	struct asmctx *a;
	int k, nthreads;
	struct chunk_hasher hs;
	ZSTD_DCtx *dctx;
	unsigned char *obj, *out;
	pthread_t th;
};

/* The workers' contexts and buffers live as long as the batch: made anew
 * for each one, their pages were faulted in again 13 times a GB. */
struct asmbatch {
	size_t entry[ASMBATCH_MAX];
	int rc[ASMBATCH_MAX];
	char err[ASMBATCH_MAX][160];
	size_t n;
	struct asmbatch_worker w[ASMBATCH_THREADS];
	int nw;
};

/* One chunk: the object from the store, decoded and checked, written. */
static int
asmbatch_one(struct asmbatch_worker *w, size_t i, char *err, size_t errlen)
{
	const struct manifest_entry *e = &w->a->m.e[i];
	struct chunkobj_table t;
	char rel[CHUNKOBJ_PATH_LEN], why[128];
	int fd, rc;

	if (e->stored > ASMBATCH_OBJ_MAX) {
		snprintf(err, errlen,
		    "rejected: %u bytes is too big for an "
		    "object",
		    e->stored);
		return -1;
	}
	chunkobj_path(e->id, rel);
	fd = openat(objget_local_dir(w->a->g), rel, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "fetch: %s",
		    errno == ENOENT ? "not in the store" : strerror(errno));
		return -1;
	}
	rc = file_pread_all(fd, w->obj, e->stored, 0);
	close(fd);
	if (rc != 0) {
		snprintf(err, errlen, "fetch: %s",
		    rc == -ENODATA ? "object shorter than the manifest says"
				   : strerror(-rc));
		return -1;
	}
	if (chunkobj_parse_table(&w->hs, w->obj, e->stored, e->id, e->length,
		&t, why, sizeof(why)) == -1 ||
	    chunkobj_decode_all(w->dctx, &w->hs, &t, w->obj, e->stored, w->out,
		why, sizeof(why)) == -1) {
		snprintf(err, errlen, "rejected: %s", why);
		return -1;
	}
	if ((rc = assemble_write(w->a, i, w->out,
		 (const unsigned char(*)[CHUNK_HASH])t.h)) != 0) {
		snprintf(err, errlen, "write: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

static void *
asmbatch_thread(void *arg)
{
	struct asmbatch_worker *w = arg;
	struct asmbatch *b = w->a->batch;
	size_t j;

	for (j = (size_t)w->k; j < b->n; j += (size_t)w->nthreads)
		b->rc[j] =
		    asmbatch_one(w, b->entry[j], b->err[j], sizeof(b->err[j]));
	return NULL;
}

static int
asmbatch_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > ASMBATCH_THREADS ? ASMBATCH_THREADS : (int)n;
}

static struct asmbatch *
asmbatch_new(struct asmctx *a)
{
	struct asmbatch *b = xcalloc(1, sizeof(*b));
	struct asmbatch_worker *w;
	int k;

	b->nw = asmbatch_threads();
	for (k = 0; k < b->nw; k++) {
		w = &b->w[k];
		*w = (struct asmbatch_worker){ .a = a,
			.k = k,
			.nthreads = b->nw };
		chunk_hasher_init(&w->hs);
		if ((w->dctx = ZSTD_createDCtx()) == NULL)
			fatalx("out of memory");
		w->obj = xmalloc(ASMBATCH_OBJ_MAX);
		w->out = xmalloc(ASM_MAX_CHUNK);
	}
	return b;
}

void
asmbatch_free(struct asmbatch *b)
{
	int k;

	for (k = 0; b != NULL && k < b->nw; k++) {
		chunk_hasher_free(&b->w[k].hs);
		ZSTD_freeDCtx(b->w[k].dctx);
		free(b->w[k].obj);
		free(b->w[k].out);
	}
	free(b);
}

static void
asmbatch_decode(struct asmbatch *b)
{
	int k;

	for (k = 1; k < b->nw; k++)
		if (pthread_create(&b->w[k].th, NULL, asmbatch_thread,
			&b->w[k]) != 0)
			fatalx("cannot start a thread");
	asmbatch_thread(&b->w[0]);
	for (k = 1; k < b->nw; k++)
		pthread_join(b->w[k].th, NULL);
}

int
asmbatch_run(struct asmctx *a)
{
	struct asmbatch *b = a->batch;
	const struct manifest_entry *e;
	char name[160];
	size_t j;

	if (b == NULL || b->n == 0)
		return 0;
	asmbatch_decode(b);
	for (j = 0; j < b->n && !a->failed; j++) {
		e = &a->m.e[b->entry[j]];
		objget_count(a->g, 1, b->rc[j] == 0 ? e->stored : 0);
		if (b->rc[j] != 0) {
			asmctx_fail(a, "%s: %s",
			    assemble_chunk_name(a, b->entry[j], name,
				sizeof(name)),
			    b->err[j]);
			break;
		}
		a->r->fetched_data += e->length;
		assemble_record(a, b->entry[j]);
	}
	b->n = 0;
	return a->failed ? -1 : 0;
}

void
asmbatch_add(struct asmctx *a, size_t i)
{
	if (a->batch == NULL)
		a->batch = asmbatch_new(a);
	blkindex_add(&a->inflight, a->m.e[i].id, i);
	a->batch->entry[a->batch->n++] = i;
	if (a->batch->n == ASMBATCH_MAX)
		asmbatch_run(a);
}
