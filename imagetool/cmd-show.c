/* cmd-show.c: kura-image info and ls. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cli.h"
#include "edkey.h"
#include "imgcmd.h"
#include "kura-image.h"
#include "manifest.h"
#include "store.h"

static json_t *
imgcmd_info_json(const struct manifest *m, int verified)
{
	char root[65], id[17];
	uint64_t stored, data;
	size_t nchunks;

	manifest_totals(m, &stored, &data, &nchunks);
	edkey_hex(m->root, CHUNK_HASH, root);
	edkey_id_raw(m->signer, id);
	return json_pack("{s:s, s:s, s:I, s:o, s:s, s:I, s:s, s:s, s:b, s:I, "
			 "s:I, s:I, s:I, s:I, s:o}",
	    "name", m->name, "group", m->group, "version",
	    (json_int_t)m->version, "parent",
	    m->parent > 0 ? json_integer(m->parent) : json_null(), "created",
	    m->created, "size", (json_int_t)m->size, "root", root, "key-id", id,
	    "signature-checked", verified, "entries", (json_int_t)m->n,
	    "chunks", (json_int_t)nchunks, "data", (json_int_t)data, "stored",
	    (json_int_t)stored, "zeros", (json_int_t)(m->size - data),
	    "metadata", m->metadata ? json_incref(m->metadata) : json_object());
}

static uint64_t
imgcmd_jint(const json_t *j, const char *key)
{
	return (uint64_t)json_integer_value(json_object_get(j, key));
}

static const char *
imgcmd_jstr(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static void
imgcmd_info_text(const json_t *j)
{
	char a[32], b[32], c[32], d[32];
	const char *k;
	json_t *meta, *v;

	printf("image %s version %llu (group %s)", imgcmd_jstr(j, "name"),
	    (unsigned long long)imgcmd_jint(j, "version"),
	    imgcmd_jstr(j, "group"));
	if (json_is_integer(json_object_get(j, "parent")))
		printf(", parent %llu",
		    (unsigned long long)imgcmd_jint(j, "parent"));
	printf("\ncreated %s, signed by key %s (%s)\n",
	    imgcmd_jstr(j, "created"), imgcmd_jstr(j, "key-id"),
	    json_is_true(json_object_get(j, "signature-checked"))
		? "signature good"
		: "signature NOT checked: give --pubkey");
	printf("size %s: data %s in %llu chunks, stored as %s; zeros %s\n",
	    imgcmd_bytes(imgcmd_jint(j, "size"), a),
	    imgcmd_bytes(imgcmd_jint(j, "data"), b),
	    (unsigned long long)imgcmd_jint(j, "chunks"),
	    imgcmd_bytes(imgcmd_jint(j, "stored"), c),
	    imgcmd_bytes(imgcmd_jint(j, "zeros"), d));
	printf("root %s\n", imgcmd_jstr(j, "root"));
	meta = json_object_get(j, "metadata");
	json_object_foreach(meta, k, v)
	{
		printf("meta %s=%s\n", k, json_string_value(v));
	}
}

/* A store is optional for info: a manifest file stands alone. */
static int
imgcmd_open_optional(const struct imgopts *o, struct store *st, char *err,
    size_t errlen)
{
	st->dirfd = -1;
	st->dir = NULL;
	return o->store == NULL ? 0 : store_open(o->store, 0, st, err, errlen);
}

int
imgcmd_info(int argc, char **argv)
{
	static const char usage[] = "info [--store DIR] [--pubkey PUB] "
				    "[--json] MANIFEST|NAME[:VERSION]";
	struct store st = { NULL, -1 };
	struct manifest m;
	struct imgopts o;
	EVP_PKEY *pub = NULL;
	json_t *j = NULL;
	char err[512];
	int first, rc = CLI_EXIT_FAIL;

	if ((first = imgopts_parse(argc, argv, &o, usage, 1, 1)) < 0)
		return CLI_EXIT_USAGE;
	manifest_init(&m);
	if ((o.pub &&
		(pub = edkey_load_public(o.pub, err, sizeof(err))) == NULL) ||
	    imgcmd_open_optional(&o, &st, err, sizeof(err)) == -1 ||
	    imgcmd_manifest(st.dir ? &st : NULL, argv[first], pub, &m, err,
		sizeof(err)) == -1) {
		imgcmd_err("info", "%s", err);
		goto out;
	}
	j = imgcmd_info_json(&m, pub != NULL);
	if (o.json) {
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else
		imgcmd_info_text(j);
	rc = CLI_EXIT_OK;
out:
	json_decref(j);
	manifest_free(&m);
	EVP_PKEY_free(pub);
	store_close(&st);
	imgopts_free(&o);
	return rc;
}

static void
imgcmd_ls_one(struct store *st, const char *name)
{
	int64_t *v = NULL;
	size_t n = 0, i;

	if (store_versions(st, name, &v, &n) != 0)
		return;
	printf("%s:", name);
	for (i = 0; i < n; i++)
		printf(" %lld", (long long)v[i]);
	putchar('\n');
	free(v);
}

int
imgcmd_ls(int argc, char **argv)
{
	static const char usage[] = "ls --store DIR [NAME]";
	struct store st = { NULL, -1 };
	struct imgopts o;
	char err[512], **names = NULL;
	size_t n = 0, i;
	int first, rc = CLI_EXIT_FAIL;

	if ((first = imgopts_parse(argc, argv, &o, usage, 0, 1)) < 0)
		return CLI_EXIT_USAGE;
	if (o.store == NULL || store_open(o.store, 0, &st, err, sizeof(err))) {
		imgcmd_err("ls", "%s", o.store ? err : "--store is required");
		goto out;
	}
	if (first < argc)
		imgcmd_ls_one(&st, argv[first]);
	else if (store_names(&st, &names, &n) == 0)
		for (i = 0; i < n; i++) {
			imgcmd_ls_one(&st, names[i]);
			free(names[i]);
		}
	free(names);
	rc = CLI_EXIT_OK;
out:
	store_close(&st);
	imgopts_free(&o);
	return rc;
}
