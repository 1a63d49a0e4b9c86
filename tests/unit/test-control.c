/* Unit tests for kurad's dispatch table (daemon/ctlcmd.c): who may use
 * which command. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"

/* What an employee (not root, not in the control group) may do: read,
 * including why a stick of theirs is denied. */
static const char *const control_readers[] = { "device.explain", "device.list",
	"device.show", "events", "policy.show", "status", "version",
	"vm.list" };

static int
control_is_reader(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(control_readers) / sizeof(control_readers[0]);
	     i++)
		if (strcmp(name, control_readers[i]) == 0)
			return 1;
	return 0;
}

static void
test_every_command_has_the_expected_permission(void **state)
{
	const struct ctl_cmd *c, *got;
	size_t i;

	assert_true(ctlcmd_count() >= 10);
	for (i = 0; (c = ctlcmd_at(i)) != NULL; i++) {
		assert_non_null(c->fn);
		assert_int_equal(ctlcmd_lookup(c->name, 1, &got), 0);
		assert_ptr_equal(got, c);
		if (control_is_reader(c->name))
			assert_int_equal(ctlcmd_lookup(c->name, 0, &got), 0);
		else if (ctlcmd_lookup(c->name, 0, &got) != -EPERM)
			fail_msg("%s is open to everyone", c->name);
	}
}

static void
test_acting_commands_need_admin(void **state)
{
	static const char *const acts[] = { "vm.start", "vm.stop", "vm.restart",
		"vm.console", "service.status", "service.restart", "shutdown" };
	const struct ctl_cmd *c;
	size_t i;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		assert_int_equal(ctlcmd_lookup(acts[i], 0, &c), -EPERM);
		assert_int_equal(ctlcmd_lookup(acts[i], 1, &c), 0);
	}
}

static void
test_unknown_commands(void **state)
{
	const struct ctl_cmd *c = (const struct ctl_cmd *)1;

	assert_int_equal(ctlcmd_lookup("vm.destroy-everything", 1, &c),
	    -ENOSYS);
	assert_null(c);
	assert_int_equal(ctlcmd_lookup("", 1, &c), -ENOSYS);
	assert_int_equal(ctlcmd_lookup("STATUS", 1, &c), -ENOSYS);
	assert_int_equal(ctlcmd_lookup("status ", 0, &c), -ENOSYS);
	assert_null(ctlcmd_at(ctlcmd_count()));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_every_command_has_the_expected_permission),
		cmocka_unit_test(test_acting_commands_need_admin),
		cmocka_unit_test(test_unknown_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
