/*
 * kurad.c: start-up, the event loop and the end of kurad.
 *
 * Everything kurad reacts to (signals, libxl's fds and timeouts, the
 * xenstore watches, the control socket, and later udev) is an event on one
 * libevent base, so that no handler ever runs concurrently with another.
 * SIGTERM stops kurad and leaves the domains running (a restarted kurad
 * adopts them); a host shutdown is the control command "shutdown".
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

#include "audit.h"
#include "cli.h"
#include "conf.h"
#include "control.h"
#include "devices.h"
#include "devpci.h"
#include "kurad.h"
#include "log.h"
#include "sup.h"
#include "xlev.h"
#include "xswatch.h"

struct kurad {
	struct event_base *base;
	struct event *sig_term;
	struct event *sig_int;
	struct event *sig_hup;
	int stop_signal;
	struct kurad_conf conf;
	int have_conf;
	struct audit audit;
	libxl_ctx *ctx;
	xentoollog_logger *xtl;
	struct xlev xlev;
	struct xswatch xsw;
	int have_xsw;
	struct sup sup;
	int have_sup;
	struct devices devs;
	int have_devs;
	struct control control;
	int have_control;
};

static void
kurad_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: kurad [-dhnVv] [-f file]\n"
	    "  -d  stay in the foreground and log to stderr\n"
	    "  -f  read this configuration, not " CONF_DEFAULT_PATH "\n"
	    "  -n  check the configuration, print it and exit\n"
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
	opts->conf_path = CONF_DEFAULT_PATH;
	/* 0, not 1: glibc then also forgets a half-scanned argument. */
	optind = 0;
	while ((ch = getopt(argc, argv, "df:hnVv")) != -1) {
		switch (ch) {
		case 'd':
			opts->foreground = 1;
			break;
		case 'v':
			opts->verbose++;
			break;
		case 'f':
			opts->conf_path = optarg;
			break;
		case 'n':
			opts->check_only = 1;
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
	log_info("%s: stopping kurad", strsignal((int)sig));
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
	/* Everything that holds libxl registrations goes before the ctx. */
	if (k->have_control)
		control_close(&k->control);
	if (k->have_devs)
		devices_close(&k->devs);
	if (k->have_sup)
		sup_free(&k->sup);
	if (k->have_xsw)
		xswatch_close(&k->xsw);
	vm_ctx_close(k->ctx, k->xtl);
	audit_close(&k->audit);
	if (k->have_conf)
		conf_free(&k->conf);
	if (k->sig_term)
		event_free(k->sig_term);
	if (k->sig_int)
		event_free(k->sig_int);
	if (k->sig_hup)
		event_free(k->sig_hup);
	if (k->base)
		event_base_free(k->base);
}

static int
kurad_load_conf(struct kurad *k, const char *path)
{
	struct diags d;
	size_t i;
	int rc;

	diags_init(&d);
	rc = conf_load(path, &k->conf, &d);
	k->have_conf = 1;
	for (i = 0; i < d.n; i++)
		log_emit(LOG_LEVEL_WARN, 0, __func__, "%s:%d: %s: %s",
		    d.v[i].file, d.v[i].line,
		    d.v[i].severity == DIAG_ERROR ? "error" : "warning",
		    d.v[i].msg);
	diags_free(&d);
	return rc;
}

/* State changes go to the event subscribers; the service domain's only
 * to those who may see it. */
static void
kurad_report(void *arg, const struct sup_dom *d, const char *event,
    json_t *data)
{
	struct kurad *k = arg;

	if (k->have_control)
		control_broadcast(&k->control, event, data,
		    d->role == CONF_SERVICE);
	if (k->have_devs && d->role == CONF_CLIENT &&
	    strcmp(event, "domain") == 0)
		devices_client_changed(&k->devs);
}

/* The client VM gets the PCI devices the policy gives it. */
static int
kurad_prepare(void *arg, const struct sup_dom *d, libxl_domain_config *cfg,
    char *err, size_t errlen)
{
	struct kurad *k = arg;

	if (d->role != CONF_CLIENT || !k->have_devs)
		return 0;
	return devpci_prepare(&k->devs, cfg, err, errlen);
}

static void
kurad_stopped(void *arg)
{
	struct kurad *k = arg;

	log_info("both domains are stopped: exiting");
	event_base_loopbreak(k->base);
}

static void
kurad_host_shutdown(void *arg)
{
	struct kurad *k = arg;

	sup_shutdown(&k->sup);
}

/* Xen (libxl, xenstore), the supervisor, devices and the control
 * socket. */
static int
kurad_setup(struct kurad *k)
{
	k->audit.fd = -1;
	if (audit_open(&k->audit, k->conf.audit_log) == -1)
		return -1;
	if (vm_ctx_open(&k->ctx, &k->xtl) == -1)
		return -1;
	xlev_init(&k->xlev, k->base, k->ctx, sup_libxl_event, &k->sup);
	if (xswatch_open(&k->xsw, k->base) == -1)
		return -1;
	k->have_xsw = 1;
	sup_init(&k->sup, k->base, k->ctx, &k->xsw, &k->conf, &k->audit);
	k->have_sup = 1;
	k->sup.report = kurad_report;
	k->sup.stopped = kurad_stopped;
	k->sup.prepare = kurad_prepare;
	k->sup.arg = k;
	if (devices_open(&k->devs, k->base, k->ctx, &k->sup, &k->audit,
		&k->conf) == -1)
		return -1;
	k->have_devs = 1;
	if (control_open(&k->control, k->base, &k->sup, &k->audit,
		k->conf.socket_path, k->conf.control_group) == -1)
		return -1;
	k->have_control = 1;
	k->control.shutdown = kurad_host_shutdown;
	k->control.devs = &k->devs;
	k->control.arg = k;
	return 0;
}

int
kurad_run(const struct kurad_opts *opts)
{
	struct kurad k = { 0 };
	int rc = -1;

	k.audit.fd = -1;
	if (kurad_load_conf(&k, opts->conf_path) == -1)
		goto out;
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
	if (kurad_setup(&k) == -1)
		goto out;
	log_info("kurad %s started, pid %ld", PACKAGE_VERSION, (long)getpid());
	audit_write(&k.audit, "kurad-start",
	    json_pack("{s:s, s:I}", "version", PACKAGE_VERSION, "pid",
		(json_int_t)getpid()));
	sup_start(&k.sup);
	if (event_base_dispatch(k.base) == -1) {
		log_warnx("event loop failed");
		goto out;
	}
	log_info("stopped%s",
	    k.sup.host_shutdown ? " after host shutdown"
				: "; the domains run on");
	rc = 0;
out:
	kurad_free(&k);
	return rc;
}

/* -n: loads the configuration as kurad would, without Xen. */
static int
kurad_check_conf(const char *path)
{
	struct kurad_conf c;
	struct diags d;
	int rc;

	diags_init(&d);
	rc = conf_load(path, &c, &d);
	diags_print(&d, stderr);
	if (rc == 0) {
		printf("configuration OK\n");
		conf_print(&c, stdout);
	}
	conf_free(&c);
	diags_free(&d);
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

int
kurad_main(int argc, char **argv)
{
	struct kurad_opts opts;
	int r;

	r = kurad_parse_args(argc, argv, &opts);
	if (r != 0)
		return r > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if (opts.check_only)
		return kurad_check_conf(opts.conf_path);
	log_init("kurad", opts.foreground,
	    opts.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	if (!opts.foreground && daemon(0, 0) == -1)
		fatal("daemon");
	return kurad_run(&opts) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
