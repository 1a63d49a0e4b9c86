/*
 * sup.c: carrying out the domains' state machines through libxl.
 *
 * Creation runs to completion inside libxl (see sup_create); deaths and
 * shutdowns come as libxl domain-death events, and what a guest says about
 * itself (health.h) through a xenstore watch.  The service domain starts
 * first; the client VM
 * starts once the service domain is up or has failed, so that a broken
 * service domain never keeps the employee from working.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sup.h"
#include "xalloc.h"

static void sup_feed(struct sup_dom *d, enum vm_event ev, enum vm_reason why);

int64_t
sup_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct sup_dom *
sup_by_domid(struct sup *s, uint32_t domid)
{
	int r;

	for (r = 0; r < CONF_ROLE__COUNT; r++)
		if (s->dom[r].domid == domid && domid != SUP_NODOM)
			return &s->dom[r];
	return NULL;
}

static void
sup_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sup_dom *d = arg;

	sup_feed(d,
	    d->sm.state == VM_STOPPING ? VM_EV_STOP_TIMEOUT : VM_EV_TIMER,
	    VM_REASON_UNKNOWN);
}

/* Queues a note from a libxl callback for sup_kick_cb. */
static void
sup_note(struct sup *s, const struct sup_note *n)
{
	if (s->nnotes == SUP_NOTES)
		fatalx("more than %d libxl notes pending", SUP_NOTES);
	s->notes[s->nnotes++] = *n;
	event_active(s->kick, EV_TIMEOUT, 0);
}

static void
sup_arm(struct sup_dom *d, int64_t ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(d->timer, &tv);
}

static void
sup_health_cb(void *arg, const char *path)
{
	struct sup_dom *d = arg;
	struct sup *s = d->sup;
	char buf[HEALTH_MAX];
	enum health h;
	json_t *j;

	h = health_parse(buf, xswatch_read(s->xsw, path, buf, sizeof(buf)));
	if (h == d->health)
		return;
	d->health = h;
	if (h == HEALTH_INVALID)
		log_warnx("%s: unknown or oversized %s", d->name, HEALTH_PATH);
	else
		log_info("%s: reports %s", d->name, health_name(h));
	j = sup_dom_json(d);
	audit_write(s->audit, "domain-health", json_deep_copy(j));
	if (s->report != NULL)
		s->report(s->arg, d, "health", j);
	json_decref(j);
}

/* Domain events from now on; libxl reports a shutdown that already
 * happened as soon as the watch is on.  The health watch fires once at
 * once, which reads what the guest reported before (on adoption). */
static void
sup_watch(struct sup_dom *d)
{
	char path[64];

	if (d->death != NULL)
		return;
	if (libxl_evenable_domain_death(d->sup->ctx, d->domid,
		(libxl_ev_user)d->role, &d->death) != 0)
		log_warnx("%s: cannot watch domain %u", d->name, d->domid);
	if (d->sup->xsw == NULL)
		return;
	snprintf(path, sizeof(path), "/local/domain/%u/" HEALTH_PATH, d->domid);
	d->health_watch = xswatch_add(d->sup->xsw, path, sup_health_cb, d);
}

static void
sup_unwatch(struct sup_dom *d)
{
	if (d->death != NULL)
		libxl_evdisable_domain_death(d->sup->ctx, d->death);
	d->death = NULL;
	if (d->sup->xsw != NULL)
		xswatch_del(d->sup->xsw, d->health_watch);
	d->health_watch = -1;
	d->health = HEALTH_NONE;
}

/* credit2 weight and cap: the service domain must not slow the client. */
static void
sup_sched(struct sup_dom *d)
{
	libxl_domain_sched_params p;

	libxl_domain_sched_params_init(&p);
	p.sched = LIBXL_SCHEDULER_CREDIT2;
	p.weight = d->conf->weight;
	p.cap = d->conf->cap;
	if (libxl_domain_sched_params_set(d->sup->ctx, d->domid, &p) != 0)
		log_warnx("%s: cannot set credit2 weight %d cap %d", d->name,
		    d->conf->weight, d->conf->cap);
	libxl_domain_sched_params_dispose(&p);
}

