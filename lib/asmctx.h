/*
 * asmctx: the state of one assemble run, shared by lib/assemble.c (the
 * chunks: copies and fetches) and lib/asmsetup.c (the manifest, the
 * install directory, durability).  Private to those two files.
 */
#ifndef KURA_ASMCTX_H
#define KURA_ASMCTX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <zstd.h>

#include "asmflush.h"
#include "asmjournal.h"
#include "asmsrc.h"
#include "assemble.h"
#include "blkindex.h"
#include "chunkobj.h"
#include "imgplan.h"
#include "manifest.h"
#include "objget.h"

/* A checkpoint every so many bytes written, at most once a second: each
 * costs three fdatasyncs, 0.1 s of a 0.6 s local first install in six. */
#define ASM_SYNC_BYTES (32 * 1024 * 1024)
#define ASM_SYNC_MS 1000
/* The flusher (asmflush.c) is kicked every so many bytes. */
#define ASM_KICK_BYTES (16 * 1024 * 1024)
#define ASM_JOBS_REMOTE 16
#define ASM_MAX_CHUNK (CHUNKOBJ_MAX_BLOCKS * CHUNK_BLOCK)

struct asmctx;
struct asmbatch;

struct asm_job;

struct asm_rangectx {
	struct asm_job *job;
	uint32_t range;
};

struct asm_job {
	struct asmctx *a;
	size_t entry;
	TAILQ_ENTRY(asm_job) link;
	struct asm_rangectx rctx[CHUNKOBJ_MAX_BLOCKS];
	struct chunkobj_table t;
	struct imgplan p;
	unsigned char *buf;
	int outstanding;
};

struct asmctx {
	const struct assemble_opts *o;
	struct assemble_result *r;
	struct manifest m;
	unsigned char *mbuf;
	size_t mlen;
	struct objget *g;
	struct asmsrc src;
	int self;
	struct asmjournal j;
	int img_fd, blk_fd, lock_fd;
	char *img_part, *blk_part, *jnl;
	struct chunk_hasher hs;
	ZSTD_DCtx *dctx;
	struct blkindex inflight;
	size_t *deferred, ndeferred;
	unsigned char *copybuf;     /* a chunk copied from a seed */
	TAILQ_HEAD(, asm_job) live; /* jobs in flight, freed on failure */
	size_t next;
	int jobs, max_jobs;
	int have_seeds, resumed, failed;
	uint64_t since_sync, since_kick;
	int64_t synced_ms; /* when the last checkpoint was (asmctx_now_ms) */
	struct asmbatch *batch;
	struct asmflush *flush; /* while building */
	char err[512];
};

/* The first failure wins; the transfers in flight are stopped. */
void asmctx_fail(struct asmctx *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Makes what was written durable, then records it in the journal. */
int asmctx_checkpoint(struct asmctx *a);
/* CLOCK_MONOTONIC, in milliseconds. */
int64_t asmctx_now_ms(void);

/* assemble.c */
int assemble_write(struct asmctx *a, size_t i, const unsigned char *data,
    const unsigned char (*h)[CHUNK_HASH]);
int assemble_record(struct asmctx *a, size_t i);
/* "chunk 12 at offset 49152 (3fa9…)": how a chunk is named to the user. */
const char *assemble_chunk_name(const struct asmctx *a, size_t i, char *buf,
    size_t len);

/* asmbatch.c: whole objects from a local store, decoded on every core. */
void asmbatch_add(struct asmctx *a, size_t i);
int asmbatch_run(struct asmctx *a);
void asmbatch_free(struct asmbatch *b);

int asmsetup_load_manifest(struct asmctx *a);
int asmsetup_lock(struct asmctx *a);
int asmsetup_check_installed(struct asmctx *a);
int asmsetup_committed(struct asmctx *a);
int asmsetup_open_files(struct asmctx *a);
int asmsetup_seeds(struct asmctx *a);
int asmsetup_verify_root(struct asmctx *a);
int asmsetup_switch(struct asmctx *a);
int asmsetup_tidy(struct asmctx *a);
int asmsetup_finish(struct asmctx *a);

#endif
