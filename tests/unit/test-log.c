/* Unit tests for lib/log.c: levels, __func__ prefixes and errno. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

/* Runs the logging calls with stderr sent to a temporary file. */
static char *
log_capture(void (*fn)(void))
{
	char path[] = "/tmp/kura-test-log.XXXXXX";
	static char buf[4096];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	FILE *fp;
	size_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fp = fdopen(fd, "r");
	assert_non_null(fp);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	unlink(path);
	return buf;
}

static void
log_info_call(void)
{
	log_info("hello %d", 42);
	log_debug("not shown");
}

static void
test_info_has_ident_and_func(void **state)
{
	char *out;

	log_init("kt", 1, LOG_LEVEL_INFO);
	out = log_capture(log_info_call);
	assert_string_equal(out, "kt: log_info_call: hello 42\n");
}

static void
log_debug_call(void)
{
	log_debug("detail");
}

static void
test_levels_filter(void **state)
{
	log_init("kt", 1, LOG_LEVEL_WARN);
	assert_string_equal(log_capture(log_info_call), "");
	log_setlevel(LOG_LEVEL_DEBUG);
	assert_int_equal(log_getlevel(), LOG_LEVEL_DEBUG);
	assert_string_equal(log_capture(log_debug_call),
	    "kt: log_debug_call: detail\n");
}

static void
log_warn_call(void)
{
	errno = ENOENT;
	log_warn("open %s", "/x");
	/* Logging must not clobber errno: callers log, then return -errno. */
	assert_int_equal(errno, ENOENT);
	log_warnx("plain");
}

static void
test_warn_appends_strerror(void **state)
{
	char expect[256];

	log_init("kt", 1, LOG_LEVEL_INFO);
	snprintf(expect, sizeof(expect),
	    "kt: log_warn_call: open /x: %s\nkt: log_warn_call: plain\n",
	    strerror(ENOENT));
	assert_string_equal(log_capture(log_warn_call), expect);
}

static void
log_long_call(void)
{
	char big[3000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
}

static void
test_long_message_truncated_not_overflowed(void **state)
{
	char *out;

	log_init("kt", 1, LOG_LEVEL_INFO);
	out = log_capture(log_long_call);
	assert_true(strlen(out) < 1100);
	assert_int_equal(out[strlen(out) - 1], '\n');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_has_ident_and_func),
		cmocka_unit_test(test_levels_filter),
		cmocka_unit_test(test_warn_appends_strerror),
		cmocka_unit_test(test_long_message_truncated_not_overflowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
