/*
 * Unit tests for the decision engine: policy/compile.c, eval.c and
 * explain.c, fed canonical JSON directly (the text parser has its own).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy-util.h"
#include "policy.h"

static const struct policy_context ctx_lan = { .location = POLICY_ON_LAN,
	.weekday = 2,
	.minute = 600,
	.group = "eng" };
static const struct policy_context ctx_off = { .location = POLICY_OFF_LAN,
	.weekday = 2,
	.minute = 600,
	.group = "eng" };

/* The deciding rule id ("default" if none) and verdict of a device. */
static const char *
decide(const struct policy *p, const struct policy_context *ctx,
    const char *spec, enum policy_verdict *v)
{
	struct policy_decision out;
	struct device d = tpol_dev(spec);

	assert_int_equal(policy_decide(p, ctx, &d, &out), 0);
	*v = out.verdict;
	return out.rule ? out.rule->id : "default";
}

static void
test_first_match_and_default_deny(void **state)
{
	struct policy *p =
	    tpol_rules("[{\"id\": \"a\", \"verdict\": \"allow\", "
		       "\"mode\": \"read-only\", \"match\": {\"kind\": "
		       "[\"usb-storage\"]}},"
		       "{\"id\": \"b\", \"verdict\": \"deny\", "
		       "\"match\": {\"kind\": [\"usb-storage\"]}},"
		       "{\"id\": \"c\", \"verdict\": \"allow\", "
		       "\"match\": {\"kind\": [\"hid\", \"hub\"]}}]");
	enum policy_verdict v;

	assert_string_equal(decide(p, &ctx_lan, "usb iface=08:06:50", &v), "a");
	assert_int_equal(v, POLICY_ALLOW_RO);
	assert_string_equal(decide(p, &ctx_lan, "usb iface=03:01:01", &v), "c");
	assert_int_equal(v, POLICY_ALLOW_RW);
	assert_string_equal(decide(p, &ctx_lan, "usb iface=0e:01:00", &v),
	    "default");
	assert_int_equal(v, POLICY_DENY);
	policy_free(p);
}

static void
test_conditions(void **state)
{
	struct policy *p = tpol_rules(
	    "[{\"id\": \"lan\", \"verdict\": \"allow\", \"mode\": "
	    "\"read-only\", \"match\": {\"kind\": [\"usb-storage\"]}, \"if\": "
	    "{\"location\": \"on-lan\"}},"
	    "{\"id\": \"lease\", \"verdict\": \"allow\", \"mode\": "
	    "\"read-only\", \"match\": {\"kind\": [\"usb-storage\"]}, \"if\": "
	    "{\"and\": [{\"lease\": true}, {\"days\": [\"mon\", \"tue\", "
	    "\"wed\"]}, {\"time\": \"08:00-18:00\"}]}},"
	    "{\"id\": \"night\", \"verdict\": \"allow\", \"match\": "
	    "{\"kind\": [\"hid\"]}, \"if\": {\"or\": [{\"time\": "
	    "\"22:00-06:00\"}, {\"not\": {\"group\": \"eng\"}}]}}]");
	struct policy_context c = ctx_off;
	enum policy_verdict v;

	assert_string_equal(decide(p, &ctx_lan, "usb iface=08:06:50", &v),
	    "lan");
	assert_string_equal(decide(p, &c, "usb iface=08:06:50", &v), "default");
	c.lease = 1;
	assert_string_equal(decide(p, &c, "usb iface=08:06:50", &v), "lease");
	c.minute = 18 * 60; /* the window is half-open */
	assert_string_equal(decide(p, &c, "usb iface=08:06:50", &v), "default");
	c.minute = 600;
	c.weekday = 3;
	assert_string_equal(decide(p, &c, "usb iface=08:06:50", &v), "default");
	/* A window that wraps past midnight, and not/or. */
	c.minute = 23 * 60;
	assert_string_equal(decide(p, &c, "usb iface=03:01:01", &v), "night");
	c.minute = 5 * 60 + 59;
	assert_string_equal(decide(p, &c, "usb iface=03:01:01", &v), "night");
	c.minute = 6 * 60;
	assert_string_equal(decide(p, &c, "usb iface=03:01:01", &v), "default");
	c.group = "sales";
	assert_string_equal(decide(p, &c, "usb iface=03:01:01", &v), "night");
	c.group = NULL;
	assert_string_equal(decide(p, &c, "usb iface=03:01:01", &v), "night");
	policy_free(p);
}

