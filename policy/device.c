/* device.c: device descriptors, their kinds, JSON and one-line forms. */
#include "config.h"

#include <string.h>

#include "device.h"

static const char *const device_kind_names[DEVICE_KIND__COUNT] = {
	[DEVICE_KIND_USB_STORAGE] = "usb-storage",
	[DEVICE_KIND_OPTICAL] = "optical",
	[DEVICE_KIND_HID] = "hid",
	[DEVICE_KIND_AUDIO] = "audio",
	[DEVICE_KIND_VIDEO] = "video",
	[DEVICE_KIND_SMARTCARD] = "smartcard",
	[DEVICE_KIND_PRINTER] = "printer",
	[DEVICE_KIND_NETWORK] = "network",
	[DEVICE_KIND_WIRELESS] = "wireless",
	[DEVICE_KIND_HUB] = "hub",
	[DEVICE_KIND_OTHER] = "other",
};

static const char *const device_bus_names[DEVICE_BUS__COUNT] = {
	[DEVICE_BUS_USB] = "usb",
	[DEVICE_BUS_PCI] = "pci",
	[DEVICE_BUS_BLOCK] = "block",
};

const char *
device_kind_name(enum device_kind k)
{
	return (unsigned)k < DEVICE_KIND__COUNT ? device_kind_names[k] : "?";
}

int
device_kind_parse(const char *s, enum device_kind *out)
{
	int k;

	for (k = 0; k < DEVICE_KIND__COUNT; k++) {
		if (strcmp(s, device_kind_names[k]) == 0) {
			*out = (enum device_kind)k;
			return 0;
		}
	}
	return -1;
}

const char *
device_bus_name(enum device_bus b)
{
	return (unsigned)b < DEVICE_BUS__COUNT ? device_bus_names[b] : "?";
}

int
device_bus_parse(const char *s, enum device_bus *out)
{
	int b;

	for (b = 0; b < DEVICE_BUS__COUNT; b++) {
		if (strcmp(s, device_bus_names[b]) == 0) {
			*out = (enum device_bus)b;
			return 0;
		}
	}
	return -1;
}

/* USB interface class -> kind (usb.org defined class codes). */
enum device_kind
device_usb_iface_kind(uint32_t triple, int optical)
{
	switch (triple >> 16) {
	case 0x01:
		return DEVICE_KIND_AUDIO;
	case 0x02:
	case 0x0a:
		return DEVICE_KIND_NETWORK;
	case 0x03:
		return DEVICE_KIND_HID;
	case 0x06:
	case 0x0e:
	case 0x10:
		return DEVICE_KIND_VIDEO;
	case 0x07:
		return DEVICE_KIND_PRINTER;
	case 0x08:
		return optical ? DEVICE_KIND_OPTICAL : DEVICE_KIND_USB_STORAGE;
	case 0x09:
		return DEVICE_KIND_HUB;
	case 0x0b:
		return DEVICE_KIND_SMARTCARD;
	case 0xe0:
		return DEVICE_KIND_WIRELESS;
	default:
		return DEVICE_KIND_OTHER;
	}
}

/* PCI class -> kind: the few classes a laptop policy talks about. */
enum device_kind
device_pci_kind(uint32_t pci_class)
{
	switch (pci_class >> 16) {
	case 0x02:
		return (pci_class >> 8) == 0x0280 ? DEVICE_KIND_WIRELESS
						  : DEVICE_KIND_NETWORK;
	case 0x04:
		return (pci_class >> 8) == 0x0400 ? DEVICE_KIND_VIDEO
						  : DEVICE_KIND_AUDIO;
	case 0x09:
		return DEVICE_KIND_HID;
	case 0x0d:
		return DEVICE_KIND_WIRELESS;
	default:
		return DEVICE_KIND_OTHER;
	}
}

/* The device class decides when there are no interfaces to look at (a
 * USB device not yet configured) and for hubs, whose class is on the
 * device. */
static uint32_t
device_usb_kinds(struct device *d)
{
	uint32_t kinds = 0;
	size_t i;

	for (i = 0; i < d->nifaces; i++) {
		d->iface_kind[i] =
		    (uint8_t)device_usb_iface_kind(d->ifaces[i], d->optical);
		kinds |= 1u << d->iface_kind[i];
	}
	if ((d->dev_class >> 16) == 0x09)
		kinds |= 1u << DEVICE_KIND_HUB;
	else if (d->nifaces == 0 && (d->dev_class >> 16) != 0)
		kinds |= 1u << device_usb_iface_kind(d->dev_class, d->optical);
	return kinds;
}

void
device_classify(struct device *d)
{
	switch (d->bus) {
	case DEVICE_BUS_USB:
		d->kinds = device_usb_kinds(d);
		break;
	case DEVICE_BUS_PCI:
		d->kinds = 1u << device_pci_kind(d->dev_class);
		break;
	case DEVICE_BUS_BLOCK:
	default:
		d->kinds = 1u
		    << (d->optical ? DEVICE_KIND_OPTICAL : DEVICE_KIND_OTHER);
		break;
	}
	if (d->kinds == 0)
		d->kinds = 1u << DEVICE_KIND_OTHER;
	d->composite = __builtin_popcount(d->kinds) > 1;
}
