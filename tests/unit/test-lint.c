/* Unit tests for policy/lint.c: shadowed rules, conditions, modes. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "lint.h"
#include "policy-util.h"

/* The lint messages of a rules array, joined by "|". */
static const char *
lint_of(const char *rules)
{
	static char out[2048];
	struct policy *p = tpol_rules(rules);
	struct diags d;
	size_t i;

	diags_init(&d);
	lint_policy(p, &d);
	out[0] = '\0';
	for (i = 0; i < d.n; i++) {
		assert_int_equal(d.v[i].severity, DIAG_WARNING);
		strncat(out, i ? "|" : "", sizeof(out) - strlen(out) - 1);
		strncat(out, d.v[i].msg, sizeof(out) - strlen(out) - 1);
	}
	diags_free(&d);
	policy_free(p);
	return out;
}

static void
test_clean_policy(void **state)
{
	assert_string_equal(
	    lint_of("[{\"id\": \"in\", \"verdict\": \"allow\", \"match\": "
		    "{\"kind\": [\"hid\", \"hub\"]}},"
		    "{\"id\": \"sto\", \"verdict\": \"allow\", \"mode\": "
		    "\"read-only\", \"match\": {\"kind\": [\"usb-storage\"]}, "
		    "\"if\": {\"location\": \"on-lan\"}},"
		    "{\"id\": \"sto2\", \"verdict\": \"allow\", \"mode\": "
		    "\"read-only\", \"match\": {\"kind\": [\"usb-storage\"]}, "
		    "\"if\": {\"lease\": true}}]"),
	    "");
}

static void
test_catch_all_shadows_everything(void **state)
{
	assert_string_equal(lint_of("[{\"id\": \"all\", \"verdict\": \"deny\"},"
				    "{\"id\": \"in\", \"verdict\": \"allow\", "
				    "\"match\": "
				    "{\"kind\": [\"hid\"]}}]"),
	    "rule \"in\" can never decide: rule \"all\" (line 0) before it "
	    "matches every device it matches");
}

static void
test_shadow_needs_wider_matchers_and_weaker_condition(void **state)
{
	/* vendor wildcard covers the exact id; on-lan covers on-lan+lease */
	assert_non_null(strstr(
	    lint_of(
		"[{\"id\": \"v\", \"verdict\": \"allow\", \"match\": "
		"{\"id\": [\"0781:*\"]}, \"if\": {\"location\": "
		"\"on-lan\"}},"
		"{\"id\": \"x\", \"verdict\": \"deny\", \"match\": {\"id\": "
		"[\"0781:5567\"], \"serial\": \"A*\"}, \"if\": {\"and\": "
		"[{\"location\": \"on-lan\"}, {\"lease\": true}]}}]"),
	    "rule \"x\" can never decide: rule \"v\""));
	/* ... but not the other way round */
	assert_string_equal(
	    lint_of(
		"[{\"id\": \"x\", \"verdict\": \"deny\", \"match\": "
		"{\"id\": [\"0781:5567\"]}},"
		"{\"id\": \"v\", \"verdict\": \"allow\", \"match\": {\"id\": "
		"[\"0781:*\"]}}]"),
	    "");
	/* an earlier rule with a narrower condition does not shadow */
	assert_string_equal(
	    lint_of(
		"[{\"id\": \"a\", \"verdict\": \"allow\", \"match\": "
		"{\"kind\": [\"hid\"]}, \"if\": {\"time\": "
		"\"08:00-18:00\"}},"
		"{\"id\": \"b\", \"verdict\": \"deny\", \"match\": {\"kind\": "
		"[\"hid\"]}, \"if\": {\"time\": \"07:00-18:00\"}}]"),
	    "");
	/* a wider window does */
	assert_non_null(
	    strstr(lint_of(
		       "[{\"id\": \"a\", \"verdict\": \"allow\", \"match\": "
		       "{\"kind\": [\"hid\"]}, \"if\": {\"time\": "
		       "\"22:00-18:00\"}},"
		       "{\"id\": \"b\", \"verdict\": \"deny\", \"match\": "
		       "{\"kind\": "
		       "[\"hid\"]}, \"if\": {\"time\": \"08:00-09:00\"}}]"),
		"rule \"b\" can never decide"));
}

static void
test_conflicting_conditions(void **state)
{
	static const char *const conds[] = {
		"{\"and\": [{\"location\": \"on-lan\"}, {\"location\": "
		"\"off-lan\"}]}",
		"{\"and\": [{\"group\": \"a\"}, {\"group\": \"b\"}]}",
		"{\"and\": [{\"lease\": true}, {\"not\": {\"lease\": true}}]}",
		"{\"and\": [{\"time\": \"08:00-09:00\"}, {\"time\": "
		"\"10:00-11:00\"}]}",
		"{\"and\": [{\"days\": [\"mon\"]}, {\"days\": [\"tue\"]}]}",
	};
	char rules[512];
	size_t i;

	for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		snprintf(rules, sizeof(rules),
		    "[{\"id\": \"r\", \"verdict\": \"allow\", \"if\": %s}]",
		    conds[i]);
		assert_string_equal(lint_of(rules),
		    "rule \"r\" can never decide: its condition never holds "
		    "(conflicting conditions)");
	}
}

static void
test_modes(void **state)
{
	assert_string_equal(
	    lint_of("[{\"id\": \"k\", \"verdict\": \"allow\", \"mode\": "
		    "\"read-only\", \"match\": {\"kind\": [\"hid\"]}}]"),
	    "rule \"k\": read-only only applies to usb-storage and optical "
	    "devices");
	assert_string_equal(
	    lint_of("[{\"id\": \"b\", \"verdict\": \"allow\", \"mode\": "
		    "\"burn\", \"match\": {\"kind\": [\"usb-storage\"]}}]"),
	    "rule \"b\": burn only applies to optical drives");
	assert_string_equal(lint_of("[]"),
	    "the policy has no rules: every device is denied");
}

static void
test_covers_patterns(void **state)
{
	struct policy *p = tpol_rules(
	    "[{\"id\": \"a\", \"verdict\": \"deny\", \"match\": {\"class\": "
	    "\"03:*:*\", \"bus\": [\"usb\", \"pci\"]}},"
	    "{\"id\": \"b\", \"verdict\": \"deny\", \"match\": {\"class\": "
	    "\"03:01:*\", \"bus\": [\"usb\"]}},"
	    "{\"id\": \"c\", \"verdict\": \"deny\", \"match\": {\"class\": "
	    "\"03:01:*\"}}]");

	assert_true(lint_covers(&p->rules[0], &p->rules[1]));
	assert_false(lint_covers(&p->rules[1], &p->rules[0]));
	assert_false(lint_covers(&p->rules[0], &p->rules[2])); /* any bus */
	assert_true(lint_covers(&p->rules[2], &p->rules[1]));
	assert_true(lint_implies(p->rules[0].cond, NULL));
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_policy),
		cmocka_unit_test(test_catch_all_shadows_everything),
		cmocka_unit_test(
		    test_shadow_needs_wider_matchers_and_weaker_condition),
		cmocka_unit_test(test_conflicting_conditions),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_covers_patterns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
