/* kura-policy: see kura-policy.c; a thin main so that the tests link the rest.
 */
#include "config.h"

#include "kura-policy.h"

int
main(int argc, char **argv)
{
	return kura_policy_main(argc, argv);
}
