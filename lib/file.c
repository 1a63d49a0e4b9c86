/* file.c: atomic file replacement (see file.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

static int
file_write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The rename is durable only once the directory is on disk too. */
static int
file_sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd, rc = 0;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1)
		rc = -errno;
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

int
file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = NULL;
	int fd = -1, rc;

	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1) {
		rc = -errno;
		goto out;
	}
	if ((rc = file_write_all(fd, data, len)) != 0)
		goto out;
	if (fsync(fd) == -1 || close(fd) == -1) {
		rc = -errno;
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		rc = -errno;
		goto out;
	}
	rc = file_sync_dir(path);
out:
	if (fd != -1)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
