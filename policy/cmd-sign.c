/* cmd-sign.c: `kura-policy keygen`, `sign` and `verify`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "load.h"
#include "edkey.h"
#include "keygen.h"
#include "sign.h"
#include "xalloc.h"

int
cmd_keygen(int argc, char **argv)
{
	return keygen_cmd("kura-policy", argc, argv);
}

/* The policy to sign: compiled first, so that nothing invalid is signed. */
static json_t *
cmd_sign_input(const char *path)
{
	struct policy *p = cmd_load_policy(path);
	json_t *j = p ? json_incref(p->canonical) : NULL;

	policy_free(p);
	return j;
}

static int
cmd_sign_write(const char *path, const char *text)
{
	char *data;
	int rc;

	xasprintf(&data, "%s\n", text);
	rc = cmd_write_file(path, data, 0644);
	free(data);
	return rc;
}

int
cmd_sign(int argc, char **argv)
{
	static const char usage[] = "sign --key KEY [-o OUTPUT] POLICY";
	EVP_PKEY *key = NULL;
	json_t *pol = NULL, *env = NULL;
	struct cmd_opts o;
	char err[256], *text = NULL;
	int first, rc = CLI_EXIT_FAIL;

	if ((first = cmd_start(argc, argv, &o, usage, 1, 1)) < 0)
		return CLI_EXIT_USAGE;
	if (o.key == NULL) {
		fprintf(stderr, "usage: kura-policy %s\n", usage);
		return CLI_EXIT_USAGE;
	}
	if ((key = edkey_load_private(o.key, err, sizeof(err))) == NULL ||
	    (pol = cmd_sign_input(argv[first])) == NULL ||
	    (env = sign_policy(pol, key, err, sizeof(err))) == NULL) {
		if (pol != NULL || key == NULL)
			fprintf(stderr, "kura-policy: sign: %s\n", err);
		goto out;
	}
	text = json_dumps(env, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (o.output == NULL)
		printf("%s\n", text);
	else if (cmd_sign_write(o.output, text) == -1)
		goto out;
	rc = CLI_EXIT_OK;
out:
	free(text);
	json_decref(env);
	json_decref(pol);
	EVP_PKEY_free(key);
	return rc;
}

static void
cmd_verify_report(const struct cmd_opts *o, const struct policy *p,
    const char *id, const char *path)
{
	char sha[65] = "";

	sign_sha256_hex(p->canonical, sha, sizeof(sha));
	if (o->json)
		cmd_print_json(
		    json_pack("{s:s, s:b, s:I, s:s, s:s, s:I}", "file", path,
			"ok", 1, "version", (json_int_t)p->version, "key-id",
			id, "sha256", sha, "rules", (json_int_t)p->nrules));
	else
		printf("%s: good signature by key %s: policy version %lld, "
		       "%zu rules, sha256 %s\n",
		    path, id, (long long)p->version, p->nrules, sha);
}

int
cmd_verify(int argc, char **argv)
{
	static const char usage[] =
	    "verify --pubkey PUB [--installed-version N] "
	    "[--installed-sha256 HEX] [--json] SIGNED";
	struct sign_installed inst = { -1, NULL };
	struct policy *p = NULL;
	struct cmd_opts o;
	char err[256] = "", id[17] = "";
	int first, rc = CLI_EXIT_FAIL;

	if ((first = cmd_start(argc, argv, &o, usage, 1, 1)) < 0)
		return CLI_EXIT_USAGE;
	if (o.pubkey == NULL) {
		fprintf(stderr, "usage: kura-policy %s\n", usage);
		return CLI_EXIT_USAGE;
	}
	inst.version = o.installed_version;
	inst.sha256 = o.installed_sha256;
	p = load_signed_policy(argv[first], o.pubkey, &inst, id, sizeof(id),
	    err, sizeof(err));
	if (p == NULL)
		goto out;
	cmd_verify_report(&o, p, id, argv[first]);
	rc = CLI_EXIT_OK;
out:
	if (rc != CLI_EXIT_OK && o.json)
		cmd_print_json(json_pack("{s:s, s:b, s:s}", "file", argv[first],
		    "ok", 0, "error", err));
	else if (rc != CLI_EXIT_OK)
		fprintf(stderr, "kura-policy: verify: %s: %s\n", argv[first],
		    err);
	policy_free(p);
	return rc;
}
