/* imgcmd: what kura-image's commands share (imagetool/imgcmd.c). */
#ifndef KURA_IMGCMD_H
#define KURA_IMGCMD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "manifest.h"
#include "store.h"

/* "kura-image: CMD: ..." on stderr. */
void imgcmd_err(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A progress line on stderr, only when stderr is a terminal; at most a few
 * updates a second so that it costs nothing. */
struct progress {
	int on;
	const char *what;
	uint64_t total, done;
	double t0, last;
};
void progress_start(struct progress *p, const char *what, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
void progress_end(struct progress *p);
double imgcmd_now(void);

/* "12.3 MB" style, decimal units; buf of 32. */
const char *imgcmd_bytes(uint64_t n, char *buf);

/* A manifest named as a file path, or as NAME:VERSION / NAME (newest) in
 * the store.  pub may be NULL (signature not checked).  0 or -1 with err. */
int imgcmd_manifest(struct store *st, const char *spec, EVP_PKEY *pub,
    struct manifest *m, char *err, size_t errlen);
/* The newest version of name in the store, or 0 if none. */
int64_t imgcmd_latest(struct store *st, const char *name);

/* Options of every command, one table; each command says which it takes
 * in its usage line and checks what it needs. */
struct imgopts {
	const char *store, *key, *pub, *name, *group, *format, *into, *image;
	const char *cacert, *client_cert, *client_key;
	int jobs; /* assemble: requests in flight */
	const char *seed_file[8];
	int nseed_files;
	int64_t version;
	int64_t seed; /* -1: default, 0: --no-seed */
	int threads;
	int level; /* create: zstd level, 0 = default */
	int json;
	double sample; /* verify: fraction of chunks, 0 = all */
	int64_t keep;  /* gc: newest versions kept per image */
	int64_t grace; /* gc: seconds; -1: default */
	json_t *meta;
};
/* Index of the first operand, or -1 after printing the usage. */
int imgopts_parse(int argc, char **argv, struct imgopts *o, const char *usage,
    int min_operands, int max_operands);
void imgopts_free(struct imgopts *o);
#endif
