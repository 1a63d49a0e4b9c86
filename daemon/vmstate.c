/*
 * vmstate: the life cycle of one supervised domain as a pure state
 * machine (see vmstate.h).  vmstate_event() takes one event, moves the
 * machine and returns the actions kurad must carry out; it does no I/O
 * and reads no clock (kurad passes "now"), so every path is unit-tested.
 *
 * Dispatch goes through vmstate_table[state][event]: an entry is either
 * a handler or the reason why that event does not apply in that state.
 * Ignored events leave the machine untouched (byte for byte) and return
 * from == to, no actions, ignored = 1 and a static why.
 *
 * Every step that changes the state carries VM_ACT_REPORT.  vm_step.why
 * is a static string or sm->why, valid until the next event.
 *
 * The semantics, state by state:
 *
 * STOPPED     START/RESTART -> STARTING (CREATE), want_running = 1.
 *             ADOPTED (kurad restarted, the domain was alive) -> RUNNING
 *             with only REPORT: an adopted domain is never destroyed.
 * STARTING    CREATED -> RUNNING, running_since = now; or, when a STOP
 *             came meanwhile, -> STOPPING (SHUTDOWN); when a KILL came
 *             meanwhile, -> DESTROYING (DESTROY): the domain cannot be
 *             destroyed before its create completes.
 *             CREATE_FAILED, and DIED before CREATED, count as a crash
 *             with no domain to destroy: -> BACKOFF (ARM_TIMER) if
 *             on_crash is restart, else -> STOPPED (preserve has nothing
 *             to keep); -> STOPPED anyway if a stop came meanwhile.
 *             START/RESTART cancel a pending stop or kill.
 * RUNNING     SHUTDOWN(reason), the guest shut itself down: poweroff
 *             follows on_poweroff, reboot on_reboot, crash, watchdog and
 *             unknown on_crash.  destroy -> DESTROYING (DESTROY) then
 *             STOPPED; restart after poweroff/reboot -> DESTROYING then
 *             straight to STARTING (a reboot is normal: no backoff);
 *             restart after a crash -> DESTROYING then BACKOFF
 *             (ARM_TIMER); preserve (crash only; for poweroff/reboot it
 *             acts as destroy) -> PRESERVED with no destroy.
 *             DIED without a SHUTDOWN (xl destroy from outside) is a
 *             crash with no domain left: -> BACKOFF or STOPPED as above.
 *             STOP -> STOPPING (SHUTDOWN, timer_ms = stop_timeout),
 *             want_running = 0.  RESTART -> STOPPING the same way but
 *             want_running = 1: it starts again, without backoff, once
 *             dead.  KILL -> DESTROYING (DESTROY), want_running = 0.
 * STOPPING    SHUTDOWN (the one we asked for, whatever its reason) ->
 *             DESTROYING (DESTROY|CANCEL_TIMER).  STOP_TIMEOUT ->
 *             DESTROYING (DESTROY): the guest did not stop in time.
 *             DIED -> STOPPED (CANCEL_TIMER), or STARTING (CANCEL_TIMER|
 *             CREATE) if a restart or start was asked.  KILL ->
 *             DESTROYING (DESTROY|CANCEL_TIMER).  START/RESTART set
 *             want_running = 1; STOP clears it again.
 * DESTROYING  DIED goes where the pending decision says: STOPPED
 *             (want_running = 0), BACKOFF (ARM_TIMER, after a crash) or
 *             STARTING (CREATE).  START/RESTART set want_running = 1
 *             and drop the backoff (asked for: start at once); STOP/KILL
 *             clear want_running.
 * BACKOFF     TIMER -> STARTING (CREATE).  START/RESTART -> STARTING
 *             (CANCEL_TIMER|CREATE) now.  STOP/KILL -> STOPPED
 *             (CANCEL_TIMER).
 * PRESERVED   START/RESTART -> STARTING (DESTROY|CREATE: kurad destroys
 *             the kept domain, then creates).  STOP/KILL -> DESTROYING
 *             (DESTROY) then STOPPED.  DIED (destroyed from outside) ->
 *             STOPPED.
 * RESTART outside RUNNING acts as START.  Stale timers (STOP_TIMEOUT
 * outside STOPPING, TIMER outside BACKOFF) are ignored.
 *
 * Crashes and backoff: a crash (CREATE_FAILED, a crash/watchdog/unknown
 * SHUTDOWN, an unexpected DIED) increments sm->crashes, unless the
 * domain had been RUNNING for at least stable_ms, which restarts the
 * count at 1.  The restart delay is backoff_min * 2^(crashes-1), capped
 * at backoff_max: 2, 4, 8, ... 256, 300, 300 s by default.  It is kept in
 * sm->next_delay_ms and reported in vm_step.timer_ms both on the step
 * that decides the restart and on the one that arms the timer, and in
 * why.  Only a stable run resets the count: a stop and start by the
 * admin does not, so a domain that keeps crashing keeps backing off.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmstate.h"

/* The enum has no __COUNT member; VM_EV_ADOPTED is its last event. */
#define VMSTATE_NEVENTS ((int)VM_EV_ADOPTED + 1)

