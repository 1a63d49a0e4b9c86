/*
 * libFuzzer target: the control protocol codec on arbitrary bytes, as a
 * peer would send them.  The input goes through the line buffer in reads
 * whose sizes its last byte chooses (so that a seed is plain protocol
 * text, usually ending in "\n": reads of 11 bytes); every line goes through
 * both decoders, and what decodes is re-encoded and decoded again, which must
 * give the same message and, from then on, the same bytes.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

/* An encoded line: one "\n", at its end, and within PROTO_MAX_LINE. */
static size_t
fuzz_check_encoded(const char *s)
{
	size_t n = strlen(s);

	CHECK(n >= 1 && n <= PROTO_MAX_LINE);
	CHECK(memchr(s, '\n', n) == s + n - 1);
	return n - 1;
}

/* Encoding a decoded request may only fail by growing too long (reals
 * print with 17 digits); otherwise it decodes to the same request, and
 * re-encoding that gives the same bytes. */
static void
fuzz_request(const char *line, size_t len)
{
	struct proto_request r, r2;
	char err[256], *s, *s2;
	int errnum;

	if (proto_request_decode(line, len, &r, &errnum, err, sizeof(err))) {
		CHECK(errnum == EPROTO || errnum == EPROTONOSUPPORT);
		CHECK(r.args == NULL && r.id >= -1);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return;
	}
	CHECK(errnum == 0 && json_is_object(r.args));
	s = proto_request_encode(r.id, r.cmd, r.args);
	if (s == NULL) {
		CHECK(errno == EMSGSIZE);
		proto_request_clear(&r);
		return;
	}
	CHECK(proto_request_decode(s, fuzz_check_encoded(s), &r2, &errnum, err,
		  sizeof(err)) == 0);
	CHECK(r2.id == r.id && strcmp(r2.cmd, r.cmd) == 0);
	CHECK(json_equal(r2.args, r.args));
	s2 = proto_request_encode(r2.id, r2.cmd, r2.args);
	CHECK(s2 != NULL && strcmp(s, s2) == 0);
	free(s2);
	free(s);
	proto_request_clear(&r2);
	proto_request_clear(&r);
}

/* Re-encodes a decoded reply or event with the matching encoder. */
static char *
fuzz_message_encode(const struct proto_message *m)
{
	if (m->is_event)
		return proto_event_encode(m->event, m->data);
	if (m->ok)
		return proto_reply_ok(m->id, m->result);
	return proto_reply_error(m->id, m->errnum, "%s", m->message);
}

static void
fuzz_message_same(const struct proto_message *a, const struct proto_message *b)
{
	CHECK(a->is_event == b->is_event && a->id == b->id && a->ok == b->ok);
	CHECK(json_equal(a->result, b->result) || (!a->result && !b->result));
	CHECK(json_equal(a->data, b->data) || (!a->data && !b->data));
	CHECK(a->errnum == b->errnum && strcmp(a->event, b->event) == 0);
	/* The name is ours, not the peer's: only the message must match. */
	CHECK(strcmp(a->message, b->message) == 0);
}

static void
fuzz_message(const char *line, size_t len)
{
	struct proto_message m, m2;
	char err[256], *s;

	if (proto_message_decode(line, len, &m, err, sizeof(err))) {
		CHECK(m.result == NULL && m.data == NULL);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return;
	}
	CHECK(m.is_event ? m.event[0] != '\0' : m.id >= -1);
	CHECK(m.ok || m.is_event || (m.errnum > 0 && m.errname[0] != '\0'));
	s = fuzz_message_encode(&m);
	if (s == NULL) {
		CHECK(errno == EMSGSIZE);
		proto_message_clear(&m);
		return;
	}
	CHECK(proto_message_decode(s, fuzz_check_encoded(s), &m2, err,
		  sizeof(err)) == 0);
	fuzz_message_same(&m, &m2);
	free(s);
	proto_message_clear(&m2);
	proto_message_clear(&m);
}

/* Whether s is short printable ASCII, which a message keeps as it is. */
static int
fuzz_plain(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return n < 256;
}

/* Whatever a line says, an error reply carrying it is a valid line. */
static void
fuzz_error_reply(const char *line)
{
	struct proto_message m;
	char err[256], *s = proto_reply_error(-1, EPROTO, "%s", line);

	CHECK(s != NULL);
	CHECK(proto_message_decode(s, fuzz_check_encoded(s), &m, err,
		  sizeof(err)) == 0);
	CHECK(m.id == -1 && m.errnum == EPROTO && !m.ok);
	CHECK(!fuzz_plain(line) || strcmp(m.message, line) == 0);
	proto_message_clear(&m);
	free(s);
}

static void
fuzz_line(char *line, size_t len)
{
	CHECK(line[len] == '\0' && memchr(line, '\n', len) == NULL);
	CHECK(len < PROTO_MAX_LINE);
	/* As kurad and kuractl do: an empty line is no message. */
	if (len == 0)
		return;
	fuzz_request(line, len);
	fuzz_message(line, len);
	fuzz_error_reply(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_buf b;
	size_t step, off, n, len;
	char *line;

	if (size == 0)
		return 0;
	/* Reads of 1..256 bytes, as a slow or fast peer would arrive. */
	step = (size_t)data[size - 1] + 1;
	proto_buf_init(&b);
	for (off = 0; off < size; off += n) {
		n = size - off < step ? size - off : step;
		if (proto_buf_append(&b, data + off, n) == -1)
			break;
		while (proto_buf_line(&b, &line, &len) == 1)
			fuzz_line(line, len);
		CHECK(b.len - b.consumed <= PROTO_MAX_LINE);
		CHECK(b.cap <= PROTO_MAX_LINE + 2 * step + 4096);
	}
	proto_buf_free(&b);
	return 0;
}
