/*
 * proto.c: the control protocol codec (see proto.h for the wire format).
 *
 * Both ends face a peer they do not trust, so every decoder checks the
 * exact shape of a message and refuses anything else with a message fit
 * for an error reply.  Encoders write keys in insertion order, compact:
 *   {"v":1,"id":7,"cmd":"vm.stop","args":{...}}      ("args" only if given)
 *   {"v":1,"id":7,"ok":true,"result":{...}}           (or "result":null)
 *   {"v":1,"id":7,"ok":false,"error":{"errno":1,"name":"EPERM","message":""}}
 *   {"v":1,"event":"domain","data":{...}}             (or "data":null)
 * An error reply to a request whose id could not be read carries "id":null,
 * which decodes to id -1.
 *
 * Encoders refuse what the decoders would (an id outside 0..2^53, a bad
 * cmd or event name, args/result/data that are not an object) with NULL
 * and errno EINVAL, and a line over PROTO_MAX_LINE with EMSGSIZE, so that
 * the caller can answer with an error instead.  proto_reply_error never
 * fails: its message is cut to what proto_message keeps and made valid
 * UTF-8, an id out of range becomes null and an errnum <= 0 becomes EIO.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proto.h"
#include "xalloc.h"

/* Ids must survive a trip through a JavaScript or Python float. */
#define PROTO_ID_MAX ((json_int_t)1 << 53)
/* Unknown keys are echoed in the error, but not at any length. */
#define PROTO_KEY_ECHO 32
/* Buffers start at this size and grow geometrically. */
#define PROTO_BUF_MIN 4096
/* What a decoded error keeps: the encoder cuts to the same sizes. */
#define PROTO_ERRNAME_SIZE sizeof(((struct proto_message *)0)->errname)
#define PROTO_MESSAGE_SIZE sizeof(((struct proto_message *)0)->message)

/* --- UTF-8: jansson refuses invalid strings, so messages we build from
 * arbitrary text (errors naming a file, jansson's own "near '...'") are
 * repaired before they reach it. --- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
proto_utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp, min;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and beyond U+10FFFF. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Replaces each byte that is not part of valid UTF-8 with '?', in place. */
static void
proto_utf8_repair(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), k;

	while (n > 0) {
		k = proto_utf8_seq(p, n);
		if (k == 0) {
			*p = '?';
			k = 1;
		}
		p += k;
		n -= k;
	}
}

/* The longest prefix of valid UTF-8 s of at most max bytes that does not
 * cut a character in two. */
static size_t
proto_utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Formats an error message into err; it is always valid UTF-8. */
static void __attribute__((format(printf, 3, 4)))
proto_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	proto_utf8_repair(err);
}

/* --- line buffer --- */

void
proto_buf_init(struct proto_buf *b)
{
	b->data = NULL;
	b->len = b->cap = b->consumed = 0;
}

void
proto_buf_free(struct proto_buf *b)
{
	free(b->data);
	proto_buf_init(b);
}

/* Drops the lines already returned, so that a peer streaming many lines
 * keeps only its unread tail (the caller's last line is then invalid,
 * which proto.h allows: "valid until the next call on b"). */
static void
proto_buf_compact(struct proto_buf *b)
{
	if (b->consumed == 0)
		return;
	b->len -= b->consumed;
	memmove(b->data, b->data + b->consumed, b->len);
	b->consumed = 0;
}

/* Length of the unterminated line at the end of the buffer.  This scans
 * at most PROTO_MAX_LINE bytes, since append never lets the tail grow
 * beyond that. */
static size_t
proto_buf_tail(const struct proto_buf *b)
{
	size_t n = b->len - b->consumed;
	const char *start, *nl;

	if (n == 0)
		return 0;
	start = b->data + b->consumed;
	nl = memrchr(start, '\n', n);
	return nl ? (size_t)(start + n - (nl + 1)) : n;
}

/* Whether appending p[0..n) makes a line longer than PROTO_MAX_LINE
 * (counting its "\n"), or leaves a tail longer than that. */
