/* Unit tests for policy/parse.c: the policy language -> canonical JSON. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"
#include "xalloc.h"

#define V "version 1\n"

struct want_diag {
	int line, col;
	const char *msg;
};

static json_t *
load(const char *want)
{
	json_error_t e;
	json_t *w = json_loads(want, 0, &e);

	if (w == NULL)
		fail_msg("bad expected JSON '%s': %s", want, e.text);
	return w;
}

static void
print_diags(const char *text, struct diags *d)
{
	print_error("policy:\n%s\n", text);
	diags_print(d, stderr);
}

/* Parses text, which must be valid; returns the canonical JSON. */
static json_t *
parse_ok(const char *text)
{
	struct diags d;
	json_t *j;

	diags_init(&d);
	j = policy_parse(text, strlen(text), "t.policy", &d);
	if (j == NULL || d.n != 0) {
		print_diags(text, &d);
		fail_msg("policy expected to be valid");
	}
	diags_free(&d);
	return j;
}

static void
assert_json(const char *text, json_t *got, const char *want)
{
	json_t *w = load(want);
	char *s;

	if (!json_equal(got, w)) {
		s = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
		print_error("policy:\n%s\ngot:  %s\nwant: %s\n", text,
		    s ? s : "NULL", want);
		free(s);
		fail();
	}
	json_decref(w);
}

static void
policy_is(const char *text, const char *want)
{
	json_t *j = parse_ok(text);

	assert_json(text, j, want);
	json_decref(j);
}

/* The first rule of V + rule, without its "line" (tested on its own). */
static void
rule_is(const char *rule, const char *want)
{
	char *text;
	json_t *j, *r;

	xasprintf(&text, V "%s\n", rule);
	j = parse_ok(text);
	r = json_array_get(json_object_get(j, "rules"), 0);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "line")), 2);
	json_object_del(r, "line");
	assert_json(text, r, want);
	json_decref(j);
	free(text);
}

/* The "match" of "allow MATCHERS". */
static void
match_is(const char *matchers, const char *want)
{
	char *text;
	json_t *j, *r;

	xasprintf(&text, V "allow %s\n", matchers);
	j = parse_ok(text);
	r = json_array_get(json_object_get(j, "rules"), 0);
	assert_json(text, json_object_get(r, "match"), want);
	json_decref(j);
	free(text);
}

/* The "if" of "allow if COND". */
static void
cond_is(const char *cond, const char *want)
{
	char *text;
	json_t *j, *r;

	xasprintf(&text, V "allow if %s", cond);
	j = parse_ok(text);
	r = json_array_get(json_object_get(j, "rules"), 0);
	assert_json(text, json_object_get(r, "if"), want);
	json_decref(j);
	free(text);
}

static void
errs_are_n(const char *text, size_t len, const struct want_diag *w, size_t n)
{
	struct diags d;
	json_t *j;
	size_t i;

	diags_init(&d);
	j = policy_parse(text, len, "t.policy", &d);
	if (j != NULL || d.n != n || d.nerrors != n) {
		print_diags(text, &d);
		fail_msg("expected %zu errors, got %zu", n, d.n);
	}
	for (i = 0; i < n; i++) {
		if (d.v[i].line != w[i].line || d.v[i].col != w[i].col ||
		    strcmp(d.v[i].msg, w[i].msg) != 0) {
			print_diags(text, &d);
			fail_msg("error %zu: want %d:%d: %s", i, w[i].line,
			    w[i].col, w[i].msg);
		}
		assert_string_equal(d.v[i].file, "t.policy");
		assert_int_equal(d.v[i].severity, DIAG_ERROR);
	}
	diags_free(&d);
}

#define errs_are(text, ...)                                                    \
	do {                                                                   \
		static const struct want_diag w_[] = { __VA_ARGS__ };          \
		errs_are_n(text, strlen(text), w_,                             \
		    sizeof(w_) / sizeof(w_[0]));                               \
	} while (0)

static void
err_is(const char *text, int line, int col, const char *msg)
{
	const struct want_diag w = { line, col, msg };

	errs_are_n(text, strlen(text), &w, 1);
}

#define MATCHERS                                                               \
	"a matcher (bus, kind, id, serial, name, port, pci-address, "          \
	"interface, class), \"if\" or end of line"

/* --- valid policies --- */

