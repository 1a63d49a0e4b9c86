/*
 * lint.c: finding rules that cannot decide.
 *
 * Conditions range over a small space (location, lease, weekday, minute,
 * group), and a condition can only change its value at the minutes its
 * time windows name, so questions about conditions are answered exactly by
 * trying every combination at those minutes.  Matchers are compared
 * conservatively: a rule is reported as shadowed only when it surely is.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "xalloc.h"

/* The contexts that tell conditions apart. */
struct lint_space {
	int minutes[64];
	size_t nminutes;
	const char *groups[16];
	size_t ngroups; /* groups[0] is NULL: a group named nowhere */
};

static void
lint_add_minute(struct lint_space *s, int m)
{
	size_t i;

	for (i = 0; i < s->nminutes; i++)
		if (s->minutes[i] == m)
			return;
	if (s->nminutes < sizeof(s->minutes) / sizeof(s->minutes[0]))
		s->minutes[s->nminutes++] = m;
}

static void
lint_add_group(struct lint_space *s, const char *g)
{
	size_t i;

	for (i = 0; i < s->ngroups; i++)
		if (s->groups[i] && strcmp(s->groups[i], g) == 0)
			return;
	if (s->ngroups < sizeof(s->groups) / sizeof(s->groups[0]))
		s->groups[s->ngroups++] = g;
}

static void
lint_collect(struct lint_space *s, const struct policy_cond *c)
{
	size_t i;

	if (c == NULL)
		return;
	if (c->type == POLICY_COND_TIME) {
		lint_add_minute(s, c->from);
		lint_add_minute(s, c->to);
	} else if (c->type == POLICY_COND_GROUP) {
		lint_add_group(s, c->group);
	}
	for (i = 0; i < c->nkids; i++)
		lint_collect(s, c->kids[i]);
}

static void
lint_space_init(struct lint_space *s, const struct policy_cond *a,
    const struct policy_cond *b)
{
	memset(s, 0, sizeof(*s));
	s->minutes[s->nminutes++] = 0;
	s->groups[s->ngroups++] = NULL;
	lint_collect(s, a);
	lint_collect(s, b);
}

/* Calls fn for every context of the space until it returns 0. */
static int
lint_forall(const struct lint_space *s,
    int (*fn)(const struct policy_context *, const void *, const void *),
    const void *x, const void *y)
{
	struct policy_context c = { 0 };
	size_t m, g;
	int loc, lease, day;

	for (loc = 0; loc < 2; loc++)
		for (lease = 0; lease < 2; lease++)
			for (day = 0; day < 7; day++)
				for (m = 0; m < s->nminutes; m++)
					for (g = 0; g < s->ngroups; g++) {
						c.location = loc
						    ? POLICY_ON_LAN
						    : POLICY_OFF_LAN;
						c.lease = lease;
						c.weekday = day;
						c.minute = s->minutes[m];
						c.group = s->groups[g];
						if (!fn(&c, x, y))
							return 0;
					}
	return 1;
}

static int
lint_holds(const struct policy_cond *c, const struct policy_context *ctx)
{
	return c == NULL || policy_cond_eval(c, ctx);
}

static int
lint_never(const struct policy_context *ctx, const void *x, const void *y)
{
	(void)y;
	return !lint_holds(x, ctx);
}

static int
lint_implied(const struct policy_context *ctx, const void *b, const void *a)
{
	return !lint_holds(b, ctx) || lint_holds(a, ctx);
}

int
lint_satisfiable(const struct policy_cond *c)
{
	struct lint_space s;

	lint_space_init(&s, c, NULL);
	return !lint_forall(&s, lint_never, c, NULL);
}

int
lint_implies(const struct policy_cond *b, const struct policy_cond *a)
{
	struct lint_space s;

	if (a == NULL)
		return 1;
	lint_space_init(&s, a, b);
	return lint_forall(&s, lint_implied, b, a);
}

/* Every value pattern b matches, pattern a matches. */
static int
lint_triple_covers(const struct policy_triple *a, const struct policy_triple *b)
{
	return (a->mask & ~b->mask) == 0 && (b->val & a->mask) == a->val;
}

static int
lint_id_covers(const struct policy_idpat *a, const struct policy_idpat *b)
{
	return (a->vid_mask & ~b->vid_mask) == 0 &&
	    (b->vid & a->vid_mask) == a->vid &&
	    (a->pid_mask & ~b->pid_mask) == 0 &&
	    (b->pid & a->pid_mask) == a->pid;
}

