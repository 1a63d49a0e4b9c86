/*
 * The policy language (docs/policy.md): text -> canonical JSON.
 * Every error is reported with FILE:LINE:COL and what was expected; the
 * parser recovers at the next line, so that one run reports every error.
 */
#ifndef KURA_PARSE_H
#define KURA_PARSE_H

#include <stddef.h>

#include <jansson.h>

#include "diag.h"

/* Returns the canonical JSON (see policy.h and docs/policy.md), or NULL if
 * d gained any error.  text need not be NUL-terminated. */
json_t *policy_parse(const char *text, size_t len, const char *file,
    struct diags *d);

#endif
