/*
 * asmsetup.c: around the chunks of an assemble run (see assemble.h): the
 * manifest and rollback checks, the lock, the files and their journal,
 * the seeds, and the durable install and switch at the end.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "asmctx.h"
#include "asminstall.h"
#include "file.h"
#include "xalloc.h"

int64_t
asmctx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Makes what was written durable, then records it. */
int
asmctx_checkpoint(struct asmctx *a)
{
	int rc;

	if (fdatasync(a->img_fd) == -1 || fdatasync(a->blk_fd) == -1)
		rc = -errno;
	else
		rc = asmflush_error(a->flush);
	if (rc != 0) {
		asmctx_fail(a, "%s: fdatasync: %s", a->img_part, strerror(-rc));
		return -1;
	}
	if ((rc = asmjournal_sync(&a->j)) != 0) {
		asmctx_fail(a, "%s: %s", a->jnl, strerror(-rc));
		return -1;
	}
	a->since_sync = 0;
	a->synced_ms = asmctx_now_ms();
	return 0;
}

void
asmctx_fail(struct asmctx *a, const char *fmt, ...)
{
	va_list ap;

	if (a->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(a->err, sizeof(a->err), fmt, ap);
	va_end(ap);
	a->failed = 1;
	objget_abort(a->g);
}

static void
asmsetup_got_manifest(void *arg, int status, const void *buf, size_t len,
    const char *msg)
{
	struct asmctx *a = arg;

	if (status != 0) {
		asmctx_fail(a, "%s: %s", a->o->manifest,
		    status == -ENOENT ? "no such version in the store" : msg);
		return;
	}
	a->mbuf = xmalloc(len + 1);
	memcpy(a->mbuf, buf, len);
	a->mlen = len;
}

/* A file, or NAME:VERSION fetched from the store. */
int
asmsetup_load_manifest(struct asmctx *a)
{
	const char *spec = a->o->manifest, *colon = strchr(spec, ':');
	char *name = NULL, *rel = NULL, why[512];
	int rc;

	if (colon == NULL || strchr(spec, '/') != NULL) {
		rc = file_read_all(spec, MANIFEST_MAX_FILE, &a->mbuf, &a->mlen);
		if (rc != 0)
			asmctx_fail(a, "%s: %s", spec, strerror(-rc));
	} else {
		name = strndup(spec, (size_t)(colon - spec));
		if (name == NULL || !manifest_name_ok(name) ||
		    atoll(colon + 1) < 1) {
			asmctx_fail(a, "%s: expected a file or NAME:VERSION",
			    spec);
			goto out;
		}
		rel = manifest_path(name, atoll(colon + 1));
		objget_queue(a->g, rel, 0, 0, MANIFEST_MAX_FILE,
		    asmsetup_got_manifest, a);
		if (objget_run(a->g, why, sizeof(why)) == -1 && !a->failed)
			asmctx_fail(a, "%s", why);
	}
	if (!a->failed &&
	    manifest_parse(a->mbuf, a->mlen, a->o->pub, &a->m, why,
		sizeof(why)) == -1)
		asmctx_fail(a, "manifest %s: %s", spec, why);
out:
	free(name);
	free(rel);
	return a->failed ? -1 : 0;
}

/* Rollback protection: never older than the current version, and the
 * same version only with the same content. */
int
asmsetup_check_installed(struct asmctx *a)
{
	int64_t cur = asminstall_current(a->o->into);
	struct manifest im;
	char *path, why[512];
	int rc = -1;

	if (cur == -1) {
		asmctx_fail(a, "%s/current is not a link to <version>.img",
		    a->o->into);
		return -1;
	}
	a->r->installed = cur;
	if (cur == 0)
		return 0;
	path = asminstall_path(a->o->into, cur, ".kim");
	if (manifest_load(path, a->o->pub, &im, why, sizeof(why)) == -1)
		asmctx_fail(a, "the installed version: %s", why);
	else if (strcmp(im.name, a->m.name) != 0)
		asmctx_fail(a, "%s holds image %s, not %s", a->o->into, im.name,
		    a->m.name);
	else if (a->m.version < cur)
		asmctx_fail(a,
		    "version %lld is older than the installed version "
		    "%lld",
		    (long long)a->m.version, (long long)cur);
	else if (a->m.version == cur &&
	    memcmp(im.root, a->m.root, CHUNK_HASH) != 0)
		asmctx_fail(a, "version %lld is installed with other content",
		    (long long)cur);
	else {
		a->r->already = a->m.version == cur;
		rc = 0;
	}
	manifest_free(&im);
	free(path);
	return rc;
}

static int
asmsetup_open_part(struct asmctx *a, const char *path, uint64_t size, int fresh)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd == -1 ||
	    (fresh &&
		(ftruncate(fd, 0) == -1 || ftruncate(fd, (off_t)size) == -1))) {
		asmctx_fail(a, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* Another assemble into the same directory would interleave its writes
 * with ours. */
int
asmsetup_lock(struct asmctx *a)
{
	char *path;

	if (mkdir(a->o->into, 0755) == -1 && errno != EEXIST) {
		asmctx_fail(a, "%s: %s", a->o->into, strerror(errno));
		return -1;
	}
	xasprintf(&path, "%s/.lock", a->o->into);
	a->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (a->lock_fd == -1 || flock(a->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		asmctx_fail(a, "%s: %s", a->o->into,
		    errno == EWOULDBLOCK ? "another assemble is running there"
					 : strerror(errno));
		return -1;
	}
	return 0;
}

/* A run that was stopped after its files were in place but before the
 * switch: the version is complete, only "current" is left to do. */
int
asmsetup_committed(struct asmctx *a)
{
	char *img = asminstall_path(a->o->into, a->m.version, ".img");
	char *kim = asminstall_path(a->o->into, a->m.version, ".kim");
	struct manifest im;
	char why[256];
	int done = 0;

	if (access(a->img_part, F_OK) == -1 && access(img, F_OK) == 0 &&
	    manifest_load(kim, a->o->pub, &im, why, sizeof(why)) == 0) {
		done = memcmp(im.root, a->m.root, CHUNK_HASH) == 0;
		manifest_free(&im);
	}
	free(img);
	free(kim);
	return done;
}

int
asmsetup_open_files(struct asmctx *a)
{
	uint64_t nb = (a->m.size + CHUNK_BLOCK - 1) / CHUNK_BLOCK;
	int valid, fresh, rc;

	fresh =
	    access(a->img_part, F_OK) == -1 || access(a->blk_part, F_OK) == -1;
	if ((rc = asmjournal_open(&a->j, a->jnl, a->m.root, a->m.n, &valid))) {
		asmctx_fail(a, "%s: %s", a->jnl, strerror(-rc));
		return -1;
	}
	fresh = fresh || !valid;
	a->resumed = !fresh;
	a->r->resumed = !fresh;
	if ((a->img_fd = asmsetup_open_part(a, a->img_part, a->m.size,
		 fresh)) == -1 ||
	    (a->blk_fd = asmsetup_open_part(a, a->blk_part, nb * CHUNK_HASH,
		 fresh)) == -1)
		return -1;
	if (!fresh) {
		for (size_t i = 0; i < a->m.n; i++)
			if (asmjournal_done(&a->j, i))
				a->r->resumed_bytes += a->m.e[i].length;
		return 0;
	}
	/* New, empty files first, durable; then the journal that speaks of
	 * them. */
	if (fdatasync(a->img_fd) == -1 || fdatasync(a->blk_fd) == -1 ||
	    (rc = asmjournal_reset(&a->j, a->m.root)) != 0) {
		asmctx_fail(a, "%s: %s", a->jnl, strerror(rc ? -rc : errno));
		return -1;
	}
	return 0;
}

int
asmsetup_seeds(struct asmctx *a)
{
	char *img = NULL, *blk = NULL;
	int i, rc = 0;

	asmsrc_init(&a->src, &a->m.chunking, &a->hs);
	if (a->r->installed > 0) {
		img = asminstall_path(a->o->into, a->r->installed, ".img");
		blk = asminstall_path(a->o->into, a->r->installed, ".blocks");
		rc = asmsrc_add(&a->src, img, blk, a->err, sizeof(a->err));
	}
	for (i = 0; rc == 0 && i < a->o->nseeds; i++)
		rc = asmsrc_add(&a->src, a->o->seeds[i], NULL, a->err,
		    sizeof(a->err));
	a->have_seeds = a->src.n > 0;
	if (rc == 0 &&
	    (a->self = asmsrc_add_self(&a->src, a->img_fd, a->img_part)) < 0)
		rc = -1;
	a->failed = rc != 0;
	free(img);
	free(blk);
	return rc;
}

/* The root over the block hashes written, each of which was checked
 * against the signed chain when its block was written. */
int
asmsetup_verify_root(struct asmctx *a)
{
	uint64_t nb = (a->m.size + CHUNK_BLOCK - 1) / CHUNK_BLOCK, k, n;
	unsigned char *buf = xmalloc(4096 * CHUNK_HASH), root[CHUNK_HASH];
	struct chunk_digest d;
	int rc = 0;

	chunk_digest_begin(&d, &a->hs);
	for (k = 0; k < nb && rc == 0; k += n) {
		n = nb - k < 4096 ? nb - k : 4096;
		rc = file_pread_all(a->blk_fd, buf, n * CHUNK_HASH,
		    (off_t)(k * CHUNK_HASH));
		chunk_digest_add(&d, buf, n * CHUNK_HASH);
	}
	chunk_digest_end(&d, root);
	free(buf);
	if (rc != 0 || memcmp(root, a->m.root, CHUNK_HASH) != 0) {
		asmctx_fail(a,
		    "%s: the image does not hash to the manifest's "
		    "root%s",
		    a->img_part, rc ? " (unreadable)" : "");
		return -1;
	}
	return 0;
}

/* The version is current: a journal left by a power cut right after the
 * switch (its unlink was not yet durable) goes now. */
int
asmsetup_tidy(struct asmctx *a)
{
	if (unlink(a->jnl) == -1 && errno != ENOENT) {
		asmctx_fail(a, "%s: %s", a->jnl, strerror(errno));
		return -1;
	}
	return 0;
}

/* "current" names the new version; its journal has served. */
int
asmsetup_switch(struct asmctx *a)
{
	int rc = asminstall_switch(a->o->into, a->m.version);

	if (rc == 0 && unlink(a->jnl) == -1 && errno != ENOENT)
		rc = -errno;
	if (rc != 0)
		asmctx_fail(a, "%s: switching to version %lld: %s", a->o->into,
		    (long long)a->m.version, strerror(-rc));
	return rc == 0 ? 0 : -1;
}

/* Durable first, then in place, then current: a crash at any point
 * leaves either the old version current or the new one complete. */
int
asmsetup_finish(struct asmctx *a)
{
	char *kim = asminstall_path(a->o->into, a->m.version, ".kim");
	int rc;

	if (fsync(a->img_fd) == -1 || fsync(a->blk_fd) == -1)
		rc = -errno;
	else if ((rc = file_write_atomic(kim, a->mbuf, a->mlen, 0644)) == 0)
		rc = asminstall_commit(a->o->into, a->m.version);
	if (rc != 0)
		asmctx_fail(a, "%s: installing: %s", a->o->into, strerror(-rc));
	free(kim);
	return rc == 0 ? asmsetup_switch(a) : -1;
}
