#include "config.h"
#include "kura-image.h"
int
imgcmd_gc(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}
