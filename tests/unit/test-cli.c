/* Unit tests for lib/cli.c: command lookup and the shared options. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

static int cli_test_calls;
static int cli_test_argc;

static int
cli_test_fn(int argc, char **argv)
{
	cli_test_calls++;
	cli_test_argc = argc;
	return strcmp(argv[0], "start") == 0 ? 7 : 0;
}

static const struct cli_command cli_test_commands[] = {
	{ "start", cli_test_fn, "NAME", "start" },
	{ "status", cli_test_fn, "", "status" },
	{ "stop", cli_test_fn, "NAME", "stop" },
	{ "events", cli_test_fn, "", "events" },
};

static const struct cli_program cli_test_prog = {
	.name = "t",
	.summary = "test program",
	.commands = cli_test_commands,
	.ncommands = 4,
};

static void
test_lookup_exact_beats_prefix(void **state)
{
	static const struct cli_command tab[] = {
		{ "vm", cli_test_fn, "", "" },
		{ "vmlist", cli_test_fn, "", "" },
	};
	const struct cli_program p = { "p", "", tab, 2 };
	const struct cli_command *c;

	assert_int_equal(cli_lookup(&p, "vm", &c), CLI_FOUND);
	assert_ptr_equal(c, &tab[0]);
}

static void
test_lookup_prefix(void **state)
{
	const struct cli_command *c;

	assert_int_equal(cli_lookup(&cli_test_prog, "ev", &c), CLI_FOUND);
	assert_string_equal(c->name, "events");
	assert_int_equal(cli_lookup(&cli_test_prog, "sto", &c), CLI_FOUND);
	assert_string_equal(c->name, "stop");
}

static void
test_lookup_ambiguous_and_unknown(void **state)
{
	const struct cli_command *c;

	assert_int_equal(cli_lookup(&cli_test_prog, "st", &c), CLI_AMBIGUOUS);
	assert_null(c);
	assert_int_equal(cli_lookup(&cli_test_prog, "sta", &c), CLI_AMBIGUOUS);
	assert_int_equal(cli_lookup(&cli_test_prog, "x", &c), CLI_UNKNOWN);
	assert_int_equal(cli_lookup(&cli_test_prog, "", &c), CLI_UNKNOWN);
	assert_int_equal(cli_lookup(&cli_test_prog, "stopp", &c), CLI_UNKNOWN);
}

static int
cli_test_run(int argc, const char *a0, const char *a1, const char *a2)
{
	const char *in[] = { a0, a1, a2 };
	char *argv[4] = { NULL };
	int i, rc;

	for (i = 0; i < 3; i++)
		argv[i] = in[i] ? strdup(in[i]) : NULL;
	rc = cli_main(&cli_test_prog, argc, argv);
	for (i = 0; i < 3; i++)
		free(argv[i]);
	return rc;
}

static void
test_main_dispatch(void **state)
{
	cli_test_calls = 0;
	assert_int_equal(cli_test_run(3, "t", "start", "vm1"), 7);
	assert_int_equal(cli_test_calls, 1);
	assert_int_equal(cli_test_argc, 2);
	assert_int_equal(cli_test_run(2, "t", "statu", NULL), 0);
	assert_int_equal(cli_test_calls, 2);
}

static void
test_main_builtins_and_errors(void **state)
{
	cli_test_calls = 0;
	assert_int_equal(cli_test_run(2, "t", "--version", NULL), CLI_EXIT_OK);
	assert_int_equal(cli_test_run(2, "t", "-V", NULL), CLI_EXIT_OK);
	assert_int_equal(cli_test_run(2, "t", "version", NULL), CLI_EXIT_OK);
	assert_int_equal(cli_test_run(2, "t", "-h", NULL), CLI_EXIT_OK);
	assert_int_equal(cli_test_run(1, "t", NULL, NULL), CLI_EXIT_USAGE);
	assert_int_equal(cli_test_run(2, "t", "st", NULL), CLI_EXIT_USAGE);
	assert_int_equal(cli_test_run(2, "t", "nope", NULL), CLI_EXIT_USAGE);
	assert_int_equal(cli_test_calls, 0);
}

/* A program's own "version" command runs (kuractl's asks kurad too),
 * and the usage lists it once; -V stays the built-in. */
static void
test_main_own_version(void **state)
{
	static const struct cli_command tab[] = {
		{ "version", cli_test_fn, "", "mine" },
	};
	const struct cli_program p = { "p", "", tab, 1 };
	char a0[] = "p", a1[] = "version", a2[] = "-V";
	char *argv[] = { a0, a1, NULL }, *argv_v[] = { a0, a2, NULL };
	char buf[2048] = "";
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");

	cli_test_calls = 0;
	assert_int_equal(cli_main(&p, 2, argv), 0);
	assert_int_equal(cli_test_calls, 1);
	assert_int_equal(cli_main(&p, 2, argv_v), CLI_EXIT_OK);
	assert_int_equal(cli_test_calls, 1);
	assert_non_null(fp);
	cli_usage(&p, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "version"));
	assert_null(strstr(strstr(buf, "version") + 1, "\n  version"));
}

static void
test_usage_lists_every_command(void **state)
{
	char buf[4096] = "";
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");
	size_t i;

	assert_non_null(fp);
	cli_usage(&cli_test_prog, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "usage: t "));
	for (i = 0; i < cli_test_prog.ncommands; i++)
		assert_non_null(strstr(buf, cli_test_commands[i].name));
	assert_non_null(strstr(buf, "start NAME"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_exact_beats_prefix),
		cmocka_unit_test(test_lookup_prefix),
		cmocka_unit_test(test_lookup_ambiguous_and_unknown),
		cmocka_unit_test(test_main_dispatch),
		cmocka_unit_test(test_main_builtins_and_errors),
		cmocka_unit_test(test_main_own_version),
		cmocka_unit_test(test_usage_lists_every_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
