/*
 * qcow2.c: the guest-visible disk of a qcow2 file (see qcow2.h), read
 * with nothing but the file: header, L1 and L2 tables, zero clusters,
 * compressed clusters (deflate through zlib, or zstd), backing files.
 * Every offset read from the file is checked against the file before it
 * is used: an image is input, and may be damaged.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "file.h"
#include "imgsrc.h"
#include "log.h"
#include "qcow2.h"
#include "xalloc.h"

#define QCOW2_OFFSET_MASK UINT64_C(0x00fffffffffffe00)
#define QCOW2_COMPRESSED (UINT64_C(1) << 62)
#define QCOW2_ZERO UINT64_C(1)
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_INCOMPAT_DIRTY 1u
#define QCOW2_INCOMPAT_CORRUPT 2u
#define QCOW2_INCOMPAT_DATA_FILE 4u
#define QCOW2_INCOMPAT_COMPRESSION 8u
#define QCOW2_INCOMPAT_EXTL2 16u
#define QCOW2_L2_CACHE 16

struct qcow2_l2 {
	uint64_t off; /* in the file; 0: unused */
	uint64_t *t;
	uint64_t used; /* for LRU */
};

struct qcow2 {
	int fd;
	const char *path;
	uint64_t fsize, size;
	unsigned cluster_bits;
	uint64_t cluster;
	uint32_t l1_size;
	uint64_t *l1;
	int zstd; /* compression type */
	struct qcow2_l2 l2[QCOW2_L2_CACHE];
	uint64_t tick;
	unsigned char *zbuf,
	    *cbuf;         /* compressed input, a decompressed cluster */
	uint64_t cbuf_off; /* which host offset cbuf holds, or 0 */
	struct imgsrc *backing;
	uint64_t backing_size;
};

static uint64_t
qcow2_be64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static uint32_t
qcow2_be32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

/* The file holds [off, off + len). */
static int
qcow2_in_file(const struct qcow2 *q, uint64_t off, uint64_t len)
{
	return off <= q->fsize && len <= q->fsize - off;
}

static int
qcow2_read(struct qcow2 *q, void *buf, size_t len, uint64_t off,
    const char *what, char *err, size_t errlen)
{
	int e;

	if (!qcow2_in_file(q, off, len)) {
		snprintf(err, errlen,
		    "%s: qcow2: %s at %llu+%zu is beyond the "
		    "end of the file",
		    q->path, what, (unsigned long long)off, len);
		return -1;
	}
	if ((e = file_pread_all(q->fd, buf, len, (off_t)off)) != 0) {
		snprintf(err, errlen, "%s: qcow2: reading %s: %s", q->path,
		    what, strerror(-e));
		return -1;
	}
	return 0;
}

static int
qcow2_features(struct qcow2 *q, const unsigned char *h, uint32_t version,
    char *err, size_t errlen)
{
	uint64_t incompat = version >= 3 ? qcow2_be64(h + 72) : 0;
	uint32_t hlen = version >= 3 ? qcow2_be32(h + 100) : 72;
	const char *why = NULL;

	if (qcow2_be32(h + 32) != 0)
		why = "encrypted images are not supported";
	else if (incompat & QCOW2_INCOMPAT_CORRUPT)
		why = "the image is marked corrupt (qemu-img check -r all)";
	else if (incompat & QCOW2_INCOMPAT_DATA_FILE)
		why = "images with an external data file are not supported";
	else if (incompat & QCOW2_INCOMPAT_EXTL2)
		why = "extended L2 entries (subclusters) are not supported";
	else if (incompat &
	    ~(uint64_t)(QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_COMPRESSION))
		why = "unknown incompatible features";
	if (why != NULL) {
		snprintf(err, errlen, "%s: qcow2: %s", q->path, why);
		return -1;
	}
	if (version >= 3 && hlen > 104 && h[104] > 1) {
		snprintf(err, errlen, "%s: qcow2: unknown compression type %u",
		    q->path, h[104]);
		return -1;
	}
	q->zstd = version >= 3 && hlen > 104 && h[104] == 1;
	return 0;
}

