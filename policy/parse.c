/*
 * parse.c: the policy language (docs/policy.md) -> canonical JSON.
 *
 * A hand-written lexer and recursive-descent parser.  The lexer is asked
 * for one token at a time in a mode chosen by the parser: where a pattern
 * is expected (an id, a class triple, a time range) a colon belongs to the
 * token, elsewhere it is punctuation, so that "076b:*" and "input:" both
 * lex as meant.  Each parse function starts on its first token and leaves
 * the parser on the first token after it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "parse.h"
#include "policy.h"
#include "xalloc.h"

#define PARSE_VERSION_MAX ((json_int_t)1 << 53)
/* Levels of conditions below the top one, as compile.c allows them; also
 * the nesting of "not" and "(", which bounds the recursion. */
#define PARSE_DEPTH_MAX 32
#define PARSE_GOT_MAX 40 /* bytes of a bad token quoted in a message */

enum parse_mode {
	PARSE_PLAIN,
	PARSE_PATTERN, /* ":" is part of a word */
};

enum parse_type {
	PARSE_EOS, /* end of statement: newline, comment or end of input */
	PARSE_IDENT,
	PARSE_NUMBER,
	PARSE_WORD, /* any other run of word bytes: "076b:*", "3x" */
	PARSE_STRING,
	PARSE_PUNCT,
	PARSE_OTHER, /* one byte that starts no token */
	PARSE_ERROR, /* a malformed string or a stray backslash */
};

struct parse_token {
	enum parse_type type;
	const char *text; /* into the source; a string keeps its quotes */
	size_t len;
	int line, col;
	int eof;           /* PARSE_EOS at the end of the input */
	const char *error; /* PARSE_ERROR: what is wrong */
};

struct parse_lexer {
	const char *s;
	size_t len, pos;
	size_t bol; /* offset of the first byte of the current line */
	int line;
};

struct parse {
	struct parse_lexer lx;
	struct parse_token tok; /* the current token */
	const char *file;
	struct diags *d;
	json_t *rules;
	json_t *ids; /* rule id -> the line it was first used on */
	json_int_t version;
	int version_line; /* 0: no version statement yet */
	int nrules;
	int first_rule_line;
	int depth; /* of the condition being parsed */
};

/* A set-valued matcher's members: what they are called in messages, how
 * they lex, and how one is checked and written canonically into buf. */
struct parse_set {
	const char *noun; /* "device kind" */
	const char *what; /* the noun with what it can be */
	enum parse_mode mode;
	int (*check)(const struct parse_token *t, char *buf, size_t len);
};

struct parse_matcher {
	const char *name;
	int (*parse)(struct parse *p, json_t *match,
	    const struct parse_matcher *m);
	const struct parse_set *set;
};

struct parse_atom {
	const char *name;
	json_t *(*parse)(struct parse *p, const struct parse_atom *a);
};

