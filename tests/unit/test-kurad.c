/* Unit tests for kurad's command line (daemon/kurad.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kurad.h"

/* The arguments stay until the next call: opts may point into them. */
static int
kurad_test_parse(struct kurad_opts *o, int argc, const char *a1, const char *a2)
{
	static char *argv[4];
	const char *in[] = { "kurad", a1, a2 };
	int i;

	for (i = 0; i < 3; i++) {
		free(argv[i]);
		argv[i] = in[i] ? strdup(in[i]) : NULL;
	}
	return kurad_parse_args(argc, argv, o);
}

static void
test_defaults(void **state)
{
	struct kurad_opts o;

	assert_int_equal(kurad_test_parse(&o, 1, NULL, NULL), 0);
	assert_int_equal(o.foreground, 0);
	assert_int_equal(o.verbose, 0);
	assert_int_equal(o.check_only, 0);
	assert_string_equal(o.conf_path, "/etc/kura/kurad.conf");
}

static void
test_flags(void **state)
{
	struct kurad_opts o;

	assert_int_equal(kurad_test_parse(&o, 3, "-d", "-v"), 0);
	assert_int_equal(o.foreground, 1);
	assert_int_equal(o.verbose, 1);
	assert_int_equal(kurad_test_parse(&o, 2, "-dvv", NULL), 0);
	assert_int_equal(o.verbose, 2);
}

static void
test_check_and_conf(void **state)
{
	struct kurad_opts o;

	assert_int_equal(kurad_test_parse(&o, 2, "-n", NULL), 0);
	assert_int_equal(o.check_only, 1);
	assert_string_equal(o.conf_path, "/etc/kura/kurad.conf");
	assert_int_equal(kurad_test_parse(&o, 3, "-f", "/tmp/k.conf"), 0);
	assert_int_equal(o.check_only, 0);
	assert_string_equal(o.conf_path, "/tmp/k.conf");
	assert_int_equal(kurad_test_parse(&o, 3, "-nf", "k.conf"), 0);
	assert_int_equal(o.check_only, 1);
	assert_string_equal(o.conf_path, "k.conf");
	assert_int_equal(kurad_test_parse(&o, 2, "-fk.conf", NULL), 0);
	assert_string_equal(o.conf_path, "k.conf");
	/* -f wants its file */
	assert_int_equal(kurad_test_parse(&o, 2, "-f", NULL), -1);
	assert_int_equal(kurad_test_parse(&o, 3, "-n", "k.conf"), -1);
}

static void
test_help_version_and_errors(void **state)
{
	struct kurad_opts o;

	assert_int_equal(kurad_test_parse(&o, 2, "-h", NULL), 1);
	assert_int_equal(kurad_test_parse(&o, 2, "-V", NULL), 1);
	assert_int_equal(kurad_test_parse(&o, 2, "-x", NULL), -1);
	assert_int_equal(kurad_test_parse(&o, 2, "extra", NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_check_and_conf),
		cmocka_unit_test(test_help_version_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
