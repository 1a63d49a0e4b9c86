/*
 * cmd-test.c: `kura-policy test POLICY CASES`, an admin's own regression
 * table.  Each line of CASES is
 *   DEVICE-SPEC | CONTEXT-WORDS | EXPECTED
 * e.g.
 *   usb id=0781:5567 iface=08:06:50 | on-lan lease | allow read-only by s1
 * EXPECTED is deny or allow [read-only|read-write|burn], optionally
 * followed by "by RULE-ID" or "by default".  # starts a comment.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "load.h"
#include "xalloc.h"

struct cmd_case {
	struct device dev;
	struct policy_context ctx;
	char group[128];
	enum policy_verdict verdict;
	char by[POLICY_ID_MAX]; /* "" when the case does not say */
};

static char *
cmd_test_trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

static int
cmd_test_expected(char *s, struct cmd_case *c, char *err, size_t errlen)
{
	char *by = strstr(s, " by ");

	c->by[0] = '\0';
	if (by != NULL) {
		*by = '\0';
		by = cmd_test_trim(by + 4);
		if (*by == '\0' || strlen(by) >= sizeof(c->by)) {
			snprintf(err, errlen,
			    "expected a rule id after \"by\"");
			return -1;
		}
		strcpy(c->by, by);
	}
	s = cmd_test_trim(s);
	if (strncmp(s, "allow", 5) == 0 &&
	    policy_verdict_parse("allow", s[5] ? cmd_test_trim(s + 5) : NULL,
		&c->verdict) == 0)
		return 0;
	if (strcmp(s, "deny") == 0) {
		c->verdict = POLICY_DENY;
		return 0;
	}
	snprintf(err, errlen,
	    "expected deny, allow, allow read-only, allow read-write or "
	    "allow burn, got \"%s\"",
	    s);
	return -1;
}

static int
cmd_test_context(char *s, struct cmd_case *c, char *err, size_t errlen)
{
	char *w, *save = NULL;

	c->ctx.minute = 12 * 60;
	for (w = strtok_r(s, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (cmd_context_word(&c->ctx, c->group, sizeof(c->group), w,
			err, errlen) == -1)
			return -1;
	return 0;
}

/* Parses one non-blank line; -1 with a message in err. */
static int
cmd_test_line(char *line, struct cmd_case *c, char *err, size_t errlen)
{
	char *ctx = strchr(line, '|'), *exp;

	memset(c, 0, sizeof(*c));
	exp = ctx ? strchr(ctx + 1, '|') : NULL;
	if (exp == NULL) {
		snprintf(err, errlen,
		    "expected DEVICE | CONTEXT | EXPECTED (two '|')");
		return -1;
	}
	*ctx++ = '\0';
	*exp++ = '\0';
	if (device_parse_spec(cmd_test_trim(line), &c->dev, err, errlen) == -1)
		return -1;
	if (cmd_test_context(ctx, c, err, errlen) == -1)
		return -1;
	return cmd_test_expected(exp, c, err, errlen);
}

/* Runs one case; returns 1 if it passed. */
static int
cmd_test_run(const struct policy *p, const struct cmd_case *c,
    const char *where, json_t *fails)
{
	struct policy_decision dec;
	const char *id;
	char got[256];

	if (policy_decide(p, &c->ctx, &c->dev, &dec) != 0)
		return 0;
	id = dec.rule ? dec.rule->id : "default";
	if (dec.verdict == c->verdict &&
	    (c->by[0] == '\0' || strcmp(c->by, id) == 0))
		return 1;
	cmd_decision_format(&dec, got, sizeof(got));
	json_array_append_new(fails,
	    json_pack("{s:s, s:s, s:s, s:s}", "case", where, "device",
		c->dev.id, "expected", policy_verdict_name(c->verdict), "got",
		got));
	fprintf(stderr, "%s: FAIL: %s: expected %s%s%s, got %s\n", where,
	    c->dev.id, policy_verdict_name(c->verdict), c->by[0] ? " by " : "",
	    c->by, got);
	return 0;
}

/* Runs every case of the file; -1 if the file could not be used. */
static int
cmd_test_file(const struct policy *p, const char *path, int *pass, int *fail,
    json_t *fails)
{
	char err[256], where[300], *text, *line, *save = NULL;
	struct cmd_case c;
	size_t len;
	int lineno = 0, bad = 0;

	text = load_file(path, &len, err, sizeof(err));
	if (text == NULL) {
		fprintf(stderr, "kura-policy: %s: %s\n", path, err);
		return -1;
	}
	for (line = text; line != NULL; line = save) {
		save = strchr(line, '\n');
		if (save != NULL)
			*save++ = '\0';
		lineno++;
		line[strcspn(line, "#")] = '\0';
		if (*cmd_test_trim(line) == '\0')
			continue;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (cmd_test_line(line, &c, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s: error: %s\n", where, err);
			bad = 1;
			continue;
		}
		if (cmd_test_run(p, &c, where, fails))
			(*pass)++;
		else
			(*fail)++;
	}
	free(text);
	return bad ? -1 : 0;
}

int
cmd_test(int argc, char **argv)
{
	static const char usage[] = "test [--json] POLICY CASES";
	struct policy *p = NULL;
	struct cmd_opts o;
	json_t *fails = json_array();
	int first, pass = 0, fail = 0, rc = CLI_EXIT_FAIL;

	if ((first = cmd_start(argc, argv, &o, usage, 2, 2)) < 0) {
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	p = cmd_load_policy(argv[first]);
	if (p == NULL ||
	    cmd_test_file(p, argv[first + 1], &pass, &fail, fails) == -1)
		goto out;
	if (o.json)
		cmd_print_json(json_pack("{s:i, s:i, s:O}", "passed", pass,
		    "failed", fail, "failures", fails));
	else
		printf("%d passed, %d failed\n", pass, fail);
	rc = fail == 0 && pass > 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
out:
	json_decref(fails);
	policy_free(p);
	return rc;
}
