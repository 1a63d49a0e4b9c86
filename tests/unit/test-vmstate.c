/*
 * Unit tests for daemon/vmstate.c: every (state, event) pair, exact
 * states, actions and timers on the life-cycle paths kurad relies on,
 * crash-loop backoff and the why strings that end up in the logs; and
 * daemon/health.c, the words a guest may report about itself.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "health.h"
#include "vmstate.h"

#define NEVENTS ((int)VM_EV_ADOPTED + 1)
#define NREASONS ((int)VM_REASON_UNKNOWN + 1)
#define ALL_ACTIONS                                                            \
	(VM_ACT_CREATE | VM_ACT_SHUTDOWN | VM_ACT_DESTROY | VM_ACT_ARM_TIMER | \
	    VM_ACT_CANCEL_TIMER | VM_ACT_REPORT)
#define REP VM_ACT_REPORT

/* Checks a step exactly; a macro so that failures name the test's line. */
#define EXPECT(step, f, t, acts, timer)                                        \
	do {                                                                   \
		struct vm_step s_ = (step);                                    \
		assert_int_equal(s_.from, (f));                                \
		assert_int_equal(s_.to, (t));                                  \
		assert_int_equal(s_.actions, (acts));                          \
		assert_int_equal(s_.timer_ms, (timer));                        \
		assert_int_equal(s_.ignored, 0);                               \
		assert_non_null(s_.why);                                       \
		assert_true(s_.why[0] != '\0');                                \
	} while (0)

#define EXPECT_IGNORED(step, s)                                                \
	do {                                                                   \
		struct vm_step s_ = (step);                                    \
		assert_int_equal(s_.from, (s));                                \
		assert_int_equal(s_.to, (s));                                  \
		assert_int_equal(s_.actions, 0);                               \
		assert_int_equal(s_.ignored, 1);                               \
		assert_non_null(s_.why);                                       \
		assert_true(s_.why[0] != '\0');                                \
	} while (0)

static struct vm_step
ev(struct vm_sm *sm, enum vm_event e, int64_t now)
{
	return vmstate_event(sm, e, VM_REASON_UNKNOWN, now);
}

static struct vm_step
shut(struct vm_sm *sm, enum vm_reason r, int64_t now)
{
	return vmstate_event(sm, VM_EV_SHUTDOWN, r, now);
}

static void
sm_with(struct vm_sm *sm, enum vm_action_policy on_poweroff,
    enum vm_action_policy on_reboot, enum vm_action_policy on_crash)
{
	struct vm_policy p;

	vmstate_policy_default(&p);
	p.on_poweroff = on_poweroff;
	p.on_reboot = on_reboot;
	p.on_crash = on_crash;
	vmstate_init(sm, &p);
}