typedef struct vm_step vmstate_handler(struct vm_sm *sm, enum vm_reason reason,
    int64_t now);

struct vmstate_rule {
	vmstate_handler *fn; /* NULL: the event is ignored in this state */
	const char *why;     /* why it is ignored */
};

void
vmstate_policy_default(struct vm_policy *p)
{
	/* Padding too: policies get copied and compared as bytes. */
	memset(p, 0, sizeof(*p));
	p->on_poweroff = VM_ON_DESTROY;
	p->on_reboot = VM_ON_RESTART;
	p->on_crash = VM_ON_RESTART;
	p->stop_timeout_ms = 60 * 1000;
	p->backoff_min_ms = 2 * 1000;
	p->backoff_max_ms = 300 * 1000;
	p->stable_ms = 60 * 1000;
}

void
vmstate_init(struct vm_sm *sm, const struct vm_policy *p)
{
	memset(sm, 0, sizeof(*sm));
	if (p != NULL)
		sm->policy = *p;
	else
		vmstate_policy_default(&sm->policy);
	sm->state = VM_STOPPED;
	sm->last_reason = VM_REASON_UNKNOWN;
}

const char *
vmstate_name(enum vm_state s)
{
	static const char *const names[VM_STATE__COUNT] = {
		[VM_STOPPED] = "stopped",
		[VM_STARTING] = "starting",
		[VM_RUNNING] = "running",
		[VM_STOPPING] = "stopping",
		[VM_DESTROYING] = "destroying",
		[VM_BACKOFF] = "backoff",
		[VM_PRESERVED] = "preserved",
	};

	if ((unsigned)s >= VM_STATE__COUNT)
		return "invalid";
	return names[s];
}

const char *
vmstate_event_name(enum vm_event e)
{
	static const char *const names[VMSTATE_NEVENTS] = {
		[VM_EV_START] = "start",
		[VM_EV_STOP] = "stop",
		[VM_EV_KILL] = "kill",
		[VM_EV_RESTART] = "restart",
		[VM_EV_CREATED] = "created",
		[VM_EV_CREATE_FAILED] = "create-failed",
		[VM_EV_SHUTDOWN] = "shutdown",
		[VM_EV_DIED] = "died",
		[VM_EV_STOP_TIMEOUT] = "stop-timeout",
		[VM_EV_TIMER] = "timer",
		[VM_EV_ADOPTED] = "adopted",
	};

	if ((unsigned)e >= VMSTATE_NEVENTS)
		return "invalid";
	return names[e];
}

