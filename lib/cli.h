/*
 * Command-line front ends: one table of commands per program, looked up by
 * exact name or unambiguous prefix (as vmctl and xl do), with the options
 * every kura program shares (-h/--help, -V/--version).
 */
#ifndef KURA_CLI_H
#define KURA_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Exit codes shared by every kura program (documented in the man pages). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAIL = 1,  /* the command ran and failed */
	CLI_EXIT_USAGE = 2, /* bad command line */
};

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command name */
	const char *args;                 /* argument synopsis, "" if none */
	const char *help;                 /* one line */
};

struct cli_program {
	const char *name;
	const char *summary;
	const struct cli_command *commands;
	size_t ncommands;
};

enum cli_lookup_result {
	CLI_FOUND,
	CLI_UNKNOWN,
	CLI_AMBIGUOUS,
};

enum cli_lookup_result cli_lookup(const struct cli_program *prog,
    const char *name, const struct cli_command **cmd_r);
void cli_usage(const struct cli_program *prog, FILE *fp);
void cli_version(const struct cli_program *prog, FILE *fp);
int cli_main(const struct cli_program *prog, int argc, char **argv);

#endif
