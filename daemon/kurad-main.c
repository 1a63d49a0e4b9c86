/* kurad: see kurad.c; a thin main so that the tests link the rest. */
#include "config.h"

#include "kurad.h"

int
main(int argc, char **argv)
{
	return kurad_main(argc, argv);
}