static void
test_example(void **state)
{
	policy_is("# kura laptop policy\n"
		  "version 3\n"
		  "default deny\n"
		  "\n"
		  "input: allow kind { hid hub }      # keyboards, mice, hubs\n"
		  "card: allow kind smartcard id 076b:*\n"
		  "storage-lan: allow read-only kind usb-storage if on-lan\n"
		  "storage-lease: allow read-only kind usb-storage if off-lan "
		  "and lease \\\n"
		  "        and days mon-fri and time 07:00-19:00\n"
		  "burner: allow burn kind optical if on-lan and group "
		  "\"media\"\n"
		  "optical-lan: allow read-only kind optical if on-lan\n"
		  "webcam: deny kind video if not on-lan\n"
		  "gpu: allow bus pci class 03:*:*\n",
	    "{\"format\": \"kura-policy/1\", \"version\": 3,"
	    " \"source\": \"t.policy\", \"rules\": ["
	    "{\"id\": \"input\", \"line\": 5, \"verdict\": \"allow\","
	    " \"mode\": \"read-write\", \"target\": \"client\","
	    " \"match\": {\"kind\": [\"hid\", \"hub\"]}},"
	    "{\"id\": \"card\", \"line\": 6, \"verdict\": \"allow\","
	    " \"mode\": \"read-write\", \"target\": \"client\","
	    " \"match\": {\"kind\": [\"smartcard\"], \"id\": [\"076b:*\"]}},"
	    "{\"id\": \"storage-lan\", \"line\": 7, \"verdict\": \"allow\","
	    " \"mode\": \"read-only\", \"target\": \"client\","
	    " \"match\": {\"kind\": [\"usb-storage\"]},"
	    " \"if\": {\"location\": \"on-lan\"}},"
	    "{\"id\": \"storage-lease\", \"line\": 8, \"verdict\": \"allow\","
	    " \"mode\": \"read-only\", \"target\": \"client\","
	    " \"match\": {\"kind\": [\"usb-storage\"]},"
	    " \"if\": {\"and\": [{\"location\": \"off-lan\"}, {\"lease\": "
	    "true},"
	    " {\"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]},"
	    " {\"time\": \"07:00-19:00\"}]}},"
	    "{\"id\": \"burner\", \"line\": 10, \"verdict\": \"allow\","
	    " \"mode\": \"burn\", \"target\": \"client\","
	    " \"match\": {\"kind\": [\"optical\"]},"
	    " \"if\": {\"and\": [{\"location\": \"on-lan\"},"
	    " {\"group\": \"media\"}]}},"
	    "{\"id\": \"optical-lan\", \"line\": 11, \"verdict\": \"allow\","
	    " \"mode\": \"read-only\", \"target\": \"client\","
	    " \"match\": {\"kind\": [\"optical\"]},"
	    " \"if\": {\"location\": \"on-lan\"}},"
	    "{\"id\": \"webcam\", \"line\": 12, \"verdict\": \"deny\","
	    " \"match\": {\"kind\": [\"video\"]},"
	    " \"if\": {\"not\": {\"location\": \"on-lan\"}}},"
	    "{\"id\": \"gpu\", \"line\": 13, \"verdict\": \"allow\","
	    " \"mode\": \"read-write\", \"target\": \"client\","
	    " \"match\": {\"bus\": [\"pci\"], \"class\": \"03:*:*\"}}]}");
}

static void
test_version_only(void **state)
{
	policy_is("version 0\n",
	    "{\"format\": \"kura-policy/1\", \"version\":"
	    " 0, \"source\": \"t.policy\", \"rules\": []}");
	policy_is("# comment\n\n  version   007  # seven\ndefault deny",
	    "{\"format\": \"kura-policy/1\", \"version\": 7, \"source\":"
	    " \"t.policy\", \"rules\": []}");
	policy_is("version 9007199254740992",
	    "{\"format\": \"kura-policy/1\", \"version\": 9007199254740992,"
	    " \"source\": \"t.policy\", \"rules\": []}");
}

static void
test_source(void **state)
{
	struct diags d;
	json_t *j;

	diags_init(&d);
	j = policy_parse("version 1", 9, NULL, &d);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "source")),
	    "-");
	json_decref(j);
	j = policy_parse("version 1", 9, "dir/a b.policy", &d);
	assert_string_equal(json_string_value(json_object_get(j, "source")),
	    "dir/a b.policy");
	json_decref(j);
	assert_int_equal(d.n, 0);
	diags_free(&d);
}

static void
test_actions(void **state)
{
	rule_is("allow",
	    "{\"id\": \"rule-1\", \"verdict\": \"allow\","
	    " \"mode\": \"read-write\", \"target\": \"client\","
	    " \"match\": {}}");
	rule_is("allow read-only",
	    "{\"id\": \"rule-1\", \"verdict\":"
	    " \"allow\", \"mode\": \"read-only\","
	    " \"target\": \"client\", \"match\": {}}");
	rule_is("allow burn to client",
	    "{\"id\": \"rule-1\", \"verdict\": \"allow\", \"mode\": \"burn\","
	    " \"target\": \"client\", \"match\": {}}");
	rule_is("x: allow read-write to none kind hid",
	    "{\"id\": \"x\", \"verdict\": \"allow\", \"mode\": \"read-write\","
	    " \"target\": \"none\", \"match\": {\"kind\": [\"hid\"]}}");
	rule_is("allow to none",
	    "{\"id\": \"rule-1\", \"verdict\": \"allow\","
	    " \"mode\": \"read-write\", \"target\":"
	    " \"none\", \"match\": {}}");
	rule_is("deny",
	    "{\"id\": \"rule-1\", \"verdict\": \"deny\","
	    " \"match\": {}}");
	rule_is("d : deny if lease",
	    "{\"id\": \"d\", \"verdict\": \"deny\", \"match\": {},"
	    " \"if\": {\"lease\": true}}");
}

static void
test_ids(void **state)
{
	const char *ids[] = { "a", "rule-2", "b.c_D-9", "rule-4", "deny",
		"version" };
	json_t *j = parse_ok(V "a: deny\ndeny\nb.c_D-9: deny\nallow\n"
			       "deny: deny\nversion: allow\n");
	json_t *rules = json_object_get(j, "rules");
	size_t i;

	assert_int_equal(json_array_size(rules), 6);
	for (i = 0; i < 6; i++) {
		assert_string_equal(json_string_value(
					json_object_get(json_array_get(rules,
							    i),
					    "id")),
		    ids[i]);
		assert_int_equal(json_integer_value(
				     json_object_get(json_array_get(rules, i),
					 "line")),
		    i + 2);
	}
	json_decref(j);
	/* 63 bytes is the longest id. */
	rule_is("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"
		"k:"
		" deny",
	    "{\"id\": \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijk\", \"verdict\": \"deny\", \"match\": {}}");
}

