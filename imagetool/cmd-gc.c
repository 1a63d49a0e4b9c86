/*
 * cmd-gc.c: kura-image gc: drops versions beyond the newest N of each
 * image (with --keep), then every chunk object no remaining manifest
 * names.  Objects younger than --grace are left alone, because a create
 * running beside gc writes its objects before its manifest.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blkindex.h"
#include "chunkobj.h"
#include "cli.h"
#include "imgcmd.h"
#include "kura-image.h"
#include "manifest.h"
#include "store.h"
#include "xalloc.h"

struct gc {
	struct store st;
	struct blkindex live;
	int64_t keep;
	time_t cutoff;
	size_t versions_dropped, objects_dropped, objects_kept;
	uint64_t bytes_freed;
	char err[512];
};

static int
gc_mark_version(struct gc *g, const char *name, int64_t v)
{
	char *rel = manifest_path(name, v), *path = NULL;
	struct manifest m;
	size_t i;
	int rc;

	xasprintf(&path, "%s/%s", g->st.dir, rel);
	rc = manifest_load(path, NULL, &m, g->err, sizeof(g->err));
	for (i = 0; rc == 0 && i < m.n; i++)
		if (m.e[i].kind == CHUNK_DATA)
			blkindex_add(&g->live, m.e[i].id, 1);
	manifest_free(&m);
	free(rel);
	free(path);
	return rc;
}

/* The versions of one image: the oldest beyond --keep go, the rest mark
 * their chunks live. */
static int
gc_image(struct gc *g, const char *name)
{
	int64_t *v = NULL;
	size_t n = 0, i;
	char *rel;
	int rc = 0;

	if (store_versions(&g->st, name, &v, &n) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (g->keep > 0 && n - i > (size_t)g->keep) {
			rel = manifest_path(name, v[i]);
			if (unlinkat(g->st.dirfd, rel, 0) == 0)
				g->versions_dropped++;
			free(rel);
			continue;
		}
		rc = gc_mark_version(g, name, v[i]);
	}
	free(v);
	return rc;
}

static int
gc_hex_id(const char *name, unsigned char *id)
{
	unsigned int byte;
	size_t i;

	if (strlen(name) != 2 * CHUNK_HASH + 4 ||
	    strcmp(name + 2 * CHUNK_HASH, ".kch") != 0)
		return -1;
	for (i = 0; i < CHUNK_HASH; i++) {
		if (sscanf(name + 2 * i, "%2x", &byte) != 1)
			return -1;
		id[i] = (unsigned char)byte;
	}
	return 0;
}

static void
gc_sweep_dir(struct gc *g, int dfd)
{
	unsigned char id[CHUNK_HASH];
	struct dirent *de;
	struct stat sb;
	DIR *d = fdopendir(dfd);

	while (d != NULL && (de = readdir(d)) != NULL) {
		int obj = gc_hex_id(de->d_name, id) == 0;

		if (de->d_name[0] == '.' ||
		    fstatat(dfd, de->d_name, &sb, 0) == -1 ||
		    sb.st_mtime > g->cutoff ||
		    (obj && blkindex_find(&g->live, id) != BLKINDEX_NONE) ||
		    (!obj && strstr(de->d_name, ".tmp.") == NULL)) {
			g->objects_kept += obj;
			continue;
		}
		if (unlinkat(dfd, de->d_name, 0) == 0) {
			g->objects_dropped += obj;
			g->bytes_freed += (uint64_t)sb.st_size;
		}
	}
	if (d != NULL)
		closedir(d);
	else
		close(dfd);
}

static void
gc_sweep(struct gc *g)
{
	char sub[16];
	int i, dfd;

	for (i = 0; i < 256; i++) {
		snprintf(sub, sizeof(sub), "chunks/%02x", i);
		dfd = openat(g->st.dirfd, sub,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd != -1)
			gc_sweep_dir(g, dfd);
	}
}

static int
gc_run(struct gc *g)
{
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (store_names(&g->st, &names, &n) != 0) {
		snprintf(g->err, sizeof(g->err), "%s: cannot list images",
		    g->st.dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && gc_image(g, names[i]) == -1)
			rc = -1;
		free(names[i]);
	}
	free(names);
	/* Nothing is swept unless every manifest was read: a chunk of an
	 * unreadable manifest is still in use. */
	if (rc == 0)
		gc_sweep(g);
	return rc;
}

int
imgcmd_gc(int argc, char **argv)
{
	static const char usage[] =
	    "gc --store DIR [--keep N] [--grace SECONDS]";
	struct gc g = { .st = { NULL, -1 } };
	struct imgopts o;
	char a[32];
	int rc = CLI_EXIT_FAIL;

	if (imgopts_parse(argc, argv, &o, usage, 0, 0) < 0)
		return CLI_EXIT_USAGE;
	blkindex_init(&g.live);
	g.keep = o.keep;
	g.cutoff = time(NULL) - (o.grace >= 0 ? o.grace : 3600);
	if (o.store == NULL ||
	    store_open(o.store, 0, &g.st, g.err, sizeof(g.err)) == -1 ||
	    gc_run(&g) == -1) {
		imgcmd_err("gc", "%s", o.store ? g.err : "--store is required");
		goto out;
	}
	printf("dropped %zu versions and %zu chunks (%s); %zu chunks kept\n",
	    g.versions_dropped, g.objects_dropped,
	    imgcmd_bytes(g.bytes_freed, a), g.objects_kept);
	rc = CLI_EXIT_OK;
out:
	blkindex_free(&g.live);
	store_close(&g.st);
	imgopts_free(&o);
	return rc;
}
