/* kuractl: see kuractl.c; a thin main so that the tests link the rest. */
#include "config.h"

#include "kuractl.h"

int
main(int argc, char **argv)
{
	return kuractl_main(argc, argv);
}
