/* Unit tests for lib/proto.c: exact encodings, round trips, every
 * rejection of the decoders and the line buffer's framing and bounds. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

#define ID_MAX ((int64_t)1 << 53)

/* Parses a JSON object written in a test, failing the test if it is not. */
static json_t *
obj(const char *text)
{
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr);

	assert_non_null(o);
	return o;
}

/* Decodes a request line given with or without its "\n". */
static int
req_decode(const char *line, struct proto_request *r, int *errnum, char *err,
    size_t errlen)
{
	size_t n = strlen(line);

	if (n > 0 && line[n - 1] == '\n')
		n--;
	return proto_request_decode(line, n, r, errnum, err, errlen);
}

static int
msg_decode(const char *line, struct proto_message *m, char *err, size_t errlen)
{
	size_t n = strlen(line);

	if (n > 0 && line[n - 1] == '\n')
		n--;
	return proto_message_decode(line, n, m, err, errlen);
}

/* --- exact encodings: insertion order, compact, one "\n" at the end --- */

static void
test_encode_request_exact(void **state)
{
	json_t *args = obj("{\"name\":\"client\"}");
	char *s;

	s = proto_request_encode(7, "vm.stop", args);
	assert_string_equal(s,
	    "{\"v\":1,\"id\":7,\"cmd\":\"vm.stop\",\"args\":{\"name\":"
	    "\"client\"}}\n");
	free(s);
	/* Borrowed, not stolen. */
	assert_int_equal(args->refcount, 1);
	json_decref(args);
	s = proto_request_encode(0, "status", NULL);
	assert_string_equal(s, "{\"v\":1,\"id\":0,\"cmd\":\"status\"}\n");
	free(s);
}

static void
test_encode_reply_ok_exact(void **state)
{
	json_t *res = obj("{\"vms\":[\"a\",\"b\"]}");
	char *s;

	s = proto_reply_ok(7, res);
	assert_string_equal(s,
	    "{\"v\":1,\"id\":7,\"ok\":true,\"result\":{\"vms\":[\"a\",\"b\"]}}"
	    "\n");
	free(s);
	assert_int_equal(res->refcount, 1);
	json_decref(res);
	s = proto_reply_ok(8, NULL);
	assert_string_equal(s,
	    "{\"v\":1,\"id\":8,\"ok\":true,\"result\":null}\n");
	free(s);
}

static void
test_encode_reply_error_exact(void **state)
{
	char *s;

	s = proto_reply_error(7, EPERM, "vm %s: %d", "client", 3);
	assert_string_equal(s,
	    "{\"v\":1,\"id\":7,\"ok\":false,\"error\":{\"errno\":1,\"name\":"
	    "\"EPERM\",\"message\":\"vm client: 3\"}}\n");
	free(s);
	/* No readable id: null.  Unknown errno: "E?".  No errno: EIO. */
	s = proto_reply_error(-1, 4000, "x");
	assert_string_equal(s,
	    "{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"errno\":4000,"
	    "\"name\":\"E?\",\"message\":\"x\"}}\n");
	free(s);
	s = proto_reply_error(1, 0, "%s", "");
	assert_string_equal(s,
	    "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":5,\"name\":"
	    "\"EIO\",\"message\":\"\"}}\n");
	free(s);
}

static void
test_encode_event_exact(void **state)
{
	json_t *data = obj("{\"domid\":3,\"state\":\"running\"}");
	char *s;

	s = proto_event_encode("domain", data);
	assert_string_equal(s,
	    "{\"v\":1,\"event\":\"domain\",\"data\":{\"domid\":3,\"state\":"
	    "\"running\"}}\n");
	free(s);
	json_decref(data);
	s = proto_event_encode("tick", NULL);
	assert_string_equal(s, "{\"v\":1,\"event\":\"tick\",\"data\":null}\n");
	free(s);
}

