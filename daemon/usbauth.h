/*
 * usbauth: the kernel's USB authorization, which is how kurad keeps dom0
 * from ever binding a driver to a device the policy denies.  kurad makes
 * "not authorized" the default for every bus (the usbcore parameter, for
 * buses that appear later, and each root hub's authorized_default), and
 * then authorizes only what the policy allows.  A device that is not
 * authorized gets no configuration, so no interface driver (usb-storage,
 * usbhid, ...) ever sees it.
 *
 * kurad never restores the default: if it dies, the door stays shut.
 */
#ifndef KURA_USBAUTH_H
#define KURA_USBAUTH_H

/* root is the directory holding "sys" ("/" for the live system). */
int usbauth_lockdown(const char *root);
/* A root hub that appeared (a USB host controller's driver was loaded
 * after kurad started): its default, in case it was registered before
 * the usbcore parameter was set. */
int usbauth_lockdown_hub(const char *dir);
/* Authorizes (1) or de-authorizes (0) the USB device at sysfs dir;
 * de-authorizing unbinds every driver from it. */
int usbauth_set(const char *dir, int authorized);
/* 1 if the device at dir is authorized, 0 if not, -1 if unknown. */
int usbauth_get(const char *dir);

#endif
