/* health.c: the words a guest may report (see health.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "health.h"

static const char *const health_names[] = {
	[HEALTH_NONE] = "none",
	[HEALTH_STARTING] = "starting",
	[HEALTH_READY] = "ready",
	[HEALTH_DEGRADED] = "degraded",
	[HEALTH_INVALID] = "invalid",
};

enum health
health_parse(const char *buf, int len)
{
	int h;

	if (len < 0)
		return len == -ENOENT ? HEALTH_NONE : HEALTH_INVALID;
	/* Only the guest-reportable words; an embedded NUL never matches. */
	for (h = HEALTH_STARTING; h <= HEALTH_DEGRADED; h++)
		if ((size_t)len == strlen(health_names[h]) &&
		    memcmp(buf, health_names[h], (size_t)len) == 0)
			return (enum health)h;
	return HEALTH_INVALID;
}

const char *
health_name(enum health h)
{
	return (unsigned)h <= HEALTH_INVALID ? health_names[h] : "invalid";
}