static void
test_ids_serial_port_class(void **state)
{
	struct policy *p = tpol_rules(
	    "[{\"id\": \"one\", \"verdict\": \"allow\", \"match\": {\"id\": "
	    "[\"0781:5567\"], \"serial\": \"4C53*\"}},"
	    "{\"id\": \"vendor\", \"verdict\": \"allow\", \"mode\": "
	    "\"read-only\", \"match\": {\"id\": [\"1111:*\", \"*:beef\"]}},"
	    "{\"id\": \"port\", \"verdict\": \"allow\", \"match\": {\"port\": "
	    "\"3-1.*\", \"bus\": [\"usb\"]}},"
	    "{\"id\": \"gpu\", \"verdict\": \"allow\", \"match\": {\"bus\": "
	    "[\"pci\"], \"class\": \"03:*:*\", \"pci-address\": "
	    "\"0000:00:0?.0\"}}]");
	enum policy_verdict v;

	assert_string_equal(decide(p, &ctx_lan,
				"usb id=0781:5567 serial=4C5300 iface=08:06:50",
				&v),
	    "one");
	assert_string_equal(decide(p, &ctx_lan,
				"usb id=0781:5567 serial=XX iface=08:06:50",
				&v),
	    "default");
	assert_string_equal(decide(p, &ctx_lan, "usb id=1111:0042", &v),
	    "vendor");
	assert_string_equal(decide(p, &ctx_lan, "usb id=2222:beef", &v),
	    "vendor");
	assert_string_equal(decide(p, &ctx_lan, "usb id=2222:bee0", &v),
	    "default");
	assert_string_equal(decide(p, &ctx_lan, "usb port=3-1.4", &v), "port");
	assert_string_equal(decide(p, &ctx_lan, "usb port=3-2", &v), "default");
	assert_string_equal(decide(p, &ctx_lan,
				"pci class=03:00:00 address=0000:00:02.0", &v),
	    "gpu");
	assert_string_equal(decide(p, &ctx_lan,
				"pci class=03:00:00 address=0000:00:12.0", &v),
	    "default");
	assert_string_equal(decide(p, &ctx_lan,
				"pci class=02:00:00 address=0000:00:02.0", &v),
	    "default");
	policy_free(p);
}

static void
test_interface_ops(void **state)
{
	struct policy *p = tpol_rules(
	    "[{\"id\": \"all\", \"verdict\": \"allow\", \"match\": "
	    "{\"interface\": {\"op\": \"all-of\", \"set\": [\"03:*:*\", "
	    "\"0b:*:*\"]}}},"
	    "{\"id\": \"eq\", \"verdict\": \"allow\", \"match\": "
	    "{\"interface\": {\"op\": \"equals\", \"set\": [\"02:*:*\", "
	    "\"0a:*:*\"]}}},"
	    "{\"id\": \"none\", \"verdict\": \"allow\", \"match\": {\"kind\": "
	    "[\"audio\"], \"interface\": {\"op\": \"none-of\", \"set\": "
	    "[\"01:02:*\"]}}},"
	    "{\"id\": \"any\", \"verdict\": \"deny\", \"match\": "
	    "{\"interface\": {\"op\": \"any-of\", \"set\": [\"ff:*:*\"]}}}]");
	enum policy_verdict v;

	assert_string_equal(decide(p, &ctx_lan,
				"usb iface=03:01:01 iface=0b:00:00", &v),
	    "all");
	assert_int_equal(v, POLICY_ALLOW_RW);
	assert_string_equal(decide(p, &ctx_lan, "usb iface=03:01:01", &v),
	    "default");
	assert_string_equal(decide(p, &ctx_lan,
				"usb iface=02:06:00 iface=0a:00:00", &v),
	    "eq");
	assert_string_equal(decide(p, &ctx_lan,
				"usb iface=02:06:00 iface=0a:00:00 "
				"iface=0a:00:01",
				&v),
	    "eq");
	assert_string_equal(decide(p, &ctx_lan,
				"usb iface=02:06:00 iface=0a:00:00 "
				"iface=03:00:00",
				&v),
	    "default");
	assert_string_equal(decide(p, &ctx_lan, "usb iface=01:01:00", &v),
	    "none");
	assert_string_equal(decide(p, &ctx_lan,
				"usb iface=01:01:00 iface=01:02:00", &v),
	    "default");
	assert_string_equal(decide(p, &ctx_lan, "usb iface=ff:00:00", &v),
	    "any");
	policy_free(p);
}

