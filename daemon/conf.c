/* conf.c: /etc/kura/kurad.conf and the two domain files it names. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "cfgfile.h"
#include "conf.h"
#include "domcfg.h"
#include "xalloc.h"

enum conf_key_id {
	CK_SOCKET = 0,
	CK_CONTROL_GROUP,
	CK_AUDIT_LOG,
	CK_SHUTDOWN_TIMEOUT,
	CK_SERVICE,
	CK_CLIENT,
	CK_SERVICE_WEIGHT,
	CK_CLIENT_WEIGHT,
	CK_SERVICE_CAP,
	CK_CLIENT_CAP,
	CK_RESTART_DELAY,
	CK_RESTART_DELAY_MAX,
	CK_STABLE_TIME,
	CK_STOP_TIMEOUT,
	CK_POLICY,
	CK_POLICY_KEY,
	CK_LOCATION,
	CK__COUNT,
};

static const char *conf_check_path(const char *v);
static const char *conf_check_socket(const char *v);
static const char *conf_check_group(const char *v);
static const char *conf_check_file(const char *v);
static const char *conf_check_location(const char *v);

/* clang-format off */
#define CONF_STRING(name, check, def) { name, check, def, 0, 0, 0 }
#define CONF_NUMBER(name, min, max, def) { name, NULL, NULL, min, max, def }
/* clang-format on */

/* A string key has a check, which returns what the value should be, or
 * NULL if it is fine; a string without default is required.  The other
 * keys are numbers from min to max. */
static const struct conf_key {
	const char *name;
	const char *(*check)(const char *v);
	const char *def;
	long min, max, def_n;
} conf_keys[CK__COUNT] = {
	[CK_SOCKET] =
	    CONF_STRING("socket", conf_check_socket, "/run/kura/kurad.sock"),
	/* The signed device policy and the key it must be signed with;
	 * relative to the configuration's directory. */
	[CK_POLICY] = CONF_STRING("policy", conf_check_file, "policy.signed"),
	[CK_POLICY_KEY] =
	    CONF_STRING("policy_key", conf_check_file, "policy.pub"),
	/* Where the laptop is, for the policy's on-lan/off-lan conditions,
	 * until kura-server tells it. */
	[CK_LOCATION] = CONF_STRING("location", conf_check_location, "off-lan"),
	[CK_CONTROL_GROUP] =
	    CONF_STRING("control_group", conf_check_group, "kura"),
	[CK_AUDIT_LOG] = CONF_STRING("audit_log", conf_check_path,
	    "/var/log/kura/audit.log"),
	[CK_SHUTDOWN_TIMEOUT] = CONF_NUMBER("shutdown_timeout", 1, 3600, 60),
	[CK_SERVICE] = CONF_STRING("service", conf_check_file, NULL),
	[CK_CLIENT] = CONF_STRING("client", conf_check_file, NULL),
	/* credit2 weights; caps in percent of one vCPU (checked against the
	 * domain's vCPUs once it is loaded), 0 for none.  16:256 leaves the
	 * client ~94% of a core it shares with a CPU-bound service domain
	 * (measured by the Xen tier's kurad-hvm scenario). */
	[CK_SERVICE_WEIGHT] = CONF_NUMBER("service_weight", 1, 65535, 16),
	[CK_CLIENT_WEIGHT] = CONF_NUMBER("client_weight", 1, 65535, 256),
	[CK_SERVICE_CAP] =
	    CONF_NUMBER("service_cap", 0, 100 * DOMCFG_MAX_VCPUS, 50),
	[CK_CLIENT_CAP] =
	    CONF_NUMBER("client_cap", 0, 100 * DOMCFG_MAX_VCPUS, 0),
	/* seconds */
	[CK_RESTART_DELAY] = CONF_NUMBER("restart_delay", 1, 3600, 2),
	[CK_RESTART_DELAY_MAX] =
	    CONF_NUMBER("restart_delay_max", 1, 86400, 300),
	[CK_STABLE_TIME] = CONF_NUMBER("stable_time", 1, 86400, 60),
	[CK_STOP_TIMEOUT] = CONF_NUMBER("stop_timeout", 1, 3600, 60),
};