static int parse_error(struct parse *p, const struct parse_token *t,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static json_t *parse_cond_or(struct parse *p);

static const char *const parse_days[] = {
	"mon",
	"tue",
	"wed",
	"thu",
	"fri",
	"sat",
	"sun",
};

static const char *const parse_modes[] = {
	"read-write",
	"read-only",
	"burn",
};

static const char *const parse_iface_ops[] = {
	"any-of",
	"all-of",
	"none-of",
	"equals",
};

/* --- the lexer --- */

static int
parse_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
parse_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
parse_identc(char c)
{
	return parse_alpha(c) || parse_digit(c) || c == '.' || c == '-';
}

static int
parse_wordc(char c, enum parse_mode mode)
{
	return parse_identc(c) || c == '*' ||
	    (mode == PARSE_PATTERN && c == ':');
}

static void
parse_lex_newline(struct parse_lexer *lx, size_t next)
{
	lx->pos = lx->bol = next;
	lx->line++;
}

/* A backslash continues the statement only as the very last byte of a line
 * (a CR before the LF is allowed).  Returns where the statement goes on, or
 * 0 if the backslash at pos is no continuation. */
static size_t
parse_lex_continues(const struct parse_lexer *lx)
{
	size_t i = lx->pos + 1;

	if (i < lx->len && lx->s[i] == '\r')
		i++;
	if (i == lx->len)
		return i;
	return lx->s[i] == '\n' ? i + 1 : 0;
}

static void
parse_lex_space(struct parse_lexer *lx)
{
	size_t next;
	char c;

	while (lx->pos < lx->len) {
		c = lx->s[lx->pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v')
			lx->pos++;
		else if (c == '\\' && (next = parse_lex_continues(lx)) != 0) {
			if (lx->s[next - 1] == '\n')
				parse_lex_newline(lx, next);
			else
				lx->pos = next;
		} else
			break;
	}
}

/* A newline or a comment: a comment runs to the end of its line, and a
 * backslash in it is part of it, as in sh(1). */
static void
parse_lex_eos(struct parse_lexer *lx, struct parse_token *t)
{
	t->type = PARSE_EOS;
	while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
		lx->pos++;
	if (lx->pos == lx->len)
		t->eof = 1;
	else
		parse_lex_newline(lx, lx->pos + 1);
}

static void
parse_lex_string(struct parse_lexer *lx, struct parse_token *t)
{
	const char *s = lx->s;
	size_t i;

	t->type = PARSE_STRING;
	for (i = lx->pos + 1; i < lx->len && s[i] != '\n' && s[i] != '"'; i++) {
		if (s[i] == '\\' && i + 1 < lx->len &&
		    (s[i + 1] == '"' || s[i + 1] == '\\'))
			i++;
		else if (s[i] == '\\' && i + 1 < lx->len && s[i + 1] != '\n' &&
		    t->error == NULL)
			t->error = "invalid escape in a string: only \\\" and "
				   "\\\\ may follow a backslash";
		else if (s[i] == '\0' && t->error == NULL)
			t->error = "a string may not contain a NUL byte";
	}
	if (i == lx->len || s[i] == '\n') {
		t->error = "unterminated string: expected a closing \" before "
			   "the end of the line";
		lx->pos = i;
	} else
		lx->pos = i + 1;
	t->len = lx->pos - (size_t)(t->text - s);
	if (t->error != NULL)
		t->type = PARSE_ERROR;
}

static void
parse_lex_word(struct parse_lexer *lx, enum parse_mode mode,
    struct parse_token *t)
{
	size_t i, ndigits = 0, nident = 0;

	while (lx->pos < lx->len && parse_wordc(lx->s[lx->pos], mode))
		lx->pos++;
	t->len = lx->pos - (size_t)(t->text - lx->s);
	for (i = 0; i < t->len; i++) {
		ndigits += parse_digit(t->text[i]);
		nident += parse_identc(t->text[i]);
	}
	if (ndigits == t->len)
		t->type = PARSE_NUMBER;
	else if (parse_alpha(t->text[0]) && nident == t->len)
		t->type = PARSE_IDENT;
	else
		t->type = PARSE_WORD;
}

static void
parse_lex_byte(struct parse_lexer *lx, struct parse_token *t)
{
	char c = lx->s[lx->pos++];

	t->len = 1;
	if (c != '\0' && strchr("{}():,", c) != NULL)
		t->type = PARSE_PUNCT;
	else if (c == '\\') {
		t->type = PARSE_ERROR;
		t->error = "stray backslash: to continue a statement, end the "
			   "line with a backslash, with nothing after it";
	} else
		t->type = PARSE_OTHER;
}

static void
parse_lex(struct parse_lexer *lx, enum parse_mode mode, struct parse_token *t)
{
	char c;

	parse_lex_space(lx);
	memset(t, 0, sizeof(*t));
	t->text = lx->s + lx->pos;
	t->line = lx->line;
	t->col = (int)(lx->pos - lx->bol) + 1;
	if (lx->pos == lx->len) {
		t->type = PARSE_EOS;
		t->eof = 1;
		return;
	}
	c = lx->s[lx->pos];
	if (c == '\n' || c == '#')
		parse_lex_eos(lx, t);
	else if (c == '"')
		parse_lex_string(lx, t);
	else if (parse_wordc(c, mode))
		parse_lex_word(lx, mode, t);
	else
		parse_lex_byte(lx, t);
}

/* --- tokens as the parser sees them --- */

static void
parse_advance(struct parse *p, enum parse_mode mode)
{
	parse_lex(&p->lx, mode, &p->tok);
}

static int
parse_is(const struct parse *p, const char *word)
{
	size_t n = strlen(word);

	return p->tok.type == PARSE_IDENT && p->tok.len == n &&
	    memcmp(p->tok.text, word, n) == 0;
}

static int
parse_is_punct(const struct parse *p, char c)
{
	return p->tok.type == PARSE_PUNCT && p->tok.text[0] == c;
}

/* Index of the current token in words, or -1. */
static int
parse_is_one_of(const struct parse *p, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (parse_is(p, words[i]))
			return (int)i;
	return -1;
}

/* "input:" starts a rule with an id; looks one token past an identifier. */
static int
parse_peek_colon(const struct parse *p)
{
	struct parse_lexer lx = p->lx;
	struct parse_token t;

	if (p->tok.type != PARSE_IDENT)
		return 0;
	parse_lex(&lx, PARSE_PLAIN, &t);
	return t.type == PARSE_PUNCT && t.text[0] == ':';
}

/* The value of a string token, or NULL if it is not UTF-8, which JSON
 * requires. */
static json_t *
parse_string_value(const struct parse_token *t)
{
	char *buf = xmalloc(t->len);
	size_t i, n = 0;
	json_t *v;

	for (i = 1; i + 1 < t->len; i++) {
		if (t->text[i] == '\\')
			i++;
		buf[n++] = t->text[i];
	}
	v = json_stringn(buf, n);
	free(buf);
	return v;
}

/* --- messages --- */

static int
parse_error(struct parse *p, const struct parse_token *t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diags_add(p->d, DIAG_ERROR, p->file, t->line, t->col, "%s", msg);
	return -1;
}

/* What was found, for "expected X, got Y"; never invalid UTF-8, so that
 * diagnostics stay printable as JSON.  Long tokens are cut short, at the
 * start of a UTF-8 character. */
static void
parse_describe(const struct parse_token *t, char *buf, size_t len)
{
	size_t n = t->len > PARSE_GOT_MAX ? PARSE_GOT_MAX : t->len;
	const char *more = n < t->len ? "..." : "";
	unsigned char c = t->len > 0 ? (unsigned char)t->text[0] : 0;
	json_t *utf8;

	while (
	    n > 0 && n < t->len && ((unsigned char)t->text[n] & 0xc0) == 0x80)
		n--;
	utf8 = json_stringn(t->text, n);

	if (t->type == PARSE_EOS)
		snprintf(buf, len, "end of line");
	else if (t->type == PARSE_OTHER && (c < 0x20 || c >= 0x7f))
		snprintf(buf, len, "byte 0x%02x", c);
	else if (utf8 == NULL)
		snprintf(buf, len, "a string");
	else if (t->type == PARSE_STRING)
		snprintf(buf, len, "string %.*s%s", (int)n, t->text, more);
	else
		snprintf(buf, len, "\"%.*s%s\"", (int)n, t->text, more);
	json_decref(utf8);
}

static int
parse_expected(struct parse *p, const char *what)
{
	char got[PARSE_GOT_MAX + 32];

	if (p->tok.type == PARSE_ERROR)
		return parse_error(p, &p->tok, "%s", p->tok.error);
	parse_describe(&p->tok, got, sizeof(got));
	return parse_error(p, &p->tok, "expected %s, got %s", what, got);
}

static int
parse_end(struct parse *p, const char *after)
{
	char what[128];

	if (p->tok.type == PARSE_EOS)
		return 0;
	snprintf(what, sizeof(what), "end of line after %s", after);
	return parse_expected(p, what);
}

/* --- values: ids, triples, times, days --- */

static int
parse_hexdigit(char c)
{
	return parse_digit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Splits s at sep into exactly n fields. */
static int
parse_split(const char *s, size_t len, char sep, const char **f, size_t *flen,
    size_t n)
{
	const char *end = s + len, *q;
	size_t i;

	for (i = 0; i < n; i++) {
		q = memchr(s, sep, (size_t)(end - s));
		if ((q == NULL) != (i == n - 1))
			return -1;
		f[i] = s;
		flen[i] = (size_t)((q ? q : end) - s);
		s += flen[i] + 1;
	}
	return 0;
}

/* A pattern field: "*", or exactly `digits` hex digits, written lowercase
 * into out. */
static int
parse_hexfield(const char *s, size_t n, size_t digits, char *out)
{
	size_t i;

	if (n == 1 && s[0] == '*') {
		strcpy(out, "*");
		return 0;
	}
	if (n != digits)
		return -1;
	for (i = 0; i < n; i++) {
		if (!parse_hexdigit(s[i]))
			return -1;
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]);
	}
	out[n] = '\0';
	return 0;
}

/* Fields of hex patterns separated by ":" ("076b:*", "08:06:50"). */
static int
parse_hexpattern(const struct parse_token *t, size_t nfields, size_t digits,
    char *buf, size_t len)
{
	const char *f[3];
	size_t flen[3], i;
	char field[8];

	if (t->type != PARSE_WORD && t->type != PARSE_IDENT &&
	    t->type != PARSE_NUMBER)
		return -1;
	if (parse_split(t->text, t->len, ':', f, flen, nfields) == -1)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < nfields; i++) {
		if (parse_hexfield(f[i], flen[i], digits, field) == -1)
			return -1;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    i ? ":" : "", field);
	}
	return 0;
}