static void
sup_create_done(struct sup_dom *d, int rc)
{
	libxl_domain_config_dispose(d->creating);
	free(d->creating);
	d->creating = NULL;
	if (rc == 0 && libxl_domain_unpause(d->sup->ctx, d->domid, NULL) != 0)
		rc = ERROR_FAIL;
	if (rc != 0) {
		log_warnx("%s: creation failed (libxl error %d)", d->name, rc);
		if (d->domid != SUP_NODOM)
			libxl_domain_destroy(d->sup->ctx, d->domid, NULL);
		d->domid = SUP_NODOM;
		sup_feed(d, VM_EV_CREATE_FAILED, VM_REASON_UNKNOWN);
		return;
	}
	sup_sched(d);
	sup_watch(d);
	sup_feed(d, VM_EV_CREATED, VM_REASON_UNKNOWN);
}

/* What the rest of kurad adds to the domain, or why it must not start
 * half-configured. */
static int
sup_prepare(struct sup_dom *d)
{
	struct sup *s = d->sup;
	char err[512] = "";

	if (s->prepare == NULL ||
	    s->prepare(s->arg, d, d->creating, err, sizeof(err)) == 0)
		return 0;
	log_warnx("%s: not created: %s", d->name, err);
	audit_write(s->audit, "domain-refused",
	    json_pack("{s:s, s:s}", "name", d->name, "why", err));
	return -1;
}

/*
 * Creation runs libxl's own event loop to completion (no ao_how): with an
 * asynchronous create under kurad's osevent hooks, libxl 4.17 lost the
 * wake-up of its console-tty wait for every domain after the first and
 * failed the create after 10 s (see docs/architecture.md, "Known
 * limits").  Deaths, shutdowns and destroys stay on kurad's loop.
 */
static void
sup_create(struct sup_dom *d)
{
	struct sup_note n = { .role = d->role, .created = 1 };

	d->creating = xcalloc(1, sizeof(*d->creating));
	libxl_domain_config_init(d->creating);
	libxl_domain_config_copy(d->sup->ctx, d->creating, &d->conf->cfg);
	/* A new identity for each incarnation, as xl gives one. */
	libxl_uuid_generate(&d->creating->c_info.uuid);
	d->domid = SUP_NODOM;
	if (sup_prepare(d) == -1)
		n.rc = ERROR_FAIL;
	else
		n.rc = libxl_domain_create_new(d->sup->ctx, d->creating,
		    &d->domid, NULL, NULL);
	sup_note(d->sup, &n);
}

/* A clean shutdown: the PV protocol, or the ACPI power button for an HVM
 * guest without PV drivers. */
static void
sup_guest_shutdown(struct sup_dom *d)
{
	if (libxl_domain_shutdown(d->sup->ctx, d->domid, NULL) == 0)
		return;
	if (libxl_send_trigger(d->sup->ctx, d->domid, LIBXL_TRIGGER_POWER, 0,
		NULL) != 0)
		log_warnx("%s: domain %u ignores shutdown requests", d->name,
		    d->domid);
}

/* Destroys the domain; its death event moves the state machine on.  A
 * domain that no longer exists is dead already. */
static void
sup_destroy(struct sup_dom *d)
{
	if (d->domid == SUP_NODOM) {
		sup_feed(d, VM_EV_DIED, VM_REASON_UNKNOWN);
		return;
	}
	if (libxl_domain_destroy(d->sup->ctx, d->domid, NULL) != 0)
		log_warnx("%s: destroying domain %u failed", d->name, d->domid);
}

json_t *
sup_dom_json(const struct sup_dom *d)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:i, s:s, s:s}",
	    "role", conf_role_name(d->role), "name", d->name, "state",
	    vmstate_name(d->sm.state), "domid",
	    (json_int_t)(d->domid == SUP_NODOM ? -1 : (int)d->domid), "since_s",
	    (json_int_t)((sup_now_ms() - d->state_since) / 1000), "restarts",
	    d->restarts, "crashes", d->sm.crashes, "type",
	    libxl_domain_type_to_string(d->conf->cfg.c_info.type), "health",
	    health_name(d->health));
}

