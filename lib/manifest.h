/*
 * manifest: one signed manifest per image version (docs/image-format.md,
 * section 3): a JSON header, a binary entry table and an Ed25519 trailer,
 * in one file so that nothing can swap the signature and the table apart.
 */
#ifndef KURA_MANIFEST_H
#define KURA_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "chunker.h"

#define MANIFEST_MAGIC "KURAIMG1"
#define MANIFEST_SIG_MAGIC "KURASIG1"
#define MANIFEST_FORMAT "kura-image/1"
#define MANIFEST_PREFIX 24
#define MANIFEST_ENTRY 48
#define MANIFEST_TRAILER 104
#define MANIFEST_MAX_HEADER (1024 * 1024)
/* 60 GB of 16 KiB chunks is 190 MB of entries. */
#define MANIFEST_MAX_FILE ((size_t)512 * 1024 * 1024)

struct manifest_entry {
	uint64_t offset; /* in the image; computed, not stored */
	uint64_t length;
	uint32_t kind; /* enum chunk_kind */
	uint32_t stored;
	unsigned char id[CHUNK_HASH];
};

struct manifest {
	char *name;
	char *group;
	int64_t version;
	int64_t parent; /* -1: none */
	char created[24];
	uint64_t size;
	struct chunk_params chunking;
	unsigned char root[CHUNK_HASH];
	char *source_format; /* or NULL */
	json_t *metadata;    /* object of strings, or NULL: none */
	struct manifest_entry *e;
	size_t n, cap;
	unsigned char signer[32]; /* after parsing: the trailer's key */
};

/* Allocates nothing, so that initializing twice costs nothing.  The
 * readers below initialize m themselves. */
void manifest_init(struct manifest *m);
void manifest_free(struct manifest *m);
void manifest_add(struct manifest *m, uint32_t kind, uint64_t length,
    uint32_t stored, const unsigned char *id);
/* The signed file's bytes (*buf malloc'd).  0, or -1 with err. */
int manifest_write(const struct manifest *m, EVP_PKEY *priv,
    unsigned char **buf, size_t *len, char *err, size_t errlen);
/* Checks and reads buf.  With pub NULL the signature is not checked (for
 * showing a manifest); the caller says so to the user. */
int manifest_parse(const unsigned char *buf, size_t len, EVP_PKEY *pub,
    struct manifest *m, char *err, size_t errlen);
int manifest_load(const char *path, EVP_PKEY *pub, struct manifest *m,
    char *err, size_t errlen);
/* Image and group names: [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
int manifest_name_ok(const char *s);
/* "images/<name>/<version>.kim"; free with free(). */
char *manifest_path(const char *name, int64_t version);
/* Sum of stored sizes of chunk entries, and of their lengths. */
void manifest_totals(const struct manifest *m, uint64_t *stored, uint64_t *data,
    size_t *nchunks);

#endif
