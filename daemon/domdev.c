/* domdev.c: the disk, vif and pci lists of a domain file, as xl reads them. */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domdev.h"
#include "xalloc.h"

#define DOMDEV_NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DOMDEV_PCI_WANT " (want [DDDD:]BB:DD.F[@VSLOT][,KEY=VALUE...])"

/* After libxlutil's parser of one item: its reports become diagnostics. */
static int
domdev_xlu_item(struct cfgfile *f, const char *key, int i, const char *spec,
    int e, const char *want)
{
	int line = cfgfile_item_line(f, key, i);
	size_t nerrors = f->d->nerrors;
	char what[32];

	snprintf(what, sizeof(what), "%s %d: ", key, i + 1);
	cfgfile_drain(f, line, what);
	if (e != 0 && f->d->nerrors == nerrors)
		diags_add(f->d, DIAG_ERROR, f->path, line, 0,
		    "%sbad %s specification \"%s\"%s", what, key, spec, want);
	return e != 0 ? -1 : 0;
}

int
domdev_disks(struct cfgfile *f, libxl_domain_config *c)
{
	XLU_ConfigList *list = NULL;
	const char *spec;
	int i, n, rc = 0, e;

	if (cfgfile_list(f, "disk", &list, &n) == -1)
		return -1;
	if (n > 0)
		c->disks = xcalloc((size_t)n, sizeof(*c->disks));
	for (i = 0; i < n; i++) {
		libxl_device_disk_init(&c->disks[c->num_disks++]);
		if (cfgfile_list_item(f, "disk", list, i, &spec) == -1) {
			rc = -1;
			continue;
		}
		e = xlu_disk_parse(f->xlu, 1, &spec, &c->disks[i]);
		if (domdev_xlu_item(f, "disk", i, spec, e, "") == -1)
			rc = -1;
	}
	return rc;
}

/* libxlutil 4.17's parse_bdf reads an uninitialised %n when a BDF has
 * no function ("03:00"), and may crash: such a BDF must not reach it.
 * parse_bdf counts the colons in the leading run of hex digits and colons
 * and gives up by itself unless there are one or two: then a '.' must
 * follow the run for its sscanf to reach %n. */
static int
domdev_bdf_safe(const char *s)
{
	size_t run = strspn(s, "0123456789abcdefABCDEF:"), colons = 0, i;

	for (i = 0; i < run; i++)
		colons += s[i] == ':';
	return (colons != 1 && colons != 2) || s[run] == '.';
}

/* Where xlu_pci_parse_spec_string parses a BDF: at the start, and the
 * value of bdf=. */
static int
domdev_pci_safe(const char *spec)
{
	const char *s;

	if (!domdev_bdf_safe(spec))
		return 0;
	for (s = spec; s != NULL; s = strchr(s + 1, ','))
		if (strncmp(s + (*s == ','), "bdf=", 4) == 0 &&
		    !domdev_bdf_safe(s + (*s == ',') + 4))
			return 0;
	return 1;
}

int
domdev_pcis(struct cfgfile *f, libxl_domain_config *c)
{
	XLU_ConfigList *list = NULL;
	const char *spec;
	int i, n, rc = 0, e;

	if (cfgfile_list(f, "pci", &list, &n) == -1)
		return -1;
	if (n > 0)
		c->pcidevs = xcalloc((size_t)n, sizeof(*c->pcidevs));
	for (i = 0; i < n; i++) {
		libxl_device_pci_init(&c->pcidevs[c->num_pcidevs++]);
		if (cfgfile_list_item(f, "pci", list, i, &spec) == -1) {
			rc = -1;
			continue;
		}
		e = domdev_pci_safe(spec)
		    ? xlu_pci_parse_spec_string(f->xlu, &c->pcidevs[i], spec)
		    : ERROR_INVAL;
		if (domdev_xlu_item(f, "pci", i, spec, e, DOMDEV_PCI_WANT) ==
		    -1)
			rc = -1;
	}
	/* As xl: a PV guest's drivers need the host's memory map. */
	if (n > 0 && c->c_info.type == LIBXL_DOMAIN_TYPE_PV)
		libxl_defbool_set(&c->b_info.u.pv.e820_host, true);
	return rc;
}

static int
domdev_vif_mac(libxl_device_nic *nic, const char *v)
{
	int i;

	if (strlen(v) != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)v[3 * i]) ||
		    !isxdigit((unsigned char)v[3 * i + 1]) ||
		    (i < 5 && v[3 * i + 2] != ':'))
			return -1;
		nic->mac[i] = (uint8_t)strtoul(v + 3 * i, NULL, 16);
	}
	/* A multicast address would break the guest's network. */
	return (nic->mac[0] & 1) ? -1 : 0;
}

