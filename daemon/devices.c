/* devices.c: deciding on devices and carrying the decisions out (see
 * devices.h). */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attach.h"
#include "cmd.h"
#include "devices.h"
#include "devpolicy.h"
#include "log.h"
#include "optical.h"
#include "probe.h"
#include "usbauth.h"
#include "xalloc.h"

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
static const char *
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
static void
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

static void
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
static int
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
static int
devices_must_detach(const struct dev *dv)
{
	return dv->state == DEV_ATTACHED &&
	    (dv->verdict == POLICY_DENY || dv->target != POLICY_TARGET_CLIENT ||
		!devices_is_storage(&dv->d) ||
		dv->vdev_ro != devices_wants_ro(dv));
}

/* Gives a waiting device's disk to the client VM if it runs. */
static void
devices_attach(struct devices *ds, struct dev *dv)
{
	const struct sup_dom *cli = &ds->sup->dom[CONF_CLIENT];
	struct attach_disk a = { 0 };
	char pdev[64], vdev[16];

	if (dv->state != DEV_WAITING || dv->disk[0] == '\0' ||
	    cli->sm.state != VM_RUNNING || cli->domid == SUP_NODOM ||
	    !optical_has_medium(dv->disk))
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
static void
devices_detach(struct devices *ds, struct dev *dv, int force, const char *why)
{
	if (dv->state != DEV_ATTACHED)
		return;
	if (force || attach_disk_remove(ds->ctx, dv->domid, dv->vdev, 0) == -1)
		attach_disk_remove(ds->ctx, dv->domid, dv->vdev, 1);
	log_info("%s: %s detached from domain %u: %s", dv->d.id, dv->vdev,
	    dv->domid, why);
	dv->state = DEV_WAITING;
	devices_audit(ds, dv, "detach", why);
	dv->vdev[0] = '\0';
}

static void
devices_apply(struct devices *ds, struct dev *dv)
{
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
	} else if (devices_is_storage(&dv->d)) {
		/* Still attached here means allowed as it is. */
		if (dv->state != DEV_ATTACHED)
			dv->state = DEV_WAITING;
	} else {
		/* USB passthrough to an HVM client comes next. */
		dv->state = DEV_NO_PATH;
		log_warnx("%s: allowed, but kura cannot give this kind of "
			  "device to the client VM yet: kept from dom0",
		    dv->d.id);
		return;
	}
	if (dv->d.bus == DEVICE_BUS_USB && usbauth_get(dv->syspath) != 1)
		usbauth_set(dv->syspath, 1);
}

static struct dev *
devices_find(struct devices *ds, const char *syspath, const char *disk)
{
	struct dev *dv;

	TAILQ_FOREACH (dv, &ds->list, link) {
		if (syspath != NULL && strcmp(dv->syspath, syspath) == 0)
			return dv;
		if (disk != NULL && strcmp(dv->disk, disk) == 0)
			return dv;
	}
	return NULL;
}

/* The disk usb-storage made of the USB device at syspath, if any. */
static int
devices_disk_of(const char *syspath, char *name, size_t len)
{
	size_t n = strlen(syspath);
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int rc = -1;

	if ((dir = opendir("/sys/block")) == NULL)
		return -1;
	while (rc == -1 && (e = readdir(dir)) != NULL) {
		snprintf(path, sizeof(path), "/sys/block/%s", e->d_name);
		if (e->d_name[0] != '.' && strlen(e->d_name) < len &&
		    realpath(path, real) != NULL &&
		    strncmp(real, syspath, n) == 0 && real[n] == '/') {
			memcpy(name, e->d_name, strlen(e->d_name) + 1);
			rc = 0;
		}
	}
	closedir(dir);
	return rc;
}

/* kurad restarted while the device's disk was the client VM's: take
 * the attachment over (the decision on it follows) rather than giving
 * the disk a second time. */
static void
devices_adopt(struct devices *ds, struct dev *dv)
{
	const char *name = ds->sup->dom[CONF_CLIENT].name;
	char pdev[64], vdev[16];
	uint32_t domid;
	int ro;

	if (devices_disk_of(dv->syspath, dv->disk, sizeof(dv->disk)) == -1 ||
	    libxl_name_to_domid(ds->ctx, name, &domid) != 0)
		return;
	snprintf(pdev, sizeof(pdev), "/dev/%s", dv->disk);
	if (attach_disk_find(ds->ctx, domid, pdev, vdev, sizeof(vdev), &ro) !=
	    1)
		return;
	snprintf(dv->vdev, sizeof(dv->vdev), "%s", vdev);
	dv->vdev_ro = ro;
	dv->domid = domid;
	dv->state = DEV_ATTACHED;
	log_info("%s: %s was already %s of %s: taken over", dv->d.id, pdev,
	    vdev, name);
	devices_audit(ds, dv, "adopt", NULL);
}

