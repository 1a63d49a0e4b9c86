/*
 * optical: removable media in dom0's drives, as kurad follows them.  The
 * kernel reports a medium change (a "change" uevent) only for drives it
 * polls, and Debian's default is not to poll (block.events_dfl_poll_msecs
 * is 0; udisks would ask, and dom0 runs none), so kurad asks for each
 * drive it gives to the client VM.
 */
#ifndef KURA_OPTICAL_H
#define KURA_OPTICAL_H

#define OPTICAL_POLL_MS 1000

/* The disk (sysfs block name) has a medium: its size is not zero. */
int optical_has_medium(const char *disk);
/* Has the kernel poll the drive for medium changes, if it can tell. */
void optical_watch(const char *disk);

#endif