static void
test_bus_kind(void **state)
{
	match_is("bus usb", "{\"bus\": [\"usb\"]}");
	match_is("bus { block pci usb pci }",
	    "{\"bus\": [\"block\", \"pci\", \"usb\"]}");
	match_is("kind {usb-storage,optical, hid audio video smartcard printer "
		 "network wireless hub other,}",
	    "{\"kind\": [\"usb-storage\", \"optical\", \"hid\", \"audio\","
	    " \"video\", \"smartcard\", \"printer\", \"network\","
	    " \"wireless\", \"hub\", \"other\"]}");
	match_is("kind{hid}bus{usb}",
	    "{\"kind\": [\"hid\"], \"bus\": [\"usb\"]}");
}

static void
test_ids_matcher(void **state)
{
	match_is("id 0781:5567", "{\"id\": [\"0781:5567\"]}");
	match_is("id { 0781:5567 1050:* *:ABCD 0781:5567 abCD:eF01 ABCD:EF01 }",
	    "{\"id\": [\"0781:5567\", \"1050:*\", \"*:abcd\", \"abcd:ef01\"]}");
	match_is("id *:*", "{\"id\": [\"*:*\"]}");
	match_is("id { 1234:5678, 1234:5679 }",
	    "{\"id\": [\"1234:5678\", \"1234:5679\"]}");
}

static void
test_strings(void **state)
{
	match_is("serial \"AB*\" name \"SanDisk \\\"Cruzer\\\" \\\\ 1\""
		 " port \"1-2*\" pci-address \"0000:00:1f.*\"",
	    "{\"serial\": \"AB*\", \"name\": \"SanDisk \\\"Cruzer\\\" \\\\ 1\","
	    " \"port\": \"1-2*\", \"pci-address\": \"0000:00:1f.*\"}");
	match_is("serial \"[!a-z]*\" name \"# not a comment\"",
	    "{\"serial\": \"[!a-z]*\", \"name\": \"# not a comment\"}");
	match_is("name \"Caf\xc3\xa9\"", "{\"name\": \"Caf\\u00e9\"}");
}

static void
test_interface_class(void **state)
{
	match_is("interface { 08:06:50 03:*:* }",
	    "{\"interface\": {\"op\": \"any-of\","
	    " \"set\": [\"08:06:50\", \"03:*:*\"]}}");
	match_is("interface any-of {0B:00:00}",
	    "{\"interface\": {\"op\": \"any-of\", \"set\": [\"0b:00:00\"]}}");
	match_is("interface all-of { 03:01:01, 0b:*:*, 03:01:01 }",
	    "{\"interface\": {\"op\": \"all-of\","
	    " \"set\": [\"03:01:01\", \"0b:*:*\"]}}");
	match_is("interface none-of { e0:*:* }",
	    "{\"interface\": {\"op\": \"none-of\", \"set\": [\"e0:*:*\"]}}");
	match_is("interface equals { 03:01:01 03:01:02 }",
	    "{\"interface\": {\"op\": \"equals\","
	    " \"set\": [\"03:01:01\", \"03:01:02\"]}}");
	match_is("class 09:00:*", "{\"class\": \"09:00:*\"}");
	match_is("class FF:*:AB", "{\"class\": \"ff:*:ab\"}");
}

static void
test_all_matchers(void **state)
{
	match_is("bus usb kind usb-storage id { 0781:5567 1050:* } serial "
		 "\"AB*\" name \"n\" port \"1-2*\" pci-address \"0000:*\" "
		 "interface { 08:06:50 } class 00:00:00",
	    "{\"bus\": [\"usb\"], \"kind\": [\"usb-storage\"],"
	    " \"id\": [\"0781:5567\", \"1050:*\"], \"serial\": \"AB*\","
	    " \"name\": \"n\", \"port\": \"1-2*\", \"pci-address\": \"0000:*\","
	    " \"interface\": {\"op\": \"any-of\", \"set\": [\"08:06:50\"]},"
	    " \"class\": \"00:00:00\"}");
}

static void
test_atoms(void **state)
{
	cond_is("on-lan", "{\"location\": \"on-lan\"}");
	cond_is("off-lan", "{\"location\": \"off-lan\"}");
	cond_is("lease", "{\"lease\": true}");
	cond_is("time 08:00-18:00", "{\"time\": \"08:00-18:00\"}");
	cond_is("time 7:05-9:30", "{\"time\": \"07:05-09:30\"}");
	cond_is("time 22:00-06:00", "{\"time\": \"22:00-06:00\"}");
	cond_is("time 00:00-23:59", "{\"time\": \"00:00-23:59\"}");
	cond_is("group \"eng\"", "{\"group\": \"eng\"}");
	cond_is("group \"a \\\"b\\\"\"", "{\"group\": \"a \\\"b\\\"\"}");
}

