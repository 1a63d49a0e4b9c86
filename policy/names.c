/* names.c: the words of the policy language, to and from their values. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static const char *const names_verdicts[] = {
	[POLICY_DENY] = "deny",
	[POLICY_ALLOW_RO] = "allow read-only",
	[POLICY_ALLOW_RW] =
	    "allow", /* read-write: the mode that goes without saying */
	[POLICY_ALLOW_BURN] = "allow burn",
};

const char *
policy_verdict_name(enum policy_verdict v)
{
	return (unsigned)v <= POLICY_ALLOW_BURN ? names_verdicts[v] : "?";
}

const char *
policy_target_name(enum policy_target t)
{
	return t == POLICY_TARGET_NONE ? "none" : "client";
}

/* verdict "deny" or "allow"; mode (allow only) defaults to read-write. */
int
policy_verdict_parse(const char *verdict, const char *mode,
    enum policy_verdict *out)
{
	if (verdict == NULL)
		return -1;
	if (strcmp(verdict, "deny") == 0) {
		*out = POLICY_DENY;
		return mode == NULL ? 0 : -1;
	}
	if (strcmp(verdict, "allow") != 0)
		return -1;
	if (mode == NULL || strcmp(mode, "read-write") == 0)
		*out = POLICY_ALLOW_RW;
	else if (strcmp(mode, "read-only") == 0)
		*out = POLICY_ALLOW_RO;
	else if (strcmp(mode, "burn") == 0)
		*out = POLICY_ALLOW_BURN;
	else
		return -1;
	return 0;
}

/* n hex digits, or "*" (mask 0). */
static int
names_hexfield(const char *s, size_t n, uint32_t *val, uint32_t *mask)
{
	uint32_t v = 0;
	size_t i;

	if (s[0] == '*') {
		*val = *mask = 0;
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v << 4 |
		    (uint32_t)(isdigit((unsigned char)s[i])
			    ? s[i] - '0'
			    : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*val = v;
	*mask = (1u << (4 * n)) - 1;
	return (int)n;
}

/* "cc:ss:pp", each part 2 hex digits or "*". */
int
policy_triple_parse(const char *s, struct policy_triple *out)
{
	uint32_t v, m;
	int i, n;

	out->val = out->mask = 0;
	for (i = 0; i < 3; i++) {
		n = names_hexfield(s, 2, &v, &m);
		if (n < 0)
			return -1;
		s += n;
		if (*s != (i < 2 ? ':' : '\0'))
			return -1;
		s += i < 2;
		out->val |= v << (8 * (2 - i));
		out->mask |= m << (8 * (2 - i));
	}
	return 0;
}

/* "vvvv:pppp", each half 4 hex digits or "*". */
int
policy_idpat_parse(const char *s, struct policy_idpat *out)
{
	uint32_t v, m;
	int n;

	n = names_hexfield(s, 4, &v, &m);
	if (n < 0 || s[n] != ':')
		return -1;
	out->vid = (uint16_t)v;
	out->vid_mask = (uint16_t)m;
	s += n + 1;
	n = names_hexfield(s, 4, &v, &m);
	if (n < 0 || s[n] != '\0')
		return -1;
	out->pid = (uint16_t)v;
	out->pid_mask = (uint16_t)m;
	return 0;
}
