/* cli.c: command tables and the options all kura programs share. */
#include "config.h"

#include <string.h>

#include "cli.h"

enum cli_lookup_result
cli_lookup(const struct cli_program *prog, const char *name,
    const struct cli_command **cmd_r)
{
	const struct cli_command *match = NULL;
	size_t len = strlen(name), i;
	int nmatch = 0;

	*cmd_r = NULL;
	if (len == 0)
		return CLI_UNKNOWN;
	for (i = 0; i < prog->ncommands; i++) {
		const struct cli_command *c = &prog->commands[i];

		if (strcmp(c->name, name) == 0) {
			*cmd_r = c;
			return CLI_FOUND;
		}
		if (strncmp(c->name, name, len) == 0) {
			match = c;
			nmatch++;
		}
	}
	if (nmatch > 1)
		return CLI_AMBIGUOUS;
	if (nmatch == 0)
		return CLI_UNKNOWN;
	*cmd_r = match;
	return CLI_FOUND;
}

/* A program's own command of that exact name wins over the built-in
 * one (kuractl's "version" also asks kurad). */
static int
cli_has(const struct cli_program *prog, const char *name)
{
	size_t i;

	for (i = 0; i < prog->ncommands; i++)
		if (strcmp(prog->commands[i].name, name) == 0)
			return 1;
	return 0;
}

void
cli_usage(const struct cli_program *prog, FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: %s [-hV] command [arguments]\n", prog->name);
	fprintf(fp, "%s\n\ncommands:\n", prog->summary);
	fprintf(fp, "  %-28s %s\n", "help", "this text");
	if (!cli_has(prog, "version"))
		fprintf(fp, "  %-28s %s\n", "version", "print the version");
	for (i = 0; i < prog->ncommands; i++) {
		const struct cli_command *c = &prog->commands[i];
		char synopsis[80];

		snprintf(synopsis, sizeof(synopsis), "%s %s", c->name, c->args);
		if (strlen(synopsis) > 28)
			fprintf(fp, "  %s\n  %-28s %s\n", synopsis, "",
			    c->help);
		else
			fprintf(fp, "  %-28s %s\n", synopsis, c->help);
	}
	fprintf(fp,
	    "\noptions:\n  -h, --help      this text\n"
	    "  -V, --version   print the version and exit\n"
	    "Commands may be abbreviated to any unambiguous prefix.\n");
}

void
cli_version(const struct cli_program *prog, FILE *fp)
{
	fprintf(fp, "%s (%s) %s\n", prog->name, PACKAGE_NAME, PACKAGE_VERSION);
}

static int
cli_is(const char *arg, const char *shortopt, const char *longopt)
{
	return strcmp(arg, shortopt) == 0 || strcmp(arg, longopt) == 0;
}

int
cli_main(const struct cli_program *prog, int argc, char **argv)
{
	const struct cli_command *cmd;

	if (argc < 2) {
		cli_usage(prog, stderr);
		return CLI_EXIT_USAGE;
	}
	if (cli_is(argv[1], "-h", "--help") || strcmp(argv[1], "help") == 0) {
		cli_usage(prog, stdout);
		return CLI_EXIT_OK;
	}
	if (cli_is(argv[1], "-V", "--version") ||
	    (strcmp(argv[1], "version") == 0 && !cli_has(prog, "version"))) {
		cli_version(prog, stdout);
		return CLI_EXIT_OK;
	}
	switch (cli_lookup(prog, argv[1], &cmd)) {
	case CLI_FOUND:
		return cmd->fn(argc - 1, argv + 1);
	case CLI_AMBIGUOUS:
		fprintf(stderr, "%s: ambiguous command: %s\n", prog->name,
		    argv[1]);
		return CLI_EXIT_USAGE;
	case CLI_UNKNOWN:
		break;
	}
	fprintf(stderr, "%s: unknown command: %s (try %s --help)\n", prog->name,
	    argv[1], prog->name);
	return CLI_EXIT_USAGE;
}
