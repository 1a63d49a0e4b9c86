/* Unit tests for policy/device.c and policy/devjson.c. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "device.h"

static struct device
spec(const char *s)
{
	struct device d;
	char err[256];

	if (device_parse_spec(s, &d, err, sizeof(err)) != 0)
		fail_msg("spec \"%s\": %s", s, err);
	return d;
}

static void
test_usb_storage_stick(void **state)
{
	struct device d = spec("usb id=0781:5567 iface=08:06:50 "
			       "serial=4C53 port=1-2 name='Cruzer Blade'");

	assert_int_equal(d.bus, DEVICE_BUS_USB);
	assert_int_equal(d.vid, 0x0781);
	assert_int_equal(d.pid, 0x5567);
	assert_int_equal(d.nifaces, 1);
	assert_int_equal(d.ifaces[0], DEVICE_TRIPLE(8, 6, 0x50));
	assert_string_equal(d.serial, "4C53");
	assert_string_equal(d.name, "Cruzer Blade");
	assert_string_equal(d.id, "usb:1-2");
	assert_int_equal(d.kinds, 1u << DEVICE_KIND_USB_STORAGE);
	assert_false(d.composite);
}

static void
test_kinds_from_interfaces(void **state)
{
	static const struct {
		uint32_t triple;
		enum device_kind kind;
	} cases[] = {
		{ DEVICE_TRIPLE(1, 1, 0), DEVICE_KIND_AUDIO },
		{ DEVICE_TRIPLE(2, 6, 0), DEVICE_KIND_NETWORK },
		{ DEVICE_TRIPLE(3, 1, 1), DEVICE_KIND_HID },
		{ DEVICE_TRIPLE(6, 1, 1), DEVICE_KIND_VIDEO },
		{ DEVICE_TRIPLE(7, 1, 2), DEVICE_KIND_PRINTER },
		{ DEVICE_TRIPLE(8, 6, 0x50), DEVICE_KIND_USB_STORAGE },
		{ DEVICE_TRIPLE(9, 0, 0), DEVICE_KIND_HUB },
		{ DEVICE_TRIPLE(0x0a, 0, 0), DEVICE_KIND_NETWORK },
		{ DEVICE_TRIPLE(0x0b, 0, 0), DEVICE_KIND_SMARTCARD },
		{ DEVICE_TRIPLE(0x0e, 1, 0), DEVICE_KIND_VIDEO },
		{ DEVICE_TRIPLE(0xe0, 1, 1), DEVICE_KIND_WIRELESS },
		{ DEVICE_TRIPLE(0xff, 0, 0), DEVICE_KIND_OTHER },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(device_usb_iface_kind(cases[i].triple, 0),
		    cases[i].kind);
	assert_int_equal(device_usb_iface_kind(DEVICE_TRIPLE(8, 6, 0x50), 1),
	    DEVICE_KIND_OPTICAL);
}

static void
test_composite_and_hub(void **state)
{
	struct device kb = spec("usb id=1234:0001 iface=03:01:01 "
				"iface=08:06:50");
	struct device hub = spec("usb id=1d6b:0002 class=09:00:01 "
				 "iface=09:00:00");
	struct device yubi = spec("usb id=1050:0407 iface=03:01:01 "
				  "iface=03:00:00 iface=0b:00:00");

	assert_true(kb.composite);
	assert_int_equal(kb.kinds,
	    (1u << DEVICE_KIND_HID) | (1u << DEVICE_KIND_USB_STORAGE));
	assert_int_equal(kb.iface_kind[1], DEVICE_KIND_USB_STORAGE);
	assert_false(hub.composite);
	assert_int_equal(hub.kinds, 1u << DEVICE_KIND_HUB);
	assert_true(yubi.composite);
	assert_int_equal(yubi.iface_kind[2], DEVICE_KIND_SMARTCARD);
}

static void
test_pci_and_block(void **state)
{
	struct device nic = spec("pci id=8086:15d7 class=02:00:00 "
				 "address=0000:00:1f.6");
	struct device wifi = spec("pci id=8086:a370 class=02:80:00");
	struct device xhci = spec("pci id=1b36:000d class=0c:03:30");
	struct device cd = spec("block name='QEMU DVD-ROM' optical");

	assert_int_equal(nic.kinds, 1u << DEVICE_KIND_NETWORK);
	assert_string_equal(nic.id, "pci:0000:00:1f.6");
	assert_int_equal(wifi.kinds, 1u << DEVICE_KIND_WIRELESS);
	assert_int_equal(xhci.kinds, 1u << DEVICE_KIND_OTHER);
	assert_int_equal(cd.kinds, 1u << DEVICE_KIND_OPTICAL);
	assert_string_equal(cd.name, "QEMU DVD-ROM");
}

static void
test_spec_errors(void **state)
{
	static const char *const bad[] = {
		"",
		"firewire id=1234:5678",
		"usb id=12345:678",
		"usb id=12g4:5678",
		"usb iface=08:06",
		"usb colour=red",
		"usb name='unterminated",
		"usb serial",
	};
	struct device d;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (device_parse_spec(bad[i], &d, err, sizeof(err)) != -1)
			fail_msg("spec \"%s\" was accepted", bad[i]);
		assert_true(strlen(err) > 0);
	}
	device_parse_spec("usb colour=red", &d, err, sizeof(err));
	assert_non_null(strstr(err, "unknown field \"colour\""));
}

static void
test_json_round_trip(void **state)
{
	struct device a = spec("usb id=0e8d:1887 iface=08:06:50 optical "
			       "serial=X1 port=1-4.1 name='DVD RW'");
	struct device b;
	char err[256];
	json_t *j = device_to_json(&a);

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "vid")),
	    "0e8d");
	assert_int_equal(device_from_json(j, &b, err, sizeof(err)), 0);
	json_decref(j);
	assert_int_equal(memcmp(&a, &b, sizeof(a)), 0);
	assert_int_equal(b.kinds, 1u << DEVICE_KIND_OPTICAL);
}

static void
test_json_errors(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"bus\": \"scsi\"}",
		"{\"vid\": \"78\"}",
		"{\"interfaces\": [\"08:06\"]}",
		"{\"optical\": 1}",
		"{\"colour\": \"red\"}",
	};
	struct device d;
	char err[256];
	json_t *j;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i], 0, NULL);
		assert_non_null(j);
		if (device_from_json(j, &d, err, sizeof(err)) != -1)
			fail_msg("JSON %s was accepted", bad[i]);
		json_decref(j);
	}
}

static void
test_describe(void **state)
{
	struct device d = spec("usb id=1234:0001 iface=03:01:01 "
			       "iface=08:06:50 name=Evil");
	char buf[128];

	device_describe(&d, buf, sizeof(buf));
	assert_string_equal(buf, "usb 1234:0001 usb-storage hid \"Evil\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usb_storage_stick),
		cmocka_unit_test(test_kinds_from_interfaces),
		cmocka_unit_test(test_composite_and_hub),
		cmocka_unit_test(test_pci_and_block),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
