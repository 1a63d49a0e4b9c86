/*
 * ctlcmd.c: the control commands and the one table that says who may use
 * them.  Handlers return 0 with a result, or -errno for an error reply.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "devices.h"
#include "devpolicy.h"
#include "log.h"

/* The role named by args.vm: only the client VM is an admin's to drive
 * through "vm.*"; the service domain has its own "service.*" commands. */
static struct sup_dom *
ctlcmd_dom(struct ctl_client *cl, enum conf_role role)
{
	return &cl->ctl->sup->dom[role];
}

static int
ctlcmd_version(struct ctl_client *cl, json_t *args, json_t **result)
{
	*result = json_pack("{s:s, s:i}", "version", PACKAGE_VERSION,
	    "protocol", PROTO_VERSION);
	return 0;
}

static int
ctlcmd_status(struct ctl_client *cl, json_t *args, json_t **result)
{
	struct control *c = cl->ctl;
	json_t *doms = json_array();

	/* The service domain is hidden from those who may not act. */
	if (cl->admin)
		json_array_append_new(doms,
		    sup_dom_json(ctlcmd_dom(cl, CONF_SERVICE)));
	json_array_append_new(doms, sup_dom_json(ctlcmd_dom(cl, CONF_CLIENT)));
	*result = json_pack("{s:s, s:I, s:i, s:b, s:b, s:o}", "version",
	    PACKAGE_VERSION, "uptime_s",
	    (json_int_t)((sup_now_ms() - c->started_ms) / 1000), "pid",
	    (int)getpid(), "admin", cl->admin, "shutting_down",
	    c->sup->host_shutdown, "domains", doms);
	return 0;
}

static int
ctlcmd_vm_list(struct ctl_client *cl, json_t *args, json_t **result)
{
	*result = json_pack("{s:[o]}", "domains",
	    sup_dom_json(ctlcmd_dom(cl, CONF_CLIENT)));
	return 0;
}

static int
ctlcmd_request(struct ctl_client *cl, enum conf_role role, enum vm_event ev,
    json_t **result)
{
	struct sup_dom *d = ctlcmd_dom(cl, role);
	int rc;

	audit_write(cl->ctl->audit, "request",
	    json_pack("{s:s, s:s, s:I, s:I}", "domain", d->name, "request",
		vmstate_event_name(ev), "uid", (json_int_t)cl->uid, "pid",
		(json_int_t)cl->pid));
	rc = sup_request(cl->ctl->sup, role, ev);
	if (rc == 0)
		*result = sup_dom_json(d);
	return rc;
}

static int
ctlcmd_vm_start(struct ctl_client *cl, json_t *args, json_t **result)
{
	return ctlcmd_request(cl, CONF_CLIENT, VM_EV_START, result);
}

static int
ctlcmd_vm_stop(struct ctl_client *cl, json_t *args, json_t **result)
{
	int force = json_is_true(json_object_get(args, "force"));

	return ctlcmd_request(cl, CONF_CLIENT, force ? VM_EV_KILL : VM_EV_STOP,
	    result);
}

static int
ctlcmd_vm_restart(struct ctl_client *cl, json_t *args, json_t **result)
{
	return ctlcmd_request(cl, CONF_CLIENT, VM_EV_RESTART, result);
}

/* Where kuractl finds the console: the domain id (it runs the console
 * client itself, as root). */
static int
ctlcmd_vm_console(struct ctl_client *cl, json_t *args, json_t **result)
{
	struct sup_dom *d = ctlcmd_dom(cl, CONF_CLIENT);

	if (d->domid == SUP_NODOM)
		return -ESRCH;
	*result =
	    json_pack("{s:s, s:i}", "name", d->name, "domid", (int)d->domid);
	return 0;
}

static int
ctlcmd_service_status(struct ctl_client *cl, json_t *args, json_t **result)
{
	*result = sup_dom_json(ctlcmd_dom(cl, CONF_SERVICE));
	return 0;
}

static int
ctlcmd_service_restart(struct ctl_client *cl, json_t *args, json_t **result)
{
	return ctlcmd_request(cl, CONF_SERVICE, VM_EV_RESTART, result);
}

static int
ctlcmd_events(struct ctl_client *cl, json_t *args, json_t **result)
{
	cl->events = 1;
	*result = json_pack("{s:b}", "subscribed", 1);
	return 0;
}

static int
ctlcmd_shutdown(struct ctl_client *cl, json_t *args, json_t **result)
{
	struct control *c = cl->ctl;

	audit_write(c->audit, "request",
	    json_pack("{s:s, s:I, s:I}", "request", "host-shutdown", "uid",
		(json_int_t)cl->uid, "pid", (json_int_t)cl->pid));
	if (c->shutdown != NULL)
		c->shutdown(c->arg);
	*result = json_pack("{s:b}", "shutting_down", 1);
	return 0;
}

