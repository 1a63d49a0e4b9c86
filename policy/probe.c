/*
 * probe.c: device discovery from a sysfs tree.
 *
 * The tree may be the live /sys or a copy captured elsewhere (tests, the
 * Xen tier), so nothing here trusts an absolute path: every symlink that
 * is followed is resolved with realpath() and must stay inside ROOT/sys,
 * and below a resolved directory only real subdirectories (lstat) and
 * regular attribute files (O_NOFOLLOW) are entered.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device.h"
#include "probe.h"
#include "usbdesc.h"
#include "xalloc.h"

/* sysfs attributes are at most a page; the ones read here are tiny. */
#define PROBE_ATTR_MAX 4096
/* A device's raw descriptors: the kernel caps each configuration at 64 KiB,
 * but real devices send a few hundred bytes. */
#define PROBE_DESC_MAX 16384

struct probe_ctx {
	char sys[PATH_MAX]; /* realpath of ROOT/sys */
	size_t syslen;
	struct device *devs;
	size_t ndevs, capdevs;
	char **usbdirs; /* real directories of the USB devices found */
	size_t nusbdirs;
	char *err;
	size_t errlen;
};

/* One interface directory of a USB device, before sorting. */
struct probe_iface {
	unsigned long num;
	char name[NAME_MAX + 1];
};

/* A list of directory entry names, sorted. */
struct probe_names {
	char **v;
	size_t n;
};

static int probe_err(struct probe_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int probe_path(struct probe_ctx *c, char *buf, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
probe_err(struct probe_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Formats a path into buf (PATH_MAX bytes); a truncated path is an error,
 * never a shorter path that might name something else. */
static int
probe_path(struct probe_ctx *c, char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		return probe_err(c, "path too long under %s", c->sys);
	return 0;
}

/* Resolves path into out (PATH_MAX bytes), which must lie inside ROOT/sys:
 * a captured tree with an absolute or escaping link is refused. */
static int
probe_resolve(struct probe_ctx *c, const char *path, char *out)
{
	if (realpath(path, out) == NULL)
		return probe_err(c, "%s: %s", path, strerror(errno));
	if (strncmp(out, c->sys, c->syslen) != 0 ||
	    (out[c->syslen] != '/' && out[c->syslen] != '\0'))
		return probe_err(c, "%s: resolves to %s, outside %s", path, out,
		    c->sys);
	return 0;
}

static int
probe_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
probe_names_free(struct probe_names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Lists dir (sorted, without dot entries) so that callers can recurse
 * without holding directory streams open.  Returns 0, 1 if dir does not
 * exist, or -1. */
static int
probe_list(struct probe_ctx *c, const char *dir, struct probe_names *l)
{
	DIR *d;
	struct dirent *e;

	l->v = NULL;
	l->n = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 1;
		return probe_err(c, "%s: %s", dir, strerror(errno));
	}
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
		l->v[l->n++] = xstrdup(e->d_name);
		errno = 0;
	}
	if (errno != 0) {
		probe_err(c, "%s: %s", dir, strerror(errno));
		closedir(d);
		probe_names_free(l);
		return -1;
	}
	closedir(d);
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), probe_name_cmp);
	return 0;
}

/* Is dir/name a directory itself (not a link to one)? */
static int
probe_is_subdir(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	int n;

	n = snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(p))
		return 0;
	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Reads all of fd (path) into buf, NUL-terminated; its length (binary
 * attributes may hold NULs) in *len_r if len_r is not NULL. */
static int
probe_read_fd(struct probe_ctx *c, int fd, const char *path, char *buf,
    size_t size, size_t *len_r)
{
	size_t len = 0;
	ssize_t r;
	char extra;

	while ((r = read(fd, buf + len, size - 1 - len)) > 0)
		if ((len += (size_t)r) == size - 1)
			break;
	if (r == -1)
		return probe_err(c, "%s: %s", path, strerror(errno));
	if (len == size - 1 && read(fd, &extra, 1) > 0)
		return probe_err(c, "%s: longer than %zu bytes", path,
		    size - 1);
	buf[len] = '\0';
	if (len_r != NULL)
		*len_r = len;
	return 0;
}

