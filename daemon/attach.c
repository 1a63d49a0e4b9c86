/* attach.c: virtual block devices through libxl (see attach.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "log.h"
#include "xalloc.h"

int
attach_disk_add(libxl_ctx *ctx, uint32_t domid, const struct attach_disk *a)
{
	libxl_device_disk disk;
	int rc;

	libxl_device_disk_init(&disk);
	disk.pdev_path = xstrdup(a->pdev);
	disk.vdev = xstrdup(a->vdev);
	disk.backend = LIBXL_DISK_BACKEND_PHY;
	disk.format = LIBXL_DISK_FORMAT_RAW;
	disk.readwrite = !a->readonly && !a->cdrom;
	disk.is_cdrom = a->cdrom;
	disk.removable = 1;
	rc = libxl_device_disk_add(ctx, domid, &disk, NULL);
	libxl_device_disk_dispose(&disk);
	if (rc != 0) {
		log_warnx("%s as %s in domain %u: libxl error %d", a->pdev,
		    a->vdev, domid, rc);
		return -1;
	}
	return 0;
}

int
attach_disk_remove(libxl_ctx *ctx, uint32_t domid, const char *vdev, int force)
{
	libxl_device_disk disk;
	int rc;

	libxl_device_disk_init(&disk);
	rc = libxl_vdev_to_device_disk(ctx, domid, vdev, &disk);
	if (rc == 0)
		rc = force ? libxl_device_disk_destroy(ctx, domid, &disk, NULL)
			   : libxl_device_disk_remove(ctx, domid, &disk, NULL);
	libxl_device_disk_dispose(&disk);
	if (rc != 0) {
		log_warnx("%s of domain %u: detach failed (libxl error %d)",
		    vdev, domid, rc);
		return -1;
	}
	return 0;
}

int
attach_disk_find(libxl_ctx *ctx, uint32_t domid, const char *pdev, char *vdev,
    size_t len, int *readonly)
{
	libxl_device_disk *l;
	int i, n = 0, found = 0;

	l = libxl_device_disk_list(ctx, domid, &n);
	for (i = 0; l != NULL && i < n && !found; i++) {
		if (l[i].pdev_path == NULL || l[i].vdev == NULL ||
		    strcmp(l[i].pdev_path, pdev) != 0)
			continue;
		snprintf(vdev, len, "%s", l[i].vdev);
		*readonly = !l[i].readwrite;
		found = 1;
	}
	if (l != NULL)
		libxl_device_disk_list_free(l, n);
	return found;
}
