/* Unit tests for policy/sign.c: keys, envelopes, verification, rollback. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "edkey.h"
#include "sign.h"

/* RFC 8032, section 7.1, test 1. */
static const unsigned char rfc_sk[32] = { 0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd,
	0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49,
	0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae,
	0x7f, 0x60 };
static const unsigned char rfc_pk[32] = { 0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1,
	0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1,
	0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07,
	0x51, 0x1a };
static const unsigned char rfc_sig[64] = { 0xe5, 0x56, 0x43, 0x00, 0xc3, 0x60,
	0xac, 0x72, 0x90, 0x86, 0xe2, 0xcc, 0x80, 0x6e, 0x82, 0x8a, 0x84, 0x87,
	0x7f, 0x1e, 0xb8, 0xe5, 0xd9, 0x74, 0xd8, 0x73, 0xe0, 0x65, 0x22, 0x49,
	0x01, 0x55, 0x5f, 0xb8, 0x82, 0x15, 0x90, 0xa3, 0x3b, 0xac, 0xc6, 0x1e,
	0x39, 0x70, 0x1c, 0xf9, 0xb4, 0x6b, 0xd2, 0x5b, 0xf5, 0xf0, 0x59, 0x5b,
	0xbe, 0x24, 0x65, 0x51, 0x41, 0x43, 0x8e, 0x7a, 0x10, 0x0b };
/* First 8 bytes of SHA-256(rfc_pk), computed with Python's hashlib. */
#define RFC_KEY_ID "21fe31dfa154a261"
/* The RFC key's signature over {"name":"lab","version":1}, computed with
 * Python's cryptography package. */
#define RFC_LAB_SIG                                                            \
	"/KJ4jInufYmYch5sVBEkHnHCPjzCn6WHufFuzpl2Bsx7rcYE6J/"                  \
	"PG2Ly0bCb65xwHy7H+NYP+MjEZAjuBeHJAQ=="

/* A temporary directory holding one key pair, loaded. */
struct fixture {
	char dir[64];
	char priv_path[128];
	char pub_path[128];
	EVP_PKEY *priv;
	EVP_PKEY *pub;
	char err[256];
};

static int
fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/kura-test-sign.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->priv_path, sizeof(f->priv_path), "%s/key", f->dir);
	snprintf(f->pub_path, sizeof(f->pub_path), "%s/key.pub", f->dir);
	assert_int_equal(edkey_keygen(f->priv_path, f->pub_path, f->err,
			     sizeof(f->err)),
	    0);
	f->priv = edkey_load_private(f->priv_path, f->err, sizeof(f->err));
	assert_non_null(f->priv);
	f->pub = edkey_load_public(f->pub_path, f->err, sizeof(f->err));
	assert_non_null(f->pub);
	*state = f;
	return 0;
}

/* Removes whatever a test left in the directory, then the directory. */
static int
fixture_teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const names[] = { "key", "key.pub", "ec", "ec.pub",
		"other", "other.pub" };
	char path[192];
	size_t i;

	EVP_PKEY_free(f->priv);
	EVP_PKEY_free(f->pub);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(f->dir), 0);
	free(f);
	return 0;
}

static json_t *
load_json(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	assert_non_null(j);
	return j;
}

/* A signed envelope of text, signed with the fixture's key. */
static json_t *
signed_env(struct fixture *f, const char *text)
{
	json_t *policy = load_json(text), *env;

	env = sign_policy(policy, f->priv, f->err, sizeof(f->err));
	assert_non_null(env);
	json_decref(policy);
	return env;
}

/* Runs sign_verify and returns its result, checking that *policy_r is set
 * exactly on success. */
static int
verify(struct fixture *f, const json_t *env, const struct sign_installed *in)
{
	json_t *policy = json_true(); /* must be overwritten either way */
	int rc;

	f->err[0] = '\0';
	rc = sign_verify(env, f->pub, in, &policy, f->err, sizeof(f->err));
	if (rc == 0) {
		assert_ptr_equal(policy, json_object_get(env, "policy"));
		json_decref(policy);
	} else {
		assert_null(policy);
	}
	return rc;
}