static int
parse_check_vidpid(const struct parse_token *t, char *buf, size_t len)
{
	return parse_hexpattern(t, 2, 4, buf, len);
}

static int
parse_check_triple(const struct parse_token *t, char *buf, size_t len)
{
	return parse_hexpattern(t, 3, 2, buf, len);
}

static int
parse_check_bus(const struct parse_token *t, char *buf, size_t len)
{
	enum device_bus b;
	char word[32];

	if (t->type != PARSE_IDENT || t->len >= sizeof(word))
		return -1;
	snprintf(word, sizeof(word), "%.*s", (int)t->len, t->text);
	if (device_bus_parse(word, &b) == -1)
		return -1;
	snprintf(buf, len, "%s", device_bus_name(b));
	return 0;
}

static int
parse_check_kind(const struct parse_token *t, char *buf, size_t len)
{
	enum device_kind k;
	char word[32];

	if (t->type != PARSE_IDENT || t->len >= sizeof(word))
		return -1;
	snprintf(word, sizeof(word), "%.*s", (int)t->len, t->text);
	if (device_kind_parse(word, &k) == -1)
		return -1;
	snprintf(buf, len, "%s", device_kind_name(k));
	return 0;
}

/* "H:MM" or "HH:MM" into minutes since midnight; a value past 23:59
 * (minutes 60 and up count as past it) is left to the caller. */
