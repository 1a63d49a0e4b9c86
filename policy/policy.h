/*
 * The kura device policy: model, canonical form, evaluation.
 *
 * A policy exists in three forms:
 *   - text, written by admins (docs/policy.md; parse.c turns it into JSON),
 *   - canonical JSON (jansson), which is what gets signed and shipped,
 *   - compiled (struct policy), built from the canonical JSON only, which is
 *     what decides.  Deciding does no I/O and allocates nothing.
 */
#ifndef KURA_POLICY_H
#define KURA_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "device.h"

#define POLICY_FORMAT "kura-policy/1"
#define POLICY_ID_MAX 64

/* Ordered from most to least restrictive: combining takes the minimum. */
enum policy_verdict {
	POLICY_DENY = 0,
	POLICY_ALLOW_RO,   /* read-only: storage and optical */
	POLICY_ALLOW_RW,   /* read-write; for other kinds, plain "allow" */
	POLICY_ALLOW_BURN, /* optical: read-write and burning */
};

enum policy_target {
	POLICY_TARGET_CLIENT = 0, /* the client VM (default) */
	POLICY_TARGET_NONE,       /* allowed, but given to no domain */
};

/* Where the laptop is, as kurad reports it; unknown counts as off-LAN. */
enum policy_location {
	POLICY_OFF_LAN = 0,
	POLICY_ON_LAN,
};

/* What conditions are evaluated against; filled by the caller (kurad). */
struct policy_context {
	enum policy_location location;
	int lease;         /* a take-out lease is active */
	int weekday;       /* 0 = Monday .. 6 = Sunday */
	int minute;        /* minutes since local midnight, 0..1439 */
	const char *group; /* the laptop's group, or NULL */
};

/* Condition tree (compiled from the "if" of a rule). */
enum policy_cond_type {
	POLICY_COND_ON_LAN,
	POLICY_COND_OFF_LAN,
	POLICY_COND_LEASE,
	POLICY_COND_TIME,  /* [from, to) in minutes; wraps past midnight */
	POLICY_COND_DAYS,  /* bit d set: weekday d */
	POLICY_COND_GROUP, /* exact group name */
	POLICY_COND_NOT,
	POLICY_COND_AND,
	POLICY_COND_OR,
};

struct policy_cond {
	enum policy_cond_type type;
	int from, to;              /* TIME */
	unsigned days;             /* DAYS */
	char *group;               /* GROUP */
	struct policy_cond **kids; /* NOT (1), AND, OR (n) */
	size_t nkids;
};

/* Which matchers a rule has; a rule without any matches every device. */
enum policy_match_flags {
	POLICY_M_BUS = 1 << 0,
	POLICY_M_KIND = 1 << 1,
	POLICY_M_ID = 1 << 2,
	POLICY_M_SERIAL = 1 << 3,
	POLICY_M_NAME = 1 << 4,
	POLICY_M_PORT = 1 << 5,
	POLICY_M_IFACE = 1 << 6,
	POLICY_M_CLASS = 1 << 7,
	POLICY_M_PCI_ADDR = 1 << 8,
};

enum policy_iface_op {
	POLICY_IFACE_ANY_OF = 0, /* some interface matches some pattern */
	POLICY_IFACE_ALL_OF,     /* every pattern matches some interface */
	POLICY_IFACE_NONE_OF,    /* no interface matches any pattern */
	POLICY_IFACE_EQUALS,     /* every interface matches some pattern and
				    every pattern matches some interface */
};

/* A VID:PID pattern; a zero mask is a wildcard. */
struct policy_idpat {
	uint16_t vid, vid_mask;
	uint16_t pid, pid_mask;
};

/* A class:subclass:protocol pattern, packed as in device.h (cc << 16 ...). */
struct policy_triple {
	uint32_t val, mask;
};

struct policy_rule {
	char id[POLICY_ID_MAX];
	int line; /* in the text the policy came from; 0 if none */
	enum policy_verdict verdict;
	enum policy_target target;
	unsigned flags; /* enum policy_match_flags */
	unsigned buses; /* bit (1 << enum device_bus) */
	uint32_t kinds; /* bit (1 << enum device_kind) */
	struct policy_idpat *ids;
	size_t nids;
	char *serial, *name, *port, *pci_address; /* fnmatch(3) patterns */
	enum policy_iface_op iface_op;
	struct policy_triple *ifaces;
	size_t nifaces;
	struct policy_triple dev_class;
	struct policy_cond *cond; /* NULL: always */
};

struct policy {
	int64_t version;
	char *source; /* the file it was written in, for messages */
	struct policy_rule *rules;
	size_t nrules;
	json_t *canonical; /* the canonical JSON it was compiled from */
};

/* The outcome for one device; rule is NULL when the default decided. */
struct policy_decision {
	enum policy_verdict verdict;
	enum policy_target target;
	const struct policy_rule *rule;
	int unit; /* interface index that decided a composite device, or -1 */
};

/* Errors found while compiling: "PATH: message" (JSON path of the fault). */
struct policy_error {
	char msg[256];
};

/* compile.c: canonical JSON -> struct policy. */
struct policy *policy_compile(json_t *canonical, struct policy_error *err);
void policy_free(struct policy *p);

/* eval.c: deciding.  prepare evaluates every rule's condition once for a
 * context, so that decide is a pure scan of the matchers. */
struct policy_eval {
	const struct policy *policy;
	uint8_t *active; /* per rule: its condition holds */
};
int policy_eval_prepare(struct policy_eval *ev, const struct policy *p,
    const struct policy_context *ctx);
void policy_eval_release(struct policy_eval *ev);
void policy_eval_decide(const struct policy_eval *ev, const struct device *dev,
    struct policy_decision *out);
int policy_decide(const struct policy *p, const struct policy_context *ctx,
    const struct device *dev, struct policy_decision *out);
int policy_cond_eval(const struct policy_cond *c,
    const struct policy_context *ctx);
/* The first matcher (enum policy_match_flags) of r that unit (an
 * interface index, or -1 for the whole device) fails; 0 if all hold. */
unsigned policy_match_fail(const struct policy_rule *r,
    const struct device *dev, int unit);

/* explain.c: why a rule does not decide unit of dev, in words, or NULL
 * when it does (its matchers and condition hold). */
const char *policy_explain_rule(const struct policy_rule *r,
    const struct policy_context *ctx, const struct device *dev, int unit,
    char *buf, size_t len);
void policy_cond_format(const struct policy_cond *c, char *buf, size_t len);

/* names.c: the words of the language, both ways. */
const char *policy_verdict_name(enum policy_verdict v);
const char *policy_target_name(enum policy_target t);
int policy_verdict_parse(const char *verdict, const char *mode,
    enum policy_verdict *out);
int policy_triple_parse(const char *s, struct policy_triple *out);
int policy_idpat_parse(const char *s, struct policy_idpat *out);

#endif
