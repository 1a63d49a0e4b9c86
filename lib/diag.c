/* diag.c: collected errors and warnings about a policy. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>

#include "diag.h"
#include "xalloc.h"

static const char *const diag_names[] = {
	[DIAG_ERROR] = "error",
	[DIAG_WARNING] = "warning",
};

void
diags_init(struct diags *d)
{
	d->v = NULL;
	d->n = d->cap = d->nerrors = 0;
}

void
diags_free(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	diags_init(d);
}

void
diags_add(struct diags *d, enum diag_severity sev, const char *file, int line,
    int col, const char *fmt, ...)
{
	struct diag *g;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		msg = xstrdup("(out of memory formatting a message)");
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	g = &d->v[d->n++];
	g->severity = sev;
	g->file = xstrdup(file ? file : "-");
	g->line = line;
	g->col = col;
	g->msg = msg;
	if (sev == DIAG_ERROR)
		d->nerrors++;
}

void
diags_print(const struct diags *d, FILE *fp)
{
	const struct diag *g;
	size_t i;

	for (i = 0; i < d->n; i++) {
		g = &d->v[i];
		if (g->line > 0 && g->col > 0)
			fprintf(fp, "%s:%d:%d: %s: %s\n", g->file, g->line,
			    g->col, diag_names[g->severity], g->msg);
		else if (g->line > 0)
			fprintf(fp, "%s:%d: %s: %s\n", g->file, g->line,
			    diag_names[g->severity], g->msg);
		else
			fprintf(fp, "%s: %s: %s\n", g->file,
			    diag_names[g->severity], g->msg);
	}
}

json_t *
diags_to_json(const struct diags *d)
{
	json_t *a = json_array();
	const struct diag *g;
	size_t i;

	for (i = 0; i < d->n; i++) {
		g = &d->v[i];
		json_array_append_new(a,
		    json_pack("{s:s, s:s, s:i, s:i, s:s}", "severity",
			diag_names[g->severity], "file", g->file, "line",
			g->line, "column", g->col, "message", g->msg));
	}
	return a;
}
