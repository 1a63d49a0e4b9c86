/*
 * cmd-diff.c: `kura-policy diff OLD NEW [DEVICES]`: which devices'
 * decisions change, on and off the LAN, with and without a lease.  With
 * no DEVICES, one representative device per kind and one per rule of
 * either policy (built from the rule's matchers) are compared.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "load.h"
#include "xalloc.h"

/* A typical USB interface of each kind. */
static const uint32_t cmd_diff_iface[DEVICE_KIND__COUNT] = {
	[DEVICE_KIND_USB_STORAGE] = DEVICE_TRIPLE(0x08, 0x06, 0x50),
	[DEVICE_KIND_OPTICAL] = DEVICE_TRIPLE(0x08, 0x02, 0x50),
	[DEVICE_KIND_HID] = DEVICE_TRIPLE(0x03, 0x01, 0x01),
	[DEVICE_KIND_AUDIO] = DEVICE_TRIPLE(0x01, 0x01, 0x00),
	[DEVICE_KIND_VIDEO] = DEVICE_TRIPLE(0x0e, 0x01, 0x00),
	[DEVICE_KIND_SMARTCARD] = DEVICE_TRIPLE(0x0b, 0x00, 0x00),
	[DEVICE_KIND_PRINTER] = DEVICE_TRIPLE(0x07, 0x01, 0x02),
	[DEVICE_KIND_NETWORK] = DEVICE_TRIPLE(0x02, 0x06, 0x00),
	[DEVICE_KIND_WIRELESS] = DEVICE_TRIPLE(0xe0, 0x01, 0x01),
	[DEVICE_KIND_HUB] = DEVICE_TRIPLE(0x09, 0x00, 0x00),
	[DEVICE_KIND_OTHER] = DEVICE_TRIPLE(0xff, 0x00, 0x00),
};

static void
cmd_diff_kind(struct device *d, enum device_kind k)
{
	d->ifaces[d->nifaces++] = cmd_diff_iface[k];
	d->optical = k == DEVICE_KIND_OPTICAL;
	if (k == DEVICE_KIND_HUB)
		d->dev_class = DEVICE_TRIPLE(0x09, 0, 0);
}

/* A glob turned into a string it matches (wildcards dropped). */
static void
cmd_diff_glob(char *dst, const char *glob)
{
	size_t n = 0;

	for (; glob && *glob && n + 1 < DEVICE_STR_MAX; glob++)
		if (!strchr("*?[]", *glob))
			dst[n++] = *glob;
	dst[n] = '\0';
}

static int
cmd_diff_lowest_kind(uint32_t kinds)
{
	int k;

	for (k = 0; k < DEVICE_KIND__COUNT; k++)
		if (kinds & (1u << k))
			return k;
	return DEVICE_KIND_OTHER;
}

/* A device the rule's matchers accept (as far as one can be built). */
static void
cmd_diff_from_rule(const struct policy_rule *r, struct device *d)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->bus = (r->flags & POLICY_M_BUS) && !(r->buses & 1u)
	    ? (enum device_bus)__builtin_ctz(r->buses)
	    : DEVICE_BUS_USB;
	if (r->flags & POLICY_M_ID) {
		d->vid = r->ids[0].vid;
		d->pid = r->ids[0].pid;
	}
	if (r->flags & POLICY_M_CLASS)
		d->dev_class = r->dev_class.val;
	if ((r->flags & POLICY_M_IFACE) && r->iface_op != POLICY_IFACE_NONE_OF)
		for (i = 0; i < r->nifaces && i < DEVICE_MAX_IFACES; i++)
			d->ifaces[d->nifaces++] = r->ifaces[i].val;
	else if ((r->flags & POLICY_M_KIND) && d->bus == DEVICE_BUS_USB)
		cmd_diff_kind(d,
		    (enum device_kind)cmd_diff_lowest_kind(r->kinds));
	if ((r->flags & POLICY_M_KIND) && d->bus == DEVICE_BUS_BLOCK)
		d->optical = 1;
	cmd_diff_glob(d->serial, r->serial);
	cmd_diff_glob(d->name, r->name);
	cmd_diff_glob(d->port, r->port);
	cmd_diff_glob(d->pci_address, r->pci_address);
	snprintf(d->id, sizeof(d->id), "like-rule:%.100s", r->id);
	device_classify(d);
}