static int
parse_clock(const char *s, size_t len, int *minutes)
{
	const char *f[2];
	size_t flen[2];
	int h, m;

	if (parse_split(s, len, ':', f, flen, 2) == -1 || flen[0] < 1 ||
	    flen[0] > 2 || flen[1] != 2)
		return -1;
	if (!parse_digit(f[0][0]) || !parse_digit(f[0][flen[0] - 1]) ||
	    !parse_digit(f[1][0]) || !parse_digit(f[1][1]))
		return -1;
	h = flen[0] == 2 ? (f[0][0] - '0') * 10 + f[0][1] - '0' : f[0][0] - '0';
	m = (f[1][0] - '0') * 10 + f[1][1] - '0';
	*minutes = m > 59 ? 24 * 60 : h * 60 + m;
	return 0;
}

/* One day or a range of days; a range may wrap past Sunday (fri-mon). */
static int
parse_day_range(const struct parse_token *t, unsigned *bits)
{
	const char *f[2];
	size_t flen[2], n = memchr(t->text, '-', t->len) ? 2 : 1, i;
	int d[2] = { -1, -1 }, k;

	if (t->type != PARSE_IDENT ||
	    parse_split(t->text, t->len, '-', f, flen, n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		for (k = 0; k < 7; k++)
			if (flen[i] == 3 && memcmp(f[i], parse_days[k], 3) == 0)
				d[i] = k;
	if (d[0] < 0 || (n == 2 && d[1] < 0))
		return -1;
	if (n == 1)
		d[1] = d[0];
	for (k = d[0];; k = (k + 1) % 7) {
		*bits |= 1u << k;
		if (k == d[1])
			break;
	}
	return 0;
}

/* --- conditions --- */

static json_t *
parse_cond_word(struct parse *p, const struct parse_atom *a)
{
	parse_advance(p, PARSE_PLAIN);
	if (strcmp(a->name, "lease") == 0)
		return json_pack("{s:b}", "lease", 1);
	return json_pack("{s:s}", "location", a->name);
}

/* "HH:MM-HH:MM" into minutes since midnight, reporting what is wrong. */
static int
parse_time_range(struct parse *p, int *from, int *to)
{
	const struct parse_token *t = &p->tok;
	const char *f[2];
	size_t flen[2];

	if (t->type == PARSE_ERROR || t->type == PARSE_EOS ||
	    parse_split(t->text, t->len, '-', f, flen, 2) == -1 ||
	    parse_clock(f[0], flen[0], from) == -1 ||
	    parse_clock(f[1], flen[1], to) == -1)
		return parse_expected(p,
		    "a time range HH:MM-HH:MM after \"time\"");
	if (*from > 23 * 60 + 59 || *to > 23 * 60 + 59)
		return parse_error(p, t,
		    "time out of range: expected HH:MM-HH:MM within "
		    "00:00-23:59, got \"%.*s\"",
		    (int)t->len, t->text);
	if (*from == *to)
		return parse_error(p, t,
		    "empty time range: from and to are the same, got \"%.*s\"",
		    (int)t->len, t->text);
	return 0;
}

static json_t *
parse_cond_time(struct parse *p, const struct parse_atom *a)
{
	int from, to;
	char buf[32];

	parse_advance(p, PARSE_PATTERN);
	if (parse_time_range(p, &from, &to) == -1)
		return NULL;
	snprintf(buf, sizeof(buf), "%02d:%02d-%02d:%02d", from / 60, from % 60,
	    to / 60, to % 60);
	parse_advance(p, PARSE_PLAIN);
	return json_pack("{s:s}", "time", buf);
}

static json_t *
parse_cond_days(struct parse *p, const struct parse_atom *a)
{
	unsigned bits = 0;
	json_t *days;
	int k;

	do {
		parse_advance(p, PARSE_PLAIN);
		if (parse_day_range(&p->tok, &bits) == -1) {
			parse_expected(p,
			    "a day (mon, tue, wed, thu, fri, sat, sun) or a "
			    "range such as mon-fri");
			return NULL;
		}
		parse_advance(p, PARSE_PLAIN);
	} while (parse_is_punct(p, ','));
	days = json_array();
	for (k = 0; k < 7; k++)
		if (bits & 1u << k)
			json_array_append_new(days, json_string(parse_days[k]));
	return json_pack("{s:o}", "days", days);
}

static json_t *
parse_cond_group(struct parse *p, const struct parse_atom *a)
{
	json_t *v;

	parse_advance(p, PARSE_PLAIN);
	if (p->tok.type != PARSE_STRING || p->tok.len == 2) {
		parse_expected(p,
		    p->tok.len == 2 ? "a non-empty group name"
				    : "a quoted group name after \"group\"");
		return NULL;
	}
	if ((v = parse_string_value(&p->tok)) == NULL) {
		parse_error(p, &p->tok, "a group name must be UTF-8");
		return NULL;
	}
	parse_advance(p, PARSE_PLAIN);
	return json_pack("{s:o}", "group", v);
}

static const struct parse_atom parse_atoms[] = {
	{ "on-lan", parse_cond_word },
	{ "off-lan", parse_cond_word },
	{ "lease", parse_cond_word },
	{ "time", parse_cond_time },
	{ "days", parse_cond_days },
	{ "group", parse_cond_group },
};

static json_t *
parse_cond_atom(struct parse *p)
{
	size_t i;

	for (i = 0; i < sizeof(parse_atoms) / sizeof(parse_atoms[0]); i++)
		if (parse_is(p, parse_atoms[i].name))
			return parse_atoms[i].parse(p, &parse_atoms[i]);
	parse_expected(p,
	    "a condition (on-lan, off-lan, lease, time, days, group, not or "
	    "\"(\")");
	return NULL;
}

static json_t *
parse_cond_paren(struct parse *p)
{
	json_t *c;

	parse_advance(p, PARSE_PLAIN);
	if ((c = parse_cond_or(p)) == NULL)
		return NULL;
	if (!parse_is_punct(p, ')')) {
		parse_expected(p, "\"and\", \"or\" or \")\"");
		json_decref(c);
		return NULL;
	}
	parse_advance(p, PARSE_PLAIN);
	return c;
}

static json_t *
parse_cond_unary(struct parse *p)
{
	json_t *c = NULL;

	if (!parse_is(p, "not") && !parse_is_punct(p, '('))
		return parse_cond_atom(p);
	if (p->depth >= PARSE_DEPTH_MAX) {
		parse_error(p, &p->tok, "condition nested more than %d deep",
		    PARSE_DEPTH_MAX);
		return NULL;
	}
	p->depth++;
	if (parse_is_punct(p, '('))
		c = parse_cond_paren(p);
	else {
		parse_advance(p, PARSE_PLAIN);
		if ((c = parse_cond_unary(p)) != NULL)
			c = json_pack("{s:o}", "not", c);
	}
	p->depth--;
	return c;
}

/* Appends c to the operands of op, flattening: "a and (b and c)" has the
 * same canonical form as "a and b and c". */
static void
parse_cond_join(json_t *list, const char *op, json_t *c)
{
	json_t *kids = json_object_get(c, op);

	if (kids != NULL) {
		json_array_extend(list, kids);
		json_decref(c);
	} else
		json_array_append_new(list, c);
}

static json_t *
parse_cond_chain(struct parse *p, const char *op,
    json_t *(*operand)(struct parse *))
{
	json_t *c, *list;

	if ((c = operand(p)) == NULL || !parse_is(p, op))
		return c;
	list = json_array();
	parse_cond_join(list, op, c);
	while (parse_is(p, op)) {
		parse_advance(p, PARSE_PLAIN);
		if ((c = operand(p)) == NULL) {
			json_decref(list);
			return NULL;
		}
		parse_cond_join(list, op, c);
	}
	return json_pack("{s:o}", op, list);
}

static json_t *
parse_cond_and(struct parse *p)
{
	return parse_cond_chain(p, "and", parse_cond_unary);
}

static json_t *
parse_cond_or(struct parse *p)
{
	return parse_cond_chain(p, "or", parse_cond_and);
}

/* --- matchers --- */

static const struct parse_set parse_set_bus = {
	"bus",
	"bus (usb, pci, block)",
	PARSE_PLAIN,
	parse_check_bus,
};

static const struct parse_set parse_set_kind = {
	"device kind",
	"device kind (usb-storage, optical, hid, audio, video, smartcard, "
	"printer, network, wireless, hub, other)",
	PARSE_PLAIN,
	parse_check_kind,
};

static const struct parse_set parse_set_vidpid = {
	"device id",
	"device id VVVV:PPPP (4 hex digits or \"*\" each)",
	PARSE_PATTERN,
	parse_check_vidpid,
};

static const struct parse_set parse_set_triple = {
	"class triple",
	"class triple CC:SS:PP (2 hex digits or \"*\" each)",
	PARSE_PATTERN,
	parse_check_triple,
};

/* Appends the current token's canonical value, unless already there. */
static int
parse_set_member(struct parse *p, const struct parse_set *set, json_t *arr,
    const char *or_else)
{
	char val[64], what[256];
	size_t i;

	if (set->check(&p->tok, val, sizeof(val)) == -1) {
		snprintf(what, sizeof(what), "a %s%s", set->what, or_else);
		return parse_expected(p, what);
	}
	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_array_get(arr, i)), val) == 0)
			return 0;
	json_array_append_new(arr, json_string(val));
	return 0;
}