/* The keys of each role. */
static const struct conf_role_keys {
	const char *name;
	enum conf_key_id file, weight, cap;
} conf_roles[CONF_ROLE__COUNT] = {
	[CONF_SERVICE] = { "service", CK_SERVICE, CK_SERVICE_WEIGHT,
	    CK_SERVICE_CAP },
	[CONF_CLIENT] = { "client", CK_CLIENT, CK_CLIENT_WEIGHT,
	    CK_CLIENT_CAP },
};

/* The timers of struct vm_policy, the same for both domains. */
static const struct conf_timer {
	enum conf_key_id key;
	size_t off; /* of an int64_t in struct vm_policy, in ms */
} conf_timers[] = {
	{ CK_STOP_TIMEOUT, offsetof(struct vm_policy, stop_timeout_ms) },
	{ CK_RESTART_DELAY, offsetof(struct vm_policy, backoff_min_ms) },
	{ CK_RESTART_DELAY_MAX, offsetof(struct vm_policy, backoff_max_ms) },
	{ CK_STABLE_TIME, offsetof(struct vm_policy, stable_ms) },
};

#define CONF_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The values read, valid while the file is open. */
struct conf_values {
	const char *s[CK__COUNT];
	long n[CK__COUNT];
};

static const char *
conf_check_path(const char *v)
{
	return v[0] == '/' ? NULL : "an absolute path";
}

