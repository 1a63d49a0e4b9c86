/* kura-policy: Write, check, sign and explain kura device policies. */
#ifndef KURA_KURA_POLICY_H
#define KURA_KURA_POLICY_H

#include "cli.h"

extern const struct cli_program kura_policy_program;
int kura_policy_main(int argc, char **argv);

#endif