/* Reads the attribute dir/attr into buf (NUL-terminated).  Returns 0, 1
 * if it does not exist, or -1 (unreadable, too large, not a regular
 * file: a symlink or a FIFO in a copied tree). */
static int
probe_read_len(struct probe_ctx *c, const char *dir, const char *attr,
    char *buf, size_t size, size_t *len_r)
{
	char path[PATH_MAX];
	struct stat st;
	int fd = -1, rc = -1;

	if (probe_path(c, path, "%s/%s", dir, attr) == -1)
		return -1;
	/* O_NONBLOCK: a FIFO must not hang the probe before fstat sees it. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		return probe_err(c, "%s: %s", path,
		    errno == ELOOP ? "a symlink" : strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		probe_err(c, "%s: not a regular file", path);
		goto out;
	}
	rc = probe_read_fd(c, fd, path, buf, size, len_r);
out:
	close(fd);
	return rc;
}

static int
probe_read(struct probe_ctx *c, const char *dir, const char *attr, char *buf,
    size_t size)
{
	return probe_read_len(c, dir, attr, buf, size, NULL);
}

/* Strips trailing whitespace (sysfs's newline, SCSI's space padding). */
static void
probe_rtrim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 &&
	    (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' ||
		s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Copies src into a DEVICE_STR_MAX field, cutting long strings (USB
 * string descriptors reach 254 bytes of UTF-8) at a character boundary. */
static void
probe_copy_str(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n >= DEVICE_STR_MAX) {
		n = DEVICE_STR_MAX - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* An optional string attribute: missing means empty. */
static int
probe_read_str(struct probe_ctx *c, const char *dir, const char *attr,
    char *out)
{
	char buf[PROBE_ATTR_MAX + 1];
	int r;

	out[0] = '\0';
	if ((r = probe_read(c, dir, attr, buf, sizeof(buf))) != 0)
		return r == 1 ? 0 : -1;
	probe_rtrim(buf);
	probe_copy_str(out, buf);
	return 0;
}

/* Parses exactly [0x]hex{1,maxdigits}[\n] as the kernel prints it. */
static int
probe_parse_hex(const char *s, int prefix, size_t maxdigits, uint32_t *out)
{
	uint32_t v = 0;
	size_t n = 0;

	if (prefix && (s[0] != '0' || s[1] != 'x'))
		return -1;
	s += prefix ? 2 : 0;
	for (; s[n] != '\0' && s[n] != '\n'; n++) {
		int ch = s[n], dv;

		if (ch >= '0' && ch <= '9')
			dv = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			dv = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			dv = ch - 'A' + 10;
		else
			return -1;
		if (n >= maxdigits)
			return -1;
		v = v << 4 | (uint32_t)dv;
	}
	if (n == 0 || (s[n] == '\n' && s[n + 1] != '\0'))
		return -1;
	*out = v;
	return 0;
}

/* A required hex attribute: missing or malformed is an error naming the
 * file, since a captured tree must reproduce the machine exactly. */
static int
probe_read_hex(struct probe_ctx *c, const char *dir, const char *attr,
    int prefix, size_t maxdigits, uint32_t *out)
{
	char buf[64];
	int r;

	if ((r = probe_read(c, dir, attr, buf, sizeof(buf))) == -1)
		return -1;
	if (r == 1)
		return probe_err(c, "%s/%s: missing", dir, attr);
	if (probe_parse_hex(buf, prefix, maxdigits, out) == -1)
		return probe_err(c, "%s/%s: not a %zu-digit hex number", dir,
		    attr, maxdigits);
	return 0;
}

/* Three 2-digit hex attributes PREFIXClass, PREFIXSubClass,
 * PREFIXProtocol packed as a DEVICE_TRIPLE. */
static int
probe_read_triple(struct probe_ctx *c, const char *dir, const char *prefix,
    uint32_t *out)
{
	static const char *const sfx[3] = { "Class", "SubClass", "Protocol" };
	char attr[64];
	uint32_t v[3];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(attr, sizeof(attr), "%s%s", prefix, sfx[i]);
		if (probe_read_hex(c, dir, attr, 0, 2, &v[i]) == -1)
			return -1;
	}
	*out = DEVICE_TRIPLE(v[0], v[1], v[2]);
	return 0;
}

/* Decimal SCSI peripheral type from DIR/type; 5 is a CD/DVD drive.
 * Returns 1 if optical, 0 if not (or no type file), -1 on error. */
static int
probe_scsi_type_optical(struct probe_ctx *c, const char *dir)
{
	char buf[64], *end;
	long t;
	int r;

	if ((r = probe_read(c, dir, "type", buf, sizeof(buf))) != 0)
		return r == 1 ? 0 : -1;
	errno = 0;
	t = strtol(buf, &end, 10);
	if (end == buf || errno != 0 || t < 0 || t > 0x1f ||
	    (*end != '\0' && strcmp(end, "\n") != 0))
		return probe_err(c, "%s/type: not a SCSI device type", dir);
	return t == 5;
}

static size_t
probe_count(const char *s, char ch)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == ch;
	return n;
}

/* Does any entry of dir named PREFIX* (or, if prefix is NULL, with three
 * colons: a SCSI LUN h:c:t:l) that is a real directory satisfy fn? */
static int
probe_any_subdir(struct probe_ctx *c, const char *dir, const char *prefix,
    int (*fn)(struct probe_ctx *, const char *))
{
	struct probe_names l;
	char sub[PATH_MAX];
	size_t i;
	int r;

	if ((r = probe_list(c, dir, &l)) != 0)
		return r == 1 ? 0 : -1;
	for (i = 0, r = 0; i < l.n && r == 0; i++) {
		const char *nm = l.v[i];

		if (prefix != NULL ? strncmp(nm, prefix, strlen(prefix)) != 0
				   : probe_count(nm, ':') != 3)
			continue;
		if (!probe_is_subdir(dir, nm))
			continue;
		if ((r = probe_path(c, sub, "%s/%s", dir, nm)) == 0)
			r = fn(c, sub);
	}
	probe_names_free(&l);
	return r;
}

static int
probe_target_optical(struct probe_ctx *c, const char *dir)
{
	return probe_any_subdir(c, dir, NULL, probe_scsi_type_optical);
}

static int
probe_host_optical(struct probe_ctx *c, const char *dir)
{
	return probe_any_subdir(c, dir, "target", probe_target_optical);
}

/* A USB interface is optical if a CD/DVD LUN hangs below it, as
 * IFACE/hostH/targetH:C:T/H:C:T:L with type 5 (usb-storage and uas). */
static int
probe_iface_optical(struct probe_ctx *c, const char *ifdir)
{
	return probe_any_subdir(c, ifdir, "host", probe_host_optical);
}

/* Skips the decimal digits at s; NULL if there are none. */
static const char *
probe_skip_digits(const char *s)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	return p == s ? NULL : p;
}