static void
test_days(void **state)
{
	cond_is("days mon", "{\"days\": [\"mon\"]}");
	cond_is("days mon-fri,sun",
	    "{\"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", "
	    "\"sun\"]}");
	cond_is("days fri-mon",
	    "{\"days\": [\"mon\", \"fri\", \"sat\", \"sun\"]}");
	cond_is("days sun, sat , tue-wed,mon-tue,sun",
	    "{\"days\": [\"mon\", \"tue\", \"wed\", \"sat\", \"sun\"]}");
	cond_is("days wed-wed", "{\"days\": [\"wed\"]}");
	cond_is("days mon-sun",
	    "{\"days\": [\"mon\", \"tue\", \"wed\", \"thu\","
	    " \"fri\", \"sat\", \"sun\"]}");
	cond_is("days sun-sat",
	    "{\"days\": [\"mon\", \"tue\", \"wed\", \"thu\","
	    " \"fri\", \"sat\", \"sun\"]}");
}

static void
test_precedence(void **state)
{
	cond_is("on-lan or lease and off-lan",
	    "{\"or\": [{\"location\": \"on-lan\"}, {\"and\": [{\"lease\": "
	    "true},"
	    " {\"location\": \"off-lan\"}]}]}");
	cond_is("on-lan and lease or off-lan",
	    "{\"or\": [{\"and\": [{\"location\": \"on-lan\"}, {\"lease\": "
	    "true}]},"
	    " {\"location\": \"off-lan\"}]}");
	cond_is("not on-lan and lease",
	    "{\"and\": [{\"not\": {\"location\": \"on-lan\"}}, {\"lease\": "
	    "true}]}");
	cond_is("not (on-lan and lease)",
	    "{\"not\": {\"and\": [{\"location\": \"on-lan\"}, {\"lease\": "
	    "true}]}}");
	cond_is("not not lease", "{\"not\": {\"not\": {\"lease\": true}}}");
	cond_is("(on-lan or lease) and off-lan",
	    "{\"and\": [{\"or\": [{\"location\": \"on-lan\"}, {\"lease\": "
	    "true}]},"
	    " {\"location\": \"off-lan\"}]}");
	cond_is("((lease))", "{\"lease\": true}");
}

static void
test_flatten(void **state)
{
	cond_is("lease and on-lan and off-lan and days sat",
	    "{\"and\": [{\"lease\": true}, {\"location\": \"on-lan\"},"
	    " {\"location\": \"off-lan\"}, {\"days\": [\"sat\"]}]}");
	cond_is("lease or on-lan or off-lan",
	    "{\"or\": [{\"lease\": true}, {\"location\": \"on-lan\"},"
	    " {\"location\": \"off-lan\"}]}");
	cond_is("(lease and on-lan) and (off-lan and (group \"g\"))",
	    "{\"and\": [{\"lease\": true}, {\"location\": \"on-lan\"},"
	    " {\"location\": \"off-lan\"}, {\"group\": \"g\"}]}");
	cond_is("lease or (on-lan or off-lan) and lease",
	    "{\"or\": [{\"lease\": true}, {\"and\": [{\"or\": [{\"location\":"
	    " \"on-lan\"}, {\"location\": \"off-lan\"}]}, {\"lease\": "
	    "true}]}]}");
	cond_is("not (lease and on-lan) and off-lan",
	    "{\"and\": [{\"not\": {\"and\": [{\"lease\": true}, {\"location\":"
	    " \"on-lan\"}]}}, {\"location\": \"off-lan\"}]}");
}

static void
test_lexing(void **state)
{
	/* Continuations (also with CRLF), comments, tabs, blank lines. */
	json_t *j = parse_ok("\r\n\t# c\nversion 2\r\n\n"
			     "a: allow \\\n  kind \\\r\n hid\t# c \\\n"
			     "b: deny kind hub\\\n"
			     "\\\n"
			     " if lease # trailing\n"
			     "\n"
			     "c:allow id{0781:5567}if(lease)\n"
			     "d: deny \\");
	json_t *rules = json_object_get(j, "rules");

	assert_int_equal(json_array_size(rules), 4);
	assert_json("lexing", json_array_get(rules, 0),
	    "{\"id\": \"a\", \"line\": 5, \"verdict\": \"allow\", \"mode\":"
	    " \"read-write\", \"target\": \"client\","
	    " \"match\": {\"kind\": [\"hid\"]}}");
	assert_json("lexing", json_array_get(rules, 1),
	    "{\"id\": \"b\", \"line\": 8, \"verdict\": \"deny\","
	    " \"match\": {\"kind\": [\"hub\"]}, \"if\": {\"lease\": true}}");
	assert_json("lexing", json_array_get(rules, 2),
	    "{\"id\": \"c\", \"line\": 12, \"verdict\": \"allow\", \"mode\":"
	    " \"read-write\", \"target\": \"client\","
	    " \"match\": {\"id\": [\"0781:5567\"]}, \"if\": {\"lease\": "
	    "true}}");
	assert_json("lexing", json_array_get(rules, 3),
	    "{\"id\": \"d\", \"line\": 13, \"verdict\": \"deny\","
	    " \"match\": {}}");
	json_decref(j);
}

static void
test_length_respected(void **state)
{
	/* No NUL terminator: the parser must stop at len. */
	static const char buf[] = { 'v', 'e', 'r', 's', 'i', 'o', 'n', ' ', '1',
		'\n', 'a', 'l', 'l', 'o', 'w', ' ', 'k', 'i', 'n', 'd', ' ',
		'h', 'i', 'd', 'x', 'x', 'x' };
	struct diags d;
	json_t *j, *r;

	diags_init(&d);
	j = policy_parse(buf, sizeof(buf) - 3, "t.policy", &d);
	assert_non_null(j);
	r = json_array_get(json_object_get(j, "rules"), 0);
	assert_json("len", json_object_get(r, "match"),
	    "{\"kind\": [\"hid\"]}");
	json_decref(j);
	/* Cut inside a string: unterminated at the end of the input. */
	j = policy_parse(V "allow name \"abc\"", 24, "t.policy", &d);
	assert_null(j);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].col, 12);
	diags_free(&d);
	/* Nothing at all. */
	errs_are_n(NULL, 0, &(struct want_diag){ 1, 1, "no version statement" },
	    1);
}

