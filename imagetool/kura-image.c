/* kura-image.c: the kura-image command table (main() is in
 * kura-image-main.c). */
#include "config.h"

#include "cli.h"
#include "kura-image.h"

static const struct cli_command kura_image_commands[] = {
	{ "keygen", imgcmd_keygen, "PREFIX",
	    "make an Ed25519 key pair for signing manifests" },
	{ "create", imgcmd_create, "--store DIR --key KEY --name NAME IMAGE",
	    "chunk a raw or qcow2 disk image into a store, sign its manifest" },
	{ "info", imgcmd_info, "[--store DIR] [--pubkey PUB] MANIFEST",
	    "show a manifest" },
	{ "ls", imgcmd_ls, "--store DIR [NAME]",
	    "list images and versions in a store" },
	{ "verify", imgcmd_verify,
	    "--store DIR --pubkey PUB [--sample PCT] MANIFEST...",
	    "check signatures and chunks (all, or a sample)" },
	{ "diff", imgcmd_diff, "--store DIR A B",
	    "bytes a laptop holding A must download to get B" },
	{ "assemble", imgcmd_assemble,
	    "--store DIR|URL --pubkey PUB --into DIR [--seed FILE]... MANIFEST",
	    "write a version's raw disk image, crash-safe and resumable" },
	{ "gc", imgcmd_gc, "--store DIR [--keep N]",
	    "drop chunks that no kept version references" },
};

const struct cli_program kura_image_program = {
	.name = "kura-image",
	.summary = "Build, publish and assemble kura master images.",
	.commands = kura_image_commands,
	.ncommands =
	    sizeof(kura_image_commands) / sizeof(kura_image_commands[0]),
};

int
kura_image_main(int argc, char **argv)
{
	return cli_main(&kura_image_program, argc, argv);
}
