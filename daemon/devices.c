/* devices.c: deciding on devices and carrying the decisions out (see
 * devices.h). */
#include "config.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "attach.h"
#include "cmd.h"
#include "devhotplug.h"
#include "devices.h"
#include "devpci.h"
#include "devpolicy.h"
#include "log.h"
#include "optical.h"
#include "usbauth.h"
#include "usbpass.h"

static const char *const devices_state_names[] = {
	[DEV_DENIED] = "denied",
	[DEV_DOM0] = "dom0",
	[DEV_WAITING] = "waiting",
	[DEV_ATTACHED] = "attached",
	[DEV_NO_PATH] = "no-path",
};

const char *
devices_state_name(enum dev_state s)
{
	return (unsigned)s <= DEV_NO_PATH ? devices_state_names[s] : "?";
}

/* One word per verdict, for tables and scripts. */
const char *
devices_verdict(enum policy_verdict v)
{
	switch (v) {
	case POLICY_ALLOW_RO:
		return "read-only";
	case POLICY_ALLOW_RW:
		return "read-write";
	case POLICY_ALLOW_BURN:
		return "burn";
	default:
		return "deny";
	}
}

static json_t *
devices_dev_json(const struct dev *dv)
{
	char desc[256];

	device_describe(&dv->d, desc, sizeof(desc));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "id",
	    dv->d.id, "description", desc, "serial", dv->d.serial, "state",
	    devices_state_name(dv->state), "verdict",
	    devices_verdict(dv->verdict), "rule", dv->rule, "line", dv->line,
	    "disk", dv->disk, "vdev", dv->vdev);
}

json_t *
devices_json(const struct devices *ds)
{
	json_t *a = json_array();
	struct dev *dv;

	TAILQ_FOREACH (dv, &ds->list, link)
		json_array_append_new(a, devices_dev_json(dv));
	return a;
}

/* One line in the audit log: what happened to which device, and why.
 * Decisions carry the whole descriptor the policy saw. */
void
devices_audit(struct devices *ds, const struct dev *dv, const char *action,
    const char *why)
{
	json_t *j = devices_dev_json(dv);

	json_object_set_new(j, "action", json_string(action));
	json_object_set_new(j, "target",
	    json_string(policy_target_name(dv->target)));
	json_object_set_new(j, "port", json_string(dv->d.port));
	if (why != NULL)
		json_object_set_new(j, "why", json_string(why));
	if (strcmp(action, "plug") == 0 || strcmp(action, "decide") == 0)
		json_object_set_new(j, "descriptor", device_to_json(&dv->d));
	if (dv->state == DEV_ATTACHED)
		json_object_set_new(j, "domid", json_integer(dv->domid));
	audit_write(ds->audit, "device", j);
}

void
devices_log_decision(const struct dev *dv)
{
	char desc[256];

	device_describe(&dv->d, desc, sizeof(desc));
	log_info("%s: %s: %s by %s (line %d): %s", dv->d.id, desc,
	    devices_verdict(dv->verdict), dv->rule, dv->line,
	    devices_state_name(dv->state));
}

static void
devices_context(const struct devices *ds, struct policy_context *ctx)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	memset(ctx, 0, sizeof(*ctx));
	ctx->location = ds->conf->on_lan ? POLICY_ON_LAN : POLICY_OFF_LAN;
	ctx->weekday = (tm.tm_wday + 6) % 7;
	ctx->minute = tm.tm_hour * 60 + tm.tm_min;
}

void
devices_decide(struct devices *ds, struct dev *dv)
{
	struct policy_context ctx;
	struct policy_decision dec;

	dv->verdict = POLICY_DENY;
	dv->target = POLICY_TARGET_CLIENT;
	dv->rule[0] = '\0';
	dv->line = 0;
	if (ds->policy == NULL) {
		snprintf(dv->rule, sizeof(dv->rule), "(no policy)");
		return;
	}
	devices_context(ds, &ctx);
	if (policy_decide(ds->policy, &ctx, &dv->d, &dec) == -1)
		return;
	dv->verdict = dec.verdict;
	dv->target = dec.target;
	if (dec.rule != NULL) {
		snprintf(dv->rule, sizeof(dv->rule), "%s", dec.rule->id);
		dv->line = dec.rule->line;
	} else {
		snprintf(dv->rule, sizeof(dv->rule), "(default)");
	}
}

