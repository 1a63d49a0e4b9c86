/*
 * sign.c: Ed25519 signing and verification of policies (see sign.h).
 *
 * All cryptography is OpenSSL's EVP; this file only decides what bytes are
 * signed, how the envelope looks and in which order things are checked.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "edkey.h"
#include "sign.h"

#define SIGN_ALG "ed25519"
/* Base64 of 64 bytes: 22 groups of four characters, the last "xx==". */
#define SIGN_B64_LEN 88
#define SIGN_B64_CHARS                                                         \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#define SIGN_HEX_DIGITS "0123456789abcdef"

char *
sign_canonical_dump(const json_t *j)
{
	return json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
}

int
sign_sha256_hex(const json_t *j, char *buf, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	char *dump = NULL;
	int rc = -1;

	if (len < 65 || (dump = sign_canonical_dump(j)) == NULL)
		goto out;
	if (EVP_Digest(dump, strlen(dump), md, &mdlen, EVP_sha256(), NULL) !=
	    1) {
		ERR_clear_error();
		goto out;
	}
	edkey_hex(md, mdlen, buf);
	rc = 0;
out:
	free(dump);
	return rc;
}

/* A policy must say which version it is, for rollback protection. */
static int
sign_policy_version(const json_t *policy, json_int_t *version, char *err,
    size_t errlen)
{
	const json_t *v = json_object_get(policy, "version");

	if (v == NULL) {
		snprintf(err, errlen, "policy has no \"version\"");
		return -1;
	}
	if (!json_is_integer(v)) {
		snprintf(err, errlen, "policy \"version\" is not an integer");
		return -1;
	}
	*version = json_integer_value(v);
	if (*version < 0) {
		snprintf(err, errlen, "policy \"version\" %lld is negative",
		    (long long)*version);
		return -1;
	}
	return 0;
}

json_t *
sign_policy(const json_t *policy, EVP_PKEY *priv, char *err, size_t errlen)
{
	unsigned char sig[EDKEY_SIG_LEN];
	char b64[SIGN_B64_LEN + 1], id[2 * EDKEY_ID_BYTES + 1];
	json_t *copy = NULL, *env = NULL;
	char *dump = NULL;
	json_int_t version;

	if (!json_is_object(policy)) {
		snprintf(err, errlen, "policy is not a JSON object");
		goto out;
	}
	if (sign_policy_version(policy, &version, err, errlen) == -1)
		goto out;
	if (edkey_id(priv, id, sizeof(id)) == -1) {
		snprintf(err, errlen, "not an Ed25519 key");
		goto out;
	}
	/* Sign what goes into the envelope, not what we were handed. */
	copy = json_deep_copy(policy);
	if (copy == NULL || (dump = sign_canonical_dump(copy)) == NULL) {
		snprintf(err, errlen, "cannot serialize the policy");
		goto out;
	}
	if (edkey_sign(priv, dump, strlen(dump), sig, err, errlen) == -1)
		goto out;
	EVP_EncodeBlock((unsigned char *)b64, sig, EDKEY_SIG_LEN);
	env = json_pack("{s:s, s:O, s:{s:s, s:s, s:s}}", "format", SIGN_FORMAT,
	    "policy", copy, "signature", "alg", SIGN_ALG, "key-id", id, "value",
	    b64);
	if (env == NULL)
		snprintf(err, errlen, "cannot build the signed policy");
out:
	json_decref(copy);
	free(dump);
	return env;
}

/* Strict base64 of exactly 64 bytes.  EVP_DecodeBlock decodes the "="
 * padding as zero bytes and counts them, so the real length is computed
 * here from the padding. */
static int
sign_decode_sig(const char *b64, unsigned char *sig, char *err, size_t errlen)
{
	unsigned char buf[SIGN_B64_LEN];
	size_t len = strlen(b64), body = strspn(b64, SIGN_B64_CHARS);
	size_t pad = strspn(b64 + body, "="), real;

	if (len == 0 || len % 4 != 0 || body + pad != len || pad > 2) {
		snprintf(err, errlen, "signature value is not valid base64");
		return -1;
	}
	real = len / 4 * 3 - pad;
	if (real != EDKEY_SIG_LEN) {
		snprintf(err, errlen, "signature is %zu bytes, expected %d",
		    real, EDKEY_SIG_LEN);
		return -1;
	}
	if (EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len) !=
	    EDKEY_SIG_LEN + (int)pad) {
		snprintf(err, errlen, "signature value is not valid base64");
		return -1;
	}
	memcpy(sig, buf, EDKEY_SIG_LEN);
	return 0;
}

