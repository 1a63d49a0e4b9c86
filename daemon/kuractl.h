/* kuractl: Control and inspect kurad. */
#ifndef KURA_KURACTL_H
#define KURA_KURACTL_H

#include <jansson.h>

#include "cli.h"

/* Exit codes beyond cli.h's 0/1/2 (kuractl(8)). */
enum {
	KURACTL_EXIT_UNREACHABLE = 3, /* kurad is not running */
	KURACTL_EXIT_DENIED = 4,      /* the caller may not do this */
};

extern const struct cli_program kuractl_program;
int kuractl_main(int argc, char **argv);

/* kuractl.c, for the commands in the other kuractl-*.c files. */
extern int kuractl_json; /* --json was given */
/* One request and its reply; an error reply is printed and mapped to an
 * exit code.  On success *result_r holds the result (may be NULL). */
int kuractl_call(const char *cmd, json_t *args, json_t **result_r);
/* Runs cmd and prints its result: as JSON with --json, else with show. */
int kuractl_show(const char *cmd, json_t *args, void (*show)(json_t *));
/* Leading options of a command: --json, and --force if force. */
int kuractl_flags(int argc, char **argv, const char *usage, int *force);
void kuractl_print_json(json_t *j);
const char *kuractl_str(json_t *o, const char *key); /* "-" if absent */
json_int_t kuractl_int(json_t *o, const char *key);

/* kuractl-dev.c */
int kuractl_device(int argc, char **argv);
int kuractl_policy(int argc, char **argv);

#endif
