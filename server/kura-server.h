/* kura-server: The kura management server. */
#ifndef KURA_KURA_SERVER_H
#define KURA_KURA_SERVER_H

#include "cli.h"

extern const struct cli_program kura_server_program;
int kura_server_main(int argc, char **argv);

#endif
