/*
 * fetch: objects and byte ranges of them from an http:// or https:// store,
 * through libcurl's multi interface: keep-alive connections, several
 * requests in flight, retries with full-jitter exponential backoff that
 * honour Retry-After, and bodies bounded by what the caller expects (they
 * come from the network).  A request that waits for its retry never holds
 * up the others.
 *
 * fetch_run drives the transfers with curl_multi_poll.  kurad's sync client
 * will drive the same multi handle from its libevent loop (curl's socket
 * callbacks); everything but fetch_run is written for that.
 */
#ifndef KURA_FETCH_H
#define KURA_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct fetch_opts {
	int max_inflight;       /* requests at once, default 8 */
	int max_retries;        /* per request, default 6 */
	unsigned base_delay_ms; /* backoff base, default 250 */
	unsigned cap_delay_ms;  /* backoff cap, default 30000 */
	long connect_timeout_s; /* default 10 */
	long low_speed_time_s;  /* below 1 KiB/s this long: abort, default 30 */
	const char *ca_file;    /* NULL: the system's CAs */
	const char *cert_file,
	    *key_file; /* a client certificate (mutual TLS) */
};

/* status 0: body holds the whole object, or exactly the range asked for;
 * -ENOENT: no such object (404, 410); other negative: failed for good,
 * msg says why (status, curl's reason, URL).  body is valid only during
 * the call.  The callback may queue more requests. */
typedef void (*fetch_done_fn)(void *arg, int status, const void *body,
    size_t len, const char *msg);

struct fetch_stats {
	uint64_t requests; /* sent, retries included */
	uint64_t retries;
	uint64_t bytes; /* of bodies received */
};

struct fetch;

/* base: "http[s]://host[:port]/path" (a trailing slash is optional). */
int fetch_open(const char *base, const struct fetch_opts *opts,
    struct fetch **r, char *err, size_t errlen);
void fetch_close(struct fetch *f);
/* GET base/path, whole (len 0) or bytes [off, off+len).  max bounds the
 * body: the object's size when it is known (a server may ignore Range). */
void fetch_queue(struct fetch *f, const char *path, uint64_t off, uint64_t len,
    size_t max, fetch_done_fn cb, void *arg);
/* Until every request (and those the callbacks queue) is done.  0, or -1
 * when fetch_abort was called or libcurl failed. */
int fetch_run(struct fetch *f, char *err, size_t errlen);
/* From a callback: stop; the other requests end without their callbacks. */
void fetch_abort(struct fetch *f);
void fetch_get_stats(const struct fetch *f, struct fetch_stats *st);
/* 1 if base names a remote store this code can fetch from. */
int fetch_is_url(const char *base);

#endif
