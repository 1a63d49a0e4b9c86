/* usbauth.c: the kernel's USB authorization switches (see usbauth.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "usbauth.h"

/* Writes value to the sysfs attribute path; returns 0 or -errno. */
static int
usbauth_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd == -1)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		rc = -errno;
	close(fd);
	return rc;
}

int
usbauth_lockdown_hub(const char *dir)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/authorized_default", dir);
	rc = usbauth_write(path, "0");
	if (rc != 0)
		log_warnx("%s: %s", path, strerror(-rc));
	return rc == 0 ? 0 : -1;
}

/* Root hubs are the "usbN" entries of bus/usb/devices. */
static int
usbauth_hubs(const char *root)
{
	char dir[PATH_MAX], hub[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/sys/bus/usb/devices", root);
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1; /* no USB: nothing to shut */
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "usb", 3) != 0)
			continue;
		snprintf(hub, sizeof(hub), "%s/%s", dir, e->d_name);
		if (usbauth_lockdown_hub(hub) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
usbauth_lockdown(const char *root)
{
	char path[PATH_MAX];
	int rc;

	/* First the default for buses to come, then the buses there are:
	 * no window in which a new bus authorizes by default. */
	snprintf(path, sizeof(path),
	    "%s/sys/module/usbcore/parameters/authorized_default", root);
	rc = usbauth_write(path, "0");
	if (rc == -ENOENT) {
		/* usbcore will come with its default, which authorizes. */
		log_warnx("usbcore is not loaded: load it before kurad, or set "
			  "\"options usbcore authorized_default=0\" in "
			  "/etc/modprobe.d");
		return 0;
	}
	if (rc != 0) {
		log_warnx("%s: %s", path, strerror(-rc));
		return -1;
	}
	return usbauth_hubs(root);
}

int
usbauth_set(const char *dir, int authorized)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "%s/authorized", dir);
	rc = usbauth_write(path, authorized ? "1" : "0");
	if (rc != 0) {
		log_warnx("%s = %d: %s", path, authorized, strerror(-rc));
		return -1;
	}
	return 0;
}

int
usbauth_get(const char *dir)
{
	char path[PATH_MAX], c = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/authorized", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '1' ? 1 : c == '0' ? 0 : -1;
}
