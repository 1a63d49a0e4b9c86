/* store.c: a chunk store in a local directory (see store.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chunkobj.h"
#include "file.h"
#include "manifest.h"
#include "store.h"
#include "xalloc.h"

static int
store_mkdirs(int dirfd, const char *rel)
{
	char *p = xstrdup(rel), *s;
	int rc = 0;

	for (s = strchr(p, '/'); rc == 0; s = strchr(s + 1, '/')) {
		if (s != NULL)
			*s = '\0';
		if (mkdirat(dirfd, p, 0755) == -1 && errno != EEXIST)
			rc = -errno;
		if (s == NULL)
			break;
		*s = '/';
	}
	free(p);
	return rc;
}

/* Nothing but "." and "..": a store may be made there. */
static int
store_dir_empty(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int empty = 1;

	while (d != NULL && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			empty = 0;
	if (d != NULL)
		closedir(d);
	return empty;
}

/* A new store in a new or empty directory; an existing directory that is
 * not a store is never turned into one. */
static int
store_create(const char *dir, char *err, size_t errlen)
{
	char *mark = NULL;
	int rc = 0;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	xasprintf(&mark, "%s/%s", dir, STORE_MARK);
	if (access(mark, F_OK) == 0)
		goto out;
	if (!store_dir_empty(dir)) {
		snprintf(err, errlen,
		    "%s: not a kura store, and not empty: "
		    "refusing to make a store there",
		    dir);
		free(mark);
		return -1;
	}
	rc = file_write_atomic(mark, STORE_MARK_LINE, strlen(STORE_MARK_LINE),
	    0644);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", mark, strerror(-rc));
out:
	free(mark);
	return rc == 0 ? 0 : -1;
}

int
store_open(const char *dir, int create, struct store *st, char *err,
    size_t errlen)
{
	char buf[32] = "";
	int fd;
	ssize_t n;

	st->dir = NULL;
	st->dirfd = -1;
	if (create && store_create(dir, err, errlen) == -1)
		return -1;
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	fd = openat(st->dirfd, STORE_MARK, O_RDONLY | O_CLOEXEC);
	n = fd == -1 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd != -1)
		close(fd);
	if (n < 0 || strncmp(buf, STORE_MARK_LINE, strlen(STORE_MARK_LINE))) {
		snprintf(err, errlen,
		    "%s: not a kura store (no \"%s\" file "
		    "saying \"kura-store 1\")",
		    dir, STORE_MARK);
		store_close(st);
		return -1;
	}
	st->dir = xstrdup(dir);
	return 0;
}

void
store_close(struct store *st)
{
	if (st->dirfd != -1)
		close(st->dirfd);
	free(st->dir);
	st->dir = NULL;
	st->dirfd = -1;
}

int64_t
store_size(struct store *st, const unsigned char *id)
{
	char rel[CHUNKOBJ_PATH_LEN];
	struct stat sb;

	chunkobj_path(id, rel);
	return fstatat(st->dirfd, rel, &sb, 0) == 0 ? (int64_t)sb.st_size : -1;
}

/* Temporary name, then rename: a reader never sees half an object, and
 * two writers of the same object both succeed. */
