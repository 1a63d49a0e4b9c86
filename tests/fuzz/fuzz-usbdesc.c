/* libFuzzer target: a USB device's raw descriptors (policy/usbdesc.c),
 * which come from the device itself. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "usbdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct device d = { 0 };
	char err[128];
	size_t i;

	if (usbdesc_parse(data, size, &d, err, sizeof(err)) == 0) {
		if (d.nifaces > DEVICE_MAX_IFACES)
			__builtin_trap();
		for (i = 0; i < d.nifaces; i++)
			if (d.ifaces[i] > 0xffffff)
				__builtin_trap();
	}
	return 0;
}
