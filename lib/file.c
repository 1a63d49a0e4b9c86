/* file.c: atomic file replacement (see file.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

int
file_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
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
int
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

int
file_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, p, len, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -errno;
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A short read is an error here: callers ask for bytes that must exist. */
int
file_pread_all(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = pread(fd, p, len, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -errno;
		if (n == 0)
			return -ENODATA;
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_read_all(const char *path, size_t max, unsigned char **buf, size_t *len)
{
	struct stat st;
	unsigned char *b = NULL;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (fstat(fd, &st) == -1) {
		rc = -errno;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		rc = -EFBIG;
		goto out;
	}
	b = xmalloc((size_t)st.st_size + 1);
	if ((rc = file_pread_all(fd, b, (size_t)st.st_size, 0)) != 0)
		goto out;
	*buf = b;
	*len = (size_t)st.st_size;
	b = NULL;
out:
	close(fd);
	free(b);
	return rc;
}