/* Parses "PREFIX:C.I" (both decimal) into the interface number I. */
static int
probe_iface_num(const char *name, const char *prefix, unsigned long *num)
{
	size_t pl = strlen(prefix);
	const char *p;

	if (strncmp(name, prefix, pl) != 0 || name[pl] != ':')
		return -1;
	if ((p = probe_skip_digits(name + pl + 1)) == NULL || *p != '.')
		return -1;
	if ((p = probe_skip_digits(p + 1)) == NULL || *p != '\0')
		return -1;
	*num = strtoul(strchr(name + pl + 1, '.') + 1, NULL, 10);
	return 0;
}

static int
probe_iface_cmp(const void *a, const void *b)
{
	const struct probe_iface *x = a, *y = b;

	return (x->num > y->num) - (x->num < y->num);
}

/* The interface directories of the USB device at dir.  They are named
 * after the device ("1-1:1.0"), except a root hub's: usb1 -> "1-0:1.0". */
static int
probe_usb_iface_list(struct probe_ctx *c, const char *dir, const char *name,
    struct probe_iface **ifs_r, size_t *n_r)
{
	struct probe_names l;
	struct probe_iface *ifs = NULL;
	char prefix[NAME_MAX + 8];
	size_t i, n = 0;
	unsigned long num;
	int r;

