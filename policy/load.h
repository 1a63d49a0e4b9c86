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

#define LOAD_MAX_BYTES (16u << 20)

char *load_file(const char *path, size_t *len_r, char *err, size_t errlen);
json_t *load_policy_json(const char *path, struct diags *d);
struct policy *load_policy(const char *path, struct diags *d);

#endif