/* STOPPED -> STARTING -> RUNNING at time now. */
static void
boot(struct vm_sm *sm, int64_t now)
{
	EXPECT(ev(sm, VM_EV_START, now), VM_STOPPED, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
	EXPECT(ev(sm, VM_EV_CREATED, now), VM_STARTING, VM_RUNNING, REP, 0);
}

/* --- names and defaults --- */

static void
test_names(void **state)
{
	assert_string_equal(vmstate_name(VM_STOPPED), "stopped");
	assert_string_equal(vmstate_name(VM_STARTING), "starting");
	assert_string_equal(vmstate_name(VM_RUNNING), "running");
	assert_string_equal(vmstate_name(VM_STOPPING), "stopping");
	assert_string_equal(vmstate_name(VM_DESTROYING), "destroying");
	assert_string_equal(vmstate_name(VM_BACKOFF), "backoff");
	assert_string_equal(vmstate_name(VM_PRESERVED), "preserved");
	assert_string_equal(vmstate_name(VM_STATE__COUNT), "invalid");
	assert_string_equal(vmstate_event_name(VM_EV_START), "start");
	assert_string_equal(vmstate_event_name(VM_EV_STOP), "stop");
	assert_string_equal(vmstate_event_name(VM_EV_KILL), "kill");
	assert_string_equal(vmstate_event_name(VM_EV_RESTART), "restart");
	assert_string_equal(vmstate_event_name(VM_EV_CREATED), "created");
	assert_string_equal(vmstate_event_name(VM_EV_CREATE_FAILED),
	    "create-failed");
	assert_string_equal(vmstate_event_name(VM_EV_SHUTDOWN), "shutdown");
	assert_string_equal(vmstate_event_name(VM_EV_DIED), "died");
	assert_string_equal(vmstate_event_name(VM_EV_STOP_TIMEOUT),
	    "stop-timeout");
	assert_string_equal(vmstate_event_name(VM_EV_TIMER), "timer");
	assert_string_equal(vmstate_event_name(VM_EV_ADOPTED), "adopted");
	assert_string_equal(vmstate_event_name((enum vm_event)NEVENTS),
	    "invalid");
	assert_string_equal(vmstate_reason_name(VM_REASON_POWEROFF),
	    "poweroff");
	assert_string_equal(vmstate_reason_name(VM_REASON_REBOOT), "reboot");
	assert_string_equal(vmstate_reason_name(VM_REASON_CRASH), "crash");
	assert_string_equal(vmstate_reason_name(VM_REASON_WATCHDOG),
	    "watchdog");
	assert_string_equal(vmstate_reason_name(VM_REASON_UNKNOWN), "unknown");
	assert_string_equal(vmstate_reason_name((enum vm_reason)NREASONS),
	    "invalid");
}

static void
check_default(const struct vm_policy *p)
{
	assert_int_equal(p->on_poweroff, VM_ON_DESTROY);
	assert_int_equal(p->on_reboot, VM_ON_RESTART);
	assert_int_equal(p->on_crash, VM_ON_RESTART);
	assert_int_equal(p->stop_timeout_ms, 60000);
	assert_int_equal(p->backoff_min_ms, 2000);
	assert_int_equal(p->backoff_max_ms, 300000);
	assert_int_equal(p->stable_ms, 60000);
}

static void
test_policy_default(void **state)
{
	struct vm_policy p;
	struct vm_sm sm;

	memset(&p, 0x55, sizeof(p));
	vmstate_policy_default(&p);
	check_default(&p);

	/* A NULL policy means the default one. */
	memset(&sm, 0x55, sizeof(sm));
	vmstate_init(&sm, NULL);
	check_default(&sm.policy);
	assert_int_equal(sm.state, VM_STOPPED);
	assert_int_equal(sm.want_running, 0);
	assert_int_equal(sm.crashes, 0);
}

/* --- every (state, event) pair --- */

struct path_step {
	int ev; /* enum vm_event, or -1 at the end */
	enum vm_reason reason;
};

/* clang-format off */
#define END { -1, VM_REASON_UNKNOWN }
#define E(e) { VM_EV_##e, VM_REASON_UNKNOWN }
#define SH(r) { VM_EV_SHUTDOWN, VM_REASON_##r }
/* clang-format on */

/* Ways into every state, with different pending decisions. */
static const struct path_step paths[][6] = {
	{ END },
	{ E(START), E(CREATED), E(KILL), E(DIED), END },
	{ E(START), END },
	{ E(START), E(STOP), END },
	{ E(START), E(KILL), END },
	{ E(START), E(CREATED), END },
	{ E(ADOPTED), END },
	{ E(START), E(CREATED), E(STOP), END },
	{ E(START), E(CREATED), E(RESTART), END },
	{ E(START), E(CREATED), E(KILL), END },
	{ E(START), E(CREATED), SH(REBOOT), END },
	{ E(START), E(CREATED), SH(POWEROFF), END },
	{ E(START), E(CREATED), SH(CRASH), END },
	{ E(START), E(CREATED), E(STOP), E(STOP_TIMEOUT), END },
	{ E(START), E(CREATE_FAILED), END },
	{ E(START), E(CREATED), E(DIED), END },
};

static void
replay(struct vm_sm *sm, const struct path_step *p)
{
	int64_t now = 1000;
	struct vm_step st;

	for (; p->ev >= 0; p++, now += 1000) {
		st = vmstate_event(sm, (enum vm_event)p->ev, p->reason, now);
		assert_false(st.ignored);
	}
}

/* What must hold for any step, whatever the policy and history. */
static void
check_step(const struct vm_sm *before, const struct vm_sm *after,
    struct vm_step st)
{
	assert_int_equal(st.from, before->state);
	assert_int_equal(st.to, after->state);
	assert_true((unsigned)st.to < VM_STATE__COUNT);
	assert_non_null(st.why);
	assert_true(st.why[0] != '\0');
	assert_int_equal(st.actions & ~(unsigned)ALL_ACTIONS, 0);
	if (st.ignored) {
		assert_int_equal(st.actions, 0);
		assert_memory_equal(before, after, sizeof(*before));
		return;
	}
	assert_int_equal(!!(st.actions & REP), st.from != st.to);
	if (st.actions & VM_ACT_CREATE)
		assert_int_equal(st.to, VM_STARTING);
	if (st.actions & VM_ACT_SHUTDOWN) {
		assert_int_equal(st.to, VM_STOPPING);
		assert_int_equal(st.timer_ms, after->policy.stop_timeout_ms);
	}
	if (st.actions & VM_ACT_ARM_TIMER) {
		assert_int_equal(st.to, VM_BACKOFF);
		assert_int_equal(st.timer_ms, after->next_delay_ms);
		assert_true(st.timer_ms >= after->policy.backoff_min_ms);
		assert_true(st.timer_ms <= after->policy.backoff_max_ms);
	}
	if ((st.actions & VM_ACT_DESTROY) && st.to != VM_DESTROYING)
		assert_true(st.from == VM_PRESERVED && st.to == VM_STARTING);
}

static void
walk_policy(const struct vm_policy *pol, int covered[][NEVENTS])
{
	size_t i;
	int e, r;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		for (e = 0; e < NEVENTS; e++)
			for (r = 0; r < NREASONS; r++) {
				struct vm_sm sm, before;
				struct vm_step st;

				vmstate_init(&sm, pol);
				replay(&sm, paths[i]);
				memcpy(&before, &sm,
				    sizeof(sm)); /* padding too */
				st = vmstate_event(&sm, (enum vm_event)e,
				    (enum vm_reason)r, 100000);
				check_step(&before, &sm, st);
				if (e == VM_EV_ADOPTED)
					assert_int_equal(st.actions & ~REP, 0);
				covered[before.state][e]++;
			}
}

/* All states x events x reasons, under all 27 policies. */
static void
test_all_pairs_invariants(void **state)
{
	int covered[VM_STATE__COUNT][NEVENTS];
	struct vm_policy pol;
	int a, b, c, s, e;

	memset(covered, 0, sizeof(covered));
	vmstate_policy_default(&pol);
	for (a = 0; a < 3; a++)
		for (b = 0; b < 3; b++)
			for (c = 0; c < 3; c++) {
				pol.on_poweroff = (enum vm_action_policy)a;
				pol.on_reboot = (enum vm_action_policy)b;
				pol.on_crash = (enum vm_action_policy)c;
				walk_policy(&pol, covered);
			}
	for (s = 0; s < VM_STATE__COUNT; s++)
		for (e = 0; e < NEVENTS; e++)
			assert_true(covered[s][e] > 0);
}

struct expect {
	enum vm_state to;
	unsigned actions;
	int64_t timer;
	int ignored;
};

/* clang-format off */
#define IGN(s) { s, 0, 0, 1 }
#define GO(s, a, t) { s, a, t, 0 }
/* clang-format on */
#define CREATE VM_ACT_CREATE
#define SHUTDOWN VM_ACT_SHUTDOWN
#define DESTROY VM_ACT_DESTROY
#define ARM VM_ACT_ARM_TIMER
#define CANCEL VM_ACT_CANCEL_TIMER

/* Canonical ways in, under the default policy (on_crash preserve for
   PRESERVED): */
static void
reach(struct vm_sm *sm, enum vm_state s)
{
	static const struct path_step in[VM_STATE__COUNT][4] = {
		[VM_STOPPED] = { END },
		[VM_STARTING] = { E(START), END },
		[VM_RUNNING] = { E(START), E(CREATED), END },
		[VM_STOPPING] = { E(START), E(CREATED), E(STOP), END },
		[VM_DESTROYING] = { E(START), E(CREATED), E(KILL), END },
		[VM_BACKOFF] = { E(START), E(CREATE_FAILED), END },
		[VM_PRESERVED] = { E(START), E(CREATED), SH(CRASH), END },
	};

	if (s == VM_PRESERVED)
		sm_with(sm, VM_ON_DESTROY, VM_ON_RESTART, VM_ON_PRESERVE);
	else
		vmstate_init(sm, NULL);
	replay(sm, in[s]);
	assert_int_equal(sm->state, s);
}

/* The exact outcome of every pair under reach()'s histories (SHUTDOWN with
   reason crash, at 100 s). */
/* clang-format off */
static const struct expect exact[VM_STATE__COUNT][NEVENTS] = {
	[VM_STOPPED] = {
		[VM_EV_START] = GO(VM_STARTING, CREATE | REP, 0),
		[VM_EV_STOP] = IGN(VM_STOPPED),
		[VM_EV_KILL] = IGN(VM_STOPPED),
		[VM_EV_RESTART] = GO(VM_STARTING, CREATE | REP, 0),
		[VM_EV_CREATED] = IGN(VM_STOPPED),
		[VM_EV_CREATE_FAILED] = IGN(VM_STOPPED),
		[VM_EV_SHUTDOWN] = IGN(VM_STOPPED),
		[VM_EV_DIED] = IGN(VM_STOPPED),
		[VM_EV_STOP_TIMEOUT] = IGN(VM_STOPPED),
		[VM_EV_TIMER] = IGN(VM_STOPPED),
		[VM_EV_ADOPTED] = GO(VM_RUNNING, REP, 0),
	},
	[VM_STARTING] = {
		[VM_EV_START] = IGN(VM_STARTING),
		[VM_EV_STOP] = GO(VM_STARTING, 0, 0),
		[VM_EV_KILL] = GO(VM_STARTING, 0, 0),
		[VM_EV_RESTART] = IGN(VM_STARTING),
		[VM_EV_CREATED] = GO(VM_RUNNING, REP, 0),
		[VM_EV_CREATE_FAILED] = GO(VM_BACKOFF, ARM | REP, 2000),
		[VM_EV_SHUTDOWN] = IGN(VM_STARTING),
		[VM_EV_DIED] = GO(VM_BACKOFF, ARM | REP, 2000),
		[VM_EV_STOP_TIMEOUT] = IGN(VM_STARTING),
		[VM_EV_TIMER] = IGN(VM_STARTING),
		[VM_EV_ADOPTED] = IGN(VM_STARTING),
	},
	[VM_RUNNING] = {
		[VM_EV_START] = IGN(VM_RUNNING),
		[VM_EV_STOP] = GO(VM_STOPPING, SHUTDOWN | REP, 60000),
		[VM_EV_KILL] = GO(VM_DESTROYING, DESTROY | REP, 0),
		[VM_EV_RESTART] = GO(VM_STOPPING, SHUTDOWN | REP, 60000),
		[VM_EV_CREATED] = IGN(VM_RUNNING),
		[VM_EV_CREATE_FAILED] = IGN(VM_RUNNING),
		[VM_EV_SHUTDOWN] = GO(VM_DESTROYING, DESTROY | REP, 2000),
		[VM_EV_DIED] = GO(VM_BACKOFF, ARM | REP, 2000),
		[VM_EV_STOP_TIMEOUT] = IGN(VM_RUNNING),
		[VM_EV_TIMER] = IGN(VM_RUNNING),
		[VM_EV_ADOPTED] = IGN(VM_RUNNING),
	},
	[VM_STOPPING] = {
		[VM_EV_START] = GO(VM_STOPPING, 0, 0),
		[VM_EV_STOP] = IGN(VM_STOPPING),
		[VM_EV_KILL] = GO(VM_DESTROYING, DESTROY | CANCEL | REP, 0),
		[VM_EV_RESTART] = GO(VM_STOPPING, 0, 0),
		[VM_EV_CREATED] = IGN(VM_STOPPING),
		[VM_EV_CREATE_FAILED] = IGN(VM_STOPPING),
		[VM_EV_SHUTDOWN] = GO(VM_DESTROYING, DESTROY | CANCEL | REP, 0),
		[VM_EV_DIED] = GO(VM_STOPPED, CANCEL | REP, 0),
		[VM_EV_STOP_TIMEOUT] = GO(VM_DESTROYING, DESTROY | REP, 0),
		[VM_EV_TIMER] = IGN(VM_STOPPING),
		[VM_EV_ADOPTED] = IGN(VM_STOPPING),
	},
	[VM_DESTROYING] = {
		[VM_EV_START] = GO(VM_DESTROYING, 0, 0),
		[VM_EV_STOP] = IGN(VM_DESTROYING),
		[VM_EV_KILL] = IGN(VM_DESTROYING),
		[VM_EV_RESTART] = GO(VM_DESTROYING, 0, 0),
		[VM_EV_CREATED] = IGN(VM_DESTROYING),
		[VM_EV_CREATE_FAILED] = IGN(VM_DESTROYING),
		[VM_EV_SHUTDOWN] = IGN(VM_DESTROYING),
		[VM_EV_DIED] = GO(VM_STOPPED, REP, 0),
		[VM_EV_STOP_TIMEOUT] = IGN(VM_DESTROYING),
		[VM_EV_TIMER] = IGN(VM_DESTROYING),
		[VM_EV_ADOPTED] = IGN(VM_DESTROYING),
	},
	[VM_BACKOFF] = {
		[VM_EV_START] = GO(VM_STARTING, CANCEL | CREATE | REP, 0),
		[VM_EV_STOP] = GO(VM_STOPPED, CANCEL | REP, 0),
		[VM_EV_KILL] = GO(VM_STOPPED, CANCEL | REP, 0),
		[VM_EV_RESTART] = GO(VM_STARTING, CANCEL | CREATE | REP, 0),
		[VM_EV_CREATED] = IGN(VM_BACKOFF),
		[VM_EV_CREATE_FAILED] = IGN(VM_BACKOFF),
		[VM_EV_SHUTDOWN] = IGN(VM_BACKOFF),
		[VM_EV_DIED] = IGN(VM_BACKOFF),
		[VM_EV_STOP_TIMEOUT] = IGN(VM_BACKOFF),
		[VM_EV_TIMER] = GO(VM_STARTING, CREATE | REP, 0),
		[VM_EV_ADOPTED] = IGN(VM_BACKOFF),
	},
	[VM_PRESERVED] = {
		[VM_EV_START] = GO(VM_STARTING, DESTROY | CREATE | REP, 0),
		[VM_EV_STOP] = GO(VM_DESTROYING, DESTROY | REP, 0),
		[VM_EV_KILL] = GO(VM_DESTROYING, DESTROY | REP, 0),
		[VM_EV_RESTART] = GO(VM_STARTING, DESTROY | CREATE | REP, 0),
		[VM_EV_CREATED] = IGN(VM_PRESERVED),
		[VM_EV_CREATE_FAILED] = IGN(VM_PRESERVED),
		[VM_EV_SHUTDOWN] = IGN(VM_PRESERVED),
		[VM_EV_DIED] = GO(VM_STOPPED, REP, 0),
		[VM_EV_STOP_TIMEOUT] = IGN(VM_PRESERVED),
		[VM_EV_TIMER] = IGN(VM_PRESERVED),
		[VM_EV_ADOPTED] = IGN(VM_PRESERVED),
	},
};
/* clang-format on */

static void
test_all_pairs_exact(void **state)
{
	int s, e;

	for (s = 0; s < VM_STATE__COUNT; s++)
		for (e = 0; e < NEVENTS; e++) {
			const struct expect *x = &exact[s][e];
			struct vm_sm sm, before;
			struct vm_step st;

			reach(&sm, (enum vm_state)s);
			memcpy(&before, &sm, sizeof(sm)); /* padding too */
			st = vmstate_event(&sm, (enum vm_event)e,
			    VM_REASON_CRASH, 100000);
			assert_int_equal(st.from, s);
			assert_int_equal(st.to, x->to);
			assert_int_equal(sm.state, x->to);
			assert_int_equal(st.actions, x->actions);
			assert_int_equal(st.timer_ms, x->timer);
			assert_int_equal(st.ignored, x->ignored);
			if (x->ignored)
				assert_memory_equal(&sm, &before, sizeof(sm));
		}
}

static void
test_invalid_input(void **state)
{
	struct vm_sm sm, before;

	vmstate_init(&sm, NULL);
	memcpy(&before, &sm, sizeof(sm)); /* padding too */
	EXPECT_IGNORED(ev(&sm, (enum vm_event)NEVENTS, 0), VM_STOPPED);
	EXPECT_IGNORED(ev(&sm, (enum vm_event) - 1, 0), VM_STOPPED);
	assert_memory_equal(&sm, &before, sizeof(sm));
	sm.state = VM_STATE__COUNT;
	assert_true(ev(&sm, VM_EV_START, 0).ignored);
	assert_int_equal(sm.state, VM_STATE__COUNT);
}

/* --- life-cycle paths --- */

static void
test_boot(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	EXPECT(ev(&sm, VM_EV_START, 1000), VM_STOPPED, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
	assert_int_equal(sm.want_running, 1);
	EXPECT_IGNORED(ev(&sm, VM_EV_START, 1500), VM_STARTING);
	EXPECT(ev(&sm, VM_EV_CREATED, 5000), VM_STARTING, VM_RUNNING, REP, 0);
	assert_int_equal(sm.running_since, 5000);
	assert_int_equal(sm.crashes, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_START, 6000), VM_RUNNING);
	assert_string_equal(ev(&sm, VM_EV_START, 6000).why, "already running");
	EXPECT_IGNORED(ev(&sm, VM_EV_CREATED, 6000), VM_RUNNING);
}

static void
test_stop_clean(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	EXPECT(ev(&sm, VM_EV_STOP, 2000), VM_RUNNING, VM_STOPPING,
	    VM_ACT_SHUTDOWN | REP, 60000);
	assert_int_equal(sm.want_running, 0);
	assert_string_equal(sm.why,
	    "stop requested: asking the guest to "
	    "shut down (destroy after 60 s)");
	EXPECT_IGNORED(ev(&sm, VM_EV_STOP, 2500), VM_STOPPING);
	EXPECT(shut(&sm, VM_REASON_POWEROFF, 3000), VM_STOPPING, VM_DESTROYING,
	    VM_ACT_DESTROY | VM_ACT_CANCEL_TIMER | REP, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_STOP_TIMEOUT, 3500), VM_DESTROYING);
	EXPECT(ev(&sm, VM_EV_DIED, 4000), VM_DESTROYING, VM_STOPPED, REP, 0);
	assert_int_equal(sm.crashes, 0);

	/* The domain may also just vanish while stopping. */
	boot(&sm, 5000);
	EXPECT(ev(&sm, VM_EV_STOP, 6000), VM_RUNNING, VM_STOPPING,
	    VM_ACT_SHUTDOWN | REP, 60000);
	EXPECT(ev(&sm, VM_EV_DIED, 7000), VM_STOPPING, VM_STOPPED,
	    VM_ACT_CANCEL_TIMER | REP, 0);
	assert_int_equal(sm.crashes, 0);
}