	if (strncmp(name, "usb", 3) == 0)
		snprintf(prefix, sizeof(prefix), "%s-0", name + 3);
	else
		snprintf(prefix, sizeof(prefix), "%s", name);
	if ((r = probe_list(c, dir, &l)) != 0)
		return r == 1 ? probe_err(c, "%s: vanished", dir) : -1;
	for (i = 0; i < l.n; i++) {
		if (probe_iface_num(l.v[i], prefix, &num) == -1 ||
		    !probe_is_subdir(dir, l.v[i]))
			continue;
		ifs = xreallocarray(ifs, n + 1, sizeof(*ifs));
		ifs[n].num = num;
		snprintf(ifs[n].name, sizeof(ifs[n].name), "%s", l.v[i]);
		n++;
	}
	probe_names_free(&l);
	if (n > 0)
		qsort(ifs, n, sizeof(*ifs), probe_iface_cmp);
	*ifs_r = ifs;
	*n_r = n;
	return 0;
}

/* A device the kernel has not configured (not authorized: kurad keeps
 * devices so until the policy allows them) has no interface directories;
 * its raw descriptors still say what its interfaces are.  Returns 0 with
 * d->ifaces filled, 1 if the device is configured, or -1. */
static int
probe_usb_unconfigured(struct probe_ctx *c, const char *dir, struct device *d)
{
	unsigned char buf[PROBE_DESC_MAX];
	char conf[16], err[128];
	size_t len;
	int r;

	r = probe_read(c, dir, "bConfigurationValue", conf, sizeof(conf));
	if (r != 0)
		return r;
	probe_rtrim(conf);
	if (conf[0] != '\0')
		return 1;
	r = probe_read_len(c, dir, "descriptors", (char *)buf, sizeof(buf),
	    &len);
	if (r != 0)
		return r == 1
		    ? probe_err(c, "%s: unconfigured, no descriptors", dir)
		    : -1;
	if (usbdesc_parse(buf, len, d, err, sizeof(err)) == -1)
		return probe_err(c, "%s/descriptors: %s", dir, err);
	return 0;
}

/* Fills d->ifaces (in interface-number order) and d->optical.  More
 * interfaces than a descriptor holds is an error: describing a device
 * partially could hide the very interface a policy is about. */
static int
probe_usb_ifaces(struct probe_ctx *c, const char *dir, struct device *d)
{
	struct probe_iface *ifs = NULL;
	char ifdir[PATH_MAX];
	size_t i, n = 0;
	int r, rc = -1;

	if (probe_usb_iface_list(c, dir, d->port, &ifs, &n) == -1)
		goto out;
	if (n == 0) {
		rc = probe_usb_unconfigured(c, dir, d) == -1 ? -1 : 0;
		goto out;
	}
	if (n > DEVICE_MAX_IFACES) {
		probe_err(c, "%s: %zu interfaces, more than %d", dir, n,
		    DEVICE_MAX_IFACES);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (probe_path(c, ifdir, "%s/%s", dir, ifs[i].name) == -1)
			goto out;
		r = probe_read_triple(c, ifdir, "bInterface", &d->ifaces[i]);
		if (r == -1 || (r = probe_iface_optical(c, ifdir)) == -1)
			goto out;
		d->optical |= r;
	}
	d->nifaces = n;
	rc = 0;
out:
	free(ifs);
	return rc;
}

