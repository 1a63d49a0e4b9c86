/* devpolicy.c: the policy in force and replacing it (see devpolicy.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "devpolicy.h"
#include "file.h"
#include "load.h"
#include "log.h"

/* Takes p as the policy in force. */
static void
devpolicy_take(struct devices *ds, struct policy *p, const char *keyid)
{
	policy_free(ds->policy);
	ds->policy = p;
	snprintf(ds->policy_key, sizeof(ds->policy_key), "%s", keyid);
	if (sign_sha256_hex(p->canonical, ds->policy_sha,
		sizeof(ds->policy_sha)) != 0)
		ds->policy_sha[0] = '\0';
}

void
devpolicy_load_file(struct devices *ds)
{
	const struct sign_installed none = { -1, NULL };
	char err[256], id[17] = "";
	struct policy *p;

	p = load_signed_policy(ds->conf->policy_path, ds->conf->policy_key,
	    &none, id, sizeof(id), err, sizeof(err));
	if (p == NULL) {
		log_warnx("%s: %s: every device is denied",
		    ds->conf->policy_path, err);
		audit_write(ds->audit, "policy",
		    json_pack("{s:s, s:b, s:s}", "file", ds->conf->policy_path,
			"ok", 0, "error", err));
		return;
	}
	devpolicy_take(ds, p, id);
	log_info("policy version %lld (%zu rules, key %s) from %s",
	    (long long)p->version, p->nrules, id, ds->conf->policy_path);
	audit_write(ds->audit, "policy",
	    json_pack("{s:s, s:b, s:I, s:s, s:s}", "file",
		ds->conf->policy_path, "ok", 1, "version",
		(json_int_t)p->version, "key-id", id, "sha256",
		ds->policy_sha));
}

/* The envelope as it will be read at the next start. */
static int
devpolicy_save(const struct devices *ds, const json_t *env)
{
	char *text = json_dumps(env, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc;

	if (text == NULL)
		return -ENOMEM;
	rc = file_write_atomic(ds->conf->policy_path, text, strlen(text), 0644);
	free(text);
	return rc;
}

static void
devpolicy_audit_refused(struct devices *ds, uid_t uid, const char *err)
{
	audit_write(ds->audit, "policy",
	    json_pack("{s:s, s:b, s:I, s:s}", "source", "kuractl", "ok", 0,
		"uid", (json_int_t)uid, "error", err));
}

int
devpolicy_install(struct devices *ds, const json_t *env, uid_t uid, char *err,
    size_t errlen)
{
	struct sign_installed inst = { -1, NULL };
	char id[17] = "", source[64];
	struct policy *p;
	int rc;

	if (ds->policy != NULL) {
		inst.version = ds->policy->version;
		inst.sha256 = ds->policy_sha;
	}
	p = load_signed_env(env, ds->conf->policy_key, &inst, id, sizeof(id),
	    err, errlen);
	if (p == NULL) {
		devpolicy_audit_refused(ds, uid, err);
		return -EINVAL;
	}
	/* On disk first: what kurad enforces is what it would restart
	 * with. */
	if ((rc = devpolicy_save(ds, env)) != 0) {
		snprintf(err, errlen, "%s: %s", ds->conf->policy_path,
		    strerror(-rc));
		devpolicy_audit_refused(ds, uid, err);
		policy_free(p);
		return rc;
	}
	devpolicy_take(ds, p, id);
	log_info("policy version %lld (%zu rules, key %s) loaded by uid %ld",
	    (long long)p->version, p->nrules, id, (long)uid);
	audit_write(ds->audit, "policy",
	    json_pack("{s:s, s:b, s:I, s:I, s:s, s:s}", "source", "kuractl",
		"ok", 1, "uid", (json_int_t)uid, "version",
		(json_int_t)p->version, "key-id", id, "sha256",
		ds->policy_sha));
	snprintf(source, sizeof(source), "policy version %lld",
	    (long long)p->version);
	devices_reevaluate(ds, source);
	return 0;
}

json_t *
devpolicy_json(const struct devices *ds)
{
	const struct policy *p = ds->policy;

	if (p == NULL)
		return json_pack("{s:s, s:b}", "file", ds->conf->policy_path,
		    "loaded", 0);
	return json_pack("{s:s, s:b, s:I, s:I, s:s, s:s}", "file",
	    ds->conf->policy_path, "loaded", 1, "version",
	    (json_int_t)p->version, "rules", (json_int_t)p->nrules, "key-id",
	    ds->policy_key, "sha256", ds->policy_sha);
}
