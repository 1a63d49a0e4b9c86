/* asmflush: background fdatasync of assemble's two files (asmflush.c). */
#ifndef KURA_ASMFLUSH_H
#define KURA_ASMFLUSH_H

struct asmflush;

/* A thread that flushes fd1 and fd2 whenever kicked. */
struct asmflush *asmflush_start(int fd1, int fd2);
/* Asks for a flush soon; never waits for one. */
void asmflush_kick(struct asmflush *f);
/* 0, or the first -errno a flush returned: the data it covered may be
 * lost, and the checkpoint's own fdatasync would not say so.  Waits for
 * a flush under way, so that an error it takes from the caller's own
 * fdatasync just before is seen.  NULL: 0. */
int asmflush_error(struct asmflush *f);
/* Stops the thread (a flush under way ends first) and frees f; returns
 * asmflush_error's value.  NULL is a no-op returning 0. */
int asmflush_stop(struct asmflush *f);

#endif
