/* domcfg.c: a domain file into a libxl_domain_config, as xl does. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "cfgfile.h"
#include "domcfg.h"
#include "domdev.h"
#include "xalloc.h"

/* 16 TiB: beyond any laptop, and far from overflowing the KiB fields. */
#define DOMCFG_MAX_MIB (16L * 1024 * 1024)
#define DOMCFG_NAME_MAX 64
#define DOMCFG_NAME_CHARS                                                      \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"

struct domcfg {
	struct cfgfile f;
	struct conf_domain *dom;
	libxl_domain_config *cfg;
	libxl_domain_build_info *b;
};

/* What each role does when its domain stops, unless its file says. */
static const struct domcfg_defaults {
	enum vm_action_policy on_poweroff, on_reboot, on_crash;
} domcfg_defaults[CONF_ROLE__COUNT] = {
	/* The service domain must stay up, whatever it does. */
	[CONF_SERVICE] = { VM_ON_RESTART, VM_ON_RESTART, VM_ON_RESTART },
	[CONF_CLIENT] = { VM_ON_DESTROY, VM_ON_RESTART, VM_ON_RESTART },
};

/* xl's on_* values: kurad does the first three itself (vmstate). */
static const struct domcfg_action {
	const char *name;
	int supported;
	enum vm_action_policy policy;
	libxl_action_on_shutdown libxl;
} domcfg_actions[] = {
	{ "destroy", 1, VM_ON_DESTROY, LIBXL_ACTION_ON_SHUTDOWN_DESTROY },
	{ "restart", 1, VM_ON_RESTART, LIBXL_ACTION_ON_SHUTDOWN_RESTART },
	{ "preserve", 1, VM_ON_PRESERVE, LIBXL_ACTION_ON_SHUTDOWN_PRESERVE },
	{ "rename-restart", 0, 0, LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME },
	{ "coredump-destroy", 0, 0, LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY },
	{ "coredump-restart", 0, 0, LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART },
	{ "soft-reset", 0, 0, LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET },
};

static const struct domcfg_type {
	const char *name;
	libxl_domain_type type;
} domcfg_types[] = {
	{ "pv", LIBXL_DOMAIN_TYPE_PV },
	{ "pvh", LIBXL_DOMAIN_TYPE_PVH },
	{ "hvm", LIBXL_DOMAIN_TYPE_HVM },
};

static const struct domcfg_vga {
	const char *name;
	libxl_vga_interface_type kind;
} domcfg_vgas[] = {
	{ "none", LIBXL_VGA_INTERFACE_TYPE_NONE },
	{ "stdvga", LIBXL_VGA_INTERFACE_TYPE_STD },
	{ "cirrus", LIBXL_VGA_INTERFACE_TYPE_CIRRUS },
};

#define DOMCFG_NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
domcfg_missing(struct domcfg *p, const char *key, const char *why)
{
	diags_add(p->f.d, DIAG_ERROR, p->f.path, 0, 0,
	    "missing required key \"%s\"%s", key, why);
	return -1;
}

static int
domcfg_name(struct domcfg *p, const struct conf_domain *other)
{
	const char *name = NULL, *taken = NULL;

	if (cfgfile_string(&p->f, "name", &name) == -1)
		return -1;
	if (name == NULL)
		return domcfg_missing(p, "name", "");
	if (name[0] == '\0' || strlen(name) > DOMCFG_NAME_MAX ||
	    name[strspn(name, DOMCFG_NAME_CHARS)] != '\0') {
		cfgfile_error(&p->f, "name",
		    "name \"%s\" must be 1 to %d letters, digits, '.', '_' or "
		    "'-'",
		    name, DOMCFG_NAME_MAX);
		return -1;
	}
	if (other != NULL)
		taken = other->cfg.c_info.name;
	if (taken != NULL && strcmp(name, taken) == 0) {
		cfgfile_error(&p->f, "name",
		    "name \"%s\" is also the %s domain's name (%s)", name,
		    conf_role_name(other->role), other->path);
		return -1;
	}
	p->cfg->c_info.name = xstrdup(name);
	return 0;
}

static int
domcfg_type(struct domcfg *p)
{
	const char *s = NULL;
	size_t i;

	if (cfgfile_string(&p->f, "type", &s) == -1)
		return -1;
	if (s == NULL)
		return domcfg_missing(p, "type", " (pv, pvh or hvm)");
	for (i = 0; i < DOMCFG_NELEM(domcfg_types); i++)
		if (strcmp(s, domcfg_types[i].name) == 0)
			break;
	if (i == DOMCFG_NELEM(domcfg_types)) {
		cfgfile_error(&p->f, "type",
		    "type must be pv, pvh or hvm, not \"%s\"", s);
		return -1;
	}
	p->cfg->c_info.type = domcfg_types[i].type;
	libxl_domain_build_info_init_type(p->b, domcfg_types[i].type);
	return 0;
}

