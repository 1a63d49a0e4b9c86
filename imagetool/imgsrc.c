/* imgsrc.c: disk image input, raw here and qcow2 in qcow2.c (see
 * imgsrc.h). */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#include "file.h"
#include "imgsrc.h"
#include "qcow2.h"
#include "xalloc.h"

/* Backing chains longer than this are refused: a loop, or an attack. */
#define IMGSRC_MAX_DEPTH 16

struct imgsrc {
	int fd;
	char *path;
	uint64_t size;
	struct qcow2 *q; /* NULL: raw */
};

static int
imgsrc_is_qcow2(int fd)
{
	uint32_t magic;

	return file_pread_all(fd, &magic, sizeof(magic), 0) == 0 &&
	    be32toh(magic) == QCOW2_MAGIC;
}

/* A disk is a regular file or a block device: a pipe or a terminal has
 * no size and cannot be read twice. */
static int
imgsrc_check_type(struct imgsrc *s, char *err, size_t errlen)
{
	struct stat sb;

	if (fstat(s->fd, &sb) == -1 || fcntl(s->fd, F_SETFL, 0) == -1) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode)) {
		snprintf(err, errlen,
		    "%s: not a regular file or a block device", s->path);
		return -1;
	}
	return 0;
}

static int
imgsrc_raw_size(struct imgsrc *s, char *err, size_t errlen)
{
	struct stat sb;

	if (fstat(s->fd, &sb) == -1 ||
	    (S_ISBLK(sb.st_mode) &&
		ioctl(s->fd, BLKGETSIZE64, &s->size) == -1)) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	if (!S_ISBLK(sb.st_mode))
		s->size = (uint64_t)sb.st_size;
	return 0;
}

int
imgsrc_open_depth(const char *path, const char *format, int depth,
    struct imgsrc **r, char *err, size_t errlen)
{
	struct imgsrc *s = xcalloc(1, sizeof(*s));
	int qcow, rc = -1;

	s->fd = -1;
	s->path = xstrdup(path);
	if (depth > IMGSRC_MAX_DEPTH) {
		snprintf(err, errlen, "%s: more than %d backing files", path,
		    IMGSRC_MAX_DEPTH);
		goto out;
	}
	/* O_NONBLOCK: a FIFO given as an image (or named as a backing
	 * file) must not hang the open; it is refused just after. */
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (imgsrc_check_type(s, err, errlen) == -1)
		goto out;
	qcow = imgsrc_is_qcow2(s->fd);
	if (format != NULL && strcmp(format, "auto") != 0) {
		if (strcmp(format, "raw") != 0 &&
		    strcmp(format, "qcow2") != 0) {
			snprintf(err, errlen,
			    "%s: format \"%s\": expected raw "
			    "or qcow2",
			    path, format);
			goto out;
		}
		qcow = strcmp(format, "qcow2") == 0;
	}
	rc = qcow ? qcow2_open(s->fd, path, depth, &s->q, err, errlen)
		  : imgsrc_raw_size(s, err, errlen);
	if (rc == 0 && s->q != NULL)
		s->size = qcow2_size(s->q);
out:
	if (rc == 0)
		*r = s;
	else
		imgsrc_close(s);
	return rc;
}

int
imgsrc_open(const char *path, const char *format, struct imgsrc **r, char *err,
    size_t errlen)
{
	return imgsrc_open_depth(path, format, 0, r, err, errlen);
}

uint64_t
imgsrc_size(const struct imgsrc *s)
{
	return s->size;
}

const char *
imgsrc_format(const struct imgsrc *s)
{
	return s->q != NULL ? "qcow2" : "raw";
}

int
imgsrc_pread(struct imgsrc *s, void *buf, size_t len, uint64_t off, char *err,
    size_t errlen)
{
	int e;

	if (off > s->size || len > s->size - off) {
		snprintf(err, errlen, "%s: read beyond the end of the disk",
		    s->path);
		return -1;
	}
	if (s->q != NULL)
		return qcow2_pread(s->q, buf, len, off, err, errlen);
	if ((e = file_pread_all(s->fd, buf, len, (off_t)off)) != 0) {
		snprintf(err, errlen, "%s: at %llu: %s", s->path,
		    (unsigned long long)off, strerror(-e));
		return -1;
	}
	return 0;
}

/* Holes of a sparse raw file read as zeros without being read. */
static void
imgsrc_raw_extent(struct imgsrc *s, uint64_t off, uint64_t *len_r, int *zero_r)
{
	off_t data = lseek(s->fd, (off_t)off, SEEK_DATA), hole;

	if (data == -1 && errno == ENXIO) { /* only a hole to the end */
		*zero_r = 1;
		*len_r = s->size - off;
		return;
	}
	if (data == -1) { /* no SEEK_DATA here: all may be data */
		*zero_r = 0;
		*len_r = s->size - off;
		return;
	}
	if ((uint64_t)data > off) {
		*zero_r = 1;
		*len_r = (uint64_t)data - off;
		return;
	}
	hole = lseek(s->fd, (off_t)off, SEEK_HOLE);
	*zero_r = 0;
	*len_r = hole > (off_t)off ? (uint64_t)hole - off : s->size - off;
}

int
imgsrc_extent(struct imgsrc *s, uint64_t off, uint64_t *len_r, int *zero_r,
    char *err, size_t errlen)
{
	if (s->q != NULL)
		return qcow2_extent(s->q, off, len_r, zero_r, err, errlen);
	imgsrc_raw_extent(s, off, len_r, zero_r);
	if (*len_r > s->size - off)
		*len_r = s->size - off;
	return 0;
}

void
imgsrc_close(struct imgsrc *s)
{
	if (s == NULL)
		return;
	qcow2_close(s->q);
	if (s->fd != -1)
		close(s->fd);
	free(s->path);
	free(s);
}
