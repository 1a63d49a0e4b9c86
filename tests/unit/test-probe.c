/* test-probe.c: probe_sysfs() on tests/fixtures/sysfs-synthetic, on
 * damaged copies of it, and on this machine's own /sys. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "device.h"
#include "probe.h"

#define FIXTURE TOP_SRCDIR "/tests/fixtures/sysfs-synthetic"
#define USB1 "sys/devices/pci0000:00/0000:00:14.0/usb1"

/* The devices of the synthetic tree, in the order probe must return. */
static const char *const fixture_ids[] = {
	"block:sr0",
	"pci:0000:00:00.0",
	"pci:0000:00:02.0",
	"pci:0000:00:14.0",
	"pci:0000:00:19.0",
	"pci:0000:00:1f.2",
	"usb:1-1",
	"usb:1-2",
	"usb:1-3",
	"usb:1-4",
	"usb:1-4.1",
	"usb:usb1",
};
#define FIXTURE_N (sizeof(fixture_ids) / sizeof(fixture_ids[0]))

struct probed {
	struct device *devs;
	size_t n;
	char err[512];
};

static int
setup_fixture(void **state)
{
	struct probed *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	if (probe_sysfs(FIXTURE, &p->devs, &p->n, p->err, sizeof(p->err))) {
		fprintf(stderr, "probe %s: %s\n", FIXTURE, p->err);
		free(p);
		return -1;
	}
	*state = p;
	return 0;
}

static int
teardown_fixture(void **state)
{
	struct probed *p = *state;

	free(p->devs);
	free(p);
	return 0;
}

static const struct device *
find(const struct probed *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->devs[i].id, id) == 0)
			return &p->devs[i];
	return NULL;
}

static const struct device *
find_or_fail(const struct probed *p, const char *id)
{
	static const struct device none;
	const struct device *d = find(p, id);

	if (d == NULL) {
		fail_msg("%s not probed", id);
		return &none;
	}
	return d;
}

static const struct device *
must_find(void **state, const char *id)
{
	return find_or_fail(*state, id);
}

static void
test_ids_in_order(void **state)
{
	const struct probed *p = *state;
	size_t i;

	assert_int_equal(p->n, FIXTURE_N);
	for (i = 0; i < FIXTURE_N; i++)
		assert_string_equal(p->devs[i].id, fixture_ids[i]);
}

static void
test_usb_stick(void **state)
{
	const struct device *d = must_find(state, "usb:1-1");

	assert_int_equal(d->bus, DEVICE_BUS_USB);
	assert_int_equal(d->vid, 0x0781);
	assert_int_equal(d->pid, 0x5567);
	assert_int_equal(d->dev_class, 0);
	assert_string_equal(d->serial, "4C530001230419117244");
	assert_string_equal(d->name, "Cruzer Blade");
	assert_string_equal(d->port, "1-1");
	assert_string_equal(d->pci_address, "");
	assert_int_equal(d->nifaces, 1);
	assert_int_equal(d->ifaces[0], DEVICE_TRIPLE(0x08, 0x06, 0x50));
	assert_int_equal(d->optical, 0);
	assert_int_equal(d->iface_kind[0], DEVICE_KIND_USB_STORAGE);
	assert_int_equal(d->kinds, 1u << DEVICE_KIND_USB_STORAGE);
	assert_int_equal(d->composite, 0);
}

static void
test_usb_dvd(void **state)
{
	const struct device *d = must_find(state, "usb:1-2");

	assert_int_equal(d->vid, 0x0e8d);
	assert_int_equal(d->pid, 0x1887);
	assert_string_equal(d->name, "MT1887");
	assert_string_equal(d->serial, "");
	assert_int_equal(d->nifaces, 1);
	assert_int_equal(d->ifaces[0], DEVICE_TRIPLE(0x08, 0x06, 0x50));
	assert_int_equal(d->optical, 1);
	assert_int_equal(d->kinds, 1u << DEVICE_KIND_OPTICAL);
}

static void
test_composite(void **state)
{
	const struct device *d = must_find(state, "usb:1-3");

	assert_int_equal(d->vid, 0x1234);
	assert_int_equal(d->pid, 0x5678);
	assert_string_equal(d->serial, "KS0001");
	assert_string_equal(d->name, "Keyboard with Storage");
	assert_int_equal(d->nifaces, 2);
	assert_int_equal(d->ifaces[0], DEVICE_TRIPLE(0x03, 0x01, 0x01));
	assert_int_equal(d->ifaces[1], DEVICE_TRIPLE(0x08, 0x06, 0x50));
	assert_int_equal(d->optical, 0);
	assert_int_equal(d->kinds,
	    1u << DEVICE_KIND_HID | 1u << DEVICE_KIND_USB_STORAGE);
	assert_int_equal(d->composite, 1);
}