static struct device *
probe_new_device(struct probe_ctx *c, enum device_bus bus)
{
	struct device *d;

	if (c->ndevs == c->capdevs) {
		c->capdevs = c->capdevs ? c->capdevs * 2 : 16;
		c->devs = xreallocarray(c->devs, c->capdevs, sizeof(*c->devs));
	}
	d = &c->devs[c->ndevs++];
	memset(d, 0, sizeof(*d));
	d->bus = bus;
	return d;
}

/* One USB device (not an interface) at its real directory dir. */
static int
probe_usb_device(struct probe_ctx *c, const char *name, const char *dir)
{
	struct device *d = probe_new_device(c, DEVICE_BUS_USB);
	uint32_t vid, pid;

	snprintf(d->id, sizeof(d->id), "usb:%s", name);
	snprintf(d->port, sizeof(d->port), "%s", name);
	if (probe_read_hex(c, dir, "idVendor", 0, 4, &vid) == -1 ||
	    probe_read_hex(c, dir, "idProduct", 0, 4, &pid) == -1 ||
	    probe_read_triple(c, dir, "bDevice", &d->dev_class) == -1 ||
	    probe_read_str(c, dir, "serial", d->serial) == -1 ||
	    probe_read_str(c, dir, "product", d->name) == -1 ||
	    probe_usb_ifaces(c, dir, d) == -1)
		return -1;
	d->vid = (uint16_t)vid;
	d->pid = (uint16_t)pid;
	c->usbdirs =
	    xreallocarray(c->usbdirs, c->nusbdirs + 1, sizeof(*c->usbdirs));
	c->usbdirs[c->nusbdirs++] = xstrdup(dir);
	return 0;
}

/* Names are checked before use in ids: sysfs never makes them long. */
static int
probe_check_name(struct probe_ctx *c, const char *dir, const char *name)
{
	if (strlen(name) + sizeof("block:") > DEVICE_STR_MAX)
		return probe_err(c, "%s/%s: name too long", dir, name);
	return 0;
}

/* bus/usb/devices holds devices ("1-1.2", "usb1") and their interfaces
 * ("1-1.2:1.0"); interfaces are read from their device's directory. */
static int
probe_usb_want(const char *name)
{
	return strchr(name, ':') == NULL;
}

static int
probe_pci_device(struct probe_ctx *c, const char *name, const char *dir)
{
	struct device *d = probe_new_device(c, DEVICE_BUS_PCI);
	uint32_t vid, pid;

	snprintf(d->id, sizeof(d->id), "pci:%s", name);
	snprintf(d->pci_address, sizeof(d->pci_address), "%s", name);
	if (probe_read_hex(c, dir, "vendor", 1, 4, &vid) == -1 ||
	    probe_read_hex(c, dir, "device", 1, 4, &pid) == -1 ||
	    probe_read_hex(c, dir, "class", 1, 6, &d->dev_class) == -1)
		return -1;
	d->vid = (uint16_t)vid;
	d->pid = (uint16_t)pid;
	return 0;
}

/* Calls fn for each entry of ROOT/sys/SUB that want accepts (NULL: all;
 * a missing SUB is no error), with its name and resolved real directory. */
