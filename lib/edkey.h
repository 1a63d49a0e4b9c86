/*
 * edkey: Ed25519 key pairs (PEM files) and signatures over byte strings,
 * through OpenSSL EVP.  A key's id is the first 8 bytes of SHA-256 of its
 * raw 32-byte public key, in hex.
 */
#ifndef KURA_EDKEY_H
#define KURA_EDKEY_H

#include <stddef.h>

#include <openssl/evp.h>

#define EDKEY_SIG_LEN 64
#define EDKEY_PUB_LEN 32
#define EDKEY_ID_BYTES 8

/* Writes a new key pair as PEM: private (mode 0600) and public.  Refuses
 * to overwrite either file. */
int edkey_keygen(const char *priv_path, const char *pub_path, char *err,
    size_t errlen);
EVP_PKEY *edkey_load_private(const char *path, char *err, size_t errlen);
EVP_PKEY *edkey_load_public(const char *path, char *err, size_t errlen);
int edkey_is_ed25519(const EVP_PKEY *key);
/* 16 hex digits; buf must hold 17 bytes. */
int edkey_id(EVP_PKEY *key, char *buf, size_t len);
/* The id of a raw 32-byte public key; buf holds 17 bytes. */
void edkey_id_raw(const unsigned char *raw, char *buf);
/* The raw 32-byte public key. */
int edkey_raw_public(EVP_PKEY *key, unsigned char *raw);

/* sig receives EDKEY_SIG_LEN bytes.  0, or -1 with the reason in err. */
int edkey_sign(EVP_PKEY *priv, const void *msg, size_t len, unsigned char *sig,
    char *err, size_t errlen);
/* 0 if sig is key's signature of msg, else -1. */
int edkey_verify(EVP_PKEY *pub, const void *msg, size_t len,
    const unsigned char *sig);

/* Lower-case hex of n bytes; out holds 2n + 1. */
void edkey_hex(const unsigned char *in, size_t n, char *out);
/* OpenSSL's reason for its last failure; empties its error queue. */
const char *edkey_ossl_reason(void);

#endif
