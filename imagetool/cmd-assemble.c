/* cmd-assemble.c: kura-image assemble (lib/assemble.c does the work). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "assemble.h"
#include "cli.h"
#include "edkey.h"
#include "fetch.h"
#include "imgcmd.h"
#include "kura-image.h"
#include "log.h"

static void
imgcmd_assemble_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress *p = arg;

	p->total = total;
	progress_update(p, done);
}

/* The figures for scripts and for the sync client's status page. */
static void
imgcmd_assemble_json(const struct assemble_result *r)
{
	json_t *j;

	j = json_pack("{s:I, s:b, s:b, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, "
		      "s:f}",
	    "version", (json_int_t)r->version, "already", r->already, "resumed",
	    r->resumed, "path", r->path, "size", (json_int_t)r->size,
	    "seed_data", (json_int_t)r->local_bytes, "resumed_data",
	    (json_int_t)r->resumed_bytes, "fetched_data",
	    (json_int_t)r->fetched_data, "requests", (json_int_t)r->requests,
	    "download", (json_int_t)r->fetched_bytes, "seconds", r->seconds);
	if (j == NULL)
		fatalx("json_pack");
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
	json_decref(j);
}

static void
imgcmd_assemble_report(const struct assemble_result *r)
{
	char a[32], b[32], c[32], d[32];

	if (r->already) {
		printf("version %lld is already installed and current\n",
		    (long long)r->version);
		return;
	}
	printf("version %lld installed as %s (%s)%s\n", (long long)r->version,
	    r->path, imgcmd_bytes(r->size, a), r->resumed ? ", resumed" : "");
	printf("from seeds %s, resumed %s; fetched %s of data in %llu "
	       "requests, %s on the wire; %.1f s\n",
	    imgcmd_bytes(r->local_bytes, a), imgcmd_bytes(r->resumed_bytes, b),
	    imgcmd_bytes(r->fetched_data, c), (unsigned long long)r->requests,
	    imgcmd_bytes(r->fetched_bytes, d), r->seconds);
}

int
imgcmd_assemble(int argc, char **argv)
{
	static const char usage[] =
	    "assemble --store DIR|URL --pubkey PUB --into DIR [--seed FILE]... "
	    "[--jobs N] [--json] [--cacert FILE] [--client-cert FILE "
	    "--client-key FILE] "
	    "MANIFEST|NAME:VERSION";
	struct assemble_opts ao = { 0 };
	struct fetch_opts fo;
	struct assemble_result r;
	struct progress p;
	struct imgopts o;
	EVP_PKEY *pub = NULL;
	char err[512];
	double t0 = imgcmd_now();
	int first, rc = CLI_EXIT_USAGE;

	if ((first = imgopts_parse(argc, argv, &o, usage, 1, 1)) < 0)
		return CLI_EXIT_USAGE;
	if (o.store == NULL || o.pub == NULL || o.into == NULL) {
		imgcmd_err("assemble",
		    "--store, --pubkey and --into are required");
		goto out;
	}
	rc = CLI_EXIT_FAIL;
	if ((pub = edkey_load_public(o.pub, err, sizeof(err))) == NULL) {
		imgcmd_err("assemble", "%s", err);
		goto out;
	}
	progress_start(&p, "assemble", 0);
	fo = (struct fetch_opts){ .max_inflight = o.jobs,
		.ca_file = o.cacert,
		.cert_file = o.client_cert,
		.key_file = o.client_key };
	ao = (struct assemble_opts){ .into = o.into,
		.store = o.store,
		.manifest = argv[first],
		.pub = pub,
		.seeds = o.seed_file,
		.nseeds = o.nseed_files,
		.max_jobs = o.jobs,
		.fetch = &fo,
		.progress = imgcmd_assemble_progress,
		.arg = &p };
	if (assemble_run(&ao, &r, err, sizeof(err)) == -1) {
		if (p.on)
			fputc('\n', stderr);
		imgcmd_err("assemble", "%s", err);
		goto out;
	}
	progress_end(&p);
	r.seconds = imgcmd_now() - t0;
	if (o.json)
		imgcmd_assemble_json(&r);
	else
		imgcmd_assemble_report(&r);
	rc = CLI_EXIT_OK;
out:
	EVP_PKEY_free(pub);
	imgopts_free(&o);
	return rc;
}