static json_t *
sig_obj(json_t *env)
{
	return json_object_get(env, "signature");
}

static void
test_keygen(void **state)
{
	struct fixture *f = *state;
	char id_priv[17], id_pub[17];
	struct stat st;

	assert_int_equal(stat(f->priv_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(edkey_id(f->priv, id_priv, sizeof(id_priv)), 0);
	assert_int_equal(edkey_id(f->pub, id_pub, sizeof(id_pub)), 0);
	assert_string_equal(id_priv, id_pub);
	assert_int_equal(strlen(id_pub), 16);
	assert_int_equal(strspn(id_pub, "0123456789abcdef"), 16);
	/* buf must hold 17 bytes. */
	assert_int_equal(edkey_id(f->pub, id_pub, 16), -1);
}

static void
test_keygen_refuses_overwrite(void **state)
{
	struct fixture *f = *state;
	char other[192], before[17], after[17];
	EVP_PKEY *k;
	struct stat st;

	assert_int_equal(edkey_id(f->pub, before, sizeof(before)), 0);
	assert_int_equal(edkey_keygen(f->priv_path, f->pub_path, f->err,
			     sizeof(f->err)),
	    -1);
	snprintf(other, sizeof(other),
	    "%s already exists; refusing to overwrite it", f->priv_path);
	assert_string_equal(f->err, other);
	k = edkey_load_public(f->pub_path, f->err, sizeof(f->err));
	assert_non_null(k);
	assert_int_equal(edkey_id(k, after, sizeof(after)), 0);
	assert_string_equal(before, after);
	EVP_PKEY_free(k);

	/* Only the public file exists: no private key is left behind. */
	snprintf(other, sizeof(other), "%s/other", f->dir);
	assert_int_equal(edkey_keygen(other, f->pub_path, f->err,
			     sizeof(f->err)),
	    -1);
	assert_int_equal(stat(other, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_canonical_dump(void **state)
{
	json_t *a = load_json("{\"b\":1,\"a\":2}");
	json_t *b = load_json("{\"a\":2,\"b\":1}");
	json_t *u = load_json("{\"n\":\"caf\xc3\xa9\",\"l\":[3, {\"z\":0,\"y\":"
			      "null}]}");
	char *da = sign_canonical_dump(a), *db = sign_canonical_dump(b);
	char *du = sign_canonical_dump(u);
	char hex[65];

	(void)state;
	assert_string_equal(da, "{\"a\":2,\"b\":1}");
	assert_string_equal(db, "{\"a\":2,\"b\":1}");
	assert_string_equal(du,
	    "{\"l\":[3,{\"y\":null,\"z\":0}],\"n\":\"caf\\u00E9\"}");
	/* jansson escapes in upper-case hex.  sha256sum of {"a":2,"b":1}: */
	assert_int_equal(sign_sha256_hex(a, hex, sizeof(hex)), 0);
	assert_string_equal(hex,
	    "d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772");
	assert_int_equal(sign_sha256_hex(a, hex, 64), -1);
	free(da);
	free(db);
	free(du);
	json_decref(a);
	json_decref(b);
	json_decref(u);
}

static void
test_round_trip(void **state)
{
	struct fixture *f = *state;
	json_t *env = signed_env(f, "{\"version\":2,\"devices\":[\"usb\"]}");
	json_t *again = signed_env(f, "{\"devices\":[\"usb\"],\"version\":2}");
	const char *value;
	char id[17];

	assert_string_equal(json_string_value(json_object_get(env, "format")),
	    SIGN_FORMAT);
	assert_string_equal(json_string_value(
				json_object_get(sig_obj(env), "alg")),
	    "ed25519");
	assert_int_equal(edkey_id(f->pub, id, sizeof(id)), 0);
	assert_string_equal(json_string_value(
				json_object_get(sig_obj(env), "key-id")),
	    id);
	value = json_string_value(json_object_get(sig_obj(env), "value"));
	assert_int_equal(strlen(value), 88);
	assert_int_equal(json_object_size(env), 3);
	assert_int_equal(json_object_size(sig_obj(env)), 3);
	/* Ed25519 is deterministic and the bytes are canonical. */
	assert_string_equal(value,
	    json_string_value(json_object_get(sig_obj(again), "value")));
	assert_int_equal(verify(f, env, NULL), 0);
	json_decref(env);
	json_decref(again);
}

/* The envelope carries a copy: later changes to the input do not leak in. */
static void
test_sign_copies(void **state)
{
	struct fixture *f = *state;
	json_t *policy = load_json("{\"version\":1,\"x\":[1]}");
	json_t *env = sign_policy(policy, f->priv, f->err, sizeof(f->err));

	assert_non_null(env);
	assert_ptr_not_equal(json_object_get(env, "policy"), policy);
	json_array_append_new(json_object_get(policy, "x"), json_integer(2));
	assert_int_equal(verify(f, env, NULL), 0);
	json_decref(policy);
	json_decref(env);
}

static void
expect_sign_error(struct fixture *f, const char *text, const char *msg)
{
	json_t *policy = load_json(text);

	assert_null(sign_policy(policy, f->priv, f->err, sizeof(f->err)));
	assert_string_equal(f->err, msg);
	json_decref(policy);
}

static void
test_sign_needs_version(void **state)
{
	struct fixture *f = *state;

	expect_sign_error(f, "{\"a\":1}", "policy has no \"version\"");
	expect_sign_error(f, "{\"version\":\"1\"}",
	    "policy \"version\" is not an integer");
	expect_sign_error(f, "{\"version\":1.0}",
	    "policy \"version\" is not an integer");
	expect_sign_error(f, "{\"version\":-1}",
	    "policy \"version\" -1 is negative");
	expect_sign_error(f, "[1]", "policy is not a JSON object");
}

/* Each change to the signed policy must break the signature. */
static void
test_tampered_policy(void **state)
{
	struct fixture *f = *state;
	static const char *const edits[] = { "version", "name", "add", "remove",
		"nested" };
	size_t i;

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		json_t *env = signed_env(f,
		    "{\"version\":3,\"name\":\"lab\",\"allow\":[{\"id\":1}]}");
		json_t *p = json_object_get(env, "policy");

		if (i == 0)
			json_object_set_new(p, "version", json_integer(4));
		else if (i == 1)
			json_object_set_new(p, "name", json_string("lab2"));
		else if (i == 2)
			json_object_set_new(p, "extra", json_true());
		else if (i == 3)
			json_object_del(p, "name");
		else
			json_object_set_new(json_array_get(json_object_get(p,
							       "allow"),
						0),
			    "id", json_integer(2));
		assert_int_equal(verify(f, env, NULL), -1);
		assert_string_equal(f->err, "bad signature");
		json_decref(env);
	}
}

static void
set_value(json_t *env, const char *value)
{
	json_object_set_new(sig_obj(env), "value", json_string(value));
}

static void
test_tampered_signature(void **state)
{
	struct fixture *f = *state;
	json_t *env = signed_env(f, "{\"version\":1}");
	char value[89];

	strcpy(value,
	    json_string_value(json_object_get(sig_obj(env), "value")));
	value[10] = value[10] == 'A' ? 'B' : 'A';
	set_value(env, value);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "bad signature");
	json_decref(env);
}

static void
test_bad_base64(void **state)
{
	struct fixture *f = *state;
	json_t *env = signed_env(f, "{\"version\":1}");
	char good[89], value[100];

	strcpy(good, json_string_value(json_object_get(sig_obj(env), "value")));
	/* Four characters fewer: well-formed, but 61 bytes. */
	snprintf(value, sizeof(value), "%.80s%s", good, good + 84);
	set_value(env, value);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature is 61 bytes, expected 64");
	/* One character fewer. */
	set_value(env, good + 1);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature value is not valid base64");
	/* Four characters more, after the padding. */
	snprintf(value, sizeof(value), "%sAAAA", good);
	set_value(env, value);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature value is not valid base64");
	/* 66 bytes, no padding. */
	snprintf(value, sizeof(value), "%.86sAA", good);
	set_value(env, value);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature is 66 bytes, expected 64");
	/* Three padding characters. */
	snprintf(value, sizeof(value), "%.85s===", good);
	set_value(env, value);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature value is not valid base64");
	/* Not in the alphabet. */
	strcpy(value, good);
	value[5] = '*';
	set_value(env, value);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature value is not valid base64");
	set_value(env, "");
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature value is not valid base64");
	json_object_set_new(sig_obj(env), "value", json_integer(1));
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature has no \"value\" string");
	set_value(env, good);
	assert_int_equal(verify(f, env, NULL), 0);
	json_decref(env);
}

static void
test_wrong_key(void **state)
{
	struct fixture *f = *state;
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	json_t *policy = load_json("{\"version\":1}"), *env;
	char mine[17], theirs[17], msg[128];

	assert_non_null(other);
	env = sign_policy(policy, other, f->err, sizeof(f->err));
	assert_non_null(env);
	assert_int_equal(edkey_id(other, theirs, sizeof(theirs)), 0);
	assert_int_equal(edkey_id(f->pub, mine, sizeof(mine)), 0);
	assert_string_not_equal(mine, theirs);
	snprintf(msg, sizeof(msg), "signed by key %s, expected key %s", theirs,
	    mine);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, msg);

	/* A forged key-id gets past the id check, not past the signature. */
	json_object_set_new(sig_obj(env), "key-id", json_string(mine));
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "bad signature");
	json_object_set_new(sig_obj(env), "key-id", json_string("ABC"));
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, "signature has no valid \"key-id\"");
	EVP_PKEY_free(other);
	json_decref(policy);
	json_decref(env);
}

