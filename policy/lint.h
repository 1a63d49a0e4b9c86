/*
 * lint: warnings about a compiled policy that is valid but probably not
 * what its author meant: rules that can never decide (shadowed by an
 * earlier rule, or with a condition that never holds) and modes that do
 * nothing for the devices a rule matches.
 */
#ifndef KURA_LINT_H
#define KURA_LINT_H

#include "diag.h"
#include "policy.h"

/* Adds warnings to d; returns how many. */
int lint_policy(const struct policy *p, struct diags *d);

/* Exposed for the tests: a covers b (every unit b matches, a matches). */
int lint_covers(const struct policy_rule *a, const struct policy_rule *b);
/* b's condition implies a's, in every context (NULL holds always). */
int lint_implies(const struct policy_cond *b, const struct policy_cond *a);
int lint_satisfiable(const struct policy_cond *c);

#endif