static int
proto_buf_overlong(size_t tail, const char *p, size_t n)
{
	const char *nl;

	while ((nl = memchr(p, '\n', n)) != NULL) {
		if (tail + (size_t)(nl - p) + 1 > PROTO_MAX_LINE)
			return 1;
		tail = 0;
		n -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	return tail + n > PROTO_MAX_LINE;
}

int
proto_buf_append(struct proto_buf *b, const void *p, size_t n)
{
	size_t need, cap;

	if (n == 0)
		return 0;
	proto_buf_compact(b);
	if (proto_buf_overlong(proto_buf_tail(b), p, n))
		return -1;
	need = b->len + n;
	if (need > b->cap) {
		/* 1.5x: amortised appends, yet at most half again the
		 * PROTO_MAX_LINE + one read a drained buffer needs. */
		cap = b->cap + b->cap / 2;
		if (cap < PROTO_BUF_MIN)
			cap = PROTO_BUF_MIN;
		if (cap < need)
			cap = need;
		b->data = xreallocarray(b->data, cap, 1);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len = need;
	return 0;
}

int
proto_buf_line(struct proto_buf *b, char **line_r, size_t *len_r)
{
	size_t n = b->len - b->consumed, len;
	char *start, *nl;

	if (n == 0) {
		/* Everything was read: start over at the front for free. */
		b->len = b->consumed = 0;
		return 0;
	}
	start = b->data + b->consumed;
	nl = memchr(start, '\n', n);
	if (nl == NULL)
		return 0;
	*nl = '\0';
	len = (size_t)(nl - start);
	if (len > 0 && start[len - 1] == '\r')
		start[--len] = '\0';
	b->consumed += (size_t)(nl - start) + 1;
	*line_r = start;
	*len_r = len;
	return 1;
}

/* --- shared pieces of the decoders --- */

/* An empty object; out of memory is fatal, as with xmalloc. */
static json_t *
proto_object(void)
{
	json_t *o = json_object();

	if (o == NULL)
		fatalx("out of memory building a message");
	return o;
}

/* Parses one line into a JSON object. */
static json_t *
proto_parse(const char *line, size_t len, const char *what, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *o;

	if (len > PROTO_MAX_LINE) {
		proto_errf(err, errlen, "%s longer than %d bytes", what,
		    PROTO_MAX_LINE);
		return NULL;
	}
	/* jansson would stop at a NUL and ignore what follows it. */
	if (memchr(line, '\0', len) != NULL) {
		proto_errf(err, errlen, "%s contains a NUL byte", what);
		return NULL;
	}
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		proto_errf(err, errlen, "invalid JSON at column %d: %s",
		    jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		proto_errf(err, errlen, "%s is not a JSON object", what);
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Whether v is an integer id in 0..2^53. */
static int
proto_id_ok(const json_t *v)
{
	json_int_t id;

	if (!json_is_integer(v))
		return 0;
	id = json_integer_value(v);
	return id >= 0 && id <= PROTO_ID_MAX;
}

/* Checks "v"; any other version, or none, is another protocol. */
static int
proto_check_version(const json_t *o, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, "v");

	if (v == NULL) {
		proto_errf(err, errlen, "missing \"v\" (protocol version %d)",
		    PROTO_VERSION);
		return -1;
	}
	if (!json_is_integer(v) || json_integer_value(v) != PROTO_VERSION) {
		proto_errf(err, errlen,
		    "unsupported protocol version (\"v\" must be %d)",
		    PROTO_VERSION);
		return -1;
	}
	return 0;
}

/* A command or event name: 1..PROTO_CMD_MAX-1 characters of [a-z0-9.-]. */
static int
proto_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= PROTO_CMD_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
			s[i] == '-'))
			return 0;
	return 1;
}

