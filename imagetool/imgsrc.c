/* imgsrc.c: temporary raw-only reader. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "imgsrc.h"
#include "xalloc.h"

struct imgsrc {
	int fd;
	uint64_t size;
	char *path;
};

int
imgsrc_open(const char *path, const char *format, struct imgsrc **r, char *err,
    size_t errlen)
{
	struct stat st;
	struct imgsrc *s;
	int fd;

	(void)format;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	s->size = (uint64_t)st.st_size;
	s->path = xstrdup(path);
	*r = s;
	return 0;
}

uint64_t
imgsrc_size(const struct imgsrc *s)
{
	return s->size;
}

const char *
imgsrc_format(const struct imgsrc *s)
{
	(void)s;
	return "raw";
}

int
imgsrc_pread(struct imgsrc *s, void *buf, size_t len, uint64_t off, char *err,
    size_t errlen)
{
	int e = file_pread_all(s->fd, buf, len, (off_t)off);

	if (e != 0)
		snprintf(err, errlen, "%s: %s", s->path, strerror(-e));
	return e ? -1 : 0;
}

int
imgsrc_extent(struct imgsrc *s, uint64_t off, uint64_t *len_r, int *zero_r,
    char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	*len_r = s->size - off;
	*zero_r = 0;
	return 0;
}

void
imgsrc_close(struct imgsrc *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s->path);
	free(s);
}
