/* Unit tests for kurad's device decisions (daemon/devices.c, devpci.c):
 * what a verdict does in dom0 (USB authorization, state), when an attached
 * device must leave the client VM, and re-deciding after a policy change.
 * The USB devices' "authorized" files live in a temporary directory; the
 * client VM is stopped, so nothing here reaches libxl. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices.h"
#include "devpci.h"
#include "policy-util.h"

static char dir[] = "/tmp/kura-test-devices.XXXXXX";
static char audit_path[128];
static struct kurad_conf conf;
static struct audit audit;
static struct sup sup;
static struct devices ds;

static int
setup(void **state)
{
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(audit_path, sizeof(audit_path), "%s/audit.log", dir);
	if (audit_open(&audit, audit_path) == -1)
		return -1;
	memset(&ds, 0, sizeof(ds));
	TAILQ_INIT(&ds.list);
	ds.conf = &conf;
	ds.sup = &sup;
	ds.audit = &audit;
	sup.dom[CONF_CLIENT].conf = &conf.dom[CONF_CLIENT];
	sup.dom[CONF_CLIENT].domid = SUP_NODOM;
	sup.dom[CONF_CLIENT].sm.state = VM_STOPPED;
	conf.dom[CONF_CLIENT].cfg.c_info.type = LIBXL_DOMAIN_TYPE_PV;
	/* Two sticks, a tablet, a hub, a PCI GPU. */
	ds.policy =
	    tpol_rules("[{\"id\": \"hubs\", \"verdict\": \"allow\", \"match\": "
		       "{\"kind\": [\"hub\"]}},"
		       "{\"id\": \"rw\", \"verdict\": \"allow\", \"mode\": "
		       "\"read-write\", \"match\": {\"serial\": \"rw\"}},"
		       "{\"id\": \"ro\", \"verdict\": \"allow\", \"mode\": "
		       "\"read-only\", \"match\": {\"serial\": \"ro\"}},"
		       "{\"id\": \"tab\", \"verdict\": \"allow\", \"match\": "
		       "{\"kind\": [\"hid\"]}},"
		       "{\"id\": \"gpu\", \"verdict\": \"allow\", \"match\": "
		       "{\"bus\": [\"pci\"], \"class\": \"03:*:*\"}}]");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	devices_close(&ds); /* the table and the policy */
	audit_close(&audit);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A USB device in the table, its sysfs directory holding "authorized". */
static struct dev *
usb_dev(const char *name, const char *spec)
{
	struct dev *dv = calloc(1, sizeof(*dv));
	char path[PATH_MAX + 16];
	FILE *fp;

	assert_non_null(dv);
	dv->d = tpol_dev(spec);
	snprintf(dv->syspath, sizeof(dv->syspath), "%s/%s", dir, name);
	assert_int_equal(mkdir(dv->syspath, 0755), 0);
	snprintf(path, sizeof(path), "%s/authorized", dv->syspath);
	assert_non_null(fp = fopen(path, "w"));
	fputs("0\n", fp);
	fclose(fp);
	TAILQ_INSERT_TAIL(&ds.list, dv, link);
	return dv;
}

static int
authorized(const struct dev *dv)
{
	char path[PATH_MAX + 16];
	FILE *fp;
	int v = -1;

	snprintf(path, sizeof(path), "%s/authorized", dv->syspath);
	assert_non_null(fp = fopen(path, "r"));
	assert_int_equal(fscanf(fp, "%d", &v), 1);
	fclose(fp);
	return v;
}

static void
decide(struct dev *dv)
{
	devices_decide(&ds, dv);
	devices_apply(&ds, dv);
}

static void
test_verdicts_in_dom0(void **state)
{
	struct dev *rw = usb_dev("1-1",
	    "usb id=46f4:0001 iface=08:06:50 "
	    "serial=rw port=1-1 devid=usb:1-1");
	struct dev *no = usb_dev("1-2",
	    "usb id=46f4:0001 iface=08:06:50 "
	    "serial=x port=1-2 devid=usb:1-2");
	struct dev *hub = usb_dev("1-3",
	    "usb id=0409:55aa iface=09:00:00 "
	    "port=1-3 devid=usb:1-3");
	struct dev *tab = usb_dev("1-4",
	    "usb id=0627:0001 iface=03:00:00 "
	    "port=1-4 devid=usb:1-4");

	decide(rw);
	assert_int_equal(rw->state, DEV_WAITING);
	assert_string_equal(rw->rule, "rw");
	assert_int_equal(authorized(rw), 1);
	decide(no);
	assert_int_equal(no->state, DEV_DENIED);
	assert_string_equal(no->rule, "(default)");
	assert_int_equal(authorized(no), 0);
	decide(hub);
	assert_int_equal(hub->state, DEV_DOM0);
	assert_int_equal(authorized(hub), 1);
	/* A PV client VM cannot have a tablet: kept from dom0 too. */
	decide(tab);
	assert_int_equal(tab->state, DEV_NO_PATH);
	assert_int_equal(authorized(tab), 0);
	conf.dom[CONF_CLIENT].cfg.c_info.type = LIBXL_DOMAIN_TYPE_HVM;
	decide(tab);
	assert_int_equal(tab->state, DEV_WAITING);
	assert_int_equal(authorized(tab), 1);
	conf.dom[CONF_CLIENT].cfg.c_info.type = LIBXL_DOMAIN_TYPE_PV;
}

