/* kura-image.c: the kura-image command table (main() is in kura-image-main.c).
 */
#include "config.h"

#include "cli.h"
#include "kura-image.h"

const struct cli_program kura_image_program = {
	.name = "kura-image",
	.summary = "Build, publish and assemble kura master images.",
	/* Commands arrive with their issues; help and version are built in. */
	.commands = NULL,
	.ncommands = 0,
};

int
kura_image_main(int argc, char **argv)
{
	return cli_main(&kura_image_program, argc, argv);
}
