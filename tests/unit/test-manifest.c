/* Unit tests for lib/manifest.c (round trip and every rejection) and
 * lib/asmjournal.c (progress survives a reopen, never crosses images). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "asmflush.h"
#include "asmjournal.h"
#include "manifest.h"

struct fx {
	EVP_PKEY *key, *other;
	struct manifest m;
	unsigned char *buf;
	size_t len;
	char err[512];
};

static void
build(struct manifest *m)
{
	unsigned char id[CHUNK_HASH];
	int i;

	manifest_init(m);
	m->name = strdup("win11");
	m->group = strdup("sales");
	m->version = 7;
	m->parent = 6;
	m->size = 3 * 65536 + 10 * CHUNK_BLOCK + 100;
	snprintf(m->created, sizeof(m->created), "2026-11-22T10:00:00Z");
	memset(m->root, 0xab, CHUNK_HASH);
	m->metadata = json_pack("{s:s}", "build", "2211");
	for (i = 0; i < 3; i++) {
		memset(id, i + 1, sizeof(id));
		manifest_add(m, CHUNK_DATA, 65536, 20000 + i, id);
	}
	manifest_add(m, CHUNK_ZERO, 10 * CHUNK_BLOCK, 0, NULL);
	memset(id, 9, sizeof(id));
	manifest_add(m, CHUNK_DATA, 100, 700, id);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	f->other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	build(&f->m);
	if (manifest_write(&f->m, f->key, &f->buf, &f->len, f->err,
		sizeof(f->err)) == -1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	EVP_PKEY_free(f->key);
	EVP_PKEY_free(f->other);
	manifest_free(&f->m);
	free(f->buf);
	free(f);
	return 0;
}

static void
test_roundtrip(void **state)
{
	struct fx *f = *state;
	struct manifest r;
	size_t i;

	assert_int_equal(manifest_parse(f->buf, f->len, f->key, &r, f->err,
			     sizeof(f->err)),
	    0);
	assert_string_equal(r.name, "win11");
	assert_string_equal(r.group, "sales");
	assert_int_equal(r.version, 7);
	assert_int_equal(r.parent, 6);
	assert_int_equal(r.size, f->m.size);
	assert_memory_equal(r.root, f->m.root, CHUNK_HASH);
	assert_string_equal(json_string_value(
				json_object_get(r.metadata, "build")),
	    "2211");
	assert_int_equal(r.n, f->m.n);
	for (i = 0; i < r.n; i++) {
		assert_int_equal(r.e[i].offset, f->m.e[i].offset);
		assert_int_equal(r.e[i].length, f->m.e[i].length);
		assert_int_equal(r.e[i].kind, f->m.e[i].kind);
		assert_int_equal(r.e[i].stored, f->m.e[i].stored);
		assert_memory_equal(r.e[i].id, f->m.e[i].id, CHUNK_HASH);
	}
	manifest_free(&r);
}

/* Parses a copy of the signed bytes changed by fn; expects a refusal
 * whose message holds want. */
