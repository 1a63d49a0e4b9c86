/*
 * imgsrc: the guest-visible bytes of a disk image file: raw, or qcow2
 * (versions 2 and 3, with zero and compressed clusters and backing files),
 * read without QEMU.  kura-image create chunks what the guest sees, never
 * the container.
 */
#ifndef KURA_IMGSRC_H
#define KURA_IMGSRC_H

#include <stddef.h>
#include <stdint.h>

struct imgsrc;

/* format: NULL or "auto" (qcow2 by its magic, else raw), "raw", "qcow2".
 * 0, or -1 with a one-line reason in err. */
int imgsrc_open(const char *path, const char *format, struct imgsrc **r,
    char *err, size_t errlen);
uint64_t imgsrc_size(const struct imgsrc *s);
const char *imgsrc_format(const struct imgsrc *s);
/* Exactly len bytes at off (off + len <= size); what no layer holds reads
 * as zeros.  0, or -1 with the reason (and where) in err. */
int imgsrc_pread(struct imgsrc *s, void *buf, size_t len, uint64_t off,
    char *err, size_t errlen);
/* From off: the length of an extent known to read as zeros (*zero_r 1),
 * or that may hold data (*zero_r 0).  A hint, so that holes of a sparse
 * image are not read.  0 or -1. */
int imgsrc_extent(struct imgsrc *s, uint64_t off, uint64_t *len_r, int *zero_r,
    char *err, size_t errlen);
void imgsrc_close(struct imgsrc *s);

#endif
