/*
 * xswatch.c: xenstore watches for kurad, on the same loop as libxl.
 *
 * libxenstore delivers watch events through a pipe (xs_fileno) that its
 * reader thread fills; the loop drains it with xs_check_watch.  The token
 * of a watch is its slot number, so a late event for a removed watch (the
 * pipe may still hold it) finds an empty slot or a newer path and is
 * dropped by the path check.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"
#include "xswatch.h"

static void
xswatch_dispatch(struct xswatch *w, const char *path, const char *token)
{
	struct xswatch_slot *s;
	char *end;
	size_t n;
	long id;

	id = strtol(token, &end, 10);
	if (*end != '\0' || id < 0 || id >= XSWATCH_MAX)
		return;
	s = &w->slot[id];
	if (s->path == NULL)
		return;
	/* A watch fires for its path and everything below it. */
	n = strlen(s->path);
	if (strncmp(path, s->path, n) != 0 ||
	    (path[n] != '\0' && path[n] != '/'))
		return;
	s->cb(s->arg, path);
}

static void
xswatch_cb_fd(evutil_socket_t fd, short what, void *arg)
{
	struct xswatch *w = arg;
	char **v;

	while ((v = xs_check_watch(w->xs)) != NULL) {
		xswatch_dispatch(w, v[XS_WATCH_PATH], v[XS_WATCH_TOKEN]);
		free(v);
	}
	if (errno != EAGAIN)
		log_warn("xs_check_watch");
}

int
xswatch_open(struct xswatch *w, struct event_base *base)
{
	memset(w, 0, sizeof(*w));
	w->xs = xs_open(0);
	if (w->xs == NULL) {
		log_warn("cannot open xenstore");
		return -1;
	}
	w->ev = event_new(base, xs_fileno(w->xs), EV_READ | EV_PERSIST,
	    xswatch_cb_fd, w);
	if (w->ev == NULL || event_add(w->ev, NULL) == -1) {
		log_warnx("cannot watch the xenstore fd");
		xswatch_close(w);
		return -1;
	}
	return 0;
}

void
xswatch_close(struct xswatch *w)
{
	int i;

	for (i = 0; i < XSWATCH_MAX; i++)
		xswatch_del(w, i);
	if (w->ev != NULL)
		event_free(w->ev);
	if (w->xs != NULL)
		xs_close(w->xs);
	memset(w, 0, sizeof(*w));
}

int
xswatch_add(struct xswatch *w, const char *path, xswatch_cb cb, void *arg)
{
	char token[16];
	int i;

	for (i = 0; i < XSWATCH_MAX && w->slot[i].path != NULL; i++)
		;
	if (i == XSWATCH_MAX) {
		log_warnx("more than %d xenstore watches", XSWATCH_MAX);
		return -1;
	}
	snprintf(token, sizeof(token), "%d", i);
	if (!xs_watch(w->xs, path, token)) {
		log_warn("cannot watch %s", path);
		return -1;
	}
	w->slot[i] = (struct xswatch_slot){ xstrdup(path), cb, arg };
	return i;
}

void
xswatch_del(struct xswatch *w, int id)
{
	char token[16];
	struct xswatch_slot *s;

	if (id < 0 || id >= XSWATCH_MAX || w->slot[id].path == NULL)
		return;
	s = &w->slot[id];
	snprintf(token, sizeof(token), "%d", id);
	if (!xs_unwatch(w->xs, s->path, token))
		log_debug("xs_unwatch %s: %s", s->path, strerror(errno));
	free(s->path);
	s->path = NULL;
}

int
xswatch_read(struct xswatch *w, const char *path, char *buf, size_t max)
{
	unsigned int len;
	char *v;

	v = xs_read(w->xs, XBT_NULL, path, &len);
	if (v == NULL)
		return -ENOENT;
	if (len >= max) {
		free(v);
		return -E2BIG;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	free(v);
	return (int)len;
}
