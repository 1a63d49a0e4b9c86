/* asmsrc.c: seeds for assemble (see asmsrc.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#include "asmsrc.h"
#include "file.h"
#include "xalloc.h"

#define ASMSRC_SEG 4096
#define ASMSRC_CARRY 2048

void
asmsrc_init(struct asmsrc *s, const struct chunk_params *p,
    struct chunk_hasher *hs)
{
	memset(s, 0, sizeof(*s));
	blkindex_init(&s->blocks);
	blkindex_init(&s->chunks);
	s->p = *p;
	s->hs = hs;
	blkindex_add(&s->blocks, hs->zero_h, ASMSRC_ZERO);
}

void
asmsrc_free(struct asmsrc *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		if (s->f[i].fd != -1)
			close(s->f[i].fd);
		free(s->f[i].path);
	}
	blkindex_free(&s->blocks);
	blkindex_free(&s->chunks);
	s->n = 0;
}

uint64_t
asmsrc_loc(int src, uint64_t block)
{
	return (uint64_t)src << 48 | block;
}

int
asmsrc_read(struct asmsrc *s, uint64_t loc, void *buf, size_t len)
{
	int src = (int)(loc >> 48);
	uint64_t block = loc & ((UINT64_C(1) << 48) - 1);

	if (loc == ASMSRC_ZERO) {
		memset(buf, 0, len);
		return 0;
	}
	if (src >= s->n)
		return -EINVAL;
	return file_pread_all(s->f[src].fd, buf, len,
	    (off_t)(block * CHUNK_BLOCK));
}

/* Size of a file or a block device. */
static int
asmsrc_size(int fd, uint64_t *size)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1)
		return -errno;
	if (S_ISBLK(sb.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) == -1 ? -errno : 0;
	*size = (uint64_t)sb.st_size;
	return 0;
}

struct asmsrc_scan {
	struct asmsrc *s;
	int src, sidecar_fd;
	struct chunker ck;
	struct chunk_block *b;
	struct chunk_cut *cuts;
	unsigned char *data;
	size_t nb;
	uint64_t first; /* block number of b[0] */
	uint64_t next;  /* next block to read */
};

