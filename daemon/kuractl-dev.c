/*
 * kuractl-dev.c: kuractl's device and policy commands.  kurad decides;
 * these only ask and print.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kuractl.h"
#include "proto.h"

static void
kuractl_rule(json_t *d, char *buf, size_t len)
{
	if (kuractl_int(d, "line") > 0)
		snprintf(buf, len, "%s:%lld", kuractl_str(d, "rule"),
		    (long long)kuractl_int(d, "line"));
	else
		snprintf(buf, len, "%s", kuractl_str(d, "rule"));
}

/* "-" for an empty string too: a table has no empty cells. */
static const char *
kuractl_cell(json_t *d, const char *key)
{
	const char *v = kuractl_str(d, key);

	return *v != '\0' ? v : "-";
}

static void
kuractl_show_devices(json_t *r)
{
	char rule[96];
	json_t *d;
	size_t i;

	printf("%-12s %-8s %-10s %-20s %-5s %-16s %s\n", "ID", "STATE",
	    "VERDICT", "RULE", "VDEV", "SERIAL", "DEVICE");
	json_array_foreach(json_object_get(r, "devices"), i, d)
	{
		kuractl_rule(d, rule, sizeof(rule));
		printf("%-12s %-8s %-10s %-20s %-5s %-16s %s\n",
		    kuractl_str(d, "id"), kuractl_str(d, "state"),
		    kuractl_str(d, "verdict"), rule, kuractl_cell(d, "vdev"),
		    kuractl_cell(d, "serial"), kuractl_str(d, "description"));
	}
}

static void
kuractl_show_device(json_t *d)
{
	static const char *const keys[] = { "id", "description", "serial",
		"port", "state", "verdict", "target", "disk", "vdev", "sysfs" };
	char rule[96];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		printf("%-12s %s\n", keys[i], kuractl_cell(d, keys[i]));
	kuractl_rule(d, rule, sizeof(rule));
	printf("%-12s %s\n", "rule", rule);
	if (json_object_get(d, "domid") != NULL)
		printf("%-12s %lld\n", "domain",
		    (long long)kuractl_int(d, "domid"));
}

/* The rules tried for one unit (the device, or one interface of a
 * composite device), up to the one that decides. */
static void
kuractl_show_steps(json_t *steps)
{
	json_t *s;
	size_t i;

	json_array_foreach(steps, i, s)
	{
		int yes = json_is_true(json_object_get(s, "decides"));

		printf("  %s rule %s (line %lld): %s\n",
		    yes ? "  YES" : "   no", kuractl_str(s, "rule"),
		    (long long)kuractl_int(s, "line"),
		    yes ? "matches and decides" : kuractl_str(s, "why"));
	}
	if (i == 0 ||
	    !json_is_true(
		json_object_get(json_array_get(steps, i - 1), "decides")))
		printf("      no rule matches: the default decides\n");
}

static void
kuractl_show_explain(json_t *r)
{
	json_t *units = json_object_get(r, "steps"), *dec, *u;
	char rule[96];
	size_t i;

	printf("device %s: %s\n", kuractl_str(r, "device"),
	    kuractl_str(r, "description"));
	json_array_foreach(units, i, u)
	{
		if (json_array_size(units) > 1)
			printf("  interface %zu:\n", i);
		kuractl_show_steps(u);
	}
	dec = json_object_get(r, "decision");
	kuractl_rule(dec, rule, sizeof(rule));
	printf("decision: %s%s (rule %s)\n", kuractl_str(dec, "verdict"),
	    strcmp(kuractl_str(dec, "target"), "none") == 0 ? " to none" : "",
	    rule);
}

int
kuractl_device(int argc, char **argv)
{
	static const char usage[] = "device list|show ID|explain ID [--json]";
	json_t *args;
	int rc, ops;

	if (argc < 2)
		goto usage;
	ops = strcmp(argv[1], "list") == 0 ? 0 : 1;
	if (argc < 2 + ops ||
	    kuractl_flags(argc - 1 - ops, argv + 1 + ops, usage, NULL) == -1)
		goto usage;
	if (strcmp(argv[1], "list") == 0)
		return kuractl_show("device.list", NULL, kuractl_show_devices);
	args = json_pack("{s:s}", "id", argv[2]);
	if (strcmp(argv[1], "show") == 0)
		rc = kuractl_show("device.show", args, kuractl_show_device);
	else if (strcmp(argv[1], "explain") == 0)
		rc = kuractl_show("device.explain", args, kuractl_show_explain);
	else
		rc = -1;
	json_decref(args);
	if (rc != -1)
		return rc;
usage:
	fprintf(stderr, "usage: kuractl %s\n", usage);
	return CLI_EXIT_USAGE;
}

static void
kuractl_show_policy(json_t *r)
{
	if (!json_is_true(json_object_get(r, "loaded"))) {
		printf("no policy in force (%s): every device is denied\n",
		    kuractl_str(r, "file"));
		return;
	}
	printf("policy version %lld, %lld rules, signed by key %s\n"
	       "sha256 %s\nfile %s\n",
	    (long long)kuractl_int(r, "version"),
	    (long long)kuractl_int(r, "rules"), kuractl_str(r, "key-id"),
	    kuractl_str(r, "sha256"), kuractl_str(r, "file"));
}

/* The signed file goes to kurad as it is; kurad checks it against its
 * own key and version, whatever kuractl thinks of it. */
static int
kuractl_policy_load(const char *path)
{
	json_error_t jerr;
	json_t *env, *args;
	char *text;
	int rc = CLI_EXIT_FAIL;

	env = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (env == NULL) {
		fprintf(stderr, "kuractl: %s:%d:%d: %s\n", path, jerr.line,
		    jerr.column, jerr.text);
		return CLI_EXIT_FAIL;
	}
	args = json_pack("{s:o}", "signed", env);
	text = json_dumps(args, JSON_COMPACT);
	if (text == NULL || strlen(text) + 256 > PROTO_MAX_LINE)
		fprintf(stderr,
		    "kuractl: %s: too large for kurad's socket (at most "
		    "%d bytes)\n",
		    path, PROTO_MAX_LINE - 256);
	else
		rc = kuractl_show("policy.load", args, kuractl_show_policy);
	free(text);
	json_decref(args);
	return rc;
}

int
kuractl_policy(int argc, char **argv)
{
	static const char usage[] = "policy show|load FILE [--json]";

	if (argc >= 2 && strcmp(argv[1], "show") == 0 &&
	    kuractl_flags(argc - 1, argv + 1, usage, NULL) == 0)
		return kuractl_show("policy.show", NULL, kuractl_show_policy);
	if (argc >= 3 && strcmp(argv[1], "load") == 0 &&
	    kuractl_flags(argc - 2, argv + 2, usage, NULL) == 0)
		return kuractl_policy_load(argv[2]);
	fprintf(stderr, "usage: kuractl %s\n", usage);
	return CLI_EXIT_USAGE;
}
