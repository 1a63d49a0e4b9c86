/* asminstall.c: the install directory (see asminstall.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asminstall.h"
#include "xalloc.h"

char *
asminstall_path(const char *into, int64_t v, const char *suffix)
{
	char *p;

	xasprintf(&p, "%s/%lld%s", into, (long long)v, suffix);
	return p;
}

int64_t
asminstall_current(const char *into)
{
	char *link, target[64], *end;
	ssize_t n;
	long long v;

	xasprintf(&link, "%s/current", into);
	n = readlink(link, target, sizeof(target) - 1);
	free(link);
	if (n == -1)
		return errno == ENOENT ? 0 : -1;
	target[n] = '\0';
	v = strtoll(target, &end, 10);
	return v >= 1 && strcmp(end, ".img") == 0 ? v : -1;
}

static int
asminstall_sync_dir(const char *into)
{
	int fd = open(into, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd == -1 || fsync(fd) == -1)
		rc = -errno;
	if (fd != -1)
		close(fd);
	return rc;
}

int
asminstall_switch(const char *into, int64_t v)
{
	char target[32], *tmp, *cur;
	int rc = 0;

	snprintf(target, sizeof(target), "%lld.img", (long long)v);
	xasprintf(&tmp, "%s/current.new", into);
	xasprintf(&cur, "%s/current", into);
	unlink(tmp);
	if (symlink(target, tmp) == -1 || rename(tmp, cur) == -1)
		rc = -errno;
	if (rc == 0)
		rc = asminstall_sync_dir(into);
	else
		unlink(tmp);
	free(tmp);
	free(cur);
	return rc;
}

int
asminstall_commit(const char *into, int64_t v)
{
	char *ip = asminstall_path(into, v, ".img.part");
	char *i = asminstall_path(into, v, ".img");
	char *bp = asminstall_path(into, v, ".blocks.part");
	char *b = asminstall_path(into, v, ".blocks");
	int rc = 0;

	/* The hashes first: an image without them is still a good seed (it
	 * is hashed), hashes without their image are ignored. */
	if (rename(bp, b) == -1 || rename(ip, i) == -1)
		rc = -errno;
	if (rc == 0)
		rc = asminstall_sync_dir(into);
	free(ip);
	free(i);
	free(bp);
	free(b);
	return rc;
}
