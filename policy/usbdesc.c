/* usbdesc.c: parsing a USB device's raw descriptors (see usbdesc.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "usbdesc.h"

#define USB_DT_DEVICE 1
#define USB_DT_CONFIG 2
#define USB_DT_INTERFACE 4
#define USB_DEVICE_LEN 18
#define USB_CONFIG_LEN 9
#define USB_INTERFACE_LEN 9

static int
usbdesc_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static unsigned
usbdesc_u16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* One interface descriptor at p: added if it is alternate setting 0 and
 * its number is new (a device may repeat one). */
static int
usbdesc_iface(const unsigned char *p, struct device *d, unsigned char *nums,
    char *err, size_t errlen)
{
	size_t i, at;

	if (p[3] != 0)
		return 0;
	for (i = 0; i < d->nifaces; i++)
		if (nums[i] == p[2])
			return 0;
	if (d->nifaces == DEVICE_MAX_IFACES)
		return usbdesc_err(err, errlen, "more than %d interfaces",
		    DEVICE_MAX_IFACES);
	/* Keep interface-number order, as sysfs lists them. */
	for (at = d->nifaces; at > 0 && nums[at - 1] > p[2]; at--) {
		nums[at] = nums[at - 1];
		d->ifaces[at] = d->ifaces[at - 1];
	}
	nums[at] = p[2];
	d->ifaces[at] = DEVICE_TRIPLE(p[5], p[6], p[7]);
	d->nifaces++;
	return 0;
}

/* The first configuration: its total length bounds the walk. */
static int
usbdesc_config(const unsigned char *p, size_t len, struct device *d, char *err,
    size_t errlen)
{
	unsigned char nums[DEVICE_MAX_IFACES];
	size_t total, off, dl;

	if (len < USB_CONFIG_LEN || p[0] < USB_CONFIG_LEN ||
	    p[1] != USB_DT_CONFIG)
		return usbdesc_err(err, errlen, "no configuration descriptor");
	total = usbdesc_u16(p + 2);
	if (total < p[0] || total > len)
		return usbdesc_err(err, errlen,
		    "configuration length %zu, but %zu bytes", total, len);
	for (off = p[0]; off < total; off += dl) {
		dl = p[off];
		if (dl < 2 || off + dl > total)
			return usbdesc_err(err, errlen,
			    "bad descriptor length %zu at byte %zu", dl,
			    USB_DEVICE_LEN + off);
		if (p[off + 1] != USB_DT_INTERFACE)
			continue;
		if (dl < USB_INTERFACE_LEN)
			return usbdesc_err(err, errlen,
			    "short interface descriptor at byte %zu",
			    USB_DEVICE_LEN + off);
		if (usbdesc_iface(p + off, d, nums, err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
usbdesc_parse(const unsigned char *buf, size_t len, struct device *d, char *err,
    size_t errlen)
{
	if (len < USB_DEVICE_LEN || buf[0] < USB_DEVICE_LEN ||
	    buf[1] != USB_DT_DEVICE)
		return usbdesc_err(err, errlen, "no device descriptor");
	d->vid = (uint16_t)usbdesc_u16(buf + 8);
	d->pid = (uint16_t)usbdesc_u16(buf + 10);
	d->dev_class = DEVICE_TRIPLE(buf[4], buf[5], buf[6]);
	d->nifaces = 0;
	/* sysfs puts the configurations right after the 18 bytes. */
	return usbdesc_config(buf + USB_DEVICE_LEN, len - USB_DEVICE_LEN, d,
	    err, errlen);
}
