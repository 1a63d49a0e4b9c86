/* load.c: policy files, text or canonical JSON, to JSON or compiled. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "parse.h"
#include "edkey.h"
#include "sign.h"
#include "xalloc.h"

/* The whole file, NUL-terminated; NULL with a message in err. */
char *
load_file(const char *path, size_t *len_r, char *err, size_t errlen)
{
	FILE *fp = NULL;
	char *buf = NULL, *ret = NULL;
	size_t n;

	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (fp == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto out;
	}
	buf = xmalloc(LOAD_MAX_BYTES + 1);
	n = fread(buf, 1, LOAD_MAX_BYTES + 1, fp);
	if (ferror(fp)) {
		snprintf(err, errlen, "read: %s", strerror(errno));
		goto out;
	}
	if (n > LOAD_MAX_BYTES) {
		snprintf(err, errlen, "larger than %u bytes", LOAD_MAX_BYTES);
		goto out;
	}
	buf[n] = '\0';
	*len_r = n;
	ret = xreallocarray(buf, n + 1, 1);
	buf = NULL;
out:
	free(buf);
	if (fp != NULL && fp != stdin)
		fclose(fp);
	return ret;
}

static int
load_is_json(const char *text)
{
	text += strspn(text, " \t\r\n");
	return *text == '{';
}

json_t *
load_policy_json(const char *path, struct diags *d)
{
	char err[256], *text;
	json_error_t jerr;
	json_t *j = NULL;
	size_t len;

	text = load_file(path, &len, err, sizeof(err));
	if (text == NULL) {
		diags_add(d, DIAG_ERROR, path, 0, 0, "%s", err);
		return NULL;
	}
	if (!load_is_json(text)) {
		j = policy_parse(text, len, path, d);
	} else {
		j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		if (j == NULL)
			diags_add(d, DIAG_ERROR, path, jerr.line, jerr.column,
			    "invalid JSON: %s", jerr.text);
	}
	free(text);
	return j;
}

struct policy *
load_policy(const char *path, struct diags *d)
{
	struct policy_error perr;
	struct policy *p;
	json_t *j;

	j = load_policy_json(path, d);
	if (j == NULL)
		return NULL;
	p = policy_compile(j, &perr);
	if (p == NULL)
		diags_add(d, DIAG_ERROR, path, 0, 0, "%s", perr.msg);
	json_decref(j);
	return p;
}

/* The inner policy must also compile: a signed but broken policy is as
 * useless to kurad as an unsigned one. */
static struct policy *
load_compile_signed(json_t *pol, char *err, size_t errlen)
{
	struct policy_error perr;
	struct policy *p = policy_compile(pol, &perr);

	if (p == NULL)
		snprintf(err, errlen, "signed policy does not compile: %.200s",
		    perr.msg);
	return p;
}

struct policy *
load_signed_env(const json_t *env, const char *pubkey,
    const struct sign_installed *inst, char *keyid, size_t keyidlen, char *err,
    size_t errlen)
{
	struct policy *p = NULL;
	EVP_PKEY *key = NULL;
	json_t *pol = NULL;

	if ((key = edkey_load_public(pubkey, err, errlen)) == NULL)
		goto out;
	if (keyid != NULL)
		edkey_id(key, keyid, keyidlen);
	if (sign_verify(env, key, inst, &pol, err, errlen) == 0)
		p = load_compile_signed(pol, err, errlen);
out:
	json_decref(pol);
	EVP_PKEY_free(key);
	return p;
}

struct policy *
load_signed_policy(const char *path, const char *pubkey,
    const struct sign_installed *inst, char *keyid, size_t keyidlen, char *err,
    size_t errlen)
{
	struct policy *p;
	json_error_t jerr;
	json_t *env;

	if ((env = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		snprintf(err, errlen, "%d:%d: %s", jerr.line, jerr.column,
		    jerr.text);
		return NULL;
	}
	p = load_signed_env(env, pubkey, inst, keyid, keyidlen, err, errlen);
	json_decref(env);
	return p;
}