static void
test_stop_timeout(void **state)
{
	struct vm_policy p;
	struct vm_sm sm;

	vmstate_policy_default(&p);
	p.stop_timeout_ms = 5000;
	vmstate_init(&sm, &p);
	boot(&sm, 1000);
	EXPECT(ev(&sm, VM_EV_STOP, 2000), VM_RUNNING, VM_STOPPING,
	    VM_ACT_SHUTDOWN | REP, 5000);
	EXPECT(ev(&sm, VM_EV_STOP_TIMEOUT, 7000), VM_STOPPING, VM_DESTROYING,
	    VM_ACT_DESTROY | REP, 0);
	assert_string_equal(sm.why, "did not shut down within 5 s: destroying");
	/* The late shutdown of a guest being destroyed changes nothing. */
	EXPECT_IGNORED(shut(&sm, VM_REASON_POWEROFF, 7100), VM_DESTROYING);
	EXPECT(ev(&sm, VM_EV_DIED, 7500), VM_DESTROYING, VM_STOPPED, REP, 0);
	assert_int_equal(sm.want_running, 0);
	assert_int_equal(sm.crashes, 0);
}

/* poweroff and reboot: destroy, then stopped or started again at once. */
static void
planned(enum vm_reason r, enum vm_action_policy pol, int restarts)
{
	struct vm_sm sm;

	if (r == VM_REASON_POWEROFF)
		sm_with(&sm, pol, VM_ON_RESTART, VM_ON_RESTART);
	else
		sm_with(&sm, VM_ON_DESTROY, pol, VM_ON_RESTART);
	boot(&sm, 1000);
	EXPECT(shut(&sm, r, 2000), VM_RUNNING, VM_DESTROYING,
	    VM_ACT_DESTROY | REP, 0);
	assert_int_equal(sm.last_reason, r);
	assert_int_equal(sm.want_running, restarts);
	if (restarts)
		EXPECT(ev(&sm, VM_EV_DIED, 3000), VM_DESTROYING, VM_STARTING,
		    VM_ACT_CREATE | REP, 0);
	else
		EXPECT(ev(&sm, VM_EV_DIED, 3000), VM_DESTROYING, VM_STOPPED,
		    REP, 0);
	assert_int_equal(sm.crashes, 0);
}