static void
test_encode_rejects_bad_input(void **state)
{
	json_t *arr = json_array(), *o = json_object();
	char cmd64[65], *s;

	memset(cmd64, 'a', 64);
	cmd64[64] = '\0';
	errno = 0;
	assert_null(proto_request_encode(-1, "status", NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(proto_request_encode(ID_MAX + 1, "status", NULL));
	assert_null(proto_request_encode(1, "", NULL));
	assert_null(proto_request_encode(1, "Status", NULL));
	assert_null(proto_request_encode(1, "vm stop", NULL));
	assert_null(proto_request_encode(1, cmd64, NULL));
	assert_null(proto_request_encode(1, NULL, NULL));
	assert_null(proto_request_encode(1, "status", arr));
	assert_null(proto_reply_ok(-1, NULL));
	assert_null(proto_reply_ok(1, arr));
	assert_null(proto_event_encode("", NULL));
	assert_null(proto_event_encode("Dom", NULL));
	errno = 0;
	assert_null(proto_event_encode("domain", arr));
	assert_int_equal(errno, EINVAL);
	/* 63 characters is the longest name. */
	cmd64[63] = '\0';
	s = proto_request_encode(1, cmd64, o);
	assert_non_null(s);
	free(s);
	assert_int_equal(arr->refcount, 1);
	assert_int_equal(o->refcount, 1);
	json_decref(arr);
	json_decref(o);
}

static void
test_encode_oversize(void **state)
{
	char *big = malloc(PROTO_MAX_LINE), *s;
	json_t *o = json_object();

	memset(big, 'x', PROTO_MAX_LINE - 1);
	big[PROTO_MAX_LINE - 1] = '\0';
	json_object_set_new(o, "s", json_string(big));
	errno = 0;
	assert_null(proto_request_encode(1, "a", o));
	assert_int_equal(errno, EMSGSIZE);
	errno = 0;
	assert_null(proto_reply_ok(1, o));
	assert_int_equal(errno, EMSGSIZE);
	errno = 0;
	assert_null(proto_event_encode("e", o));
	assert_int_equal(errno, EMSGSIZE);
	/* An error reply cannot grow past its short message. */
	s = proto_reply_error(1, EIO, "%s", big);
	assert_non_null(s);
	assert_true(strlen(s) < 400);
	free(s);
	json_decref(o);
	free(big);
}

/* Exactly PROTO_MAX_LINE bytes with the "\n" is the longest line sent. */
static void
test_encode_max_line(void **state)
{
	/* {"v":1,"id":1,"cmd":"a","args":{"s":"..."}} with the "\n" */
	size_t frame = strlen("{\"v\":1,\"id\":1,\"cmd\":\"a\",\"args\":{\"s\":"
			      "\"\"}}\n");
	size_t n = PROTO_MAX_LINE - frame;
	char *big = malloc(n + 2);
	json_t *o = json_object();
	char *s;

	memset(big, 'x', n + 1);
	big[n] = '\0';
	json_object_set_new(o, "s", json_string(big));
	s = proto_request_encode(1, "a", o);
	assert_non_null(s);
	assert_int_equal(strlen(s), PROTO_MAX_LINE);
	free(s);
	big[n] = 'x';
	big[n + 1] = '\0';
	json_object_set_new(o, "s", json_string(big));
	assert_null(proto_request_encode(1, "a", o));
	json_decref(o);
	free(big);
}

/* jansson escapes newlines in strings; the only raw one ends the line. */
static void
test_encode_no_raw_newline(void **state)
{
	json_t *o = obj("{\"s\":\"a\\nb\\r\\u2028\"}");
	char *s;

	s = proto_request_encode(1, "a", o);
	assert_string_equal(s,
	    "{\"v\":1,\"id\":1,\"cmd\":\"a\",\"args\":{\"s\":\"a\\nb\\r\xe2\x80"
	    "\xa8\"}}\n");
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	free(s);
	s = proto_reply_error(1, EIO, "line1\nline2");
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	assert_non_null(strstr(s, "line1\\nline2"));
	free(s);
	json_decref(o);
}

/* Messages are cut to what the peer keeps, and made valid UTF-8. */
static void
test_encode_error_message_repaired(void **state)
{
	struct proto_message m;
	char err[256], *s, big[600];
	size_t i;

	s = proto_reply_error(2, ENOENT, "no file \xff\xc3 [%s]", "\xe2\x82");
	assert_string_equal(s,
	    "{\"v\":1,\"id\":2,\"ok\":false,\"error\":{\"errno\":2,\"name\":"
	    "\"ENOENT\",\"message\":\"no file ?? [??]\"}}\n");
	free(s);
	/* Overlong forms, surrogates and code points past U+10FFFF are
	 * not UTF-8; a 4-byte character is. */
	s = proto_reply_error(2, EIO, "%s",
	    "\xe0\x80\x80|\xed\xa0\x80|\xf4\x90\x80\x80|\xf0\x9f\x98\x80");
	assert_string_equal(s,
	    "{\"v\":1,\"id\":2,\"ok\":false,\"error\":{\"errno\":5,\"name\":"
	    "\"EIO\",\"message\":\"???|???|????|\xf0\x9f\x98\x80\"}}\n");
	free(s);
	/* 300 two-byte characters: 255 bytes keep 127 of them and the
	 * first half of the 128th, repaired to '?'. */
	for (i = 0; i < 300; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[600 - 1] = '\0';
	s = proto_reply_error(3, EIO, "%s", big);
	assert_int_equal(msg_decode(s, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.message), 255);
	assert_memory_equal(m.message, big, 254);
	assert_int_equal(m.message[254], '?');
	proto_message_clear(&m);
	free(s);
}

/* --- round trips --- */

static void
test_roundtrip_request(void **state)
{
	json_t *args = obj("{\"name\":\"client\",\"n\":[1,2.5,null,true],"
			   "\"nested\":{\"k\":\"\xc3\xa9\\n\"}}");
	static const int64_t ids[] = { 0, 1, 7, ID_MAX };
	struct proto_request r;
	char err[256], *s;
	int errnum;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		s = proto_request_encode(ids[i], "vm.stop-2", args);
		assert_int_equal(req_decode(s, &r, &errnum, err, sizeof(err)),
		    0);
		assert_int_equal(errnum, 0);
		assert_string_equal(err, "");
		assert_int_equal(r.id, ids[i]);
		assert_string_equal(r.cmd, "vm.stop-2");
		assert_true(json_equal(r.args, args));
		proto_request_clear(&r);
		free(s);
	}
	/* No args: an empty object, never NULL. */
	s = proto_request_encode(5, "status", NULL);
	assert_int_equal(req_decode(s, &r, &errnum, err, sizeof(err)), 0);
	assert_true(json_is_object(r.args));
	assert_int_equal(json_object_size(r.args), 0);
	proto_request_clear(&r);
	assert_null(r.args);
	assert_int_equal(r.id, -1);
	/* Clearing twice is harmless. */
	proto_request_clear(&r);
	free(s);
	json_decref(args);
}

static void
test_roundtrip_reply_ok(void **state)
{
	json_t *res = obj("{\"vms\":[{\"name\":\"a\",\"domid\":1}]}");
	struct proto_message m;
	char err[256], *s;

	s = proto_reply_ok(ID_MAX, res);
	assert_int_equal(msg_decode(s, &m, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(m.is_event, 0);
	assert_int_equal(m.ok, 1);
	assert_int_equal(m.id, ID_MAX);
	assert_true(json_equal(m.result, res));
	assert_null(m.data);
	proto_message_clear(&m);
	free(s);
	s = proto_reply_ok(0, NULL);
	assert_int_equal(msg_decode(s, &m, err, sizeof(err)), 0);
	assert_int_equal(m.ok, 1);
	assert_int_equal(m.id, 0);
	assert_null(m.result);
	proto_message_clear(&m);
	proto_message_clear(&m);
	free(s);
	json_decref(res);
}

static void
test_roundtrip_reply_error(void **state)
{
	struct proto_message m;
	char err[256], *s;

	s = proto_reply_error(9, EACCES, "policy denies %s", "0000:00:1f.3");
	assert_int_equal(msg_decode(s, &m, err, sizeof(err)), 0);
	assert_int_equal(m.is_event, 0);
	assert_int_equal(m.ok, 0);
	assert_int_equal(m.id, 9);
	assert_int_equal(m.errnum, EACCES);
	assert_string_equal(m.errname, "EACCES");
	assert_string_equal(m.message, "policy denies 0000:00:1f.3");
	assert_null(m.result);
	proto_message_clear(&m);
	free(s);
	s = proto_reply_error(-1, EPROTONOSUPPORT, "v");
	assert_int_equal(msg_decode(s, &m, err, sizeof(err)), 0);
	assert_int_equal(m.id, -1);
	assert_int_equal(m.errnum, EPROTONOSUPPORT);
	assert_string_equal(m.errname, "EPROTONOSUPPORT");
	proto_message_clear(&m);
	free(s);
}

static void
test_roundtrip_event(void **state)
{
	json_t *data = obj("{\"domid\":3,\"state\":\"shutdown\"}");
	struct proto_message m;
	char err[256], *s;

	s = proto_event_encode("domain.state", data);
	assert_int_equal(msg_decode(s, &m, err, sizeof(err)), 0);
	assert_int_equal(m.is_event, 1);
	assert_string_equal(m.event, "domain.state");
	assert_true(json_equal(m.data, data));
	assert_int_equal(m.id, -1);
	assert_null(m.result);
	proto_message_clear(&m);
	free(s);
	s = proto_event_encode("x", NULL);
	assert_int_equal(msg_decode(s, &m, err, sizeof(err)), 0);
	assert_int_equal(m.is_event, 1);
	assert_null(m.data);
	proto_message_clear(&m);
	free(s);
	json_decref(data);
}

/* --- every way a request is refused --- */

struct bad_request {
	const char *line;
	int errnum;
	int64_t id;
	const char *message;
};

static const struct bad_request bad_requests[] = {
	{ "", EPROTO, -1,
	    "invalid JSON at column 0: '[' or '{' expected near end of file" },
	{ "{\"v\":1,", EPROTO, -1,
	    "invalid JSON at column 7: string or '}' expected near end of "
	    "file" },
	{ "nope", EPROTO, -1,
	    "invalid JSON at column 4: '[' or '{' expected near 'nope'" },
	{ "[1]", EPROTO, -1, "request is not a JSON object" },
	{ "{\"v\":1,\"id\":1,\"cmd\":\"a\"} x", EPROTO, -1,
	    "invalid JSON at column 26: end of file expected near 'x'" },
	{ "{\"v\":1,\"id\":1,\"cmd\":\"a\"}{}", EPROTO, -1,
	    "invalid JSON at column 25: end of file expected near '{'" },
	{ "{\"v\":1,\"id\":1,\"id\":2,\"cmd\":\"a\"}", EPROTO, -1,
	    "invalid JSON at column 18: duplicate object key near '\"id\"'" },
	{ "{\"v\":1,\"id\":1,\"cmd\":\"\xff\"}", EPROTO, -1,
	    "invalid JSON at column 21: unable to decode byte 0xff near '\"'" },
	{ "{\"id\":3,\"cmd\":\"a\"}", EPROTONOSUPPORT, 3,
	    "missing \"v\" (protocol version 1)" },
	{ "{\"v\":2,\"id\":3,\"cmd\":\"a\"}", EPROTONOSUPPORT, 3,
	    "unsupported protocol version (\"v\" must be 1)" },
	{ "{\"v\":0,\"id\":3,\"cmd\":\"a\"}", EPROTONOSUPPORT, 3,
	    "unsupported protocol version (\"v\" must be 1)" },
	{ "{\"v\":\"1\",\"id\":3,\"cmd\":\"a\"}", EPROTONOSUPPORT, 3,
	    "unsupported protocol version (\"v\" must be 1)" },
	{ "{\"v\":1.0,\"id\":3,\"cmd\":\"a\"}", EPROTONOSUPPORT, 3,
	    "unsupported protocol version (\"v\" must be 1)" },
	{ "{\"v\":1,\"cmd\":\"a\"}", EPROTO, -1, "missing \"id\"" },
	{ "{\"v\":1,\"id\":-1,\"cmd\":\"a\"}", EPROTO, -1,
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":1.5,\"cmd\":\"a\"}", EPROTO, -1,
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":2.0,\"cmd\":\"a\"}", EPROTO, -1,
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":\"4\",\"cmd\":\"a\"}", EPROTO, -1,
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":null,\"cmd\":\"a\"}", EPROTO, -1,
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":9007199254740993,\"cmd\":\"a\"}", EPROTO, -1,
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":99999999999999999999,\"cmd\":\"a\"}", EPROTO, -1,
	    "invalid JSON at column 32: too big integer near "
	    "'99999999999999999999'" },
	{ "{\"v\":1,\"id\":5}", EPROTO, 5, "missing \"cmd\"" },
	{ "{\"v\":1,\"id\":5,\"cmd\":7}", EPROTO, 5,
	    "\"cmd\" must be a string" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"\"}", EPROTO, 5,
	    "\"cmd\" must be 1 to 63 characters" },
	{ "{\"v\":1,\"id\":5,\"cmd\":"
	  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaa\"}",
	    EPROTO, 5, "\"cmd\" must be 1 to 63 characters" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"Status\"}", EPROTO, 5,
	    "\"cmd\" may only contain a-z, 0-9, '.' and '-'" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"vm stop\"}", EPROTO, 5,
	    "\"cmd\" may only contain a-z, 0-9, '.' and '-'" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"vm/stop\"}", EPROTO, 5,
	    "\"cmd\" may only contain a-z, 0-9, '.' and '-'" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"\xc3\xa9\"}", EPROTO, 5,
	    "\"cmd\" may only contain a-z, 0-9, '.' and '-'" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"a\",\"args\":[]}", EPROTO, 5,
	    "\"args\" must be an object" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"a\",\"args\":null}", EPROTO, 5,
	    "\"args\" must be an object" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"a\",\"args\":\"x\"}", EPROTO, 5,
	    "\"args\" must be an object" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"a\",\"arg\":{}}", EPROTO, 5,
	    "unknown key \"arg\"" },
	{ "{\"v\":1,\"id\":5,\"cmd\":\"a\",\"\":1}", EPROTO, 5,
	    "unknown key \"\"" },
	/* Echoed keys are cut at 32 bytes without splitting a character. */
	{ "{\"v\":1,\"id\":5,\"cmd\":\"a\",\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "\xc3\xa9zzz\":1}",
	    EPROTO, 5, "unknown key \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"" },
};

static void
test_request_rejections(void **state)
{
	struct proto_request r;
	char err[256];
	int errnum, rc;
	size_t i;

	for (i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]); i++) {
		const struct bad_request *t = &bad_requests[i];

		errnum = 0;
		rc = req_decode(t->line, &r, &errnum, err, sizeof(err));
		if (rc != -1 || strcmp(err, t->message) != 0)
			print_message("request %zu: %s\n", i, t->line);
		assert_int_equal(rc, -1);
		assert_int_equal(errnum, t->errnum);
		assert_int_equal(r.id, t->id);
		assert_null(r.args);
		assert_string_equal(err, t->message);
		proto_request_clear(&r);
	}
}

static void
test_request_embedded_nul(void **state)
{
	static const char line[] =
	    "{\"v\":1,\"id\":4,\"cmd\":\"a\"}\0{\"x\":1}";
	struct proto_request r;
	char err[256];
	int errnum;

	assert_int_equal(proto_request_decode(line, sizeof(line) - 1, &r,
			     &errnum, err, sizeof(err)),
	    -1);
	assert_int_equal(errnum, EPROTO);
	assert_string_equal(err, "request contains a NUL byte");
	assert_null(r.args);
	/* The same bytes up to the NUL are a good request. */
	assert_int_equal(proto_request_decode(line, strlen(line), &r, &errnum,
			     err, sizeof(err)),
	    0);
	assert_int_equal(r.id, 4);
	proto_request_clear(&r);
}

static void
test_request_too_long(void **state)
{
	char *line = malloc(PROTO_MAX_LINE + 1), err[256];
	struct proto_request r;
	int errnum;

	memset(line, ' ', PROTO_MAX_LINE + 1);
	assert_int_equal(proto_request_decode(line, PROTO_MAX_LINE + 1, &r,
			     &errnum, err, sizeof(err)),
	    -1);
	assert_int_equal(errnum, EPROTO);
	assert_string_equal(err, "request longer than 65536 bytes");
	free(line);
}

/* A small or absent err buffer is not written past. */
static void
test_request_small_err(void **state)
{
	struct proto_request r;
	char err[8];
	int errnum;

	memset(err, 'z', sizeof(err));
	assert_int_equal(req_decode("[]", &r, &errnum, err, 4), -1);
	assert_string_equal(err, "req");
	assert_int_equal(err[4], 'z');
	assert_int_equal(req_decode("[]", &r, &errnum, NULL, 0), -1);
	assert_int_equal(errnum, EPROTO);
}

/* --- every way a reply or event is refused --- */

struct bad_message {
	const char *line;
	const char *message;
};

static const struct bad_message bad_messages[] = {
	{ "x", "invalid JSON at column 1: '[' or '{' expected near 'x'" },
	{ "\"ok\"",
	    "invalid JSON at column 4: '[' or '{' expected near "
	    "'\"ok\"'" },
	{ "[]", "message is not a JSON object" },
	{ "{\"id\":1,\"ok\":true,\"result\":null}",
	    "missing \"v\" (protocol version 1)" },
	{ "{\"v\":2,\"id\":1,\"ok\":true,\"result\":null}",
	    "unsupported protocol version (\"v\" must be 1)" },
	{ "{\"v\":1,\"id\":1}", "\"ok\" must be true or false" },
	{ "{\"v\":1,\"id\":1,\"ok\":1,\"result\":null}",
	    "\"ok\" must be true or false" },
	{ "{\"v\":1,\"ok\":true,\"result\":null}",
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":null,\"ok\":true,\"result\":null}",
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":-2,\"ok\":false,\"error\":{}}",
	    "\"id\" must be an integer from 0 to 2^53" },
	{ "{\"v\":1,\"id\":1,\"ok\":true}", "missing \"result\"" },
	{ "{\"v\":1,\"id\":1,\"ok\":true,\"result\":[]}",
	    "\"result\" must be an object or null" },
	{ "{\"v\":1,\"id\":1,\"ok\":true,\"result\":{},\"error\":{}}",
	    "unknown key \"error\"" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"result\":{}}",
	    "unknown key \"result\"" },
	{ "{\"v\":1,\"id\":1,\"ok\":false}", "\"error\" must be an object" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":\"EPERM\"}",
	    "\"error\" must be an object" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"name\":\"EPERM\","
	  "\"message\":\"\"}}",
	    "\"errno\" must be a positive integer" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":0,\"name\":"
	  "\"EPERM\",\"message\":\"\"}}",
	    "\"errno\" must be a positive integer" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":2147483648,"
	  "\"name\":\"EPERM\",\"message\":\"\"}}",
	    "\"errno\" must be a positive integer" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":\"1\",\"name\":"
	  "\"EPERM\",\"message\":\"\"}}",
	    "\"errno\" must be a positive integer" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":1,"
	  "\"message\":\"\"}}",
	    "\"name\" must be an errno name" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":1,\"name\":"
	  "\"eperm\",\"message\":\"\"}}",
	    "\"name\" must be an errno name" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":1,\"name\":"
	  "\"\",\"message\":\"\"}}",
	    "\"name\" must be an errno name" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":1,\"name\":"
	  "\"EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"message\":\"\"}}",
	    "\"name\" must be an errno name" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":1,\"name\":"
	  "\"EPERM\"}}",
	    "\"message\" must be a string" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":1,\"name\":"
	  "\"EPERM\",\"message\":null}}",
	    "\"message\" must be a string" },
	{ "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":1,\"name\":"
	  "\"EPERM\",\"message\":\"\",\"hint\":\"\"}}",
	    "unknown key \"hint\"" },
	{ "{\"v\":1,\"id\":1,\"ok\":true,\"result\":null,\"extra\":1}",
	    "unknown key \"extra\"" },
	{ "{\"v\":1,\"event\":\"\",\"data\":null}",
	    "\"event\" must be 1 to 63 characters" },
	{ "{\"v\":1,\"event\":\"Domain\",\"data\":null}",
	    "\"event\" may only contain a-z, 0-9, '.' and '-'" },
	{ "{\"v\":1,\"event\":1,\"data\":null}", "\"event\" must be a string" },
	{ "{\"v\":1,\"event\":\"domain\"}", "missing \"data\"" },
	{ "{\"v\":1,\"event\":\"domain\",\"data\":1}",
	    "\"data\" must be an object or null" },
	{ "{\"v\":1,\"event\":\"domain\",\"data\":null,\"id\":1}",
	    "unknown key \"id\"" },
	/* A request is neither a reply nor an event. */
	{ "{\"v\":1,\"id\":1,\"cmd\":\"status\"}",
	    "\"ok\" must be true or false" },
};

static void
test_message_rejections(void **state)
{
	struct proto_message m;
	char err[256];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad_messages) / sizeof(bad_messages[0]); i++) {
		const struct bad_message *t = &bad_messages[i];

		rc = msg_decode(t->line, &m, err, sizeof(err));
		if (rc != -1 || strcmp(err, t->message) != 0)
			print_message("message %zu: %s\n", i, t->line);
		assert_int_equal(rc, -1);
		assert_string_equal(err, t->message);
		assert_null(m.result);
		assert_null(m.data);
		assert_int_equal(m.id, -1);
		proto_message_clear(&m);
	}
}

static void
test_message_nul_and_length(void **state)
{
	static const char line[] = "{\"v\":1,\"event\":\"e\",\"data\":null}\0";
	char *big = malloc(PROTO_MAX_LINE + 1), err[256];
	struct proto_message m;

	assert_int_equal(proto_message_decode(line, sizeof(line) - 1, &m, err,
			     sizeof(err)),
	    -1);
	assert_string_equal(err, "message contains a NUL byte");
	memset(big, ' ', PROTO_MAX_LINE + 1);
	assert_int_equal(proto_message_decode(big, PROTO_MAX_LINE + 1, &m, err,
			     sizeof(err)),
	    -1);
	assert_string_equal(err, "message longer than 65536 bytes");
	free(big);
}

/* A peer's longer message is kept in part, cut on a character boundary. */
static void
test_message_long_message_cut(void **state)
{
	char line[1024], err[256];
	struct proto_message m;
	int n;

	n = snprintf(line, sizeof(line),
	    "{\"v\":1,\"id\":1,\"ok\":false,\"error\":{\"errno\":1,\"name\":"
	    "\"EPERM\",\"message\":\"%0254d\xe2\x82\xac tail\"}}",
	    0);
	assert_true(n > 0 && (size_t)n < sizeof(line));
	assert_int_equal(msg_decode(line, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.message), 254);
	assert_int_equal(m.message[253], '0');
	proto_message_clear(&m);
}

/* --- the line buffer --- */

/* Takes the next line, failing the test if there is none. */
static const char *
next_line(struct proto_buf *b, size_t *len_r)
{
	char *line;
	size_t len;

	assert_int_equal(proto_buf_line(b, &line, &len), 1);
	assert_int_equal(line[len], '\0');
	*len_r = len;
	return line;
}

static void
test_buf_several_lines(void **state)
{
	static const char in[] = "one\ntwo\r\n\n\r\nthree\npartial";
	struct proto_buf b;
	char *line;
	size_t len;

	proto_buf_init(&b);
	assert_int_equal(proto_buf_append(&b, in, sizeof(in) - 1), 0);
	assert_string_equal(next_line(&b, &len), "one");
	assert_int_equal(len, 3);
	assert_string_equal(next_line(&b, &len), "two");
	assert_int_equal(len, 3);
	assert_string_equal(next_line(&b, &len), "");
	assert_int_equal(len, 0);
	assert_string_equal(next_line(&b, &len), "");
	assert_int_equal(len, 0);
	assert_string_equal(next_line(&b, &len), "three");
	assert_int_equal(proto_buf_line(&b, &line, &len), 0);
	assert_int_equal(proto_buf_append(&b, "\n", 1), 0);
	assert_string_equal(next_line(&b, &len), "partial");
	assert_int_equal(len, 7);
	assert_int_equal(proto_buf_line(&b, &line, &len), 0);
	proto_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);
}

