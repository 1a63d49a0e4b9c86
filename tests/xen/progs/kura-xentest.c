/*
 * kura-xentest: drives kura's libxl layer (daemon/vm.c) from the Xen-tier
 * scenarios, before kurad itself creates domains.
 *
 *   kura-xentest create NAME KERNEL RAMDISK CMDLINE [MEMORY_MB]
 *   kura-xentest destroy NAME
 *   kura-xentest list
 *   kura-xentest xs-wait SECONDS PATH     prints PATH's value once it exists
 *   kura-xentest wait-alive SECONDS NAME  prints the domid of domain NAME
 *                                         once it has written data/alive
 *   kura-xentest xs-until SECONDS PATH VALUE|-
 *                                         prints the time since boot (ms,
 *                                         as /proc/uptime) when PATH reads
 *                                         VALUE (- : is gone)
 *
 * The waits block on a xenstore watch: a polling loop of xl or
 * xenstore-read costs a third of a second of CPU per exec under TCG.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#include "cli.h"
#include "log.h"
#include "vm.h"

static int
xentest_create(int argc, char **argv)
{
	struct vm_spec spec = { .type = LIBXL_DOMAIN_TYPE_PV,
		.memory_mb = 128,
		.vcpus = 1 };
	libxl_domain_config cfg;
	libxl_ctx *ctx = NULL;
	xentoollog_logger *lg = NULL;
	uint32_t domid;
	int rc = CLI_EXIT_FAIL;

	if (argc != 5 && argc != 6) {
		fprintf(stderr,
		    "usage: kura-xentest create NAME KERNEL "
		    "RAMDISK CMDLINE [MEMORY_MB]\n");
		return CLI_EXIT_USAGE;
	}
	spec.name = argv[1];
	spec.kernel = argv[2];
	spec.ramdisk = argv[3];
	spec.cmdline = argv[4];
	if (argc == 6)
		spec.memory_mb = atoi(argv[5]);
	libxl_domain_config_init(&cfg);
	if (vm_ctx_open(&ctx, &lg) == -1)
		goto out;
	if (vm_config_from_spec(ctx, &spec, &cfg) == -1 ||
	    vm_create(ctx, &cfg, &domid, NULL) == -1)
		goto out;
	printf("%u\n", domid);
	rc = CLI_EXIT_OK;
out:
	libxl_domain_config_dispose(&cfg);
	vm_ctx_close(ctx, lg);
	return rc;
}

static int
xentest_destroy(int argc, char **argv)
{
	libxl_ctx *ctx = NULL;
	xentoollog_logger *lg = NULL;
	uint32_t domid;
	int rc = CLI_EXIT_FAIL;

	if (argc != 2) {
		fprintf(stderr, "usage: kura-xentest destroy NAME\n");
		return CLI_EXIT_USAGE;
	}
	if (vm_ctx_open(&ctx, &lg) == -1)
		goto out;
	if (vm_find(ctx, argv[1], &domid) == -1) {
		log_warnx("no domain named %s", argv[1]);
		goto out;
	}
	if (vm_destroy(ctx, domid, NULL) == -1)
		goto out;
	rc = CLI_EXIT_OK;
out:
	vm_ctx_close(ctx, lg);
	return rc;
}

static int
xentest_list(int argc, char **argv)
{
	libxl_ctx *ctx = NULL;
	xentoollog_logger *lg = NULL;
	libxl_dominfo *info = NULL;
	int i, n = 0, rc = CLI_EXIT_FAIL;

	if (vm_ctx_open(&ctx, &lg) == -1)
		goto out;
	info = libxl_list_domain(ctx, &n);
	if (info == NULL)
		goto out;
	printf("%-5s %-20s %8s %s\n", "ID", "NAME", "MEM(MiB)", "STATE");
	for (i = 0; i < n; i++) {
		char *name = libxl_domid_to_name(ctx, info[i].domid);

		printf("%-5u %-20s %8lu %s\n", info[i].domid, name ? name : "?",
		    (unsigned long)(info[i].current_memkb / 1024),
		    info[i].running       ? "running"
			: info[i].blocked ? "blocked"
			: info[i].paused  ? "paused"
					  : "-");
		free(name);
	}
	rc = CLI_EXIT_OK;
out:
	if (info)
		libxl_dominfo_list_free(info, n);
	vm_ctx_close(ctx, lg);
	return rc;
}

/* Prints what cond finds (and returns 0) once it finds something; checks
 * when the watch on path is set and after every event, until SECONDS. */
