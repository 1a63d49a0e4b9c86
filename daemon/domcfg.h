/*
 * domcfg: one domain file (the service domain's or the client VM's) in
 * the subset of xl.cfg(5) kurad supports, turned into the
 * libxl_domain_config xl would build from it (xl_parse.c) and the
 * on_poweroff/on_reboot/on_crash of its vm_policy.
 */
#ifndef KURA_DOMCFG_H
#define KURA_DOMCFG_H

#include "conf.h"

/* Xen 4.17's limit for HVM guests; cap ranges are per vCPU. */
#define DOMCFG_MAX_VCPUS 128

/* Loads dom->path into dom->cfg (initialised; the caller disposes of it)
 * and dom->policy, whose role defaults it sets first.  other, if not
 * NULL, is the domain loaded before, whose name this one must not take.
 * Returns 0, or -1 with errors in d. */
int domcfg_load(struct conf_domain *dom, const struct conf_domain *other,
    struct diags *d);

/* "destroy", "restart" or "preserve". */
const char *domcfg_action_name(enum vm_action_policy a);

#endif
