/* cmd-common.c: what the kura-policy commands share. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "cmd.h"
#include "load.h"
#include "xalloc.h"

static const char *const cmd_days[] = { "mon", "tue", "wed", "thu", "fri",
	"sat", "sun" };

enum {
	CMD_OPT_ON_LAN = 256,
	CMD_OPT_OFF_LAN,
	CMD_OPT_LEASE,
	CMD_OPT_TIME,
	CMD_OPT_DAY,
	CMD_OPT_GROUP,
	CMD_OPT_JSON,
	CMD_OPT_STRICT,
	CMD_OPT_KEY,
	CMD_OPT_PUBKEY,
	CMD_OPT_SYSFS,
	CMD_OPT_POLICY,
	CMD_OPT_INST_VERSION,
	CMD_OPT_INST_SHA,
};

static const struct option cmd_longopts[] = {
	{ "on-lan", no_argument, NULL, CMD_OPT_ON_LAN },
	{ "off-lan", no_argument, NULL, CMD_OPT_OFF_LAN },
	{ "lease", no_argument, NULL, CMD_OPT_LEASE },
	{ "time", required_argument, NULL, CMD_OPT_TIME },
	{ "day", required_argument, NULL, CMD_OPT_DAY },
	{ "group", required_argument, NULL, CMD_OPT_GROUP },
	{ "json", no_argument, NULL, CMD_OPT_JSON },
	{ "strict", no_argument, NULL, CMD_OPT_STRICT },
	{ "key", required_argument, NULL, CMD_OPT_KEY },
	{ "pubkey", required_argument, NULL, CMD_OPT_PUBKEY },
	{ "sysfs", required_argument, NULL, CMD_OPT_SYSFS },
	{ "policy", required_argument, NULL, CMD_OPT_POLICY },
	{ "installed-version", required_argument, NULL, CMD_OPT_INST_VERSION },
	{ "installed-sha256", required_argument, NULL, CMD_OPT_INST_SHA },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

static int
cmd_parse_time(const char *s, int *minute)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] != '\0' || h < 0 ||
	    h > 23 || m < 0 || m > 59)
		return -1;
	*minute = h * 60 + m;
	return 0;
}

static int
cmd_parse_day(const char *s, int *day)
{
	int d;

	for (d = 0; d < 7; d++) {
		if (strcmp(s, cmd_days[d]) == 0) {
			*day = d;
			return 0;
		}
	}
	return -1;
}

int
cmd_context_word(struct policy_context *ctx, char *groupbuf, size_t grouplen,
    const char *w, char *err, size_t errlen)
{
	if (strcmp(w, "on-lan") == 0)
		ctx->location = POLICY_ON_LAN;
	else if (strcmp(w, "off-lan") == 0)
		ctx->location = POLICY_OFF_LAN;
	else if (strcmp(w, "lease") == 0)
		ctx->lease = 1;
	else if (strncmp(w, "time=", 5) == 0 &&
	    cmd_parse_time(w + 5, &ctx->minute) == 0)
		;
	else if (strncmp(w, "day=", 4) == 0 &&
	    cmd_parse_day(w + 4, &ctx->weekday) == 0)
		;
	else if (strncmp(w, "group=", 6) == 0 && w[6] != '\0' &&
	    strlen(w + 6) < grouplen) {
		strcpy(groupbuf, w + 6);
		ctx->group = groupbuf;
	} else {
		snprintf(err, errlen,
		    "bad context word \"%s\" (expected on-lan, off-lan, lease, "
		    "time=HH:MM, day=mon..sun or group=NAME)",
		    w);
		return -1;
	}
	return 0;
}

void
cmd_context_format(const struct policy_context *ctx, char *buf, size_t len)
{
	snprintf(buf, len, "%s, %s, %s %02d:%02d, group %s",
	    ctx->location == POLICY_ON_LAN ? "on-lan" : "off-lan",
	    ctx->lease ? "lease" : "no lease", cmd_days[ctx->weekday % 7],
	    ctx->minute / 60, ctx->minute % 60, ctx->group ? ctx->group : "-");
}

/* One option; returns 0, or -1 after printing what was wrong. */
static int
cmd_option(int ch, const char *arg, struct cmd_opts *o)
{
	char word[160], err[256];

	switch (ch) {
	case CMD_OPT_ON_LAN:
		o->ctx.location = POLICY_ON_LAN;
		return 0;
	case CMD_OPT_OFF_LAN:
		o->ctx.location = POLICY_OFF_LAN;
		return 0;
	case CMD_OPT_LEASE:
		o->ctx.lease = 1;
		return 0;
	case CMD_OPT_TIME:
	case CMD_OPT_DAY:
	case CMD_OPT_GROUP:
		snprintf(word, sizeof(word), "%s=%s",
		    ch == CMD_OPT_TIME      ? "time"
			: ch == CMD_OPT_DAY ? "day"
					    : "group",
		    arg);
		if (cmd_context_word(&o->ctx, o->group, sizeof(o->group), word,
			err, sizeof(err)) == 0)
			return 0;
		fprintf(stderr, "kura-policy: %s\n", err);
		return -1;
	case CMD_OPT_INST_VERSION:
		o->installed_version = strtoll(arg, NULL, 10);
		return 0;
	}
	return -1;
}