static void
test_hub_and_mouse(void **state)
{
	const struct device *hub = must_find(state, "usb:1-4");
	const struct device *d = must_find(state, "usb:1-4.1");

	assert_int_equal(hub->vid, 0x05e3);
	assert_int_equal(hub->pid, 0x0608);
	assert_int_equal(hub->dev_class, DEVICE_TRIPLE(0x09, 0x00, 0x01));
	assert_int_equal(hub->kinds, 1u << DEVICE_KIND_HUB);
	assert_int_equal(d->bus, DEVICE_BUS_USB);
	assert_int_equal(d->vid, 0x046d);
	assert_int_equal(d->pid, 0xc077);
	assert_string_equal(d->port, "1-4.1");
	assert_string_equal(d->name, "USB Optical Mouse");
	assert_string_equal(d->serial, "");
	assert_int_equal(d->nifaces, 1);
	assert_int_equal(d->ifaces[0], DEVICE_TRIPLE(0x03, 0x01, 0x02));
	assert_int_equal(d->optical, 0);
	assert_int_equal(d->kinds, 1u << DEVICE_KIND_HID);
}

/* A root hub's interface is "1-0:1.0", not "usb1:1.0". */
static void
test_root_hub(void **state)
{
	const struct device *d = must_find(state, "usb:usb1");

	assert_int_equal(d->vid, 0x1d6b);
	assert_int_equal(d->pid, 0x0002);
	assert_int_equal(d->dev_class, DEVICE_TRIPLE(0x09, 0x00, 0x01));
	assert_string_equal(d->port, "usb1");
	assert_string_equal(d->serial, "0000:00:14.0");
	assert_string_equal(d->name, "xHCI Host Controller");
	assert_int_equal(d->nifaces, 1);
	assert_int_equal(d->ifaces[0], DEVICE_TRIPLE(0x09, 0x00, 0x00));
	assert_int_equal(d->kinds, 1u << DEVICE_KIND_HUB);
}

static void
test_pci(void **state)
{
	static const struct {
		const char *addr;
		uint16_t vid, pid;
		uint32_t cls;
	} want[] = {
		{ "0000:00:00.0", 0x8086, 0x29c0, 0x060000 },
		{ "0000:00:02.0", 0x1234, 0x1111, 0x030000 },
		{ "0000:00:14.0", 0x8086, 0x1e31, 0x0c0330 },
		{ "0000:00:19.0", 0x8086, 0x10d3, 0x020000 },
		{ "0000:00:1f.2", 0x8086, 0x2922, 0x010601 },
	};
	char id[64];
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct device *d;

		snprintf(id, sizeof(id), "pci:%s", want[i].addr);
		d = must_find(state, id);
		assert_int_equal(d->bus, DEVICE_BUS_PCI);
		assert_string_equal(d->pci_address, want[i].addr);
		assert_int_equal(d->vid, want[i].vid);
		assert_int_equal(d->pid, want[i].pid);
		assert_int_equal(d->dev_class, want[i].cls);
		assert_string_equal(d->port, "");
		assert_int_equal(d->nifaces, 0);
	}
	assert_int_equal(must_find(state, "pci:0000:00:19.0")->kinds,
	    1u << DEVICE_KIND_NETWORK);
}

/* sr0 hangs off the AHCI controller; sda is a disk; sdb and sr1 sit
 * behind USB devices, which report them; mmcblk0 is an SD card, whose
 * device's "type" is "SD" and must not be read as a SCSI type. */
static void
test_block(void **state)
{
	const struct device *d = must_find(state, "block:sr0");

	assert_int_equal(d->bus, DEVICE_BUS_BLOCK);
	assert_string_equal(d->name, "QEMU QEMU DVD-ROM");
	assert_int_equal(d->optical, 1);
	assert_int_equal(d->vid, 0);
	assert_int_equal(d->pid, 0);
	assert_int_equal(d->nifaces, 0);
	assert_string_equal(d->port, "");
	assert_int_equal(d->kinds, 1u << DEVICE_KIND_OPTICAL);
	assert_null(find(*state, "block:sda"));
	assert_null(find(*state, "block:sdb"));
	assert_null(find(*state, "block:sr1"));
	assert_null(find(*state, "block:mmcblk0"));
}

