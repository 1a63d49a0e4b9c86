/* fetch.c: an http(s) store client on libcurl's multi interface (see
 * fetch.h).  libcurl does all of HTTP and TLS; this file decides what to
 * ask, what to accept, and when to try again. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include <curl/curl.h>

#include "fetch.h"
#include "log.h"
#include "xalloc.h"

#define FETCH_MAX_WAIT_S 600 /* the longest Retry-After obeyed */

struct fetch_req {
	TAILQ_ENTRY(fetch_req) link;
	struct fetch *f;
	char *url;
	uint64_t off, len;
	size_t max;
	fetch_done_fn cb;
	void *arg;
	CURL *easy;
	int added; /* easy is in the multi handle */
	unsigned char *buf;
	size_t blen, bcap;
	int attempt;
	double not_before;  /* monotonic seconds: a retry waits until then */
	double retry_after; /* seconds the server asked for, or 0 */
	int too_big;
	char range_hdr[96]; /* Content-Range as received */
	char errbuf[CURL_ERROR_SIZE];
};

TAILQ_HEAD(fetch_reqs, fetch_req);

struct fetch {
	char *base;
	struct fetch_opts o;
	CURLM *multi;
	struct fetch_reqs pending, active;
	int nactive;
	int aborted, warned_range;
	struct fetch_stats stats;
};

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static CURLcode fetch_global_rc;

static void
fetch_global(void)
{
	fetch_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double
fetch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
fetch_is_url(const char *base)
{
	return strncmp(base, "http://", 7) == 0 ||
	    strncmp(base, "https://", 8) == 0;
}

static void
fetch_defaults(struct fetch_opts *o, const struct fetch_opts *in)
{
	if (in != NULL)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	o->max_inflight = o->max_inflight > 0 ? o->max_inflight : 8;
	o->max_retries = o->max_retries > 0 ? o->max_retries : 6;
	o->base_delay_ms = o->base_delay_ms ? o->base_delay_ms : 250;
	o->cap_delay_ms = o->cap_delay_ms ? o->cap_delay_ms : 30000;
	o->connect_timeout_s = o->connect_timeout_s ? o->connect_timeout_s : 10;
	o->low_speed_time_s = o->low_speed_time_s ? o->low_speed_time_s : 30;
}

int
fetch_open(const char *base, const struct fetch_opts *opts, struct fetch **r,
    char *err, size_t errlen)
{
	struct fetch *f;
	size_t n = strlen(base);

	pthread_once(&fetch_once, fetch_global);
	if (fetch_global_rc != CURLE_OK || !fetch_is_url(base)) {
		snprintf(err, errlen, "%s: %s", base,
		    fetch_global_rc != CURLE_OK ? "libcurl did not start"
						: "not an http(s) URL");
		return -1;
	}
	f = xcalloc(1, sizeof(*f));
	f->base = xstrdup(base);
	while (n > 0 && f->base[n - 1] == '/')
		f->base[--n] = '\0';
	fetch_defaults(&f->o, opts);
	TAILQ_INIT(&f->pending);
	TAILQ_INIT(&f->active);
	if ((f->multi = curl_multi_init()) == NULL)
		fatalx("out of memory");
	/* One connection per request in flight, kept alive between them. */
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)f->o.max_inflight);
	curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS,
	    (long)f->o.max_inflight);
	*r = f;
	return 0;
}

static void
fetch_req_free(struct fetch_req *q)
{
	if (q->added)
		curl_multi_remove_handle(q->f->multi, q->easy);
	if (q->easy != NULL)
		curl_easy_cleanup(q->easy);
	free(q->url);
	free(q->buf);
	free(q);
}

static void
fetch_drop_all(struct fetch *f)
{
	struct fetch_req *q;

	while ((q = TAILQ_FIRST(&f->active)) != NULL) {
		TAILQ_REMOVE(&f->active, q, link);
		fetch_req_free(q);
	}
	while ((q = TAILQ_FIRST(&f->pending)) != NULL) {
		TAILQ_REMOVE(&f->pending, q, link);
		fetch_req_free(q);
	}
	f->nactive = 0;
}