static void
test_earlier_diags(void **state)
{
	/* NULL only if *this* parse added an error. */
	struct diags d;
	json_t *j;

	diags_init(&d);
	diags_add(&d, DIAG_ERROR, "other", 1, 1, "earlier");
	j = policy_parse(V, strlen(V), "t.policy", &d);
	assert_non_null(j);
	assert_int_equal(d.n, 1);
	json_decref(j);
	diags_free(&d);
}

/* --- errors --- */

static void
test_err_version(void **state)
{
	err_is("", 1, 1, "no version statement");
	err_is("# nothing\ndefault deny\nallow kind hid\n", 1, 1,
	    "no version statement");
	err_is(V "version 2\n", 2, 1, "version given twice (first on line 1)");
	err_is("\nallow\nversion 2\n", 3, 1,
	    "the version must come before the first rule (line 2)");
	err_is("version\n", 1, 8,
	    "expected a version number after \"version\", got end of line");
	err_is("version -1\n", 1, 9,
	    "expected a version number after \"version\", got \"-1\"");
	err_is("version 1.5\n", 1, 9,
	    "expected a version number after \"version\", got \"1.5\"");
	err_is("version \"1\"\n", 1, 9,
	    "expected a version number after \"version\", got string \"1\"");
	err_is("version 9007199254740993\n", 1, 9,
	    "the version must be at most 9007199254740992 (2^53), got "
	    "\"9007199254740993\"");
	err_is("version 123456789012345678901234567890\n", 1, 9,
	    "the version must be at most 9007199254740992 (2^53), got "
	    "\"123456789012345678901234567890\"");
	err_is("version 1 2\n", 1, 11,
	    "expected end of line after the version, got \"2\"");
}

static void
test_err_default(void **state)
{
	err_is(V "default allow\n", 2, 9,
	    "the default must be deny, got \"allow\"");
	err_is(V "default\n", 2, 8,
	    "expected \"deny\" after \"default\", got end of line");
	err_is(V "default deny deny\n", 2, 14,
	    "expected end of line after \"default deny\", got \"deny\"");
}

static void
test_err_statement(void **state)
{
	err_is(V "permit kind hid\n", 2, 1,
	    "expected a statement (version, default, allow, deny or a rule id"
	    " and \":\"), got \"permit\"");
	err_is(V "  { allow }\n", 2, 3,
	    "expected a statement (version, default, allow, deny or a rule id"
	    " and \":\"), got \"{\"");
	err_is(V "a: permit\n", 2, 4,
	    "expected an action (allow, deny) after the rule id, got "
	    "\"permit\"");
	err_is(V "a:\n", 2, 3,
	    "expected an action (allow, deny) after the rule id, got end of "
	    "line");
}

static void
test_err_ids(void **state)
{
	err_is(V "a: deny\nb: deny\na: allow\n", 4, 1,
	    "duplicate rule id \"a\" (first used on line 2)");
	/* A given id against a made-up one, both ways round. */
	err_is(V "allow\nrule-1: deny\n", 3, 1,
	    "duplicate rule id \"rule-1\" (first used on line 2)");
	err_is(V "rule-2: deny\n\nallow kind hid\n", 4, 1,
	    "duplicate rule id \"rule-2\", the id of this rule without one "
	    "(first used on line 2)");
	err_is(V
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl:"
	    " deny\n",
	    2, 1,
	    "rule id \"abcdefghijklmnopqrst...\" is longer than 63 bytes");
}

static void
test_err_deny(void **state)
{
	err_is(V "deny read-only kind usb-storage\n", 2, 6,
	    "a deny rule takes neither a mode nor \"to\", got \"read-only\"");
	err_is(V "x: deny burn\n", 2, 9,
	    "a deny rule takes neither a mode nor \"to\", got \"burn\"");
	err_is(V "deny read-write\n", 2, 6,
	    "a deny rule takes neither a mode nor \"to\", got \"read-write\"");
	err_is(V "deny to none\n", 2, 6,
	    "a deny rule takes neither a mode nor \"to\", got \"to\"");
}

static void
test_err_unknown(void **state)
{
	err_is(V "allow kind hid colour red\n", 2, 16,
	    "expected " MATCHERS ", got \"colour\"");
	err_is(V "deny colour red\n", 2, 6,
	    "expected " MATCHERS ", got \"colour\"");
	err_is(V "allow to none colour\n", 2, 15,
	    "expected " MATCHERS ", got \"colour\"");
	err_is(V "allow read-onyl\n", 2, 7,
	    "expected a mode (read-write, read-only, burn), \"to\", " MATCHERS
	    ", got \"read-onyl\"");
	err_is(V "allow read-only colour\n", 2, 17,
	    "expected \"to\", " MATCHERS ", got \"colour\"");
	err_is(V "allow burn to me\n", 2, 15,
	    "expected \"client\" or \"none\" after \"to\", got \"me\"");
	err_is(V "allow read-only read-only\n", 2, 17,
	    "expected \"to\", " MATCHERS ", got \"read-only\"");
	err_is(V "allow kind hid\x01\n", 2, 15,
	    "expected " MATCHERS ", got byte 0x01");
	err_is(V "allow kind hid @\n", 2, 16,
	    "expected " MATCHERS ", got \"@\"");
	err_is(V "allow kind hid \xff\n", 2, 16,
	    "expected " MATCHERS ", got byte 0xff");
	err_is(V "allow kind hid if lease \"x\"\n", 2, 25,
	    "expected \"and\", \"or\" or end of line, got string \"x\"");
}