static void
test_composite_denied_if_any_interface_denied(void **state)
{
	struct policy *p = tpol_rules(
	    "[{\"id\": \"kbd\", \"verdict\": \"allow\", \"match\": {\"kind\": "
	    "[\"hid\"]}},"
	    "{\"id\": \"sto\", \"verdict\": \"allow\", \"mode\": "
	    "\"read-only\", \"match\": {\"kind\": [\"usb-storage\"]}, \"if\": "
	    "{\"location\": \"on-lan\"}},"
	    "{\"id\": \"cam\", \"verdict\": \"allow\", \"target\": \"none\", "
	    "\"match\": {\"kind\": [\"video\"]}}]");
	struct device d =
	    tpol_dev("usb id=1234:0001 iface=03:01:01 iface=08:06:50");
	struct policy_decision out;

	/* On the LAN both interfaces are allowed: the stricter verdict. */
	assert_int_equal(policy_decide(p, &ctx_lan, &d, &out), 0);
	assert_int_equal(out.verdict, POLICY_ALLOW_RO);
	assert_string_equal(out.rule->id, "sto");
	assert_int_equal(out.unit, 1);
	/* Off the LAN the storage interface is denied by the default. */
	assert_int_equal(policy_decide(p, &ctx_off, &d, &out), 0);
	assert_int_equal(out.verdict, POLICY_DENY);
	assert_null(out.rule);
	assert_int_equal(out.unit, 1);
	/* Target none from any interface wins. */
	d = tpol_dev("usb iface=03:01:01 iface=0e:01:00");
	assert_int_equal(policy_decide(p, &ctx_lan, &d, &out), 0);
	assert_int_equal(out.verdict, POLICY_ALLOW_RW);
	assert_int_equal(out.target, POLICY_TARGET_NONE);
	policy_free(p);
}

static void
test_composite_allowed_by_device_rule(void **state)
{
	struct policy *p =
	    tpol_rules("[{\"id\": \"yubikey\", \"verdict\": \"allow\", "
		       "\"match\": {\"id\": [\"1050:0407\"]}}]");
	enum policy_verdict v;

	assert_string_equal(decide(p, &ctx_off,
				"usb id=1050:0407 iface=03:01:01 "
				"iface=0b:00:00",
				&v),
	    "yubikey");
	assert_int_equal(v, POLICY_ALLOW_RW);
	policy_free(p);
}