void
fetch_close(struct fetch *f)
{
	if (f == NULL)
		return;
	fetch_drop_all(f);
	curl_multi_cleanup(f->multi);
	free(f->base);
	free(f);
}

void
fetch_queue(struct fetch *f, const char *path, uint64_t off, uint64_t len,
    size_t max, fetch_done_fn cb, void *arg)
{
	struct fetch_req *q = xcalloc(1, sizeof(*q));

	q->f = f;
	xasprintf(&q->url, "%s/%s", f->base, path);
	q->off = off;
	q->len = len;
	/* A server that ignores Range sends the whole object: max bounds it
	 * (the caller knows the object's size), and at least the range. */
	q->max = len > 0 && off + len > max ? (size_t)(off + len) : max;
	q->cb = cb;
	q->arg = arg;
	TAILQ_INSERT_TAIL(&f->pending, q, link);
}

void
fetch_abort(struct fetch *f)
{
	f->aborted = 1;
}

void
fetch_get_stats(const struct fetch *f, struct fetch_stats *st)
{
	*st = f->stats;
}

/* The body grows as it comes, never past what the caller expects (for a
 * server that ignores Range, the object up to the end of the range). */
static size_t
fetch_write(char *data, size_t size, size_t n, void *arg)
{
	struct fetch_req *q = arg;
	size_t len = size * n, limit = q->max;

	if (q->blen + len > limit) {
		q->too_big = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	if (q->blen + len > q->bcap) {
		q->bcap = q->bcap ? q->bcap : 16384;
		while (q->bcap < q->blen + len)
			q->bcap *= 2;
		q->buf = xreallocarray(q->buf, q->bcap, 1);
	}
	memcpy(q->buf + q->blen, data, len);
	q->blen += len;
	return len;
}

/* Retry-After (seconds or an HTTP date) and Content-Range. */
static size_t
fetch_header(char *data, size_t size, size_t n, void *arg)
{
	struct fetch_req *q = arg;
	size_t len = size * n;
	char line[256], *v;
	time_t when;

	if (len >= sizeof(line))
		return len;
	memcpy(line, data, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if ((v = strchr(line, ':')) == NULL)
		return len;
	*v++ = '\0';
	v += strspn(v, " \t");
	if (strcasecmp(line, "Retry-After") == 0) {
		if (strspn(v, "0123456789") == strlen(v) && *v != '\0')
			q->retry_after = atof(v);
		else if ((when = curl_getdate(v, NULL)) != -1)
			q->retry_after = difftime(when, time(NULL));
	} else if (strcasecmp(line, "Content-Range") == 0)
		snprintf(q->range_hdr, sizeof(q->range_hdr), "%s", v);
	return len;
}

static void
fetch_setup(struct fetch *f, struct fetch_req *q)
{
	const struct fetch_opts *o = &f->o;
	char range[64];
	CURL *e = q->easy;

	curl_easy_setopt(e, CURLOPT_URL, q->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, q);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, fetch_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, q);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, q->errbuf);
	/* Redirects stay within http(s), and an https store's within https:
	 * the chunks are verified either way, but not private over http. */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
	    strncmp(f->base, "https:", 6) == 0 ? "https" : "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time_s);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "kura/" PACKAGE_VERSION);
	if (getenv("KURA_CURL_VERBOSE") != NULL)
		curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	if (o->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
	if (o->cert_file != NULL)
		curl_easy_setopt(e, CURLOPT_SSLCERT, o->cert_file);
	if (o->key_file != NULL)
		curl_easy_setopt(e, CURLOPT_SSLKEY, o->key_file);
	if (q->len > 0) {
		snprintf(range, sizeof(range), "%llu-%llu",
		    (unsigned long long)q->off,
		    (unsigned long long)(q->off + q->len - 1));
		curl_easy_setopt(e, CURLOPT_RANGE, range);
	}
}

static void
fetch_start(struct fetch *f, struct fetch_req *q)
{
	if (q->easy == NULL && (q->easy = curl_easy_init()) == NULL)
		fatalx("out of memory");
	q->blen = 0;
	q->too_big = 0;
	q->retry_after = 0;
	q->range_hdr[0] = q->errbuf[0] = '\0';
	fetch_setup(f, q);
	if (curl_multi_add_handle(f->multi, q->easy) != CURLM_OK)
		fatalx("curl_multi_add_handle failed");
	q->added = 1;
	TAILQ_REMOVE(&f->pending, q, link);
	TAILQ_INSERT_TAIL(&f->active, q, link);
	f->nactive++;
	f->stats.requests++;
}

/* Starts what may start: ready requests, up to the limit in flight. */
static void
fetch_start_ready(struct fetch *f, double now)
{
	struct fetch_req *q, *next;

	for (q = TAILQ_FIRST(&f->pending);
	     q != NULL && f->nactive < f->o.max_inflight; q = next) {
		next = TAILQ_NEXT(q, link);
		if (q->not_before <= now)
			fetch_start(f, q);
	}
}

enum fetch_verdict {
	FETCH_OK,
	FETCH_RETRY,
	FETCH_FAIL,
};

/* A 206 must be the range asked for; a 200 to a range request (a server
 * that ignores Range) is sliced.  Anything else is not the body. */
static enum fetch_verdict
fetch_check_body(struct fetch *f, struct fetch_req *q, long code, char *msg,
    size_t msglen)
{
	unsigned long long a, b;

	if (q->len == 0)
		return FETCH_OK;
	if (code == 206) {
		if (sscanf(q->range_hdr, "bytes %llu-%llu/", &a, &b) != 2 ||
		    a != q->off || b != q->off + q->len - 1 ||
		    q->blen != q->len) {
			snprintf(msg, msglen,
			    "%s: answered range \"%s\" with "
			    "%zu bytes, asked for %llu-%llu",
			    q->url, q->range_hdr, q->blen,
			    (unsigned long long)q->off,
			    (unsigned long long)(q->off + q->len - 1));
			return FETCH_FAIL;
		}
		return FETCH_OK;
	}
	if (q->blen < q->off + q->len) {
		snprintf(msg, msglen,
		    "%s: %zu bytes, too short for range "
		    "%llu+%llu",
		    q->url, q->blen, (unsigned long long)q->off,
		    (unsigned long long)q->len);
		return FETCH_RETRY;
	}
	if (!f->warned_range++)
		log_info("%s: the server ignores Range; whole objects are "
			 "fetched",
		    f->base);
	memmove(q->buf, q->buf + q->off, q->len);
	q->blen = q->len;
	return FETCH_OK;
}

/* Errors that come back every time: no point in retrying. */
static int
fetch_permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CIPHER:
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_WRITE_ERROR:
		return 1;
	default:
		return 0;
	}
}

