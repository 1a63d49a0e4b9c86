/* usbpass.c: USB devices for an HVM client VM (see usbpass.h). */
#include "config.h"

#include <stdio.h>

#include "log.h"
#include "usbpass.h"

static int
usbpass_read_int(const char *dir, const char *attr, int *out)
{
	char path[512];
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	rc = fscanf(fp, "%d", out) == 1 ? 0 : -1;
	fclose(fp);
	return rc;
}

int
usbpass_address(const char *syspath, int *bus, int *addr)
{
	if (usbpass_read_int(syspath, "busnum", bus) == -1 ||
	    usbpass_read_int(syspath, "devnum", addr) == -1 || *bus < 1 ||
	    *bus > 255 || *addr < 1 || *addr > 255)
		return -1;
	return 0;
}

/* The domain's usbdev for bus/addr, into *out (to dispose); 1 if found. */
static int
usbpass_find(libxl_ctx *ctx, uint32_t domid, int bus, int addr,
    libxl_device_usbdev *out)
{
	libxl_device_usbdev *l;
	int i, n = 0, found = 0;

	l = libxl_device_usbdev_list(ctx, domid, &n);
	for (i = 0; l != NULL && i < n && !found; i++) {
		if (l[i].type != LIBXL_USBDEV_TYPE_HOSTDEV ||
		    l[i].u.hostdev.hostbus != bus ||
		    l[i].u.hostdev.hostaddr != addr)
			continue;
		libxl_device_usbdev_copy(ctx, out, &l[i]);
		found = 1;
	}
	if (l != NULL)
		libxl_device_usbdev_list_free(l, n);
	return found;
}

/* One emulated controller per client VM, added on first need: version
 * 3, an xHCI, which takes devices of every speed (EHCI, version 2, takes
 * only high-speed ones, UHCI only full-speed).  "ports" stays unset:
 * libxl fixes it for each version and refuses any other number. */
static int
usbpass_controller(libxl_ctx *ctx, uint32_t domid)
{
	libxl_device_usbctrl *l, c;
	int n = 0, rc;

	l = libxl_device_usbctrl_list(ctx, domid, &n);
	if (l != NULL)
		libxl_device_usbctrl_list_free(l, n);
	if (n > 0)
		return 0;
	libxl_device_usbctrl_init(&c);
	c.type = LIBXL_USBCTRL_TYPE_DEVICEMODEL;
	c.version = 3;
	rc = libxl_device_usbctrl_add(ctx, domid, &c, NULL);
	libxl_device_usbctrl_dispose(&c);
	if (rc != 0)
		log_warnx("domain %u: cannot add a USB controller (libxl "
			  "error %d)",
		    domid, rc);
	return rc == 0 ? 0 : -1;
}

int
usbpass_add(libxl_ctx *ctx, uint32_t domid, int bus, int addr)
{
	libxl_device_usbdev u;
	int rc = -1;

	libxl_device_usbdev_init(&u);
	if (usbpass_find(ctx, domid, bus, addr, &u) == 1) {
		rc = 0;
		goto out;
	}
	if (usbpass_controller(ctx, domid) == -1)
		goto out;
	libxl_device_usbdev_init_type(&u, LIBXL_USBDEV_TYPE_HOSTDEV);
	u.ctrl = -1; /* libxl picks a free port */
	u.u.hostdev.hostbus = (uint8_t)bus;
	u.u.hostdev.hostaddr = (uint8_t)addr;
	rc = libxl_device_usbdev_add(ctx, domid, &u, NULL);
	if (rc != 0)
		log_warnx("USB %d.%d to domain %u: libxl error %d", bus, addr,
		    domid, rc);
out:
	libxl_device_usbdev_dispose(&u);
	return rc == 0 ? 0 : -1;
}

int
usbpass_remove(libxl_ctx *ctx, uint32_t domid, int bus, int addr)
{
	libxl_device_usbdev u;
	int rc = 0;

	libxl_device_usbdev_init(&u);
	if (usbpass_find(ctx, domid, bus, addr, &u) == 1 &&
	    (rc = libxl_device_usbdev_remove(ctx, domid, &u, NULL)) != 0)
		log_warnx("USB %d.%d of domain %u: detach failed (libxl "
			  "error %d)",
		    bus, addr, domid, rc);
	libxl_device_usbdev_dispose(&u);
	return rc == 0 ? 0 : -1;
}
