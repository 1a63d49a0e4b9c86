/*
 * libFuzzer target: the policy text parser, and the compiler on whatever
 * the parser accepts (`make fuzz`; CI runs it for a bounded time).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "parse.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_error err;
	struct policy *p;
	struct diags d;
	json_t *j;

	diags_init(&d);
	j = policy_parse((const char *)data, size, "fuzz", &d);
	/* Whatever the parser produces must compile: the parser is the
	 * compiler's only producer for text policies. */
	if (j != NULL) {
		p = policy_compile(j, &err);
		if (p == NULL)
			__builtin_trap();
		policy_free(p);
		json_decref(j);
	}
	diags_free(&d);
	return 0;
}