static int
xentest_wait(const char *secs, const char *path,
    int (*cond)(struct xs_handle *, const char *), const char *arg)
{
	struct xs_handle *xs = xs_open(0);
	struct pollfd pfd;
	time_t end = time(NULL) + atoi(secs);
	unsigned int n;
	char **v;
	int rc = CLI_EXIT_FAIL;

	if (xs == NULL || !xs_watch(xs, path, "w")) {
		perror("kura-xentest: xenstore");
		goto out;
	}
	pfd.fd = xs_fileno(xs);
	pfd.events = POLLIN;
	while (time(NULL) < end) {
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		if ((v = xs_read_watch(xs, &n)) == NULL)
			continue;
		free(v);
		if (cond(xs, arg) == 0) {
			rc = CLI_EXIT_OK;
			break;
		}
	}
out:
	if (xs != NULL)
		xs_close(xs);
	return rc;
}

static int
xentest_path_exists(struct xs_handle *xs, const char *path)
{
	unsigned int len;
	char *v = xs_read(xs, XBT_NULL, path, &len);

	if (v == NULL)
		return -1;
	printf("%s\n", v);
	free(v);
	return 0;
}

static int
xentest_alive(struct xs_handle *xs, const char *name)
{
	char path[128], *v;
	unsigned int i, n, len;
	char **doms = xs_directory(xs, XBT_NULL, "/local/domain", &n);
	int rc = -1;

	for (i = 0; doms != NULL && i < n && rc == -1; i++) {
		snprintf(path, sizeof(path), "/local/domain/%s/name", doms[i]);
		if ((v = xs_read(xs, XBT_NULL, path, &len)) == NULL)
			continue;
		if (strcmp(v, name) == 0) {
			snprintf(path, sizeof(path),
			    "/local/domain/%s/data/alive", doms[i]);
			free(v);
			if ((v = xs_read(xs, XBT_NULL, path, &len)) != NULL) {
				printf("%s\n", doms[i]);
				rc = 0;
			}
		}
		free(v);
	}
	free(doms);
	return rc;
}

static int
xentest_xs_wait(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: kura-xentest xs-wait SECONDS PATH\n");
		return CLI_EXIT_USAGE;
	}
	return xentest_wait(argv[1], argv[2], xentest_path_exists, argv[2]);
}

static int
xentest_wait_alive(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr,
		    "usage: kura-xentest wait-alive SECONDS NAME\n");
		return CLI_EXIT_USAGE;
	}
	return xentest_wait(argv[1], "/local/domain", xentest_alive, argv[2]);
}

/* xs-until: what PATH must read, NULL for "gone". */
static const char *xentest_until_value;

static int
xentest_until(struct xs_handle *xs, const char *path)
{
	unsigned int len;
	char *v = xs_read(xs, XBT_NULL, path, &len);
	int hit = xentest_until_value == NULL
	    ? v == NULL
	    : v != NULL && strcmp(v, xentest_until_value) == 0;
	struct timespec ts;

	free(v);
	if (!hit)
		return -1;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	printf("%lld\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	return 0;
}

static int
xentest_xs_until(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr,
		    "usage: kura-xentest xs-until SECONDS PATH VALUE|-\n");
		return CLI_EXIT_USAGE;
	}
	xentest_until_value = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
	return xentest_wait(argv[1], argv[2], xentest_until, argv[2]);
}

static const struct cli_command xentest_commands[] = {
	{ "create", xentest_create, "NAME KERNEL RAMDISK CMDLINE [MB]",
	    "create and unpause a PV domain" },
	{ "destroy", xentest_destroy, "NAME", "destroy a domain" },
	{ "list", xentest_list, "", "list domains" },
	{ "xs-wait", xentest_xs_wait, "SECONDS PATH",
	    "print PATH's value once it exists" },
	{ "wait-alive", xentest_wait_alive, "SECONDS NAME",
	    "print domain NAME's id once it is alive" },
	{ "xs-until", xentest_xs_until, "SECONDS PATH VALUE|-",
	    "print the uptime (ms) once PATH reads VALUE, or is gone" },
};

static const struct cli_program xentest_program = {
	.name = "kura-xentest",
	.summary = "Drive kura's libxl layer from Xen-tier scenarios.",
	.commands = xentest_commands,
	.ncommands = sizeof(xentest_commands) / sizeof(xentest_commands[0]),
};

int
main(int argc, char **argv)
{
	log_init("kura-xentest", 1, LOG_LEVEL_INFO);
	return cli_main(&xentest_program, argc, argv);
}