static int
probe_each(struct probe_ctx *c, const char *sub, int (*want)(const char *),
    int (*fn)(struct probe_ctx *, const char *, const char *))
{
	struct probe_names l;
	char dir[PATH_MAX], link[PATH_MAX], real[PATH_MAX];
	size_t i;
	int r;

	if (probe_path(c, dir, "%s/%s", c->sys, sub) == -1)
		return -1;
	if ((r = probe_list(c, dir, &l)) != 0)
		return r == 1 ? 0 : -1;
	for (i = 0, r = 0; i < l.n && r == 0; i++) {
		if (want != NULL && !want(l.v[i]))
			continue;
		if ((r = probe_check_name(c, dir, l.v[i])) == 0 &&
		    (r = probe_path(c, link, "%s/%s", dir, l.v[i])) == 0 &&
		    (r = probe_resolve(c, link, real)) == 0)
			r = fn(c, l.v[i], real);
	}
	probe_names_free(&l);
	return r;
}

/* Is path at or below the directory of a USB device already found? */
static int
probe_under_usb(const struct probe_ctx *c, const char *path)
{
	size_t i, n;

	for (i = 0; i < c->nusbdirs; i++) {
		n = strlen(c->usbdirs[i]);
		if (strncmp(path, c->usbdirs[i], n) == 0 &&
		    (path[n] == '/' || path[n] == '\0'))
			return 1;
	}
	return 0;
}

/* "vendor model" of the SCSI device at dir, without SCSI's padding. */
static int
probe_block_name(struct probe_ctx *c, const char *dir, struct device *d)
{
	char vendor[DEVICE_STR_MAX], model[DEVICE_STR_MAX];
	char buf[2 * DEVICE_STR_MAX];

	if (probe_read_str(c, dir, "vendor", vendor) == -1 ||
	    probe_read_str(c, dir, "model", model) == -1)
		return -1;
	snprintf(buf, sizeof(buf), "%s%s%s", vendor,
	    vendor[0] && model[0] ? " " : "", model);
	probe_copy_str(d->name, buf);
	return 0;
}

/* Resolves the "device" link of the block directory real into devdir if
 * it is a SCSI device (named H:C:T:L).  Other devices have a "type" of
 * their own meaning (MMC cards say "SD"), so they are not asked.
 * Returns 1 if SCSI, 0 if not, -1 on error. */
static int
probe_block_scsi(struct probe_ctx *c, const char *real, char *devdir)
{
	char link[PATH_MAX];
	const char *base;
	struct stat st;

	if (probe_path(c, link, "%s/device", real) == -1)
		return -1;
	/* lstat, so that a dangling link in a captured tree is an error. */
	if (lstat(link, &st) == -1)
		return 0;
	if (probe_resolve(c, link, devdir) == -1)
		return -1;
	base = strrchr(devdir, '/');
	return base != NULL && probe_count(base + 1, ':') == 3;
}

/* One block/NAME entry resolved to real: reported if it is an optical
 * drive that USB does not already account for. */
static int
probe_block_device(struct probe_ctx *c, const char *name, const char *real)
{
	char devdir[PATH_MAX];
	struct device *d;
	int optical = 0, scsi;

	if (probe_under_usb(c, real))
		return 0;
	if ((scsi = probe_block_scsi(c, real, devdir)) == -1 ||
	    (scsi && (optical = probe_scsi_type_optical(c, devdir)) == -1))
		return -1;
	if (!optical && strncmp(name, "sr", 2) != 0)
		return 0;
	d = probe_new_device(c, DEVICE_BUS_BLOCK);
	snprintf(d->id, sizeof(d->id), "block:%s", name);
	d->optical = 1;
	return scsi ? probe_block_name(c, devdir, d) : 0;
}

static int
probe_dev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct device *)a)->id,
	    ((const struct device *)b)->id);
}

static int
probe_open_root(struct probe_ctx *c, const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	if (probe_path(c, path, "%s/sys", root) == -1)
		return -1;
	if (realpath(path, c->sys) == NULL || stat(c->sys, &st) == -1 ||
	    !S_ISDIR(st.st_mode))
		return probe_err(c, "no sysfs under %s", root);
	c->syslen = strlen(c->sys);
	/* "/" as ROOT/sys would make the prefix check meaningless. */
	if (c->syslen == 1)
		return probe_err(c, "no sysfs under %s", root);
	return 0;
}

