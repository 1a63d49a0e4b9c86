/* Unit tests for lib/file.c: atomic replacement, and nothing left behind
 * when it fails. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "file.h"

static char dir[] = "/tmp/kura-test-file.XXXXXX";

static int
setup(void **state)
{
	umask(022);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void
slurp(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/* Entries in dir: a failed or finished write leaves no temporary. */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_write_replace(void **state)
{
	char path[128], buf[64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/policy.signed", dir);
	assert_int_equal(file_write_atomic(path, "one\n", 4, 0640), 0);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "one\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(file_write_atomic(path, "two, longer\n", 12, 0640), 0);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "two, longer\n");
	assert_int_equal(entries(), 1);
}

static void
test_write_fails_cleanly(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/no/such/dir/f", dir);
	assert_int_equal(file_write_atomic(path, "x", 1, 0644), -ENOENT);
	/* A directory in the way: the rename fails, the old stays. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(file_write_atomic(path, "x", 1, 0644), -EISDIR);
	assert_int_equal(entries(), 2); /* sub, and the earlier file */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_replace),
		cmocka_unit_test(test_write_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
