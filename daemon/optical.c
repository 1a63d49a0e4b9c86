/* optical.c: media of removable drives (see optical.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/cdrom.h>

#include "log.h"
#include "optical.h"

static int
optical_read(const char *disk, const char *attr, char *buf, size_t len)
{
	char path[256];
	FILE *fp;
	int rc = -1;

	snprintf(path, sizeof(path), "/sys/block/%s/%s", disk, attr);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, (int)len, fp) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		rc = 0;
	}
	fclose(fp);
	return rc;
}

/* A drive's own answer: sysfs's size of a drive is only updated once
 * something opens it after a change, and nothing may have. */
static int
optical_drive_status(const char *disk)
{
	char path[128];
	int fd, st;

	snprintf(path, sizeof(path), "/dev/%s", disk);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return -1;
	st = ioctl(fd, CDROM_DRIVE_STATUS, CDSL_CURRENT);
	close(fd);
	return st;
}

int
optical_has_medium(const char *disk)
{
	char buf[32];
	int st = optical_drive_status(disk);

	if (st >= 0)
		return st == CDS_DISC_OK;
	if (strncmp(disk, "sr", 2) == 0) {
		log_warn("%s: drive status", disk);
		return 0;
	}
	/* Not a CD drive (a stick's disk): present is present. */
	return optical_read(disk, "size", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "0") != 0;
}

void
optical_watch(const char *disk)
{
	char path[256], buf[64];
	FILE *fp;

	if (optical_read(disk, "events", buf, sizeof(buf)) == -1 ||
	    strstr(buf, "media_change") == NULL)
		return;
	snprintf(path, sizeof(path), "/sys/block/%s/events_poll_msecs", disk);
	if ((fp = fopen(path, "w")) == NULL) {
		log_warn("%s: cannot have the kernel poll for media", disk);
		return;
	}
	fprintf(fp, "%d\n", OPTICAL_POLL_MS);
	if (fclose(fp) != 0) {
		log_warn("%s: cannot have the kernel poll for media", disk);
		return;
	}
	log_debug("%s: polled for media every %d ms", disk, OPTICAL_POLL_MS);
}
