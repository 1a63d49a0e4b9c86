/* kura-server.c: the kura-server command table (main() is in
 * kura-server-main.c). */
#include "config.h"

#include "cli.h"
#include "kura-server.h"

const struct cli_program kura_server_program = {
	.name = "kura-server",
	.summary = "The kura management server.",
	/* Commands arrive with their issues; help and version are built in. */
	.commands = NULL,
	.ncommands = 0,
};

int
kura_server_main(int argc, char **argv)
{
	return cli_main(&kura_server_program, argc, argv);
}
