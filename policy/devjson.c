/*
 * devjson.c: the written forms of a device descriptor: JSON (probe --json,
 * test fixtures) and the one-line spec used on command lines and in case
 * tables ("usb id=0781:5567 iface=08:06:50 serial=AB12").
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"

static int devjson_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
devjson_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Exactly `digits` hex digits. */
static int
devjson_hex(const char *s, int digits, uint32_t *out)
{
	char *end;
	unsigned long v;

	if ((int)strlen(s) != digits || !isxdigit((unsigned char)s[0]))
		return -1;
	v = strtoul(s, &end, 16);
	if (*end != '\0')
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* "cc:ss:pp" -> packed triple. */
static int
devjson_triple(const char *s, uint32_t *out)
{
	char a[3], b[3], c[3];
	uint32_t x, y, z;

	if (strlen(s) != 8 || s[2] != ':' || s[5] != ':')
		return -1;
	memcpy(a, s, 2);
	memcpy(b, s + 3, 2);
	memcpy(c, s + 6, 2);
	a[2] = b[2] = c[2] = '\0';
	if (devjson_hex(a, 2, &x) || devjson_hex(b, 2, &y) ||
	    devjson_hex(c, 2, &z))
		return -1;
	*out = DEVICE_TRIPLE(x, y, z);
	return 0;
}

static int
devjson_copy(char *dst, const char *src)
{
	if (strlen(src) >= DEVICE_STR_MAX)
		return -1;
	strcpy(dst, src);
	return 0;
}

/* "vvvv:pppp" -> vid, pid. */
static int
devjson_vidpid(const char *s, struct device *d)
{
	char v[5], p[5];
	uint32_t x, y;

	if (strlen(s) != 9 || s[4] != ':')
		return -1;
	memcpy(v, s, 4);
	memcpy(p, s + 5, 4);
	v[4] = p[4] = '\0';
	if (devjson_hex(v, 4, &x) || devjson_hex(p, 4, &y))
		return -1;
	d->vid = (uint16_t)x;
	d->pid = (uint16_t)y;
	return 0;
}

/* The string fields, by the name they have in specs and JSON. */
static char *
devjson_strfield(struct device *d, const char *key)
{
	if (strcmp(key, "serial") == 0)
		return d->serial;
	if (strcmp(key, "name") == 0)
		return d->name;
	if (strcmp(key, "port") == 0)
		return d->port;
	if (strcmp(key, "address") == 0 || strcmp(key, "pci-address") == 0)
		return d->pci_address;
	if (strcmp(key, "devid") == 0)
		return d->id;
	return NULL;
}

static int
devjson_iface(struct device *d, const char *val, char *err, size_t errlen)
{
	uint32_t v;

	if (d->nifaces == DEVICE_MAX_IFACES)
		return devjson_fail(err, errlen, "more than %d interfaces",
		    DEVICE_MAX_IFACES);
	if (devjson_triple(val, &v) == -1)
		return devjson_fail(err, errlen,
		    "iface: expected cc:ss:pp in hex, got \"%s\"", val);
	d->ifaces[d->nifaces++] = v;
	return 0;
}

/* One "key=value" of a spec. */
static int
devjson_field(struct device *d, const char *key, const char *val, char *err,
    size_t errlen)
{
	char *str = devjson_strfield(d, key);

	if (str != NULL) {
		if (devjson_copy(str, val) == -1)
			return devjson_fail(err, errlen, "%s: longer than %d",
			    key, DEVICE_STR_MAX - 1);
		return 0;
	}
	if (strcmp(key, "id") == 0) {
		if (devjson_vidpid(val, d) == -1)
			return devjson_fail(err, errlen,
			    "id: expected VID:PID, 4 hex digits each, got "
			    "\"%s\"",
			    val);
		return 0;
	}
	if (strcmp(key, "class") == 0) {
		if (devjson_triple(val, &d->dev_class) == -1)
			return devjson_fail(err, errlen,
			    "class: expected cc:ss:pp in hex, got \"%s\"", val);
		return 0;
	}
	if (strcmp(key, "iface") == 0)
		return devjson_iface(d, val, err, errlen);
	return devjson_fail(err, errlen,
	    "unknown field \"%s\" (expected id, class, iface, serial, name, "
	    "port, address, devid or optical)",
	    key);
}

/* A stable id when the spec gave none. */
static void
devjson_default_id(struct device *d)
{
	if (d->id[0] != '\0')
		return;
	if (d->bus == DEVICE_BUS_USB && d->port[0] != '\0')
		snprintf(d->id, sizeof(d->id), "usb:%.120s", d->port);
	else if (d->bus == DEVICE_BUS_PCI && d->pci_address[0] != '\0')
		snprintf(d->id, sizeof(d->id), "pci:%.100s", d->pci_address);
	else
		snprintf(d->id, sizeof(d->id), "%s:%04x:%04x",
		    device_bus_name(d->bus), d->vid, d->pid);
}

/* Next word of a spec: bare, or quoted with ' or " (no escapes). */
static const char *
devjson_word(const char *p, char *buf, size_t len, int *bad)
{
	size_t n = 0;
	char q = 0;

	*bad = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p != '\0' && (q || (*p != ' ' && *p != '\t'))) {
		if (*p == '\'' || *p == '"') {
			if (q == 0)
				q = *p;
			else if (q == *p)
				q = 0;
			else if (n + 1 < len)
				buf[n++] = *p;
		} else if (n + 1 < len) {
			buf[n++] = *p;
		} else {
			*bad = 1;
		}
		p++;
	}
	if (q)
		*bad = 1;
	buf[n] = '\0';
	return p;
}

