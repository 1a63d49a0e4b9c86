/*
 * Reading policies from files: text (parsed by parse.c) or canonical JSON,
 * recognised by the first non-blank character; errors become diagnostics
 * naming the file.
 */
#ifndef KURA_LOAD_H
#define KURA_LOAD_H

#include <stddef.h>

#include <jansson.h>

#include "diag.h"
#include "policy.h"
#include "sign.h"

#define LOAD_MAX_BYTES (16u << 20)

char *load_file(const char *path, size_t *len_r, char *err, size_t errlen);
json_t *load_policy_json(const char *path, struct diags *d);
struct policy *load_policy(const char *path, struct diags *d);

/* A signed policy file (kura-policy sign): format, key, signature,
 * rollback against inst, and that the policy compiles.  keyid (17 bytes)
 * gets the key's id if not NULL.  Returns the policy, or NULL with the
 * reason in err. */
struct policy *load_signed_policy(const char *path, const char *pubkey,
    const struct sign_installed *inst, char *keyid, size_t keyidlen, char *err,
    size_t errlen);
/* The same for an envelope already parsed (kuractl policy load sends it
 * over kurad's socket). */
struct policy *load_signed_env(const json_t *env, const char *pubkey,
    const struct sign_installed *inst, char *keyid, size_t keyidlen, char *err,
    size_t errlen);

#endif
