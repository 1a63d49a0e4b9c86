/*
 * vmstate: the life cycle of one supervised domain (the client VM or the
 * service domain) as a pure state machine.  kurad feeds it events (from
 * libxl, its timers and the control socket) and carries out the actions
 * it returns; it does no I/O, so that every path is unit-tested.
 *
 * xl leaves on_poweroff/on_reboot/on_crash to the toolstack; here they
 * are vmstate's job, with crash-loop backoff: a domain that crashes again
 * soon after a restart waits longer before the next one.
 */
#ifndef KURA_VMSTATE_H
#define KURA_VMSTATE_H

#include <stdint.h>

enum vm_state {
	VM_STOPPED = 0, /* no domain; nothing pending */
	VM_STARTING,    /* create issued, waiting for its completion */
	VM_RUNNING,     /* the domain exists and runs */
	VM_STOPPING,    /* a clean shutdown was asked; waiting for death */
	VM_DESTROYING,  /* destroy issued, waiting for death */
	VM_BACKOFF,     /* dead; waiting for the restart timer */
	VM_PRESERVED,   /* crashed with on_crash = preserve: kept for
			   inspection, not restarted */
	VM_STATE__COUNT,
};

/* What the domain did when it shut down (libxl_shutdown_reason). */
enum vm_reason {
	VM_REASON_POWEROFF = 0,
	VM_REASON_REBOOT,
	VM_REASON_CRASH,
	VM_REASON_WATCHDOG, /* treated as a crash */
	VM_REASON_UNKNOWN,  /* died without saying why: treated as a crash */
};

enum vm_action_policy {
	VM_ON_DESTROY = 0, /* stay stopped */
	VM_ON_RESTART,
	VM_ON_PRESERVE, /* keep the dead domain (crash only) */
};

enum vm_event {
	VM_EV_START,   /* asked to start (boot, kuractl vm start) */
	VM_EV_STOP,    /* asked to stop cleanly (kuractl, host shutdown) */
	VM_EV_KILL,    /* asked to destroy now */
	VM_EV_RESTART, /* asked to restart (kuractl vm restart) */
	VM_EV_CREATED, /* create completed, domain unpaused */
	VM_EV_CREATE_FAILED, /* create failed (treated like a crash) */
	VM_EV_SHUTDOWN,      /* the domain shut down, with a reason */
	VM_EV_DIED,          /* the domain is gone (destroyed) */
	VM_EV_STOP_TIMEOUT,  /* a clean shutdown took too long */
	VM_EV_TIMER,         /* the backoff timer fired */
	VM_EV_ADOPTED,       /* found running when kurad started */
};

/* Actions for kurad, as bits of vm_step.actions. */
enum vm_action {
	VM_ACT_CREATE = 1 << 0,    /* create (and unpause) the domain */
	VM_ACT_SHUTDOWN = 1 << 1,  /* ask the guest to shut down, and arm
				      the stop timer (vm_step.timer_ms) */
	VM_ACT_DESTROY = 1 << 2,   /* destroy the domain */
	VM_ACT_ARM_TIMER = 1 << 3, /* arm the backoff timer (timer_ms) */
	VM_ACT_CANCEL_TIMER = 1 << 4,
	VM_ACT_REPORT = 1 << 5, /* state changed: tell event listeners */
};

struct vm_policy {
	enum vm_action_policy on_poweroff; /* default VM_ON_DESTROY */
	enum vm_action_policy on_reboot;   /* default VM_ON_RESTART */
	enum vm_action_policy on_crash;    /* default VM_ON_RESTART */
	int64_t stop_timeout_ms;           /* clean shutdown before destroy */
	int64_t backoff_min_ms; /* first restart delay after a crash */
	int64_t backoff_max_ms; /* delays double up to this */
	int64_t stable_ms;      /* running this long resets the backoff */
};

struct vm_sm {
	enum vm_state state;
	struct vm_policy policy;
	int want_running;      /* what kurad was last asked for */
	int crashes;           /* consecutive crashes without a stable run */
	int64_t running_since; /* ms, when it last became RUNNING */
	int64_t next_delay_ms; /* the delay the next crash restart waits */
	enum vm_reason last_reason;
	/* Decisions waiting for the next event (kept by vmstate only). */
	int restart_delayed; /* DESTROYING after a crash: the restart
				waits for the backoff timer */
	int kill_pending;    /* STARTING: KILL came; destroy once created */
	char why[128];       /* text behind vm_step.why when formatted;
				valid until the next event */
};

struct vm_step {
	enum vm_state from, to;
	unsigned actions; /* enum vm_action bits */
	int64_t timer_ms; /* for VM_ACT_SHUTDOWN and VM_ACT_ARM_TIMER */
	const char *why;  /* one line for the log and the audit trail */
	int ignored;      /* the event does not apply in this state */
};

void vmstate_policy_default(struct vm_policy *p);
void vmstate_init(struct vm_sm *sm, const struct vm_policy *p);
/* One event at time now (ms, monotonic); reason only for VM_EV_SHUTDOWN. */
struct vm_step vmstate_event(struct vm_sm *sm, enum vm_event ev,
    enum vm_reason reason, int64_t now);
const char *vmstate_name(enum vm_state s);
const char *vmstate_event_name(enum vm_event e);
const char *vmstate_reason_name(enum vm_reason r);

#endif
