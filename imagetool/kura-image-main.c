/* kura-image: see kura-image.c; a thin main so that the tests link the rest. */
#include "config.h"

#include "kura-image.h"

int
main(int argc, char **argv)
{
	return kura_image_main(argc, argv);
}
