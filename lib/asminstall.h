/* asminstall: the install directory of assemble (layout in assemble.h):
 * which version is current, file names, and the atomic switch. */
#ifndef KURA_ASMINSTALL_H
#define KURA_ASMINSTALL_H

#include <stddef.h>
#include <stdint.h>

/* "<into>/<v><suffix>"; free with free(). */
char *asminstall_path(const char *into, int64_t v, const char *suffix);
/* The current version, 0 if none, -1 if "current" is not ours. */
int64_t asminstall_current(const char *into);
/* Points "current" at <v>.img: a new symlink renamed over the old one,
 * then the directory synced.  0 or -errno. */
int asminstall_switch(const char *into, int64_t v);
/* Renames the finished files of version v into place and syncs the
 * directory.  0 or -errno. */
int asminstall_commit(const char *into, int64_t v);

#endif