/* From "{" to "}": members separated by blanks or commas. */
static int
parse_set_members(struct parse *p, const struct parse_set *set, json_t *arr)
{
	size_t n;

	for (n = 0;; n++) {
		parse_advance(p, set->mode);
		if (n > 0 && parse_is_punct(p, ','))
			parse_advance(p, set->mode);
		if (parse_is_punct(p, '}'))
			break;
		if (parse_set_member(p, set, arr, n ? " or \"}\"" : "") == -1)
			return -1;
	}
	if (n == 0)
		return parse_error(p, &p->tok,
		    "empty set: expected at least one %s, got \"}\"",
		    set->noun);
	return 0;
}

static int
parse_m_set(struct parse *p, json_t *match, const struct parse_matcher *m)
{
	json_t *arr = json_array();
	int rc;

	json_object_set_new(match, m->name, arr);
	parse_advance(p, m->set->mode);
	if (parse_is_punct(p, '{'))
		rc = parse_set_members(p, m->set, arr);
	else
		rc = parse_set_member(p, m->set, arr, " or \"{\"");
	if (rc == 0)
		parse_advance(p, PARSE_PLAIN);
	return rc;
}

static int
parse_m_string(struct parse *p, json_t *match, const struct parse_matcher *m)
{
	char what[64];
	json_t *v;

	parse_advance(p, PARSE_PLAIN);
	if (p->tok.type != PARSE_STRING) {
		snprintf(what, sizeof(what), "a quoted pattern after \"%s\"",
		    m->name);
		return parse_expected(p, what);
	}
	if (p->tok.len == 2) {
		snprintf(what, sizeof(what), "a non-empty pattern after \"%s\"",
		    m->name);
		return parse_expected(p, what);
	}
	if ((v = parse_string_value(&p->tok)) == NULL)
		return parse_error(p, &p->tok, "a pattern must be UTF-8");
	json_object_set_new(match, m->name, v);
	parse_advance(p, PARSE_PLAIN);
	return 0;
}

