/*
 * The audit log: security-relevant actions as JSON lines, one object per
 * line with "time" (UTC, RFC 3339 with milliseconds) and "event", written
 * with O_APPEND and fsynced before audit_write returns, so that a line
 * that was reported is on disk.  Later issues add device decisions and
 * policy changes.
 */
#ifndef KURA_AUDIT_H
#define KURA_AUDIT_H

#include <jansson.h>

struct audit {
	int fd;
	char *path;
};

/* Opens (creating it 0600, and its directory 0700) path for appending. */
int audit_open(struct audit *a, const char *path);
/* Writes {"time":..., "event": event, ...fields}; fields is stolen and may
 * be NULL.  Returns 0, or -1 (logged) if the line could not be written. */
int audit_write(struct audit *a, const char *event, json_t *fields);
void audit_close(struct audit *a);

#endif
