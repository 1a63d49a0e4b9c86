/* libFuzzer target: qcow2 images (imagetool/qcow2.c), which admins get
 * from wherever their master images come from.  The input is the file;
 * a few ranges of the disk it describes are read. */
#define _GNU_SOURCE
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "imgsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char buf[1 << 20];
	struct imgsrc *s = NULL;
	char path[64], err[512];
	uint64_t len, off;
	int fd, zero, i;

	if ((fd = memfd_create("qcow2", 0)) == -1 ||
	    write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (imgsrc_open(path, "qcow2", &s, err, sizeof(err)) == 0) {
		for (i = 0, off = 0; i < 8 && off < imgsrc_size(s); i++) {
			if (imgsrc_extent(s, off, &len, &zero, err,
				sizeof(err)) == -1 ||
			    len == 0)
				break;
			if (len > sizeof(buf))
				len = sizeof(buf);
			if (imgsrc_pread(s, buf, len, off, err, sizeof(err)) ==
			    -1)
				break;
			off += len;
		}
		imgsrc_close(s);
	}
	close(fd);
	return 0;
}
