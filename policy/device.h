/*
 * Device descriptors: what kura knows of a device when it decides.
 * probe.c fills them from sysfs, kurad from udev, tests from JSON or from
 * a one-line spec (see device_parse_spec).
 */
#ifndef KURA_DEVICE_H
#define KURA_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define DEVICE_MAX_IFACES 32
#define DEVICE_STR_MAX 128

enum device_bus {
	DEVICE_BUS_USB = 0,
	DEVICE_BUS_PCI,
	DEVICE_BUS_BLOCK, /* a block device on no USB bus: SATA optical drives
			   */
	DEVICE_BUS__COUNT,
};

enum device_kind {
	DEVICE_KIND_USB_STORAGE = 0,
	DEVICE_KIND_OPTICAL,
	DEVICE_KIND_HID,
	DEVICE_KIND_AUDIO,
	DEVICE_KIND_VIDEO,
	DEVICE_KIND_SMARTCARD,
	DEVICE_KIND_PRINTER,
	DEVICE_KIND_NETWORK,
	DEVICE_KIND_WIRELESS,
	DEVICE_KIND_HUB,
	DEVICE_KIND_OTHER,
	DEVICE_KIND__COUNT,
};

/* Class, subclass, protocol packed as cc << 16 | ss << 8 | pp. */
#define DEVICE_TRIPLE(c, s, p)                                                 \
	((uint32_t)(c) << 16 | (uint32_t)(s) << 8 | (uint32_t)(p))

struct device {
	enum device_bus bus;
	char id[DEVICE_STR_MAX]; /* stable name: "usb:1-2.3",
				    "pci:0000:00:03.0", "block:sr0" */
	uint16_t vid, pid;       /* USB idVendor:idProduct, PCI vendor:device */
	uint32_t dev_class;      /* USB bDeviceClass triple, or PCI class */
	char serial[DEVICE_STR_MAX];
	char name[DEVICE_STR_MAX];        /* product / model string */
	char port[DEVICE_STR_MAX];        /* USB port path "1-2.3", or "" */
	char pci_address[DEVICE_STR_MAX]; /* "0000:00:03.0", or "" */
	size_t nifaces;
	uint32_t ifaces[DEVICE_MAX_IFACES]; /* USB interface triples */
	int optical; /* a SCSI/ATA device of type CD/DVD sits behind it */
	/* Derived by device_classify(): the kind of each interface, and
	 * the set of kinds of the whole device. */
	uint8_t iface_kind[DEVICE_MAX_IFACES];
	uint32_t kinds;
	int composite; /* interfaces of two or more kinds */
};

/* device.c */
void device_classify(struct device *d);
enum device_kind device_usb_iface_kind(uint32_t triple, int optical);
enum device_kind device_pci_kind(uint32_t pci_class);
const char *device_kind_name(enum device_kind k);
int device_kind_parse(const char *s, enum device_kind *out);
const char *device_bus_name(enum device_bus b);
int device_bus_parse(const char *s, enum device_bus *out);

/* JSON form (what `kura-policy probe --json` prints):
 *   {"bus": "usb", "id": "usb:1-2", "vid": "0781", "pid": "5567",
 *    "class": "00:00:00", "serial": "...", "name": "...", "port": "1-2",
 *    "pci-address": "", "interfaces": ["08:06:50"], "optical": false}
 * Returns 0, or -1 with a message in err. */
int device_from_json(json_t *j, struct device *d, char *err, size_t errlen);
json_t *device_to_json(const struct device *d);

/* One-line spec, for tests and the command line:
 *   "usb id=0781:5567 iface=08:06:50 serial=AB12 port=1-2 name='Cruzer'"
 *   "pci id=8086:a0ed class=0c:03:30 address=0000:00:14.0"
 *   "block name='QEMU DVD-ROM' optical"
 * Returns 0, or -1 with a message in err. */
int device_parse_spec(const char *spec, struct device *d, char *err,
    size_t errlen);
/* A short description for tables and logs: "usb 0781:5567 usb-storage". */
void device_describe(const struct device *d, char *buf, size_t len);

#endif
