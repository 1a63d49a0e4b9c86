/*
 * kura-policy.c: the kura-policy command table (main() is in
 * kura-policy-main.c; each command in policy/cmd-VERB.c).  Exit codes:
 * 0 success, 1 the command's check failed (errors in a policy, failing
 * cases, changed decisions for diff, a bad signature), 2 bad command line,
 * 3 diff could not compare.
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "kura-policy.h"

static const struct cli_command kura_policy_commands[] = {
	{ "check", cmd_check, "[--json] [--strict] POLICY...",
	    "report errors and warnings" },
	{ "compile", cmd_compile, "POLICY", "print the canonical JSON form" },
	{ "explain", cmd_explain, "[CONTEXT] POLICY DEVICE",
	    "the deciding rule, and why no earlier rule decided" },
	{ "test", cmd_test, "POLICY CASES",
	    "run a table of expected decisions" },
	{ "diff", cmd_diff, "OLD NEW [DEVICES]",
	    "devices whose decision changes" },
	{ "probe", cmd_probe, "[--sysfs ROOT] [--policy POLICY]",
	    "list the devices of a sysfs tree" },
	{ "keygen", cmd_keygen, "PREFIX", "make an Ed25519 signing key pair" },
	{ "sign", cmd_sign, "--key KEY [-o OUT] POLICY", "sign a policy" },
	{ "verify", cmd_verify, "--pubkey PUB SIGNED",
	    "check a signed policy's signature and version" },
};

const struct cli_program kura_policy_program = {
	.name = "kura-policy",
	.summary = "Write, check, sign and explain kura device policies.\n"
		   "CONTEXT options: --on-lan | --off-lan (default), --lease, "
		   "--time HH:MM (12:00),\n--day mon..sun (mon), --group NAME; "
		   "--json for machine-readable output.",
	.commands = kura_policy_commands,
	.ncommands =
	    sizeof(kura_policy_commands) / sizeof(kura_policy_commands[0]),
};

int
kura_policy_main(int argc, char **argv)
{
	return cli_main(&kura_policy_program, argc, argv);
}
