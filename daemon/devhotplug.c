/*
 * devhotplug.c: what kurad does on a device's arrival or departure, and
 * on a medium change (devmon's events): a USB device is decided on and
 * authorized or not; its disk, or a built-in optical drive's medium,
 * goes to the client VM as the decision says; one already given to the
 * client VM before kurad (re)started is taken over.
 */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "devhotplug.h"
#include "devices.h"
#include "log.h"
#include "optical.h"
#include "probe.h"
#include "usbauth.h"
#include "xalloc.h"

static struct dev *
devhotplug_find(struct devices *ds, const char *syspath, const char *disk)
{
	struct dev *dv;

	TAILQ_FOREACH (dv, &ds->list, link) {
		if (syspath != NULL && strcmp(dv->syspath, syspath) == 0)
			return dv;
		if (disk != NULL && strcmp(dv->disk, disk) == 0)
			return dv;
	}
	return NULL;
}

/* The disk usb-storage made of the USB device at syspath, if any. */
static int
devhotplug_disk_of(const char *syspath, char *name, size_t len)
{
	size_t n = strlen(syspath);
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int rc = -1;

	if ((dir = opendir("/sys/block")) == NULL)
		return -1;
	while (rc == -1 && (e = readdir(dir)) != NULL) {
		snprintf(path, sizeof(path), "/sys/block/%s", e->d_name);
		if (e->d_name[0] != '.' && strlen(e->d_name) < len &&
		    realpath(path, real) != NULL &&
		    strncmp(real, syspath, n) == 0 && real[n] == '/') {
			memcpy(name, e->d_name, strlen(e->d_name) + 1);
			rc = 0;
		}
	}
	closedir(dir);
	return rc;
}

/* kurad restarted while the device's disk was the client VM's: take
 * the attachment over (the decision on it follows) rather than giving
 * the disk a second time. */
static void
devhotplug_adopt(struct devices *ds, struct dev *dv)
{
	const char *name = ds->sup->dom[CONF_CLIENT].name;
	char pdev[64], vdev[16];
	uint32_t domid;
	int ro;

	if (devhotplug_disk_of(dv->syspath, dv->disk, sizeof(dv->disk)) == -1 ||
	    libxl_name_to_domid(ds->ctx, name, &domid) != 0)
		return;
	snprintf(pdev, sizeof(pdev), "/dev/%s", dv->disk);
	if (attach_disk_find(ds->ctx, domid, pdev, vdev, sizeof(vdev), &ro) !=
	    1)
		return;
	snprintf(dv->vdev, sizeof(dv->vdev), "%s", vdev);
	dv->vdev_ro = ro;
	dv->domid = domid;
	dv->state = DEV_ATTACHED;
	log_info("%s: %s was already %s of %s: taken over", dv->d.id, pdev,
	    vdev, name);
	devices_audit(ds, dv, "adopt", NULL);
}

static void
devhotplug_usb_add(struct devices *ds, const struct devmon_event *ev)
{
	struct dev *dv;
	char err[256];

	if (strncmp(ev->sysname, "usb", 3) == 0) {
		usbauth_lockdown_hub(ev->syspath); /* a new bus */
		return;
	}
	if (devhotplug_find(ds, ev->syspath, NULL) != NULL)
		return; /* coldplug and a uevent both reported it */
	dv = xcalloc(1, sizeof(*dv));
	snprintf(dv->syspath, sizeof(dv->syspath), "%s", ev->syspath);
	if (probe_usb_one("/", ev->syspath, &dv->d, err, sizeof(err)) == -1) {
		/* Unreadable is denied: never guess about a device. */
		log_warnx("%s: %s", ev->sysname, err);
		snprintf(dv->d.id, sizeof(dv->d.id), "usb:%s", ev->sysname);
		usbauth_set(ev->syspath, 0);
		free(dv);
		return;
	}
	devices_decide(ds, dv);
	TAILQ_INSERT_TAIL(&ds->list, dv, link);
	devhotplug_adopt(ds, dv);
	if (devices_must_detach(dv))
		devices_detach(ds, dv, 0, "no longer allowed as it is");
	devices_apply(ds, dv);
	devices_log_decision(dv);
	devices_audit(ds, dv, "plug", NULL);
	devices_attach(ds, dv); /* a whole device; a disk waits for its own */
}

