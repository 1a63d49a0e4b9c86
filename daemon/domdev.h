/*
 * domdev: the device lists of a domain file (disk, vif, pci) into the
 * arrays of its libxl_domain_config.  disk and pci specifications are
 * libxlutil's (xl-disk-configuration(5), xl-pci-configuration(5)); vif
 * settings are parsed here, for the subset kurad supports.
 */
#ifndef KURA_DOMDEV_H
#define KURA_DOMDEV_H

#include "cfgfile.h"

/* Each returns -1 after reporting what is wrong in f's list; the items
 * it could parse are in c all the same. */
int domdev_disks(struct cfgfile *f, libxl_domain_config *c);
int domdev_vifs(struct cfgfile *f, libxl_domain_config *c);
int domdev_pcis(struct cfgfile *f, libxl_domain_config *c);

#endif
