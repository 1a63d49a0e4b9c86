/* audit.c: the append-only, fsynced JSON-lines audit log. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"
#include "xalloc.h"

/* mkdir -p of path's directory, mode 0700 for what is created. */
static void
audit_mkdirs(const char *path)
{
	char *dir = xstrdup(path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			break;
		*p = '/';
	}
	free(dir);
}

int
audit_open(struct audit *a, const char *path)
{
	a->path = xstrdup(path);
	audit_mkdirs(path);
	a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (a->fd == -1) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

static void
audit_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

int
audit_write(struct audit *a, const char *event, json_t *fields)
{
	json_t *j = fields ? fields : json_object();
	char when[40], *line = NULL, *out = NULL;
	size_t len;
	int rc = -1;

	audit_time(when, sizeof(when));
	json_object_set_new(j, "time", json_string(when));
	json_object_set_new(j, "event", json_string(event));
	line = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (line == NULL || a->fd == -1)
		goto out;
	len = (size_t)xasprintf(&out, "%s\n", line);
	if (write(a->fd, out, len) != (ssize_t)len || fsync(a->fd) == -1) {
		log_warn("audit %s", a->path);
		goto out;
	}
	rc = 0;
out:
	free(out);
	free(line);
	json_decref(j);
	return rc;
}

void
audit_close(struct audit *a)
{
	if (a->fd != -1)
		close(a->fd);
	a->fd = -1;
	free(a->path);
	a->path = NULL;
}
