/*
 * devmon: device hot-plug for kurad, from the kernel through libudev's
 * netlink monitor on kurad's loop, and coldplug of what is present at
 * start.  Only what kurad decides on is passed on: USB devices (not their
 * interfaces) and whole block disks.
 *
 * Debian's dom0 kernel has no uevent helper, and the lab's dom0 runs no
 * udevd: with no udevd (no /run/udev/control) kurad listens to the
 * kernel's own uevents; with one, to udevd's, which come after its rules.
 */
#ifndef KURA_DEVMON_H
#define KURA_DEVMON_H

#include <event2/event.h>
#include <libudev.h>

enum devmon_action {
	DEVMON_ADD = 0,
	DEVMON_REMOVE,
	DEVMON_CHANGE, /* media change on a removable disk (a CD) */
};

enum devmon_kind {
	DEVMON_USB = 0, /* subsystem usb, devtype usb_device */
	DEVMON_DISK,    /* subsystem block, devtype disk */
};

struct devmon_event {
	enum devmon_action action;
	enum devmon_kind kind;
	const char *syspath; /* /sys/devices/... */
	const char *sysname; /* "1-1", "sdb" */
	/* DEVMON_DISK: the USB device it sits on ("" if none, and on
	 * remove, when sysfs is gone). */
	const char *usb_syspath;
};

typedef void (*devmon_cb)(void *arg, const struct devmon_event *ev);

struct devmon {
	struct udev *udev;
	struct udev_monitor *mon;
	struct event *ev;
	devmon_cb cb;
	void *arg;
};

int devmon_open(struct devmon *m, struct event_base *base, devmon_cb cb,
    void *arg);
/* Reports every USB device, then every disk, present now as DEVMON_ADD,
 * parents before children. */
int devmon_coldplug(struct devmon *m);
void devmon_close(struct devmon *m);

#endif