static void
test_buf_split_line(void **state)
{
	static const char in[] = "{\"v\":1,\"id\":1,\"cmd\":\"status\"}\r\nx\n";
	struct proto_buf b;
	char *line;
	size_t i, len;

	proto_buf_init(&b);
	assert_int_equal(proto_buf_line(&b, &line, &len), 0);
	/* One byte at a time: nothing until the "\n". */
	for (i = 0; i < sizeof(in) - 1; i++) {
		assert_int_equal(proto_buf_append(&b, in + i, 1), 0);
		if (in[i] == '\n')
			break;
		assert_int_equal(proto_buf_line(&b, &line, &len), 0);
	}
	assert_string_equal(next_line(&b, &len),
	    "{\"v\":1,\"id\":1,\"cmd\":\"status\"}");
	assert_int_equal(len, 29);
	assert_int_equal(proto_buf_append(&b, "", 0), 0);
	assert_int_equal(proto_buf_append(&b, "x", 1), 0);
	/* A "\r" alone is not an end of line. */
	assert_int_equal(proto_buf_append(&b, "\ry\r", 3), 0);
	assert_int_equal(proto_buf_line(&b, &line, &len), 0);
	assert_int_equal(proto_buf_append(&b, "\n", 1), 0);
	assert_string_equal(next_line(&b, &len), "x\ry");
	assert_int_equal(len, 3);
	proto_buf_free(&b);
}