/* Copies the name member key of o into buf, checking it. */
static int
proto_get_name(const json_t *o, const char *key, char *buf, char *err,
    size_t errlen)
{
	const json_t *v = json_object_get(o, key);
	size_t len;

	if (v == NULL) {
		proto_errf(err, errlen, "missing \"%s\"", key);
		return -1;
	}
	if (!json_is_string(v)) {
		proto_errf(err, errlen, "\"%s\" must be a string", key);
		return -1;
	}
	len = json_string_length(v);
	if (len == 0 || len >= PROTO_CMD_MAX) {
		proto_errf(err, errlen, "\"%s\" must be 1 to %d characters",
		    key, PROTO_CMD_MAX - 1);
		return -1;
	}
	if (!proto_name_ok(json_string_value(v), len)) {
		proto_errf(err, errlen,
		    "\"%s\" may only contain a-z, 0-9, '.' and '-'", key);
		return -1;
	}
	memcpy(buf, json_string_value(v), len + 1);
	return 0;
}

/* Fails on the first key of o not in the NULL-terminated list keys. */
static int
proto_check_keys(json_t *o, const char *const *keys, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(o, key, v)
	{
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(key, keys[i]) == 0)
				break;
		if (keys[i] == NULL) {
			proto_errf(err, errlen, "unknown key \"%.*s\"",
			    (int)proto_utf8_prefix(key, strlen(key),
				PROTO_KEY_ECHO),
			    key);
			return -1;
		}
	}
	return 0;
}

/* --- requests --- */

/* Fills r from a parsed object; r->id is set first so that it is reported
 * even when something else is wrong. */
static int
proto_request_fill(json_t *o, struct proto_request *r, int *errnum_r, char *err,
    size_t errlen)
{
	static const char *const keys[] = { "v", "id", "cmd", "args", NULL };
	json_t *id = json_object_get(o, "id");
	json_t *args = json_object_get(o, "args");

	if (proto_id_ok(id))
		r->id = json_integer_value(id);
	if (proto_check_version(o, err, errlen) == -1) {
		*errnum_r = EPROTONOSUPPORT;
		return -1;
	}
	if (id == NULL) {
		proto_errf(err, errlen, "missing \"id\"");
		return -1;
	}
	if (r->id == -1) {
		proto_errf(err, errlen,
		    "\"id\" must be an integer from 0 to 2^53");
		return -1;
	}
	if (proto_get_name(o, "cmd", r->cmd, err, errlen) == -1)
		return -1;
	if (args != NULL && !json_is_object(args)) {
		proto_errf(err, errlen, "\"args\" must be an object");
		return -1;
	}
	if (proto_check_keys(o, keys, err, errlen) == -1)
		return -1;
	r->args = args ? json_incref(args) : proto_object();
	return 0;
}

int
proto_request_decode(const char *line, size_t len, struct proto_request *r,
    int *errnum_r, char *err, size_t errlen)
{
	json_t *o;
	int rc;

	r->id = -1;
	r->cmd[0] = '\0';
	r->args = NULL;
	*errnum_r = EPROTO;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	o = proto_parse(line, len, "request", err, errlen);
	if (o == NULL)
		return -1;
	rc = proto_request_fill(o, r, errnum_r, err, errlen);
	json_decref(o);
	if (rc == 0)
		*errnum_r = 0;
	return rc;
}

void
proto_request_clear(struct proto_request *r)
{
	json_decref(r->args);
	r->args = NULL;
	r->id = -1;
	r->cmd[0] = '\0';
}

/* --- replies and events, as a client decodes them --- */

/* An error name as strerrorname_np gives it ("E?" when unknown). */
static int
proto_errname_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= PROTO_ERRNAME_SIZE)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
			s[i] == '?'))
			return 0;
	return 1;
}