static void
expect_env_error(struct fixture *f, const char *text, const char *msg)
{
	json_t *env = load_json(text);

	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, msg);
	json_decref(env);
}

static void
test_bad_envelope(void **state)
{
	struct fixture *f = *state;

	expect_env_error(f, "[]", "signed policy is not a JSON object");
	expect_env_error(f, "{\"policy\":{}}",
	    "signed policy has no \"format\" string");
	expect_env_error(f, "{\"format\":1}",
	    "signed policy has no \"format\" string");
	expect_env_error(f, "{\"format\":\"kura-signed-policy/2\"}",
	    "unknown format \"kura-signed-policy/2\", expected "
	    "\"kura-signed-policy/1\"");
	expect_env_error(f,
	    "{\"format\":\"kura-signed-policy/1\",\"signature\":{}}",
	    "signed policy has no \"policy\" object");
	expect_env_error(f,
	    "{\"format\":\"kura-signed-policy/1\",\"policy\":[],"
	    "\"signature\":{}}",
	    "signed policy has no \"policy\" object");
	expect_env_error(f,
	    "{\"format\":\"kura-signed-policy/1\",\"policy\":{}}",
	    "signed policy has no \"signature\" object");
	expect_env_error(f,
	    "{\"format\":\"kura-signed-policy/1\",\"policy\":{},"
	    "\"signature\":{}}",
	    "signature has no \"alg\" string");
}