/* A line may be PROTO_MAX_LINE bytes with its "\n", never one more. */
static void
test_buf_max_line(void **state)
{
	char *big = malloc(PROTO_MAX_LINE + 2);
	struct proto_buf b;
	size_t len;

	memset(big, 'a', PROTO_MAX_LINE + 2);
	big[PROTO_MAX_LINE - 1] = '\n';
	proto_buf_init(&b);
	assert_int_equal(proto_buf_append(&b, big, PROTO_MAX_LINE), 0);
	next_line(&b, &len);
	assert_int_equal(len, PROTO_MAX_LINE - 1);
	/* The same in two pieces. */
	assert_int_equal(proto_buf_append(&b, big, 100), 0);
	assert_int_equal(proto_buf_append(&b, big + 100, PROTO_MAX_LINE - 100),
	    0);
	next_line(&b, &len);
	assert_int_equal(len, PROTO_MAX_LINE - 1);
	/* One byte more, whole or in pieces: refused, nothing kept. */
	big[PROTO_MAX_LINE - 1] = 'a';
	big[PROTO_MAX_LINE] = '\n';
	assert_int_equal(proto_buf_append(&b, big, PROTO_MAX_LINE + 1), -1);
	assert_int_equal(b.len - b.consumed, 0);
	assert_int_equal(proto_buf_append(&b, big, PROTO_MAX_LINE), 0);
	assert_int_equal(proto_buf_append(&b, "\n", 1), -1);
	proto_buf_free(&b);
	/* A tail without "\n": PROTO_MAX_LINE bytes may wait, not more. */
	proto_buf_init(&b);
	assert_int_equal(proto_buf_append(&b, big, PROTO_MAX_LINE - 1), 0);
	assert_int_equal(proto_buf_append(&b, "a", 1), 0);
	assert_int_equal(proto_buf_append(&b, "a", 1), -1);
	assert_int_equal(b.len, PROTO_MAX_LINE);
	proto_buf_free(&b);
	free(big);
	/* A short line before and after does not hide a long one. */
	big = malloc(PROTO_MAX_LINE + 7);
	memcpy(big, "ok\n", 3);
	memset(big + 3, 'a', PROTO_MAX_LINE);
	memcpy(big + 3 + PROTO_MAX_LINE, "\nok\n", 4);
	proto_buf_init(&b);
	assert_int_equal(proto_buf_append(&b, big, PROTO_MAX_LINE + 7), -1);
	assert_int_equal(b.len, 0);
	memcpy(big + 2 + PROTO_MAX_LINE, "\nok\n", 4);
	assert_int_equal(proto_buf_append(&b, big, PROTO_MAX_LINE + 6), 0);
	assert_string_equal(next_line(&b, &len), "ok");
	next_line(&b, &len);
	assert_int_equal(len, PROTO_MAX_LINE - 1);
	assert_string_equal(next_line(&b, &len), "ok");
	proto_buf_free(&b);
	free(big);
}

