/*
 * asmjournal: assemble's progress, so that a run killed or cut off by a
 * power loss resumes where it was.  One bit per manifest entry, set only
 * after the entry's bytes and block hashes were made durable (fdatasync);
 * bits only ever go from 0 to 1, so a torn write of the bitmap loses
 * progress, never correctness.
 *
 *   "KURAJNL1" | root of the image being built (32) | u64 nentries | bitmap
 */
#ifndef KURA_ASMJOURNAL_H
#define KURA_ASMJOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "chunker.h"

#define ASMJOURNAL_MAGIC "KURAJNL1"
#define ASMJOURNAL_HDR 48

struct asmjournal {
	int fd;
	uint64_t n;
	unsigned char *bits;  /* durable */
	unsigned char *dirty; /* set since the last sync */
	uint64_t ndone;
};

/* Opens (or creates) path for an image of root with n entries, and
 * reads its progress.  *valid is 0 when there was none for this image
 * (no journal, or one for another image): the caller then starts its
 * files from scratch, makes them durable, and only then calls
 * asmjournal_reset, so that a valid journal always speaks of files made
 * for its image.  0 or -errno. */
int asmjournal_open(struct asmjournal *j, const char *path,
    const unsigned char *root, uint64_t n, int *valid);
/* A new, empty journal for root, durable.  0 or -errno. */
int asmjournal_reset(struct asmjournal *j, const unsigned char *root);
void asmjournal_close(struct asmjournal *j);
int asmjournal_done(const struct asmjournal *j, uint64_t i);
/* Marks i done in memory; asmjournal_sync makes it durable. */
void asmjournal_set(struct asmjournal *j, uint64_t i);
/* Writes the bitmap and fdatasyncs it: call after the data is durable. */
int asmjournal_sync(struct asmjournal *j);

#endif