static const char *
conf_check_socket(const char *v)
{
	if (v[0] != '/' ||
	    strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return "an absolute path of at most 107 bytes";
	return NULL;
}

/* The portable user and group names of POSIX. */
static const char *
conf_check_group(const char *v)
{
	if (v[0] == '\0' || v[0] == '-' || strlen(v) > 32 ||
	    v[strspn(v,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789._-")] != '\0')
		return "a group name";
	return NULL;
}

static const char *
conf_check_file(const char *v)
{
	return v[0] != '\0' ? NULL : "the path of a domain file";
}

static const char *
conf_check_location(const char *v)
{
	return strcmp(v, "on-lan") == 0 || strcmp(v, "off-lan") == 0
	    ? NULL
	    : "\"on-lan\" or \"off-lan\"";
}

const char *
conf_role_name(enum conf_role r)
{
	return r < CONF_ROLE__COUNT ? conf_roles[r].name : "?";
}

static int
conf_read_string(struct cfgfile *f, enum conf_key_id id, const char **v_r)
{
	const struct conf_key *k = &conf_keys[id];
	const char *want;

	*v_r = k->def;
	if (cfgfile_string(f, k->name, v_r) == -1)
		return -1;
	if (*v_r == NULL) {
		diags_add(f->d, DIAG_ERROR, f->path, 0, 0,
		    "missing required key \"%s\"", k->name);
		return -1;
	}
	want = k->check(*v_r);
	if (want == NULL)
		return 0;
	cfgfile_error(f, k->name, "\"%s\" must be %s, not \"%s\"", k->name,
	    want, *v_r);
	*v_r = NULL;
	return -1;
}

static int
conf_read(struct cfgfile *f, struct conf_values *v)
{
	const struct conf_key *k;
	int rc = 0;
	size_t i;

	for (i = 0; i < CK__COUNT; i++) {
		k = &conf_keys[i];
		v->n[i] = k->def_n;
		if (k->check != NULL ? conf_read_string(f, i, &v->s[i]) == -1
				     : cfgfile_long(f, k->name, k->min, k->max,
					   &v->n[i]) == -1)
			rc = -1;
	}
	if (v->n[CK_RESTART_DELAY_MAX] < v->n[CK_RESTART_DELAY]) {
		cfgfile_error(f,
		    cfgfile_line(f, "restart_delay_max") != 0
			? "restart_delay_max"
			: "restart_delay",
		    "restart_delay_max (%ld) must not be less than "
		    "restart_delay (%ld)",
		    v->n[CK_RESTART_DELAY_MAX], v->n[CK_RESTART_DELAY]);
		rc = -1;
	}
	return rc;
}

/* A domain file's path, relative to the configuration's directory. */
static char *
conf_resolve(const char *conf_path, const char *file)
{
	const char *slash = strrchr(conf_path, '/');
	char *p;

	if (file[0] == '/' || slash == NULL)
		return xstrdup(file);
	xasprintf(&p, "%.*s/%s", (int)(slash - conf_path), conf_path, file);
	return p;
}

static char *
conf_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Also after errors: a wrong value is NULL, or its default if a number,
 * so that the domain files are checked too. */
static void
conf_apply(struct kurad_conf *c, const struct conf_values *v)
{
	const struct conf_role_keys *rk;
	struct conf_domain *dom;
	size_t r, t;

	c->socket_path = conf_strdup(v->s[CK_SOCKET]);
	c->control_group = conf_strdup(v->s[CK_CONTROL_GROUP]);
	c->audit_log = conf_strdup(v->s[CK_AUDIT_LOG]);
	c->shutdown_timeout = (int)v->n[CK_SHUTDOWN_TIMEOUT];
	if (v->s[CK_POLICY] != NULL)
		c->policy_path = conf_resolve(c->path, v->s[CK_POLICY]);
	if (v->s[CK_POLICY_KEY] != NULL)
		c->policy_key = conf_resolve(c->path, v->s[CK_POLICY_KEY]);
	c->on_lan = v->s[CK_LOCATION] != NULL &&
	    strcmp(v->s[CK_LOCATION], "on-lan") == 0;
	for (r = 0; r < CONF_ROLE__COUNT; r++) {
		rk = &conf_roles[r];
		dom = &c->dom[r];
		if (v->s[rk->file] != NULL)
			dom->path = conf_resolve(c->path, v->s[rk->file]);
		dom->weight = (int)v->n[rk->weight];
		dom->cap = (int)v->n[rk->cap];
		for (t = 0; t < CONF_NELEM(conf_timers); t++)
			*(int64_t *)((char *)&dom->policy +
			    conf_timers[t].off) =
			    (int64_t)v->n[conf_timers[t].key] * 1000;
	}
}

/* What xl's cpu_weight and cap keys set, so that libxl applies them when
 * it creates the domain.  The cap is checked if the vCPUs are known, even
 * if something else is wrong. */
static int
conf_apply_sched(struct cfgfile *f, struct conf_domain *dom)
{
	const char *cap = conf_keys[conf_roles[dom->role].cap].name;
	int vcpus = dom->cfg.b_info.max_vcpus;

	if (vcpus > 0 && dom->cap > 100 * vcpus) {
		cfgfile_error(f, cap,
		    "\"%s\" is %d%%, more than the %d vCPU%s of the %s domain "
		    "can use (100%% each)",
		    cap, dom->cap, vcpus, vcpus == 1 ? "" : "s",
		    conf_role_name(dom->role));
		return -1;
	}
	dom->cfg.b_info.sched_params.weight = dom->weight;
	dom->cfg.b_info.sched_params.cap = dom->cap;
	return 0;
}

static void
conf_init(struct kurad_conf *c, const char *path)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path);
	for (r = 0; r < CONF_ROLE__COUNT; r++) {
		c->dom[r].role = (enum conf_role)r;
		libxl_domain_config_init(&c->dom[r].cfg);
		vmstate_policy_default(&c->dom[r].policy);
	}
}

/* Both domain files are loaded, whatever is wrong, to report it all. */
static void
conf_load_domains(struct kurad_conf *c, struct cfgfile *f)
{
	const struct conf_domain *prev = NULL;
	struct conf_domain *dom;
	int r;

	for (r = 0; r < CONF_ROLE__COUNT; r++) {
		dom = &c->dom[r];
		if (dom->path == NULL)
			continue;
		domcfg_load(dom, prev, f->d);
		conf_apply_sched(f, dom);
		prev = dom;
	}
}

int
conf_load(const char *path, struct kurad_conf *c, struct diags *d)
{
	size_t nerrors = d->nerrors, first = d->n;
	struct conf_values v;
	struct cfgfile f;

	memset(&v, 0, sizeof(v));
	conf_init(c, path);
	if (cfgfile_open(&f, path, d) == 0) {
		cfgfile_check_keys(&f, conf_keys, CK__COUNT,
		    sizeof(conf_keys[0]));
		if (f.parsed) {
			conf_read(&f, &v);
			conf_apply(c, &v);
			conf_load_domains(c, &f);
		}
	}
	cfgfile_close(&f);
	cfgfile_sort_diags(d, first);
	return d->nerrors > nerrors ? -1 : 0;
}

void
conf_free(struct kurad_conf *c)
{
	int r;

	free(c->path);
	free(c->socket_path);
	free(c->control_group);
	free(c->audit_log);
	free(c->policy_path);
	free(c->policy_key);
	for (r = 0; r < CONF_ROLE__COUNT; r++) {
		free(c->dom[r].path);
		libxl_domain_config_dispose(&c->dom[r].cfg);
	}
	memset(c, 0, sizeof(*c));
}

static void
conf_print_domain(const struct conf_domain *dom, FILE *fp)
{
	const char *role = conf_role_name(dom->role);
	const struct vm_policy *p = &dom->policy;
	libxl_domain_config cfg;
	const int64_t *ms;
	size_t t, len;
	char *json;

	fprintf(fp, "%s file %s\n", role, dom->path);
	fprintf(fp, "%s name %s\n", role, dom->cfg.c_info.name);
	fprintf(fp, "%s weight %d\n", role, dom->weight);
	fprintf(fp, "%s cap %d\n", role, dom->cap);
	fprintf(fp, "%s on_poweroff %s\n", role,
	    domcfg_action_name(p->on_poweroff));
	fprintf(fp, "%s on_reboot %s\n", role,
	    domcfg_action_name(p->on_reboot));
	fprintf(fp, "%s on_crash %s\n", role, domcfg_action_name(p->on_crash));
	for (t = 0; t < CONF_NELEM(conf_timers); t++) {
		ms = (const int64_t *)((const char *)p + conf_timers[t].off);
		fprintf(fp, "%s %s %lld\n", role,
		    conf_keys[conf_timers[t].key].name,
		    (long long)(*ms / 1000));
	}
	/* libxl's to_json only reads, but wants a mutable pointer: it gets
	 * a shallow copy rather than c with its const cast away. */
	memcpy(&cfg, &dom->cfg, sizeof(cfg));
	json = libxl_domain_config_to_json(NULL, &cfg);
	if (json == NULL) {
		fprintf(fp, "%s libxl (no JSON: libxl failed)\n", role);
		return;
	}
	len = strlen(json);
	fprintf(fp, "%s libxl %s%s", role, json,
	    len > 0 && json[len - 1] == '\n' ? "" : "\n");
	free(json);
}

void
conf_print(const struct kurad_conf *c, FILE *fp)
{
	int r;

	fprintf(fp, "socket %s\n", c->socket_path);
	fprintf(fp, "control_group %s\n", c->control_group);
	fprintf(fp, "audit_log %s\n", c->audit_log);
	fprintf(fp, "shutdown_timeout %d\n", c->shutdown_timeout);
	fprintf(fp, "policy %s\n", c->policy_path ? c->policy_path : "-");
	fprintf(fp, "policy_key %s\n", c->policy_key ? c->policy_key : "-");
	fprintf(fp, "location %s\n", c->on_lan ? "on-lan" : "off-lan");
	for (r = 0; r < CONF_ROLE__COUNT; r++)
		conf_print_domain(&c->dom[r], fp);
}
