/* cfgfile.c: xl.cfg-syntax files through libxlutil, with diagnostics. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfile.h"
#include "log.h"
#include "xalloc.h"

/* Configuration files are small; a bigger one is a mistake. */
#define CFGFILE_MAX_SIZE (1024 * 1024)

/* Where the scan of a file for its top-level keys is. */
struct cfgfile_scan {
	struct cfgfile *f;
	const char *s;
	int line;
	int depth;               /* of [ ] */
	int start;               /* a statement may start here */
	struct cfgfile_key *key; /* whose value is being scanned */
	int want_item;           /* the next token at depth 1 starts an item */
};

static int
cfgfile_read(struct cfgfile *f, char **data_r, size_t *len_r)
{
	FILE *fp;
	char *buf = xmalloc(CFGFILE_MAX_SIZE + 1);
	size_t len;
	int rc = -1;

	*data_r = buf;
	fp = fopen(f->path, "r");
	if (fp == NULL) {
		diags_add(f->d, DIAG_ERROR, f->path, 0, 0, "cannot open: %s",
		    strerror(errno));
		return -1;
	}
	len = fread(buf, 1, CFGFILE_MAX_SIZE + 1, fp);
	if (ferror(fp))
		diags_add(f->d, DIAG_ERROR, f->path, 0, 0, "cannot read: %s",
		    strerror(errno));
	else if (len > CFGFILE_MAX_SIZE)
		diags_add(f->d, DIAG_ERROR, f->path, 0, 0,
		    "too big for a configuration file (over %d bytes)",
		    CFGFILE_MAX_SIZE);
	else if (memchr(buf, '\0', len) != NULL)
		diags_add(f->d, DIAG_ERROR, f->path, 0, 0,
		    "not a text file: it holds a NUL byte");
	else
		rc = 0;
	fclose(fp);
	buf[rc == 0 ? len : 0] = '\0';
	*len_r = rc == 0 ? len : 0;
	return rc;
}

static struct cfgfile_key *
cfgfile_find(const struct cfgfile *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nkeys; i++)
		if (strcmp(f->keys[i].name, name) == 0)
			return &f->keys[i];
	return NULL;
}

/* Records an assignment; like libxlutil, the last one counts. */
static struct cfgfile_key *
cfgfile_assign(struct cfgfile *f, const char *name, size_t len, int line,
    int append)
{
	char *n = xmalloc(len + 1);
	struct cfgfile_key *k;

	memcpy(n, name, len);
	n[len] = '\0';
	k = cfgfile_find(f, n);
	if (k == NULL) {
		f->keys = xreallocarray(f->keys, f->nkeys + 1, sizeof(*k));
		k = &f->keys[f->nkeys++];
		memset(k, 0, sizeof(*k));
		k->name = n;
	} else {
		if (!append)
			diags_add(f->d, DIAG_WARNING, f->path, line, 0,
			    "\"%s\" is set again, after line %d: the last "
			    "value counts",
			    n, k->line);
		free(n);
	}
	if (!append) {
		free(k->item_lines);
		k->item_lines = NULL;
		k->nitems = 0;
	}
	k->line = line;
	k->append = append;
	return k;
}

static int
cfgfile_is_ident(char c, int first)
{
	return (c >= 'a' && c <= 'z') ||
	    (!first && ((c >= '0' && c <= '9') || c == '.' || c == '_'));
}

/* At an identifier where a statement starts: an assignment's key? */
static void
cfgfile_scan_key(struct cfgfile_scan *sc)
{
	const char *name = sc->s, *p = sc->s;
	int append;

	while (cfgfile_is_ident(*p, p == name))
		p++;
	sc->s = p;
	sc->start = 0;
	p += strspn(p, " \t");
	append = p[0] == '+' && p[1] == '=';
	if (p[0] != '=' && !append)
		return; /* a syntax error, which libxlutil reports */
	sc->key = cfgfile_assign(sc->f, name, (size_t)(sc->s - name), sc->line,
	    append);
	sc->s = p + 1 + append;
}

/* Past a quoted string; as in libxlutil's lexer, it ends with its line. */
static const char *
cfgfile_skip_string(const char *s)
{
	char q = *s++;

	while (*s != '\0' && *s != '\n' && *s != q) {
		if (s[0] == '\\' && s[1] != '\0' && s[1] != '\n')
			s++;
		s++;
	}
	return *s == q ? s + 1 : s;
}

