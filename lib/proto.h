/*
 * The control protocol between kurad and its clients (kuractl, and later
 * kura's other tools) over the Unix socket /run/kura/kurad.sock.
 *
 * Framing: one JSON object per line, UTF-8, compact (no newline inside),
 * each line ending in "\n", at most PROTO_MAX_LINE bytes including it.
 * Messages (all carry "v": PROTO_VERSION; a peer that sees another
 * version answers with an EPROTONOSUPPORT error and closes):
 *   request  {"v": 1, "id": 7, "cmd": "vm.stop", "args": {"name": "client"}}
 *   reply    {"v": 1, "id": 7, "ok": true, "result": {...}}
 *            {"v": 1, "id": 7, "ok": false,
 *             "error": {"errno": 1, "name": "EPERM", "message": "..."}}
 *   event    {"v": 1, "event": "domain", "data": {...}}   (unsolicited,
 *            only after a client asked for events)
 * "id" is chosen by the client (an integer 0..2^53), echoed in the reply;
 * "args" is optional and must be an object; "cmd" is 1..63 characters of
 * [a-z0-9.-].
 */
#ifndef KURA_PROTO_H
#define KURA_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define PROTO_VERSION 1
#define PROTO_MAX_LINE 65536
#define PROTO_CMD_MAX 64

/* Accumulates bytes read from a socket and cuts them into lines. */
struct proto_buf {
	char *data;
	size_t len, cap;
	size_t consumed; /* bytes of data already returned as lines */
};

void proto_buf_init(struct proto_buf *b);
void proto_buf_free(struct proto_buf *b);
/* Appends n bytes; returns 0, or -1 when the data since the last newline
 * would exceed PROTO_MAX_LINE (the peer is then to be dropped). */
int proto_buf_append(struct proto_buf *b, const void *p, size_t n);
/* The next complete line, without its "\n" and NUL-terminated in place,
 * valid until the next call on b: 1 if there is one, 0 if not. */
int proto_buf_line(struct proto_buf *b, char **line_r, size_t *len_r);

struct proto_request {
	int64_t id;
	char cmd[PROTO_CMD_MAX];
	json_t *args; /* an object, never NULL after a successful decode */
};

/* Decodes and validates one line.  Returns 0, or -1 with a message fit
 * for an error reply in err; *errnum_r is EPROTO for malformed input and
 * EPROTONOSUPPORT for another version.  On failure r->id is the request's
 * id if one could be read, else -1. */
int proto_request_decode(const char *line, size_t len, struct proto_request *r,
    int *errnum_r, char *err, size_t errlen);
void proto_request_clear(struct proto_request *r);

/* A reply or an event, as a client decodes it. */
struct proto_message {
	int is_event;
	int64_t id;
	int ok;
	json_t *result; /* ok reply: the result (an object or NULL) */
	int errnum;     /* error reply */
	char errname[32];
	char message[256];
	char event[PROTO_CMD_MAX]; /* event: its name and data */
	json_t *data;
};

int proto_message_decode(const char *line, size_t len, struct proto_message *m,
    char *err, size_t errlen);
void proto_message_clear(struct proto_message *m);

/* Encoders: a malloc'd line ending in "\n".  The json_t arguments are
 * borrowed (not stolen) and may be NULL for "no args/result/data". */
char *proto_request_encode(int64_t id, const char *cmd, json_t *args);
char *proto_reply_ok(int64_t id, json_t *result);
char *proto_reply_error(int64_t id, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *proto_event_encode(const char *event, json_t *data);

#endif