/* A device made only of storage (or optical) interfaces reaches the
 * client VM as its disk; anything else needs USB passthrough. */
int
devices_is_storage(const struct device *d)
{
	uint32_t disk =
	    1u << DEVICE_KIND_USB_STORAGE | 1u << DEVICE_KIND_OPTICAL;

	return d->kinds != 0 && (d->kinds & ~disk) == 0;
}

static const char *
devices_vdev(struct devices *ds, char *buf, size_t len)
{
	struct dev *dv;
	char c;

	/* xvdi and up: removable devices, clear of the client's own. */
	for (c = 'i'; c <= 'z'; c++) {
		snprintf(buf, len, "xvd%c", c);
		TAILQ_FOREACH (dv, &ds->list, link)
			if (strcmp(dv->vdev, buf) == 0)
				break;
		if (dv == NULL)
			return buf;
	}
	return NULL;
}

/* A CD-ROM is read-only whatever the verdict: burning needs the whole
 * drive (docs/devices.md). */
static int
devices_wants_ro(const struct dev *dv)
{
	return dv->verdict == POLICY_ALLOW_RO || dv->d.optical;
}

/* The attached device must go back if the client may no longer have
 * it, or may have it only in another mode. */
int
devices_must_detach(const struct dev *dv)
{
	/* PCI devices change at the client VM's next start (devpci.h). */
	return dv->state == DEV_ATTACHED && dv->d.bus != DEVICE_BUS_PCI &&
	    (dv->verdict == POLICY_DENY || dv->target != POLICY_TARGET_CLIENT ||
		(devices_is_storage(&dv->d) &&
		    dv->vdev_ro != devices_wants_ro(dv)));
}

/* A USB device the client VM gets whole (usbpass.h), not as a disk. */
static int
devices_passthrough(const struct dev *dv)
{
	return dv->d.bus == DEVICE_BUS_USB && !devices_is_storage(&dv->d) &&
	    !(dv->d.kinds & 1u << DEVICE_KIND_HUB);
}

static int
devices_client_hvm(const struct devices *ds)
{
	return ds->sup->dom[CONF_CLIENT].conf->cfg.c_info.type ==
	    LIBXL_DOMAIN_TYPE_HVM;
}

static void
devices_attach_usb(struct devices *ds, struct dev *dv,
    const struct sup_dom *cli)
{
	int bus, addr;

	if (usbpass_address(dv->syspath, &bus, &addr) == -1) {
		log_warnx("%s: no bus address in sysfs", dv->d.id);
		return;
	}
	if (usbpass_add(ds->ctx, cli->domid, bus, addr) == -1)
		return;
	snprintf(dv->vdev, sizeof(dv->vdev), "usb%d.%d", bus, addr);
	dv->domid = cli->domid;
	dv->state = DEV_ATTACHED;
	log_info("%s: passed through to %s (host %d.%d)", dv->d.id, cli->name,
	    bus, addr);
	devices_audit(ds, dv, "attach", NULL);
}

/* Gives a waiting device's disk to the client VM if it runs. */
void
devices_attach(struct devices *ds, struct dev *dv)
{
	const struct sup_dom *cli = &ds->sup->dom[CONF_CLIENT];
	struct attach_disk a = { 0 };
	char pdev[64], vdev[16];

	if (dv->state != DEV_WAITING || cli->sm.state != VM_RUNNING ||
	    cli->domid == SUP_NODOM)
		return;
	if (devices_passthrough(dv)) {
		devices_attach_usb(ds, dv, cli);
		return;
	}
	if (dv->disk[0] == '\0' || !optical_has_medium(dv->disk))
		return;
	if (devices_vdev(ds, vdev, sizeof(vdev)) == NULL) {
		log_warnx("%s: no free virtual disk name", dv->d.id);
		return;
	}
	snprintf(pdev, sizeof(pdev), "/dev/%s", dv->disk);
	a.pdev = pdev;
	a.vdev = vdev;
	a.readonly = devices_wants_ro(dv);
	a.cdrom = dv->d.optical;
	if (attach_disk_add(ds->ctx, cli->domid, &a) == -1)
		return;
	snprintf(dv->vdev, sizeof(dv->vdev), "%s", vdev);
	dv->vdev_ro = a.readonly;
	dv->domid = cli->domid;
	dv->state = DEV_ATTACHED;
	log_info("%s: %s is %s of %s (%s)", dv->d.id, pdev, vdev, cli->name,
	    a.readonly ? "read-only" : "read-write");
	devices_audit(ds, dv, "attach",
	    dv->verdict == POLICY_ALLOW_BURN
		? "burn needs the whole drive (raw passthrough), which kura "
		  "does not give: a read-only CD-ROM"
		: NULL);
}

