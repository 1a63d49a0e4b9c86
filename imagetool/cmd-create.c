/* cmd-create.c: kura-image keygen and create. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "create.h"
#include "edkey.h"
#include "keygen.h"
#include "imgcmd.h"
#include "kura-image.h"
#include "manifest.h"
#include "xalloc.h"

int
imgcmd_keygen(int argc, char **argv)
{
	return keygen_cmd("kura-image", argc, argv);
}

/* --seed: a version number of the same image, or none. */
static int
imgcmd_create_seed(const struct imgopts *o, int64_t *seed)
{
	char *end;

	*seed = o->seed;
	if (o->nseed_files == 0)
		return 0;
	*seed = strtoll(o->seed_file[0], &end, 10);
	if (o->nseed_files > 1 || *end != '\0' || *seed < 1) {
		imgcmd_err("create", "--seed takes one version number of %s",
		    o->name);
		return -1;
	}
	return 0;
}

static void
imgcmd_create_report(const struct create_result *r, const char *name)
{
	char a[32], b[32], c[32], d[32];

	printf("%s version %lld%s: %s, %zu chunks (%s), zeros %s\n", name,
	    (long long)r->version, r->parent > 0 ? " (seeded)" : "",
	    imgcmd_bytes(r->size, a), r->chunks, imgcmd_bytes(r->data_bytes, b),
	    imgcmd_bytes(r->zero_bytes, c));
	printf("new: %zu chunks, %s, stored in %s; %.1f s, %s/s\n",
	    r->new_chunks, imgcmd_bytes(r->new_bytes, a),
	    imgcmd_bytes(r->new_stored, b), r->seconds,
	    imgcmd_bytes(r->seconds > 0
		    ? (uint64_t)((double)r->size / r->seconds)
		    : 0,
		d));
	printf("manifest: %s\n", r->manifest);
}

int
imgcmd_create(int argc, char **argv)
{
	static const char usage[] =
	    "create --store DIR --key KEY --name NAME [--group GROUP] "
	    "[--format raw|qcow2] [--version N] [--seed VERSION|--no-seed] "
	    "[--threads N] [--level N] [--meta KEY=VALUE]... IMAGE";
	struct create_opts co = { 0 };
	struct create_result r;
	struct imgopts o;
	char err[512];
	int64_t seed;
	int first, rc = CLI_EXIT_USAGE;

	if ((first = imgopts_parse(argc, argv, &o, usage, 1, 1)) < 0)
		return CLI_EXIT_USAGE;
	if (o.store == NULL || o.key == NULL || o.name == NULL) {
		imgcmd_err("create", "--store, --key and --name are required");
		goto out;
	}
	if (!manifest_name_ok(o.name) ||
	    (o.group && !manifest_name_ok(o.group))) {
		imgcmd_err("create",
		    "names are [A-Za-z0-9][A-Za-z0-9._-]{0,63}");
		goto out;
	}
	if (imgcmd_create_seed(&o, &seed) == -1)
		goto out;
	co = (struct create_opts){ argv[first], o.format, o.store, o.key,
		o.name, o.group ? o.group : o.name, o.version, seed, o.threads,
		o.level, o.meta };
	rc = CLI_EXIT_FAIL;
	if (create_run(&co, &r, err, sizeof(err)) == -1) {
		imgcmd_err("create", "%s", err);
		goto out;
	}
	imgcmd_create_report(&r, o.name);
	rc = CLI_EXIT_OK;
out:
	imgopts_free(&o);
	return rc;
}