static int
store_put_file(struct store *st, const char *rel, const void *buf, size_t len,
    int excl)
{
	char *tmp = NULL;
	int fd = -1, rc;

	/* Unique per thread: create writes objects from several. */
	xasprintf(&tmp, "%s.tmp.%ld", rel, (long)gettid());
	fd = openat(st->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644);
	if (fd == -1 && errno == ENOENT) {
		*strrchr(tmp, '/') = '\0';
		if ((rc = store_mkdirs(st->dirfd, tmp)) != 0)
			goto out;
		*strchr(tmp, '\0') = '/';
		fd = openat(st->dirfd, tmp,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd == -1) {
		rc = -errno;
		goto out;
	}
	if ((rc = file_write_all(fd, buf, len)) != 0)
		goto out;
	if (excl) {
		/* linkat fails if the name exists: versions are immutable. */
		rc = fsync(fd) == -1 ? -errno : 0;
		if (rc == 0 && linkat(st->dirfd, tmp, st->dirfd, rel, 0) == -1)
			rc = -errno;
	} else if (renameat(st->dirfd, tmp, st->dirfd, rel) == -1)
		rc = -errno;
out:
	if (fd != -1)
		close(fd);
	unlinkat(st->dirfd, tmp, 0);
	free(tmp);
	return rc;
}

int
store_put(struct store *st, const unsigned char *id, const void *obj,
    size_t len)
{
	char rel[CHUNKOBJ_PATH_LEN];

	chunkobj_path(id, rel);
	return store_put_file(st, rel, obj, len, 0);
}

int
store_read(struct store *st, const char *rel, size_t max, unsigned char **buf,
    size_t *len)
{
	char *path;
	int rc;

	xasprintf(&path, "%s/%s", st->dir, rel);
	rc = file_read_all(path, max, buf, len);
	free(path);
	return rc;
}

int
store_get(struct store *st, const unsigned char *id, unsigned char **buf,
    size_t *len)
{
	char rel[CHUNKOBJ_PATH_LEN];

	chunkobj_path(id, rel);
	return store_read(st, rel, 64 * 1024 * 1024, buf, len);
}

int
store_pread(struct store *st, const unsigned char *id, void *buf, size_t len,
    uint64_t off)
{
	char rel[CHUNKOBJ_PATH_LEN];
	int fd, rc;

	chunkobj_path(id, rel);
	if ((fd = openat(st->dirfd, rel, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	rc = file_pread_all(fd, buf, len, (off_t)off);
	close(fd);
	return rc;
}

int
store_put_manifest(struct store *st, const char *name, int64_t version,
    const void *buf, size_t len)
{
	char *rel = manifest_path(name, version), *dir = NULL;
	int rc;

	rc = store_put_file(st, rel, buf, len, 1);
	if (rc == 0) {
		xasprintf(&dir, "%s/%s", st->dir, rel);
		rc = file_sync_dir(dir);
	}
	free(dir);
	free(rel);
	return rc;
}

int
store_sync(struct store *st)
{
	return syncfs(st->dirfd) == -1 ? -errno : 0;
}

static int
store_cmp_version(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* "<digits>.kim", nothing else. */
static int
store_version_name(const char *s, int64_t *v)
{
	char *end;

	if (s[0] < '1' || s[0] > '9')
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno == 0 && strcmp(end, ".kim") == 0 ? 0 : -1;
}

int
store_versions(struct store *st, const char *name, int64_t **v, size_t *n)
{
	char *rel = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int fd, rc = 0;
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	xasprintf(&rel, "images/%s", name);
	fd = openat(st->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		rc = errno == ENOENT ? 0 : -errno;
		if (fd != -1)
			close(fd);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		int64_t x;

		if (store_version_name(de->d_name, &x) == -1)
			continue;
		if (*n == cap)
			*v = xreallocarray(*v, cap = cap ? 2 * cap : 16,
			    sizeof(**v));
		(*v)[(*n)++] = x;
	}
	closedir(d);
	qsort(*v, *n, sizeof(**v), store_cmp_version);
out:
	free(rel);
	return rc;
}

static int
store_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
store_names(struct store *st, char ***names, size_t *n)
{
	struct dirent *de;
	DIR *d = NULL;
	int fd;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	fd = openat(st->dirfd, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return errno == ENOENT ? 0 : -errno;
	}
	while ((de = readdir(d)) != NULL) {
		if (!manifest_name_ok(de->d_name))
			continue;
		if (*n == cap)
			*names = xreallocarray(*names, cap = cap ? 2 * cap : 16,
			    sizeof(**names));
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(*names, *n, sizeof(**names), store_cmp_name);
	return 0;
}