static void
sup_report(struct sup_dom *d, const struct vm_step *st)
{
	struct sup *s = d->sup;
	json_t *j = sup_dom_json(d);

	json_object_set_new(j, "from", json_string(vmstate_name(st->from)));
	json_object_set_new(j, "why", json_string(st->why ? st->why : ""));
	audit_write(s->audit, "domain", json_deep_copy(j));
	if (s->report != NULL)
		s->report(s->arg, d, "domain", j);
	json_decref(j);
}

static void sup_next(struct sup *s, struct sup_dom *d);

static void
sup_apply(struct sup_dom *d, const struct vm_step *st)
{
	if (st->actions & VM_ACT_CANCEL_TIMER)
		evtimer_del(d->timer);
	if ((st->actions & VM_ACT_DESTROY) && (st->actions & VM_ACT_CREATE)) {
		/* Replacing a preserved domain: it must be gone before a
		 * domain of the same name can be created. */
		sup_unwatch(d);
		libxl_domain_destroy(d->sup->ctx, d->domid, NULL);
		d->domid = SUP_NODOM;
	} else if (st->actions & VM_ACT_DESTROY) {
		sup_destroy(d);
	}
	if (st->actions & VM_ACT_SHUTDOWN) {
		sup_guest_shutdown(d);
		sup_arm(d, st->timer_ms);
	}
	if (st->actions & VM_ACT_ARM_TIMER)
		sup_arm(d, st->timer_ms);
	if (st->actions & VM_ACT_CREATE) {
		if (st->from != VM_STOPPED)
			d->restarts++;
		sup_create(d);
	}
}

static void
sup_feed(struct sup_dom *d, enum vm_event ev, enum vm_reason why)
{
	struct vm_step st = vmstate_event(&d->sm, ev, why, sup_now_ms());

	if (st.ignored) {
		log_debug("%s: %s ignored in state %s: %s", d->name,
		    vmstate_event_name(ev), vmstate_name(st.from), st.why);
		return;
	}
	log_info("%s: %s -> %s: %s", d->name, vmstate_name(st.from),
	    vmstate_name(st.to), st.why ? st.why : vmstate_event_name(ev));
	if (st.to != st.from)
		d->state_since = sup_now_ms();
	sup_apply(d, &st);
	if (st.actions & VM_ACT_REPORT)
		sup_report(d, &st);
	sup_next(d->sup, d);
}

/* What follows a change: the client once the service domain is settled,
 * and the next step of a host shutdown. */
static void
sup_next(struct sup *s, struct sup_dom *d)
{
	struct sup_dom *svc = &s->dom[CONF_SERVICE],
		       *cli = &s->dom[CONF_CLIENT];

	if (s->host_shutdown) {
		if (cli->sm.state == VM_STOPPED && svc->sm.want_running)
			sup_feed(svc, VM_EV_STOP, VM_REASON_UNKNOWN);
		else if (cli->sm.state == VM_STOPPED &&
		    svc->sm.state == VM_STOPPED && s->stopped != NULL) {
			s->stopped(s->arg);
			s->stopped = NULL;
		}
		return;
	}
	if (s->boot && svc->sm.state != VM_STARTING) {
		s->boot = 0;
		if (cli->sm.state == VM_STOPPED)
			sup_feed(cli, VM_EV_START, VM_REASON_UNKNOWN);
	}
}

static enum vm_reason
sup_reason(uint8_t r)
{
	switch (r) {
	case LIBXL_SHUTDOWN_REASON_POWEROFF:
		return VM_REASON_POWEROFF;
	case LIBXL_SHUTDOWN_REASON_REBOOT:
		return VM_REASON_REBOOT;
	case LIBXL_SHUTDOWN_REASON_CRASH:
		return VM_REASON_CRASH;
	case LIBXL_SHUTDOWN_REASON_WATCHDOG:
		return VM_REASON_WATCHDOG;
	default:
		return VM_REASON_UNKNOWN;
	}
}

void
sup_libxl_event(void *arg, const libxl_event *ev)
{
	struct sup_dom *d = sup_by_domid(arg, ev->domid);
	struct sup_note n = { 0 };

	if (d == NULL)
		return;
	n.role = d->role;
	if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN) {
		n.shutdown = 1;
		n.reason = sup_reason(ev->u.domain_shutdown.shutdown_reason);
	} else if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH) {
		n.died = 1;
	} else {
		return;
	}
	sup_note(arg, &n);
}