static void
probe_ctx_init(struct probe_ctx *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->err = err;
	c->errlen = errlen;
}

static void
probe_ctx_free(struct probe_ctx *c)
{
	size_t i;

	free(c->devs);
	for (i = 0; i < c->nusbdirs; i++)
		free(c->usbdirs[i]);
	free(c->usbdirs);
}

int
probe_sysfs(const char *root, struct device **devs_r, size_t *n_r, char *err,
    size_t errlen)
{
	struct probe_ctx c;
	size_t i;
	int rc = -1;

	probe_ctx_init(&c, err, errlen);
	*devs_r = NULL;
	*n_r = 0;
	/* USB first: block devices below a USB device are left to it. */
	if (probe_open_root(&c, root) == -1 ||
	    probe_each(&c, "bus/usb/devices", probe_usb_want,
		probe_usb_device) == -1 ||
	    probe_each(&c, "bus/pci/devices", NULL, probe_pci_device) == -1 ||
	    probe_each(&c, "block", NULL, probe_block_device) == -1)
		goto out;
	for (i = 0; i < c.ndevs; i++)
		device_classify(&c.devs[i]);
	if (c.ndevs > 0)
		qsort(c.devs, c.ndevs, sizeof(*c.devs), probe_dev_cmp);
	*devs_r = c.devs;
	*n_r = c.ndevs;
	c.devs = NULL;
	rc = 0;
out:
	probe_ctx_free(&c);
	return rc;
}

int
probe_usb_one(const char *root, const char *dir, struct device *d, char *err,
    size_t errlen)
{
	struct probe_ctx c;
	const char *name = strrchr(dir, '/');
	int rc = -1;

	probe_ctx_init(&c, err, errlen);
	if (name == NULL || name[1] == '\0') {
		probe_err(&c, "%s: not a device directory", dir);
		goto out;
	}
	name++;
	if (probe_open_root(&c, root) == -1 ||
	    probe_check_name(&c, dir, name) == -1 ||
	    probe_usb_device(&c, name, dir) == -1)
		goto out;
	*d = c.devs[0];
	device_classify(d);
	rc = 0;
out:
	probe_ctx_free(&c);
	return rc;
}

/* A USB device (which has bDeviceClass) above real: the disk is that
 * device's, and decided with it. */
static int
probe_usb_ancestor(const struct probe_ctx *c, const char *real)
{
	char dir[PATH_MAX], file[PATH_MAX + 16], *slash;

	snprintf(dir, sizeof(dir), "%s", real);
	while ((slash = strrchr(dir, '/')) != NULL &&
	    (size_t)(slash - dir) > c->syslen) {
		*slash = '\0';
		snprintf(file, sizeof(file), "%s/bDeviceClass", dir);
		if (access(file, F_OK) == 0)
			return 1;
	}
	return 0;
}

int
probe_block_one(const char *root, const char *name, struct device *d, char *err,
    size_t errlen)
{
	struct probe_ctx c;
	char path[PATH_MAX], real[PATH_MAX];
	int rc = -1;

	probe_ctx_init(&c, err, errlen);
	if (strchr(name, '/') != NULL || name[0] == '.') {
		probe_err(&c, "%s: not a block device name", name);
		goto out;
	}
	if (probe_open_root(&c, root) == -1 ||
	    probe_check_name(&c, "block", name) == -1 ||
	    probe_path(&c, path, "%s/block/%s", c.sys, name) == -1 ||
	    probe_resolve(&c, path, real) == -1)
		goto out;
	if (probe_usb_ancestor(&c, real)) {
		rc = 0;
		goto out;
	}
	if (probe_block_device(&c, name, real) == -1)
		goto out;
	rc = c.ndevs == 1;
	if (rc == 1) {
		*d = c.devs[0];
		device_classify(d);
	}
out:
	probe_ctx_free(&c);
	return rc;
}