/* Header fields that size or place everything else. */
static int
qcow2_geometry(struct qcow2 *q, const unsigned char *h, char *err,
    size_t errlen)
{
	uint64_t l1_off = qcow2_be64(h + 40), need;

	q->cluster_bits = qcow2_be32(h + 20);
	q->size = qcow2_be64(h + 24);
	q->l1_size = qcow2_be32(h + 36);
	if (q->cluster_bits < 9 || q->cluster_bits > 21) {
		snprintf(err, errlen, "%s: qcow2: cluster_bits %u not in 9..21",
		    q->path, q->cluster_bits);
		return -1;
	}
	q->cluster = UINT64_C(1) << q->cluster_bits;
	/* Each L1 entry maps cluster/8 clusters. */
	need = (q->size + (q->cluster * (q->cluster / 8)) - 1) /
	    (q->cluster * (q->cluster / 8));
	if (q->size > (UINT64_C(1) << 56) || q->l1_size < need ||
	    q->l1_size > (32u << 20) / 8 ||
	    !qcow2_in_file(q, l1_off, (uint64_t)q->l1_size * 8)) {
		snprintf(err, errlen,
		    "%s: qcow2: L1 table of %u entries at "
		    "%llu does not fit a %llu-byte disk in a %llu-byte file",
		    q->path, q->l1_size, (unsigned long long)l1_off,
		    (unsigned long long)q->size, (unsigned long long)q->fsize);
		return -1;
	}
	q->l1 = xcalloc(q->l1_size + 1, 8);
	if (qcow2_read(q, q->l1, (size_t)q->l1_size * 8, l1_off, "the L1 table",
		err, errlen) == -1)
		return -1;
	for (uint32_t i = 0; i < q->l1_size; i++)
		q->l1[i] = be64toh(q->l1[i]);
	return 0;
}

/* The backing file's format, from the header extension if there is one. */
static const char *
qcow2_backing_format(struct qcow2 *q, uint32_t hlen, char *fmt, size_t len)
{
	unsigned char e[8];
	uint64_t off = hlen;
	uint32_t type, n;
	int i;

	for (i = 0; i < 64 && qcow2_in_file(q, off, 8); i++) {
		if (file_pread_all(q->fd, e, 8, (off_t)off) != 0)
			break;
		type = qcow2_be32(e);
		n = qcow2_be32(e + 4);
		if (type == 0)
			break;
		if (type == QCOW2_EXT_BACKING_FORMAT && n < len &&
		    file_pread_all(q->fd, fmt, n, (off_t)(off + 8)) == 0) {
			fmt[n] = '\0';
			return fmt;
		}
		off += 8 + ((uint64_t)n + 7) / 8 * 8;
	}
	return NULL;
}

static int
qcow2_backing(struct qcow2 *q, const unsigned char *h, uint32_t hlen, int depth,
    char *err, size_t errlen)
{
	uint64_t off = qcow2_be64(h + 8);
	uint32_t n = qcow2_be32(h + 16);
	char name[1024], fmt[32], *dir = NULL, *path = NULL;
	int rc;

	if (off == 0)
		return 0;
	if (n == 0 || n >= sizeof(name)) {
		snprintf(err, errlen,
		    "%s: qcow2: backing file name of %u bytes", q->path, n);
		return -1;
	}
	if (qcow2_read(q, name, n, off, "the backing file name", err, errlen) ==
	    -1)
		return -1;
	name[n] = '\0';
	dir = xstrdup(q->path);
	if (name[0] == '/')
		path = xstrdup(name);
	else
		xasprintf(&path, "%s/%s", dirname(dir), name);
	rc = imgsrc_open_depth(path,
	    qcow2_backing_format(q, hlen, fmt, sizeof(fmt)), depth + 1,
	    &q->backing, err, errlen);
	if (rc == 0)
		q->backing_size = imgsrc_size(q->backing);
	free(dir);
	free(path);
	return rc;
}

int
qcow2_open(int fd, const char *path, int depth, struct qcow2 **r, char *err,
    size_t errlen)
{
	struct qcow2 *q = xcalloc(1, sizeof(*q));
	unsigned char h[112] = { 0 };
	uint32_t version, hlen;
	struct stat sb;

	q->fd = fd;
	q->path = path;
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	q->fsize = (uint64_t)sb.st_size;
	if (qcow2_read(q, h, 72, 0, "the header", err, errlen) == -1)
		goto fail;
	version = qcow2_be32(h + 4);
	if (version != 2 && version != 3) {
		snprintf(err, errlen,
		    "%s: qcow2 version %u (2 and 3 are known)", path, version);
		goto fail;
	}
	hlen = version == 3 ? 0 : 72;
	if (version == 3 &&
	    (qcow2_read(q, h + 72, 32, 72, "the header", err, errlen) == -1 ||
		(hlen = qcow2_be32(h + 100)) < 104 || hlen > 4096)) {
		if (hlen != 0)
			snprintf(err, errlen, "%s: qcow2: header length %u",
			    path, hlen);
		goto fail;
	}
	if (version == 3 && hlen > 104 &&
	    qcow2_read(q, h + 104, 1, 104, "the header", err, errlen) == -1)
		goto fail;
	if (qcow2_features(q, h, version, err, errlen) == -1 ||
	    qcow2_geometry(q, h, err, errlen) == -1 ||
	    qcow2_backing(q, h, hlen, depth, err, errlen) == -1)
		goto fail;
	q->zbuf = xmalloc(2 * q->cluster + 512);
	q->cbuf = xmalloc(q->cluster);
	*r = q;
	return 0;
fail:
	qcow2_close(q);
	return -1;
}

