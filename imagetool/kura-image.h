/* kura-image: Build, publish and assemble kura master images. */
#ifndef KURA_KURA_IMAGE_H
#define KURA_KURA_IMAGE_H

#include "cli.h"

extern const struct cli_program kura_image_program;
int kura_image_main(int argc, char **argv);

#endif
