/*
 * devices: kurad's table of the devices it has decided on, and what each
 * decision does (docs/devices.md):
 *
 *   deny        the USB device stays not authorized: no driver in dom0,
 *               nothing in the client VM;
 *   allow, a hub or "to none"
 *               authorized for dom0's own use;
 *   allow, USB storage
 *               authorized, so that usb-storage makes its disk, which
 *               goes to the client VM as a virtual block device,
 *               read-only (the backend's mode=r) when the policy says so.
 *
 * Decisions come from the signed policy (policy, policy_key in
 * kurad.conf); without a good one every device is denied.  Each decision
 * and each attach and detach goes to the audit log with the rule that
 * made it.
 */
#ifndef KURA_DEVICES_H
#define KURA_DEVICES_H

#include <limits.h>
#include <stdint.h>
#include <sys/queue.h>

#include <event2/event.h>
#include <jansson.h>

#include "audit.h"
#include "conf.h"
#include "devmon.h"
#include "policy.h"
#include "sup.h"

enum dev_state {
	DEV_DENIED = 0, /* not authorized: not in dom0, not in the client */
	DEV_DOM0,       /* authorized for dom0's own use (hubs, "to none") */
	DEV_WAITING,    /* allowed: waiting for its disk or the client VM */
	DEV_ATTACHED,   /* a virtual block device of the client VM */
	DEV_NO_PATH,    /* allowed, but there is no way to give it to the
			   client VM yet: kept from dom0 */
};

struct dev {
	TAILQ_ENTRY(dev) link;
	char syspath[PATH_MAX]; /* the USB device's sysfs directory */
	struct device d;
	enum policy_verdict verdict;
	enum policy_target target;
	char rule[POLICY_ID_MAX]; /* "" when no rule decided (default) */
	int line;
	enum dev_state state;
	char disk[32]; /* "sdb" once usb-storage made it */
	char vdev[16]; /* "xvdi" while attached */
	int vdev_ro;   /* ... and attached read-only */
	int passed;    /* PCI: in the client VM's configuration */
	uint32_t domid;
};

struct devices {
	TAILQ_HEAD(, dev) list;
	struct devmon mon;
	int have_mon;
	/* Drives are also asked for their medium every OPTICAL_POLL_MS: a
	 * drive that blkback holds open may not report its eject. */
	struct event *media_timer;
	struct policy *policy; /* NULL: deny everything */
	char policy_sha[65];   /* of the policy's canonical form */
	char policy_key[17];   /* the id of the key that signed it */
	struct kurad_conf *conf;
	libxl_ctx *ctx;
	struct sup *sup;
	struct audit *audit;
};

/* Loads the policy, shuts USB authorization by default, listens to
 * hot-plug and decides on every device present.  Returns -1 only if kurad
 * cannot enforce anything (no uevents, no USB lockdown). */
int devices_open(struct devices *ds, struct event_base *base, libxl_ctx *ctx,
    struct sup *sup, struct audit *audit, struct kurad_conf *conf);
void devices_close(struct devices *ds);
/* The client VM changed state: attach what waits for it. */
void devices_client_changed(struct devices *ds);
/* The policy changed: decide on every device again, detaching what the
 * client VM may no longer have (or only in another mode) and attaching
 * what it now may; source says why, for the log and the audit. */
void devices_reevaluate(struct devices *ds, const char *source);
json_t *devices_json(const struct devices *ds);
struct dev *devices_lookup(struct devices *ds, const char *id);
/* All kurad knows of one device, and why the policy decides as it does
 * (NULL without a policy). */
json_t *devices_show(const struct devices *ds, const struct dev *dv);
json_t *devices_explain(const struct devices *ds, const struct dev *dv);
const char *devices_state_name(enum dev_state s);

/* For devhotplug.c and devpci.c, which feed the table: */
/* The policy's decision on dv, in dv (verdict, target, rule, line). */
void devices_decide(struct devices *ds, struct dev *dv);
/* Carries the decision out in dom0: authorized or not, and the state. */
void devices_apply(struct devices *ds, struct dev *dv);
/* Gives a waiting device's disk to the client VM, if it runs. */
void devices_attach(struct devices *ds, struct dev *dv);
/* Takes it back: cleanly, or at once with force (the device is gone). */
void devices_detach(struct devices *ds, struct dev *dv, int force,
    const char *why);
/* The attached device may no longer be the client's as it is. */
int devices_must_detach(const struct dev *dv);
int devices_is_storage(const struct device *d);
/* One audit line; why may be NULL. */
void devices_audit(struct devices *ds, const struct dev *dv, const char *action,
    const char *why);
void devices_log_decision(const struct dev *dv);
const char *devices_verdict(enum policy_verdict v);

#endif
