/*
 * attach: giving a dom0 block device to a domain as a Xen virtual block
 * device (blkback in dom0, blkfront in the guest), and taking it back.
 * Read-only is the backend's "mode=r": the guest cannot write whatever it
 * does.  Each call runs libxl to completion (a second or two, mostly the
 * block hotplug script).
 */
#ifndef KURA_ATTACH_H
#define KURA_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

struct attach_disk {
	const char *pdev; /* /dev/sdb */
	const char *vdev; /* xvdi */
	int readonly;
	int cdrom; /* devtype=cdrom: a removable, read-only CD-ROM */
};

int attach_disk_add(libxl_ctx *ctx, uint32_t domid,
    const struct attach_disk *a);
/* A clean detach (the guest lets go), or at once with force. */
int attach_disk_remove(libxl_ctx *ctx, uint32_t domid, const char *vdev,
    int force);
/* 1 if domid already has pdev as a virtual disk (its name in vdev, its
 * mode in *readonly), else 0. */
int attach_disk_find(libxl_ctx *ctx, uint32_t domid, const char *pdev,
    char *vdev, size_t len, int *readonly);

#endif
