/*
 * eval.c: deciding what happens to a device.
 *
 * Rules are tried in order and the first whose matchers and condition
 * hold decides; when none does, the explicit default (deny) decides.
 * A composite device (interfaces of two or more kinds) is decided per
 * interface, each interface seen with its own kind and the device's other
 * attributes, and is denied if any interface is denied; otherwise it gets
 * the most restrictive of the interfaces' verdicts.
 *
 * Conditions depend only on the context, so policy_eval_prepare evaluates
 * them once and deciding is a scan of integer compares (and fnmatch for
 * the string matchers, tried last).
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int
policy_cond_eval(const struct policy_cond *c, const struct policy_context *ctx)
{
	size_t i;

	switch (c->type) {
	case POLICY_COND_ON_LAN:
		return ctx->location == POLICY_ON_LAN;
	case POLICY_COND_OFF_LAN:
		return ctx->location != POLICY_ON_LAN;
	case POLICY_COND_LEASE:
		return ctx->lease != 0;
	case POLICY_COND_TIME:
		if (c->from < c->to)
			return ctx->minute >= c->from && ctx->minute < c->to;
		return ctx->minute >= c->from || ctx->minute < c->to;
	case POLICY_COND_DAYS:
		return ctx->weekday >= 0 && ctx->weekday < 7 &&
		    (c->days & (1u << ctx->weekday)) != 0;
	case POLICY_COND_GROUP:
		return ctx->group != NULL && strcmp(ctx->group, c->group) == 0;
	case POLICY_COND_NOT:
		return !policy_cond_eval(c->kids[0], ctx);
	case POLICY_COND_AND:
		for (i = 0; i < c->nkids; i++)
			if (!policy_cond_eval(c->kids[i], ctx))
				return 0;
		return 1;
	case POLICY_COND_OR:
		for (i = 0; i < c->nkids; i++)
			if (policy_cond_eval(c->kids[i], ctx))
				return 1;
		return 0;
	}
	return 0;
}

static int
eval_triple(const struct policy_triple *t, uint32_t v)
{
	return (v & t->mask) == t->val;
}

static int
eval_ids(const struct policy_rule *r, const struct device *d)
{
	const struct policy_idpat *p;
	size_t i;

	for (i = 0; i < r->nids; i++) {
		p = &r->ids[i];
		if ((d->vid & p->vid_mask) == p->vid &&
		    (d->pid & p->pid_mask) == p->pid)
			return 1;
	}
	return 0;
}

/* Some pattern matches interface value v. */
static int
eval_iface_hit(const struct policy_rule *r, uint32_t v)
{
	size_t i;

	for (i = 0; i < r->nifaces; i++)
		if (eval_triple(&r->ifaces[i], v))
			return 1;
	return 0;
}

/* Pattern p matches some interface of d. */
static int
eval_pattern_hit(const struct policy_triple *p, const struct device *d)
{
	size_t i;

	for (i = 0; i < d->nifaces; i++)
		if (eval_triple(p, d->ifaces[i]))
			return 1;
	return 0;
}

static int
eval_ifaces(const struct policy_rule *r, const struct device *d)
{
	size_t i, any = 0, all_ifaces = 1, all_patterns = 1;

	for (i = 0; i < d->nifaces; i++) {
		if (eval_iface_hit(r, d->ifaces[i]))
			any = 1;
		else
			all_ifaces = 0;
	}
	for (i = 0; i < r->nifaces; i++)
		if (!eval_pattern_hit(&r->ifaces[i], d))
			all_patterns = 0;
	switch (r->iface_op) {
	case POLICY_IFACE_ANY_OF:
		return any != 0;
	case POLICY_IFACE_ALL_OF:
		return all_patterns;
	case POLICY_IFACE_NONE_OF:
		return any == 0;
	case POLICY_IFACE_EQUALS:
		return all_patterns && all_ifaces && d->nifaces > 0;
	}
	return 0;
}

static int
eval_glob(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, 0) == 0;
}

