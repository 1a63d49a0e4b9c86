/* kura-policy.c: the kura-policy command table (main() is in
 * kura-policy-main.c). */
#include "config.h"

#include "cli.h"
#include "kura-policy.h"

const struct cli_program kura_policy_program = {
	.name = "kura-policy",
	.summary = "Write, check, sign and explain kura device policies.",
	/* Commands arrive with their issues; help and version are built in. */
	.commands = NULL,
	.ncommands = 0,
};

int
kura_policy_main(int argc, char **argv)
{
	return cli_main(&kura_policy_program, argc, argv);
}
