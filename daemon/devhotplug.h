/*
 * devhotplug: kurad's answer to device hot-plug (see devhotplug.c).
 */
#ifndef KURA_DEVHOTPLUG_H
#define KURA_DEVHOTPLUG_H

#include "devmon.h"

struct devices;
struct dev;

/* devmon's callback; arg is the struct devices. */
void devhotplug_event(void *arg, const struct devmon_event *ev);
/* The client VM's CD-ROM follows the drive's medium: taken away when it
 * is gone, given when one is in. */
void devhotplug_medium(struct devices *ds, struct dev *dv);

#endif
