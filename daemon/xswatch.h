/*
 * xswatch: xenstore watches on kurad's libevent loop.  Each watch is a
 * path and a callback; the callback runs from the loop, never from
 * libxenstore's reader thread, with the path that changed (a watch also
 * fires once when it is set, so callers read their initial state there).
 */
#ifndef KURA_XSWATCH_H
#define KURA_XSWATCH_H

#include <stddef.h>

#include <event2/event.h>
#include <xenstore.h>

#define XSWATCH_MAX 16

typedef void (*xswatch_cb)(void *arg, const char *path);

struct xswatch_slot {
	char *path; /* NULL: free slot */
	xswatch_cb cb;
	void *arg;
};

struct xswatch {
	struct xs_handle *xs;
	struct event *ev;
	struct xswatch_slot slot[XSWATCH_MAX];
};

int xswatch_open(struct xswatch *w, struct event_base *base);
void xswatch_close(struct xswatch *w);
/* Returns the watch's id (≥ 0), or -1. */
int xswatch_add(struct xswatch *w, const char *path, xswatch_cb cb, void *arg);
void xswatch_del(struct xswatch *w, int id);
/* Reads path into buf (NUL-terminated) and returns its length; -ENOENT
 * when it does not exist, -E2BIG when it has max bytes or more (a guest
 * may have written it: nothing is trusted about it). */
int xswatch_read(struct xswatch *w, const char *path, char *buf, size_t max);

#endif
