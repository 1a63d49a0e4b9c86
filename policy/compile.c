/*
 * compile.c: canonical JSON -> struct policy.
 *
 * This is the only way into the decision engine, and its input may come
 * from a file an attacker wrote (a signed policy is verified first, but a
 * canonical JSON file can also be loaded for checking), so everything is
 * validated: unknown keys, wrong types and bad values are errors that
 * name their JSON path.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "xalloc.h"

struct compile {
	struct policy_error *err;
	char path[128]; /* "rules[3]" while a rule is compiled */
};

static int compile_fail(struct compile *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
compile_fail(struct compile *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err->msg, sizeof(c->err->msg), "%.100s%s%.150s", c->path,
	    c->path[0] ? ": " : "", msg);
	return -1;
}

/* Every key of obj must be one of the NULL-terminated allowed list. */
static int
compile_keys(struct compile *c, json_t *obj, const char *what,
    const char *const *allowed)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v)
	{
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			return compile_fail(c, "unknown key \"%s\" in %s", key,
			    what);
	}
	return 0;
}

static const char *
compile_string(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int
compile_glob(struct compile *c, json_t *m, const char *key, char **out)
{
	json_t *v = json_object_get(m, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return compile_fail(c, "match.%s: expected a non-empty string",
		    key);
	*out = xstrdup(json_string_value(v));
	return 1;
}

/* A non-empty array of strings, each turned into a bit by parse_one. */
static int
compile_bits(struct compile *c, json_t *m, const char *key,
    int (*parse_one)(const char *, unsigned *), unsigned *bits)
{
	json_t *a = json_object_get(m, key), *x;
	unsigned b;
	size_t i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) == 0)
		return compile_fail(c, "match.%s: expected a non-empty array",
		    key);
	json_array_foreach(a, i, x)
	{
		if (!json_is_string(x) || parse_one(json_string_value(x), &b))
			return compile_fail(c, "match.%s[%zu]: unknown value",
			    key, i);
		*bits |= 1u << b;
	}
	return 1;
}

static int
compile_kind_one(const char *s, unsigned *out)
{
	enum device_kind k;

	if (device_kind_parse(s, &k) == -1)
		return -1;
	*out = (unsigned)k;
	return 0;
}

static int
compile_bus_one(const char *s, unsigned *out)
{
	enum device_bus b;

	if (device_bus_parse(s, &b) == -1)
		return -1;
	*out = (unsigned)b;
	return 0;
}

static int
compile_ids(struct compile *c, json_t *m, struct policy_rule *r)
{
	json_t *a = json_object_get(m, "id"), *x;
	size_t i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) == 0)
		return compile_fail(c, "match.id: expected a non-empty array");
	r->ids = xcalloc(json_array_size(a), sizeof(*r->ids));
	json_array_foreach(a, i, x)
	{
		if (!json_is_string(x) ||
		    policy_idpat_parse(json_string_value(x), &r->ids[i]) == -1)
			return compile_fail(c,
			    "match.id[%zu]: expected \"vvvv:pppp\" (hex or *)",
			    i);
		r->nids++;
	}
	return 1;
}

static int
compile_iface_op(const char *s, enum policy_iface_op *op)
{
	static const char *const names[] = { "any-of", "all-of", "none-of",
		"equals" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (s != NULL && strcmp(s, names[i]) == 0) {
			*op = (enum policy_iface_op)i;
			return 0;
		}
	}
	return -1;
}

static int
compile_ifaces(struct compile *c, json_t *m, struct policy_rule *r)
{
	static const char *const keys[] = { "op", "set", NULL };
	json_t *o = json_object_get(m, "interface"), *set, *x;
	size_t i;

	if (o == NULL)
		return 0;
	if (!json_is_object(o) || compile_keys(c, o, "match.interface", keys))
		return compile_fail(c,
		    "match.interface: expected "
		    "{\"op\": ..., \"set\": [...]}");
	if (compile_iface_op(compile_string(o, "op"), &r->iface_op) == -1)
		return compile_fail(c,
		    "match.interface.op: expected any-of, "
		    "all-of, none-of or equals");
	set = json_object_get(o, "set");
	if (!json_is_array(set) || json_array_size(set) == 0)
		return compile_fail(c,
		    "match.interface.set: expected a "
		    "non-empty array");
	r->ifaces = xcalloc(json_array_size(set), sizeof(*r->ifaces));
	json_array_foreach(set, i, x)
	{
		if (!json_is_string(x) ||
		    policy_triple_parse(json_string_value(x), &r->ifaces[i]) ==
			-1)
			return compile_fail(c,
			    "match.interface.set[%zu]: expected \"cc:ss:pp\"",
			    i);
		r->nifaces++;
	}
	return 1;
}