static void
cfgfile_scan_value(struct cfgfile_scan *sc)
{
	struct cfgfile_key *k = sc->key;
	char c = *sc->s;

	sc->start = 0;
	if (sc->depth == 1 && sc->want_item && c != ']' && c != ',' &&
	    k != NULL) {
		k->item_lines = xreallocarray(k->item_lines, k->nitems + 1,
		    sizeof(*k->item_lines));
		k->item_lines[k->nitems++] = sc->line;
		sc->want_item = 0;
	}
	if (c == '\'' || c == '"') {
		sc->s = cfgfile_skip_string(sc->s);
		return;
	}
	if (c == '[' && ++sc->depth == 1)
		sc->want_item = 1;
	else if (c == ']' && sc->depth > 0)
		sc->depth--;
	else if (c == ',' && sc->depth == 1)
		sc->want_item = 1;
	sc->s++;
}

/* Finds the top-level assignments as libxlutil's lexer and grammar see
 * them (libxlu_cfg_l.l, libxlu_cfg_y.y): # comments to the end of the
 * line, strings in ' or " on one line, lists in [ ] over several lines,
 * and statements ended by a newline or ';' outside lists. */
static void
cfgfile_scan(struct cfgfile *f, const char *data)
{
	struct cfgfile_scan sc = { .f = f, .s = data, .line = 1, .start = 1 };
	char c;

	while ((c = *sc.s) != '\0') {
		if (c == ' ' || c == '\t') {
			sc.s++;
		} else if (c == '#') {
			sc.s += strcspn(sc.s, "\n");
		} else if (c == '\n' || (c == ';' && sc.depth == 0)) {
			sc.line += c == '\n';
			if (sc.depth == 0) {
				sc.start = 1;
				sc.key = NULL;
			}
			sc.s++;
		} else if (sc.start && sc.depth == 0 &&
		    cfgfile_is_ident(c, 1)) {
			cfgfile_scan_key(&sc);
		} else {
			cfgfile_scan_value(&sc);
		}
	}
}

/* One message of libxlutil's: "[SOURCE:][LINE:] [warning:] TEXT". */
static void
cfgfile_report(struct cfgfile *f, const char *msg, int line, const char *what)
{
	size_t plen = strlen(f->path);
	enum diag_severity sev = DIAG_ERROR;
	char *end;
	long l;

	if (strncmp(msg, f->path, plen) == 0 && msg[plen] == ':')
		msg += plen + 1;
	if (*msg >= '0' && *msg <= '9') {
		l = strtol(msg, &end, 10);
		if (*end == ':' && l > 0 && l < 1000000) {
			line = (int)l;
			msg = end + 1;
		}
	}
	msg += strspn(msg, " ");
	if (strncmp(msg, "warning:", 8) == 0) {
		sev = DIAG_WARNING;
		msg += 8 + strspn(msg + 8, " ");
	}
	if (*msg != '\0')
		diags_add(f->d, sev, f->path, line, 0, "%s%s", what ? what : "",
		    msg);
}

void
cfgfile_drain(struct cfgfile *f, int line, const char *what)
{
	const char *p, *nl;
	char *msg;
	size_t len;

	if (f->report == NULL || fflush(f->report) != 0)
		return;
	while (f->rdone < f->rlen) {
		p = f->rbuf + f->rdone;
		nl = memchr(p, '\n', f->rlen - f->rdone);
		len = nl != NULL ? (size_t)(nl - p) : f->rlen - f->rdone;
		f->rdone += len + (nl != NULL);
		msg = xmalloc(len + 1);
		memcpy(msg, p, len);
		msg[len] = '\0';
		cfgfile_report(f, msg, line, what);
		free(msg);
	}
}

int
cfgfile_open(struct cfgfile *f, const char *path, struct diags *d)
{
	char *data = NULL;
	size_t len, nerrors = d->nerrors;
	int rc = -1, e;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->d = d;
	if (cfgfile_read(f, &data, &len) == -1)
		goto out;
	cfgfile_scan(f, data);
	f->report = open_memstream(&f->rbuf, &f->rlen);
	if (f->report == NULL)
		fatal("open_memstream");
	f->xlu = xlu_cfg_init(f->report, path);
	if (f->xlu == NULL)
		fatalx("xlu_cfg_init: out of memory");
	e = xlu_cfg_readdata(f->xlu, data, (int)len);
	cfgfile_drain(f, 0, NULL);
	if (e != 0 && d->nerrors == nerrors)
		diags_add(d, DIAG_ERROR, path, 0, 0, "cannot parse: %s",
		    strerror(e));
	f->parsed = e == 0;
	rc = 0;
out:
	free(data);
	return rc;
}

void
cfgfile_close(struct cfgfile *f)
{
	size_t i;

	if (f->xlu != NULL)
		xlu_cfg_destroy(f->xlu);
	if (f->report != NULL)
		fclose(f->report);
	free(f->rbuf);
	for (i = 0; i < f->nkeys; i++) {
		free(f->keys[i].name);
		free(f->keys[i].item_lines);
	}
	free(f->keys);
	memset(f, 0, sizeof(*f));
}

