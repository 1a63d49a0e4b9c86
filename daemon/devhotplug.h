/*
 * devhotplug: kurad's answer to device hot-plug (see devhotplug.c).
 */
#ifndef KURA_DEVHOTPLUG_H
#define KURA_DEVHOTPLUG_H

#include "devmon.h"

/* devmon's callback; arg is the struct devices. */
void devhotplug_event(void *arg, const struct devmon_event *ev);

#endif