static void
sup_handle(struct sup *s, const struct sup_note *n)
{
	struct sup_dom *d = &s->dom[n->role];

	if (n->created) {
		sup_create_done(d, n->rc);
	} else if (n->shutdown) {
		sup_feed(d, VM_EV_SHUTDOWN, n->reason);
	} else if (n->died) {
		sup_unwatch(d);
		d->domid = SUP_NODOM;
		sup_feed(d, VM_EV_DIED, VM_REASON_UNKNOWN);
	}
}

static void
sup_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sup *s = arg;
	struct sup_note n;

	/* Handling a note may queue more: take them one at a time. */
	while (s->nnotes > 0) {
		n = s->notes[0];
		memmove(&s->notes[0], &s->notes[1],
		    --s->nnotes * sizeof(s->notes[0]));
		sup_handle(s, &n);
	}
}

/* A domain of ours that runs already (kurad was restarted): take it over
 * as it is.  Never destroy it. */
static int
sup_adopt(struct sup_dom *d)
{
	libxl_dominfo info;
	uint32_t domid;
	int alive;

	if (libxl_name_to_domid(d->sup->ctx, d->name, &domid) != 0)
		return 0;
	libxl_dominfo_init(&info);
	alive =
	    libxl_domain_info(d->sup->ctx, &info, domid) == 0 && !info.dying;
	libxl_dominfo_dispose(&info);
	if (!alive)
		return 0;
	d->domid = domid;
	sup_feed(d, VM_EV_ADOPTED, VM_REASON_UNKNOWN);
	sup_watch(d);
	log_info("%s: adopted running domain %u", d->name, domid);
	return 1;
}

void
sup_init(struct sup *s, struct event_base *base, libxl_ctx *ctx,
    struct xswatch *xsw, struct kurad_conf *conf, struct audit *audit)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->base = base;
	s->ctx = ctx;
	s->xsw = xsw;
	s->conf = conf;
	s->audit = audit;
	s->kick = event_new(base, -1, 0, sup_kick_cb, s);
	for (r = 0; r < CONF_ROLE__COUNT; r++) {
		struct sup_dom *d = &s->dom[r];

		d->sup = s;
		d->role = (enum conf_role)r;
		d->conf = &conf->dom[r];
		d->name = d->conf->cfg.c_info.name;
		d->domid = SUP_NODOM;
		d->health_watch = -1;
		d->timer = evtimer_new(base, sup_timer_cb, d);
		d->state_since = sup_now_ms();
		vmstate_init(&d->sm, &d->conf->policy);
	}
}

void
sup_start(struct sup *s)
{
	struct sup_dom *svc = &s->dom[CONF_SERVICE],
		       *cli = &s->dom[CONF_CLIENT];

	/* Both adopted before anything starts: a start must never race a
	 * domain that already runs. */
	sup_adopt(svc);
	sup_adopt(cli);
	s->boot = 1;
	if (svc->sm.state == VM_STOPPED)
		sup_feed(svc, VM_EV_START, VM_REASON_UNKNOWN);
	else
		sup_next(s, svc);
}

int
sup_request(struct sup *s, enum conf_role role, enum vm_event ev)
{
	if (s->host_shutdown && ev != VM_EV_KILL)
		return -ESHUTDOWN;
	sup_feed(&s->dom[role], ev, VM_REASON_UNKNOWN);
	return 0;
}

void
sup_shutdown(struct sup *s)
{
	s->host_shutdown = 1;
	log_info("host shutdown: client VM first, then the service domain");
	sup_feed(&s->dom[CONF_CLIENT], VM_EV_STOP, VM_REASON_UNKNOWN);
	sup_next(s, &s->dom[CONF_CLIENT]);
}

void
sup_free(struct sup *s)
{
	int r;

	for (r = 0; r < CONF_ROLE__COUNT; r++) {
		sup_unwatch(&s->dom[r]);
		if (s->dom[r].timer != NULL)
			event_free(s->dom[r].timer);
		s->dom[r].timer = NULL;
	}
	if (s->kick != NULL)
		event_free(s->kick);
	s->kick = NULL;
}
