/* libFuzzer target: the policy compiler on arbitrary JSON, the path a
 * canonical policy file takes. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_error err;
	json_t *j = json_loadb((const char *)data, size, 0, NULL);

	if (j != NULL) {
		policy_free(policy_compile(j, &err));
		json_decref(j);
	}
	return 0;
}