static int
domdev_vif_type(libxl_device_nic *nic, const char *v)
{
	if (strcmp(v, "vif") == 0)
		nic->nictype = LIBXL_NIC_TYPE_VIF;
	else if (strcmp(v, "ioemu") == 0)
		nic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
	else
		return -1;
	return 0;
}

/* The vif settings kurad supports, as xl's parse_nic_config reads them;
 * those without a parser are strings, stored at off. */
static const struct domdev_vif_opt {
	const char *name;
	int (*parse)(libxl_device_nic *nic, const char *value);
	size_t off;
	const char *want;
} domdev_vif_opts[] = {
	{ "mac", domdev_vif_mac, 0,
	    " (want a unicast address like "
	    "00:16:3e:12:34:56)" },
	{ "bridge", NULL, offsetof(libxl_device_nic, bridge),
	    " (want a value)" },
	{ "ip", NULL, offsetof(libxl_device_nic, ip), " (want a value)" },
	{ "script", NULL, offsetof(libxl_device_nic, script),
	    " (want a value)" },
	{ "model", NULL, offsetof(libxl_device_nic, model), " (want a value)" },
	{ "type", domdev_vif_type, 0, " (want vif or ioemu)" },
	{ "vifname", NULL, offsetof(libxl_device_nic, ifname),
	    " (want a value)" },
};

static const struct domdev_vif_opt *
domdev_vif_opt(const char *name)
{
	size_t i;

	for (i = 0; i < DOMDEV_NELEM(domdev_vif_opts); i++)
		if (strcmp(name, domdev_vif_opts[i].name) == 0)
			return &domdev_vif_opts[i];
	return NULL;
}

static int
domdev_vif_unknown(struct cfgfile *f, int i, const char *key)
{
	char *known = cfgfile_names(domdev_vif_opts,
	    DOMDEV_NELEM(domdev_vif_opts), sizeof(domdev_vif_opts[0]));

	diags_add(f->d, DIAG_ERROR, f->path, cfgfile_item_line(f, "vif", i), 0,
	    "vif %d: unsupported setting \"%s\" (kurad supports: %s)", i + 1,
	    key, known);
	free(known);
	return -1;
}

/* One "key=value" of vif item i (its spaces trimmed). */
static int
domdev_vif_setting(struct cfgfile *f, int i, char *kv, libxl_device_nic *nic)
{
	int line = cfgfile_item_line(f, "vif", i);
	const struct domdev_vif_opt *o;
	char *v = strchr(kv, '='), **s;

	if (v != NULL)
		*v++ = '\0';
	o = domdev_vif_opt(kv);
	if (o == NULL)
		return domdev_vif_unknown(f, i, kv);
	if (v == NULL || *v == '\0' ||
	    (o->parse != NULL && o->parse(nic, v) == -1)) {
		diags_add(f->d, DIAG_ERROR, f->path, line, 0,
		    "vif %d: bad %s \"%s\"%s", i + 1, o->name, v ? v : "",
		    o->want);
		return -1;
	}
	if (o->parse != NULL)
		return 0;
	s = (char **)((char *)nic + o->off);
	free(*s);
	*s = xstrdup(v);
	return 0;
}

static int
domdev_vif(struct cfgfile *f, int i, const char *spec, libxl_device_nic *nic)
{
	char *buf = xstrdup(spec), *save = NULL, *kv, *end;
	int rc = 0;

	for (kv = strtok_r(buf, ",", &save); kv != NULL;
	     kv = strtok_r(NULL, ",", &save)) {
		kv += strspn(kv, " \t");
		end = kv + strlen(kv);
		while (end > kv && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*kv != '\0' && domdev_vif_setting(f, i, kv, nic) == -1)
			rc = -1;
	}
	free(buf);
	return rc;
}

int
domdev_vifs(struct cfgfile *f, libxl_domain_config *c)
{
	XLU_ConfigList *list = NULL;
	const char *spec;
	int i, n, rc = 0;

	if (cfgfile_list(f, "vif", &list, &n) == -1)
		return -1;
	if (n > 0)
		c->nics = xcalloc((size_t)n, sizeof(*c->nics));
	for (i = 0; i < n; i++) {
		libxl_device_nic_init(&c->nics[c->num_nics++]);
		c->nics[i].devid = i; /* as xl */
		if (cfgfile_list_item(f, "vif", list, i, &spec) == -1 ||
		    domdev_vif(f, i, spec, &c->nics[i]) == -1)
			rc = -1;
	}
	return rc;
}