static void
test_guest_poweroff(void **state)
{
	struct vm_sm sm;

	planned(VM_REASON_POWEROFF, VM_ON_DESTROY, 0);
	planned(VM_REASON_POWEROFF, VM_ON_RESTART, 1);
	planned(VM_REASON_POWEROFF, VM_ON_PRESERVE, 0); /* crash only */

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	shut(&sm, VM_REASON_POWEROFF, 2000);
	assert_string_equal(sm.why,
	    "guest shut down (reason poweroff), "
	    "on_poweroff destroy: destroying, stays "
	    "stopped");
}

static void
test_guest_reboot(void **state)
{
	struct vm_sm sm;

	planned(VM_REASON_REBOOT, VM_ON_DESTROY, 0);
	planned(VM_REASON_REBOOT, VM_ON_RESTART, 1);
	planned(VM_REASON_REBOOT, VM_ON_PRESERVE, 0);

	/* Reboots in a row never back off. */
	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	for (int i = 0; i < 5; i++) {
		EXPECT(shut(&sm, VM_REASON_REBOOT, 2000 + i), VM_RUNNING,
		    VM_DESTROYING, VM_ACT_DESTROY | REP, 0);
		EXPECT(ev(&sm, VM_EV_DIED, 2000 + i), VM_DESTROYING,
		    VM_STARTING, VM_ACT_CREATE | REP, 0);
		EXPECT(ev(&sm, VM_EV_CREATED, 2000 + i), VM_STARTING,
		    VM_RUNNING, REP, 0);
	}
	assert_int_equal(sm.crashes, 0);
}