static int
domcfg_memory(struct domcfg *p)
{
	long mem = 0, max = 0;

	if (cfgfile_long(&p->f, "memory", 1, DOMCFG_MAX_MIB, &mem) == -1)
		return -1;
	if (mem == 0)
		return domcfg_missing(p, "memory", " (MiB)");
	/* As in xl, maxmem above memory lets the guest balloon up to it. */
	if (cfgfile_long(&p->f, "maxmem", mem, DOMCFG_MAX_MIB, &max) == -1)
		return -1;
	p->b->target_memkb = (uint64_t)mem * 1024;
	p->b->max_memkb = (uint64_t)(max != 0 ? max : mem) * 1024;
	return 0;
}

/* libxl_cpu_bitmap_alloc needs a libxl context, and libxl_bitmap_alloc
 * crashes without one in Xen 4.17; kurad -n has none (no Xen).  The map
 * is freed by libxl_bitmap_dispose, with free(). */
static int
domcfg_vcpus(struct domcfg *p)
{
	long n = 1;
	int i;

	if (cfgfile_long(&p->f, "vcpus", 1, DOMCFG_MAX_VCPUS, &n) == -1)
		return -1;
	p->b->max_vcpus = (int)n;
	p->b->avail_vcpus.size = (uint32_t)(n + 7) / 8;
	p->b->avail_vcpus.map = xcalloc(p->b->avail_vcpus.size, 1);
	for (i = 0; i < n; i++)
		libxl_bitmap_set(&p->b->avail_vcpus, i);
	return 0;
}

