/*
 * devpci: PCI devices for the client VM.  The policy decides on each PCI
 * function at kurad's start (bus pci, class, pci-address); those it gives
 * the client VM are bound to xen-pciback and passed through when the
 * client VM is created, the way vRAS gives its client everything but
 * storage and network controllers.  dom0 keeps the rest, and always needs
 * its USB controllers: kurad decides on USB devices one by one through
 * them.
 *
 * Passing a device through without an IOMMU would give the guest DMA to
 * all of memory, and libxl would refuse half-way; kurad refuses first,
 * with the reason, and the client VM does not start.  A policy change
 * takes effect for PCI at the client VM's next start.
 */
#ifndef KURA_DEVPCI_H
#define KURA_DEVPCI_H

#include <stddef.h>

#include "vm.h"

struct devices;

struct dev;
struct sup_dom;

/* The policy gives dv (a PCI function) to the client VM. */
int devpci_wanted(const struct dev *dv);
/* The client VM changed: a passed-through device is attached while it
 * runs with it. */
void devpci_running(struct devices *ds, struct dev *dv,
    const struct sup_dom *cli);
/* The PCI functions present, decided on (kurad's start). */
void devpci_coldplug(struct devices *ds);
/* Adds the client VM's devices to cfg (binding them to pciback); -1 with
 * the reason in err if they cannot all be given. */
int devpci_prepare(struct devices *ds, libxl_domain_config *cfg, char *err,
    size_t errlen);

#endif