/* Whether v[n] looks like an earlier device in every attribute but id. */
static int
cmd_diff_seen(const struct device *v, size_t n)
{
	struct device a, b;
	size_t i;

	b = v[n];
	memset(b.id, 0, sizeof(b.id));
	for (i = 0; i < n; i++) {
		a = v[i];
		memset(a.id, 0, sizeof(a.id));
		if (memcmp(&a, &b, sizeof(a)) == 0)
			return 1;
	}
	return 0;
}

static size_t
cmd_diff_synthesize(const struct policy *a, const struct policy *b,
    struct device **devs_r)
{
	size_t n = 0, i, cap = DEVICE_KIND__COUNT + a->nrules + b->nrules;
	struct device *v = xcalloc(cap, sizeof(*v));
	int k;

	for (k = 0; k < DEVICE_KIND__COUNT; k++) {
		cmd_diff_kind(&v[n], (enum device_kind)k);
		snprintf(v[n].id, sizeof(v[n].id), "any-%s",
		    device_kind_name((enum device_kind)k));
		device_classify(&v[n++]);
	}
	for (i = 0; i < a->nrules + b->nrules; i++) {
		cmd_diff_from_rule(i < a->nrules ? &a->rules[i]
						 : &b->rules[i - a->nrules],
		    &v[n]);
		n += !cmd_diff_seen(v, n);
	}
	*devs_r = v;
	return n;
}

/* Compares one device in one context; returns 1 if the decision changed. */
static int
cmd_diff_one(const struct policy *a, const struct policy *b,
    const struct policy_context *ctx, const struct device *d, json_t *out,
    int json)
{
	struct policy_decision x, y;
	char ctxs[128], before[256], after[256], desc[256];

	if (policy_decide(a, ctx, d, &x) || policy_decide(b, ctx, d, &y))
		return 0;
	if (x.verdict == y.verdict && x.target == y.target)
		return 0;
	cmd_context_format(ctx, ctxs, sizeof(ctxs));
	cmd_decision_format(&x, before, sizeof(before));
	cmd_decision_format(&y, after, sizeof(after));
	device_describe(d, desc, sizeof(desc));
	json_array_append_new(out,
	    json_pack("{s:s, s:s, s:s, s:o, s:o}", "device", d->id,
		"description", desc, "context", ctxs, "old",
		cmd_decision_json(&x), "new", cmd_decision_json(&y)));
	if (!json)
		printf("%s (%s) [%s]: %s -> %s\n", d->id, desc, ctxs, before,
		    after);
	return 1;
}

static int
cmd_diff_all(const struct policy *a, const struct policy *b,
    const struct cmd_opts *o, const struct device *v, size_t n)
{
	struct policy_context ctx = o->ctx;
	json_t *out = json_array();
	size_t i, changes = 0;
	int loc, lease;

	for (i = 0; i < n; i++)
		for (loc = 0; loc < 2; loc++)
			for (lease = 0; lease < 2; lease++) {
				ctx.location =
				    loc ? POLICY_ON_LAN : POLICY_OFF_LAN;
				ctx.lease = lease;
				changes += (size_t)cmd_diff_one(a, b, &ctx,
				    &v[i], out, o->json);
			}
	if (o->json)
		cmd_print_json(
		    json_pack("{s:I, s:I, s:o}", "devices", (json_int_t)n,
			"changes", (json_int_t)changes, "changed", out));
	else {
		json_decref(out);
		printf("%zu devices compared in 4 contexts: %zu change%s\n", n,
		    changes, changes == 1 ? "" : "s");
	}
	return changes ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int
cmd_diff(int argc, char **argv)
{
	static const char usage[] =
	    "diff [--json] [--time HH:MM] [--day D] [--group G] OLD NEW "
	    "[DEVICES]";
	struct policy *a = NULL, *b = NULL;
	struct device *v = NULL;
	struct cmd_opts o;
	size_t n;
	int first, rc = CLI_EXIT_USAGE;

	if ((first = cmd_start(argc, argv, &o, usage, 2, 3)) < 0)
		goto out;
	rc = 3;
	a = cmd_load_policy(argv[first]);
	b = cmd_load_policy(argv[first + 1]);
	if (a == NULL || b == NULL)
		goto out;
	if (argc - first == 3) {
		if (cmd_devices(argv[first + 2], &v, &n) == -1)
			goto out;
	} else {
		n = cmd_diff_synthesize(a, b, &v);
	}
	rc = cmd_diff_all(a, b, &o, v, n);
out:
	policy_free(a);
	policy_free(b);
	free(v);
	return rc;
}
