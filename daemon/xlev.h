/* xlev: libxl on kurad's libevent loop (see xlev.c). */
#ifndef KURA_XLEV_H
#define KURA_XLEV_H

#include <event2/event.h>

#include "vm.h"

struct xlev {
	struct event_base *base;
	libxl_ctx *ctx;
	libxl_event_hooks event_hooks; /* must outlive ctx: lives here */
	/* Domain events (DOMAIN_SHUTDOWN, DOMAIN_DEATH, ...); the event is
	 * freed after the call. */
	void (*on_event)(void *arg, const libxl_event *ev);
	void *arg;
};

/* Hooks libxl into base; x must outlive ctx. */
int xlev_init(struct xlev *x, struct event_base *base, libxl_ctx *ctx,
    void (*on_event)(void *, const libxl_event *), void *arg);

#endif