static int
compile_class(struct compile *c, json_t *m, struct policy_rule *r)
{
	json_t *v = json_object_get(m, "class");

	if (v == NULL)
		return 0;
	if (!json_is_string(v) ||
	    policy_triple_parse(json_string_value(v), &r->dev_class) == -1)
		return compile_fail(c, "match.class: expected \"cc:ss:pp\"");
	return 1;
}

/* Runs one matcher compiler; a positive result sets the rule's flag. */
static int
compile_flag(struct policy_rule *r, unsigned flag, int rc)
{
	if (rc > 0)
		r->flags |= flag;
	return rc < 0 ? -1 : 0;
}

static int
compile_match(struct compile *c, json_t *m, struct policy_rule *r)
{
	static const char *const keys[] = { "bus", "kind", "id", "serial",
		"name", "port", "pci-address", "interface", "class", NULL };

	if (!json_is_object(m))
		return compile_fail(c, "match: expected an object");
	if (compile_keys(c, m, "match", keys) == -1)
		return -1;
	if (compile_flag(r, POLICY_M_BUS,
		compile_bits(c, m, "bus", compile_bus_one, &r->buses)) ||
	    compile_flag(r, POLICY_M_KIND,
		compile_bits(c, m, "kind", compile_kind_one, &r->kinds)) ||
	    compile_flag(r, POLICY_M_ID, compile_ids(c, m, r)) ||
	    compile_flag(r, POLICY_M_SERIAL,
		compile_glob(c, m, "serial", &r->serial)) ||
	    compile_flag(r, POLICY_M_NAME,
		compile_glob(c, m, "name", &r->name)) ||
	    compile_flag(r, POLICY_M_PORT,
		compile_glob(c, m, "port", &r->port)) ||
	    compile_flag(r, POLICY_M_PCI_ADDR,
		compile_glob(c, m, "pci-address", &r->pci_address)) ||
	    compile_flag(r, POLICY_M_IFACE, compile_ifaces(c, m, r)) ||
	    compile_flag(r, POLICY_M_CLASS, compile_class(c, m, r)))
		return -1;
	return 0;
}

/* cond.c-like part: the condition tree. */
static struct policy_cond *compile_cond(struct compile *c, json_t *j,
    int depth);

static void
compile_cond_free(struct policy_cond *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nkids; i++)
		compile_cond_free(k->kids[i]);
	free(k->kids);
	free(k->group);
	free(k);
}

static int
compile_hhmm(const char *s, int *minute)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 || h > 23 ||
	    m > 59 || h < 0 || m < 0)
		return -1;
	*minute = h * 60 + m;
	return 0;
}

static int
compile_time(struct compile *c, json_t *v, struct policy_cond *k)
{
	const char *s = json_string_value(v);
	char from[6], to[6];

	if (s == NULL || strlen(s) != 11 || s[5] != '-')
		return compile_fail(c, "if: time: expected \"HH:MM-HH:MM\"");
	memcpy(from, s, 5);
	memcpy(to, s + 6, 5);
	from[5] = to[5] = '\0';
	if (compile_hhmm(from, &k->from) || compile_hhmm(to, &k->to) ||
	    k->from == k->to)
		return compile_fail(c, "if: time: bad window \"%s\"", s);
	return 0;
}

static int
compile_days(struct compile *c, json_t *v, struct policy_cond *k)
{
	static const char *const days[] = { "mon", "tue", "wed", "thu", "fri",
		"sat", "sun" };
	json_t *x;
	size_t i;
	int d;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return compile_fail(c, "if: days: expected a non-empty array");
	json_array_foreach(v, i, x)
	{
		for (d = 0; d < 7; d++)
			if (json_is_string(x) &&
			    strcmp(json_string_value(x), days[d]) == 0)
				break;
		if (d == 7)
			return compile_fail(c,
			    "if: days[%zu]: expected mon, "
			    "tue, wed, thu, fri, sat or sun",
			    i);
		k->days |= 1u << d;
	}
	return 0;
}

