/* create: chunking a disk image into a store and signing its manifest
 * (kura-image create; imagetool/create.c). */
#ifndef KURA_CREATE_H
#define KURA_CREATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct create_opts {
	const char *src;    /* disk image file */
	const char *format; /* NULL: detect */
	const char *store;  /* store directory, made if need be */
	const char *key;    /* private key (PEM) */
	const char *name, *group;
	int64_t version; /* 0: the newest in the store + 1 */
	int64_t seed;    /* -1: the newest in the store; 0: none */
	int threads;     /* 0: one per core */
	int level;       /* zstd level; 0: CHUNKOBJ_LEVEL */
	json_t *meta;    /* object of strings, or NULL */
};

struct create_result {
	int64_t version, parent;
	uint64_t size, zero_bytes, data_bytes, new_bytes, new_stored;
	size_t chunks, new_chunks, seed_chunks;
	char manifest[4096]; /* path of the manifest written */
	double seconds;
};

int create_run(const struct create_opts *o, struct create_result *r, char *err,
    size_t errlen);

#endif
