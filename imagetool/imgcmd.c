/* imgcmd.c: helpers for kura-image's commands (see imgcmd.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "imgcmd.h"
#include "xalloc.h"

void
imgcmd_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kura-image: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

double
imgcmd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *
imgcmd_bytes(uint64_t n, char *buf)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, 32, u == 0 ? "%.0f %s" : "%.1f %s", v, unit[u]);
	return buf;
}

void
progress_start(struct progress *p, const char *what, uint64_t total)
{
	p->on = isatty(STDERR_FILENO);
	p->what = what;
	p->total = total;
	p->done = 0;
	p->t0 = p->last = imgcmd_now();
}

static void
progress_draw(struct progress *p, double now)
{
	double el = now - p->t0, rate = el > 0 ? (double)p->done / el : 0;
	double pct =
	    p->total ? 100.0 * (double)p->done / (double)p->total : 100;
	double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0;
	char a[32], b[32], r[32];

	fprintf(stderr, "\r%s %5.1f%%  %s / %s  %s/s  eta %d:%02d \033[K",
	    p->what, pct, imgcmd_bytes(p->done, a), imgcmd_bytes(p->total, b),
	    imgcmd_bytes((uint64_t)rate, r), (int)eta / 60, (int)eta % 60);
}

void
progress_update(struct progress *p, uint64_t done)
{
	double now;

	p->done = done;
	if (!p->on || (now = imgcmd_now()) - p->last < 0.25)
		return;
	p->last = now;
	progress_draw(p, now);
}

void
progress_end(struct progress *p)
{
	if (!p->on)
		return;
	p->done = p->total;
	progress_draw(p, imgcmd_now());
	fputc('\n', stderr);
}

int64_t
imgcmd_latest(struct store *st, const char *name)
{
	int64_t *v = NULL, latest = 0;
	size_t n = 0;

	if (store_versions(st, name, &v, &n) == 0 && n > 0)
		latest = v[n - 1];
	free(v);
	return latest;
}

/* NAME or NAME:VERSION, looked up in the store. */
static int
imgcmd_store_manifest(struct store *st, const char *spec, EVP_PKEY *pub,
    struct manifest *m, char *err, size_t errlen)
{
	char *name = xstrdup(spec), *colon = strchr(name, ':'), *rel = NULL;
	char *path = NULL, *end;
	int64_t v;
	int rc = -1;

	if (colon != NULL)
		*colon = '\0';
	v = colon ? strtoll(colon + 1, &end, 10) : imgcmd_latest(st, name);
	if (!manifest_name_ok(name) || (colon && (*end != '\0' || v < 1))) {
		snprintf(err, errlen,
		    "%s: expected a manifest file, NAME or "
		    "NAME:VERSION",
		    spec);
		goto out;
	}
	if (v == 0) {
		snprintf(err, errlen, "%s: no version of this image in %s",
		    name, st->dir);
		goto out;
	}
	rel = manifest_path(name, v);
	xasprintf(&path, "%s/%s", st->dir, rel);
	rc = manifest_load(path, pub, m, err, errlen);
out:
	free(name);
	free(rel);
	free(path);
	return rc;
}

int
imgcmd_manifest(struct store *st, const char *spec, EVP_PKEY *pub,
    struct manifest *m, char *err, size_t errlen)
{
	if (strchr(spec, '/') != NULL || strstr(spec, ".kim") != NULL ||
	    st == NULL)
		return manifest_load(spec, pub, m, err, errlen);
	return imgcmd_store_manifest(st, spec, pub, m, err, errlen);
}

enum {
	IMGOPT_STORE = 256,
	IMGOPT_KEY,
	IMGOPT_PUB,
	IMGOPT_NAME,
	IMGOPT_GROUP,
	IMGOPT_FORMAT,
	IMGOPT_INTO,
	IMGOPT_VERSION,
	IMGOPT_SEED,
	IMGOPT_NO_SEED,
	IMGOPT_THREADS,
	IMGOPT_LEVEL,
	IMGOPT_JSON,
	IMGOPT_SAMPLE,
	IMGOPT_KEEP,
	IMGOPT_META,
	IMGOPT_GRACE,
	IMGOPT_IMAGE,
	IMGOPT_CACERT,
	IMGOPT_CLIENT_CERT,
	IMGOPT_CLIENT_KEY,
	IMGOPT_JOBS,
};

