/*
 * Policy integrity: Ed25519 keys and signatures through OpenSSL EVP, over
 * the canonical serialization of the policy's JSON.  A signed policy is
 *   {"format": "kura-signed-policy/1",
 *    "policy": { ...canonical policy... },
 *    "signature": {"alg": "ed25519", "key-id": "<16 hex>",
 *                  "value": "<base64 of the 64-byte signature>"}}
 * key-id is the first 8 bytes of SHA-256 of the raw 32-byte public key.
 */
#ifndef KURA_SIGN_H
#define KURA_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#define SIGN_FORMAT "kura-signed-policy/1"

/* The bytes that are signed: sorted keys, compact, ASCII.  Free with free(). */
char *sign_canonical_dump(const json_t *j);

/* Keys are lib/edkey.h's. */

/* A new signed envelope around policy (which is copied). */
json_t *sign_policy(const json_t *policy, EVP_PKEY *priv, char *err,
    size_t errlen);

/* What is installed on the laptop, for rollback protection. */
struct sign_installed {
	int64_t version;    /* -1: nothing installed */
	const char *sha256; /* hex SHA-256 of its canonical bytes, or NULL */
};

/* Checks format, key id, signature, and that the policy's "version" is
 * not older than the installed one (an equal version must carry the same
 * canonical bytes).  On success *policy_r is a new reference to the inner
 * policy.  Returns 0, or -1 with the reason in err. */
int sign_verify(const json_t *envelope, EVP_PKEY *pub,
    const struct sign_installed *installed, json_t **policy_r, char *err,
    size_t errlen);
/* Hex SHA-256 of the canonical bytes of j; buf must hold 65 bytes. */
int sign_sha256_hex(const json_t *j, char *buf, size_t len);

#endif