static void
expect_reject(struct fx *f, EVP_PKEY *key, const unsigned char *buf, size_t len,
    const char *want)
{
	struct manifest r;

	assert_int_equal(manifest_parse(buf, len, key, &r, f->err,
			     sizeof(f->err)),
	    -1);
	if (strstr(f->err, want) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", f->err, want);
	manifest_free(&r);
}

static void
test_rejects_frame(void **state)
{
	struct fx *f = *state;
	unsigned char *b = malloc(f->len);

	memcpy(b, f->buf, f->len);
	b[0] = 'X';
	expect_reject(f, f->key, b, f->len, "bad magic");
	expect_reject(f, f->key, f->buf, f->len - 1, "does not match");
	expect_reject(f, f->key, f->buf, 20, "bad magic");
	memcpy(b, f->buf, f->len);
	b[f->len - 104] = 'X';
	expect_reject(f, f->key, b, f->len, "no signature trailer");
	free(b);
}

static void
test_rejects_signature(void **state)
{
	struct fx *f = *state;
	unsigned char *b = malloc(f->len);

	expect_reject(f, f->other, f->buf, f->len, "signed by key");
	/* One bit anywhere in the signed part. */
	memcpy(b, f->buf, f->len);
	b[f->len - 104 - 10] ^= 1;
	expect_reject(f, f->key, b, f->len, "bad signature");
	memcpy(b, f->buf, f->len);
	b[40] ^= 1;
	expect_reject(f, f->key, b, f->len, "bad signature");
	memcpy(b, f->buf, f->len);
	b[f->len - 1] ^= 1;
	expect_reject(f, f->key, b, f->len, "bad signature");
	free(b);
}

/* Content errors, signed by the right key, so that the parser's checks
 * and not the signature catch them. */
static void
expect_bad_content(struct fx *f, void (*change)(struct manifest *),
    const char *want)
{
	struct manifest m;
	unsigned char *b = NULL;
	size_t len;

	build(&m);
	change(&m);
	assert_int_equal(manifest_write(&m, f->key, &b, &len, f->err,
			     sizeof(f->err)),
	    0);
	expect_reject(f, f->key, b, len, want);
	manifest_free(&m);
	free(b);
}

static void
bad_size(struct manifest *m)
{
	m->size += CHUNK_BLOCK;
}
static void
bad_kind(struct manifest *m)
{
	m->e[1].kind = 7;
}
static void
bad_partial(struct manifest *m)
{
	m->e[0].length -= 1;
	m->size -= 1;
}
static void
bad_stored(struct manifest *m)
{
	m->e[2].stored = 10;
}
static void
bad_name(struct manifest *m)
{
	free(m->name);
	m->name = strdup("../etc");
}
static void
bad_version(struct manifest *m)
{
	m->version = 0;
}
static void
bad_huge_chunk(struct manifest *m)
{
	m->e[0].length = 65 * CHUNK_BLOCK;
	m->size += 65 * CHUNK_BLOCK - 65536;
}

static void
test_rejects_content(void **state)
{
	struct fx *f = *state;

	expect_bad_content(f, bad_size, "entries cover");
	expect_bad_content(f, bad_kind, "entry 1: unknown kind");
	expect_bad_content(f, bad_partial, "entry 0: bad length");
	expect_bad_content(f, bad_stored, "entry 2: chunk");
	expect_bad_content(f, bad_name, "\"name\"");
	expect_bad_content(f, bad_version, "\"version\"");
	expect_bad_content(f, bad_huge_chunk, "entry 0: chunk");
}

static void
test_journal(void **state)
{
	char path[] = "/tmp/kura-test-journal.XXXXXX";
	unsigned char root[CHUNK_HASH], other[CHUNK_HASH];
	struct asmjournal j;
	int fd = mkstemp(path), valid;

	(void)state;
	assert_true(fd != -1);
	close(fd);
	memset(root, 1, sizeof(root));
	memset(other, 2, sizeof(other));
	assert_int_equal(asmjournal_open(&j, path, root, 100, &valid), 0);
	assert_int_equal(valid, 0);
	assert_int_equal(asmjournal_reset(&j, root), 0);
	asmjournal_set(&j, 3);
	asmjournal_set(&j, 99);
	assert_int_equal(asmjournal_sync(&j), 0);
	asmjournal_set(&j, 50); /* never synced: lost */
	asmjournal_close(&j);
	assert_int_equal(asmjournal_open(&j, path, root, 100, &valid), 0);
	assert_int_equal(valid, 1);
	assert_int_equal(j.ndone, 2);
	assert_true(asmjournal_done(&j, 3) && asmjournal_done(&j, 99));
	assert_false(asmjournal_done(&j, 50));
	asmjournal_close(&j);
	/* Another image's journal is not progress for this one. */
	assert_int_equal(asmjournal_open(&j, path, other, 100, &valid), 0);
	assert_int_equal(valid, 0);
	assert_int_equal(j.ndone, 0);
	asmjournal_close(&j);
	unlink(path);
}

/* The flusher keeps the first error a flush met, for the checkpoint (a
 * pipe cannot be fdatasynced: EINVAL), and is quiet on files that can. */
static void
test_flusher(void **state)
{
	struct asmflush *f;
	char path[] = "/tmp/kura-flush.XXXXXX";
	int p[2], fd, i;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true((fd = mkstemp(path)) != -1);
	unlink(path);
	f = asmflush_start(fd, fd);
	for (i = 0; i < 50; i++) {
		assert_int_equal(write(fd, "kura", 4), 4);
		asmflush_kick(f);
	}
	assert_int_equal(asmflush_error(f), 0);
	assert_int_equal(asmflush_stop(f), 0);
	f = asmflush_start(fd, p[0]);
	asmflush_kick(f);
	/* error waits for a flush under way, not for one only asked for */
	for (i = 0; i < 5000 && asmflush_error(f) == 0; i++)
		usleep(1000);
	assert_int_equal(asmflush_error(f), -EINVAL);
	asmflush_kick(f);
	assert_int_equal(asmflush_stop(f), -EINVAL);
	assert_int_equal(asmflush_error(NULL), 0);
	assert_int_equal(asmflush_stop(NULL), 0);
	close(fd);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_rejects_frame),
		cmocka_unit_test(test_rejects_signature),
		cmocka_unit_test(test_rejects_content),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_flusher),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
