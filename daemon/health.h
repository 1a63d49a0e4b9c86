/*
 * health: what a supervised domain says about itself.  A guest may write
 * one word to data/kura/status in its own xenstore directory; kurad
 * watches it and shows it in status and events (the service domain says
 * "ready" once it serves).  The guest is not trusted: anything but a known
 * word is "invalid".
 */
#ifndef KURA_HEALTH_H
#define KURA_HEALTH_H

#define HEALTH_PATH "data/kura/status"
#define HEALTH_MAX 32 /* longer values are invalid, and not read whole */

enum health {
	HEALTH_NONE = 0, /* nothing reported */
	HEALTH_STARTING,
	HEALTH_READY,
	HEALTH_DEGRADED,
	HEALTH_INVALID,
};

/* len as xswatch_read returns it: the value's length or -errno. */
enum health health_parse(const char *buf, int len);
const char *health_name(enum health h);

#endif
