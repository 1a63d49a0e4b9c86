/*
 * Unit tests for policy/usbdesc.c: raw USB descriptors as sysfs shows
 * them, from well-formed devices and from devices that lie.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "usbdesc.h"

/* A device descriptor: USB 2.0, class from the interfaces, 0x46f4:0x0001
 * (QEMU's USB stick). */
#define DEVDESC                                                                \
	18, 1, 0x00, 0x02, 0, 0, 0, 64, 0xf4, 0x46, 0x01, 0x00, 0, 0, 1, 2, 3, 1
#define CONFIG(total, nif) 9, 2, (total)&0xff, (total) >> 8, nif, 1, 0, 0x80, 50
#define IFACE(num, alt, c, s, p) 9, 4, num, alt, 2, c, s, p, 0
#define EP(addr) 7, 5, addr, 2, 0x00, 0x02, 0

static char err[256];

static int
parse(const unsigned char *b, size_t len, struct device *d)
{
	memset(d, 0, sizeof(*d));
	err[0] = '\0';
	return usbdesc_parse(b, len, d, err, sizeof(err));
}

static void
test_stick(void **state)
{
	const unsigned char b[] = { DEVDESC, CONFIG(32, 1),
		IFACE(0, 0, 0x08, 0x06, 0x50), EP(0x81), EP(0x02) };
	struct device d;

	assert_int_equal(parse(b, sizeof(b), &d), 0);
	assert_int_equal(d.vid, 0x46f4);
	assert_int_equal(d.pid, 0x0001);
	assert_int_equal(d.dev_class, 0);
	assert_int_equal(d.nifaces, 1);
	assert_int_equal(d.ifaces[0], DEVICE_TRIPLE(8, 6, 0x50));
}

/* A keyboard with a storage interface, listed out of order, with an
 * alternate setting and a second configuration that must be ignored. */
static void
test_composite(void **state)
{
	const unsigned char b[] = { DEVDESC, CONFIG(50, 2),
		IFACE(1, 0, 0x08, 0x06, 0x50), EP(0x81),
		IFACE(0, 0, 0x03, 0x01, 0x01), EP(0x83),
		IFACE(0, 1, 0x0e, 0x01, 0x00), CONFIG(18, 1),
		IFACE(0, 0, 0xff, 0, 0) };
	struct device d;

	assert_int_equal(parse(b, sizeof(b), &d), 0);
	assert_int_equal(d.nifaces, 2);
	assert_int_equal(d.ifaces[0], DEVICE_TRIPLE(3, 1, 1));
	assert_int_equal(d.ifaces[1], DEVICE_TRIPLE(8, 6, 0x50));
}

static void
test_duplicate_iface(void **state)
{
	const unsigned char b[] = { DEVDESC, CONFIG(27, 1),
		IFACE(0, 0, 0x03, 0x01, 0x01), IFACE(0, 0, 0x08, 6, 0x50) };
	struct device d;

	assert_int_equal(parse(b, sizeof(b), &d), 0);
	assert_int_equal(d.nifaces, 1);
	assert_int_equal(d.ifaces[0], DEVICE_TRIPLE(3, 1, 1));
}

static void
test_lies(void **state)
{
	const unsigned char longtotal[] = { DEVDESC, CONFIG(200, 1),
		IFACE(0, 0, 8, 6, 0x50) };
	const unsigned char zerolen[] = { DEVDESC, CONFIG(20, 1), 0, 4, 0, 0, 0,
		0, 0, 0, 0, 0, 0 };
	const unsigned char overrun[] = { DEVDESC, CONFIG(18, 1), 12, 4, 0, 0,
		0, 0, 0, 0, 0 };
	const unsigned char shortif[] = { DEVDESC, CONFIG(16, 1), 7, 4, 0, 0, 2,
		8, 6 };
	const unsigned char nodev[] = { 9, 2, 0, 0 };
	const unsigned char noconf[] = { DEVDESC };
	const unsigned char notconf[] = { DEVDESC, 9, 4, 0, 0, 0, 0, 0, 0, 0 };
	struct device d;

	assert_int_equal(parse(longtotal, sizeof(longtotal), &d), -1);
	assert_non_null(strstr(err, "configuration length 200"));
	assert_int_equal(parse(zerolen, sizeof(zerolen), &d), -1);
	assert_non_null(strstr(err, "bad descriptor length 0 at byte 27"));
	assert_int_equal(parse(overrun, sizeof(overrun), &d), -1);
	assert_int_equal(parse(shortif, sizeof(shortif), &d), -1);
	assert_non_null(strstr(err, "short interface"));
	assert_int_equal(parse(nodev, sizeof(nodev), &d), -1);
	assert_non_null(strstr(err, "no device descriptor"));
	assert_int_equal(parse(noconf, sizeof(noconf), &d), -1);
	assert_non_null(strstr(err, "no configuration"));
	assert_int_equal(parse(notconf, sizeof(notconf), &d), -1);
	assert_int_equal(parse(NULL, 0, &d), -1);
}

/* More interfaces than a descriptor holds: an error, never a partial
 * description that could hide the interface a policy is about. */
static void
test_too_many(void **state)
{
	unsigned char b[18 + 9 + 9 * (DEVICE_MAX_IFACES + 1)];
	const unsigned char dev[] = { DEVDESC };
	size_t total = 9 + 9 * (DEVICE_MAX_IFACES + 1), i;
	struct device d;

	memcpy(b, dev, 18);
	b[18] = 9, b[19] = 2, b[20] = total & 0xff, b[21] = total >> 8;
	memset(b + 22, 0, 5);
	for (i = 0; i <= DEVICE_MAX_IFACES; i++) {
		unsigned char *p = b + 27 + 9 * i;

		memset(p, 0, 9);
		p[0] = 9, p[1] = 4, p[2] = (unsigned char)i, p[5] = 3;
	}
	assert_int_equal(parse(b, sizeof(b), &d), -1);
	assert_non_null(strstr(err, "more than 32 interfaces"));
	assert_int_equal(parse(b, sizeof(b) - 9, &d), -1); /* total > len */
	b[20] = (total - 9) & 0xff, b[21] = (total - 9) >> 8;
	assert_int_equal(parse(b, sizeof(b) - 9, &d), 0);
	assert_int_equal(d.nifaces, DEVICE_MAX_IFACES);
	assert_int_equal(d.ifaces[31], DEVICE_TRIPLE(3, 0, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stick),
		cmocka_unit_test(test_composite),
		cmocka_unit_test(test_duplicate_iface),
		cmocka_unit_test(test_lies),
		cmocka_unit_test(test_too_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
