/* kura-image: see kura-image.c; main stays thin so that the tests link the rest. */
#include "config.h"

#include "kura-image.h"

int
main(int argc, char **argv)
{
	return kura_image_main(argc, argv);
}
