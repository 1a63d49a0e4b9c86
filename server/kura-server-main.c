/* kura-server: see kura-server.c; a thin main so that the tests link the rest.
 */
#include "config.h"

#include "kura-server.h"

int
main(int argc, char **argv)
{
	return kura_server_main(argc, argv);
}