static void
devices_usb_add(struct devices *ds, const struct devmon_event *ev)
{
	struct dev *dv;
	char err[256], desc[256];

	if (strncmp(ev->sysname, "usb", 3) == 0) {
		usbauth_lockdown_hub(ev->syspath); /* a new bus */
		return;
	}
	if (devices_find(ds, ev->syspath, NULL) != NULL)
		return; /* coldplug and a uevent both reported it */
	dv = xcalloc(1, sizeof(*dv));
	snprintf(dv->syspath, sizeof(dv->syspath), "%s", ev->syspath);
	if (probe_usb_one("/", ev->syspath, &dv->d, err, sizeof(err)) == -1) {
		/* Unreadable is denied: never guess about a device. */
		log_warnx("%s: %s", ev->sysname, err);
		snprintf(dv->d.id, sizeof(dv->d.id), "usb:%s", ev->sysname);
		usbauth_set(ev->syspath, 0);
		free(dv);
		return;
	}
	devices_decide(ds, dv);
	TAILQ_INSERT_TAIL(&ds->list, dv, link);
	devices_adopt(ds, dv);
	if (devices_must_detach(dv))
		devices_detach(ds, dv, 0, "no longer allowed as it is");
	devices_apply(ds, dv);
	device_describe(&dv->d, desc, sizeof(desc));
	log_info("%s: %s: %s by %s (line %d): %s", dv->d.id, desc,
	    devices_verdict(dv->verdict), dv->rule, dv->line,
	    devices_state_name(dv->state));
	devices_audit(ds, dv, "plug", NULL);
}

static void
devices_forget(struct devices *ds, struct dev *dv)
{
	TAILQ_REMOVE(&ds->list, dv, link);
	log_info("%s: unplugged", dv->d.id);
	devices_audit(ds, dv, "unplug", NULL);
	free(dv);
}

static void
devices_usb_remove(struct devices *ds, const struct devmon_event *ev)
{
	struct dev *dv = devices_find(ds, ev->syspath, NULL);

	if (dv == NULL)
		return;
	devices_detach(ds, dv, 1, "unplugged");
	devices_forget(ds, dv);
}

/* A drive on no USB bus (SATA, IDE): a device of its own, decided on
 * as soon as its disk appears.  Anything else there is dom0's. */
static void
devices_block_add(struct devices *ds, const struct devmon_event *ev)
{
	struct dev *dv = xcalloc(1, sizeof(*dv));
	char err[256], desc[256];
	int rc;

	rc = probe_block_one("/", ev->sysname, &dv->d, err, sizeof(err));
	if (rc != 1) {
		if (rc == -1)
			log_warnx("%s: %s", ev->sysname, err);
		free(dv);
		return;
	}
	snprintf(dv->syspath, sizeof(dv->syspath), "%s", ev->syspath);
	snprintf(dv->disk, sizeof(dv->disk), "%s", ev->sysname);
	optical_watch(dv->disk);
	devices_decide(ds, dv);
	TAILQ_INSERT_TAIL(&ds->list, dv, link);
	devices_apply(ds, dv);
	device_describe(&dv->d, desc, sizeof(desc));
	log_info("%s: %s: %s by %s (line %d): %s", dv->d.id, desc,
	    devices_verdict(dv->verdict), dv->rule, dv->line,
	    devices_state_name(dv->state));
	devices_audit(ds, dv, "plug", NULL);
	devices_attach(ds, dv);
}

/* A medium came or went: the client VM's CD-ROM follows. */
static void
devices_medium(struct devices *ds, struct dev *dv)
{
	int has = optical_has_medium(dv->disk);

	if (dv->state == DEV_ATTACHED && !has)
		devices_detach(ds, dv, 1, "medium ejected");
	else if (dv->state == DEV_WAITING && has)
		devices_attach(ds, dv);
}

static void
devices_disk(struct devices *ds, const struct devmon_event *ev)
{
	struct dev *dv = devices_find(ds, NULL, ev->sysname);

	if (ev->action == DEVMON_CHANGE) {
		if (dv != NULL && dv->d.optical)
			devices_medium(ds, dv);
	} else if (ev->action == DEVMON_REMOVE) {
		if (dv == NULL)
			return;
		devices_detach(ds, dv, 1, "its disk is gone");
		dv->disk[0] = '\0';
		if (dv->d.bus == DEVICE_BUS_BLOCK)
			devices_forget(ds, dv);
	} else if (ev->usb_syspath[0] == '\0') {
		if (dv == NULL)
			devices_block_add(ds, ev);
	} else if ((dv = devices_find(ds, ev->usb_syspath, NULL)) != NULL) {
		snprintf(dv->disk, sizeof(dv->disk), "%s", ev->sysname);
		if (dv->d.optical)
			optical_watch(dv->disk);
		devices_attach(ds, dv);
	}
}

static void
devices_event(void *arg, const struct devmon_event *ev)
{
	struct devices *ds = arg;

	if (ev->kind == DEVMON_DISK)
		devices_disk(ds, ev);
	else if (ev->action == DEVMON_ADD)
		devices_usb_add(ds, ev);
	else if (ev->action == DEVMON_REMOVE)
		devices_usb_remove(ds, ev);
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
			dv->vdev[0] = '\0';
			devices_audit(ds, dv, "client-gone", NULL);
		}
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
	log_info("%s: %s", dv->d.id, why);
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
	/* Without uevents, denied devices stay shut out all the same;
	 * allowed ones just do not reach the client VM. */
	if (devmon_open(&ds->mon, base, devices_event, ds) == -1) {
		log_warnx("no device hot-plug: allowed devices will not reach "
			  "the client VM");
		return 0;
	}
	ds->have_mon = 1;
	if (devmon_coldplug(&ds->mon) == -1)
		log_warnx("devices present at start are left denied");
	return 0;
}

void
devices_close(struct devices *ds)
{
	struct dev *dv;

	if (ds->have_mon)
		devmon_close(&ds->mon);
	while ((dv = TAILQ_FIRST(&ds->list)) != NULL) {
		TAILQ_REMOVE(&ds->list, dv, link);
		free(dv);
	}
	policy_free(ds->policy);
	ds->policy = NULL;
}