/* A long line after unread lines is measured from its own start. */
static void
test_buf_tail_after_unread_lines(void **state)
{
	char *big = malloc(PROTO_MAX_LINE);
	struct proto_buf b;
	size_t len;

	memset(big, 'b', PROTO_MAX_LINE);
	proto_buf_init(&b);
	assert_int_equal(proto_buf_append(&b, "l1\nl2\n", 6), 0);
	assert_int_equal(proto_buf_append(&b, big, PROTO_MAX_LINE - 1), 0);
	assert_int_equal(proto_buf_append(&b, "\n", 1), 0);
	assert_string_equal(next_line(&b, &len), "l1");
	assert_int_equal(proto_buf_append(&b, big, PROTO_MAX_LINE), 0);
	assert_int_equal(proto_buf_append(&b, "b", 1), -1);
	assert_string_equal(next_line(&b, &len), "l2");
	next_line(&b, &len);
	assert_int_equal(len, PROTO_MAX_LINE - 1);
	proto_buf_free(&b);
	free(big);
}

/* A peer streaming many lines costs its unread tail and one read. */
static void
test_buf_bounded_stream(void **state)
{
	static const char req[] = "{\"v\":1,\"id\":1,\"cmd\":\"status\"}\n";
	char chunk[997], *line;
	struct proto_buf b;
	size_t i, j, len, off = 0, lines = 0;

	/* A stream of requests, cut into reads of a prime size so that a
	 * line is split at every offset and a read rarely ends a line. */
	proto_buf_init(&b);
	for (i = 0; i < 20000; i++) {
		for (j = 0; j < sizeof(chunk); j++)
			chunk[j] = req[(off + j) % (sizeof(req) - 1)];
		off += sizeof(chunk);
		assert_int_equal(proto_buf_append(&b, chunk, sizeof(chunk)), 0);
		while (proto_buf_line(&b, &line, &len) == 1) {
			assert_int_equal(len, sizeof(req) - 2);
			assert_memory_equal(line, req, len);
			lines++;
		}
		assert_true(b.cap <= 4096);
		assert_true(b.len - b.consumed < sizeof(req));
	}
	assert_int_equal(lines, off / (sizeof(req) - 1));
	proto_buf_free(&b);
}

