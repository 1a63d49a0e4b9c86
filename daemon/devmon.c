/* devmon.c: udev hot-plug and coldplug for kurad (see devmon.h). */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "devmon.h"
#include "log.h"

/* Events kurad must not miss while it is busy attaching a disk. */
#define DEVMON_RCVBUF (4 << 20)

static int
devmon_classify(struct udev_device *d, enum devmon_kind *kind)
{
	const char *ss = udev_device_get_subsystem(d),
		   *dt = udev_device_get_devtype(d);

	if (ss == NULL || dt == NULL)
		return -1;
	if (strcmp(ss, "usb") == 0 && strcmp(dt, "usb_device") == 0)
		*kind = DEVMON_USB;
	else if (strcmp(ss, "block") == 0 && strcmp(dt, "disk") == 0)
		*kind = DEVMON_DISK;
	else
		return -1;
	return 0;
}

static void
devmon_report(struct devmon *m, struct udev_device *d,
    enum devmon_action action)
{
	struct devmon_event ev = { .action = action };
	struct udev_device *usb;

	if (devmon_classify(d, &ev.kind) == -1)
		return;
	ev.syspath = udev_device_get_syspath(d);
	ev.sysname = udev_device_get_sysname(d);
	ev.usb_syspath = "";
	if (ev.kind == DEVMON_DISK) {
		/* Not referenced: it lives as long as d. */
		usb = udev_device_get_parent_with_subsystem_devtype(d, "usb",
		    "usb_device");
		if (usb != NULL)
			ev.usb_syspath = udev_device_get_syspath(usb);
	}
	m->cb(m->arg, &ev);
}

static int
devmon_action(const char *a, enum devmon_action *out)
{
	if (a == NULL)
		return -1;
	if (strcmp(a, "add") == 0)
		*out = DEVMON_ADD;
	else if (strcmp(a, "remove") == 0)
		*out = DEVMON_REMOVE;
	else if (strcmp(a, "change") == 0)
		*out = DEVMON_CHANGE;
	else
		return -1; /* bind, unbind, move, online, offline */
	return 0;
}

static void
devmon_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct devmon *m = arg;
	struct udev_device *d;
	enum devmon_action a;

	while ((d = udev_monitor_receive_device(m->mon)) != NULL) {
		if (devmon_action(udev_device_get_action(d), &a) == 0)
			devmon_report(m, d, a);
		udev_device_unref(d);
	}
}

int
devmon_open(struct devmon *m, struct event_base *base, devmon_cb cb, void *arg)
{
	const char *source;

	memset(m, 0, sizeof(*m));
	m->cb = cb;
	m->arg = arg;
	if ((m->udev = udev_new()) == NULL) {
		log_warnx("udev_new failed");
		return -1;
	}
	source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	m->mon = udev_monitor_new_from_netlink(m->udev, source);
	if (m->mon == NULL ||
	    udev_monitor_filter_add_match_subsystem_devtype(m->mon, "usb",
		"usb_device") < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(m->mon, "block",
		"disk") < 0 ||
	    udev_monitor_enable_receiving(m->mon) < 0) {
		log_warnx("cannot listen to %s uevents", source);
		return -1;
	}
	if (udev_monitor_set_receive_buffer_size(m->mon, DEVMON_RCVBUF) < 0)
		log_debug("cannot grow the uevent buffer");
	m->ev = event_new(base, udev_monitor_get_fd(m->mon),
	    EV_READ | EV_PERSIST, devmon_read_cb, m);
	if (m->ev == NULL || event_add(m->ev, NULL) == -1) {
		log_warnx("cannot watch the uevent socket");
		return -1;
	}
	log_info("listening to %s uevents", source);
	return 0;
}

/* Every device of one subsystem/devtype; sorted by syspath, so that a
 * hub comes before the devices behind it. */
static int
devmon_enumerate(struct devmon *m, const char *ss, const char *dt)
{
	struct udev_enumerate *e = udev_enumerate_new(m->udev);
	struct udev_list_entry *l;
	struct udev_device *d;
	int rc = -1;

	if (e == NULL || udev_enumerate_add_match_subsystem(e, ss) < 0 ||
	    udev_enumerate_scan_devices(e) < 0)
		goto out;
	udev_list_entry_foreach(l, udev_enumerate_get_list_entry(e))
	{
		d = udev_device_new_from_syspath(m->udev,
		    udev_list_entry_get_name(l));
		if (d == NULL)
			continue; /* gone since the scan */
		if (udev_device_get_devtype(d) != NULL &&
		    strcmp(udev_device_get_devtype(d), dt) == 0)
			devmon_report(m, d, DEVMON_ADD);
		udev_device_unref(d);
	}
	rc = 0;
out:
	if (e != NULL)
		udev_enumerate_unref(e);
	if (rc == -1)
		log_warnx("cannot enumerate %s devices", ss);
	return rc;
}

int
devmon_coldplug(struct devmon *m)
{
	if (devmon_enumerate(m, "usb", "usb_device") == -1 ||
	    devmon_enumerate(m, "block", "disk") == -1)
		return -1;
	return 0;
}

void
devmon_close(struct devmon *m)
{
	if (m->ev != NULL)
		event_free(m->ev);
	if (m->mon != NULL)
		udev_monitor_unref(m->mon);
	if (m->udev != NULL)
		udev_unref(m->udev);
	memset(m, 0, sizeof(*m));
}
