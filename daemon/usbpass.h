/*
 * usbpass: a whole USB device for an HVM client VM, as `xl usbdev-attach`
 * gives it: the client's device model (QEMU, in dom0) emulates a USB
 * controller (type devicemodel, version 3: xHCI) and reads the device from
 * dom0 through usbfs.  A PV client cannot have it: Debian's kernel has no
 * PV USB frontend.
 */
#ifndef KURA_USBPASS_H
#define KURA_USBPASS_H

#include <stdint.h>

#include "vm.h"

/* The bus and address of the USB device at sysfs directory syspath. */
int usbpass_address(const char *syspath, int *bus, int *addr);
/* Gives it to domid (adding the controller first if need be); a device
 * the domain already has counts as given.  0 or -1, logged. */
int usbpass_add(libxl_ctx *ctx, uint32_t domid, int bus, int addr);
/* Takes it back; 0 if the domain does not have it. */
int usbpass_remove(libxl_ctx *ctx, uint32_t domid, int bus, int addr);

#endif
