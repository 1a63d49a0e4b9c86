/*
 * file: writing a file so that a crash leaves either the old or the new
 * contents, never a mix: a temporary file beside it, fsync, rename, and
 * fsync of the directory.
 */
#ifndef KURA_FILE_H
#define KURA_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* 0, or -errno with nothing changed at path. */
int file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode);

/* The durability of a rename or a new name in path's directory. */
int file_sync_dir(const char *path);
/* Whole writes and reads, restarting on EINTR; 0 or -errno (-ENODATA for
 * a read past the end). */
int file_write_all(int fd, const void *buf, size_t len);
int file_pwrite_all(int fd, const void *buf, size_t len, off_t off);
int file_pread_all(int fd, void *buf, size_t len, off_t off);
/* A whole file of at most max bytes (-EFBIG beyond) into *buf, malloc'd
 * with one spare byte (for a NUL).  0 or -errno. */
int file_read_all(const char *path, size_t max, unsigned char **buf,
    size_t *len);

#endif
