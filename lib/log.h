/*
 * Logging for every kura program: stderr in the foreground, syslog when
 * daemonized.  Each message names the function it comes from, so the log
 * reads like a trace without a debugger.
 */
#ifndef KURA_LOG_H
#define KURA_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_WARN = 0,
	LOG_LEVEL_INFO = 1,
	LOG_LEVEL_DEBUG = 2,
};

/* Where messages go and how much is said; safe to call again. */
void log_init(const char *ident, int to_stderr, enum log_level level);
void log_setlevel(enum log_level level);
enum log_level log_getlevel(void);

/* Formatting core; the macros below add __func__. */
void log_emit(enum log_level level, int errnum, const char *func,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void log_vemit(enum log_level level, int errnum, const char *func,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
_Noreturn void log_fatal(int errnum, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* log_warn appends strerror(errno); log_warnx does not. */
#define log_warn(...) log_emit(LOG_LEVEL_WARN, errno, __func__, __VA_ARGS__)
#define log_warnx(...) log_emit(LOG_LEVEL_WARN, 0, __func__, __VA_ARGS__)
#define log_info(...) log_emit(LOG_LEVEL_INFO, 0, __func__, __VA_ARGS__)
#define log_debug(...) log_emit(LOG_LEVEL_DEBUG, 0, __func__, __VA_ARGS__)
#define fatal(...) log_fatal(errno, __func__, __VA_ARGS__)
#define fatalx(...) log_fatal(0, __func__, __VA_ARGS__)

#endif