static void
test_compile_rejects(void **state)
{
	static const struct {
		const char *doc, *msg;
	} cases[] = {
		{ "[]", "a policy must be a JSON object" },
		{ "{\"format\": \"x\", \"version\": 1, \"rules\": []}",
		    "format: expected \"kura-policy/1\"" },
		{ "{\"format\": \"kura-policy/1\", \"rules\": []}",
		    "version: expected an integer >= 0" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, "
		  "\"rules\": [], \"extra\": 1}",
		    "unknown key \"extra\" in the policy" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, \"rules\": "
		  "[{\"id\": \"a\", \"verdict\": \"maybe\"}]}",
		    "rules[0]: verdict/mode: expected" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, \"rules\": "
		  "[{\"id\": \"a\", \"verdict\": \"deny\", \"mode\": "
		  "\"burn\"}]}",
		    "rules[0]: a deny rule takes no mode or target" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, \"rules\": "
		  "[{\"id\": \"a\", \"verdict\": \"allow\", \"match\": "
		  "{\"kind\": [\"toaster\"]}}]}",
		    "rules[0]: match.kind[0]: unknown value" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, \"rules\": "
		  "[{\"id\": \"a\", \"verdict\": \"allow\", \"match\": "
		  "{\"id\": [\"12:34\"]}}]}",
		    "rules[0]: match.id[0]: expected" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, \"rules\": "
		  "[{\"id\": \"a\", \"verdict\": \"allow\", \"if\": "
		  "{\"time\": \"10:00-10:00\"}}]}",
		    "rules[0]: if: time: bad window" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, \"rules\": "
		  "[{\"id\": \"a\", \"verdict\": \"allow\", \"if\": "
		  "{\"and\": [{\"lease\": true}]}}]}",
		    "rules[0]: if: and/or: expected an array of two" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, \"rules\": "
		  "[{\"id\": \"a\", \"verdict\": \"deny\"}, {\"id\": \"a\", "
		  "\"verdict\": \"deny\"}]}",
		    "rules[1]: id \"a\" already used by rules[0]" },
		{ "{\"format\": \"kura-policy/1\", \"version\": 1, \"rules\": "
		  "[{\"id\": \"a\", \"verdict\": \"deny\", \"match\": "
		  "{\"colour\": \"red\"}}]}",
		    "rules[0]: unknown key \"colour\" in match" },
	};
	const char *msg;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg = tpol_reject(cases[i].doc);
		if (strstr(msg, cases[i].msg) == NULL)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, msg,
			    cases[i].msg);
	}
}

static void
test_explain(void **state)
{
	struct policy *p = tpol_rules(
	    "[{\"id\": \"a\", \"verdict\": \"allow\", \"match\": {\"kind\": "
	    "[\"hid\", \"hub\"]}},"
	    "{\"id\": \"b\", \"verdict\": \"allow\", \"match\": {\"id\": "
	    "[\"046d:*\"]}},"
	    "{\"id\": \"c\", \"verdict\": \"allow\", \"mode\": \"read-only\", "
	    "\"match\": {\"kind\": [\"usb-storage\"]}, \"if\": {\"and\": "
	    "[{\"location\": \"on-lan\"}, {\"not\": {\"lease\": true}}]}}]");
	struct device d = tpol_dev("usb id=0781:5567 iface=08:06:50");
	char buf[256];

	assert_string_equal(policy_explain_rule(&p->rules[0], &ctx_off, &d, -1,
				buf, sizeof(buf)),
	    "kind is usb-storage, rule wants hid hub");
	assert_string_equal(policy_explain_rule(&p->rules[1], &ctx_off, &d, -1,
				buf, sizeof(buf)),
	    "id 0781:5567 is not 046d:*");
	assert_string_equal(policy_explain_rule(&p->rules[2], &ctx_off, &d, -1,
				buf, sizeof(buf)),
	    "condition \"on-lan and not lease\" does not hold");
	assert_null(policy_explain_rule(&p->rules[2], &ctx_lan, &d, -1, buf,
	    sizeof(buf)));
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_match_and_default_deny),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_ids_serial_port_class),
		cmocka_unit_test(test_interface_ops),
		cmocka_unit_test(test_composite_denied_if_any_interface_denied),
		cmocka_unit_test(test_composite_allowed_by_device_rule),
		cmocka_unit_test(test_compile_rejects),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
