/* devpci.c: PCI passthrough by policy (see devpci.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "devpci.h"
#include "log.h"
#include "probe.h"
#include "xalloc.h"

int
devpci_wanted(const struct dev *dv)
{
	return dv->d.bus == DEVICE_BUS_PCI && dv->verdict != POLICY_DENY &&
	    dv->target == POLICY_TARGET_CLIENT;
}

static void
devpci_add_dev(struct devices *ds, const struct device *d)
{
	struct dev *dv = xcalloc(1, sizeof(*dv));

	dv->d = *d;
	snprintf(dv->syspath, sizeof(dv->syspath), "/sys/bus/pci/devices/%s",
	    d->pci_address);
	devices_decide(ds, dv);
	devices_apply(ds, dv);
	TAILQ_INSERT_TAIL(&ds->list, dv, link);
	devices_log_decision(dv);
	devices_audit(ds, dv, "plug", NULL);
}

static int devpci_parse(const char *bdf, libxl_device_pci *pci);

/* The running client VM has dv: given by this kurad, or found in its
 * configuration by a kurad that restarted. */
static int
devpci_in(libxl_ctx *ctx, uint32_t domid, const struct dev *dv)
{
	libxl_device_pci want, *l;
	int i, n = 0, found = 0;

	libxl_device_pci_init(&want);
	if (devpci_parse(dv->d.pci_address, &want) == -1)
		return 0;
	l = libxl_device_pci_list(ctx, domid, &n);
	for (i = 0; l != NULL && i < n; i++)
		found |= l[i].domain == want.domain && l[i].bus == want.bus &&
		    l[i].dev == want.dev && l[i].func == want.func;
	if (l != NULL)
		libxl_device_pci_list_free(l, n);
	return found;
}

/* The client VM runs with the PCI devices devpci gave it. */
void
devpci_running(struct devices *ds, struct dev *dv, const struct sup_dom *cli)
{
	if (dv->d.bus != DEVICE_BUS_PCI || dv->state == DEV_ATTACHED ||
	    cli->sm.state != VM_RUNNING)
		return;
	if (!dv->passed && !devpci_in(ds->ctx, cli->domid, dv))
		return;
	dv->passed = 1;
	dv->state = DEV_ATTACHED;
	dv->domid = cli->domid;
	devices_audit(ds, dv, "attach", NULL);
}

void
devpci_coldplug(struct devices *ds)
{
	struct device *devs = NULL;
	char err[256];
	size_t i, n = 0;

	if (probe_sysfs("/", &devs, &n, err, sizeof(err)) == -1) {
		log_warnx("PCI devices: %s: none is given to the client VM",
		    err);
		return;
	}
	for (i = 0; i < n; i++)
		if (devs[i].bus == DEVICE_BUS_PCI)
			devpci_add_dev(ds, &devs[i]);
	free(devs);
}

/* Xen can confine a passed-through device's DMA. */
static int
devpci_iommu(libxl_ctx *ctx)
{
	libxl_physinfo info;
	int rc;

	libxl_physinfo_init(&info);
	rc = libxl_get_physinfo(ctx, &info) == 0 && info.cap_hvm_directio;
	libxl_physinfo_dispose(&info);
	return rc;
}

static int
devpci_parse(const char *bdf, libxl_device_pci *pci)
{
	unsigned int dom, bus, dev, fn;
	char end;

	if (sscanf(bdf, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn, &end) !=
		4 ||
	    dev > 0x1f || fn > 7)
		return -1;
	pci->domain = (int)dom;
	pci->bus = (uint8_t)bus;
	pci->dev = (uint8_t)dev;
	pci->func = (uint8_t)fn;
	return 0;
}

/* Bound to pciback (unbinding dom0's driver), then in cfg. */
static int
devpci_add(libxl_ctx *ctx, libxl_domain_config *cfg, const struct dev *dv,
    char *err, size_t errlen)
{
	libxl_device_pci pci, *slot;
	int rc;

	libxl_device_pci_init(&pci);
	if (devpci_parse(dv->d.pci_address, &pci) == -1) {
		snprintf(err, errlen, "%s: bad PCI address", dv->d.id);
		return -1;
	}
	rc = libxl_device_pci_assignable_add(ctx, &pci, 1);
	if (rc != 0) {
		snprintf(err, errlen,
		    "%s: cannot make it assignable (libxl error %d; is "
		    "xen-pciback loaded?)",
		    dv->d.id, rc);
		return -1;
	}
	cfg->pcidevs = xreallocarray(cfg->pcidevs, (size_t)cfg->num_pcidevs + 1,
	    sizeof(*cfg->pcidevs));
	slot = &cfg->pcidevs[cfg->num_pcidevs++];
	libxl_device_pci_init(slot);
	slot->domain = pci.domain;
	slot->bus = pci.bus;
	slot->dev = pci.dev;
	slot->func = pci.func;
	return 0;
}

int
devpci_prepare(struct devices *ds, libxl_domain_config *cfg, char *err,
    size_t errlen)
{
	struct dev *dv;
	int n = 0;

	TAILQ_FOREACH (dv, &ds->list, link)
		n += devpci_wanted(dv);
	if (n == 0)
		return 0;
	if (!devpci_iommu(ds->ctx)) {
		snprintf(err, errlen,
		    "the policy gives it %d PCI device(s), and Xen has no "
		    "IOMMU to confine their DMA (no hvm_directio in xl info's "
		    "virt_caps): enable VT-d/AMD-Vi or change the policy",
		    n);
		return -1;
	}
	TAILQ_FOREACH (dv, &ds->list, link) {
		if (!devpci_wanted(dv))
			continue;
		if (devpci_add(ds->ctx, cfg, dv, err, errlen) == -1)
			return -1;
		dv->passed = 1;
		log_info("%s: passed through to the client VM", dv->d.id);
	}
	return 0;
}
