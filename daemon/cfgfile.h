/*
 * cfgfile: one file in xl.cfg syntax (xl.cfg(5)), parsed by libxlutil,
 * plus what libxlutil does not give: the line of each top-level key (for
 * messages, and to reject the keys kurad does not know: libxlutil cannot
 * list them) and its reports turned into diagnostics.
 *
 * The getters leave *value_r alone when the key is absent, so callers
 * preset the default; they return -1 after reporting a wrong value.
 */
#ifndef KURA_CFGFILE_H
#define KURA_CFGFILE_H

#include <stddef.h>
#include <stdio.h>

#define LIBXL_API_VERSION 0x041400
#include <libxl.h>
#include <libxlutil.h>

#include "diag.h"

struct cfgfile_key {
	char *name;
	int line;        /* of its last assignment, the one libxlutil keeps */
	int append;      /* that assignment is += */
	int *item_lines; /* for a list: the line of each item */
	size_t nitems;
};

struct cfgfile {
	const char *path; /* as messages name it */
	struct diags *d;
	XLU_Config *xlu;
	int parsed;   /* libxlutil accepted the syntax: the getters work */
	FILE *report; /* libxlutil's messages go here, into rbuf */
	char *rbuf;
	size_t rlen, rdone;
	struct cfgfile_key *keys;
	size_t nkeys;
};

/* Reads and parses path; -1 if it cannot be read (reported).  Syntax
 * errors are reported and leave parsed 0.  Close f in any case. */
int cfgfile_open(struct cfgfile *f, const char *path, struct diags *d);
void cfgfile_close(struct cfgfile *f);

/* The line of key's last assignment, 0 if it is not set. */
int cfgfile_line(const struct cfgfile *f, const char *key);
int cfgfile_item_line(const struct cfgfile *f, const char *key, int i);

/* Reports each key not in table: n entries of size bytes, each starting
 * with its name (const char *).  Returns -1 if there was one. */
int cfgfile_check_keys(struct cfgfile *f, const void *table, size_t n,
    size_t size);
/* The names of such a table, "a, b, c", to free: for messages. */
char *cfgfile_names(const void *table, size_t n, size_t size);

int cfgfile_string(struct cfgfile *f, const char *key, const char **value_r);
int cfgfile_long(struct cfgfile *f, const char *key, long min, long max,
    long *value_r);
/* *n_r is 0 if key is absent; each item is a string, or reported. */
int cfgfile_list(struct cfgfile *f, const char *key, XLU_ConfigList **list_r,
    int *n_r);
int cfgfile_list_item(struct cfgfile *f, const char *key,
    const XLU_ConfigList *list, int i, const char **item_r);

/* Turns what libxlutil printed since the last call into diagnostics; a
 * message without a line gets line, and what gets prefix. */
void cfgfile_drain(struct cfgfile *f, int line, const char *what);

/* Orders the diagnostics from first on by file (in the order of their
 * first message), then line: checks run in their own order, but a file's
 * messages should read from its top to its bottom. */
void cfgfile_sort_diags(struct diags *d, size_t first);

/* An error about key, at the line of its assignment. */
#define cfgfile_error(f, key, ...)                                             \
	diags_add((f)->d, DIAG_ERROR, (f)->path, cfgfile_line((f), (key)), 0,  \
	    __VA_ARGS__)

#endif
