/* Helpers shared by the policy unit tests. */
#ifndef KURA_TEST_POLICY_UTIL_H
#define KURA_TEST_POLICY_UTIL_H

#include "policy.h"

/* A compiled policy from a JSON rules array (fails the test if bad). */
struct policy *tpol_rules(const char *rules);
/* The compile error for a whole JSON document that must be rejected. */
const char *tpol_reject(const char *doc);
/* A device from a one-line spec (fails the test if bad). */
struct device tpol_dev(const char *spec);

#endif