static int
parse_m_interface(struct parse *p, json_t *match, const struct parse_matcher *m)
{
	json_t *arr = json_array(), *iface;
	int k;

	iface = json_pack("{s:s, s:o}", "op", "any-of", "set", arr);
	json_object_set_new(match, m->name, iface);
	parse_advance(p, PARSE_PATTERN); /* to quote "08:06:50" when wrong */
	if ((k = parse_is_one_of(p, parse_iface_ops, 4)) >= 0) {
		json_object_set_new(iface, "op",
		    json_string(parse_iface_ops[k]));
		parse_advance(p, PARSE_PATTERN);
	}
	if (!parse_is_punct(p, '{'))
		return parse_expected(p,
		    k >= 0 ? "\"{\" after the operator"
			   : "\"{\" or an operator (any-of, all-of, none-of, "
			     "equals) after \"interface\"");
	if (parse_set_members(p, &parse_set_triple, arr) == -1)
		return -1;
	parse_advance(p, PARSE_PLAIN);
	return 0;
}

static int
parse_m_class(struct parse *p, json_t *match, const struct parse_matcher *m)
{
	char val[16], what[128];

	parse_advance(p, PARSE_PATTERN);
	if (parse_check_triple(&p->tok, val, sizeof(val)) == -1) {
		snprintf(what, sizeof(what), "a %s", parse_set_triple.what);
		return parse_expected(p, what);
	}
	json_object_set_new(match, m->name, json_string(val));
	parse_advance(p, PARSE_PLAIN);
	return 0;
}

static const struct parse_matcher parse_matchers[] = {
	{ "bus", parse_m_set, &parse_set_bus },
	{ "kind", parse_m_set, &parse_set_kind },
	{ "id", parse_m_set, &parse_set_vidpid },
	{ "serial", parse_m_string, NULL },
	{ "name", parse_m_string, NULL },
	{ "port", parse_m_string, NULL },
	{ "pci-address", parse_m_string, NULL },
	{ "interface", parse_m_interface, NULL },
	{ "class", parse_m_class, NULL },
};

static const struct parse_matcher *
parse_matcher_find(const struct parse *p)
{
	size_t i;

	for (i = 0; i < sizeof(parse_matchers) / sizeof(parse_matchers[0]); i++)
		if (parse_is(p, parse_matchers[i].name))
			return &parse_matchers[i];
	return NULL;
}

/* --- statements --- */

/* The matchers, up to "if" or the end of the statement.  also: what else
 * could have come where the first matcher is, for the message. */