static int
compile_kids(struct compile *c, json_t *v, struct policy_cond *k, int depth)
{
	json_t *x;
	size_t i;

	if (k->type == POLICY_COND_NOT) {
		k->kids = xcalloc(1, sizeof(*k->kids));
		k->kids[0] = compile_cond(c, v, depth + 1);
		k->nkids = 1;
		return k->kids[0] ? 0 : -1;
	}
	if (!json_is_array(v) || json_array_size(v) < 2)
		return compile_fail(c,
		    "if: and/or: expected an array of two "
		    "or more conditions");
	k->kids = xcalloc(json_array_size(v), sizeof(*k->kids));
	json_array_foreach(v, i, x)
	{
		k->kids[i] = compile_cond(c, x, depth + 1);
		if (k->kids[i] == NULL)
			return -1;
		k->nkids++;
	}
	return 0;
}

static int
compile_atom(struct compile *c, const char *key, json_t *v,
    struct policy_cond *k)
{
	const char *s = json_string_value(v);

	if (strcmp(key, "location") == 0) {
		if (s == NULL || (strcmp(s, "on-lan") && strcmp(s, "off-lan")))
			return compile_fail(c,
			    "if: location: expected "
			    "\"on-lan\" or \"off-lan\"");
		k->type = strcmp(s, "on-lan") == 0 ? POLICY_COND_ON_LAN
						   : POLICY_COND_OFF_LAN;
		return 0;
	}
	if (strcmp(key, "lease") == 0) {
		k->type = POLICY_COND_LEASE;
		return json_is_true(v) ? 0
				       : compile_fail(c,
					     "if: lease: expected "
					     "true");
	}
	if (strcmp(key, "group") == 0) {
		k->type = POLICY_COND_GROUP;
		if (s == NULL || *s == '\0')
			return compile_fail(c, "if: group: expected a name");
		k->group = xstrdup(s);
		return 0;
	}
	if (strcmp(key, "time") == 0) {
		k->type = POLICY_COND_TIME;
		return compile_time(c, v, k);
	}
	if (strcmp(key, "days") == 0) {
		k->type = POLICY_COND_DAYS;
		return compile_days(c, v, k);
	}
	return compile_fail(c, "if: unknown condition \"%s\"", key);
}

static struct policy_cond *
compile_cond(struct compile *c, json_t *j, int depth)
{
	struct policy_cond *k;
	const char *key;
	json_t *v;
	int rc = -1;

	if (depth > 32) {
		compile_fail(c, "if: nested more than 32 deep");
		return NULL;
	}
	if (!json_is_object(j) || json_object_size(j) != 1) {
		compile_fail(c, "if: expected an object with one key");
		return NULL;
	}
	k = xcalloc(1, sizeof(*k));
	json_object_foreach(j, key, v)
	{
		if (strcmp(key, "not") == 0 || strcmp(key, "and") == 0 ||
		    strcmp(key, "or") == 0) {
			k->type = key[0] == 'n' ? POLICY_COND_NOT
			    : key[0] == 'a'     ? POLICY_COND_AND
						: POLICY_COND_OR;
			rc = compile_kids(c, v, k, depth);
		} else {
			rc = compile_atom(c, key, v, k);
		}
	}
	if (rc == -1) {
		compile_cond_free(k);
		return NULL;
	}
	return k;
}

static int
compile_verdict(struct compile *c, json_t *j, struct policy_rule *r)
{
	const char *v = compile_string(j, "verdict");
	const char *mode = compile_string(j, "mode");
	const char *target = compile_string(j, "target");

	if (v != NULL && strcmp(v, "deny") == 0 && (mode || target))
		return compile_fail(c, "a deny rule takes no mode or target");
	if (policy_verdict_parse(v, mode, &r->verdict) == -1)
		return compile_fail(c,
		    "verdict/mode: expected \"deny\", or "
		    "\"allow\" with mode read-write, "
		    "read-only or burn");
	if (target == NULL || strcmp(target, "client") == 0)
		r->target = POLICY_TARGET_CLIENT;
	else if (strcmp(target, "none") == 0)
		r->target = POLICY_TARGET_NONE;
	else
		return compile_fail(c, "target: expected client or none");
	return 0;
}