static enum fetch_verdict
fetch_verdict(struct fetch *f, struct fetch_req *q, CURLcode rc, char *msg,
    size_t msglen)
{
	long code = 0;

	if (rc != CURLE_OK) {
		snprintf(msg, msglen, "%s: %s", q->url,
		    q->too_big         ? "body larger than expected"
			: q->errbuf[0] ? q->errbuf
				       : curl_easy_strerror(rc));
		return fetch_permanent(rc) ? FETCH_FAIL : FETCH_RETRY;
	}
	curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200 || code == 206)
		return fetch_check_body(f, q, code, msg, msglen);
	snprintf(msg, msglen, "%s: HTTP %ld", q->url, code);
	if (code == 404 || code == 410)
		return FETCH_FAIL;
	return code == 408 || code == 429 || code >= 500 ? FETCH_RETRY
							 : FETCH_FAIL;
}

/* Full jitter (random(0, min(cap, base * 2^attempt))), but never sooner
 * than the server asked. */
static double
fetch_delay(const struct fetch *f, const struct fetch_req *q)
{
	double cap = f->o.cap_delay_ms / 1000.0;
	double exp = f->o.base_delay_ms / 1000.0 *
	    (double)(1u << (q->attempt < 20 ? q->attempt : 20));
	double d = (exp < cap ? exp : cap) * ((double)random() / RAND_MAX);

	if (q->retry_after > d)
		d = q->retry_after < FETCH_MAX_WAIT_S ? q->retry_after
						      : FETCH_MAX_WAIT_S;
	return d;
}