/* kurad runs in /: a relative path would be a trap. */
static int
domcfg_path(struct domcfg *p, const char *key, char **path_r)
{
	const char *s = NULL;

	if (cfgfile_string(&p->f, key, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (s[0] != '/') {
		cfgfile_error(&p->f, key,
		    "\"%s\" must be an absolute path, not \"%s\"", key, s);
		return -1;
	}
	*path_r = xstrdup(s);
	return 0;
}

/* An HVM guest without kernel boots from its disks: then ramdisk and
 * cmdline would be silently ignored. */
static int
domcfg_needs_kernel(struct domcfg *p, const char *key)
{
	if (p->b->kernel != NULL || p->b->type != LIBXL_DOMAIN_TYPE_HVM ||
	    cfgfile_line(&p->f, key) == 0)
		return 0;
	cfgfile_error(&p->f, key, "\"%s\" needs \"kernel\"", key);
	return -1;
}

static int
domcfg_kernel(struct domcfg *p)
{
	if (domcfg_path(p, "kernel", &p->b->kernel) == -1)
		return -1;
	if (p->b->kernel == NULL && p->b->type != LIBXL_DOMAIN_TYPE_HVM)
		return domcfg_missing(p, "kernel",
		    p->b->type == LIBXL_DOMAIN_TYPE_PV
			? " (for type = \"pv\")"
			: " (for type = \"pvh\")");
	return 0;
}

static int
domcfg_ramdisk(struct domcfg *p)
{
	if (domcfg_path(p, "ramdisk", &p->b->ramdisk) == -1)
		return -1;
	return domcfg_needs_kernel(p, "ramdisk");
}

/* As xl's parse_cmdline, without root=: extra is cmdline's old name. */
static int
domcfg_cmdline(struct domcfg *p)
{
	const char *cmdline = NULL, *extra = NULL;

	if (cfgfile_string(&p->f, "cmdline", &cmdline) == -1 ||
	    cfgfile_string(&p->f, "extra", &extra) == -1)
		return -1;
	if (cmdline != NULL && extra != NULL)
		diags_add(p->f.d, DIAG_WARNING, p->f.path,
		    cfgfile_line(&p->f, "extra"), 0,
		    "\"extra\" is ignored: \"cmdline\" is set");
	if (cmdline == NULL)
		cmdline = extra;
	if (cmdline == NULL)
		return 0;
	p->b->cmdline = xstrdup(cmdline);
	return domcfg_needs_kernel(p,
	    cfgfile_line(&p->f, "cmdline") != 0 ? "cmdline" : "extra");
}

static int
domcfg_disks(struct domcfg *p)
{
	return domdev_disks(&p->f, p->cfg);
}

static int
domcfg_vifs(struct domcfg *p)
{
	return domdev_vifs(&p->f, p->cfg);
}

static int
domcfg_pcis(struct domcfg *p)
{
	return domdev_pcis(&p->f, p->cfg);
}

static const struct domcfg_action *
domcfg_action_find(const char *name)
{
	size_t i;

	for (i = 0; i < DOMCFG_NELEM(domcfg_actions); i++)
		if (strcmp(name, domcfg_actions[i].name) == 0)
			return &domcfg_actions[i];
	return NULL;
}

static const struct domcfg_action *
domcfg_action_of(enum vm_action_policy policy)
{
	size_t i;

	for (i = 0; i < DOMCFG_NELEM(domcfg_actions); i++)
		if (domcfg_actions[i].supported &&
		    domcfg_actions[i].policy == policy)
			return &domcfg_actions[i];
	return NULL;
}

const char *
domcfg_action_name(enum vm_action_policy a)
{
	const struct domcfg_action *act = domcfg_action_of(a);

	return act != NULL ? act->name : "?";
}

/* One of on_poweroff, on_reboot, on_crash; *policy holds its default.
 * The libxl field is set too, as xl does, though kurad acts on it. */
static int
domcfg_action(struct domcfg *p, const char *key, enum vm_action_policy *policy,
    libxl_action_on_shutdown *libxl)
{
	const struct domcfg_action *a = domcfg_action_of(*policy);
	const char *s = NULL;

	if (cfgfile_string(&p->f, key, &s) == -1)
		return -1;
	if (s != NULL)
		a = domcfg_action_find(s);
	if (a == NULL) {
		cfgfile_error(&p->f, key,
		    "%s must be destroy, restart or preserve, not \"%s\"", key,
		    s);
		return -1;
	}
	if (!a->supported) {
		cfgfile_error(&p->f, key,
		    "%s = \"%s\" is not supported by kurad (use destroy, "
		    "restart or preserve)",
		    key, s);
		return -1;
	}
	/* Keeping a dead domain is for looking into a crash. */
	if (a->policy == VM_ON_PRESERVE && strcmp(key, "on_crash") != 0) {
		cfgfile_error(&p->f, key, "\"preserve\" is only for on_crash");
		return -1;
	}
	*policy = a->policy;
	*libxl = a->libxl;
	return 0;
}

static int
domcfg_on_poweroff(struct domcfg *p)
{
	return domcfg_action(p, "on_poweroff", &p->dom->policy.on_poweroff,
	    &p->cfg->on_poweroff);
}

static int
domcfg_on_reboot(struct domcfg *p)
{
	return domcfg_action(p, "on_reboot", &p->dom->policy.on_reboot,
	    &p->cfg->on_reboot);
}

/* vmstate treats a watchdog firing as a crash: so does the config. */
static int
domcfg_on_crash(struct domcfg *p)
{
	int rc = domcfg_action(p, "on_crash", &p->dom->policy.on_crash,
	    &p->cfg->on_crash);

	p->cfg->on_watchdog = p->cfg->on_crash;
	return rc;
}

static int
domcfg_serial(struct domcfg *p)
{
	const char *s = NULL;

	if (cfgfile_string(&p->f, "serial", &s) == -1)
		return -1;
	if (s != NULL)
		p->b->u.hvm.serial = xstrdup(s);
	return 0;
}

static int
domcfg_vga(struct domcfg *p)
{
	const char *s = NULL;
	size_t i;

	if (cfgfile_string(&p->f, "vga", &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	for (i = 0; i < DOMCFG_NELEM(domcfg_vgas); i++) {
		if (strcmp(s, domcfg_vgas[i].name) == 0) {
			p->b->u.hvm.vga.kind = domcfg_vgas[i].kind;
			return 0;
		}
	}
	cfgfile_error(&p->f, "vga",
	    "vga must be none, stdvga or cirrus, not "
	    "\"%s\"",
	    s);
	return -1;
}

static int
domcfg_bool(struct domcfg *p, const char *key, libxl_defbool *b)
{
	long v = -1;

	if (cfgfile_long(&p->f, key, 0, 1, &v) == -1)
		return -1;
	if (v != -1)
		libxl_defbool_set(b, v != 0);
	return 0;
}

static int
domcfg_vnc(struct domcfg *p)
{
	return domcfg_bool(p, "vnc", &p->b->u.hvm.vnc.enable);
}

static int
domcfg_nographic(struct domcfg *p)
{
	return domcfg_bool(p, "nographic", &p->b->u.hvm.nographic);
}

/* QEMU's boot order: a floppy, c disk, d CD-ROM, n network. */
static int
domcfg_boot(struct domcfg *p)
{
	const char *s = NULL;

	if (cfgfile_string(&p->f, "boot", &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (s[0] == '\0' || strlen(s) > 4 || s[strspn(s, "acdn")] != '\0') {
		cfgfile_error(&p->f, "boot",
		    "boot must be 1 to 4 of the letters a, c, d, n, not \"%s\"",
		    s);
		return -1;
	}
	p->b->u.hvm.boot = xstrdup(s);
	return 0;
}

/* The keys kurad supports, in the order they are parsed; name and type
 * come first (domcfg_load), as the rest depends on the type. */
static const struct domcfg_key {
	const char *name;
	int (*parse)(struct domcfg *p); /* NULL: parsed with another */
	int hvm_only;
} domcfg_keys[] = {
	{ "name", NULL, 0 },
	{ "type", NULL, 0 },
	{ "memory", domcfg_memory, 0 },
	{ "maxmem", NULL, 0 },
	{ "vcpus", domcfg_vcpus, 0 },
	{ "kernel", domcfg_kernel, 0 },
	{ "ramdisk", domcfg_ramdisk, 0 },
	{ "cmdline", domcfg_cmdline, 0 },
	{ "extra", NULL, 0 },
	{ "disk", domcfg_disks, 0 },
	{ "vif", domcfg_vifs, 0 },
	{ "pci", domcfg_pcis, 0 },
	{ "on_poweroff", domcfg_on_poweroff, 0 },
	{ "on_reboot", domcfg_on_reboot, 0 },
	{ "on_crash", domcfg_on_crash, 0 },
	{ "serial", domcfg_serial, 1 },
	{ "vga", domcfg_vga, 1 },
	{ "vnc", domcfg_vnc, 1 },
	{ "nographic", domcfg_nographic, 1 },
	{ "boot", domcfg_boot, 1 },
};

static int
domcfg_parse_keys(struct domcfg *p)
{
	const struct domcfg_key *k;
	int rc = 0;
	size_t i;

	for (i = 0; i < DOMCFG_NELEM(domcfg_keys); i++) {
		k = &domcfg_keys[i];
		if (k->hvm_only && p->b->type != LIBXL_DOMAIN_TYPE_HVM) {
			if (cfgfile_line(&p->f, k->name) == 0)
				continue;
			cfgfile_error(&p->f, k->name,
			    "\"%s\" is only for type = \"hvm\"", k->name);
			rc = -1;
		} else if (k->parse != NULL && k->parse(p) == -1) {
			rc = -1;
		}
	}
	return rc;
}

/* What libxl would refuse only when creating the domain: outside PV,
 * maxmem above memory means populate-on-demand, which cannot work with the
 * IOMMU that PCI passthrough needs. */
static int
domcfg_check_pod(struct domcfg *p)
{
	if (p->cfg->num_pcidevs == 0 || p->b->type == LIBXL_DOMAIN_TYPE_PV ||
	    p->b->max_memkb <= p->b->target_memkb)
		return 0;
	cfgfile_error(&p->f, "maxmem",
	    "\"maxmem\" above \"memory\" cannot go with \"pci\" in a "
	    "non-PV guest (populate-on-demand does not work with an IOMMU)");
	return -1;
}

int
domcfg_load(struct conf_domain *dom, const struct conf_domain *other,
    struct diags *d)
{
	struct domcfg p = { .dom = dom,
		.cfg = &dom->cfg,
		.b = &dom->cfg.b_info };
	const struct domcfg_defaults *def = &domcfg_defaults[dom->role];
	int rc = -1;

	dom->policy.on_poweroff = def->on_poweroff;
	dom->policy.on_reboot = def->on_reboot;
	dom->policy.on_crash = def->on_crash;
	if (cfgfile_open(&p.f, dom->path, d) == -1)
		goto out;
	rc = cfgfile_check_keys(&p.f, domcfg_keys, DOMCFG_NELEM(domcfg_keys),
	    sizeof(domcfg_keys[0]));
	if (!p.f.parsed) {
		rc = -1;
		goto out;
	}
	if (domcfg_name(&p, other) == -1)
		rc = -1;
	if (domcfg_type(&p) == -1) {
		rc = -1;
		goto out; /* the other keys depend on it */
	}
	if (domcfg_parse_keys(&p) == -1)
		rc = -1;
	if (domcfg_check_pod(&p) == -1)
		rc = -1;
out:
	cfgfile_close(&p.f);
	return rc;
}