static int
compile_rule(struct compile *c, json_t *j, struct policy_rule *r)
{
	static const char *const keys[] = { "id", "line", "verdict", "mode",
		"target", "match", "if", NULL };
	const char *id;
	json_t *v;

	if (!json_is_object(j))
		return compile_fail(c, "expected an object");
	if (compile_keys(c, j, "a rule", keys) == -1)
		return -1;
	id = compile_string(j, "id");
	if (id == NULL || *id == '\0' || strlen(id) >= sizeof(r->id))
		return compile_fail(c,
		    "id: expected a string of 1 to %d "
		    "characters",
		    POLICY_ID_MAX - 1);
	strcpy(r->id, id);
	v = json_object_get(j, "line");
	if (v != NULL &&
	    (!json_is_integer(v) || json_integer_value(v) < 0 ||
		json_integer_value(v) > 1 << 30))
		return compile_fail(c, "line: expected a line number");
	r->line = v ? (int)json_integer_value(v) : 0;
	if (compile_verdict(c, j, r) == -1)
		return -1;
	v = json_object_get(j, "match");
	if (v != NULL && compile_match(c, v, r) == -1)
		return -1;
	v = json_object_get(j, "if");
	if (v != NULL && (r->cond = compile_cond(c, v, 0)) == NULL)
		return -1;
	return 0;
}

static int
compile_unique_ids(struct compile *c, const struct policy *p)
{
	size_t i, k;

	for (i = 1; i < p->nrules; i++)
		for (k = 0; k < i; k++)
			if (strcmp(p->rules[i].id, p->rules[k].id) == 0)
				return compile_fail(c,
				    "rules[%zu]: id \"%s\" already used by "
				    "rules[%zu]",
				    i, p->rules[i].id, k);
	return 0;
}

static int
compile_header(struct compile *c, json_t *j, struct policy *p)
{
	static const char *const keys[] = { "format", "version", "source",
		"rules", NULL };
	const char *fmt = compile_string(j, "format");
	json_t *v = json_object_get(j, "version");

	if (!json_is_object(j))
		return compile_fail(c, "a policy must be a JSON object");
	if (compile_keys(c, j, "the policy", keys) == -1)
		return -1;
	if (fmt == NULL || strcmp(fmt, POLICY_FORMAT) != 0)
		return compile_fail(c, "format: expected \"%s\"",
		    POLICY_FORMAT);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return compile_fail(c, "version: expected an integer >= 0");
	p->version = json_integer_value(v);
	p->source = xstrdup(
	    compile_string(j, "source") ? compile_string(j, "source") : "-");
	if (!json_is_array(json_object_get(j, "rules")))
		return compile_fail(c, "rules: expected an array");
	return 0;
}

struct policy *
policy_compile(json_t *j, struct policy_error *err)
{
	struct compile c = { .err = err };
	struct policy *p = xcalloc(1, sizeof(*p));
	json_t *rules, *r;
	size_t i;

	err->msg[0] = '\0';
	if (compile_header(&c, j, p) == -1)
		goto fail;
	rules = json_object_get(j, "rules");
	p->rules = xcalloc(json_array_size(rules), sizeof(*p->rules));
	json_array_foreach(rules, i, r)
	{
		snprintf(c.path, sizeof(c.path), "rules[%zu]", i);
		p->nrules++;
		if (compile_rule(&c, r, &p->rules[i]) == -1)
			goto fail;
	}
	c.path[0] = '\0';
	if (compile_unique_ids(&c, p) == -1)
		goto fail;
	p->canonical = json_incref(j);
	return p;
fail:
	policy_free(p);
	return NULL;
}

static void
compile_rule_free(struct policy_rule *r)
{
	free(r->ids);
	free(r->serial);
	free(r->name);
	free(r->port);
	free(r->pci_address);
	free(r->ifaces);
	compile_cond_free(r->cond);
}

void
policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nrules; i++)
		compile_rule_free(&p->rules[i]);
	free(p->rules);
	free(p->source);
	json_decref(p->canonical);
	free(p);
}