/* Takes the device back from the client VM.  A device still there goes
 * cleanly if the guest lets go, forced by libxl after its timeout (10 s)
 * if not; one that is gone (force) at once: there is nothing left to
 * flush. */
void
devices_detach(struct devices *ds, struct dev *dv, int force, const char *why)
{
	int bus, addr;

	if (dv->state != DEV_ATTACHED)
		return;
	if (devices_passthrough(dv)) {
		if (sscanf(dv->vdev, "usb%d.%d", &bus, &addr) == 2)
			usbpass_remove(ds->ctx, dv->domid, bus, addr);
	} else if (force ||
	    attach_disk_remove(ds->ctx, dv->domid, dv->vdev, 0) == -1) {
		attach_disk_remove(ds->ctx, dv->domid, dv->vdev, 1);
	}
	log_info("%s: %s detached from domain %u: %s", dv->d.id, dv->vdev,
	    dv->domid, why);
	dv->state = DEV_WAITING;
	devices_audit(ds, dv, "detach", why);
	dv->vdev[0] = '\0';
}

/* A PCI function stays dom0's unless given to the client VM; one that
 * is passed through stays so until the client VM's next start. */
static void
devices_apply_pci(struct dev *dv)
{
	if (dv->state == DEV_ATTACHED)
		return;
	dv->state = devpci_wanted(dv) ? DEV_WAITING : DEV_DOM0;
}

void
devices_apply(struct devices *ds, struct dev *dv)
{
	if (dv->d.bus == DEVICE_BUS_PCI) {
		devices_apply_pci(dv);
		return;
	}
	if (dv->verdict == POLICY_DENY) {
		/* A built-in drive keeps its driver in dom0; it just never
		 * reaches the client VM. */
		dv->state = DEV_DENIED;
		if (dv->d.bus == DEVICE_BUS_USB &&
		    usbauth_get(dv->syspath) != 0)
			usbauth_set(dv->syspath, 0);
		return;
	}
	if (dv->target == POLICY_TARGET_NONE ||
	    (dv->d.kinds & 1u << DEVICE_KIND_HUB)) {
		dv->state = DEV_DOM0;
	} else if (devices_is_storage(&dv->d) || devices_client_hvm(ds)) {
		/* Still attached here means allowed as it is. */
		if (dv->state != DEV_ATTACHED)
			dv->state = DEV_WAITING;
	} else {
		dv->state = DEV_NO_PATH;
		log_warnx("%s: allowed, but only an HVM client VM can have a "
			  "USB device of this kind (Debian's kernel has no PV "
			  "USB frontend): kept from dom0",
		    dv->d.id);
		return;
	}
	if (dv->d.bus == DEVICE_BUS_USB && usbauth_get(dv->syspath) != 1)
		usbauth_set(dv->syspath, 1);
}

void
devices_client_changed(struct devices *ds)
{
	const struct sup_dom *cli = &ds->sup->dom[CONF_CLIENT];
	struct dev *dv;

	TAILQ_FOREACH (dv, &ds->list, link) {
		if (dv->state == DEV_ATTACHED && dv->domid != cli->domid) {
			/* Its domain is gone, and the backend with it. */
			dv->state = DEV_WAITING;
			dv->passed = 0;
			dv->vdev[0] = '\0';
			devices_audit(ds, dv, "client-gone", NULL);
			devices_apply(ds, dv);
		}
		devpci_running(ds, dv, cli);
		devices_attach(ds, dv);
	}
}

static void
devices_redecide(struct devices *ds, struct dev *dv, const char *source)
{
	enum policy_verdict old = dv->verdict;
	enum policy_target old_target = dv->target;
	char why[256];

	devices_decide(ds, dv);
	if (dv->verdict == old && dv->target == old_target)
		return;
	snprintf(why, sizeof(why), "%s: %s%s by %s (line %d), was %s", source,
	    devices_verdict(dv->verdict),
	    dv->target == POLICY_TARGET_NONE ? " to none" : "", dv->rule,
	    dv->line, devices_verdict(old));
	log_info("%s: %s%s", dv->d.id, why,
	    dv->d.bus == DEVICE_BUS_PCI
		? " (for PCI, from the client VM's next start)"
		: "");
	if (devices_must_detach(dv))
		devices_detach(ds, dv, 0, why);
	devices_apply(ds, dv);
	devices_audit(ds, dv, "decide", why);
	devices_attach(ds, dv);
}