static void
crash_under(enum vm_reason r, enum vm_action_policy pol)
{
	struct vm_sm sm;

	sm_with(&sm, VM_ON_DESTROY, VM_ON_RESTART, pol);
	boot(&sm, 1000);
	switch (pol) {
	case VM_ON_DESTROY:
		EXPECT(shut(&sm, r, 2000), VM_RUNNING, VM_DESTROYING,
		    VM_ACT_DESTROY | REP, 0);
		assert_int_equal(sm.want_running, 0);
		EXPECT(ev(&sm, VM_EV_DIED, 3000), VM_DESTROYING, VM_STOPPED,
		    REP, 0);
		break;
	case VM_ON_RESTART:
		EXPECT(shut(&sm, r, 2000), VM_RUNNING, VM_DESTROYING,
		    VM_ACT_DESTROY | REP, 2000);
		assert_int_equal(sm.want_running, 1);
		EXPECT(ev(&sm, VM_EV_DIED, 3000), VM_DESTROYING, VM_BACKOFF,
		    VM_ACT_ARM_TIMER | REP, 2000);
		EXPECT(ev(&sm, VM_EV_TIMER, 5000), VM_BACKOFF, VM_STARTING,
		    VM_ACT_CREATE | REP, 0);
		break;
	case VM_ON_PRESERVE:
		/* No destroy: the domain is kept for inspection. */
		EXPECT(shut(&sm, r, 2000), VM_RUNNING, VM_PRESERVED, REP, 0);
		assert_int_equal(sm.want_running, 0);
		EXPECT_IGNORED(ev(&sm, VM_EV_TIMER, 9000), VM_PRESERVED);
		break;
	}
	assert_int_equal(sm.crashes, 1);
	assert_int_equal(sm.last_reason, r);
}

static void
test_guest_crash(void **state)
{
	enum vm_reason r;
	int pol;

	for (r = VM_REASON_CRASH; r <= VM_REASON_UNKNOWN; r++)
		for (pol = 0; pol < 3; pol++)
			crash_under(r, (enum vm_action_policy)pol);
}

static void
test_crash_why(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	shut(&sm, VM_REASON_CRASH, 2000);
	assert_string_equal(sm.why,
	    "crashed (reason crash), restart in 2 s (first crash)");
	ev(&sm, VM_EV_DIED, 2100);
	assert_string_equal(sm.why, "destroyed, restart in 2 s (first crash)");
	ev(&sm, VM_EV_TIMER, 4100);
	assert_string_equal(sm.why,
	    "backoff over: restarting (after the first crash)");
	ev(&sm, VM_EV_CREATED, 4200);
	shut(&sm, VM_REASON_WATCHDOG, 4300);
	ev(&sm, VM_EV_DIED, 4400);
	ev(&sm, VM_EV_TIMER, 8400);
	ev(&sm, VM_EV_CREATED, 8500);
	shut(&sm, VM_REASON_CRASH, 8600);
	assert_string_equal(sm.why,
	    "crashed (reason crash), restart in 8 s (3rd crash in a row)");

	/* Ordinals past ten. */
	sm.crashes = 10;
	ev(&sm, VM_EV_DIED, 8700);
	ev(&sm, VM_EV_TIMER, 9000);
	ev(&sm, VM_EV_CREATE_FAILED, 9100);
	assert_string_equal(sm.why,
	    "create failed, restart in 300 s (11th crash in a row)");
	sm.crashes = 21;
	ev(&sm, VM_EV_TIMER, 9200);
	ev(&sm, VM_EV_CREATE_FAILED, 9300);
	assert_string_equal(sm.why,
	    "create failed, restart in 300 s (22nd crash in a row)");
	sm.crashes = 112;
	ev(&sm, VM_EV_TIMER, 9400);
	ev(&sm, VM_EV_CREATE_FAILED, 9500);
	assert_string_equal(sm.why,
	    "create failed, restart in 300 s (113th crash in a row)");
}

/* Crash right after every restart: 2, 4, 8, ... 256, then 300 s. */
static void
test_crash_loop(void **state)
{
	static const int64_t delays[] = { 2000, 4000, 8000, 16000, 32000, 64000,
		128000, 256000, 300000, 300000, 300000 };
	struct vm_sm sm;
	int64_t now = 1000;
	size_t i;

	vmstate_init(&sm, NULL);
	boot(&sm, now);
	for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		now += 1000;
		EXPECT(shut(&sm, VM_REASON_CRASH, now), VM_RUNNING,
		    VM_DESTROYING, VM_ACT_DESTROY | REP, delays[i]);
		assert_int_equal(sm.crashes, (int)i + 1);
		EXPECT(ev(&sm, VM_EV_DIED, now), VM_DESTROYING, VM_BACKOFF,
		    VM_ACT_ARM_TIMER | REP, delays[i]);
		assert_int_equal(sm.next_delay_ms, delays[i]);
		now += delays[i];
		EXPECT(ev(&sm, VM_EV_TIMER, now), VM_BACKOFF, VM_STARTING,
		    VM_ACT_CREATE | REP, 0);
		EXPECT(ev(&sm, VM_EV_CREATED, now), VM_STARTING, VM_RUNNING,
		    REP, 0);
	}
}

