/*
 * kura-spin: a CPU-bound loop for the Xen tier's isolation measurement,
 * linked statically so that it runs in the busybox test guests.
 *
 *   kura-spin SECONDS THREADS
 *
 * Runs THREADS busy threads for SECONDS and prints the loop iterations
 * per second they made together: one number, comparable between runs on
 * the same machine (the guest's clock is Xen's, so time stolen by other
 * domains shows up as fewer iterations).
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SPIN_MAX_THREADS 64

struct spin {
	double seconds;
	uint64_t count;
	pthread_t tid;
};

static double
spin_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
spin_run(void *arg)
{
	struct spin *s = arg;
	double end = spin_now() + s->seconds;
	volatile uint64_t n = 0;
	uint64_t i;

	/* Look at the clock rarely, so that the loop is the cost. */
	do {
		for (i = 0; i < 100000; i++)
			n++;
	} while (spin_now() < end);
	s->count = n;
	return NULL;
}

int
main(int argc, char **argv)
{
	static struct spin s[SPIN_MAX_THREADS];
	double seconds, t0, total = 0;
	int threads, i;

	if (argc != 3 || (seconds = atof(argv[1])) <= 0 ||
	    (threads = atoi(argv[2])) < 1 || threads > SPIN_MAX_THREADS) {
		fprintf(stderr, "usage: kura-spin SECONDS THREADS (1-%d)\n",
		    SPIN_MAX_THREADS);
		return 2;
	}
	t0 = spin_now();
	for (i = 0; i < threads; i++) {
		s[i].seconds = seconds;
		if (pthread_create(&s[i].tid, NULL, spin_run, &s[i]) != 0) {
			perror("kura-spin: pthread_create");
			return 1;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(s[i].tid, NULL);
		total += (double)s[i].count;
	}
	printf("%.0f\n", total / (spin_now() - t0));
	return 0;
}