const char *
vmstate_reason_name(enum vm_reason r)
{
	static const char *const names[] = {
		[VM_REASON_POWEROFF] = "poweroff",
		[VM_REASON_REBOOT] = "reboot",
		[VM_REASON_CRASH] = "crash",
		[VM_REASON_WATCHDOG] = "watchdog",
		[VM_REASON_UNKNOWN] = "unknown",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "invalid";
	return names[r];
}

static const char *
vmstate_policy_name(enum vm_action_policy p)
{
	switch (p) {
	case VM_ON_DESTROY:
		return "destroy";
	case VM_ON_RESTART:
		return "restart";
	case VM_ON_PRESERVE:
		return "preserve";
	}
	return "invalid";
}

/* --- building steps --- */

/* Formats a why into the machine's own buffer (no argument may point
   into sm->why itself). */
static const char *vmstate_say(struct vm_sm *sm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *
vmstate_say(struct vm_sm *sm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sm->why, sizeof(sm->why), fmt, ap);
	va_end(ap);
	return sm->why;
}

/* Ignored: the machine is left exactly as it was, hence a static why. */
static struct vm_step
vmstate_ignore(const struct vm_sm *sm, const char *why)
{
	struct vm_step st = { .from = sm->state, .to = sm->state, .why = why };

	st.ignored = 1;
	return st;
}

/* Moves to a state.  The pending decisions only mean something in the
   state that set them, so leaving it drops them. */
static struct vm_step
vmstate_go(struct vm_sm *sm, enum vm_state to, unsigned actions,
    const char *why)
{
	struct vm_step st = { .from = sm->state, .to = to, .why = why };

	if (to != sm->state)
		actions |= VM_ACT_REPORT;
	st.actions = actions;
	if (to != VM_STARTING)
		sm->kill_pending = 0;
	if (to != VM_DESTROYING)
		sm->restart_delayed = 0;
	sm->state = to;
	return st;
}

/* A request remembered for later: no state change, nothing to do now. */
static struct vm_step
vmstate_note(struct vm_sm *sm, const char *why)
{
	return vmstate_go(sm, sm->state, 0, why);
}

/* "8 s" for whole seconds, else "1500 ms". */
static void
vmstate_dur(int64_t ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%lld s", (long long)(ms / 1000));
	else
		snprintf(buf, len, "%lld ms", (long long)ms);
}

/* "first crash", "2nd crash in a row", ..., "11th crash in a row". */
static void
vmstate_nth(int n, char *buf, size_t len)
{
	const char *suffix = "th";

	if (n <= 1) {
		snprintf(buf, len, "first crash");
		return;
	}
	if (n % 100 < 11 || n % 100 > 13) {
		if (n % 10 == 1)
			suffix = "st";
		else if (n % 10 == 2)
			suffix = "nd";
		else if (n % 10 == 3)
			suffix = "rd";
	}
	snprintf(buf, len, "%d%s crash in a row", n, suffix);
}

/* STOPPING with SHUTDOWN; the stop timer escalates to a destroy. */
static struct vm_step
vmstate_ask_shutdown(struct vm_sm *sm, const char *what)
{
	char dur[32];
	struct vm_step st;

	vmstate_dur(sm->policy.stop_timeout_ms, dur, sizeof(dur));
	st = vmstate_go(sm, VM_STOPPING, VM_ACT_SHUTDOWN,
	    vmstate_say(sm,
		"%s: asking the guest to shut down (destroy after %s)", what,
		dur));
	st.timer_ms = sm->policy.stop_timeout_ms;
	return st;
}

/* --- crashes --- */

/* backoff_min * 2^(crashes-1), capped at backoff_max, without overflow. */
static int64_t
vmstate_delay(const struct vm_policy *p, int crashes)
{
	int64_t d = p->backoff_min_ms;
	int i;

	if (d <= 0)
		return 0;
	for (i = 1; i < crashes; i++) {
		if (d > p->backoff_max_ms / 2)
			return p->backoff_max_ms;
		d *= 2;
	}
	return d < p->backoff_max_ms ? d : p->backoff_max_ms;
}

/* A crash after a stable run starts a new series; otherwise the series
   goes on and the delay doubles.  ran: the domain reached RUNNING. */
static void
vmstate_count_crash(struct vm_sm *sm, int ran, int64_t now)
{
	if (ran && now - sm->running_since >= sm->policy.stable_ms)
		sm->crashes = 1;
	else if (sm->crashes < INT_MAX)
		sm->crashes++;
	sm->next_delay_ms = vmstate_delay(&sm->policy, sm->crashes);
}

/* "<what>, <outcome> (4th crash in a row)"; outcome NULL: the restart
   delay. */
static const char *
vmstate_say_crash(struct vm_sm *sm, const char *what, const char *outcome)
{
	char dur[32], nth[32];

	vmstate_dur(sm->next_delay_ms, dur, sizeof(dur));
	vmstate_nth(sm->crashes, nth, sizeof(nth));
	if (outcome == NULL)
		return vmstate_say(sm, "%s, restart in %s (%s)", what, dur,
		    nth);
	return vmstate_say(sm, "%s, %s (%s)", what, outcome, nth);
}

/* A crash that left no domain behind (create failed, died before or
   after CREATED without a SHUTDOWN): nothing to destroy or preserve. */
static struct vm_step
vmstate_crash_gone(struct vm_sm *sm, const char *what, int ran, int64_t now)
{
	char out[48];
	struct vm_step st;

	vmstate_count_crash(sm, ran, now);
	if (!sm->want_running)
		return vmstate_go(sm, VM_STOPPED, 0,
		    vmstate_say_crash(sm, what, "stays stopped as asked"));
	if (sm->policy.on_crash != VM_ON_RESTART) {
		snprintf(out, sizeof(out), "on_crash %s: stays stopped",
		    vmstate_policy_name(sm->policy.on_crash));
		sm->want_running = 0;
		return vmstate_go(sm, VM_STOPPED, 0,
		    vmstate_say_crash(sm, what, out));
	}
	st = vmstate_go(sm, VM_BACKOFF, VM_ACT_ARM_TIMER,
	    vmstate_say_crash(sm, what, NULL));
	st.timer_ms = sm->next_delay_ms;
	return st;
}

/* The guest crashed and its domain is still there: on_crash decides. */
static struct vm_step
vmstate_crash_shutdown(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	char what[48];
	struct vm_step st;

	snprintf(what, sizeof(what), "crashed (reason %s)",
	    vmstate_reason_name(reason));
	vmstate_count_crash(sm, 1, now);
	switch (sm->policy.on_crash) {
	case VM_ON_PRESERVE:
		sm->want_running = 0; /* for as long as it stays PRESERVED */
		return vmstate_go(sm, VM_PRESERVED, 0,
		    vmstate_say_crash(sm, what, "preserved for inspection"));
	case VM_ON_RESTART:
		sm->want_running = 1;
		sm->restart_delayed = 1;
		st = vmstate_go(sm, VM_DESTROYING, VM_ACT_DESTROY,
		    vmstate_say_crash(sm, what, NULL));
		st.timer_ms = sm->next_delay_ms;
		return st;
	case VM_ON_DESTROY:
		break;
	}
	sm->want_running = 0;
	return vmstate_go(sm, VM_DESTROYING, VM_ACT_DESTROY,
	    vmstate_say_crash(sm, what, "destroying, stays stopped"));
}

/* The domain is gone after STOPPING or DESTROYING: carry out what was
   decided (or asked for) meanwhile. */
static struct vm_step
vmstate_dead(struct vm_sm *sm, unsigned actions, const char *what)
{
	struct vm_step st;

	if (!sm->want_running)
		return vmstate_go(sm, VM_STOPPED, actions,
		    vmstate_say(sm, "%s: stopped", what));
	if (!sm->restart_delayed)
		return vmstate_go(sm, VM_STARTING, actions | VM_ACT_CREATE,
		    vmstate_say(sm, "%s: starting again", what));
	st = vmstate_go(sm, VM_BACKOFF, actions | VM_ACT_ARM_TIMER,
	    vmstate_say_crash(sm, what, NULL));
	st.timer_ms = sm->next_delay_ms;
	return st;
}

/* --- handlers, by state --- */

static struct vm_step
vmstate_stopped_start(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 1;
	return vmstate_go(sm, VM_STARTING, VM_ACT_CREATE,
	    "start requested: creating the domain");
}

static struct vm_step
vmstate_stopped_adopted(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 1;
	sm->running_since = now;
	return vmstate_go(sm, VM_RUNNING, 0,
	    "found running at start-up: adopted as it is");
}

static struct vm_step
vmstate_starting_start(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	if (sm->want_running)
		return vmstate_ignore(sm, "already starting");
	sm->want_running = 1;
	sm->kill_pending = 0;
	return vmstate_note(sm,
	    "start requested while starting: the pending stop is cancelled");
}

static struct vm_step
vmstate_starting_stop(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	if (!sm->want_running)
		return vmstate_ignore(sm, "a stop is already pending");
	sm->want_running = 0;
	return vmstate_note(sm,
	    "stop requested while starting: will shut down once created");
}

static struct vm_step
vmstate_starting_kill(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	if (sm->kill_pending)
		return vmstate_ignore(sm, "a kill is already pending");
	sm->want_running = 0;
	sm->kill_pending = 1;
	return vmstate_note(sm,
	    "kill requested while starting: will destroy once created");
}

static struct vm_step
vmstate_starting_created(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	if (sm->kill_pending)
		return vmstate_go(sm, VM_DESTROYING, VM_ACT_DESTROY,
		    "created: destroying, a kill came while starting");
	if (!sm->want_running)
		return vmstate_ask_shutdown(sm,
		    "created, but a stop came while starting");
	sm->running_since = now;
	return vmstate_go(sm, VM_RUNNING, 0, "created and running");
}

static struct vm_step
vmstate_starting_failed(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	return vmstate_crash_gone(sm, "create failed", 0, now);
}

static struct vm_step
vmstate_starting_died(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	return vmstate_crash_gone(sm, "died while starting", 0, now);
}

static struct vm_step
vmstate_running_stop(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 0;
	return vmstate_ask_shutdown(sm, "stop requested");
}

static struct vm_step
vmstate_running_restart(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 1;
	return vmstate_ask_shutdown(sm, "restart requested");
}

static struct vm_step
vmstate_running_kill(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 0;
	return vmstate_go(sm, VM_DESTROYING, VM_ACT_DESTROY,
	    "kill requested: destroying");
}

/* A poweroff or reboot: normal, so a restart needs no backoff.  Preserve
   is for crashes only and acts as destroy here. */
static struct vm_step
vmstate_planned(struct vm_sm *sm, enum vm_action_policy pol,
    enum vm_reason reason)
{
	const char *name = vmstate_reason_name(reason);

	sm->want_running = pol == VM_ON_RESTART;
	return vmstate_go(sm, VM_DESTROYING, VM_ACT_DESTROY,
	    vmstate_say(sm, "guest shut down (reason %s), on_%s %s: %s", name,
		name, vmstate_policy_name(pol),
		sm->want_running ? "destroying, then starting again"
				 : "destroying, stays stopped"));
}

static struct vm_step
vmstate_running_shutdown(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->last_reason = reason;
	switch (reason) {
	case VM_REASON_POWEROFF:
		return vmstate_planned(sm, sm->policy.on_poweroff, reason);
	case VM_REASON_REBOOT:
		return vmstate_planned(sm, sm->policy.on_reboot, reason);
	case VM_REASON_CRASH:
	case VM_REASON_WATCHDOG:
	case VM_REASON_UNKNOWN:
		break;
	}
	return vmstate_crash_shutdown(sm, reason, now);
}

/* Gone without a SHUTDOWN: destroyed behind kurad's back (xl destroy). */
static struct vm_step
vmstate_running_died(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->last_reason = VM_REASON_UNKNOWN;
	return vmstate_crash_gone(sm, "destroyed from outside", 1, now);
}

/* START/RESTART while the domain is on its way out: start once dead, and
   at once (an asked-for start skips the crash backoff). */
static struct vm_step
vmstate_dying_start(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	if (sm->want_running && !sm->restart_delayed)
		return vmstate_ignore(sm, "a restart is already pending");
	sm->want_running = 1;
	sm->restart_delayed = 0;
	return vmstate_note(sm,
	    "start requested: will start again once the domain is gone");
}

/* STOP while the domain is on its way out: cancel a pending restart. */
static struct vm_step
vmstate_dying_stop(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	if (!sm->want_running)
		return vmstate_ignore(sm, "already on its way to stopped");
	sm->want_running = 0;
	sm->restart_delayed = 0;
	return vmstate_note(sm,
	    "stop requested: the pending restart is "
	    "cancelled");
}

static struct vm_step
vmstate_stopping_kill(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 0;
	return vmstate_go(sm, VM_DESTROYING,
	    VM_ACT_DESTROY | VM_ACT_CANCEL_TIMER,
	    "kill requested while stopping: destroying");
}

static struct vm_step
vmstate_stopping_shutdown(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->last_reason = reason;
	return vmstate_go(sm, VM_DESTROYING,
	    VM_ACT_DESTROY | VM_ACT_CANCEL_TIMER,
	    vmstate_say(sm, "shut down as asked (reason %s): destroying",
		vmstate_reason_name(reason)));
}

static struct vm_step
vmstate_stopping_timeout(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	char dur[32];

	vmstate_dur(sm->policy.stop_timeout_ms, dur, sizeof(dur));
	return vmstate_go(sm, VM_DESTROYING, VM_ACT_DESTROY,
	    vmstate_say(sm, "did not shut down within %s: destroying", dur));
}

static struct vm_step
vmstate_stopping_died(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	return vmstate_dead(sm, VM_ACT_CANCEL_TIMER, "died while stopping");
}

static struct vm_step
vmstate_destroying_died(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	return vmstate_dead(sm, 0, "destroyed");
}

static struct vm_step
vmstate_backoff_start(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 1;
	return vmstate_go(sm, VM_STARTING, VM_ACT_CANCEL_TIMER | VM_ACT_CREATE,
	    "start requested: restarting now instead of after the backoff");
}

static struct vm_step
vmstate_backoff_stop(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 0;
	return vmstate_go(sm, VM_STOPPED, VM_ACT_CANCEL_TIMER,
	    "stop requested: the pending restart is cancelled");
}

static struct vm_step
vmstate_backoff_timer(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	char nth[32];

	vmstate_nth(sm->crashes, nth, sizeof(nth));
	return vmstate_go(sm, VM_STARTING, VM_ACT_CREATE,
	    vmstate_say(sm, "backoff over: restarting (after the %s)", nth));
}

static struct vm_step
vmstate_preserved_start(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	sm->want_running = 1;
	return vmstate_go(sm, VM_STARTING, VM_ACT_DESTROY | VM_ACT_CREATE,
	    "start requested: destroying the preserved domain, then creating "
	    "a new one");
}

static struct vm_step
vmstate_preserved_stop(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	return vmstate_go(sm, VM_DESTROYING, VM_ACT_DESTROY,
	    "stop requested: destroying the preserved domain");
}

static struct vm_step
vmstate_preserved_died(struct vm_sm *sm, enum vm_reason reason, int64_t now)
{
	return vmstate_go(sm, VM_STOPPED, 0,
	    "the preserved domain was destroyed from outside");
}

/* --- the table --- */

/* clang-format off */
#define DO(fn) { fn, NULL }
#define SKIP(why) { NULL, why }
/* clang-format on */

static const struct vmstate_rule vmstate_table[VM_STATE__COUNT]
					      [VMSTATE_NEVENTS] = {
	[VM_STOPPED] = {
	    [VM_EV_START] = DO(vmstate_stopped_start),
	    [VM_EV_STOP] = SKIP("already stopped"),
	    [VM_EV_KILL] = SKIP("already stopped"),
	    [VM_EV_RESTART] = DO(vmstate_stopped_start),
	    [VM_EV_CREATED] = SKIP("stopped: no create in progress"),
	    [VM_EV_CREATE_FAILED] = SKIP("stopped: no create in progress"),
	    [VM_EV_SHUTDOWN] = SKIP("stopped: no domain to shut down"),
	    [VM_EV_DIED] = SKIP("stopped: no domain to die"),
	    [VM_EV_STOP_TIMEOUT] = SKIP("stale stop timer: not stopping"),
	    [VM_EV_TIMER] = SKIP("stale backoff timer: no restart pending"),
	    [VM_EV_ADOPTED] = DO(vmstate_stopped_adopted),
	},
	[VM_STARTING] = {
	    [VM_EV_START] = DO(vmstate_starting_start),
	    [VM_EV_STOP] = DO(vmstate_starting_stop),
	    [VM_EV_KILL] = DO(vmstate_starting_kill),
	    [VM_EV_RESTART] = DO(vmstate_starting_start),
	    [VM_EV_CREATED] = DO(vmstate_starting_created),
	    [VM_EV_CREATE_FAILED] = DO(vmstate_starting_failed),
	    [VM_EV_SHUTDOWN] = SKIP("starting: not running yet"),
	    [VM_EV_DIED] = DO(vmstate_starting_died),
	    [VM_EV_STOP_TIMEOUT] = SKIP("stale stop timer: not stopping"),
	    [VM_EV_TIMER] = SKIP("stale backoff timer: already starting"),
	    [VM_EV_ADOPTED] = SKIP("starting: already managed"),
	},
	[VM_RUNNING] = {
	    [VM_EV_START] = SKIP("already running"),
	    [VM_EV_STOP] = DO(vmstate_running_stop),
	    [VM_EV_KILL] = DO(vmstate_running_kill),
	    [VM_EV_RESTART] = DO(vmstate_running_restart),
	    [VM_EV_CREATED] = SKIP("already running"),
	    [VM_EV_CREATE_FAILED] = SKIP("running: no create in progress"),
	    [VM_EV_SHUTDOWN] = DO(vmstate_running_shutdown),
	    [VM_EV_DIED] = DO(vmstate_running_died),
	    [VM_EV_STOP_TIMEOUT] = SKIP("stale stop timer: not stopping"),
	    [VM_EV_TIMER] = SKIP("stale backoff timer: already running"),
	    [VM_EV_ADOPTED] = SKIP("running: already managed"),
	},
	[VM_STOPPING] = {
	    [VM_EV_START] = DO(vmstate_dying_start),
	    [VM_EV_STOP] = DO(vmstate_dying_stop),
	    [VM_EV_KILL] = DO(vmstate_stopping_kill),
	    [VM_EV_RESTART] = DO(vmstate_dying_start),
	    [VM_EV_CREATED] = SKIP("stopping: no create in progress"),
	    [VM_EV_CREATE_FAILED] = SKIP("stopping: no create in progress"),
	    [VM_EV_SHUTDOWN] = DO(vmstate_stopping_shutdown),
	    [VM_EV_DIED] = DO(vmstate_stopping_died),
	    [VM_EV_STOP_TIMEOUT] = DO(vmstate_stopping_timeout),
	    [VM_EV_TIMER] = SKIP("stale backoff timer: stopping"),
	    [VM_EV_ADOPTED] = SKIP("stopping: already managed"),
	},
	[VM_DESTROYING] = {
	    [VM_EV_START] = DO(vmstate_dying_start),
	    [VM_EV_STOP] = DO(vmstate_dying_stop),
	    [VM_EV_KILL] = DO(vmstate_dying_stop),
	    [VM_EV_RESTART] = DO(vmstate_dying_start),
	    [VM_EV_CREATED] = SKIP("destroying: no create in progress"),
	    [VM_EV_CREATE_FAILED] = SKIP("destroying: no create in progress"),
	    [VM_EV_SHUTDOWN] = SKIP("already being destroyed"),
	    [VM_EV_DIED] = DO(vmstate_destroying_died),
	    [VM_EV_STOP_TIMEOUT] = SKIP("stale stop timer: already "
					"destroying"),
	    [VM_EV_TIMER] = SKIP("stale backoff timer: destroying"),
	    [VM_EV_ADOPTED] = SKIP("destroying: already managed"),
	},
	[VM_BACKOFF] = {
	    [VM_EV_START] = DO(vmstate_backoff_start),
	    [VM_EV_STOP] = DO(vmstate_backoff_stop),
	    [VM_EV_KILL] = DO(vmstate_backoff_stop),
	    [VM_EV_RESTART] = DO(vmstate_backoff_start),
	    [VM_EV_CREATED] = SKIP("backoff: no create in progress"),
	    [VM_EV_CREATE_FAILED] = SKIP("backoff: no create in progress"),
	    [VM_EV_SHUTDOWN] = SKIP("backoff: no domain to shut down"),
	    [VM_EV_DIED] = SKIP("backoff: no domain to die"),
	    [VM_EV_STOP_TIMEOUT] = SKIP("stale stop timer: not stopping"),
	    [VM_EV_TIMER] = DO(vmstate_backoff_timer),
	    [VM_EV_ADOPTED] = SKIP("backoff: already managed"),
	},
	[VM_PRESERVED] = {
	    [VM_EV_START] = DO(vmstate_preserved_start),
	    [VM_EV_STOP] = DO(vmstate_preserved_stop),
	    [VM_EV_KILL] = DO(vmstate_preserved_stop),
	    [VM_EV_RESTART] = DO(vmstate_preserved_start),
	    [VM_EV_CREATED] = SKIP("preserved: no create in progress"),
	    [VM_EV_CREATE_FAILED] = SKIP("preserved: no create in progress"),
	    [VM_EV_SHUTDOWN] = SKIP("preserved: already shut down"),
	    [VM_EV_DIED] = DO(vmstate_preserved_died),
	    [VM_EV_STOP_TIMEOUT] = SKIP("stale stop timer: not stopping"),
	    [VM_EV_TIMER] = SKIP("stale backoff timer: preserved, no restart"),
	    [VM_EV_ADOPTED] = SKIP("preserved: already managed"),
	},
};

#undef DO
#undef SKIP

struct vm_step
vmstate_event(struct vm_sm *sm, enum vm_event ev, enum vm_reason reason,
    int64_t now)
{
	const struct vmstate_rule *r;

	if ((unsigned)sm->state >= VM_STATE__COUNT)
		return vmstate_ignore(sm, "invalid state");
	if ((unsigned)ev >= VMSTATE_NEVENTS)
		return vmstate_ignore(sm, "invalid event");
	r = &vmstate_table[sm->state][ev];
	if (r->fn == NULL)
		return vmstate_ignore(sm, r->why);
	return r->fn(sm, reason, now);
}