static void
fetch_done(struct fetch *f, struct fetch_req *q, CURLcode rc)
{
	enum fetch_verdict v;
	char msg[CURL_ERROR_SIZE + 512];
	long code = 0;

	curl_multi_remove_handle(f->multi, q->easy);
	q->added = 0;
	TAILQ_REMOVE(&f->active, q, link);
	f->nactive--;
	f->stats.bytes += q->blen;
	v = fetch_verdict(f, q, rc, msg, sizeof(msg));
	if (v == FETCH_RETRY && q->attempt < f->o.max_retries) {
		q->attempt++;
		f->stats.retries++;
		q->not_before = fetch_now() + fetch_delay(f, q);
		log_debug("%s; retry %d in %.2f s", msg, q->attempt,
		    q->not_before - fetch_now());
		TAILQ_INSERT_TAIL(&f->pending, q, link);
		return;
	}
	if (v == FETCH_OK)
		q->cb(q->arg, 0, q->buf, q->blen, NULL);
	else {
		curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &code);
		if (v == FETCH_RETRY)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
			    " (after %d attempts)", q->attempt + 1);
		q->cb(q->arg, code == 404 || code == 410 ? -ENOENT : -EIO, NULL,
		    0, msg);
	}
	fetch_req_free(q);
}

/* How long to sleep: until curl wants us, or a retry is due. */
static int
fetch_timeout_ms(struct fetch *f, double now)
{
	struct fetch_req *q;
	long curl_ms = -1;
	double next = now + 1.0;

	curl_multi_timeout(f->multi, &curl_ms);
	TAILQ_FOREACH (q, &f->pending, link)
		if (q->not_before < next)
			next = q->not_before;
	/* Full: only a transfer ending frees a slot, and curl wakes us. */
	if (f->nactive >= f->o.max_inflight)
		next = now + 1.0;
	if (next < now)
		next = now;
	if (curl_ms >= 0 && curl_ms < (next - now) * 1000)
		return (int)curl_ms;
	return (int)((next - now) * 1000) + 1;
}

static void
fetch_collect(struct fetch *f)
{
	struct fetch_req *q;
	CURLMsg *m;
	int left;

	while (!f->aborted && (m = curl_multi_info_read(f->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&q);
		fetch_done(f, q, m->data.result);
	}
}

int
fetch_run(struct fetch *f, char *err, size_t errlen)
{
	CURLMcode mc = CURLM_OK;
	int running;

	while (!f->aborted &&
	    (!TAILQ_EMPTY(&f->pending) || !TAILQ_EMPTY(&f->active))) {
		fetch_start_ready(f, fetch_now());
		if ((mc = curl_multi_perform(f->multi, &running)) != CURLM_OK)
			break;
		fetch_collect(f);
		if (f->aborted ||
		    (TAILQ_EMPTY(&f->pending) && TAILQ_EMPTY(&f->active)))
			break;
		mc = curl_multi_poll(f->multi, NULL, 0,
		    fetch_timeout_ms(f, fetch_now()), NULL);
		if (mc != CURLM_OK)
			break;
	}
	if (mc != CURLM_OK)
		snprintf(err, errlen, "libcurl: %s", curl_multi_strerror(mc));
	else if (f->aborted)
		snprintf(err, errlen, "stopped");
	if (mc != CURLM_OK || f->aborted) {
		fetch_drop_all(f);
		return -1;
	}
	return 0;
}
