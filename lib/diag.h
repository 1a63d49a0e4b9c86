/*
 * Diagnostics about a policy: parse errors, compile errors and lint
 * warnings, each with the place it concerns, printed as
 *   FILE:LINE:COL: error: MESSAGE
 * (COL 0 leaves the column out), or as JSON for --json.
 */
#ifndef KURA_DIAG_H
#define KURA_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum diag_severity {
	DIAG_ERROR = 0,
	DIAG_WARNING,
};

struct diag {
	enum diag_severity severity;
	char *file;
	int line, col;
	char *msg;
};

struct diags {
	struct diag *v;
	size_t n, cap;
	size_t nerrors;
};

void diags_init(struct diags *d);
void diags_free(struct diags *d);
void diags_add(struct diags *d, enum diag_severity sev, const char *file,
    int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void diags_print(const struct diags *d, FILE *fp);
json_t *diags_to_json(const struct diags *d);

#endif
