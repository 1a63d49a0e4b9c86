/*
 * store: a chunk store in a local directory (docs/image-format.md,
 * section 4).  Objects are written once, through a temporary name and a
 * rename; the caller makes them durable with store_sync before it writes
 * a manifest that names them.
 */
#ifndef KURA_STORE_H
#define KURA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "chunker.h"

#define STORE_MARK "kura-store"
#define STORE_MARK_LINE "kura-store 1\n"

struct store {
	char *dir;
	int dirfd;
};

/* Opens an existing store; with create, makes it first if need be.
 * 0, or -1 with the reason in err. */
int store_open(const char *dir, int create, struct store *st, char *err,
    size_t errlen);
void store_close(struct store *st);

/* The object's size if it is there, else -1. */
int64_t store_size(struct store *st, const unsigned char *id);
/* 0 or -errno. */
int store_put(struct store *st, const unsigned char *id, const void *obj,
    size_t len);
/* 0, -ENOENT, or another -errno; *buf malloc'd. */
int store_get(struct store *st, const unsigned char *id, unsigned char **buf,
    size_t *len);
/* Bytes [off, off + len) of an object: 0, -ENOENT, -ENODATA (too short)
 * or another -errno. */
int store_pread(struct store *st, const unsigned char *id, void *buf,
    size_t len, uint64_t off);
/* Any file under the store (a relative path), e.g. a manifest. */
int store_read(struct store *st, const char *rel, size_t max,
    unsigned char **buf, size_t *len);
/* A manifest, durably; -EEXIST if that version exists. */
int store_put_manifest(struct store *st, const char *name, int64_t version,
    const void *buf, size_t len);
/* Everything written so far reaches the disk (syncfs). */
int store_sync(struct store *st);

/* Versions of an image, ascending; *v malloc'd.  0 or -errno. */
int store_versions(struct store *st, const char *name, int64_t **v, size_t *n);
/* Names of images, sorted; free each and the array. */
int store_names(struct store *st, char ***names, size_t *n);

#endif