static void
test_err_twice(void **state)
{
	err_is(V "allow kind hid bus usb kind hub\n", 2, 24,
	    "matcher \"kind\" given twice in one rule");
	err_is(V "allow serial \"a\" serial \"b\"\n", 2, 18,
	    "matcher \"serial\" given twice in one rule");
	err_is(V "allow class 03:*:* class 03:*:*\n", 2, 20,
	    "matcher \"class\" given twice in one rule");
	err_is(V "allow interface {03:*:*} interface {08:*:*}\n", 2, 26,
	    "matcher \"interface\" given twice in one rule");
}

static void
test_err_values(void **state)
{
	err_is(V "allow bus scsi\n", 2, 11,
	    "expected a bus (usb, pci, block) or \"{\", got \"scsi\"");
	err_is(V "allow kind storage\n", 2, 12,
	    "expected a device kind (usb-storage, optical, hid, audio, video, "
	    "smartcard, printer, network, wireless, hub, other) or \"{\", got "
	    "\"storage\"");
	err_is(V "allow kind\n", 2, 11,
	    "expected a device kind (usb-storage, optical, hid, audio, video, "
	    "smartcard, printer, network, wireless, hub, other) or \"{\", got "
	    "end of line");
	err_is(V "allow serial AB*\n", 2, 14,
	    "expected a quoted pattern after \"serial\", got \"AB*\"");
	err_is(V "allow port \"\"\n", 2, 12,
	    "expected a non-empty pattern after \"port\", got string \"\"");
	err_is(V "allow if group \"\"\n", 2, 16,
	    "expected a non-empty group name, got string \"\"");
	err_is(V "allow pci-address 0000:00:1f.0\n", 2, 19,
	    "expected a quoted pattern after \"pci-address\", got \"0000\"");
	err_is(V "allow interface 08:06:50\n", 2, 17,
	    "expected \"{\" or an operator (any-of, all-of, none-of, equals) "
	    "after \"interface\", got \"08:06:50\"");
	err_is(V "allow interface some-of { 08:06:50 }\n", 2, 17,
	    "expected \"{\" or an operator (any-of, all-of, none-of, equals) "
	    "after \"interface\", got \"some-of\"");
	err_is(V "allow interface all-of 08:06:50\n", 2, 24,
	    "expected \"{\" after the operator, got \"08:06:50\"");
}

static void
test_err_hex(void **state)
{
	static const char *const bad_ids[] = { "078:5567", "0781:55678",
		"g781:5567", "0781-5567", "0781:5567:1", "0781:", "**:1234",
		"0781" };
	static const char *const bad_triples[] = { "3:1:1", "08:06", "0g:00:00",
		"08:06:50:00", "08:06:", "**:00:00", "080:6:50" };
	char *text, *msg;
	size_t i;

	for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		xasprintf(&text, V "allow id %s\n", bad_ids[i]);
		xasprintf(&msg,
		    "expected a device id VVVV:PPPP (4 hex digits or"
		    " \"*\" each) or \"{\", got \"%s\"",
		    bad_ids[i]);
		err_is(text, 2, 10, msg);
		free(text);
		free(msg);
	}
	for (i = 0; i < sizeof(bad_triples) / sizeof(bad_triples[0]); i++) {
		xasprintf(&text, V "allow class %s\n", bad_triples[i]);
		xasprintf(&msg,
		    "expected a class triple CC:SS:PP (2 hex digits "
		    "or \"*\" each), got \"%s\"",
		    bad_triples[i]);
		err_is(text, 2, 13, msg);
		free(text);
		free(msg);
	}
	err_is(V "allow interface { 08:06:50 8:6:50 }\n", 2, 28,
	    "expected a class triple CC:SS:PP (2 hex digits or \"*\" each) or "
	    "\"}\", got \"8:6:50\"");
	err_is(V "allow id { 0781:5567 xyz }\n", 2, 22,
	    "expected a device id VVVV:PPPP (4 hex digits or \"*\" each) or "
	    "\"}\", got \"xyz\"");
}

static void
test_err_sets(void **state)
{
	err_is(V "allow kind { }\n", 2, 14,
	    "empty set: expected at least one device kind, got \"}\"");
	err_is(V "allow bus {}\n", 2, 12,
	    "empty set: expected at least one bus, got \"}\"");
	/* A set ends with its line, unless the line is continued. */
	errs_are(V "allow id {\n}\n",
	    { 2, 11,
		"expected a device id VVVV:PPPP (4 hex digits or \"*\" each), "
		"got end of line" },
	    { 3, 1,
		"expected a statement (version, default, allow, deny or a "
		"rule id and \":\"), got \"}\"" });
	match_is("id { \\\n 0781:5567 \\\n }", "{\"id\": [\"0781:5567\"]}");
	err_is(V "allow interface none-of { }\n", 2, 27,
	    "empty set: expected at least one class triple, got \"}\"");
	err_is(V "allow kind { hid hub\n", 2, 21,
	    "expected a device kind (usb-storage, optical, hid, audio, video, "
	    "smartcard, printer, network, wireless, hub, other) or \"}\", got "
	    "end of line");
	err_is(V "allow kind { , hid }\n", 2, 14,
	    "expected a device kind (usb-storage, optical, hid, audio, video, "
	    "smartcard, printer, network, wireless, hub, other), got \",\"");
	err_is(V "allow bus { usb,, pci }\n", 2, 17,
	    "expected a bus (usb, pci, block) or \"}\", got \",\"");
}