/* kurad's path for one disk: the same device, and nothing for disks that
 * are not optical or sit on USB. */
static void
test_block_one(void **state)
{
	const struct device *d = must_find(state, "block:sr0");
	static const char *const others[] = { "sda", "sdb", "sr1", "mmcblk0" };
	struct device one;
	char err[512] = "";
	size_t i;

	assert_int_equal(probe_block_one(FIXTURE, "sr0", &one, err,
			     sizeof(err)),
	    1);
	assert_memory_equal(&one, d, sizeof(one));
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_int_equal(probe_block_one(FIXTURE, others[i], &one, err,
				     sizeof(err)),
		    0);
	assert_int_equal(probe_block_one(FIXTURE, "sr9", &one, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "sr9"));
}

/* --- damaged copies of the fixture, in a temporary directory --- */

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

static int
setup_tmp(void **state)
{
	char *dir = strdup("/tmp/test-probe.XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int
teardown_tmp(void **state)
{
	char cmd[256];
	int rc;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	rc = system(cmd);
	free(*state);
	return rc == 0 ? 0 : -1;
}

/* The fixture copied into the temporary directory; returns its root. */
static const char *
copy_fixture(void **state)
{
	sh("cp -a '%s/sys' '%s/'", FIXTURE, (const char *)*state);
	return *state;
}

/* The tree captured in the Xen tier's dom0 (scenario policy-probe) with
 * a QEMU USB stick plugged into the xHCI controller and a SATA DVD drive. */
static void
test_qemu_lab(void **state)
{
	static const char *const ids[] = { "block:sr0", "pci:0000:00:00.0",
		"pci:0000:00:01.0", "pci:0000:00:02.0", "pci:0000:00:1f.0",
		"pci:0000:00:1f.2", "pci:0000:00:1f.3", "usb:2-1", "usb:usb1",
		"usb:usb2" };
	struct probed p = { 0 };
	const struct device *d;
	size_t i;

	if (probe_sysfs(TOP_SRCDIR "/tests/fixtures/sysfs-qemu-lab", &p.devs,
		&p.n, p.err, sizeof(p.err)) != 0)
		fail_msg("probe: %s", p.err);
	assert_int_equal(p.n, sizeof(ids) / sizeof(ids[0]));
	for (i = 0; i < p.n; i++)
		assert_string_equal(p.devs[i].id, ids[i]);
	d = find_or_fail(&p, "usb:2-1");
	assert_int_equal(d->vid, 0x46f4);
	assert_int_equal(d->pid, 0x0001);
	assert_string_equal(d->serial, "kura-probe-stick");
	assert_string_equal(d->name, "QEMU USB HARDDRIVE");
	assert_int_equal(d->nifaces, 1);
	assert_int_equal(d->ifaces[0], DEVICE_TRIPLE(0x08, 0x06, 0x50));
	assert_int_equal(d->kinds, 1u << DEVICE_KIND_USB_STORAGE);
	d = find_or_fail(&p, "block:sr0");
	assert_int_equal(d->optical, 1);
	assert_int_equal(d->kinds, 1u << DEVICE_KIND_OPTICAL);
	d = find_or_fail(&p, "pci:0000:00:02.0");
	assert_int_equal(d->dev_class, 0x0c0330);
	d = find_or_fail(&p, "usb:usb2");
	assert_int_equal(d->kinds, 1u << DEVICE_KIND_HUB);
	free(p.devs);
}

static void
test_missing_sys(void **state)
{
	struct device *devs = (struct device *)&devs;
	size_t n = 99;
	char err[256] = "";

	assert_int_equal(probe_sysfs(*state, &devs, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no sysfs under"));
	assert_null(devs);
	assert_int_equal(n, 0);
}

/* A machine without USB: no bus/usb, nothing below the controller. */
static void
test_no_usb(void **state)
{
	const char *root = copy_fixture(state);
	struct device *devs = NULL;
	size_t n = 0;
	char err[256] = "";

	sh("cd '%s' && rm -rf sys/bus/usb sys/block/sdb sys/block/sr1 " USB1,
	    root);
	assert_int_equal(probe_sysfs(root, &devs, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 6);
	assert_string_equal(devs[0].id, "block:sr0");
	assert_string_equal(devs[5].id, "pci:0000:00:1f.2");
	free(devs);
}

static void
test_empty_sys(void **state)
{
	struct device *devs = NULL;
	size_t n = 99;
	char err[256] = "";

	sh("mkdir '%s/sys'", (const char *)*state);
	assert_int_equal(probe_sysfs(*state, &devs, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	free(devs);
}

static void
test_corrupt_idvendor(void **state)
{
	const char *root = copy_fixture(state);
	struct device *devs = (struct device *)&devs;
	size_t n = 99;
	char err[512] = "";

	sh("echo 78g1 > '%s/" USB1 "/1-1/idVendor'", root);
	assert_int_equal(probe_sysfs(root, &devs, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "usb1/1-1/idVendor"));
	assert_null(devs);
	assert_int_equal(n, 0);
}

/* PCI attributes carry a 0x prefix; one without is not what sysfs
 * writes, so the copy is not exact. */
static void
test_corrupt_pci_class(void **state)
{
	const char *root = copy_fixture(state);
	struct device *devs = NULL;
	size_t n = 0;
	char err[512] = "";

	sh("echo 0c0330 > '%s/sys/devices/pci0000:00/0000:00:14.0/class'",
	    root);
	assert_int_equal(probe_sysfs(root, &devs, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "0000:00:14.0/class"));
}

static void
test_missing_idproduct(void **state)
{
	const char *root = copy_fixture(state);
	struct device *devs = NULL;
	size_t n = 0;
	char err[512] = "";

	sh("rm '%s/" USB1 "/1-4/1-4.1/idProduct'", root);
	assert_int_equal(probe_sysfs(root, &devs, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "1-4.1/idProduct: missing"));
}

/* sysfs never writes an empty number: the copy is damaged. */
static void
test_empty_attribute(void **state)
{
	const char *root = copy_fixture(state);
	struct device *devs = NULL;
	size_t n = 0;
	char err[512] = "";

	sh("printf '' > '%s/" USB1 "/1-4/1-4.1/1-4.1:1.0/bInterfaceClass'",
	    root);
	assert_int_equal(probe_sysfs(root, &devs, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "1-4.1:1.0/bInterfaceClass: not a"));
}

/* Interfaces come in number order: 1.2 before 1.10. */
static void
test_iface_order(void **state)
{
	const char *root = copy_fixture(state);
	const char *d = USB1 "/1-3";
	struct device *devs = NULL;
	size_t n = 0, i;
	char err[512] = "";

	sh("cd '%s/%s' && for i in 1.10:ff 1.2:0e; do "
	   "mkdir 1-3:${i%%:*} && cd 1-3:${i%%:*} && "
	   "echo ${i#*:} > bInterfaceClass && echo 00 > bInterfaceSubClass && "
	   "echo 00 > bInterfaceProtocol && cd ..; done",
	    root, d);
	assert_int_equal(probe_sysfs(root, &devs, &n, err, sizeof(err)), 0);
	for (i = 0; i < n && strcmp(devs[i].id, "usb:1-3") != 0; i++)
		;
	assert_true(i < n);
	assert_int_equal(devs[i].nifaces, 4);
	assert_int_equal(devs[i].ifaces[0], DEVICE_TRIPLE(0x03, 0x01, 0x01));
	assert_int_equal(devs[i].ifaces[1], DEVICE_TRIPLE(0x08, 0x06, 0x50));
	assert_int_equal(devs[i].ifaces[2], DEVICE_TRIPLE(0x0e, 0, 0));
	assert_int_equal(devs[i].ifaces[3], DEVICE_TRIPLE(0xff, 0, 0));
	free(devs);
}

/* A link leaving ROOT/sys (an absolute one, in a copy) is refused. */
static void
test_link_outside(void **state)
{
	const char *root = copy_fixture(state);
	struct device *devs = NULL;
	size_t n = 0;
	char err[512] = "";

	sh("cd '%s/sys/bus/pci/devices' && rm 0000:00:19.0 && "
	   "ln -s '%s' 0000:00:19.0",
	    root, root);
	assert_int_equal(probe_sysfs(root, &devs, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside"));
}

#define CAPTURE TOP_SRCDIR "/tests/xen/dom0/capture-sysfs"

/* Probes root and, after capture-sysfs copied ROOT/sys to out, out; the
 * two must agree to the byte. */
static void
assert_capture_same(const char *root, const char *out)
{
	struct device *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	char err[512] = "";

	sh("KURA_SYSFS='%s/sys' bash '" CAPTURE "' '%s'", root, out);
	if (probe_sysfs(root, &a, &na, err, sizeof(err)) != 0)
		fail_msg("probe %s: %s", root, err);
	if (probe_sysfs(out, &b, &nb, err, sizeof(err)) != 0)
		fail_msg("probe %s: %s", out, err);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof(*a));
	free(a);
	free(b);
}

/* capture-sysfs (run in the Xen dom0) on the fixture, with one link made
 * absolute: the copy probes the same and the link is relative again. */
static void
test_capture_fixture(void **state)
{
	const char *root = copy_fixture(state);
	const char *link = "sys/bus/pci/devices/0000:00:19.0";
	char out[512], path[1024], target[1024];
	ssize_t r;

	sh("cd '%s' && rm %s && ln -s \"$PWD/sys/devices/pci0000:00/"
	   "0000:00:19.0\" %s",
	    root, link, link);
	snprintf(out, sizeof(out), "%s/capture", root);
	assert_capture_same(root, out);
	snprintf(path, sizeof(path), "%s/%s", out, link);
	r = readlink(path, target, sizeof(target) - 1);
	assert_true(r > 0);
	target[r] = '\0';
	assert_string_equal(target, "../../../devices/pci0000:00/0000:00:19.0");
}

/* ... and on this machine's /sys, which is what it is for. */
static void
test_capture_live(void **state)
{
	char out[512];

	snprintf(out, sizeof(out), "%s/capture", (const char *)*state);
	assert_capture_same("/", out);
}

/* This machine's sysfs: no exact contents, but sorted and classified. */
static void
test_live(void **state)
{
	struct device *devs = NULL;
	size_t n = 0, i;
	char err[512] = "";

	(void)state;
	if (probe_sysfs("/", &devs, &n, err, sizeof(err)) != 0)
		fail_msg("probe /: %s", err);
	for (i = 0; i < n; i++) {
		assert_int_not_equal(devs[i].kinds, 0);
		if (i > 0)
			assert_true(strcmp(devs[i - 1].id, devs[i].id) < 0);
	}
	if (access("/sys/bus/pci/devices", F_OK) == 0)
		assert_true(n > 0);
	free(devs);
}

#define UNCONF TOP_SRCDIR "/tests/fixtures/sysfs-unconfigured"

/* A device kurad has not authorized: interfaces from its descriptors,
 * through the whole tree and through probe_usb_one (kurad's path). */
static void
test_unconfigured(void **state)
{
	struct device *devs = NULL, one;
	size_t n = 0;
	char err[512] = "";

	(void)state;
	if (probe_sysfs(UNCONF, &devs, &n, err, sizeof(err)) != 0)
		fail_msg("probe: %s", err);
	assert_int_equal(n, 1);
	assert_string_equal(devs[0].id, "usb:1-1");
	assert_int_equal(devs[0].nifaces, 2);
	assert_int_equal(devs[0].ifaces[0], DEVICE_TRIPLE(3, 1, 1));
	assert_int_equal(devs[0].ifaces[1], DEVICE_TRIPLE(8, 6, 0x50));
	assert_true(devs[0].composite);
	if (probe_usb_one(UNCONF,
		UNCONF "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1", &one,
		err, sizeof(err)) != 0)
		fail_msg("probe_usb_one: %s", err);
	assert_memory_equal(&one, &devs[0], sizeof(one));
	assert_int_equal(probe_usb_one(UNCONF, UNCONF "/sys/nowhere/1-9", &one,
			     err, sizeof(err)),
	    -1);
	assert_int_equal(probe_usb_one(UNCONF, "/", &one, err, sizeof(err)),
	    -1);
	free(devs);
}

int
main(void)
{
	const struct CMUnitTest fixture[] = {
		cmocka_unit_test(test_unconfigured),
		cmocka_unit_test(test_ids_in_order),
		cmocka_unit_test(test_usb_stick),
		cmocka_unit_test(test_usb_dvd),
		cmocka_unit_test(test_composite),
		cmocka_unit_test(test_hub_and_mouse),
		cmocka_unit_test(test_root_hub),
		cmocka_unit_test(test_pci),
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_block_one),
	};
	const struct CMUnitTest copies[] = {
		cmocka_unit_test_setup_teardown(test_missing_sys, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_no_usb, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_empty_sys, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_corrupt_idvendor,
		    setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_corrupt_pci_class,
		    setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_missing_idproduct,
		    setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_empty_attribute, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_iface_order, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_link_outside, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_capture_fixture, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_capture_live, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_qemu_lab),
	};
	int rc;

	rc = cmocka_run_group_tests_name("fixture", fixture, setup_fixture,
	    teardown_fixture);
	rc += cmocka_run_group_tests_name("copies", copies, NULL, NULL);
	return rc != 0;
}
