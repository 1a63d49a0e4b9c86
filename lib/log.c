/* log.c: one sink for every message, stderr or syslog. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int log_to_stderr = 1;
static enum log_level log_level = LOG_LEVEL_INFO;
static const char *log_ident = "kura";

static const int log_syslog_prio[] = {
	[LOG_LEVEL_WARN] = LOG_WARNING,
	[LOG_LEVEL_INFO] = LOG_INFO,
	[LOG_LEVEL_DEBUG] = LOG_DEBUG,
};

void
log_init(const char *ident, int to_stderr, enum log_level level)
{
	if (!log_to_stderr)
		closelog();
	log_ident = ident;
	log_to_stderr = to_stderr;
	log_level = level;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setlevel(enum log_level level)
{
	log_level = level;
}

enum log_level
log_getlevel(void)
{
	return log_level;
}

void
log_vemit(enum log_level level, int errnum, const char *func, const char *fmt,
    va_list ap)
{
	char msg[1024];
	int saved = errno;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_to_stderr) {
		if (errnum)
			fprintf(stderr, "%s: %s: %s: %s\n", log_ident, func,
			    msg, strerror(errnum));
		else
			fprintf(stderr, "%s: %s: %s\n", log_ident, func, msg);
		fflush(stderr);
	} else if (errnum) {
		syslog(log_syslog_prio[level], "%s: %s: %s", func, msg,
		    strerror(errnum));
	} else {
		syslog(log_syslog_prio[level], "%s: %s", func, msg);
	}
	errno = saved;
}

void
log_emit(enum log_level level, int errnum, const char *func, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(level, errnum, func, fmt, ap);
	va_end(ap);
}

void
log_fatal(int errnum, const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_WARN, errnum, func, fmt, ap);
	va_end(ap);
	exit(1);
}
