/*
 * kura-xentest: drives kura's libxl layer (daemon/vm.c) from the Xen-tier
 * scenarios, before kurad itself creates domains.
 *
 *   kura-xentest create NAME KERNEL RAMDISK CMDLINE [MEMORY_MB]
 *   kura-xentest destroy NAME
 *   kura-xentest list
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

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

static const struct cli_command xentest_commands[] = {
	{ "create", xentest_create, "NAME KERNEL RAMDISK CMDLINE [MB]",
	    "create and unpause a PV domain" },
	{ "destroy", xentest_destroy, "NAME", "destroy a domain" },
	{ "list", xentest_list, "", "list domains" },
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
