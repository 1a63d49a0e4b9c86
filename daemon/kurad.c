/*
 * kurad.c: start-up, the event loop and orderly shutdown of kurad.
 *
 * Everything kurad reacts to (signals now; libxl, xenstore, udev and the
 * control socket as they are added) is an event on one libevent base, so
 * that no handler ever runs concurrently with another.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cli.h"
#include "kurad.h"
#include "log.h"

struct kurad {
	struct event_base *base;
	struct event *sig_term;
	struct event *sig_int;
	struct event *sig_hup;
	int stop_signal;
};

static void
kurad_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: kurad [-dhVv]\n"
	    "  -d  stay in the foreground and log to stderr\n"
	    "  -v  log debug messages too\n"
	    "  -h  this text\n"
	    "  -V  print the version and exit\n");
}

/* Returns 0 to run, 1 to exit successfully (help, version), -1 on error. */
int
kurad_parse_args(int argc, char **argv, struct kurad_opts *opts)
{
	int ch;

	memset(opts, 0, sizeof(*opts));
	/* 0, not 1: glibc then also forgets a half-scanned argument. */
	optind = 0;
	while ((ch = getopt(argc, argv, "dhVv")) != -1) {
		switch (ch) {
		case 'd':
			opts->foreground = 1;
			break;
		case 'v':
			opts->verbose++;
			break;
		case 'h':
			kurad_usage(stdout);
			return 1;
		case 'V':
			printf("kurad (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return 1;
		default:
			kurad_usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		kurad_usage(stderr);
		return -1;
	}
	return 0;
}

static void
kurad_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct kurad *k = arg;

	if (sig == SIGHUP) {
		log_info("SIGHUP: nothing to reload yet");
		return;
	}
	log_info("%s: shutting down", strsignal((int)sig));
	k->stop_signal = (int)sig;
	event_base_loopbreak(k->base);
}

static int
kurad_add_signal(struct kurad *k, struct event **ev_r, int sig)
{
	*ev_r = evsignal_new(k->base, sig, kurad_on_signal, k);
	if (*ev_r == NULL || evsignal_add(*ev_r, NULL) == -1) {
		log_warnx("cannot watch signal %d", sig);
		return -1;
	}
	return 0;
}

static void
kurad_free(struct kurad *k)
{
	if (k->sig_term)
		event_free(k->sig_term);
	if (k->sig_int)
		event_free(k->sig_int);
	if (k->sig_hup)
		event_free(k->sig_hup);
	if (k->base)
		event_base_free(k->base);
}

int
kurad_run(const struct kurad_opts *opts)
{
	struct kurad k = { 0 };
	int rc = -1;

	k.base = event_base_new();
	if (k.base == NULL) {
		log_warnx("event_base_new failed");
		goto out;
	}
	if (kurad_add_signal(&k, &k.sig_term, SIGTERM) == -1 ||
	    kurad_add_signal(&k, &k.sig_int, SIGINT) == -1 ||
	    kurad_add_signal(&k, &k.sig_hup, SIGHUP) == -1)
		goto out;
	/* A vanished control client must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	log_info("kurad %s started, pid %ld", PACKAGE_VERSION, (long)getpid());
	if (event_base_dispatch(k.base) == -1) {
		log_warnx("event loop failed");
		goto out;
	}
	log_info("stopped");
	rc = 0;
out:
	kurad_free(&k);
	return rc;
}

int
kurad_main(int argc, char **argv)
{
	struct kurad_opts opts;
	int r;

	r = kurad_parse_args(argc, argv, &opts);
	if (r != 0)
		return r > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	log_init("kurad", opts.foreground,
	    opts.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	if (!opts.foreground && daemon(0, 0) == -1)
		fatal("daemon");
	return kurad_run(&opts) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
