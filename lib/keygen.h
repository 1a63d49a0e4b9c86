/* keygen.h: the keygen command of kura-policy and kura-image. */
#ifndef KURA_KEYGEN_H
#define KURA_KEYGEN_H

/* argv: { "keygen", PREFIX }; prog names the program in messages.
 * Returns a CLI_EXIT_* code. */
int keygen_cmd(const char *prog, int argc, char **argv);

#endif
