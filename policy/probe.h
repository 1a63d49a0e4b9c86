/*
 * Device discovery from a Linux sysfs tree: the live /sys, or a captured
 * copy of one (tests/fixtures/sysfs-*).  Fills device descriptors
 * (device.h): USB devices with their interfaces, PCI functions, and
 * optical block devices that sit on no USB bus.
 */
#ifndef KURA_PROBE_H
#define KURA_PROBE_H

#include <stddef.h>

#include "device.h"

/* root is the directory holding "sys" ("/" for the live system).  On
 * success *devs_r is a malloc'd array of *n_r classified devices, sorted
 * by id.  Returns 0, or -1 with a message in err. */
int probe_sysfs(const char *root, struct device **devs_r, size_t *n_r,
    char *err, size_t errlen);

/* One USB device (not an interface) at its real sysfs directory dir
 * under root, as kurad sees it on a hot-plug event.  Returns 0 with *d
 * filled and classified, or -1 with a message in err. */
int probe_usb_one(const char *root, const char *dir, struct device *d,
    char *err, size_t errlen);

/* The block device NAME ("sr0") as kurad sees it on a hot-plug event:
 * 1 with *d filled if it is an optical drive on no USB bus, 0 if it is
 * none of kura's business, -1 with a message in err. */
int probe_block_one(const char *root, const char *name, struct device *d,
    char *err, size_t errlen);

#endif