/* A create that keeps failing backs off the same way. */
static void
test_create_fail_loop(void **state)
{
	struct vm_sm sm;
	int64_t want = 2000, now = 0;
	int i;

	vmstate_init(&sm, NULL);
	EXPECT(ev(&sm, VM_EV_START, now), VM_STOPPED, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
	for (i = 1; i <= 10; i++) {
		/* Even long after the last run: it never ran stable. */
		now += 1000000;
		EXPECT(ev(&sm, VM_EV_CREATE_FAILED, now), VM_STARTING,
		    VM_BACKOFF, VM_ACT_ARM_TIMER | REP, want);
		assert_int_equal(sm.crashes, i);
		EXPECT(ev(&sm, VM_EV_TIMER, now), VM_BACKOFF, VM_STARTING,
		    VM_ACT_CREATE | REP, 0);
		want = want * 2 > 300000 ? 300000 : want * 2;
	}
}

static void
test_stable_reset(void **state)
{
	struct vm_sm sm;
	int64_t now = 1000;
	int i;

	vmstate_init(&sm, NULL);
	boot(&sm, now);
	for (i = 0; i < 4; i++) {
		shut(&sm, VM_REASON_CRASH, ++now);
		ev(&sm, VM_EV_DIED, now);
		ev(&sm, VM_EV_TIMER, now);
		ev(&sm, VM_EV_CREATED, now);
	}
	assert_int_equal(sm.crashes, 4);
	assert_int_equal(sm.next_delay_ms, 16000);

	/* One millisecond short of stable: the series goes on. */
	EXPECT(shut(&sm, VM_REASON_CRASH, now + 59999), VM_RUNNING,
	    VM_DESTROYING, VM_ACT_DESTROY | REP, 32000);
	assert_int_equal(sm.crashes, 5);
	ev(&sm, VM_EV_DIED, now + 60000);
	now += 100000;
	ev(&sm, VM_EV_TIMER, now);
	ev(&sm, VM_EV_CREATED, now);
	assert_int_equal(sm.running_since, now);

	/* A stable run: the next crash starts again at 2 s. */
	EXPECT(shut(&sm, VM_REASON_CRASH, now + 60000), VM_RUNNING,
	    VM_DESTROYING, VM_ACT_DESTROY | REP, 2000);
	assert_int_equal(sm.crashes, 1);
	assert_string_equal(sm.why,
	    "crashed (reason crash), restart in 2 s (first crash)");
	EXPECT(ev(&sm, VM_EV_DIED, now + 60001), VM_DESTROYING, VM_BACKOFF,
	    VM_ACT_ARM_TIMER | REP, 2000);
}

static void
test_start_during_backoff(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	shut(&sm, VM_REASON_CRASH, 2000);
	EXPECT(ev(&sm, VM_EV_DIED, 2100), VM_DESTROYING, VM_BACKOFF,
	    VM_ACT_ARM_TIMER | REP, 2000);
	EXPECT(ev(&sm, VM_EV_START, 2200), VM_BACKOFF, VM_STARTING,
	    VM_ACT_CANCEL_TIMER | VM_ACT_CREATE | REP, 0);
	assert_int_equal(sm.want_running, 1);
	/* The timer may still fire if it raced with the cancel. */
	EXPECT_IGNORED(ev(&sm, VM_EV_TIMER, 4100), VM_STARTING);
	EXPECT(ev(&sm, VM_EV_CREATED, 4200), VM_STARTING, VM_RUNNING, REP, 0);
	/* An asked-for start does not forgive the crash. */
	assert_int_equal(sm.crashes, 1);
}

static void
test_start_while_destroying_skips_backoff(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	shut(&sm, VM_REASON_CRASH, 2000);
	EXPECT(ev(&sm, VM_EV_START, 2100), VM_DESTROYING, VM_DESTROYING, 0, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_START, 2150), VM_DESTROYING);
	EXPECT(ev(&sm, VM_EV_DIED, 2200), VM_DESTROYING, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
}

static void
test_stop_during_backoff(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	EXPECT(ev(&sm, VM_EV_START, 1000), VM_STOPPED, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
	EXPECT(ev(&sm, VM_EV_CREATE_FAILED, 1100), VM_STARTING, VM_BACKOFF,
	    VM_ACT_ARM_TIMER | REP, 2000);
	assert_string_equal(sm.why,
	    "create failed, restart in 2 s (first crash)");
	EXPECT(ev(&sm, VM_EV_STOP, 1200), VM_BACKOFF, VM_STOPPED,
	    VM_ACT_CANCEL_TIMER | REP, 0);
	assert_int_equal(sm.want_running, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_TIMER, 3100), VM_STOPPED);

	/* KILL does the same. */
	ev(&sm, VM_EV_START, 4000);
	ev(&sm, VM_EV_CREATE_FAILED, 4100);
	EXPECT(ev(&sm, VM_EV_KILL, 4200), VM_BACKOFF, VM_STOPPED,
	    VM_ACT_CANCEL_TIMER | REP, 0);
}

/* A stop, then a stop during a restart decided after a crash. */
static void
test_stop_while_dying(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	shut(&sm, VM_REASON_CRASH, 2000);
	EXPECT(ev(&sm, VM_EV_STOP, 2100), VM_DESTROYING, VM_DESTROYING, 0, 0);
	assert_int_equal(sm.want_running, 0);
	assert_int_equal(sm.restart_delayed, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_STOP, 2150), VM_DESTROYING);
	EXPECT(ev(&sm, VM_EV_DIED, 2200), VM_DESTROYING, VM_STOPPED, REP, 0);

	/* A start while stopping restarts once dead; a stop takes it
	   back. */
	boot(&sm, 3000);
	ev(&sm, VM_EV_STOP, 4000);
	EXPECT(ev(&sm, VM_EV_START, 4100), VM_STOPPING, VM_STOPPING, 0, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_RESTART, 4150), VM_STOPPING);
	EXPECT(ev(&sm, VM_EV_STOP, 4200), VM_STOPPING, VM_STOPPING, 0, 0);
	EXPECT(ev(&sm, VM_EV_START, 4300), VM_STOPPING, VM_STOPPING, 0, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 4400), VM_STOPPING, VM_STARTING,
	    VM_ACT_CANCEL_TIMER | VM_ACT_CREATE | REP, 0);
}

