/*
 * asmflush.c: a thread that makes assemble's writes durable as they go.
 * A flush costs in proportion to what was written since the last one
 * (virtual disks flush their host's cache), so one flush at the end of a
 * first install stalled it for 0.1 s of 0.5 s; flushed every few MiB
 * beside the writing, the final one costs almost nothing.  A pure hint:
 * the checkpoint's own fdatasync is the guarantee, except that an error
 * is reported once only (errseq), to whichever fdatasync asks first: the
 * flusher keeps it, and the checkpoint waits for a flush under way before
 * it asks.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "asmflush.h"
#include "log.h"
#include "xalloc.h"

struct asmflush {
	int fd[2];
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* to the thread: want or stop */
	pthread_cond_t idle; /* from it: a flush ended */
	int want, stop, busy;
	int error; /* the first -errno a flush returned */
};

static void *
asmflush_thread(void *arg)
{
	struct asmflush *f = arg;
	int k, e;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (!f->want && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (!f->want)
			break;
		f->want = 0;
		f->busy = 1;
		pthread_mutex_unlock(&f->mu);
		for (k = 0, e = 0; k < 2 && e == 0; k++)
			e = fdatasync(f->fd[k]) == -1 ? -errno : 0;
		pthread_mutex_lock(&f->mu);
		if (e != 0 && f->error == 0)
			f->error = e;
		f->busy = 0;
		pthread_cond_broadcast(&f->idle);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

struct asmflush *
asmflush_start(int fd1, int fd2)
{
	struct asmflush *f = xcalloc(1, sizeof(*f));

	f->fd[0] = fd1;
	f->fd[1] = fd2;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	pthread_cond_init(&f->idle, NULL);
	if (pthread_create(&f->th, NULL, asmflush_thread, f) != 0)
		fatalx("cannot start a thread");
	return f;
}

void
asmflush_kick(struct asmflush *f)
{
	pthread_mutex_lock(&f->mu);
	f->want = 1; /* one flush covers every kick before it starts */
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

int
asmflush_error(struct asmflush *f)
{
	int e;

	if (f == NULL)
		return 0;
	pthread_mutex_lock(&f->mu);
	while (f->busy)
		pthread_cond_wait(&f->idle, &f->mu);
	e = f->error;
	pthread_mutex_unlock(&f->mu);
	return e;
}

int
asmflush_stop(struct asmflush *f)
{
	int e;

	if (f == NULL)
		return 0;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	f->want = 0; /* what is left is the caller's to flush */
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->th, NULL);
	e = f->error;
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	pthread_cond_destroy(&f->idle);
	free(f);
	return e;
}