/* The outer shape: format, then the two objects it must hold. */
static int
sign_check_envelope(const json_t *env, char *err, size_t errlen)
{
	const char *format;

	if (!json_is_object(env)) {
		snprintf(err, errlen, "signed policy is not a JSON object");
		return -1;
	}
	format = json_string_value(json_object_get(env, "format"));
	if (format == NULL) {
		snprintf(err, errlen, "signed policy has no \"format\" string");
		return -1;
	}
	if (strcmp(format, SIGN_FORMAT) != 0) {
		snprintf(err, errlen,
		    "unknown format \"%.64s\", expected \"%s\"", format,
		    SIGN_FORMAT);
		return -1;
	}
	if (!json_is_object(json_object_get(env, "policy"))) {
		snprintf(err, errlen, "signed policy has no \"policy\" object");
		return -1;
	}
	if (!json_is_object(json_object_get(env, "signature"))) {
		snprintf(err, errlen,
		    "signed policy has no \"signature\" object");
		return -1;
	}
	return 0;
}

/* The key id is checked before the signature so that the common mistake,
 * the wrong public key, gets a message that says so. */
static int
sign_check_key(const json_t *sig, EVP_PKEY *pub, char *err, size_t errlen)
{
	const char *alg = json_string_value(json_object_get(sig, "alg"));
	const char *id = json_string_value(json_object_get(sig, "key-id"));
	char want[2 * EDKEY_ID_BYTES + 1];

	if (alg == NULL) {
		snprintf(err, errlen, "signature has no \"alg\" string");
		return -1;
	}
	if (strcmp(alg, SIGN_ALG) != 0) {
		snprintf(err, errlen,
		    "signature algorithm is \"%.32s\", expected \"%s\"", alg,
		    SIGN_ALG);
		return -1;
	}
	if (edkey_id(pub, want, sizeof(want)) == -1) {
		snprintf(err, errlen, "public key is not an Ed25519 key");
		return -1;
	}
	if (id == NULL || strlen(id) != 2 * EDKEY_ID_BYTES ||
	    strspn(id, SIGN_HEX_DIGITS) != 2 * EDKEY_ID_BYTES) {
		snprintf(err, errlen, "signature has no valid \"key-id\"");
		return -1;
	}
	if (strcmp(id, want) != 0) {
		snprintf(err, errlen, "signed by key %s, expected key %s", id,
		    want);
		return -1;
	}
	return 0;
}

static int
sign_check_value(const json_t *policy, const json_t *sigobj, EVP_PKEY *pub,
    char *err, size_t errlen)
{
	const char *b64 = json_string_value(json_object_get(sigobj, "value"));
	unsigned char sig[EDKEY_SIG_LEN];
	char *dump = NULL;
	int rc = -1;

	if (b64 == NULL) {
		snprintf(err, errlen, "signature has no \"value\" string");
		goto out;
	}
	if (sign_decode_sig(b64, sig, err, errlen) == -1)
		goto out;
	if ((dump = sign_canonical_dump(policy)) == NULL) {
		snprintf(err, errlen, "cannot serialize the policy");
		goto out;
	}
	if (edkey_verify(pub, dump, strlen(dump), sig) == -1) {
		snprintf(err, errlen, "bad signature");
		goto out;
	}
	rc = 0;
out:
	free(dump);
	return rc;
}

/* Rollback protection: never older than what is installed, and the same
 * version only with the same bytes (an unknown installed digest counts as
 * different, so the check fails closed). */
static int
sign_check_version(const json_t *policy, const struct sign_installed *inst,
    char *err, size_t errlen)
{
	char hex[65];
	json_int_t v;

	if (sign_policy_version(policy, &v, err, errlen) == -1)
		return -1;
	if (inst == NULL || inst->version < 0)
		return 0;
	if (v < inst->version) {
		snprintf(err, errlen,
		    "policy version %lld is older than the installed version "
		    "%lld",
		    (long long)v, (long long)inst->version);
		return -1;
	}
	if (v == inst->version &&
	    (inst->sha256 == NULL ||
		sign_sha256_hex(policy, hex, sizeof(hex)) ||
		strcmp(hex, inst->sha256) != 0)) {
		snprintf(err, errlen,
		    "policy version %lld is already installed with other "
		    "content",
		    (long long)v);
		return -1;
	}
	return 0;
}

int
sign_verify(const json_t *envelope, EVP_PKEY *pub,
    const struct sign_installed *installed, json_t **policy_r, char *err,
    size_t errlen)
{
	json_t *policy, *sig;

	if (policy_r != NULL)
		*policy_r = NULL;
	if (sign_check_envelope(envelope, err, errlen) == -1)
		return -1;
	policy = json_object_get(envelope, "policy");
	sig = json_object_get(envelope, "signature");
	if (sign_check_key(sig, pub, err, errlen) == -1 ||
	    sign_check_value(policy, sig, pub, err, errlen) == -1 ||
	    sign_check_version(policy, installed, err, errlen) == -1)
		return -1;
	if (policy_r != NULL)
		*policy_r = json_incref(policy);
	return 0;
}