static void
test_stop_while_starting(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	ev(&sm, VM_EV_START, 1000);
	EXPECT(ev(&sm, VM_EV_STOP, 1100), VM_STARTING, VM_STARTING, 0, 0);
	assert_int_equal(sm.want_running, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_STOP, 1150), VM_STARTING);
	EXPECT(ev(&sm, VM_EV_CREATED, 1200), VM_STARTING, VM_STOPPING,
	    VM_ACT_SHUTDOWN | REP, 60000);
	EXPECT(shut(&sm, VM_REASON_POWEROFF, 1300), VM_STOPPING, VM_DESTROYING,
	    VM_ACT_DESTROY | VM_ACT_CANCEL_TIMER | REP, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 1400), VM_DESTROYING, VM_STOPPED, REP, 0);

	/* Stop, then the create fails: no restart. */
	ev(&sm, VM_EV_START, 2000);
	ev(&sm, VM_EV_STOP, 2100);
	EXPECT(ev(&sm, VM_EV_CREATE_FAILED, 2200), VM_STARTING, VM_STOPPED, REP,
	    0);

	/* Stop, then start again: it runs. */
	ev(&sm, VM_EV_START, 3000);
	ev(&sm, VM_EV_STOP, 3100);
	EXPECT(ev(&sm, VM_EV_START, 3200), VM_STARTING, VM_STARTING, 0, 0);
	EXPECT(ev(&sm, VM_EV_CREATED, 3300), VM_STARTING, VM_RUNNING, REP, 0);
}

static void
test_restart(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	EXPECT(ev(&sm, VM_EV_RESTART, 2000), VM_RUNNING, VM_STOPPING,
	    VM_ACT_SHUTDOWN | REP, 60000);
	assert_int_equal(sm.want_running, 1);
	EXPECT(shut(&sm, VM_REASON_POWEROFF, 3000), VM_STOPPING, VM_DESTROYING,
	    VM_ACT_DESTROY | VM_ACT_CANCEL_TIMER | REP, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 3100), VM_DESTROYING, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
	EXPECT(ev(&sm, VM_EV_CREATED, 3200), VM_STARTING, VM_RUNNING, REP, 0);
	assert_int_equal(sm.crashes, 0);

	/* A guest that ignores the shutdown is destroyed, then started. */
	EXPECT(ev(&sm, VM_EV_RESTART, 4000), VM_RUNNING, VM_STOPPING,
	    VM_ACT_SHUTDOWN | REP, 60000);
	EXPECT(ev(&sm, VM_EV_STOP_TIMEOUT, 64000), VM_STOPPING, VM_DESTROYING,
	    VM_ACT_DESTROY | REP, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 64100), VM_DESTROYING, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
	EXPECT(ev(&sm, VM_EV_CREATED, 64200), VM_STARTING, VM_RUNNING, REP, 0);

	/* One that dies straight away. */
	ev(&sm, VM_EV_RESTART, 70000);
	EXPECT(ev(&sm, VM_EV_DIED, 70100), VM_STOPPING, VM_STARTING,
	    VM_ACT_CANCEL_TIMER | VM_ACT_CREATE | REP, 0);
	assert_int_equal(sm.crashes, 0);

	/* Outside RUNNING, restart is start. */
	vmstate_init(&sm, NULL);
	EXPECT(ev(&sm, VM_EV_RESTART, 0), VM_STOPPED, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
}

static void
test_kill(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	EXPECT(ev(&sm, VM_EV_KILL, 2000), VM_RUNNING, VM_DESTROYING,
	    VM_ACT_DESTROY | REP, 0);
	assert_int_equal(sm.want_running, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_KILL, 2050), VM_DESTROYING);
	EXPECT(ev(&sm, VM_EV_DIED, 2100), VM_DESTROYING, VM_STOPPED, REP, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_KILL, 2200), VM_STOPPED);

	/* While stopping: the stop timer goes too. */
	boot(&sm, 3000);
	ev(&sm, VM_EV_RESTART, 3100);
	EXPECT(ev(&sm, VM_EV_KILL, 3200), VM_STOPPING, VM_DESTROYING,
	    VM_ACT_DESTROY | VM_ACT_CANCEL_TIMER | REP, 0);
	assert_int_equal(sm.want_running, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 3300), VM_DESTROYING, VM_STOPPED, REP, 0);

	/* While starting: once created. */
	ev(&sm, VM_EV_START, 4000);
	EXPECT(ev(&sm, VM_EV_KILL, 4100), VM_STARTING, VM_STARTING, 0, 0);
	EXPECT_IGNORED(ev(&sm, VM_EV_KILL, 4150), VM_STARTING);
	EXPECT(ev(&sm, VM_EV_CREATED, 4200), VM_STARTING, VM_DESTROYING,
	    VM_ACT_DESTROY | REP, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 4300), VM_DESTROYING, VM_STOPPED, REP, 0);
	assert_int_equal(sm.kill_pending, 0);

	/* A kill pending while starting is cancelled by a start. */
	ev(&sm, VM_EV_START, 5000);
	ev(&sm, VM_EV_KILL, 5100);
	EXPECT(ev(&sm, VM_EV_START, 5200), VM_STARTING, VM_STARTING, 0, 0);
	EXPECT(ev(&sm, VM_EV_CREATED, 5300), VM_STARTING, VM_RUNNING, REP, 0);

	/* During a crash restart: no backoff, stays stopped. */
	shut(&sm, VM_REASON_CRASH, 5400);
	EXPECT(ev(&sm, VM_EV_KILL, 5500), VM_DESTROYING, VM_DESTROYING, 0, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 5600), VM_DESTROYING, VM_STOPPED, REP, 0);
}

static void
test_preserve(void **state)
{
	struct vm_sm sm;

	sm_with(&sm, VM_ON_DESTROY, VM_ON_RESTART, VM_ON_PRESERVE);
	boot(&sm, 1000);
	EXPECT(shut(&sm, VM_REASON_CRASH, 2000), VM_RUNNING, VM_PRESERVED, REP,
	    0);
	assert_string_equal(sm.why,
	    "crashed (reason crash), preserved for "
	    "inspection (first crash)");
	EXPECT_IGNORED(ev(&sm, VM_EV_STOP_TIMEOUT, 3000), VM_PRESERVED);
	EXPECT(ev(&sm, VM_EV_START, 4000), VM_PRESERVED, VM_STARTING,
	    VM_ACT_DESTROY | VM_ACT_CREATE | REP, 0);
	assert_int_equal(sm.want_running, 1);
	EXPECT(ev(&sm, VM_EV_CREATED, 5000), VM_STARTING, VM_RUNNING, REP, 0);

	/* Preserved, then stopped. */
	shut(&sm, VM_REASON_WATCHDOG, 6000);
	assert_int_equal(sm.state, VM_PRESERVED);
	EXPECT(ev(&sm, VM_EV_STOP, 7000), VM_PRESERVED, VM_DESTROYING,
	    VM_ACT_DESTROY | REP, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 7100), VM_DESTROYING, VM_STOPPED, REP, 0);

	/* Preserved, then destroyed from outside. */
	boot(&sm, 8000);
	shut(&sm, VM_REASON_CRASH, 9000);
	EXPECT(ev(&sm, VM_EV_DIED, 9100), VM_PRESERVED, VM_STOPPED, REP, 0);
	assert_int_equal(sm.want_running, 0);
}

