/*
 * objget: reading objects and byte ranges of them from a store, local
 * (a directory) or remote (http:// or https://, through lib/fetch.c), with
 * one interface: requests are queued with a callback and run until none is
 * left.  Callbacks may queue more.  Counted, so that tests and users see
 * how many requests and bytes an operation cost.
 */
#ifndef KURA_OBJGET_H
#define KURA_OBJGET_H

#include <stddef.h>
#include <stdint.h>

/* status 0: buf holds exactly the bytes asked for (or the whole object);
 * -ENOENT: no such object; other negative: failed, msg says why. */
typedef void (*objget_fn)(void *arg, int status, const void *buf, size_t len,
    const char *msg);

struct objget_stats {
	uint64_t requests, bytes;
};

struct objget;

struct fetch_opts;

/* store: a directory, or an http(s) URL (fo: how to reach it, NULL for
 * defaults). */
int objget_open(const char *store, const struct fetch_opts *fo,
    struct objget **r, char *err, size_t errlen);
void objget_close(struct objget *g);
int objget_is_remote(const struct objget *g);
/* Bytes [off, off + len) of rel (len 0: the whole object, at most max
 * bytes). */
void objget_queue(struct objget *g, const char *rel, uint64_t off, uint64_t len,
    size_t max, objget_fn cb, void *arg);
/* 0 once every request is done, or -1 with err (the transport failed, or
 * objget_abort was called). */
int objget_run(struct objget *g, char *err, size_t errlen);
void objget_abort(struct objget *g);
void objget_get_stats(const struct objget *g, struct objget_stats *st);
/* A local store's directory, for callers that read objects themselves
 * (on several threads), or -1 for a remote store. */
int objget_local_dir(const struct objget *g);
/* Counts requests made that way. */
void objget_count(struct objget *g, uint64_t requests, uint64_t bytes);

#endif
