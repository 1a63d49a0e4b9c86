/* kuractl.c: the kuractl command table (main() is in kuractl-main.c). */
#include "config.h"

#include "cli.h"
#include "kuractl.h"

const struct cli_program kuractl_program = {
	.name = "kuractl",
	.summary = "Control and inspect kurad.",
	/* Commands arrive with their issues; help and version are built in. */
	.commands = NULL,
	.ncommands = 0,
};

int
kuractl_main(int argc, char **argv)
{
	return cli_main(&kuractl_program, argc, argv);
}