static void
test_wrong_alg(void **state)
{
	struct fixture *f = *state;
	json_t *env = signed_env(f, "{\"version\":1}");

	json_object_set_new(sig_obj(env), "alg", json_string("rsa"));
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err,
	    "signature algorithm is \"rsa\", expected \"ed25519\"");
	json_object_set_new(sig_obj(env), "alg", json_string("ed25519"));
	json_object_set_new(env, "format", json_string("kura-signed-policy"));
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err,
	    "unknown format \"kura-signed-policy\", expected "
	    "\"kura-signed-policy/1\"");
	json_decref(env);
}

/* Envelopes whose policy lacks a good version cannot come from
 * sign_policy; sign the canonical bytes by hand to get past the signature
 * check and reach the version check. */
static void
expect_version_error(struct fixture *f, const char *text, const char *msg)
{
	json_t *policy = load_json(text), *env;
	char *dump = sign_canonical_dump(policy), id[17];
	unsigned char sig[64], b64[89];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, f->priv), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &siglen,
			     (const unsigned char *)dump, strlen(dump)),
	    1);
	assert_int_equal(EVP_EncodeBlock(b64, sig, 64), 88);
	assert_int_equal(edkey_id(f->pub, id, sizeof(id)), 0);
	env = json_pack("{s:s, s:o, s:{s:s, s:s, s:s}}", "format", SIGN_FORMAT,
	    "policy", policy, "signature", "alg", "ed25519", "key-id", id,
	    "value", (const char *)b64);
	assert_non_null(env);
	assert_int_equal(verify(f, env, NULL), -1);
	assert_string_equal(f->err, msg);
	json_decref(env);
	EVP_MD_CTX_free(ctx);
	free(dump);
}

