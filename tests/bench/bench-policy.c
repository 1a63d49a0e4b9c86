/*
 * bench-policy: decisions per second of the policy engine on one core,
 * for generated 100- and 1,000-rule policies over 10,000 generated
 * devices, and parse + verify time of the 1,000-rule policy.  Each figure
 * is printed with its ratio to a baseline measured in the same run (a
 * 1-rule policy; jansson parsing the same JSON), so that a noisy machine
 * moves both.  Run by `make bench`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "parse.h"
#include "policy.h"
#include "edkey.h"
#include "sign.h"
#include "xalloc.h"

#define BENCH_DEVICES 10000

static uint64_t bench_seed = 0x9e3779b97f4a7c15ull;

static uint32_t
bench_rand(void)
{
	bench_seed ^= bench_seed << 13;
	bench_seed ^= bench_seed >> 7;
	bench_seed ^= bench_seed << 17;
	return (uint32_t)(bench_seed >> 16);
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const bench_kinds[] = { "usb-storage", "optical", "hid",
	"audio", "video", "smartcard", "printer", "network", "wireless",
	"hub" };

/* One generated rule of the shapes admins write. */
static void
bench_rule(char *buf, size_t len, int i)
{
	const char *kind = bench_kinds[bench_rand() % 10];

	switch (bench_rand() % 5) {
	case 0:
		snprintf(buf, len, "r%d: allow id %04x:%04x serial \"S%u*\"\n",
		    i, bench_rand() & 0xffff, bench_rand() & 0xffff,
		    bench_rand() % 100);
		break;
	case 1:
		snprintf(buf, len,
		    "r%d: allow read-only kind %s if on-lan and "
		    "lease\n",
		    i, kind);
		break;
	case 2:
		snprintf(buf, len, "r%d: deny id %04x:* port \"%u-*\"\n", i,
		    bench_rand() & 0xffff, bench_rand() % 4 + 1);
		break;
	case 3:
		snprintf(buf, len,
		    "r%d: allow interface all-of { %02x:*:* 03:01:* }\n", i,
		    bench_rand() & 0xff);
		break;
	default:
		snprintf(buf, len, "r%d: allow kind %s id %04x:%04x\n", i, kind,
		    bench_rand() & 0xffff, bench_rand() & 0xffff);
		break;
	}
}

static char *
bench_policy_text(int nrules)
{
	size_t cap = (size_t)nrules * 96 + 64, n;
	char *t = xmalloc(cap);
	int i;

	n = (size_t)snprintf(t, cap, "version 1\ndefault deny\n");
	for (i = 0; i < nrules; i++) {
		bench_rule(t + n, cap - n, i);
		n += strlen(t + n);
	}
	return t;
}

static json_t *
bench_parse(const char *text)
{
	struct diags d;
	json_t *j;

	diags_init(&d);
	j = policy_parse(text, strlen(text), "bench", &d);
	if (j == NULL) {
		diags_print(&d, stderr);
		exit(1);
	}
	diags_free(&d);
	return j;
}

static struct policy *
bench_policy(int nrules)
{
	struct policy_error err;
	char *text = bench_policy_text(nrules);
	json_t *j = bench_parse(text);
	struct policy *p = policy_compile(j, &err);

	if (p == NULL) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	json_decref(j);
	free(text);
	return p;
}

/* Devices like a fleet's: mostly single-function, some composite. */
static void
bench_devices(struct device *v, size_t n)
{
	static const uint32_t ifs[] = { DEVICE_TRIPLE(8, 6, 0x50),
		DEVICE_TRIPLE(3, 1, 1), DEVICE_TRIPLE(3, 1, 2),
		DEVICE_TRIPLE(0x0e, 1, 0), DEVICE_TRIPLE(1, 1, 0),
		DEVICE_TRIPLE(0x0b, 0, 0), DEVICE_TRIPLE(0xff, 0, 0) };
	size_t i, k;

	memset(v, 0, n * sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].bus = DEVICE_BUS_USB;
		v[i].vid = (uint16_t)bench_rand();
		v[i].pid = (uint16_t)bench_rand();
		v[i].nifaces = bench_rand() % 8 == 0 ? 2 : 1;
		for (k = 0; k < v[i].nifaces; k++)
			v[i].ifaces[k] = ifs[bench_rand() % 7];
		snprintf(v[i].serial, sizeof(v[i].serial), "S%u", bench_rand());
		snprintf(v[i].port, sizeof(v[i].port), "%u-%u",
		    bench_rand() % 4 + 1, bench_rand() % 8 + 1);
		device_classify(&v[i]);
	}
}

