/* vm.c: domain life cycle through libxl. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "vm.h"
#include "xalloc.h"

int
vm_ctx_open(libxl_ctx **ctx_r, xentoollog_logger **logger_r)
{
	xentoollog_logger_stdiostream *lg;

	*ctx_r = NULL;
	*logger_r = NULL;
	/* libxl's own progress messages when kurad logs debug (-v). */
	lg = xtl_createlogger_stdiostream(stderr,
	    log_getlevel() >= LOG_LEVEL_DEBUG ? XTL_DEBUG : XTL_WARN, 0);
	if (lg == NULL) {
		log_warnx("cannot create the libxl logger");
		return -1;
	}
	if (libxl_ctx_alloc(ctx_r, LIBXL_VERSION, 0, (xentoollog_logger *)lg) !=
	    0) {
		log_warnx("libxl_ctx_alloc failed: is this dom0 with "
			  "xenstored running and privcmd loaded?");
		xtl_logger_destroy((xentoollog_logger *)lg);
		*ctx_r = NULL;
		return -1;
	}
	*logger_r = (xentoollog_logger *)lg;
	return 0;
}

void
vm_ctx_close(libxl_ctx *ctx, xentoollog_logger *logger)
{
	if (ctx)
		libxl_ctx_free(ctx);
	if (logger)
		xtl_logger_destroy(logger);
}

static int
vm_set_vcpus(libxl_ctx *ctx, libxl_domain_build_info *b, int vcpus)
{
	int i;

	b->max_vcpus = vcpus;
	if (libxl_cpu_bitmap_alloc(ctx, &b->avail_vcpus, vcpus) != 0)
		return -1;
	libxl_bitmap_set_none(&b->avail_vcpus);
	for (i = 0; i < vcpus; i++)
		libxl_bitmap_set(&b->avail_vcpus, i);
	return 0;
}

/* Fills an initialised cfg; the caller disposes of it in any case. */
int
vm_config_from_spec(libxl_ctx *ctx, const struct vm_spec *spec,
    libxl_domain_config *cfg)
{
	libxl_domain_build_info *b = &cfg->b_info;

	if (spec->name == NULL || spec->kernel == NULL ||
	    spec->memory_mb <= 0 || spec->vcpus <= 0) {
		log_warnx("incomplete domain spec");
		return -1;
	}
	cfg->c_info.type = spec->type;
	cfg->c_info.name = xstrdup(spec->name);
	libxl_domain_build_info_init_type(b, spec->type);
	b->max_memkb = (uint64_t)spec->memory_mb * 1024;
	b->target_memkb = b->max_memkb;
	b->kernel = xstrdup(spec->kernel);
	if (spec->ramdisk)
		b->ramdisk = xstrdup(spec->ramdisk);
	if (spec->cmdline)
		b->cmdline = xstrdup(spec->cmdline);
	/* libxl leaves these to the caller (xl sets them in xl_parse.c). */
	cfg->on_poweroff = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	cfg->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_RESTART;
	cfg->on_crash = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	return vm_set_vcpus(ctx, b, spec->vcpus);
}

/* Creates the domain and lets it run: libxl leaves new domains paused. */
int
vm_create(libxl_ctx *ctx, libxl_domain_config *cfg, uint32_t *domid_r,
    const libxl_asyncop_how *how)
{
	int rc;

	*domid_r = INVALID_DOMID;
	rc = libxl_domain_create_new(ctx, cfg, domid_r, how, NULL);
	if (rc != 0) {
		log_warnx("libxl_domain_create_new %s: error %d",
		    cfg->c_info.name, rc);
		return -1;
	}
	if (how != NULL)
		return 0; /* unpaused by the caller on completion */
	rc = libxl_domain_unpause(ctx, *domid_r, NULL);
	if (rc != 0) {
		log_warnx("libxl_domain_unpause %u: error %d", *domid_r, rc);
		return -1;
	}
	return 0;
}

int
vm_find(libxl_ctx *ctx, const char *name, uint32_t *domid_r)
{
	if (libxl_name_to_domid(ctx, name, domid_r) != 0) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int
vm_destroy(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *how)
{
	int rc = libxl_domain_destroy(ctx, domid, how);

	if (rc != 0) {
		log_warnx("libxl_domain_destroy %u: error %d", domid, rc);
		return -1;
	}
	return 0;
}
