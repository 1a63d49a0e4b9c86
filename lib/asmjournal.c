/* asmjournal.c: assemble's progress journal (see asmjournal.h). */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asmjournal.h"
#include "file.h"
#include "xalloc.h"

static size_t
asmjournal_bytes(uint64_t n)
{
	return (size_t)((n + 7) / 8);
}

/* A journal for this image, or nothing. */
static int
asmjournal_load(struct asmjournal *j, const unsigned char *root)
{
	unsigned char hdr[ASMJOURNAL_HDR];
	uint64_t n;

	if (file_pread_all(j->fd, hdr, sizeof(hdr), 0) != 0 ||
	    memcmp(hdr, ASMJOURNAL_MAGIC, 8) != 0 ||
	    memcmp(hdr + 8, root, CHUNK_HASH) != 0)
		return -1;
	memcpy(&n, hdr + 40, 8);
	if (le64toh(n) != j->n ||
	    file_pread_all(j->fd, j->bits, asmjournal_bytes(j->n),
		ASMJOURNAL_HDR) != 0)
		return -1;
	return 0;
}

static int
asmjournal_create(struct asmjournal *j, const unsigned char *root)
{
	unsigned char hdr[ASMJOURNAL_HDR];
	uint64_t n = htole64(j->n);
	int rc;

	memcpy(hdr, ASMJOURNAL_MAGIC, 8);
	memcpy(hdr + 8, root, CHUNK_HASH);
	memcpy(hdr + 40, &n, 8);
	memset(j->bits, 0, asmjournal_bytes(j->n));
	if (ftruncate(j->fd, 0) == -1)
		return -errno;
	if ((rc = file_pwrite_all(j->fd, hdr, sizeof(hdr), 0)) != 0 ||
	    (rc = file_pwrite_all(j->fd, j->bits, asmjournal_bytes(j->n),
		 ASMJOURNAL_HDR)) != 0)
		return rc;
	return fdatasync(j->fd) == -1 ? -errno : 0;
}

int
asmjournal_open(struct asmjournal *j, const char *path,
    const unsigned char *root, uint64_t n, int *valid)
{
	uint64_t i;

	memset(j, 0, sizeof(*j));
	j->n = n;
	j->bits = xcalloc(asmjournal_bytes(n) + 1, 1);
	j->dirty = xcalloc(asmjournal_bytes(n) + 1, 1);
	j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd == -1)
		return -errno;
	*valid = asmjournal_load(j, root) == 0;
	if (!*valid)
		memset(j->bits, 0, asmjournal_bytes(n));
	for (i = 0; i < n; i++)
		j->ndone += asmjournal_done(j, i);
	return 0;
}

int
asmjournal_reset(struct asmjournal *j, const unsigned char *root)
{
	memset(j->dirty, 0, asmjournal_bytes(j->n));
	j->ndone = 0;
	return asmjournal_create(j, root);
}

void
asmjournal_close(struct asmjournal *j)
{
	if (j->fd != -1)
		close(j->fd);
	free(j->bits);
	free(j->dirty);
	memset(j, 0, sizeof(*j));
	j->fd = -1;
}

int
asmjournal_done(const struct asmjournal *j, uint64_t i)
{
	return (j->bits[i / 8] >> (i % 8) & 1) |
	    (j->dirty[i / 8] >> (i % 8) & 1);
}

void
asmjournal_set(struct asmjournal *j, uint64_t i)
{
	if (!asmjournal_done(j, i))
		j->ndone++;
	j->dirty[i / 8] |= (unsigned char)(1u << (i % 8));
}

int
asmjournal_sync(struct asmjournal *j)
{
	size_t i, nb = asmjournal_bytes(j->n), lo = nb, hi = 0;

	for (i = 0; i < nb; i++) {
		if (j->dirty[i] == 0)
			continue;
		j->bits[i] |= j->dirty[i];
		j->dirty[i] = 0;
		lo = i < lo ? i : lo;
		hi = i + 1;
	}
	if (lo >= hi)
		return 0;
	if (file_pwrite_all(j->fd, j->bits + lo, hi - lo,
		(off_t)(ASMJOURNAL_HDR + lo)) != 0 ||
	    fdatasync(j->fd) == -1)
		return -errno;
	return 0;
}