static int
lint_ids_cover(const struct policy_rule *a, const struct policy_rule *b)
{
	size_t i, k;

	for (i = 0; i < b->nids; i++) {
		for (k = 0; k < a->nids; k++)
			if (lint_id_covers(&a->ids[k], &b->ids[i]))
				break;
		if (k == a->nids)
			return 0;
	}
	return 1;
}

static int
lint_glob_covers(const char *a, const char *b)
{
	return a == NULL || strcmp(a, "*") == 0 ||
	    (b != NULL && strcmp(a, b) == 0);
}

static int
lint_ifaces_equal(const struct policy_rule *a, const struct policy_rule *b)
{
	return a->iface_op == b->iface_op && a->nifaces == b->nifaces &&
	    memcmp(a->ifaces, b->ifaces, a->nifaces * sizeof(*a->ifaces)) == 0;
}

/* a's set matcher (bits) covers b's: a has none, or b's is a subset. */
static int
lint_bits_cover(const struct policy_rule *a, const struct policy_rule *b,
    unsigned flag, uint32_t abits, uint32_t bbits)
{
	if (!(a->flags & flag))
		return 1;
	return (b->flags & flag) && (bbits & ~abits) == 0;
}

int
lint_covers(const struct policy_rule *a, const struct policy_rule *b)
{
	unsigned need = a->flags;

	if ((need & POLICY_M_ID) &&
	    (!(b->flags & POLICY_M_ID) || !lint_ids_cover(a, b)))
		return 0;
	if ((need & POLICY_M_CLASS) &&
	    (!(b->flags & POLICY_M_CLASS) ||
		!lint_triple_covers(&a->dev_class, &b->dev_class)))
		return 0;
	if ((need & POLICY_M_IFACE) &&
	    (!(b->flags & POLICY_M_IFACE) || !lint_ifaces_equal(a, b)))
		return 0;
	return lint_bits_cover(a, b, POLICY_M_BUS, a->buses, b->buses) &&
	    lint_bits_cover(a, b, POLICY_M_KIND, a->kinds, b->kinds) &&
	    lint_glob_covers(a->serial, b->serial) &&
	    lint_glob_covers(a->name, b->name) &&
	    lint_glob_covers(a->port, b->port) &&
	    lint_glob_covers(a->pci_address, b->pci_address);
}

/* Modes that change nothing for what the rule matches. */
static int
lint_mode(const struct policy *p, const struct policy_rule *r, struct diags *d)
{
	const uint32_t media =
	    (1u << DEVICE_KIND_USB_STORAGE) | (1u << DEVICE_KIND_OPTICAL);

	if (!(r->flags & POLICY_M_KIND))
		return 0;
	if (r->verdict == POLICY_ALLOW_BURN &&
	    !(r->kinds & (1u << DEVICE_KIND_OPTICAL))) {
		diags_add(d, DIAG_WARNING, p->source, r->line, 0,
		    "rule \"%s\": burn only applies to optical drives", r->id);
		return 1;
	}
	if (r->verdict == POLICY_ALLOW_RO && !(r->kinds & media)) {
		diags_add(d, DIAG_WARNING, p->source, r->line, 0,
		    "rule \"%s\": read-only only applies to usb-storage and "
		    "optical devices",
		    r->id);
		return 1;
	}
	return 0;
}

/* The first earlier rule that decides everything r would. */
static const struct policy_rule *
lint_shadow(const struct policy *p, size_t i)
{
	const struct policy_rule *r = &p->rules[i];
	size_t k;

	for (k = 0; k < i; k++)
		if (lint_covers(&p->rules[k], r) &&
		    lint_implies(r->cond, p->rules[k].cond))
			return &p->rules[k];
	return NULL;
}

int
lint_policy(const struct policy *p, struct diags *d)
{
	const struct policy_rule *r, *by;
	int n = 0;
	size_t i;

	if (p->nrules == 0) {
		diags_add(d, DIAG_WARNING, p->source, 0, 0,
		    "the policy has no rules: every device is denied");
		n++;
	}
	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (r->cond != NULL && !lint_satisfiable(r->cond)) {
			diags_add(d, DIAG_WARNING, p->source, r->line, 0,
			    "rule \"%s\" can never decide: its condition never "
			    "holds (conflicting conditions)",
			    r->id);
			n++;
		} else if ((by = lint_shadow(p, i)) != NULL) {
			diags_add(d, DIAG_WARNING, p->source, r->line, 0,
			    "rule \"%s\" can never decide: rule \"%s\" (line "
			    "%d) before it matches every device it matches",
			    r->id, by->id, by->line);
			n++;
		}
		n += lint_mode(p, r, d);
	}
	return n;
}
