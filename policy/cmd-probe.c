/* cmd-probe.c: `kura-policy probe`: the devices of a sysfs tree, and with
 * --policy, what the policy decides for each. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd.h"
#include "load.h"
#include "probe.h"

static void
cmd_probe_row(const struct device *d, const struct policy *p,
    const struct policy_context *ctx)
{
	struct policy_decision dec;
	char desc[256], out[256] = "";

	device_describe(d, desc, sizeof(desc));
	if (p != NULL && policy_decide(p, ctx, d, &dec) == 0)
		cmd_decision_format(&dec, out, sizeof(out));
	printf("%-22s %-44s%s%s\n", d->id, desc, p ? " " : "", out);
	if (d->serial[0] != '\0')
		printf("%-22s serial \"%s\"\n", "", d->serial);
}

static json_t *
cmd_probe_json(const struct device *d, const struct policy *p,
    const struct policy_context *ctx)
{
	struct policy_decision dec;
	json_t *j = device_to_json(d);

	if (p != NULL && policy_decide(p, ctx, d, &dec) == 0)
		json_object_set_new(j, "decision", cmd_decision_json(&dec));
	return j;
}

int
cmd_probe(int argc, char **argv)
{
	static const char usage[] = "probe [--sysfs ROOT] [--policy POLICY "
				    "[CONTEXT OPTIONS]] [--json]";
	struct device *devs = NULL;
	struct policy *p = NULL;
	struct cmd_opts o;
	json_t *out = json_array();
	char err[256];
	size_t n = 0, i;
	int rc = CLI_EXIT_FAIL;

	if (cmd_start(argc, argv, &o, usage, 0, 0) < 0) {
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (o.policy != NULL && (p = cmd_load_policy(o.policy)) == NULL)
		goto out;
	if (probe_sysfs(o.sysfs ? o.sysfs : "/", &devs, &n, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "kura-policy: probe: %s\n", err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (o.json)
			json_array_append_new(out,
			    cmd_probe_json(&devs[i], p, &o.ctx));
		else
			cmd_probe_row(&devs[i], p, &o.ctx);
	}
	if (o.json)
		cmd_print_json(json_incref(out));
	rc = CLI_EXIT_OK;
out:
	json_decref(out);
	policy_free(p);
	free(devs);
	return rc;
}