void
devices_reevaluate(struct devices *ds, const char *source)
{
	int64_t t0 = sup_now_ms();
	struct dev *dv;
	int n = 0;

	/* Nothing here removes a device: that waits for its uevent. */
	TAILQ_FOREACH (dv, &ds->list, link) {
		devices_redecide(ds, dv, source);
		n++;
	}
	log_info("%s: decided again on %d devices in %lld ms", source, n,
	    (long long)(sup_now_ms() - t0));
}

struct dev *
devices_lookup(struct devices *ds, const char *id)
{
	struct dev *dv;

	TAILQ_FOREACH (dv, &ds->list, link)
		if (strcmp(dv->d.id, id) == 0)
			return dv;
	return NULL;
}

json_t *
devices_show(const struct devices *ds, const struct dev *dv)
{
	json_t *j = devices_dev_json(dv);

	json_object_set_new(j, "target",
	    json_string(policy_target_name(dv->target)));
	json_object_set_new(j, "port", json_string(dv->d.port));
	json_object_set_new(j, "sysfs", json_string(dv->syspath));
	json_object_set_new(j, "descriptor", device_to_json(&dv->d));
	if (dv->state == DEV_ATTACHED)
		json_object_set_new(j, "domid", json_integer(dv->domid));
	return j;
}

json_t *
devices_explain(const struct devices *ds, const struct dev *dv)
{
	struct policy_context ctx;

	if (ds->policy == NULL)
		return NULL;
	devices_context(ds, &ctx);
	return cmd_explain_device(ds->policy, &ctx, &dv->d, 1);
}

static void
devices_media_cb(evutil_socket_t fd, short what, void *arg)
{
	struct devices *ds = arg;
	struct dev *dv;

	TAILQ_FOREACH (dv, &ds->list, link)
		if (dv->d.optical && dv->disk[0] != '\0' &&
		    (dv->state == DEV_ATTACHED || dv->state == DEV_WAITING))
			devhotplug_medium(ds, dv);
}

static int
devices_media_timer(struct devices *ds, struct event_base *base)
{
	struct timeval tv = { OPTICAL_POLL_MS / 1000,
		(OPTICAL_POLL_MS % 1000) * 1000 };

	ds->media_timer = event_new(base, -1, EV_PERSIST, devices_media_cb, ds);
	return ds->media_timer == NULL ? -1 : event_add(ds->media_timer, &tv);
}

int
devices_open(struct devices *ds, struct event_base *base, libxl_ctx *ctx,
    struct sup *sup, struct audit *audit, struct kurad_conf *conf)
{
	memset(ds, 0, sizeof(*ds));
	TAILQ_INIT(&ds->list);
	ds->ctx = ctx;
	ds->sup = sup;
	ds->audit = audit;
	ds->conf = conf;
	devpolicy_load_file(ds);
	/* Shut the door before looking at who is there. */
	if (usbauth_lockdown("/") == -1)
		return -1;
	devpci_coldplug(ds);
	/* Without uevents, denied devices stay shut out all the same;
	 * allowed ones just do not reach the client VM. */
	if (devmon_open(&ds->mon, base, devhotplug_event, ds) == -1) {
		log_warnx("no device hot-plug: allowed devices will not reach "
			  "the client VM");
		return 0;
	}
	ds->have_mon = 1;
	if (devmon_coldplug(&ds->mon) == -1)
		log_warnx("devices present at start are left denied");
	if (devices_media_timer(ds, base) == -1)
		log_warnx("media are followed only by the kernel's events");
	return 0;
}

void
devices_close(struct devices *ds)
{
	struct dev *dv;

	if (ds->have_mon)
		devmon_close(&ds->mon);
	if (ds->media_timer != NULL)
		event_free(ds->media_timer);
	while ((dv = TAILQ_FIRST(&ds->list)) != NULL) {
		TAILQ_REMOVE(&ds->list, dv, link);
		free(dv);
	}
	policy_free(ds->policy);
	ds->policy = NULL;
}
