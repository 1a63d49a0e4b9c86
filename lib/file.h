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

#endif
