/* cmd-verify.c: kura-image verify: a manifest's signature, then every
 * chunk it names (or a random sample), decompressed and hashed. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "chunker.h"
#include "chunkobj.h"
#include "cli.h"
#include "edkey.h"
#include "imgcmd.h"
#include "kura-image.h"
#include "manifest.h"
#include "imgsrc.h"
#include "store.h"
#include "xalloc.h"

struct verify {
	struct store *st;
	struct chunk_hasher hs;
	ZSTD_DCtx *dctx;
	unsigned char *out;
	size_t checked, bad;
	uint64_t bytes;
	const char *image; /* --image: check this file instead of the store */
};

static int
verify_chunk(struct verify *v, const struct manifest *m, size_t i)
{
	const struct manifest_entry *e = &m->e[i];
	unsigned char *obj = NULL;
	char err[256], hex[65];
	size_t len = 0;
	int rc;

	rc = store_get(v->st, e->id, &obj, &len);
	if (rc != 0)
		snprintf(err, sizeof(err), "%s",
		    rc == -ENOENT ? "missing from the store" : strerror(-rc));
	else if (len != e->stored) {
		snprintf(err, sizeof(err),
		    "object is %zu bytes, the manifest "
		    "says %u",
		    len, e->stored);
		rc = -1;
	} else
		rc = chunkobj_decode(v->dctx, &v->hs, obj, len, e->id,
		    e->length, v->out, err, sizeof(err));
	if (rc != 0) {
		edkey_hex(e->id, CHUNK_HASH, hex);
		printf("%s:%lld: chunk %zu at offset %llu (%.16s…): %s\n",
		    m->name, (long long)m->version, i,
		    (unsigned long long)e->offset, hex, err);
		v->bad++;
	}
	v->checked++;
	v->bytes += e->length;
	free(obj);
	return rc;
}

static int
verify_pick(double sample)
{
	return sample <= 0 || (double)random() / RAND_MAX < sample;
}

static void
verify_manifest(struct verify *v, const struct manifest *m, double sample)
{
	struct progress p;
	uint64_t done = 0;
	size_t i;

	progress_start(&p, "verify", m->size);
	for (i = 0; i < m->n; i++) {
		done += m->e[i].length;
		if (m->e[i].kind == CHUNK_DATA && verify_pick(sample))
			verify_chunk(v, m, i);
		progress_update(&p, done);
	}
	progress_end(&p);
}

/* A disk image against the manifest's root: every block hashed, in
 * order.  For an installed image, or one written by other means. */
static int
verify_image(struct verify *v, const struct manifest *m, const char *path)
{
	struct chunk_digest d;
	struct chunk_block b;
	unsigned char root[CHUNK_HASH], *buf = xmalloc(1 << 20);
	char hex[65], err[256];
	struct progress p;
	struct imgsrc *s = NULL;
	uint64_t off = 0, n, k;
	int rc = -1;

	if (imgsrc_open(path, "raw", &s, err, sizeof(err)) == -1)
		goto out;
	if (imgsrc_size(s) != m->size) {
		snprintf(err, sizeof(err), "%llu bytes, the manifest says %llu",
		    (unsigned long long)imgsrc_size(s),
		    (unsigned long long)m->size);
		goto out;
	}
	progress_start(&p, "verify", m->size);
	chunk_digest_begin(&d, &v->hs);
	for (; off < m->size; off += n) {
		n = m->size - off < (1 << 20) ? m->size - off : (1 << 20);
		if (imgsrc_pread(s, buf, n, off, err, sizeof(err)) == -1)
			break;
		for (k = 0; k < n; k += CHUNK_BLOCK) {
			chunk_block_fill(&v->hs, buf + k,
			    n - k < CHUNK_BLOCK ? n - k : CHUNK_BLOCK, &b);
			chunk_digest_add(&d, b.h, CHUNK_HASH);
		}
		progress_update(&p, off + n);
	}
	chunk_digest_end(&d, root);
	progress_end(&p);
	if (off < m->size)
		goto out;
	edkey_hex(root, CHUNK_HASH, hex);
	if (memcmp(root, m->root, CHUNK_HASH) != 0)
		snprintf(err, sizeof(err),
		    "its root is %.16s…, not the "
		    "manifest's",
		    hex);
	else
		rc = 0;
out:
	if (rc == 0)
		printf("%s: the image of %s version %lld\n", path, m->name,
		    (long long)m->version);
	else
		printf("%s: %s\n", path, err);
	imgsrc_close(s);
	free(buf);
	return rc;
}

static int
verify_one(struct verify *v, const char *spec, EVP_PKEY *pub, double sample)
{
	struct manifest m;
	char err[512], a[32];
	size_t bad = v->bad, checked = v->checked;
	uint64_t bytes = v->bytes;
	int rc;

	if (imgcmd_manifest(v->st, spec, pub, &m, err, sizeof(err)) == -1) {
		printf("%s: %s\n", spec, err);
		return -1;
	}
	if (v->image != NULL) {
		rc = verify_image(v, &m, v->image);
		manifest_free(&m);
		return rc;
	}
	verify_manifest(v, &m, sample);
	printf("%s version %lld: signature good; %zu chunks checked (%s), "
	       "%zu bad\n",
	    m.name, (long long)m.version, v->checked - checked,
	    imgcmd_bytes(v->bytes - bytes, a), v->bad - bad);
	manifest_free(&m);
	return v->bad == bad ? 0 : -1;
}

int
imgcmd_verify(int argc, char **argv)
{
	static const char usage[] =
	    "verify --store DIR --pubkey PUB [--sample PCT | --image FILE] "
	    "MANIFEST|NAME[:VERSION]...";
	struct store st = { NULL, -1 };
	struct verify v = { .st = &st };
	struct imgopts o;
	EVP_PKEY *pub = NULL;
	char err[512];
	int first, i, rc = CLI_EXIT_FAIL;

	if ((first = imgopts_parse(argc, argv, &o, usage, 1, 1000)) < 0)
		return CLI_EXIT_USAGE;
	if (o.store == NULL || o.pub == NULL) {
		imgcmd_err("verify", "--store and --pubkey are required");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if ((pub = edkey_load_public(o.pub, err, sizeof(err))) == NULL ||
	    store_open(o.store, 0, &st, err, sizeof(err)) == -1) {
		imgcmd_err("verify", "%s", err);
		goto out;
	}
	v.image = o.image;
	chunk_hasher_init(&v.hs);
	v.dctx = ZSTD_createDCtx();
	v.out = xmalloc(CHUNKOBJ_MAX_BLOCKS * CHUNK_BLOCK);
	srandom((unsigned)imgcmd_now());
	rc = CLI_EXIT_OK;
	for (i = first; i < argc; i++)
		if (verify_one(&v, argv[i], pub, o.sample) == -1)
			rc = CLI_EXIT_FAIL;
	chunk_hasher_free(&v.hs);
	ZSTD_freeDCtx(v.dctx);
	free(v.out);
out:
	EVP_PKEY_free(pub);
	store_close(&st);
	imgopts_free(&o);
	return rc;
}