/* Decisions per second over the devices, for at least half a second. */
static double
bench_decide(const struct policy *p, const struct device *v, size_t n)
{
	struct policy_context ctx = { .location = POLICY_ON_LAN,
		.lease = 1,
		.minute = 600 };
	struct policy_decision out;
	struct policy_eval ev;
	double t0 = bench_now(), t;
	size_t i, done = 0, allow = 0;

	if (policy_eval_prepare(&ev, p, &ctx) != 0)
		exit(1);
	do {
		for (i = 0; i < n; i++) {
			policy_eval_decide(&ev, &v[i], &out);
			allow += out.verdict != POLICY_DENY;
		}
		done += n;
		t = bench_now() - t0;
	} while (t < 0.5);
	policy_eval_release(&ev);
	if (allow == done + 1) /* keep the loop from being optimised out */
		printf("?\n");
	return (double)done / t;
}

static double
bench_time(void (*fn)(void *), void *arg, int reps)
{
	double t0 = bench_now();
	int i;

	for (i = 0; i < reps; i++)
		fn(arg);
	return (bench_now() - t0) / reps;
}

struct bench_verify {
	json_t *envelope;
	EVP_PKEY *pub;
	char *canonical;
};

/* What kurad does with a signed policy: verify, then compile. */
static void
bench_verify_run(void *arg)
{
	struct bench_verify *b = arg;
	struct sign_installed inst = { -1, NULL };
	struct policy_error err;
	json_t *pol;
	char msg[256];

	if (sign_verify(b->envelope, b->pub, &inst, &pol, msg, sizeof(msg))) {
		fprintf(stderr, "bench: %s\n", msg);
		exit(1);
	}
	policy_free(policy_compile(pol, &err));
	json_decref(pol);
}

static void
bench_jansson_run(void *arg)
{
	const struct bench_verify *b = arg;

	json_decref(json_loads(b->canonical, 0, NULL));
}

static void
bench_parse_run(void *arg)
{
	json_decref(bench_parse(arg));
}

static void
bench_parse_verify(void)
{
	char dir[] = "/tmp/kura-bench.XXXXXX", priv[64], pub[64], err[256];
	struct bench_verify b = { 0 };
	char *text = bench_policy_text(1000);
	json_t *j = bench_parse(text);
	EVP_PKEY *key;
	double tp, tv, tj;

	if (mkdtemp(dir) == NULL)
		exit(1);
	snprintf(priv, sizeof(priv), "%s/k.key", dir);
	snprintf(pub, sizeof(pub), "%s/k.pub", dir);
	if (edkey_keygen(priv, pub, err, sizeof(err)) ||
	    (key = edkey_load_private(priv, err, sizeof(err))) == NULL ||
	    (b.pub = edkey_load_public(pub, err, sizeof(err))) == NULL ||
	    (b.envelope = sign_policy(j, key, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	b.canonical = sign_canonical_dump(j);
	tp = bench_time(bench_parse_run, text, 20);
	tv = bench_time(bench_verify_run, &b, 20);
	tj = bench_time(bench_jansson_run, &b, 20);
	printf("1,000-rule policy: parse %.2f ms, verify+compile %.2f ms "
	       "(%.1fx jansson parsing the same JSON: %.2f ms)\n",
	    tp * 1e3, tv * 1e3, tv / tj, tj * 1e3);
	EVP_PKEY_free(key);
	EVP_PKEY_free(b.pub);
	json_decref(b.envelope);
	json_decref(j);
	free(b.canonical);
	free(text);
	unlink(priv);
	unlink(pub);
	rmdir(dir);
}

int
main(void)
{
	struct device *v = xcalloc(BENCH_DEVICES, sizeof(*v));
	struct policy *p1 = bench_policy(1), *p100 = bench_policy(100),
		      *p1000 = bench_policy(1000);
	double base, r100, r1000;

	bench_devices(v, BENCH_DEVICES);
	base = bench_decide(p1, v, BENCH_DEVICES);
	r100 = bench_decide(p100, v, BENCH_DEVICES);
	r1000 = bench_decide(p1000, v, BENCH_DEVICES);
	printf("policy decisions/s over %d devices, one core:\n",
	    BENCH_DEVICES);
	printf("  1 rule (baseline)  %12.0f /s\n", base);
	printf("  100 rules          %12.0f /s  %.3fx baseline  (target "
	       ">= 1,000,000/s: %s)\n",
	    r100, r100 / base, r100 >= 1e6 ? "met" : "NOT met");
	printf("  1,000 rules        %12.0f /s  %.3fx baseline\n", r1000,
	    r1000 / base);
	bench_parse_verify();
	policy_free(p1);
	policy_free(p100);
	policy_free(p1000);
	free(v);
	return 0;
}
