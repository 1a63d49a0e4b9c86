/* objget.c: store reads for assemble (see objget.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch.h"
#include "file.h"
#include "objget.h"
#include "store.h"
#include "xalloc.h"

struct objget_req {
	STAILQ_ENTRY(objget_req) link;
	char *rel;
	uint64_t off, len;
	size_t max;
	objget_fn cb;
	void *arg;
};

struct objget {
	struct fetch *f; /* a remote store, or NULL */
	struct store st;
	STAILQ_HEAD(, objget_req) q;
	struct objget_stats stats;
	int aborted;
};

int
objget_open(const char *store, const struct fetch_opts *fo, struct objget **r,
    char *err, size_t errlen)
{
	struct objget *g = xcalloc(1, sizeof(*g));

	STAILQ_INIT(&g->q);
	g->st.dirfd = -1;
	if (fetch_is_url(store)) {
		if (fetch_open(store, fo, &g->f, err, errlen) == -1) {
			free(g);
			return -1;
		}
		*r = g;
		return 0;
	}
	if (store_open(store, 0, &g->st, err, errlen) == -1) {
		free(g);
		return -1;
	}
	*r = g;
	return 0;
}

static void
objget_drop(struct objget *g)
{
	struct objget_req *q;

	while ((q = STAILQ_FIRST(&g->q)) != NULL) {
		STAILQ_REMOVE_HEAD(&g->q, link);
		free(q->rel);
		free(q);
	}
}

void
objget_close(struct objget *g)
{
	if (g == NULL)
		return;
	objget_drop(g);
	fetch_close(g->f);
	if (g->f == NULL)
		store_close(&g->st);
	free(g);
}

int
objget_is_remote(const struct objget *g)
{
	return g->f != NULL;
}

void
objget_queue(struct objget *g, const char *rel, uint64_t off, uint64_t len,
    size_t max, objget_fn cb, void *arg)
{
	struct objget_req *q;

	if (g->f != NULL) {
		fetch_queue(g->f, rel, off, len, max, cb, arg);
		return;
	}
	q = xcalloc(1, sizeof(*q));
	*q = (struct objget_req){ .rel = xstrdup(rel),
		.off = off,
		.len = len,
		.max = max,
		.cb = cb,
		.arg = arg };
	STAILQ_INSERT_TAIL(&g->q, q, link);
}

/* The local store: one read per request. */
static int
objget_local(struct objget *g, struct objget_req *q, unsigned char **buf,
    size_t *len)
{
	struct stat sb;
	int fd, rc;

	if ((fd = openat(g->st.dirfd, q->rel, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (q->len == 0) {
		rc = fstat(fd, &sb) == -1 ? -errno : 0;
		if (rc == 0 && (uint64_t)sb.st_size > q->max)
			rc = -EFBIG;
		q->len = rc == 0 ? (uint64_t)sb.st_size : 0;
	} else
		rc = 0;
	if (rc == 0) {
		*buf = xmalloc(q->len + 1);
		*len = q->len;
		rc = file_pread_all(fd, *buf, q->len, (off_t)q->off);
	}
	close(fd);
	return rc;
}

int
objget_run(struct objget *g, char *err, size_t errlen)
{
	struct objget_req *q;
	unsigned char *buf;
	size_t len;
	int rc;

	if (g->f != NULL)
		return fetch_run(g->f, err, errlen);
	while (!g->aborted && (q = STAILQ_FIRST(&g->q)) != NULL) {
		STAILQ_REMOVE_HEAD(&g->q, link);
		buf = NULL;
		len = 0;
		rc = objget_local(g, q, &buf, &len);
		g->stats.requests++;
		g->stats.bytes += rc == 0 ? len : 0;
		q->cb(q->arg, rc, buf, len, rc ? strerror(-rc) : NULL);
		free(buf);
		free(q->rel);
		free(q);
	}
	objget_drop(g);
	if (g->aborted) {
		snprintf(err, errlen, "stopped");
		return -1;
	}
	return 0;
}

void
objget_abort(struct objget *g)
{
	g->aborted = 1;
	if (g->f != NULL)
		fetch_abort(g->f);
}

void
objget_get_stats(const struct objget *g, struct objget_stats *st)
{
	struct fetch_stats fs;

	*st = g->stats;
	if (g->f != NULL) {
		fetch_get_stats(g->f, &fs);
		st->requests += fs.requests;
		st->bytes += fs.bytes;
	}
}

int
objget_local_dir(const struct objget *g)
{
	return g->st.dirfd;
}

void
objget_count(struct objget *g, uint64_t requests, uint64_t bytes)
{
	g->stats.requests += requests;
	g->stats.bytes += bytes;
}