static void
test_adopt(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	EXPECT(ev(&sm, VM_EV_ADOPTED, 7000), VM_STOPPED, VM_RUNNING, REP, 0);
	assert_int_equal(sm.want_running, 1);
	assert_int_equal(sm.running_since, 7000);
	EXPECT_IGNORED(ev(&sm, VM_EV_ADOPTED, 7100), VM_RUNNING);
	EXPECT_IGNORED(ev(&sm, VM_EV_START, 7200), VM_RUNNING);
	/* From then on it is managed like any other. */
	EXPECT(shut(&sm, VM_REASON_REBOOT, 8000), VM_RUNNING, VM_DESTROYING,
	    VM_ACT_DESTROY | REP, 0);
	EXPECT(ev(&sm, VM_EV_DIED, 8100), VM_DESTROYING, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
}

static void
test_destroyed_from_outside(void **state)
{
	struct vm_sm sm;

	vmstate_init(&sm, NULL);
	boot(&sm, 1000);
	EXPECT(ev(&sm, VM_EV_DIED, 2000), VM_RUNNING, VM_BACKOFF,
	    VM_ACT_ARM_TIMER | REP, 2000);
	assert_int_equal(sm.crashes, 1);
	assert_int_equal(sm.last_reason, VM_REASON_UNKNOWN);
	assert_string_equal(sm.why,
	    "destroyed from outside, restart in 2 s "
	    "(first crash)");
	EXPECT(ev(&sm, VM_EV_TIMER, 4000), VM_BACKOFF, VM_STARTING,
	    VM_ACT_CREATE | REP, 0);
	ev(&sm, VM_EV_CREATED, 4100);
	EXPECT(ev(&sm, VM_EV_DIED, 5000), VM_RUNNING, VM_BACKOFF,
	    VM_ACT_ARM_TIMER | REP, 4000);

	/* Nothing to destroy or to keep: both leave it stopped. */
	sm_with(&sm, VM_ON_DESTROY, VM_ON_RESTART, VM_ON_DESTROY);
	boot(&sm, 1000);
	EXPECT(ev(&sm, VM_EV_DIED, 2000), VM_RUNNING, VM_STOPPED, REP, 0);
	assert_int_equal(sm.want_running, 0);
	sm_with(&sm, VM_ON_DESTROY, VM_ON_RESTART, VM_ON_PRESERVE);
	boot(&sm, 1000);
	EXPECT(ev(&sm, VM_EV_DIED, 2000), VM_RUNNING, VM_STOPPED, REP, 0);
	assert_string_equal(sm.why,
	    "destroyed from outside, on_crash "
	    "preserve: stays stopped (first crash)");
}

static void
test_delay_edges(void **state)
{
	struct vm_policy p;
	struct vm_sm sm;

	/* Not whole seconds. */
	vmstate_policy_default(&p);
	p.backoff_min_ms = 1500;
	vmstate_init(&sm, &p);
	ev(&sm, VM_EV_START, 0);
	EXPECT(ev(&sm, VM_EV_CREATE_FAILED, 0), VM_STARTING, VM_BACKOFF,
	    VM_ACT_ARM_TIMER | REP, 1500);
	assert_string_equal(sm.why,
	    "create failed, restart in 1500 ms (first crash)");

	/* No overflow with a huge cap and a long series. */
	p.backoff_max_ms = INT64_MAX;
	vmstate_init(&sm, &p);
	sm.crashes = 200;
	ev(&sm, VM_EV_START, 0);
	EXPECT(ev(&sm, VM_EV_CREATE_FAILED, 0), VM_STARTING, VM_BACKOFF,
	    VM_ACT_ARM_TIMER | REP, INT64_MAX);

	/* backoff_min above the cap: the cap wins. */
	p.backoff_min_ms = 10000;
	p.backoff_max_ms = 5000;
	vmstate_init(&sm, &p);
	ev(&sm, VM_EV_START, 0);
	EXPECT(ev(&sm, VM_EV_CREATE_FAILED, 0), VM_STARTING, VM_BACKOFF,
	    VM_ACT_ARM_TIMER | REP, 5000);
}

#define HP(s) health_parse(s, (int)sizeof(s) - 1)

/* A guest's value is untrusted: exact words only. */
static void
test_health(void **state)
{
	assert_int_equal(HP("ready"), HEALTH_READY);
	assert_int_equal(HP("starting"), HEALTH_STARTING);
	assert_int_equal(HP("degraded"), HEALTH_DEGRADED);
	assert_int_equal(health_parse(NULL, -ENOENT), HEALTH_NONE);
	assert_int_equal(health_parse(NULL, -E2BIG), HEALTH_INVALID);
	assert_int_equal(HP(""), HEALTH_INVALID);
	assert_int_equal(HP("ready\n"), HEALTH_INVALID);
	assert_int_equal(HP("READY"), HEALTH_INVALID);
	assert_int_equal(HP("rea"), HEALTH_INVALID);
	assert_int_equal(HP("ready\0x"), HEALTH_INVALID);
	assert_int_equal(HP("none"), HEALTH_INVALID);
	assert_int_equal(HP("invalid"), HEALTH_INVALID);
	assert_string_equal(health_name(HEALTH_READY), "ready");
	assert_string_equal(health_name(HEALTH_NONE), "none");
	assert_string_equal(health_name((enum health)99), "invalid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_policy_default),
		cmocka_unit_test(test_all_pairs_invariants),
		cmocka_unit_test(test_all_pairs_exact),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_boot),
		cmocka_unit_test(test_stop_clean),
		cmocka_unit_test(test_stop_timeout),
		cmocka_unit_test(test_guest_poweroff),
		cmocka_unit_test(test_guest_reboot),
		cmocka_unit_test(test_guest_crash),
		cmocka_unit_test(test_crash_why),
		cmocka_unit_test(test_crash_loop),
		cmocka_unit_test(test_create_fail_loop),
		cmocka_unit_test(test_stable_reset),
		cmocka_unit_test(test_start_during_backoff),
		cmocka_unit_test(test_start_while_destroying_skips_backoff),
		cmocka_unit_test(test_stop_during_backoff),
		cmocka_unit_test(test_stop_while_dying),
		cmocka_unit_test(test_stop_while_starting),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_preserve),
		cmocka_unit_test(test_adopt),
		cmocka_unit_test(test_destroyed_from_outside),
		cmocka_unit_test(test_delay_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
