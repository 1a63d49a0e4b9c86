/* kura-image: Build, publish and assemble kura master images. */
#ifndef KURA_KURA_IMAGE_H
#define KURA_KURA_IMAGE_H

#include "cli.h"

extern const struct cli_program kura_image_program;
int kura_image_main(int argc, char **argv);

int imgcmd_keygen(int argc, char **argv);
int imgcmd_create(int argc, char **argv);
int imgcmd_info(int argc, char **argv);
int imgcmd_ls(int argc, char **argv);
int imgcmd_verify(int argc, char **argv);
int imgcmd_diff(int argc, char **argv);
int imgcmd_assemble(int argc, char **argv);
int imgcmd_gc(int argc, char **argv);

#endif
