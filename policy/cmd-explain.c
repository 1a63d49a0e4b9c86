/* cmd-explain.c: `kura-policy explain POLICY DEVICE`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd.h"
#include "load.h"

/* The rules tried for one unit, up to the deciding one. */
static json_t *
cmd_explain_unit(const struct policy *p, const struct policy_context *ctx,
    const struct device *d, int unit, int json)
{
	json_t *steps = json_array();
	const char *why;
	char buf[512];
	size_t i;

	if (unit >= 0 && !json)
		printf("  interface %d (%02x:%02x:%02x, %s):\n", unit,
		    d->ifaces[unit] >> 16, (d->ifaces[unit] >> 8) & 0xff,
		    d->ifaces[unit] & 0xff,
		    device_kind_name((enum device_kind)d->iface_kind[unit]));
	for (i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		why = policy_explain_rule(r, ctx, d, unit, buf, sizeof(buf));
		json_array_append_new(steps,
		    json_pack("{s:s, s:i, s:b, s:s}", "rule", r->id, "line",
			r->line, "decides", why == NULL, "why",
			why ? why : "matches"));
		if (!json)
			printf("  %s rule %s (line %d): %s\n",
			    why ? "  no " : "  YES", r->id, r->line,
			    why ? why : "matches and decides");
		if (why == NULL)
			break;
	}
	if (i == p->nrules && !json)
		printf("      no rule matches: the default decides\n");
	return steps;
}

json_t *
cmd_explain_device(const struct policy *p, const struct policy_context *ctx,
    const struct device *d, int json)
{
	struct policy_decision dec;
	json_t *units = json_array(), *j;
	char desc[256], out[256];
	size_t i;

	device_describe(d, desc, sizeof(desc));
	if (policy_decide(p, ctx, d, &dec) != 0)
		return NULL;
	if (!json)
		printf("device %s: %s%s\n", d->id, desc,
		    d->composite ? " (composite: decided per interface)" : "");
	if (!d->composite || d->nifaces == 0)
		json_array_append_new(units,
		    cmd_explain_unit(p, ctx, d, -1, json));
	else
		for (i = 0; i < d->nifaces; i++)
			json_array_append_new(units,
			    cmd_explain_unit(p, ctx, d, (int)i, json));
	cmd_decision_format(&dec, out, sizeof(out));
	if (!json)
		printf("decision: %s\n", out);
	j = json_pack("{s:s, s:s, s:o, s:o}", "device", d->id, "description",
	    desc, "steps", units, "decision", cmd_decision_json(&dec));
	return j;
}

int
cmd_explain(int argc, char **argv)
{
	static const char usage[] =
	    "explain [CONTEXT OPTIONS] [--json] POLICY DEVICE";
	struct device *devs = NULL;
	struct policy *p = NULL;
	struct cmd_opts o;
	json_t *out = json_array();
	char ctxs[128];
	size_t n, i;
	int first, rc = CLI_EXIT_FAIL;

	if ((first = cmd_start(argc, argv, &o, usage, 2, 2)) < 0) {
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	p = cmd_load_policy(argv[first]);
	if (p == NULL || cmd_devices(argv[first + 1], &devs, &n) == -1)
		goto out;
	cmd_context_format(&o.ctx, ctxs, sizeof(ctxs));
	if (!o.json)
		printf("policy %s version %lld; context: %s\n", p->source,
		    (long long)p->version, ctxs);
	for (i = 0; i < n; i++)
		json_array_append_new(out,
		    cmd_explain_device(p, &o.ctx, &devs[i], o.json));
	if (o.json)
		cmd_print_json(
		    json_pack("{s:s, s:O}", "context", ctxs, "devices", out));
	rc = CLI_EXIT_OK;
out:
	json_decref(out);
	policy_free(p);
	free(devs);
	return rc;
}