static const struct option imgopts_long[] = {
	{ "store", required_argument, NULL, IMGOPT_STORE },
	{ "key", required_argument, NULL, IMGOPT_KEY },
	{ "pubkey", required_argument, NULL, IMGOPT_PUB },
	{ "name", required_argument, NULL, IMGOPT_NAME },
	{ "group", required_argument, NULL, IMGOPT_GROUP },
	{ "format", required_argument, NULL, IMGOPT_FORMAT },
	{ "into", required_argument, NULL, IMGOPT_INTO },
	{ "version", required_argument, NULL, IMGOPT_VERSION },
	{ "seed", required_argument, NULL, IMGOPT_SEED },
	{ "no-seed", no_argument, NULL, IMGOPT_NO_SEED },
	{ "threads", required_argument, NULL, IMGOPT_THREADS },
	{ "level", required_argument, NULL, IMGOPT_LEVEL },
	{ "json", no_argument, NULL, IMGOPT_JSON },
	{ "sample", required_argument, NULL, IMGOPT_SAMPLE },
	{ "keep", required_argument, NULL, IMGOPT_KEEP },
	{ "meta", required_argument, NULL, IMGOPT_META },
	{ "grace", required_argument, NULL, IMGOPT_GRACE },
	{ "image", required_argument, NULL, IMGOPT_IMAGE },
	{ "cacert", required_argument, NULL, IMGOPT_CACERT },
	{ "client-cert", required_argument, NULL, IMGOPT_CLIENT_CERT },
	{ "client-key", required_argument, NULL, IMGOPT_CLIENT_KEY },
	{ "jobs", required_argument, NULL, IMGOPT_JOBS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* An integer option in [min, max]; max INT64_MAX: no upper bound. */
static int
imgopts_int(const char *name, const char *arg, int64_t min, int64_t max,
    int64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoll(arg, &end, 10);
	if (errno == 0 && end != arg && *end == '\0' && *v >= min && *v <= max)
		return 0;
	if (max == INT64_MAX)
		fprintf(stderr,
		    "kura-image: --%s: \"%s\" is not a number >= %lld\n", name,
		    arg, (long long)min);
	else
		fprintf(stderr,
		    "kura-image: --%s: \"%s\" is not a number from %lld to "
		    "%lld\n",
		    name, arg, (long long)min, (long long)max);
	return -1;
}

static int
imgopts_meta(struct imgopts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (eq == NULL || eq == arg) {
		fprintf(stderr, "kura-image: --meta: \"%s\" is not KEY=VALUE\n",
		    arg);
		return -1;
	}
	if (o->meta == NULL)
		o->meta = json_object();
	key = strndup(arg, (size_t)(eq - arg));
	if (key == NULL ||
	    json_object_set_new(o->meta, key, json_string(eq + 1)) == -1) {
		fprintf(stderr, "kura-image: --meta: \"%s\" is not UTF-8\n",
		    arg);
		free(key);
		return -1;
	}
	free(key);
	return 0;
}

static int
imgopts_sample(struct imgopts *o, const char *arg)
{
	char *end;

	o->sample = strtod(arg, &end);
	if (end == arg || (*end != '\0' && strcmp(end, "%") != 0) ||
	    o->sample <= 0 || o->sample > 100) {
		fprintf(stderr,
		    "kura-image: --sample: \"%s\" is not a "
		    "percentage in (0, 100]\n",
		    arg);
		return -1;
	}
	o->sample /= 100;
	return 0;
}

static int
imgopts_one(struct imgopts *o, int ch, const char *arg)
{
	int64_t v;

	switch (ch) {
	case IMGOPT_STORE:
		o->store = arg;
		return 0;
	case IMGOPT_KEY:
		o->key = arg;
		return 0;
	case IMGOPT_PUB:
		o->pub = arg;
		return 0;
	case IMGOPT_NAME:
		o->name = arg;
		return 0;
	case IMGOPT_GROUP:
		o->group = arg;
		return 0;
	case IMGOPT_FORMAT:
		o->format = arg;
		return 0;
	case IMGOPT_CACERT:
		o->cacert = arg;
		return 0;
	case IMGOPT_CLIENT_CERT:
		o->client_cert = arg;
		return 0;
	case IMGOPT_CLIENT_KEY:
		o->client_key = arg;
		return 0;
	case IMGOPT_JOBS:
		if (imgopts_int("jobs", arg, 1, 256, &v) == -1)
			return -1;
		o->jobs = (int)v;
		return 0;
	case IMGOPT_IMAGE:
		o->image = arg;
		return 0;
	case IMGOPT_INTO:
		o->into = arg;
		return 0;
	case IMGOPT_JSON:
		o->json = 1;
		return 0;
	case IMGOPT_NO_SEED:
		o->seed = 0;
		return 0;
	case IMGOPT_META:
		return imgopts_meta(o, arg);
	case IMGOPT_SAMPLE:
		return imgopts_sample(o, arg);
	case IMGOPT_VERSION:
		return imgopts_int("version", arg, 1, INT64_MAX, &o->version);
	case IMGOPT_KEEP:
		return imgopts_int("keep", arg, 1, INT64_MAX, &o->keep);
	case IMGOPT_GRACE:
		return imgopts_int("grace", arg, 0, INT64_MAX, &o->grace);
	case IMGOPT_LEVEL:
		if (imgopts_int("level", arg, 1, 19, &v) == -1)
			return -1;
		o->level = (int)v;
		return 0;
	case IMGOPT_THREADS:
		if (imgopts_int("threads", arg, 1, 64, &v) == -1)
			return -1;
		o->threads = (int)v;
		return 0;
	case IMGOPT_SEED:
		if (o->nseed_files == 8)
			return -1;
		o->seed_file[o->nseed_files++] = arg;
		return 0;
	}
	return -1;
}

int
imgopts_parse(int argc, char **argv, struct imgopts *o, const char *usage,
    int min_operands, int max_operands)
{
	int ch, n;

	memset(o, 0, sizeof(*o));
	o->seed = -1;
	o->grace = -1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+h", imgopts_long, NULL)) != -1)
		if (ch == 'h' || ch == '?' || imgopts_one(o, ch, optarg) == -1)
			goto usage;
	n = argc - optind;
	if (n >= min_operands && n <= max_operands)
		return optind;
usage:
	fprintf(stderr, "usage: kura-image %s\n", usage);
	imgopts_free(o);
	return -1;
}

void
imgopts_free(struct imgopts *o)
{
	json_decref(o->meta);
	o->meta = NULL;
}