static int
parse_rule_match(struct parse *p, json_t *rule, const char *also)
{
	const struct parse_matcher *m;
	json_t *match = json_object();
	char what[256];

	json_object_set_new(rule, "match", match);
	while ((m = parse_matcher_find(p)) != NULL) {
		if (json_object_get(match, m->name) != NULL)
			return parse_error(p, &p->tok,
			    "matcher \"%s\" given twice in one rule", m->name);
		if (m->parse(p, match, m) == -1)
			return -1;
		also = "";
	}
	if (p->tok.type == PARSE_EOS || parse_is(p, "if"))
		return 0;
	snprintf(what, sizeof(what),
	    "%sa matcher (bus, kind, id, serial, name, port, pci-address, "
	    "interface, class), \"if\" or end of line",
	    also);
	return parse_expected(p, what);
}

/* Levels of c: 1 for an atom.  "and" and "or" nest without parentheses
 * ("a or b and not c" has 4), so this is checked on the result. */
static int
parse_cond_levels(json_t *c)
{
	json_t *kids = json_object_get(c, "not");
	int n, max = 0;
	size_t i;

	if (kids != NULL)
		return 1 + parse_cond_levels(kids);
	if ((kids = json_object_get(c, "and")) == NULL)
		kids = json_object_get(c, "or");
	for (i = 0; i < json_array_size(kids); i++)
		if ((n = parse_cond_levels(json_array_get(kids, i))) > max)
			max = n;
	return 1 + max;
}

static int
parse_rule_if(struct parse *p, json_t *rule)
{
	struct parse_token kw = p->tok;
	json_t *c;

	parse_advance(p, PARSE_PLAIN);
	if ((c = parse_cond_or(p)) == NULL)
		return -1;
	json_object_set_new(rule, "if", c);
	if (p->tok.type != PARSE_EOS)
		return parse_expected(p, "\"and\", \"or\" or end of line");
	if (parse_cond_levels(c) > PARSE_DEPTH_MAX + 1)
		return parse_error(p, &kw, "condition nested more than %d deep",
		    PARSE_DEPTH_MAX);
	return 0;
}

/* "allow [MODE] [to TARGET]"; *also is what the matchers' message adds. */
static int
parse_rule_allow(struct parse *p, json_t *rule, const char **also)
{
	int k;

	*also = "a mode (read-write, read-only, burn), \"to\", ";
	json_object_set_new(rule, "verdict", json_string("allow"));
	json_object_set_new(rule, "mode", json_string("read-write"));
	json_object_set_new(rule, "target", json_string("client"));
	parse_advance(p, PARSE_PLAIN);
	if ((k = parse_is_one_of(p, parse_modes, 3)) >= 0) {
		json_object_set_new(rule, "mode", json_string(parse_modes[k]));
		parse_advance(p, PARSE_PLAIN);
		*also = "\"to\", ";
	}
	if (!parse_is(p, "to"))
		return 0;
	*also = "";
	parse_advance(p, PARSE_PLAIN);
	if (!parse_is(p, "client") && !parse_is(p, "none"))
		return parse_expected(p, "\"client\" or \"none\" after \"to\"");
	json_object_set_new(rule, "target",
	    json_stringn(p->tok.text, p->tok.len));
	parse_advance(p, PARSE_PLAIN);
	return 0;
}

static int
parse_rule_action(struct parse *p, json_t *rule, const char **also)
{
	char got[PARSE_GOT_MAX + 32];

	if (parse_is(p, "allow"))
		return parse_rule_allow(p, rule, also);
	if (!parse_is(p, "deny"))
		return parse_expected(p,
		    "an action (allow, deny) after the rule id");
	*also = "";
	json_object_set_new(rule, "verdict", json_string("deny"));
	parse_advance(p, PARSE_PLAIN);
	if (parse_is_one_of(p, parse_modes, 3) >= 0 || parse_is(p, "to")) {
		parse_describe(&p->tok, got, sizeof(got));
		return parse_error(p, &p->tok,
		    "a deny rule takes neither a mode nor \"to\", got %s", got);
	}
	return 0;
}

/* Records the rule's id, unless another rule has it already. */
static int
parse_rule_id_use(struct parse *p, json_t *rule, const char *id,
    const struct parse_token *at, int named)
{
	json_t *first = json_object_get(p->ids, id);

	if (first != NULL)
		return parse_error(p, at,
		    "duplicate rule id \"%s\"%s (first used on line %d)", id,
		    named ? "" : ", the id of this rule without one",
		    (int)json_integer_value(first));
	json_object_set_new(p->ids, id, json_integer(at->line));
	json_object_set_new(rule, "id", json_string(id));
	return 0;
}

/* "[ID :]": called on the first token of a statement that is no version
 * or default statement. */
