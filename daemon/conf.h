/*
 * kurad's configuration: /etc/kura/kurad.conf for the daemon, and the
 * client VM and service domain defined in xl.cfg syntax (xl.cfg(5), the
 * syntax admins already know), parsed with libxlutil for the keys kurad
 * supports.  Anything else is an error naming FILE:LINE.  Loading needs no
 * Xen, so that `kurad -n` runs in make check.
 */
#ifndef KURA_CONF_H
#define KURA_CONF_H

#include <stdio.h>

#define LIBXL_API_VERSION 0x041400
#include <libxl.h>

#include "diag.h"
#include "vmstate.h"

#define CONF_DEFAULT_PATH "/etc/kura/kurad.conf"

enum conf_role {
	CONF_SERVICE = 0, /* the hidden service domain, started first */
	CONF_CLIENT,      /* the employee's client VM */
	CONF_ROLE__COUNT,
};

struct conf_domain {
	enum conf_role role;
	char *path;              /* its xl.cfg file */
	libxl_domain_config cfg; /* what libxl creates */
	struct vm_policy policy; /* on_poweroff/on_reboot/on_crash, timers */
	int weight;              /* credit2 weight, 1..65535 */
	int cap; /* credit2 cap in percent of one vCPU; 0 none */
};

struct kurad_conf {
	char *path;
	char *socket_path;    /* socket, default /run/kura/kurad.sock */
	char *control_group;  /* control_group, default "kura": its members
				 may act, like root; others read status */
	char *audit_log;      /* audit_log, default /var/log/kura/audit.log */
	int shutdown_timeout; /* shutdown_timeout (s), default 60 */
	char *policy_path;    /* policy: the signed device policy */
	char *policy_key;     /* policy_key: the public key it is signed with */
	int on_lan;           /* location = "on-lan" (default off-lan) */
	struct conf_domain dom[CONF_ROLE__COUNT];
};

/* Loads path (the daemon configuration and both domain files it names;
 * relative domain paths are relative to the configuration's directory).
 * Returns 0, or -1 with at least one error in d; warnings may be added in
 * either case.  c must be freed with conf_free either way. */
int conf_load(const char *path, struct kurad_conf *c, struct diags *d);
void conf_free(struct kurad_conf *c);

/* What `kurad -n` prints: the effective settings and, per domain, the
 * libxl JSON it would create (libxl_domain_config_to_json). */
void conf_print(const struct kurad_conf *c, FILE *fp);

const char *conf_role_name(enum conf_role r);

#endif