/* Devices and the decisions on them: everyone may see why a stick does
 * not show up. */
static int
ctlcmd_device_list(struct ctl_client *cl, json_t *args, json_t **result)
{
	if (cl->ctl->devs == NULL)
		return -ENODEV;
	*result = json_pack("{s:o}", "devices", devices_json(cl->ctl->devs));
	return 0;
}

/* The device named by args.id, or NULL with the reason set. */
static struct dev *
ctlcmd_device(struct ctl_client *cl, json_t *args, int *rc)
{
	const char *id = json_string_value(json_object_get(args, "id"));
	struct dev *dv;

	*rc = -ENODEV;
	if (cl->ctl->devs == NULL)
		return NULL;
	if (id == NULL) {
		*rc = -EINVAL;
		snprintf(cl->err, sizeof(cl->err), "no device id given");
		return NULL;
	}
	if ((dv = devices_lookup(cl->ctl->devs, id)) == NULL)
		snprintf(cl->err, sizeof(cl->err),
		    "no device \"%.64s\" (kuractl device list names them)", id);
	return dv;
}

static int
ctlcmd_device_show(struct ctl_client *cl, json_t *args, json_t **result)
{
	struct dev *dv;
	int rc;

	if ((dv = ctlcmd_device(cl, args, &rc)) == NULL)
		return rc;
	*result = devices_show(cl->ctl->devs, dv);
	return 0;
}

static int
ctlcmd_device_explain(struct ctl_client *cl, json_t *args, json_t **result)
{
	struct dev *dv;
	int rc;

	if ((dv = ctlcmd_device(cl, args, &rc)) == NULL)
		return rc;
	if ((*result = devices_explain(cl->ctl->devs, dv)) == NULL) {
		snprintf(cl->err, sizeof(cl->err),
		    "no policy in force: every device is denied");
		return -ENOENT;
	}
	return 0;
}

static int
ctlcmd_policy_show(struct ctl_client *cl, json_t *args, json_t **result)
{
	if (cl->ctl->devs == NULL)
		return -ENODEV;
	*result = devpolicy_json(cl->ctl->devs);
	return 0;
}

/* args.signed: the signed policy file's JSON, as kura-policy sign wrote
 * it; kurad checks it against its own key, never trusting the sender. */
static int
ctlcmd_policy_load(struct ctl_client *cl, json_t *args, json_t **result)
{
	json_t *env = json_object_get(args, "signed");
	int rc;

	if (cl->ctl->devs == NULL)
		return -ENODEV;
	if (!json_is_object(env)) {
		snprintf(cl->err, sizeof(cl->err), "no signed policy given");
		return -EINVAL;
	}
	rc = devpolicy_install(cl->ctl->devs, env, cl->uid, cl->err,
	    sizeof(cl->err));
	if (rc == 0)
		*result = devpolicy_json(cl->ctl->devs);
	return rc;
}

// clang-format off
static const struct ctl_cmd ctlcmd_table[] = {
	{ "device.explain",	0,		ctlcmd_device_explain },
	{ "device.list",	0,		ctlcmd_device_list },
	{ "device.show",	0,		ctlcmd_device_show },
	{ "events",		0,		ctlcmd_events },
	{ "policy.load",	CTL_ADMIN,	ctlcmd_policy_load },
	{ "policy.show",	0,		ctlcmd_policy_show },
	{ "service.restart",	CTL_ADMIN,	ctlcmd_service_restart },
	{ "service.status",	CTL_ADMIN,	ctlcmd_service_status },
	{ "shutdown",		CTL_ADMIN,	ctlcmd_shutdown },
	{ "status",		0,		ctlcmd_status },
	{ "version",		0,		ctlcmd_version },
	{ "vm.console",		CTL_ADMIN,	ctlcmd_vm_console },
	{ "vm.list",		0,		ctlcmd_vm_list },
	{ "vm.restart",		CTL_ADMIN,	ctlcmd_vm_restart },
	{ "vm.start",		CTL_ADMIN,	ctlcmd_vm_start },
	{ "vm.stop",		CTL_ADMIN,	ctlcmd_vm_stop },
};
// clang-format on

int
ctlcmd_lookup(const char *name, int admin, const struct ctl_cmd **cmd_r)
{
	size_t i;

	for (i = 0; i < ctlcmd_count(); i++) {
		if (strcmp(ctlcmd_table[i].name, name) != 0)
			continue;
		*cmd_r = &ctlcmd_table[i];
		return (ctlcmd_table[i].flags & CTL_ADMIN) && !admin ? -EPERM
								     : 0;
	}
	*cmd_r = NULL;
	return -ENOSYS;
}

size_t
ctlcmd_count(void)
{
	return sizeof(ctlcmd_table) / sizeof(ctlcmd_table[0]);
}

const struct ctl_cmd *
ctlcmd_at(size_t i)
{
	return i < ctlcmd_count() ? &ctlcmd_table[i] : NULL;
}