int
device_parse_spec(const char *spec, struct device *d, char *err, size_t errlen)
{
	char word[2 * DEVICE_STR_MAX], *eq;
	const char *p;
	int bad;

	memset(d, 0, sizeof(*d));
	p = devjson_word(spec, word, sizeof(word), &bad);
	if (bad || device_bus_parse(word, &d->bus) == -1)
		return devjson_fail(err, errlen,
		    "device spec must start with usb, pci or block, got "
		    "\"%s\"",
		    word);
	for (;;) {
		p = devjson_word(p, word, sizeof(word), &bad);
		if (bad)
			return devjson_fail(err, errlen,
			    "unterminated quote or over-long word in \"%s\"",
			    spec);
		if (word[0] == '\0')
			break;
		if (strcmp(word, "optical") == 0) {
			d->optical = 1;
			continue;
		}
		eq = strchr(word, '=');
		if (eq == NULL)
			return devjson_fail(err, errlen,
			    "expected key=value, got \"%s\"", word);
		*eq = '\0';
		if (devjson_field(d, word, eq + 1, err, errlen) == -1)
			return -1;
	}
	devjson_default_id(d);
	device_classify(d);
	return 0;
}

/* JSON members that are strings map onto the spec's fields. */
static int
devjson_member(struct device *d, const char *key, json_t *v, char *err,
    size_t errlen)
{
	char vidpid[16];
	size_t i;
	json_t *x;

	if (strcmp(key, "optical") == 0) {
		if (!json_is_boolean(v))
			return devjson_fail(err, errlen,
			    "optical: expected true or false");
		d->optical = json_is_true(v);
		return 0;
	}
	if (strcmp(key, "interfaces") == 0) {
		if (!json_is_array(v))
			return devjson_fail(err, errlen,
			    "interfaces: expected an array of \"cc:ss:pp\"");
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x) ||
			    devjson_iface(d, json_string_value(x), err,
				errlen) == -1)
				return devjson_fail(err, errlen,
				    "interfaces[%zu]: expected \"cc:ss:pp\"",
				    i);
		}
		return 0;
	}
	if (!json_is_string(v))
		return devjson_fail(err, errlen, "%s: expected a string", key);
	if (strcmp(key, "bus") == 0) {
		if (device_bus_parse(json_string_value(v), &d->bus) == -1)
			return devjson_fail(err, errlen,
			    "bus: expected usb, pci or block");
		return 0;
	}
	if (strcmp(key, "vid") == 0 || strcmp(key, "pid") == 0) {
		/* Reuse the VID:PID parser on a half-filled pair. */
		if (key[0] == 'v')
			snprintf(vidpid, sizeof(vidpid), "%.4s:%04x",
			    json_string_value(v), d->pid);
		else
			snprintf(vidpid, sizeof(vidpid), "%04x:%.4s", d->vid,
			    json_string_value(v));
		if (strlen(json_string_value(v)) != 4 ||
		    devjson_vidpid(vidpid, d) == -1)
			return devjson_fail(err, errlen,
			    "%s: expected 4 hex digits", key);
		return 0;
	}
	return devjson_field(d, strcmp(key, "id") == 0 ? "devid" : key,
	    json_string_value(v), err, errlen);
}

int
device_from_json(json_t *j, struct device *d, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(j))
		return devjson_fail(err, errlen, "a device must be an object");
	json_object_foreach(j, key, v)
	{
		if (devjson_member(d, key, v, err, errlen) == -1)
			return -1;
	}
	devjson_default_id(d);
	device_classify(d);
	return 0;
}

static void
devjson_triple_str(uint32_t t, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x", (t >> 16) & 0xff, (t >> 8) & 0xff,
	    t & 0xff);
}

json_t *
device_to_json(const struct device *d)
{
	char cls[16], vid[8], pid[8], iface[16];
	json_t *ifs = json_array();
	size_t i;

	for (i = 0; i < d->nifaces; i++) {
		devjson_triple_str(d->ifaces[i], iface, sizeof(iface));
		json_array_append_new(ifs, json_string(iface));
	}
	devjson_triple_str(d->dev_class, cls, sizeof(cls));
	snprintf(vid, sizeof(vid), "%04x", d->vid);
	snprintf(pid, sizeof(pid), "%04x", d->pid);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, "
			 "s:b}",
	    "bus", device_bus_name(d->bus), "id", d->id, "vid", vid, "pid", pid,
	    "class", cls, "serial", d->serial, "name", d->name, "port", d->port,
	    "pci-address", d->pci_address, "interfaces", ifs, "optical",
	    d->optical);
}

void
device_describe(const struct device *d, char *buf, size_t len)
{
	size_t n;
	int k;

	n = (size_t)snprintf(buf, len, "%s %04x:%04x", device_bus_name(d->bus),
	    d->vid, d->pid);
	for (k = 0; k < DEVICE_KIND__COUNT && n < len; k++) {
		if (d->kinds & (1u << k))
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n && buf[n - 1] != ' ' ? " " : "",
			    device_kind_name((enum device_kind)k));
	}
	if (d->name[0] != '\0' && n < len)
		snprintf(buf + n, len - n, " \"%s\"", d->name);
}
