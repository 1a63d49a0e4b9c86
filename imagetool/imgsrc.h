/* imgsrc: the guest-visible bytes of a disk image (temporary raw-only
 * version; replaced by the qcow2-capable one). */
#ifndef KURA_IMGSRC_H
#define KURA_IMGSRC_H

#include <stddef.h>
#include <stdint.h>

struct imgsrc;
int imgsrc_open(const char *path, const char *format, struct imgsrc **r,
    char *err, size_t errlen);
uint64_t imgsrc_size(const struct imgsrc *s);
const char *imgsrc_format(const struct imgsrc *s);
int imgsrc_pread(struct imgsrc *s, void *buf, size_t len, uint64_t off,
    char *err, size_t errlen);
int imgsrc_extent(struct imgsrc *s, uint64_t off, uint64_t *len_r, int *zero_r,
    char *err, size_t errlen);
void imgsrc_close(struct imgsrc *s);

#endif