static void
devhotplug_forget(struct devices *ds, struct dev *dv)
{
	TAILQ_REMOVE(&ds->list, dv, link);
	log_info("%s: unplugged", dv->d.id);
	devices_audit(ds, dv, "unplug", NULL);
	free(dv);
}

static void
devhotplug_usb_remove(struct devices *ds, const struct devmon_event *ev)
{
	struct dev *dv = devhotplug_find(ds, ev->syspath, NULL);

	if (dv == NULL)
		return;
	devices_detach(ds, dv, 1, "unplugged");
	devhotplug_forget(ds, dv);
}

/* A drive on no USB bus (SATA, IDE): a device of its own, decided on
 * as soon as its disk appears.  Anything else there is dom0's. */
static void
devhotplug_block_add(struct devices *ds, const struct devmon_event *ev)
{
	struct dev *dv = xcalloc(1, sizeof(*dv));
	char err[256];
	int rc;

	rc = probe_block_one("/", ev->sysname, &dv->d, err, sizeof(err));
	if (rc != 1) {
		if (rc == -1)
			log_warnx("%s: %s", ev->sysname, err);
		free(dv);
		return;
	}
	snprintf(dv->syspath, sizeof(dv->syspath), "%s", ev->syspath);
	snprintf(dv->disk, sizeof(dv->disk), "%s", ev->sysname);
	optical_watch(dv->disk);
	devices_decide(ds, dv);
	TAILQ_INSERT_TAIL(&ds->list, dv, link);
	devices_apply(ds, dv);
	devices_log_decision(dv);
	devices_audit(ds, dv, "plug", NULL);
	devices_attach(ds, dv);
}

/* A medium came or went: the client VM's CD-ROM follows. */
void
devhotplug_medium(struct devices *ds, struct dev *dv)
{
	int has = optical_has_medium(dv->disk);

	log_debug("%s: %s, %s", dv->d.id, dv->disk,
	    has ? "a medium" : "no medium");
	if (dv->state == DEV_ATTACHED && !has)
		devices_detach(ds, dv, 1, "medium ejected");
	else if (dv->state == DEV_WAITING && has)
		devices_attach(ds, dv);
}

static void
devhotplug_disk(struct devices *ds, const struct devmon_event *ev)
{
	struct dev *dv = devhotplug_find(ds, NULL, ev->sysname);

	if (ev->action == DEVMON_CHANGE) {
		if (dv != NULL && dv->d.optical)
			devhotplug_medium(ds, dv);
	} else if (ev->action == DEVMON_REMOVE) {
		if (dv == NULL)
			return;
		devices_detach(ds, dv, 1, "its disk is gone");
		dv->disk[0] = '\0';
		if (dv->d.bus == DEVICE_BUS_BLOCK)
			devhotplug_forget(ds, dv);
	} else if (ev->usb_syspath[0] == '\0') {
		if (dv == NULL)
			devhotplug_block_add(ds, ev);
	} else if ((dv = devhotplug_find(ds, ev->usb_syspath, NULL)) != NULL) {
		snprintf(dv->disk, sizeof(dv->disk), "%s", ev->sysname);
		if (dv->d.optical)
			optical_watch(dv->disk);
		devices_attach(ds, dv);
	}
}

void
devhotplug_event(void *arg, const struct devmon_event *ev)
{
	struct devices *ds = arg;

	if (ev->kind == DEVMON_DISK)
		devhotplug_disk(ds, ev);
	else if (ev->action == DEVMON_ADD)
		devhotplug_usb_add(ds, ev);
	else if (ev->action == DEVMON_REMOVE)
		devhotplug_usb_remove(ds, ev);
}