/* Attached devices leave the client VM when denied, or when their mode
 * changes; PCI devices wait for the client's next start. */
static void
test_must_detach(void **state)
{
	struct dev dv = { 0 };

	dv.d = tpol_dev("usb id=46f4:0001 iface=08:06:50");
	dv.state = DEV_ATTACHED;
	dv.target = POLICY_TARGET_CLIENT;
	dv.verdict = POLICY_ALLOW_RW;
	dv.vdev_ro = 0;
	assert_false(devices_must_detach(&dv));
	dv.verdict = POLICY_ALLOW_RO;
	assert_true(devices_must_detach(&dv));
	dv.vdev_ro = 1;
	assert_false(devices_must_detach(&dv));
	dv.verdict = POLICY_DENY;
	assert_true(devices_must_detach(&dv));
	dv.verdict = POLICY_ALLOW_RO;
	dv.target = POLICY_TARGET_NONE;
	assert_true(devices_must_detach(&dv));
	/* A CD-ROM is read-only whatever the verdict. */
	dv.d = tpol_dev("block optical");
	dv.target = POLICY_TARGET_CLIENT;
	dv.verdict = POLICY_ALLOW_BURN;
	assert_false(devices_must_detach(&dv));
	dv.d = tpol_dev("pci class=03:00:00 address=0000:00:02.0");
	dv.verdict = POLICY_DENY;
	assert_false(devices_must_detach(&dv));
	dv.state = DEV_WAITING;
	dv.d = tpol_dev("usb id=46f4:0001 iface=08:06:50");
	assert_false(devices_must_detach(&dv));
}

static void
test_pci_wanted(void **state)
{
	struct dev gpu = { 0 }, nic = { 0 };

	gpu.d = tpol_dev("pci class=03:00:00 address=0000:00:02.0");
	nic.d = tpol_dev("pci class=02:00:00 address=0000:00:03.0");
	devices_decide(&ds, &gpu);
	devices_decide(&ds, &nic);
	assert_true(devpci_wanted(&gpu));
	assert_false(devpci_wanted(&nic));
	devices_apply(&ds, &nic);
	assert_int_equal(nic.state, DEV_DOM0);
}

/* A new policy: the read-write stick is denied and de-authorized, the
 * one that was denied is allowed; the audit log says why. */
static void
test_reevaluate(void **state)
{
	struct dev *rw = TAILQ_FIRST(&ds.list), *no = TAILQ_NEXT(rw, link);
	char buf[8192] = "";
	FILE *fp;

	policy_free(ds.policy);
	ds.policy =
	    tpol_rules("[{\"id\": \"hubs\", \"verdict\": \"allow\", \"match\": "
		       "{\"kind\": [\"hub\"]}},"
		       "{\"id\": \"no-rw\", \"verdict\": \"deny\", \"match\": "
		       "{\"serial\": \"rw\"}},"
		       "{\"id\": \"x\", \"verdict\": \"allow\", \"mode\": "
		       "\"read-only\", \"match\": {\"serial\": \"x\"}}]");
	devices_reevaluate(&ds, "policy version 2");
	assert_int_equal(rw->state, DEV_DENIED);
	assert_int_equal(authorized(rw), 0);
	assert_int_equal(no->state, DEV_WAITING);
	assert_int_equal(no->verdict, POLICY_ALLOW_RO);
	assert_int_equal(authorized(no), 1);
	assert_non_null(fp = fopen(audit_path, "r"));
	assert_true(fread(buf, 1, sizeof(buf) - 1, fp) > 0);
	fclose(fp);
	assert_non_null(strstr(buf,
	    "\"why\":\"policy version 2: deny by no-rw "
	    "(line 0), was read-write\""));
	assert_non_null(strstr(buf, "\"action\":\"decide\""));
	assert_non_null(strstr(buf, "\"descriptor\":"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts_in_dom0),
		cmocka_unit_test(test_must_detach),
		cmocka_unit_test(test_pci_wanted),
		cmocka_unit_test(test_reevaluate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