int
cmd_options(int argc, char **argv, struct cmd_opts *o, const char *usage)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->ctx.minute = 12 * 60;
	o->installed_version = -1;
	optind = 0;
	while (
	    (ch = getopt_long(argc, argv, "+o:h", cmd_longopts, NULL)) != -1) {
		switch (ch) {
		case CMD_OPT_JSON:
			o->json = 1;
			break;
		case CMD_OPT_STRICT:
			o->strict = 1;
			break;
		case CMD_OPT_KEY:
			o->key = optarg;
			break;
		case CMD_OPT_PUBKEY:
			o->pubkey = optarg;
			break;
		case CMD_OPT_SYSFS:
			o->sysfs = optarg;
			break;
		case CMD_OPT_POLICY:
			o->policy = optarg;
			break;
		case CMD_OPT_INST_SHA:
			o->installed_sha256 = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		default:
			if (ch != 'h' && ch != '?' &&
			    cmd_option(ch, optarg, o) == 0)
				break;
			fprintf(stderr, "usage: kura-policy %s\n", usage);
			return -1;
		}
	}
	return optind;
}

int
cmd_start(int argc, char **argv, struct cmd_opts *o, const char *usage, int min,
    int max)
{
	int first = cmd_options(argc, argv, o, usage);

	if (first < 0)
		return -1;
	if (argc - first < min || argc - first > max) {
		fprintf(stderr, "usage: kura-policy %s\n", usage);
		return -1;
	}
	return first;
}

struct policy *
cmd_load_policy(const char *path)
{
	struct diags d;
	struct policy *p;

	diags_init(&d);
	p = load_policy(path, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	return p;
}

static int
cmd_devices_json(json_t *j, struct device **devs_r, size_t *n_r)
{
	char err[256];
	size_t i, n = json_is_array(j) ? json_array_size(j) : 1;
	struct device *v = xcalloc(n, sizeof(*v));

	for (i = 0; i < n; i++) {
		if (device_from_json(json_is_array(j) ? json_array_get(j, i)
						      : j,
			&v[i], err, sizeof(err)) == -1) {
			fprintf(stderr, "kura-policy: device %zu: %s\n", i,
			    err);
			free(v);
			return -1;
		}
	}
	*devs_r = v;
	*n_r = n;
	return 0;
}

int
cmd_devices(const char *arg, struct device **devs_r, size_t *n_r)
{
	char err[256];
	json_error_t jerr;
	json_t *j;
	int rc;

	if (access(arg, F_OK) == 0) {
		j = json_load_file(arg, 0, &jerr);
		if (j == NULL) {
			fprintf(stderr, "kura-policy: %s:%d:%d: %s\n", arg,
			    jerr.line, jerr.column, jerr.text);
			return -1;
		}
		rc = cmd_devices_json(j, devs_r, n_r);
		json_decref(j);
		return rc;
	}
	*devs_r = xcalloc(1, sizeof(**devs_r));
	*n_r = 1;
	if (device_parse_spec(arg, *devs_r, err, sizeof(err)) == -1) {
		fprintf(stderr, "kura-policy: %s\n", err);
		free(*devs_r);
		*devs_r = NULL;
		return -1;
	}
	return 0;
}

void
cmd_decision_format(const struct policy_decision *dec, char *buf, size_t len)
{
	const struct policy_rule *r = dec->rule;

	if (r == NULL)
		snprintf(buf, len, "%s (default)",
		    policy_verdict_name(dec->verdict));
	else
		snprintf(buf, len, "%s%s (rule %s, line %d)",
		    policy_verdict_name(dec->verdict),
		    dec->target == POLICY_TARGET_NONE ? " to none" : "", r->id,
		    r->line);
}

json_t *
cmd_decision_json(const struct policy_decision *dec)
{
	const struct policy_rule *r = dec->rule;

	return json_pack("{s:s, s:s, s:s, s:i, s:i}", "verdict",
	    policy_verdict_name(dec->verdict), "target",
	    policy_target_name(dec->target), "rule", r ? r->id : "default",
	    "line", r ? r->line : 0, "interface", dec->unit);
}

void
cmd_print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

int
cmd_write_file(const char *path, const char *data, int mode)
{
	int rc = file_write_atomic(path, data, strlen(data), (mode_t)mode);

	if (rc != 0)
		fprintf(stderr, "kura-policy: %s: %s\n", path, strerror(-rc));
	return rc == 0 ? 0 : -1;
}