static int
parse_rule_id(struct parse *p, json_t *rule)
{
	char id[POLICY_ID_MAX];
	struct parse_token at = p->tok;
	int named = parse_peek_colon(p);

	if (named && at.len >= sizeof(id))
		return parse_error(p, &at,
		    "rule id \"%.*s...\" is longer than %d bytes", 20, at.text,
		    POLICY_ID_MAX - 1);
	if (named) {
		snprintf(id, sizeof(id), "%.*s", (int)at.len, at.text);
		parse_advance(p, PARSE_PLAIN);
		parse_advance(p, PARSE_PLAIN);
	} else if (parse_is(p, "allow") || parse_is(p, "deny"))
		snprintf(id, sizeof(id), "rule-%d", p->nrules + 1);
	else
		return parse_expected(p,
		    "a statement (version, default, allow, deny or a rule id "
		    "and \":\")");
	if (p->nrules++ == 0)
		p->first_rule_line = at.line;
	json_object_set_new(rule, "line", json_integer(at.line));
	return parse_rule_id_use(p, rule, id, &at, named);
}

static int
parse_rule(struct parse *p)
{
	json_t *rule = json_object();
	const char *also = "";
	int rc = -1;

	if (parse_rule_id(p, rule) == -1 ||
	    parse_rule_action(p, rule, &also) == -1 ||
	    parse_rule_match(p, rule, also) == -1)
		goto out;
	if (parse_is(p, "if") && parse_rule_if(p, rule) == -1)
		goto out;
	json_array_append(p->rules, rule);
	rc = 0;
out:
	json_decref(rule);
	return rc;
}

static int
parse_version(struct parse *p)
{
	struct parse_token kw = p->tok;
	json_int_t v = 0;
	size_t i;

	if (p->version_line != 0)
		return parse_error(p, &kw,
		    "version given twice (first on line %d)", p->version_line);
	p->version_line = kw.line;
	if (p->nrules > 0)
		return parse_error(p, &kw,
		    "the version must come before the first rule (line %d)",
		    p->first_rule_line);
	parse_advance(p, PARSE_PLAIN);
	if (p->tok.type != PARSE_NUMBER)
		return parse_expected(p, "a version number after \"version\"");
	for (i = 0; i < p->tok.len && v <= PARSE_VERSION_MAX; i++)
		v = v * 10 + (p->tok.text[i] - '0');
	if (v > PARSE_VERSION_MAX)
		return parse_error(p, &p->tok,
		    "the version must be at most %" JSON_INTEGER_FORMAT
		    " (2^53), got \"%.*s\"",
		    PARSE_VERSION_MAX, (int)p->tok.len, p->tok.text);
	p->version = v;
	parse_advance(p, PARSE_PLAIN);
	return parse_end(p, "the version");
}

static int
parse_default(struct parse *p)
{
	parse_advance(p, PARSE_PLAIN);
	if (parse_is(p, "allow"))
		return parse_error(p, &p->tok,
		    "the default must be deny, got \"allow\"");
	if (!parse_is(p, "deny"))
		return parse_expected(p, "\"deny\" after \"default\"");
	parse_advance(p, PARSE_PLAIN);
	return parse_end(p, "\"default deny\"");
}

static int
parse_statement(struct parse *p)
{
	if (parse_peek_colon(p))
		return parse_rule(p);
	if (parse_is(p, "version"))
		return parse_version(p);
	if (parse_is(p, "default"))
		return parse_default(p);
	return parse_rule(p);
}

/* After an error: on to the next statement, so that all are reported. */
static void
parse_skip(struct parse *p)
{
	while (p->tok.type != PARSE_EOS)
		parse_advance(p, PARSE_PLAIN);
}

/* The canonical JSON, once everything has been read without error. */
static json_t *
parse_result(struct parse *p, size_t nerrors)
{
	json_t *source, *out = NULL;

	if (p->version_line == 0)
		diags_add(p->d, DIAG_ERROR, p->file, 1, 1,
		    "no version statement");
	if ((source = json_string(p->file)) == NULL)
		diags_add(p->d, DIAG_ERROR, p->file, 0, 0,
		    "the file name is not UTF-8");
	if (p->d->nerrors == nerrors)
		out = json_pack("{s:s, s:I, s:O, s:O}", "format", POLICY_FORMAT,
		    "version", p->version, "source", source, "rules", p->rules);
	json_decref(source);
	return out;
}

json_t *
policy_parse(const char *text, size_t len, const char *file, struct diags *d)
{
	struct parse p;
	size_t nerrors = d->nerrors;
	json_t *out;

	memset(&p, 0, sizeof(p));
	p.lx.s = text != NULL ? text : "";
	p.lx.len = text != NULL ? len : 0;
	p.lx.line = 1;
	p.file = file != NULL ? file : "-";
	p.d = d;
	p.rules = json_array();
	p.ids = json_object();
	do {
		parse_advance(&p, PARSE_PLAIN);
		if (p.tok.type != PARSE_EOS && parse_statement(&p) == -1)
			parse_skip(&p);
	} while (!p.tok.eof);
	out = parse_result(&p, nerrors);
	json_decref(p.rules);
	json_decref(p.ids);
	return out;
}