static void
test_err_time(void **state)
{
	err_is(V "allow if time 24:00-01:00\n", 2, 15,
	    "time out of range: expected HH:MM-HH:MM within 00:00-23:59, got "
	    "\"24:00-01:00\"");
	err_is(V "allow if time 08:00-08:60\n", 2, 15,
	    "time out of range: expected HH:MM-HH:MM within 00:00-23:59, got "
	    "\"08:00-08:60\"");
	err_is(V "allow if time 8:00-08:00\n", 2, 15,
	    "empty time range: from and to are the same, got \"8:00-08:00\"");
	err_is(V "allow if time 8-17\n", 2, 15,
	    "expected a time range HH:MM-HH:MM after \"time\", got \"8-17\"");
	err_is(V "allow if time 08:00 - 17:00\n", 2, 15,
	    "expected a time range HH:MM-HH:MM after \"time\", got \"08:00\"");
	err_is(V "allow if time 08:0-17:00\n", 2, 15,
	    "expected a time range HH:MM-HH:MM after \"time\", got "
	    "\"08:0-17:00\"");
	err_is(V "allow if time 008:00-17:00\n", 2, 15,
	    "expected a time range HH:MM-HH:MM after \"time\", got "
	    "\"008:00-17:00\"");
	err_is(V "allow if time\n", 2, 14,
	    "expected a time range HH:MM-HH:MM after \"time\", got end of "
	    "line");
}

#define DAYS                                                                   \
	"a day (mon, tue, wed, thu, fri, sat, sun) or a range such as "        \
	"mon-fri"

static void
test_err_cond(void **state)
{
	err_is(V "allow if\n", 2, 9,
	    "expected a condition (on-lan, off-lan, lease, time, days, group, "
	    "not or \"(\"), got end of line");
	err_is(V "allow if on-lan and\n", 2, 20,
	    "expected a condition (on-lan, off-lan, lease, time, days, group, "
	    "not or \"(\"), got end of line");
	err_is(V "allow if at-home\n", 2, 10,
	    "expected a condition (on-lan, off-lan, lease, time, days, group, "
	    "not or \"(\"), got \"at-home\"");
	err_is(V "allow if on-lan lease\n", 2, 17,
	    "expected \"and\", \"or\" or end of line, got \"lease\"");
	err_is(V "allow if (on-lan or lease\n", 2, 26,
	    "expected \"and\", \"or\" or \")\", got end of line");
	err_is(V "allow if on-lan)\n", 2, 16,
	    "expected \"and\", \"or\" or end of line, got \")\"");
	err_is(V "allow if days monday\n", 2, 15,
	    "expected " DAYS ", got "
	    "\"monday\"");
	err_is(V "allow if days mon-friday\n", 2, 15,
	    "expected " DAYS ", got \"mon-friday\"");
	err_is(V "allow if days mon-tue-wed\n", 2, 15,
	    "expected " DAYS ", got \"mon-tue-wed\"");
	err_is(V "allow if days Mon\n", 2, 15,
	    "expected " DAYS ", got \"Mon\"");
	err_is(V "allow if days mon,\n", 2, 19,
	    "expected " DAYS ", got end of line");
	err_is(V "allow if group eng\n", 2, 16,
	    "expected a quoted group name after \"group\", got \"eng\"");
	err_is(V "allow kind hid if not\n", 2, 22,
	    "expected a condition (on-lan, off-lan, lease, time, days, group, "
	    "not or \"(\"), got end of line");
}

/* V "deny if " OPEN x n, MID, CLOSE x n. */
static char *
nested(const char *open, int n, const char *mid, const char *close)
{
	char *text = xstrdup(V "deny if "), *t;
	int i;

	for (i = 0; i < 2 * n + 1; i++) {
		xasprintf(&t, "%s%s", text,
		    i < n        ? open
			: i == n ? mid
				 : close);
		free(text);
		text = t;
	}
	return text;
}

static void
test_err_depth(void **state)
{
	char *text = nested("(", 33, "lease", ")");
	json_t *j;

	err_is(text, 2, 9 + 32, "condition nested more than 32 deep");
	free(text);
	/* 32 levels below the top are allowed, as compile.c allows them. */
	text = nested("not ", 32, "lease", "");
	json_decref(parse_ok(text));
	free(text);
	text = nested("not ", 33, "lease", "");
	err_is(text, 2, 9 + 4 * 32, "condition nested more than 32 deep");
	free(text);
	/* Each group adds "or", "and" and "not" levels: 3 * 10 + 1 fit. */
	text = nested("lease or lease and not (", 10, "lease", ")");
	j = parse_ok(text);
	json_decref(j);
	free(text);
	text = nested("lease or lease and not (", 11, "lease", ")");
	err_is(text, 2, 6, "condition nested more than 32 deep");
	free(text);
}

