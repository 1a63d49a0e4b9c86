/*
 * assemble: writing the raw disk image of one version into an install
 * directory, from what the laptop holds (seeds) and from a store (local
 * or http(s)); crash-safe and resumable.  kura-image assemble is a thin
 * front end; the laptop's sync client uses the same code.
 *
 * The install directory:
 *   <v>.img, <v>.kim, <v>.blocks   an installed version: its image, its
 *                                  manifest, its block hashes (a seed index)
 *   current -> <v>.img             the version in use, switched atomically
 *   <v>.img.part, <v>.blocks.part, <v>.journal   a version being built
 */
#ifndef KURA_ASSEMBLE_H
#define KURA_ASSEMBLE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct fetch_opts;

struct assemble_opts {
	const char *into;         /* install directory (made if need be) */
	const char *store;        /* store directory or http(s):// URL */
	const char *manifest;     /* a file, or NAME:VERSION in the store */
	EVP_PKEY *pub;            /* the key manifests must be signed with */
	const char *const *seeds; /* more seeds: images or devices */
	int nseeds;
	int max_jobs;                   /* chunks in flight; 0: a default */
	const struct fetch_opts *fetch; /* for an http(s) store, or NULL */
	/* Called as the work goes on (may be NULL). */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *arg;
};

struct assemble_result {
	int64_t version, installed; /* installed: before, 0 if none */
	int already;                /* that version was already current */
	int resumed;                /* a journal was found */
	uint64_t size;
	uint64_t resumed_bytes; /* found done at start */
	uint64_t local_bytes;   /* copied from seeds */
	uint64_t fetched_data;  /* bytes of blocks fetched, uncompressed */
	uint64_t requests, fetched_bytes; /* from the store */
	double seconds;
	char path[4096]; /* the installed image */
};

int assemble_run(const struct assemble_opts *o, struct assemble_result *r,
    char *err, size_t errlen);

#endif