void
qcow2_close(struct qcow2 *q)
{
	int i;

	if (q == NULL)
		return;
	for (i = 0; i < QCOW2_L2_CACHE; i++)
		free(q->l2[i].t);
	imgsrc_close(q->backing);
	free(q->l1);
	free(q->zbuf);
	free(q->cbuf);
	free(q);
}

uint64_t
qcow2_size(const struct qcow2 *q)
{
	return q->size;
}

/* The L2 table at off, from a small cache (sequential reads go through
 * one table 8192 clusters at a time). */
static const uint64_t *
qcow2_l2(struct qcow2 *q, uint64_t off, char *err, size_t errlen)
{
	struct qcow2_l2 *victim = &q->l2[0];
	uint64_t n = q->cluster / 8, i;

	for (i = 0; i < QCOW2_L2_CACHE; i++) {
		if (q->l2[i].off == off) {
			q->l2[i].used = ++q->tick;
			return q->l2[i].t;
		}
		if (q->l2[i].used < victim->used)
			victim = &q->l2[i];
	}
	if (off % q->cluster != 0) {
		snprintf(err, errlen,
		    "%s: qcow2: L2 table at %llu is not "
		    "cluster-aligned",
		    q->path, (unsigned long long)off);
		return NULL;
	}
	if (victim->t == NULL)
		victim->t = xcalloc(n, 8);
	victim->off = 0;
	if (qcow2_read(q, victim->t, q->cluster, off, "an L2 table", err,
		errlen) == -1)
		return NULL;
	for (i = 0; i < n; i++)
		victim->t[i] = be64toh(victim->t[i]);
	victim->off = off;
	victim->used = ++q->tick;
	return victim->t;
}

/* The L2 entry of the cluster holding off; 0 when none is allocated. */
static int
qcow2_entry(struct qcow2 *q, uint64_t off, uint64_t *e, char *err,
    size_t errlen)
{
	uint64_t ci = off >> q->cluster_bits, per = q->cluster / 8;
	uint64_t l1 = ci / per, l2off;
	const uint64_t *t;

	*e = 0;
	if (l1 >= q->l1_size || (l2off = q->l1[l1] & QCOW2_OFFSET_MASK) == 0)
		return 0;
	if ((t = qcow2_l2(q, l2off, err, errlen)) == NULL)
		return -1;
	*e = t[ci % per];
	return 0;
}

static int
qcow2_inflate(struct qcow2 *q, size_t in, char *err, size_t errlen)
{
	z_stream z = { 0 };
	int zr;

	if (inflateInit2(&z, -12) != Z_OK)
		fatalx("zlib: out of memory");
	z.next_in = q->zbuf;
	z.avail_in = (uInt)in;
	z.next_out = q->cbuf;
	z.avail_out = (uInt)q->cluster;
	zr = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if ((zr != Z_STREAM_END && zr != Z_BUF_ERROR) || z.avail_out != 0) {
		snprintf(err, errlen,
		    "%s: qcow2: a compressed cluster does not "
		    "inflate to %llu bytes",
		    q->path, (unsigned long long)q->cluster);
		return -1;
	}
	return 0;
}

static int
qcow2_unzstd(struct qcow2 *q, size_t in, char *err, size_t errlen)
{
	ZSTD_inBuffer i = { q->zbuf, in, 0 };
	ZSTD_outBuffer o = { q->cbuf, q->cluster, 0 };
	ZSTD_DCtx *d = ZSTD_createDCtx();
	size_t zr = 1;

	if (d == NULL)
		fatalx("zstd: out of memory");
	/* The sectors read may hold more than the frame: stop when the
	 * cluster is full. */
	while (o.pos < o.size && i.pos < i.size && !ZSTD_isError(zr) && zr != 0)
		zr = ZSTD_decompressStream(d, &o, &i);
	ZSTD_freeDCtx(d);
	if (ZSTD_isError(zr) || o.pos != o.size) {
		snprintf(err, errlen,
		    "%s: qcow2: a zstd cluster does not "
		    "decompress to %llu bytes",
		    q->path, (unsigned long long)q->cluster);
		return -1;
	}
	return 0;
}

