/* kuractl: Control and inspect kurad. */
#ifndef KURA_KURACTL_H
#define KURA_KURACTL_H

#include "cli.h"

extern const struct cli_program kuractl_program;
int kuractl_main(int argc, char **argv);

#endif
