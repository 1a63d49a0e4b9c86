/*
 * vm: kurad's use of libxl, one place for creating, finding and destroying
 * domains.  The libxl context is the caller's (kurad owns one for its life).
 */
#ifndef KURA_VM_H
#define KURA_VM_H

#include <stdint.h>

#define LIBXL_API_VERSION 0x041400
#include <libxl.h>
#include <libxl_utils.h>

/* A directly booted guest: enough for the test guests of the Xen tier. */
struct vm_spec {
	const char *name;
	libxl_domain_type type; /* LIBXL_DOMAIN_TYPE_PV, _PVH or _HVM */
	const char *kernel;
	const char *ramdisk; /* may be NULL */
	const char *cmdline; /* may be NULL */
	int memory_mb;
	int vcpus;
};

int vm_ctx_open(libxl_ctx **ctx_r, xentoollog_logger **logger_r);
void vm_ctx_close(libxl_ctx *ctx, xentoollog_logger *logger);
int vm_config_from_spec(libxl_ctx *ctx, const struct vm_spec *spec,
    libxl_domain_config *cfg);
int vm_create(libxl_ctx *ctx, libxl_domain_config *cfg, uint32_t *domid_r,
    const libxl_asyncop_how *how);
int vm_find(libxl_ctx *ctx, const char *name, uint32_t *domid_r);
int vm_destroy(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *how);

#endif