static void
test_verify_needs_version(void **state)
{
	struct fixture *f = *state;

	expect_version_error(f, "{\"a\":1}", "policy has no \"version\"");
	expect_version_error(f, "{\"version\":\"7\"}",
	    "policy \"version\" is not an integer");
	expect_version_error(f, "{\"version\":-2}",
	    "policy \"version\" -2 is negative");
}

static void
test_rollback(void **state)
{
	struct fixture *f = *state;
	json_t *v5 = load_json("{\"version\":5,\"name\":\"lab\"}");
	json_t *env3 = signed_env(f, "{\"version\":3,\"name\":\"lab\"}");
	json_t *env4 = signed_env(f, "{\"version\":4,\"name\":\"lab\"}");
	json_t *env5 = signed_env(f, "{\"name\":\"lab\",\"version\":5}");
	json_t *env5b = signed_env(f, "{\"version\":5,\"name\":\"other\"}");
	json_t *env6 = signed_env(f, "{\"version\":6,\"name\":\"lab\"}");
	char hex[65];
	struct sign_installed in = { 5, hex }, none = { -1, NULL };
	struct sign_installed unknown = { 5, NULL };

	assert_int_equal(sign_sha256_hex(v5, hex, sizeof(hex)), 0);
	assert_int_equal(verify(f, env3, &in), -1);
	assert_string_equal(f->err,
	    "policy version 3 is older than the installed version 5");
	assert_int_equal(verify(f, env4, &in), -1);
	assert_string_equal(f->err,
	    "policy version 4 is older than the installed version 5");
	assert_int_equal(verify(f, env5, &in), 0);
	assert_int_equal(verify(f, env5b, &in), -1);
	assert_string_equal(f->err,
	    "policy version 5 is already installed with other content");
	/* Unknown installed content fails closed. */
	assert_int_equal(verify(f, env5, &unknown), -1);
	assert_string_equal(f->err,
	    "policy version 5 is already installed with other content");
	assert_int_equal(verify(f, env6, &in), 0);
	assert_int_equal(verify(f, env3, &none), 0);
	assert_int_equal(verify(f, env3, NULL), 0);
	json_decref(v5);
	json_decref(env3);
	json_decref(env4);
	json_decref(env5);
	json_decref(env5b);
	json_decref(env6);
}

static void
write_ec_pair(const char *priv_path, const char *pub_path)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	FILE *fp;

	assert_non_null(ec);
	assert_non_null(fp = fopen(priv_path, "w"));
	assert_int_equal(PEM_write_PrivateKey(fp, ec, NULL, NULL, 0, NULL,
			     NULL),
	    1);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(fp = fopen(pub_path, "w"));
	assert_int_equal(PEM_write_PUBKEY(fp, ec), 1);
	assert_int_equal(fclose(fp), 0);
	EVP_PKEY_free(ec);
}

