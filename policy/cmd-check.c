/* cmd-check.c: `kura-policy check` (lint) and `compile`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd.h"
#include "lint.h"
#include "load.h"

/* One file: diagnostics into d; returns the compiled policy or NULL. */
static struct policy *
cmd_check_one(const char *path, struct diags *d)
{
	struct policy *p = load_policy(path, d);

	if (p != NULL)
		lint_policy(p, d);
	return p;
}

int
cmd_check(int argc, char **argv)
{
	static const char usage[] = "check [--json] [--strict] POLICY...";
	struct cmd_opts o;
	struct policy *p;
	struct diags d;
	size_t warnings;
	json_t *out;
	int i, first, rc = CLI_EXIT_OK;

	if ((first = cmd_start(argc, argv, &o, usage, 1, argc)) < 0)
		return CLI_EXIT_USAGE;
	out = json_array();
	for (i = first; i < argc; i++) {
		diags_init(&d);
		p = cmd_check_one(argv[i], &d);
		warnings = d.n - d.nerrors;
		if (p == NULL || (o.strict && warnings > 0))
			rc = CLI_EXIT_FAIL;
		if (o.json) {
			json_array_append_new(out,
			    json_pack("{s:s, s:b, s:I, s:o}", "file", argv[i],
				"ok", p != NULL, "version",
				(json_int_t)(p ? p->version : -1),
				"diagnostics", diags_to_json(&d)));
		} else {
			diags_print(&d, stderr);
			printf("%s: %s, %zu error%s, %zu warning%s\n", argv[i],
			    p ? "valid" : "invalid", d.nerrors,
			    d.nerrors == 1 ? "" : "s", warnings,
			    warnings == 1 ? "" : "s");
		}
		policy_free(p);
		diags_free(&d);
	}
	if (o.json)
		cmd_print_json(out);
	else
		json_decref(out);
	return rc;
}

int
cmd_compile(int argc, char **argv)
{
	struct policy *p;

	if (argc != 2) {
		fprintf(stderr, "usage: kura-policy compile POLICY\n");
		return CLI_EXIT_USAGE;
	}
	p = cmd_load_policy(argv[1]);
	if (p == NULL)
		return CLI_EXIT_FAIL;
	cmd_print_json(json_incref(p->canonical));
	policy_free(p);
	return CLI_EXIT_OK;
}