/* A compressed cluster into cbuf: its descriptor holds a byte offset and
 * a count of 512-byte sectors. */
static int
qcow2_compressed(struct qcow2 *q, uint64_t e, char *err, size_t errlen)
{
	unsigned x = 62 - (q->cluster_bits - 8);
	uint64_t host = e & ((UINT64_C(1) << x) - 1);
	uint64_t sect = (e & ~QCOW2_COMPRESSED) >> x;
	uint64_t len = (sect + 1) * 512 - (host & 511);

	if (q->cbuf_off == host + 1)
		return 0;
	q->cbuf_off = 0;
	if (len > 2 * q->cluster + 512 || host >= q->fsize) {
		snprintf(err, errlen,
		    "%s: qcow2: compressed cluster at %llu of "
		    "%llu bytes",
		    q->path, (unsigned long long)host, (unsigned long long)len);
		return -1;
	}
	if (len > q->fsize - host)
		len = q->fsize - host; /* the last one may end the file early */
	if (qcow2_read(q, q->zbuf, len, host, "a compressed cluster", err,
		errlen) == -1 ||
	    (q->zstd ? qcow2_unzstd(q, len, err, errlen)
		     : qcow2_inflate(q, len, err, errlen)) == -1)
		return -1;
	q->cbuf_off = host + 1;
	return 0;
}

/* What no layer of this file holds: the backing file's bytes, or zeros
 * (also beyond the backing file's end). */
static int
qcow2_unallocated(struct qcow2 *q, unsigned char *buf, size_t n, uint64_t off,
    char *err, size_t errlen)
{
	size_t have = 0;

	if (q->backing != NULL && off < q->backing_size) {
		have = q->backing_size - off < n ? q->backing_size - off : n;
		if (imgsrc_pread(q->backing, buf, have, off, err, errlen) == -1)
			return -1;
	}
	memset(buf + have, 0, n - have);
	return 0;
}

static int
qcow2_cluster(struct qcow2 *q, unsigned char *buf, size_t n, uint64_t off,
    char *err, size_t errlen)
{
	uint64_t in = off & (q->cluster - 1), e, host;

	if (qcow2_entry(q, off, &e, err, errlen) == -1)
		return -1;
	if (e & QCOW2_COMPRESSED) {
		if (qcow2_compressed(q, e, err, errlen) == -1)
			return -1;
		memcpy(buf, q->cbuf + in, n);
		return 0;
	}
	if (e & QCOW2_ZERO) {
		memset(buf, 0, n);
		return 0;
	}
	if ((host = e & QCOW2_OFFSET_MASK) == 0)
		return qcow2_unallocated(q, buf, n, off, err, errlen);
	if (host % q->cluster != 0) {
		snprintf(err, errlen,
		    "%s: qcow2: data cluster at %llu is not "
		    "aligned",
		    q->path, (unsigned long long)host);
		return -1;
	}
	return qcow2_read(q, buf, n, host + in, "a data cluster", err, errlen);
}

int
qcow2_pread(struct qcow2 *q, unsigned char *buf, size_t len, uint64_t off,
    char *err, size_t errlen)
{
	size_t n;

	for (; len > 0; buf += n, off += n, len -= n) {
		n = q->cluster - (off & (q->cluster - 1));
		if (n > len)
			n = len;
		if (qcow2_cluster(q, buf, n, off, err, errlen) == -1)
			return -1;
	}
	return 0;
}

/* 1 if the cluster at off is known to read as zeros. */
static int
qcow2_is_zero(struct qcow2 *q, uint64_t off, int *zero, char *err,
    size_t errlen)
{
	uint64_t e;

	if (qcow2_entry(q, off, &e, err, errlen) == -1)
		return -1;
	*zero = !(e & QCOW2_COMPRESSED) &&
	    ((e & QCOW2_ZERO) ||
		((e & QCOW2_OFFSET_MASK) == 0 &&
		    (q->backing == NULL || off >= q->backing_size)));
	return 0;
}

int
qcow2_extent(struct qcow2 *q, uint64_t off, uint64_t *len_r, int *zero_r,
    char *err, size_t errlen)
{
	uint64_t end = off, limit = off + (UINT64_C(64) << 20);
	int z;

	if (limit > q->size)
		limit = q->size;
	if (qcow2_is_zero(q, off, zero_r, err, errlen) == -1)
		return -1;
	end = (off | (q->cluster - 1)) + 1;
	while (end < limit) {
		if (qcow2_is_zero(q, end, &z, err, errlen) == -1)
			return -1;
		if (z != *zero_r)
			break;
		end += q->cluster;
	}
	*len_r = (end < limit ? end : limit) - off;
	return 0;
}