static void
test_loaders_refuse(void **state)
{
	struct fixture *f = *state;
	char priv[192], pub[192], msg[256];

	snprintf(priv, sizeof(priv), "%s/ec", f->dir);
	snprintf(pub, sizeof(pub), "%s/ec.pub", f->dir);
	write_ec_pair(priv, pub);
	assert_null(edkey_load_private(priv, f->err, sizeof(f->err)));
	snprintf(msg, sizeof(msg), "%s: not an Ed25519 key", priv);
	assert_string_equal(f->err, msg);
	assert_null(edkey_load_public(pub, f->err, sizeof(f->err)));
	snprintf(msg, sizeof(msg), "%s: not an Ed25519 key", pub);
	assert_string_equal(f->err, msg);

	snprintf(priv, sizeof(priv), "%s/other", f->dir);
	assert_null(edkey_load_private(priv, f->err, sizeof(f->err)));
	snprintf(msg, sizeof(msg), "%s: %s", priv, strerror(ENOENT));
	assert_string_equal(f->err, msg);
	/* A public key where a private one is expected. */
	assert_null(edkey_load_private(f->pub_path, f->err, sizeof(f->err)));
	snprintf(msg, sizeof(msg), "%s: no PEM private key (", f->pub_path);
	assert_memory_equal(f->err, msg, strlen(msg));
}

/* The EVP calls sign.c makes, checked against RFC 8032's first vector. */
static void
test_rfc8032_vector(void **state)
{
	EVP_PKEY *k =
	    EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, rfc_sk, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[64], pk[32];
	size_t siglen = sizeof(sig), pklen = sizeof(pk);
	char id[17];

	(void)state;
	assert_non_null(k);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_get_raw_public_key(k, pk, &pklen), 1);
	assert_memory_equal(pk, rfc_pk, 32);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, k), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &siglen,
			     (const unsigned char *)"", 0),
	    1);
	assert_int_equal(siglen, 64);
	assert_memory_equal(sig, rfc_sig, 64);
	assert_int_equal(edkey_id(k, id, sizeof(id)), 0);
	assert_string_equal(id, RFC_KEY_ID);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
}

/* The whole envelope with a fixed key: a known signature over known bytes,
 * which sign_verify accepts with only the public half. */
static void
test_known_envelope(void **state)
{
	EVP_PKEY *k =
	    EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, rfc_sk, 32);
	EVP_PKEY *pub =
	    EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, rfc_pk, 32);
	json_t *policy = load_json("{\"version\":1,\"name\":\"lab\"}");
	json_t *env, *want, *out = NULL;
	char err[256];

	(void)state;
	assert_non_null(k);
	assert_non_null(pub);
	env = sign_policy(policy, k, err, sizeof(err));
	assert_non_null(env);
	want = load_json("{\"format\":\"kura-signed-policy/1\",\"policy\":{"
			 "\"name\":\"lab\",\"version\":1},\"signature\":{"
			 "\"alg\":\"ed25519\",\"key-id\":\"" RFC_KEY_ID "\","
			 "\"value\":\"" RFC_LAB_SIG "\"}}");
	assert_true(json_equal(env, want));
	assert_int_equal(sign_verify(want, pub, NULL, &out, err, sizeof(err)),
	    0);
	assert_ptr_equal(out, json_object_get(want, "policy"));
	json_decref(out);
	EVP_PKEY_free(k);
	EVP_PKEY_free(pub);
	json_decref(policy);
	json_decref(env);
	json_decref(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keygen, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_keygen_refuses_overwrite,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test(test_canonical_dump),
		cmocka_unit_test_setup_teardown(test_round_trip, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_sign_copies, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_sign_needs_version,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tampered_policy,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tampered_signature,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bad_base64, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bad_envelope,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_alg, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_verify_needs_version,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_rollback, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_loaders_refuse,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test(test_rfc8032_vector),
		cmocka_unit_test(test_known_envelope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