int
cfgfile_line(const struct cfgfile *f, const char *key)
{
	const struct cfgfile_key *k = cfgfile_find(f, key);

	return k != NULL ? k->line : 0;
}

int
cfgfile_item_line(const struct cfgfile *f, const char *key, int i)
{
	const struct cfgfile_key *k = cfgfile_find(f, key);

	if (k == NULL)
		return 0;
	return i >= 0 && (size_t)i < k->nitems ? k->item_lines[i] : k->line;
}

static const char *
cfgfile_table_name(const void *table, size_t i, size_t size)
{
	const char *const *name =
	    (const void *)((const char *)table + i * size);

	return *name;
}

char *
cfgfile_names(const void *table, size_t n, size_t size)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(cfgfile_table_name(table, i, size)) + 2;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, cfgfile_table_name(table, i, size));
	}
	return s;
}

static int
cfgfile_in_table(const char *name, const void *table, size_t n, size_t size)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, cfgfile_table_name(table, i, size)) == 0)
			return 1;
	return 0;
}

int
cfgfile_check_keys(struct cfgfile *f, const void *table, size_t n, size_t size)
{
	char *known = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < f->nkeys; i++) {
		if (cfgfile_in_table(f->keys[i].name, table, n, size))
			continue;
		if (known == NULL)
			known = cfgfile_names(table, n, size);
		diags_add(f->d, DIAG_ERROR, f->path, f->keys[i].line, 0,
		    "unsupported key \"%s\" (kurad supports: %s)",
		    f->keys[i].name, known);
		rc = -1;
	}
	free(known);
	return rc;
}

int
cfgfile_string(struct cfgfile *f, const char *key, const char **value_r)
{
	const char *v;
	int e = xlu_cfg_get_string(f->xlu, key, &v, 1);

	if (e == ESRCH)
		return 0;
	if (e != 0) {
		cfgfile_error(f, key,
		    "\"%s\" must be a single value, not a list", key);
		return -1;
	}
	*value_r = v;
	return 0;
}

/* Numbers are read as xl reads them: strtol with base 0 (0x.. is hex). */
int
cfgfile_long(struct cfgfile *f, const char *key, long min, long max,
    long *value_r)
{
	const struct cfgfile_key *k;
	const char *s = NULL;
	char *end;
	long v;

	if (cfgfile_string(f, key, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	k = cfgfile_find(f, key);
	if (k != NULL && k->append) {
		cfgfile_error(f, key, "\"%s\" is a number: += does not apply",
		    key);
		return -1;
	}
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		cfgfile_error(f, key,
		    "\"%s\" must be a number from %ld to %ld, not \"%s\"", key,
		    min, max, s);
		return -1;
	}
	*value_r = v;
	return 0;
}

int
cfgfile_list(struct cfgfile *f, const char *key, XLU_ConfigList **list_r,
    int *n_r)
{
	int e = xlu_cfg_get_list(f->xlu, key, list_r, n_r, 1);

	if (e == 0)
		return 0;
	*n_r = 0;
	if (e == ESRCH)
		return 0;
	cfgfile_error(f, key, "\"%s\" must be a list: %s = [ \"...\", ... ]",
	    key, key);
	return -1;
}

int
cfgfile_list_item(struct cfgfile *f, const char *key,
    const XLU_ConfigList *list, int i, const char **item_r)
{
	const char *s = xlu_cfg_get_listitem(list, i);

	if (s == NULL) {
		diags_add(f->d, DIAG_ERROR, f->path,
		    cfgfile_item_line(f, key, i), 0,
		    "item %d of \"%s\" must be a string, not a list", i + 1,
		    key);
		return -1;
	}
	*item_r = s;
	return 0;
}

struct cfgfile_order {
	size_t rank; /* the file's, by its first message */
	size_t seq;
	struct diag g;
};

static int
cfgfile_order_cmp(const void *a, const void *b)
{
	const struct cfgfile_order *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->g.line != y->g.line)
		return x->g.line < y->g.line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
cfgfile_sort_diags(struct diags *d, size_t first)
{
	struct cfgfile_order *o;
	size_t i, j, n = d->n - first;

	if (n < 2)
		return;
	o = xcalloc(n, sizeof(*o));
	for (i = 0; i < n; i++) {
		o[i].g = d->v[first + i];
		o[i].seq = i;
		for (j = 0; strcmp(o[j].g.file, o[i].g.file) != 0; j++)
			continue;
		o[i].rank = j;
	}
	qsort(o, n, sizeof(*o), cfgfile_order_cmp);
	for (i = 0; i < n; i++)
		d->v[first + i] = o[i].g;
	free(o);
}
