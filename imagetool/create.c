/*
 * create.c: kura-image create: the version and the seed, the segment
 * pipeline (createseg.c) over the image, then the signed manifest, written
 * once every object it names is durable.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "createctx.h"
#include "edkey.h"
#include "imgsrc.h"
#include "xalloc.h"

static int
create_load_seed(struct create *c, int64_t v)
{
	struct manifest sm;
	char *rel = manifest_path(c->o->name, v), *path = NULL;
	size_t i;
	int rc = -1;

	xasprintf(&path, "%s/%s", c->st.dir, rel);
	/* Our own store, but still checked: a bad seed would only cost
	 * compression, yet a wrong key here means the admin mixed stores. */
	if (manifest_load(path, NULL, &sm, c->err, c->errlen) == -1)
		goto out;
	c->seed = xreallocarray(NULL, sm.n + 1, sizeof(*c->seed));
	for (i = 0; i < sm.n; i++) {
		if (sm.e[i].kind != CHUNK_DATA)
			continue;
		memcpy(c->seed[c->nseed].id, sm.e[i].id, CHUNK_HASH);
		c->seed[c->nseed++].stored = sm.e[i].stored;
	}
	qsort(c->seed, c->nseed, sizeof(*c->seed), createseg_cmp_id);
	c->r->parent = v;
	c->r->seed_chunks = c->nseed;
	manifest_free(&sm);
	rc = 0;
out:
	free(rel);
	free(path);
	return rc;
}

static int
create_versions(struct create *c)
{
	int64_t latest = imgcmd_latest(&c->st, c->o->name);

	c->r->version = c->o->version ? c->o->version : latest + 1;
	if (c->r->version <= latest) {
		snprintf(c->err, c->errlen,
		    "version %lld of %s: the store already has version %lld; "
		    "versions only go up",
		    (long long)c->r->version, c->o->name, (long long)latest);
		return -1;
	}
	c->r->parent = -1;
	if (c->o->seed == 0 || (c->o->seed < 0 && latest == 0))
		return 0;
	return create_load_seed(c, c->o->seed < 0 ? latest : c->o->seed);
}

static void
create_free(struct create *c)
{
	if (c->root.ctx != NULL)
		EVP_MD_CTX_free(c->root.ctx);
	createseg_free(c);
	imgsrc_close(c->src);
	store_close(&c->st);
	EVP_PKEY_free(c->key);
	manifest_free(&c->m);
	free(c->seed);
	blkindex_free(&c->written);
}

static void
create_header(struct create *c)
{
	time_t now = time(NULL);
	struct tm tm;

	c->m.name = xstrdup(c->o->name);
	c->m.group = xstrdup(c->o->group);
	c->m.version = c->r->version;
	c->m.parent = c->r->parent;
	c->m.size = imgsrc_size(c->src);
	c->m.source_format = xstrdup(imgsrc_format(c->src));
	gmtime_r(&now, &tm);
	strftime(c->m.created, sizeof(c->m.created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (c->o->meta != NULL) {
		json_decref(c->m.metadata);
		c->m.metadata = json_deep_copy(c->o->meta);
	}
}

/* Objects reach the disk before the manifest that names them. */
static int
create_publish(struct create *c)
{
	unsigned char *buf = NULL;
	size_t len;
	char *rel = NULL;
	int e, rc = -1;

	if ((e = store_sync(&c->st)) != 0) {
		snprintf(c->err, c->errlen, "%s: sync: %s", c->st.dir,
		    strerror(-e));
		goto out;
	}
	if (manifest_write(&c->m, c->key, &buf, &len, c->err, c->errlen) == -1)
		goto out;
	rel = manifest_path(c->m.name, c->m.version);
	snprintf(c->r->manifest, sizeof(c->r->manifest), "%s/%s", c->st.dir,
	    rel);
	e = store_put_manifest(&c->st, c->m.name, c->m.version, buf, len);
	if (e != 0) {
		snprintf(c->err, c->errlen, "%s: %s", c->r->manifest,
		    e == -EEXIST ? "exists already (another create?)"
				 : strerror(-e));
		goto out;
	}
	rc = 0;
out:
	free(buf);
	free(rel);
	return rc;
}

int
create_run(const struct create_opts *o, struct create_result *r, char *err,
    size_t errlen)
{
	struct create c = { .o = o, .r = r, .err = err, .errlen = errlen };
	double t0 = imgcmd_now();
	int rc = -1;

	memset(r, 0, sizeof(*r));
	c.st.dirfd = -1;
	manifest_init(&c.m);
	if ((c.key = edkey_load_private(o->key, err, errlen)) == NULL ||
	    imgsrc_open(o->src, o->format, &c.src, err, errlen) == -1 ||
	    store_open(o->store, 1, &c.st, err, errlen) == -1 ||
	    create_versions(&c) == -1)
		goto out;
	createseg_init(&c);
	chunker_init(&c.ck, &c.m.chunking);
	create_header(&c);
	if (createseg_run(&c) == -1 || create_publish(&c) == -1)
		goto out;
	r->size = c.m.size;
	r->seconds = imgcmd_now() - t0;
	rc = 0;
out:
	create_free(&c);
	return rc;
}