static void
test_err_strings(void **state)
{
	err_is(V "allow serial \"abc\n", 2, 14,
	    "unterminated string: expected a closing \" before the end of the "
	    "line");
	err_is(V "allow serial \"abc\\\nallow\n", 2, 14,
	    "unterminated string: expected a closing \" before the end of the "
	    "line");
	err_is(V "allow serial \"a\\nb\"\n", 2, 14,
	    "invalid escape in a string: only \\\" and \\\\ may follow a "
	    "backslash");
	err_is(V "allow if group \"a\\\"\n", 2, 16,
	    "unterminated string: expected a closing \" before the end of the "
	    "line");
	errs_are_n(V "allow name \"a\0b\"\n",
	    sizeof(V "allow name \"a\0b\"\n") - 1,
	    &(struct want_diag){ 2, 12, "a string may not contain a NUL byte" },
	    1);
	err_is(V "allow name \"\xff\"\n", 2, 12, "a pattern must be UTF-8");
	err_is(V "allow if group \"\xc3\"\n", 2, 16,
	    "a group name must be UTF-8");
	err_is(V "allow kind \"\xff\"\n", 2, 12,
	    "expected a device kind (usb-storage, optical, hid, audio, video, "
	    "smartcard, printer, network, wireless, hub, other) or \"{\", got "
	    "a string");
	/* A long bad token is cut short in the message. */
	err_is(V "allow kind \"0123456789012345678901234567890123456789xyz\"\n",
	    2, 12,
	    "expected a device kind (usb-storage, optical, hid, audio, video, "
	    "smartcard, printer, network, wireless, hub, other) or \"{\", got "
	    "string \"012345678901234567890123456789012345678...");
	/* ... and not in the middle of a character (\xc3\xa9 is an e-acute). */
	err_is(V
	    "allow kind \"01234567890123456789012345678901234567\xc3\xa9\"\n",
	    2, 12,
	    "expected a device kind (usb-storage, optical, hid, audio, video, "
	    "smartcard, printer, network, wireless, hub, other) or \"{\", got "
	    "string \"01234567890123456789012345678901234567...");
}

static void
test_err_backslash(void **state)
{
	err_is(V "allow kind hid \\ \n", 2, 16,
	    "stray backslash: to continue a statement, end the line with a "
	    "backslash, with nothing after it");
	/* In a comment, a backslash continues nothing. */
	errs_are(V "allow kind # hid \\\nhid\n",
	    { 2, 12,
		"expected a device kind (usb-storage, optical, hid, audio, "
		"video, smartcard, printer, network, wireless, hub, other) or "
		"\"{\", got end of line" },
	    { 3, 1,
		"expected a statement (version, default, allow, deny or a "
		"rule id and \":\"), got \"hid\"" });
	/* Columns count from the start of the physical line. */
	err_is(V "allow \\\n   kind \\\n\thid colour\n", 4, 6,
	    "expected " MATCHERS ", got \"colour\"");
}

static void
test_recovery(void **state)
{
	errs_are(V "a: allow colour red\n"
		   "b: allow kind hid\n"
		   "c: deny read-only \\\n"
		   "   kind hid colour\n"
		   "a: deny\n"
		   "default allow\n"
		   "d: allow serial \"x\n"
		   "e: allow if time 10:00-10:00\n",
	    { 2, 10,
		"expected a mode (read-write, read-only, burn), "
		"\"to\", " MATCHERS ", got \"colour\"" },
	    { 4, 9,
		"a deny rule takes neither a mode nor \"to\", got "
		"\"read-only\"" },
	    { 6, 1, "duplicate rule id \"a\" (first used on line 2)" },
	    { 7, 9, "the default must be deny, got \"allow\"" },
	    { 8, 17,
		"unterminated string: expected a closing \" before the end "
		"of the line" },
	    { 9, 18,
		"empty time range: from and to are the same, got "
		"\"10:00-10:00\"" });
	/* Errors and a missing version: all of them. */
	errs_are("allow kind x\nallow bus y\n",
	    { 1, 12,
		"expected a device kind (usb-storage, optical, hid, audio, "
		"video, smartcard, printer, network, wireless, hub, other) or "
		"\"{\", got \"x\"" },
	    { 2, 11, "expected a bus (usb, pci, block) or \"{\", got \"y\"" },
	    { 1, 1, "no version statement" });
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_version_only),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_bus_kind),
		cmocka_unit_test(test_ids_matcher),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_interface_class),
		cmocka_unit_test(test_all_matchers),
		cmocka_unit_test(test_atoms),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_flatten),
		cmocka_unit_test(test_lexing),
		cmocka_unit_test(test_length_respected),
		cmocka_unit_test(test_earlier_diags),
		cmocka_unit_test(test_err_version),
		cmocka_unit_test(test_err_default),
		cmocka_unit_test(test_err_statement),
		cmocka_unit_test(test_err_ids),
		cmocka_unit_test(test_err_deny),
		cmocka_unit_test(test_err_unknown),
		cmocka_unit_test(test_err_twice),
		cmocka_unit_test(test_err_values),
		cmocka_unit_test(test_err_hex),
		cmocka_unit_test(test_err_sets),
		cmocka_unit_test(test_err_time),
		cmocka_unit_test(test_err_cond),
		cmocka_unit_test(test_err_depth),
		cmocka_unit_test(test_err_strings),
		cmocka_unit_test(test_err_backslash),
		cmocka_unit_test(test_recovery),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