/* Without draining in between, the buffer holds what is unread. */
static void
test_buf_growth(void **state)
{
	struct proto_buf b;
	char *line;
	size_t i, len;

	proto_buf_init(&b);
	for (i = 0; i < 10000; i++)
		assert_int_equal(proto_buf_append(&b, "abc\n", 4), 0);
	assert_int_equal(b.len, 40000);
	assert_true(b.cap >= 40000 && b.cap <= 60000);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(proto_buf_line(&b, &line, &len), 1);
		assert_string_equal(line, "abc");
	}
	assert_int_equal(proto_buf_line(&b, &line, &len), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.consumed, 0);
	proto_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_request_exact),
		cmocka_unit_test(test_encode_reply_ok_exact),
		cmocka_unit_test(test_encode_reply_error_exact),
		cmocka_unit_test(test_encode_event_exact),
		cmocka_unit_test(test_encode_rejects_bad_input),
		cmocka_unit_test(test_encode_oversize),
		cmocka_unit_test(test_encode_max_line),
		cmocka_unit_test(test_encode_no_raw_newline),
		cmocka_unit_test(test_encode_error_message_repaired),
		cmocka_unit_test(test_roundtrip_request),
		cmocka_unit_test(test_roundtrip_reply_ok),
		cmocka_unit_test(test_roundtrip_reply_error),
		cmocka_unit_test(test_roundtrip_event),
		cmocka_unit_test(test_request_rejections),
		cmocka_unit_test(test_request_embedded_nul),
		cmocka_unit_test(test_request_too_long),
		cmocka_unit_test(test_request_small_err),
		cmocka_unit_test(test_message_rejections),
		cmocka_unit_test(test_message_nul_and_length),
		cmocka_unit_test(test_message_long_message_cut),
		cmocka_unit_test(test_buf_several_lines),
		cmocka_unit_test(test_buf_split_line),
		cmocka_unit_test(test_buf_max_line),
		cmocka_unit_test(test_buf_tail_after_unread_lines),
		cmocka_unit_test(test_buf_bounded_stream),
		cmocka_unit_test(test_buf_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