static uint32_t
eval_unit_kinds(const struct device *d, int unit)
{
	return unit < 0 ? d->kinds : 1u << d->iface_kind[unit];
}

/* The first matcher of r that unit (-1: the whole device) fails, or 0. */
unsigned
policy_match_fail(const struct policy_rule *r, const struct device *d, int unit)
{
	unsigned f = r->flags;

	if ((f & POLICY_M_BUS) && !(r->buses & (1u << d->bus)))
		return POLICY_M_BUS;
	if ((f & POLICY_M_KIND) && !(r->kinds & eval_unit_kinds(d, unit)))
		return POLICY_M_KIND;
	if ((f & POLICY_M_ID) && !eval_ids(r, d))
		return POLICY_M_ID;
	if ((f & POLICY_M_CLASS) && !eval_triple(&r->dev_class, d->dev_class))
		return POLICY_M_CLASS;
	if ((f & POLICY_M_IFACE) && !eval_ifaces(r, d))
		return POLICY_M_IFACE;
	if ((f & POLICY_M_PCI_ADDR) &&
	    !eval_glob(r->pci_address, d->pci_address))
		return POLICY_M_PCI_ADDR;
	if ((f & POLICY_M_PORT) && !eval_glob(r->port, d->port))
		return POLICY_M_PORT;
	if ((f & POLICY_M_SERIAL) && !eval_glob(r->serial, d->serial))
		return POLICY_M_SERIAL;
	if ((f & POLICY_M_NAME) && !eval_glob(r->name, d->name))
		return POLICY_M_NAME;
	return 0;
}

int
policy_eval_prepare(struct policy_eval *ev, const struct policy *p,
    const struct policy_context *ctx)
{
	size_t i;

	ev->policy = p;
	ev->active = calloc(p->nrules ? p->nrules : 1, 1);
	if (ev->active == NULL)
		return -ENOMEM;
	for (i = 0; i < p->nrules; i++)
		ev->active[i] = p->rules[i].cond == NULL ||
		    policy_cond_eval(p->rules[i].cond, ctx);
	return 0;
}

void
policy_eval_release(struct policy_eval *ev)
{
	free(ev->active);
	ev->active = NULL;
}

/* The first rule deciding unit, or NULL for the default. */
static const struct policy_rule *
eval_unit(const struct policy_eval *ev, const struct device *d, int unit)
{
	const struct policy *p = ev->policy;
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (ev->active[i] &&
		    policy_match_fail(&p->rules[i], d, unit) == 0)
			return &p->rules[i];
	return NULL;
}

static void
eval_fill(struct policy_decision *out, const struct policy_rule *r, int unit)
{
	out->rule = r;
	out->unit = unit;
	out->verdict = r ? r->verdict : POLICY_DENY;
	out->target = r ? r->target : POLICY_TARGET_CLIENT;
}

void
policy_eval_decide(const struct policy_eval *ev, const struct device *d,
    struct policy_decision *out)
{
	struct policy_decision u;
	size_t i;

	if (!d->composite || d->nifaces == 0) {
		eval_fill(out, eval_unit(ev, d, -1), -1);
		return;
	}
	for (i = 0; i < d->nifaces; i++) {
		eval_fill(&u, eval_unit(ev, d, (int)i), (int)i);
		/* The first interface with the lowest verdict speaks for the
		 * device: a denied one if there is any. */
		if (i == 0 || u.verdict < out->verdict) {
			enum policy_target t = i ? out->target : u.target;

			*out = u;
			out->target = t;
		}
		if (u.target == POLICY_TARGET_NONE)
			out->target = POLICY_TARGET_NONE;
	}
}

int
policy_decide(const struct policy *p, const struct policy_context *ctx,
    const struct device *d, struct policy_decision *out)
{
	struct policy_eval ev;
	int rc;

	rc = policy_eval_prepare(&ev, p, ctx);
	if (rc != 0)
		return rc;
	policy_eval_decide(&ev, d, out);
	policy_eval_release(&ev);
	return 0;
}
