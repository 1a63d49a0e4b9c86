/* qcow2: reading the disk a qcow2 file describes (imagetool/qcow2.c), for
 * imgsrc.c.  The layout is QEMU's docs/interop/qcow2.txt. */
#ifndef KURA_QCOW2_H
#define KURA_QCOW2_H

#include <stddef.h>
#include <stdint.h>

#define QCOW2_MAGIC 0x514649fbu /* "QFI\xfb" */

struct imgsrc;
struct qcow2;

/* Reads the header and L1 table of the qcow2 file open on fd (owned by
 * the caller); backing files are opened through imgsrc_open. */
int qcow2_open(int fd, const char *path, int depth, struct qcow2 **r, char *err,
    size_t errlen);
void qcow2_close(struct qcow2 *q);
uint64_t qcow2_size(const struct qcow2 *q);
int qcow2_pread(struct qcow2 *q, unsigned char *buf, size_t len, uint64_t off,
    char *err, size_t errlen);
int qcow2_extent(struct qcow2 *q, uint64_t off, uint64_t *len_r, int *zero_r,
    char *err, size_t errlen);

/* imgsrc.c: a backing file, at a depth in the chain. */
int imgsrc_open_depth(const char *path, const char *format, int depth,
    struct imgsrc **r, char *err, size_t errlen);

#endif
