/*
 * explain.c: decisions in words, for `kura-policy explain` and for kurad's
 * `kuractl device explain`: why each rule before the deciding one did not
 * decide.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

static const char *const explain_days[] = { "mon", "tue", "wed", "thu", "fri",
	"sat", "sun" };

/* Appends to buf, never past len. */
static void explain_cat(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
explain_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

static void
explain_triple(char *buf, size_t len, const struct policy_triple *t)
{
	int i;

	for (i = 2; i >= 0; i--) {
		if (((t->mask >> (8 * i)) & 0xff) == 0)
			explain_cat(buf, len, "*");
		else
			explain_cat(buf, len, "%02x",
			    (t->val >> (8 * i)) & 0xff);
		if (i > 0)
			explain_cat(buf, len, ":");
	}
}

static void
explain_days_format(char *buf, size_t len, unsigned days)
{
	const char *sep = "";
	int d;

	for (d = 0; d < 7; d++) {
		if (days & (1u << d)) {
			explain_cat(buf, len, "%s%s", sep, explain_days[d]);
			sep = ",";
		}
	}
}

static void
explain_cond(char *buf, size_t len, const struct policy_cond *c, int nested)
{
	size_t i;

	switch (c->type) {
	case POLICY_COND_ON_LAN:
		explain_cat(buf, len, "on-lan");
		return;
	case POLICY_COND_OFF_LAN:
		explain_cat(buf, len, "off-lan");
		return;
	case POLICY_COND_LEASE:
		explain_cat(buf, len, "lease");
		return;
	case POLICY_COND_TIME:
		explain_cat(buf, len, "time %02d:%02d-%02d:%02d", c->from / 60,
		    c->from % 60, c->to / 60, c->to % 60);
		return;
	case POLICY_COND_DAYS:
		explain_cat(buf, len, "days ");
		explain_days_format(buf, len, c->days);
		return;
	case POLICY_COND_GROUP:
		explain_cat(buf, len, "group \"%s\"", c->group);
		return;
	case POLICY_COND_NOT:
		explain_cat(buf, len, "not ");
		explain_cond(buf, len, c->kids[0], 1);
		return;
	case POLICY_COND_AND:
	case POLICY_COND_OR:
		explain_cat(buf, len, "%s", nested ? "(" : "");
		for (i = 0; i < c->nkids; i++) {
			if (i > 0)
				explain_cat(buf, len, " %s ",
				    c->type == POLICY_COND_AND ? "and" : "or");
			explain_cond(buf, len, c->kids[i], 1);
		}
		explain_cat(buf, len, "%s", nested ? ")" : "");
		return;
	}
}

void
policy_cond_format(const struct policy_cond *c, char *buf, size_t len)
{
	buf[0] = '\0';
	explain_cond(buf, len, c, 0);
}

static void
explain_kinds(char *buf, size_t len, uint32_t kinds)
{
	const char *sep = "";
	int k;

	for (k = 0; k < DEVICE_KIND__COUNT; k++) {
		if (kinds & (1u << k)) {
			explain_cat(buf, len, "%s%s", sep,
			    device_kind_name((enum device_kind)k));
			sep = " ";
		}
	}
}

static void
explain_kind(char *buf, size_t len, const struct policy_rule *r,
    const struct device *d, int unit)
{
	if (unit >= 0)
		explain_cat(buf, len, "interface %d is ", unit);
	else
		explain_cat(buf, len, "kind is ");
	explain_kinds(buf, len,
	    unit >= 0 ? 1u << d->iface_kind[unit] : d->kinds);
	explain_cat(buf, len, ", rule wants ");
	explain_kinds(buf, len, r->kinds);
}

static void
explain_ifaces(char *buf, size_t len, const struct policy_rule *r,
    const struct device *d)
{
	static const char *const ops[] = { "any-of", "all-of", "none-of",
		"equals" };
	size_t i;

	explain_cat(buf, len, "interfaces {");
	for (i = 0; i < d->nifaces; i++)
		explain_cat(buf, len, " %02x:%02x:%02x", d->ifaces[i] >> 16,
		    (d->ifaces[i] >> 8) & 0xff, d->ifaces[i] & 0xff);
	explain_cat(buf, len, " } fail %s {", ops[r->iface_op]);
	for (i = 0; i < r->nifaces; i++) {
		explain_cat(buf, len, " ");
		explain_triple(buf, len, &r->ifaces[i]);
	}
	explain_cat(buf, len, " }");
}

static void
explain_ids(char *buf, size_t len, const struct policy_rule *r,
    const struct device *d)
{
	size_t i;

	explain_cat(buf, len, "id %04x:%04x is not", d->vid, d->pid);
	for (i = 0; i < r->nids; i++) {
		const struct policy_idpat *p = &r->ids[i];

		explain_cat(buf, len, "%s ", i ? "," : "");
		if (p->vid_mask)
			explain_cat(buf, len, "%04x", p->vid);
		else
			explain_cat(buf, len, "*");
		if (p->pid_mask)
			explain_cat(buf, len, ":%04x", p->pid);
		else
			explain_cat(buf, len, ":*");
	}
}

static void
explain_matcher(char *buf, size_t len, unsigned flag,
    const struct policy_rule *r, const struct device *d, int unit)
{
	switch (flag) {
	case POLICY_M_BUS:
		explain_cat(buf, len, "bus is %s", device_bus_name(d->bus));
		break;
	case POLICY_M_KIND:
		explain_kind(buf, len, r, d, unit);
		break;
	case POLICY_M_ID:
		explain_ids(buf, len, r, d);
		break;
	case POLICY_M_CLASS:
		explain_cat(buf, len, "class %02x:%02x:%02x is not ",
		    d->dev_class >> 16, (d->dev_class >> 8) & 0xff,
		    d->dev_class & 0xff);
		explain_triple(buf, len, &r->dev_class);
		break;
	case POLICY_M_IFACE:
		explain_ifaces(buf, len, r, d);
		break;
	case POLICY_M_PCI_ADDR:
		explain_cat(buf, len, "pci-address \"%s\" is not \"%s\"",
		    d->pci_address, r->pci_address);
		break;
	case POLICY_M_PORT:
		explain_cat(buf, len, "port \"%s\" is not \"%s\"", d->port,
		    r->port);
		break;
	case POLICY_M_SERIAL:
		explain_cat(buf, len, "serial \"%s\" is not \"%s\"", d->serial,
		    r->serial);
		break;
	case POLICY_M_NAME:
		explain_cat(buf, len, "name \"%s\" is not \"%s\"", d->name,
		    r->name);
		break;
	}
}

const char *
policy_explain_rule(const struct policy_rule *r,
    const struct policy_context *ctx, const struct device *d, int unit,
    char *buf, size_t len)
{
	unsigned flag = policy_match_fail(r, d, unit);

	buf[0] = '\0';
	if (flag != 0) {
		explain_matcher(buf, len, flag, r, d, unit);
		return buf;
	}
	if (r->cond != NULL && !policy_cond_eval(r->cond, ctx)) {
		explain_cat(buf, len, "condition \"");
		explain_cond(buf, len, r->cond, 0);
		explain_cat(buf, len, "\" does not hold");
		return buf;
	}
	return NULL;
}
