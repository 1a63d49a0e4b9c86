/*
 * usbdesc: a USB device's raw descriptors, as sysfs shows them in
 * .../descriptors (the device descriptor, then every configuration's
 * descriptors as the device sent them).  kurad reads them for devices it
 * has not authorized: the kernel has set no configuration, so there are
 * no interface directories to read, but the descriptors are there.
 *
 * The bytes come from the device: every length is checked, and a device
 * that lies gets an error, never a partial description.
 */
#ifndef KURA_USBDESC_H
#define KURA_USBDESC_H

#include <stddef.h>

#include "device.h"

/* Fills d->vid, d->pid, d->dev_class and d->ifaces / d->nifaces (the
 * interfaces of the first configuration, alternate setting 0, in
 * interface-number order) from len bytes at buf.  Returns 0, or -1 with a
 * message in err. */
int usbdesc_parse(const unsigned char *buf, size_t len, struct device *d,
    char *err, size_t errlen);

#endif