static int
proto_error_fill(json_t *e, struct proto_message *m, char *err, size_t errlen)
{
	static const char *const keys[] = { "errno", "name", "message", NULL };
	json_t *no = json_object_get(e, "errno");
	json_t *name = json_object_get(e, "name");
	json_t *msg = json_object_get(e, "message");
	size_t n;

	if (!json_is_integer(no) || json_integer_value(no) < 1 ||
	    json_integer_value(no) > INT_MAX) {
		proto_errf(err, errlen, "\"errno\" must be a positive integer");
		return -1;
	}
	if (!json_is_string(name) ||
	    !proto_errname_ok(json_string_value(name),
		json_string_length(name))) {
		proto_errf(err, errlen, "\"name\" must be an errno name");
		return -1;
	}
	if (!json_is_string(msg)) {
		proto_errf(err, errlen, "\"message\" must be a string");
		return -1;
	}
	if (proto_check_keys(e, keys, err, errlen) == -1)
		return -1;
	m->errnum = (int)json_integer_value(no);
	strcpy(m->errname, json_string_value(name));
	/* A longer message is cut, not refused: it is only ever shown. */
	n = proto_utf8_prefix(json_string_value(msg), json_string_length(msg),
	    PROTO_MESSAGE_SIZE - 1);
	memcpy(m->message, json_string_value(msg), n);
	m->message[n] = '\0';
	return 0;
}

/* "result" of an ok reply and "data" of an event: an object or null. */
static int
proto_get_payload(json_t *o, const char *key, json_t **out, char *err,
    size_t errlen)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		proto_errf(err, errlen, "missing \"%s\"", key);
		return -1;
	}
	if (!json_is_object(v) && !json_is_null(v)) {
		proto_errf(err, errlen, "\"%s\" must be an object or null",
		    key);
		return -1;
	}
	*out = json_is_object(v) ? json_incref(v) : NULL;
	return 0;
}

static int
proto_reply_fill(json_t *o, struct proto_message *m, char *err, size_t errlen)
{
	static const char *const ok_keys[] = { "v", "id", "ok", "result",
		NULL };
	static const char *const err_keys[] = { "v", "id", "ok", "error",
		NULL };
	json_t *id = json_object_get(o, "id");
	json_t *ok = json_object_get(o, "ok");
	json_t *e;

	if (!json_is_boolean(ok)) {
		proto_errf(err, errlen, "\"ok\" must be true or false");
		return -1;
	}
	m->ok = json_is_true(ok);
	/* Only an error can answer a request whose id was unreadable. */
	if (!proto_id_ok(id) && (m->ok || !json_is_null(id))) {
		proto_errf(err, errlen,
		    "\"id\" must be an integer from 0 to 2^53");
		return -1;
	}
	m->id = json_is_null(id) ? -1 : json_integer_value(id);
	if (proto_check_keys(o, m->ok ? ok_keys : err_keys, err, errlen) == -1)
		return -1;
	if (m->ok)
		return proto_get_payload(o, "result", &m->result, err, errlen);
	e = json_object_get(o, "error");
	if (!json_is_object(e)) {
		proto_errf(err, errlen, "\"error\" must be an object");
		return -1;
	}
	return proto_error_fill(e, m, err, errlen);
}

static int
proto_event_fill(json_t *o, struct proto_message *m, char *err, size_t errlen)
{
	static const char *const keys[] = { "v", "event", "data", NULL };

	m->is_event = 1;
	if (proto_get_name(o, "event", m->event, err, errlen) == -1 ||
	    proto_check_keys(o, keys, err, errlen) == -1)
		return -1;
	return proto_get_payload(o, "data", &m->data, err, errlen);
}

static void
proto_message_reset(struct proto_message *m)
{
	m->is_event = 0;
	m->id = -1;
	m->ok = 0;
	m->result = m->data = NULL;
	m->errnum = 0;
	m->errname[0] = m->message[0] = m->event[0] = '\0';
}

int
proto_message_decode(const char *line, size_t len, struct proto_message *m,
    char *err, size_t errlen)
{
	json_t *o;
	int rc = -1;

	proto_message_reset(m);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	o = proto_parse(line, len, "message", err, errlen);
	if (o == NULL)
		return -1;
	if (proto_check_version(o, err, errlen) == -1)
		goto out;
	if (json_object_get(o, "event") != NULL)
		rc = proto_event_fill(o, m, err, errlen);
	else
		rc = proto_reply_fill(o, m, err, errlen);
out:
	json_decref(o);
	if (rc == -1)
		proto_message_clear(m);
	return rc;
}