/* Hashes of blocks [next, next + n) from the sidecar or the seed. */
static int
asmsrc_fill(struct asmsrc_scan *sc, size_t n)
{
	struct asmsrc_file *f = &sc->s->f[sc->src];
	struct chunk_block *b = sc->b + sc->nb;
	uint64_t off = sc->next * CHUNK_BLOCK;
	size_t i, len;
	int rc;

	if (sc->sidecar_fd != -1) {
		unsigned char h[ASMSRC_SEG * CHUNK_HASH];

		rc = file_pread_all(sc->sidecar_fd, h, n * CHUNK_HASH,
		    (off_t)(sc->next * CHUNK_HASH));
		for (i = 0; rc == 0 && i < n; i++) {
			len = f->size - off - i * CHUNK_BLOCK;
			b[i].len =
			    len > CHUNK_BLOCK ? CHUNK_BLOCK : (uint32_t)len;
			memcpy(b[i].h, h + i * CHUNK_HASH, CHUNK_HASH);
			b[i].zero =
			    memcmp(b[i].h, sc->s->hs->zero_h, CHUNK_HASH) == 0;
		}
		return rc;
	}
	len = (size_t)(f->size - off < (uint64_t)n * CHUNK_BLOCK
		? f->size - off
		: (uint64_t)n * CHUNK_BLOCK);
	if ((rc = file_pread_all(f->fd, sc->data, len, (off_t)off)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		chunk_block_fill(sc->s->hs, sc->data + i * CHUNK_BLOCK,
		    len - i * CHUNK_BLOCK > CHUNK_BLOCK ? CHUNK_BLOCK
							: len - i * CHUNK_BLOCK,
		    &b[i]);
	return 0;
}

/* Indexes what was cut and keeps the rest for the next round. */
static void
asmsrc_cut(struct asmsrc_scan *sc, int eof)
{
	unsigned char id[CHUNK_HASH];
	size_t used, ncut, i, at = 0;

	ncut = chunker_cut(&sc->ck, sc->b, sc->nb, eof, sc->cuts, &used);
	for (i = 0; i < ncut; at += sc->cuts[i++].nblocks) {
		if (sc->cuts[i].kind != CHUNK_DATA)
			continue;
		chunk_hash_list(sc->s->hs, sc->b + at, sc->cuts[i].nblocks, id);
		blkindex_add(&sc->s->chunks, id,
		    asmsrc_loc(sc->src, sc->first + at));
	}
	memmove(sc->b, sc->b + used, (sc->nb - used) * sizeof(*sc->b));
	sc->nb -= used;
	sc->first += used;
}

static int
asmsrc_scan(struct asmsrc_scan *sc)
{
	uint64_t total =
	    (sc->s->f[sc->src].size + CHUNK_BLOCK - 1) / CHUNK_BLOCK;
	size_t n, i;
	int rc;

	while (sc->next < total) {
		n = total - sc->next < ASMSRC_SEG ? (size_t)(total - sc->next)
						  : ASMSRC_SEG;
		if ((rc = asmsrc_fill(sc, n)) != 0)
			return rc;
		for (i = 0; i < n; i++)
			if (!sc->b[sc->nb + i].zero)
				blkindex_add(&sc->s->blocks,
				    sc->b[sc->nb + i].h,
				    asmsrc_loc(sc->src, sc->next + i));
		sc->nb += n;
		sc->next += n;
		sc->s->nblocks += n;
		asmsrc_cut(sc, sc->next == total);
		if (sc->nb > ASMSRC_CARRY)
			return -EOVERFLOW;
	}
	return 0;
}

static int
asmsrc_open_file(struct asmsrc *s, const char *path, char *err, size_t errlen)
{
	struct asmsrc_file *f = &s->f[s->n];
	int rc;

	if (s->n == ASMSRC_MAX) {
		snprintf(err, errlen, "%s: at most %d seeds", path, ASMSRC_MAX);
		return -1;
	}
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd == -1 || (rc = asmsrc_size(f->fd, &f->size)) != 0) {
		rc = -errno;
		snprintf(err, errlen, "seed %s: %s", path, strerror(-rc));
		if (f->fd != -1)
			close(f->fd);
		return -1;
	}
	f->path = xstrdup(path);
	return s->n++;
}

int
asmsrc_add(struct asmsrc *s, const char *path, const char *sidecar, char *err,
    size_t errlen)
{
	struct asmsrc_scan sc = { .s = s, .sidecar_fd = -1 };
	struct stat sb;
	int rc;

	if ((sc.src = asmsrc_open_file(s, path, err, errlen)) == -1)
		return -1;
	/* A sidecar that does not match the seed's size is not used. */
	if (sidecar != NULL &&
	    (sc.sidecar_fd = open(sidecar, O_RDONLY | O_CLOEXEC)) != -1 &&
	    (fstat(sc.sidecar_fd, &sb) == -1 ||
		(uint64_t)sb.st_size !=
		    (s->f[sc.src].size + CHUNK_BLOCK - 1) / CHUNK_BLOCK *
			CHUNK_HASH)) {
		close(sc.sidecar_fd);
		sc.sidecar_fd = -1;
	}
	chunker_init(&sc.ck, &s->p);
	sc.b = xcalloc(ASMSRC_SEG + ASMSRC_CARRY, sizeof(*sc.b));
	sc.cuts = xcalloc(ASMSRC_SEG + ASMSRC_CARRY, sizeof(*sc.cuts));
	sc.data = sc.sidecar_fd == -1
	    ? xmalloc((size_t)ASMSRC_SEG * CHUNK_BLOCK)
	    : NULL;
	rc = asmsrc_scan(&sc);
	if (rc != 0)
		snprintf(err, errlen, "seed %s: %s", path, strerror(-rc));
	if (sc.sidecar_fd != -1)
		close(sc.sidecar_fd);
	free(sc.b);
	free(sc.cuts);
	free(sc.data);
	return rc == 0 ? 0 : -1;
}

int
asmsrc_add_self(struct asmsrc *s, int fd, const char *path)
{
	struct asmsrc_file *f = &s->f[s->n];

	if (s->n == ASMSRC_MAX)
		return -1;
	f->fd = dup(fd);
	f->path = xstrdup(path);
	f->size = 0;
	return f->fd == -1 ? -1 : s->n++;
}
