/*
 * The kura-policy commands, one file each (policy/cmd-VERB.c), sharing the
 * helpers of cmd-common.c: context options, device arguments, output.
 */
#ifndef KURA_CMD_H
#define KURA_CMD_H

#include <stddef.h>

#include <jansson.h>

#include "device.h"
#include "policy.h"

/* Options every deciding command takes (see kura-policy(1)). */
struct cmd_opts {
	struct policy_context ctx;
	int json;
	int strict;
	const char *key;    /* sign --key */
	const char *pubkey; /* verify --pubkey */
	const char *output; /* sign -o */
	const char *sysfs;  /* probe --sysfs */
	const char *policy; /* probe --policy */
	long long installed_version;
	const char *installed_sha256;
	char group[128];
};

/* Parses options (stops at the first operand); returns the index of the
 * first operand, or -1 after printing the error and usage. */
int cmd_options(int argc, char **argv, struct cmd_opts *o, const char *usage);
/* cmd_options, then checks that there are min..max operands; returns the
 * index of the first, or -1 after printing the usage. */
int cmd_start(int argc, char **argv, struct cmd_opts *o, const char *usage,
    int min, int max);
/* A policy file, its diagnostics printed on stderr; NULL if it failed. */
struct policy *cmd_load_policy(const char *path);
/* Context words of a case table: on-lan off-lan lease time=HH:MM day=mon
 * group=NAME; returns 0 or -1 with a message in err. */
int cmd_context_word(struct policy_context *ctx, char *groupbuf,
    size_t grouplen, const char *word, char *err, size_t errlen);
void cmd_context_format(const struct policy_context *ctx, char *buf,
    size_t len);

/* DEVICE argument: a spec, or a JSON file (one device or an array). */
int cmd_devices(const char *arg, struct device **devs_r, size_t *n_r);
/* "allow read-only (rule storage-lan, line 6)". */
void cmd_decision_format(const struct policy_decision *dec, char *buf,
    size_t len);
json_t *cmd_decision_json(const struct policy_decision *dec);
void cmd_print_json(json_t *j); /* prints and releases */
/* Writes data to path atomically (temporary file, fsync, rename). */
int cmd_write_file(const char *path, const char *data, int mode);

/* Why d gets its decision, rule by rule, as JSON; printed as well
 * unless json (kurad uses it for kuractl device explain). */
json_t *cmd_explain_device(const struct policy *p,
    const struct policy_context *ctx, const struct device *d, int json);

int cmd_check(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