void
proto_message_clear(struct proto_message *m)
{
	json_decref(m->result);
	json_decref(m->data);
	proto_message_reset(m);
}

/* --- encoders --- */

/* Dumps o (stolen) as one line; NULL with errno EMSGSIZE if the line
 * would be too long for the peer, EINVAL if jansson refuses it. */
static char *
proto_dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT), *line = NULL;
	size_t n;

	json_decref(o);
	if (s == NULL) {
		errno = EINVAL;
		return NULL;
	}
	n = strlen(s);
	/* jansson escapes control characters; a raw newline would split
	 * the message in two on the wire. */
	if (memchr(s, '\n', n) != NULL) {
		log_warnx("jansson left a raw newline in a message");
		errno = EINVAL;
	} else if (n + 1 > PROTO_MAX_LINE) {
		errno = EMSGSIZE;
	} else {
		line = xmalloc(n + 2);
		memcpy(line, s, n);
		memcpy(line + n, "\n", 2);
	}
	free(s);
	return line;
}

/* The start of every message: {"v":1}. */
static json_t *
proto_new(void)
{
	json_t *o = proto_object();

	json_object_set_new(o, "v", json_integer(PROTO_VERSION));
	return o;
}

char *
proto_request_encode(int64_t id, const char *cmd, json_t *args)
{
	json_t *o;

	if (id < 0 || id > PROTO_ID_MAX || cmd == NULL ||
	    !proto_name_ok(cmd, strlen(cmd)) ||
	    (args != NULL && !json_is_object(args))) {
		errno = EINVAL;
		return NULL;
	}
	o = proto_new();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "cmd", json_string(cmd));
	if (args != NULL)
		json_object_set(o, "args", args);
	return proto_dump(o);
}

char *
proto_reply_ok(int64_t id, json_t *result)
{
	json_t *o;

	if (id < 0 || id > PROTO_ID_MAX ||
	    (result != NULL && !json_is_object(result))) {
		errno = EINVAL;
		return NULL;
	}
	o = proto_new();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "ok", json_true());
	json_object_set_new(o, "result",
	    result ? json_incref(result) : json_null());
	return proto_dump(o);
}

/* The "error" member: what the peer needs to act on it and to show it. */
static json_t *
proto_error_new(int errnum, const char *message)
{
	const char *name = NULL;
	json_t *e = proto_object();

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	name = strerrorname_np(errnum);
#endif
	json_object_set_new(e, "errno", json_integer(errnum));
	json_object_set_new(e, "name", json_string(name ? name : "E?"));
	json_object_set_new(e, "message", json_string(message));
	return e;
}

char *
proto_reply_error(int64_t id, int errnum, const char *fmt, ...)
{
	char message[PROTO_MESSAGE_SIZE];
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* Cut to what the peer keeps, and valid UTF-8 for jansson. */
	proto_utf8_repair(message);
	/* An error must say which: "no errno" would read as success. */
	if (errnum <= 0)
		errnum = EIO;
	o = proto_new();
	if (id >= 0 && id <= PROTO_ID_MAX)
		json_object_set_new(o, "id", json_integer(id));
	else
		json_object_set_new(o, "id", json_null());
	json_object_set_new(o, "ok", json_false());
	json_object_set_new(o, "error", proto_error_new(errnum, message));
	return proto_dump(o);
}

char *
proto_event_encode(const char *event, json_t *data)
{
	json_t *o;

	if (event == NULL || !proto_name_ok(event, strlen(event)) ||
	    (data != NULL && !json_is_object(data))) {
		errno = EINVAL;
		return NULL;
	}
	o = proto_new();
	json_object_set_new(o, "event", json_string(event));
	json_object_set_new(o, "data", data ? json_incref(data) : json_null());
	return proto_dump(o);
}
