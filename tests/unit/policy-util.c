/* Helpers shared by the policy unit tests. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "policy-util.h"

/* A policy from its rules array, given as JSON text. */
struct policy *
tpol_rules(const char *rules)
{
	struct policy_error err;
	struct policy *p;
	json_error_t jerr;
	char *doc;
	json_t *j;

	if (asprintf(&doc,
		"{\"format\": \"kura-policy/1\", \"version\": 1, "
		"\"rules\": %s}",
		rules) < 0)
		fail();
	j = json_loads(doc, 0, &jerr);
	if (j == NULL)
		fail_msg("bad test JSON %s: %s", doc, jerr.text);
	free(doc);
	p = policy_compile(j, &err);
	json_decref(j);
	if (p == NULL)
		fail_msg("compile: %s", err.msg);
	return p;
}

/* The compile error for a document that must be rejected. */
const char *
tpol_reject(const char *doc)
{
	static struct policy_error err;
	struct policy *p;
	json_t *j = json_loads(doc, 0, NULL);

	assert_non_null(j);
	p = policy_compile(j, &err);
	json_decref(j);
	if (p != NULL)
		fail_msg("accepted: %s", doc);
	return err.msg;
}

struct device
tpol_dev(const char *s)
{
	struct device d;
	char err[256];

	if (device_parse_spec(s, &d, err, sizeof(err)) != 0)
		fail_msg("%s: %s", s, err);
	return d;
}
