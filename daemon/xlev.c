/*
 * xlev.c: libxl's file descriptors and timeouts on kurad's libevent loop
 * (libxl_osevent_register_hooks), so that libxl's asynchronous operations
 * and domain events are handled by the same loop as everything else.
 *
 * libxl owns SIGCHLD (libxl_sigchld_owner_libxl_always): kurad forks
 * nothing of its own, and libxl forks hotplug scripts and device models.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/time.h>

#include <event2/event.h>

#include "log.h"
#include "xalloc.h"
#include "xlev.h"

struct xlev_fd {
	struct xlev *x;
	struct event *ev;
	short events; /* poll(2) events libxl asked for */
	void *for_libxl;
};

struct xlev_timeout {
	struct xlev *x;
	struct event *ev;
	void *for_libxl;
};

static short
xlev_poll_to_ev(short events)
{
	short what = 0;

	if (events & (POLLIN | POLLPRI))
		what |= EV_READ;
	if (events & POLLOUT)
		what |= EV_WRITE;
	return what;
}

static void
xlev_fd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xlev_fd *f = arg;
	short revents = 0;

	if (what & EV_READ)
		revents |= f->events & (POLLIN | POLLPRI);
	if (what & EV_WRITE)
		revents |= POLLOUT;
	libxl_osevent_occurred_fd(f->x->ctx, f->for_libxl, (int)fd, f->events,
	    revents);
}

/* (Re)arms f's event for events; 0 events leaves it registered but idle. */
static int
xlev_fd_arm(struct xlev_fd *f, int fd, short events)
{
	if (f->ev != NULL)
		event_free(f->ev);
	f->events = events;
	f->ev = event_new(f->x->base, fd, EV_PERSIST | xlev_poll_to_ev(events),
	    xlev_fd_cb, f);
	if (f->ev == NULL)
		return ERROR_OSEVENT_REG_FAIL;
	if (events != 0 && event_add(f->ev, NULL) == -1)
		return ERROR_OSEVENT_REG_FAIL;
	return 0;
}

static int
xlev_fd_register(void *user, int fd, void **for_app, short events,
    void *for_libxl)
{
	struct xlev_fd *f = xcalloc(1, sizeof(*f));

	f->x = user;
	f->for_libxl = for_libxl;
	if (xlev_fd_arm(f, fd, events) != 0) {
		if (f->ev != NULL)
			event_free(f->ev);
		free(f);
		return ERROR_OSEVENT_REG_FAIL;
	}
	*for_app = f;
	return 0;
}

static int
xlev_fd_modify(void *user, int fd, void **for_app, short events)
{
	return xlev_fd_arm(*for_app, fd, events);
}

static void
xlev_fd_deregister(void *user, int fd, void *for_app)
{
	struct xlev_fd *f = for_app;

	event_free(f->ev);
	free(f);
}

static void
xlev_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xlev_timeout *t = arg;
	libxl_ctx *ctx = t->x->ctx;
	void *for_libxl = t->for_libxl;

	/* A timeout that occurs is deregistered by that very fact. */
	event_free(t->ev);
	free(t);
	libxl_osevent_occurred_timeout(ctx, for_libxl);
}

/* libxl gives absolute gettimeofday() times; libevent wants delays. */
static struct timeval
xlev_delay(struct timeval abs)
{
	struct timeval now, d = { 0, 0 };

	gettimeofday(&now, NULL);
	if (abs.tv_sec > now.tv_sec ||
	    (abs.tv_sec == now.tv_sec && abs.tv_usec > now.tv_usec))
		timersub(&abs, &now, &d);
	return d;
}

static int
xlev_timeout_register(void *user, void **for_app, struct timeval abs,
    void *for_libxl)
{
	struct xlev_timeout *t = xcalloc(1, sizeof(*t));
	struct timeval d = xlev_delay(abs);

	t->x = user;
	t->for_libxl = for_libxl;
	t->ev = evtimer_new(t->x->base, xlev_timeout_cb, t);
	if (t->ev == NULL || evtimer_add(t->ev, &d) == -1) {
		if (t->ev != NULL)
			event_free(t->ev);
		free(t);
		return ERROR_OSEVENT_REG_FAIL;
	}
	*for_app = t;
	return 0;
}

/* Only ever "now" (abs = {0,0}). */
static int
xlev_timeout_modify(void *user, void **for_app, struct timeval abs)
{
	struct xlev_timeout *t = *for_app;
	struct timeval now = { 0, 0 };

	return evtimer_add(t->ev, &now) == -1 ? ERROR_OSEVENT_REG_FAIL : 0;
}

static const libxl_osevent_hooks xlev_hooks = {
	.fd_register = xlev_fd_register,
	.fd_modify = xlev_fd_modify,
	.fd_deregister = xlev_fd_deregister,
	.timeout_register = xlev_timeout_register,
	.timeout_modify = xlev_timeout_modify,
};

static const libxl_childproc_hooks xlev_child_hooks = {
	.chldowner = libxl_sigchld_owner_libxl_always,
};

static void
xlev_disaster(void *user, libxl_event_type type, const char *msg, int errnoval)
{
	/* libxl cannot go on with this context; the state of the domains is
	 * in Xen, so a restarted kurad adopts them. */
	errno = errnoval;
	fatal("libxl disaster (event type %d): %s", (int)type, msg);
}

static void
xlev_event(void *user, libxl_event *ev)
{
	struct xlev *x = user;

	if (x->on_event != NULL)
		x->on_event(x->arg, ev);
	libxl_event_free(x->ctx, ev);
}

int
xlev_init(struct xlev *x, struct event_base *base, libxl_ctx *ctx,
    void (*on_event)(void *, const libxl_event *), void *arg)
{
	x->base = base;
	x->ctx = ctx;
	x->on_event = on_event;
	x->arg = arg;
	x->event_hooks.event_occurs_mask = ~(uint64_t)0;
	x->event_hooks.event_occurs = xlev_event;
	x->event_hooks.disaster = xlev_disaster;
	libxl_osevent_register_hooks(ctx, &xlev_hooks, x);
	libxl_childproc_setmode(ctx, &xlev_child_hooks, x);
	libxl_event_register_callbacks(ctx, &x->event_hooks, x);
	return 0;
}
