/* manifest.c: writing, reading and checking signed manifests (see
 * manifest.h).  The file is parsed in the order the format document gives:
 * lengths, key, signature, header, entries, so that nothing unsigned is
 * ever interpreted beyond its size. */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chunkobj.h"
#include "edkey.h"
#include "file.h"
#include "manifest.h"
#include "xalloc.h"

void
manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->parent = -1;
	m->chunking = chunk_params_v1;
}

void
manifest_free(struct manifest *m)
{
	free(m->name);
	free(m->group);
	free(m->source_format);
	json_decref(m->metadata);
	free(m->e);
	memset(m, 0, sizeof(*m));
}

void
manifest_add(struct manifest *m, uint32_t kind, uint64_t length,
    uint32_t stored, const unsigned char *id)
{
	struct manifest_entry *e;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 1024;
		m->e = xreallocarray(m->e, m->cap, sizeof(*m->e));
	}
	e = &m->e[m->n];
	e->offset = m->n ? m->e[m->n - 1].offset + m->e[m->n - 1].length : 0;
	e->length = length;
	e->kind = kind;
	e->stored = stored;
	if (id != NULL)
		memcpy(e->id, id, CHUNK_HASH);
	else
		memset(e->id, 0, CHUNK_HASH);
	m->n++;
}

int
manifest_name_ok(const char *s)
{
	size_t n = strlen(s);
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

	return n >= 1 && n <= 64 && strchr(ok, s[0]) != NULL && s[0] != '.' &&
	    s[0] != '_' && s[0] != '-' && strspn(s, ok) == n;
}

char *
manifest_path(const char *name, int64_t version)
{
	char *p;

	xasprintf(&p, "images/%s/%lld.kim", name, (long long)version);
	return p;
}

void
manifest_totals(const struct manifest *m, uint64_t *stored, uint64_t *data,
    size_t *nchunks)
{
	size_t i;

	*stored = *data = 0;
	*nchunks = 0;
	for (i = 0; i < m->n; i++) {
		if (m->e[i].kind != CHUNK_DATA)
			continue;
		*stored += m->e[i].stored;
		*data += m->e[i].length;
		(*nchunks)++;
	}
}

/* --- writing --- */

static json_t *
manifest_header_json(const struct manifest *m)
{
	char root[2 * CHUNK_HASH + 1];
	json_t *h;

	edkey_hex(m->root, CHUNK_HASH, root);
	h = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:i, "
		      "s:{s:i, s:i, s:i, s:i}, s:s, s:s, s:o}",
	    "format", MANIFEST_FORMAT, "name", m->name, "group", m->group,
	    "version", (json_int_t)m->version, "created", m->created, "size",
	    (json_int_t)m->size, "block_size", CHUNK_BLOCK, "chunking",
	    "min_blocks", (int)m->chunking.min_blocks, "divisor",
	    (int)m->chunking.divisor, "max_blocks", (int)m->chunking.max_blocks,
	    "zero_min_blocks", (int)m->chunking.zero_min_blocks, "compression",
	    "zstd", "root", root, "metadata",
	    m->metadata ? json_incref(m->metadata) : json_object());
	if (h == NULL)
		return NULL;
	json_object_set_new(h, "parent",
	    m->parent >= 0 ? json_integer(m->parent) : json_null());
	if (m->source_format != NULL)
		json_object_set_new(h, "source",
		    json_pack("{s:s}", "format", m->source_format));
	return h;
}

static void
manifest_put64(unsigned char *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static void
manifest_put32(unsigned char *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void
manifest_put_entries(const struct manifest *m, unsigned char *p)
{
	size_t i;

	for (i = 0; i < m->n; i++, p += MANIFEST_ENTRY) {
		manifest_put64(p, m->e[i].length);
		manifest_put32(p + 8, m->e[i].kind);
		manifest_put32(p + 12, m->e[i].stored);
		memcpy(p + 16, m->e[i].id, CHUNK_HASH);
	}
}

int
manifest_write(const struct manifest *m, EVP_PKEY *priv, unsigned char **buf,
    size_t *len, char *err, size_t errlen)
{
	json_t *h = NULL;
	char *hs = NULL;
	unsigned char *b = NULL, *p;
	size_t hl, total;
	int rc = -1;

	if ((h = manifest_header_json(m)) == NULL ||
	    (hs = json_dumps(h, JSON_SORT_KEYS | JSON_COMPACT)) == NULL) {
		snprintf(err, errlen, "cannot build the manifest header");
		goto out;
	}
	hl = strlen(hs);
	total = MANIFEST_PREFIX + hl + m->n * MANIFEST_ENTRY + MANIFEST_TRAILER;
	b = xmalloc(total);
	memcpy(b, MANIFEST_MAGIC, 8);
	manifest_put64(b + 8, hl);
	manifest_put64(b + 16, m->n);
	memcpy(b + MANIFEST_PREFIX, hs, hl);
	manifest_put_entries(m, b + MANIFEST_PREFIX + hl);
	p = b + total - MANIFEST_TRAILER;
	memcpy(p, MANIFEST_SIG_MAGIC, 8);
	if (edkey_raw_public(priv, p + 8) == -1) {
		snprintf(err, errlen, "the signing key is not an Ed25519 key");
		goto out;
	}
	if (edkey_sign(priv, b, total - MANIFEST_TRAILER, p + 40, err,
		errlen) == -1)
		goto out;
	*buf = b;
	*len = total;
	b = NULL;
	rc = 0;
out:
	json_decref(h);
	free(hs);
	free(b);
	return rc;
}

/* --- reading --- */

static uint64_t
manifest_get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static uint32_t
manifest_get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

/* Magic and lengths: the file must be exactly what its prefix says. */
static int
manifest_check_frame(const unsigned char *buf, size_t len, uint64_t *hl,
    uint64_t *n, char *err, size_t errlen)
{
	if (len < MANIFEST_PREFIX + MANIFEST_TRAILER ||
	    memcmp(buf, MANIFEST_MAGIC, 8) != 0) {
		snprintf(err, errlen, "not a kura image manifest (bad magic)");
		return -1;
	}
	*hl = manifest_get64(buf + 8);
	*n = manifest_get64(buf + 16);
	if (*hl < 2 || *hl > MANIFEST_MAX_HEADER ||
	    *n > (len - MANIFEST_PREFIX - MANIFEST_TRAILER) / MANIFEST_ENTRY ||
	    MANIFEST_PREFIX + *hl + *n * MANIFEST_ENTRY + MANIFEST_TRAILER !=
		len) {
		snprintf(err, errlen,
		    "manifest is %zu bytes, which does not match its header "
		    "length %llu and %llu entries",
		    len, (unsigned long long)*hl, (unsigned long long)*n);
		return -1;
	}
	if (memcmp(buf + len - MANIFEST_TRAILER, MANIFEST_SIG_MAGIC, 8) != 0) {
		snprintf(err, errlen, "manifest has no signature trailer");
		return -1;
	}
	return 0;
}

/* The trusted key first, so that the wrong key is reported as such. */
static int
manifest_check_sig(const unsigned char *buf, size_t len, EVP_PKEY *pub,
    char *err, size_t errlen)
{
	const unsigned char *t = buf + len - MANIFEST_TRAILER;
	unsigned char raw[EDKEY_PUB_LEN];
	char got[2 * EDKEY_ID_BYTES + 1], want[2 * EDKEY_ID_BYTES + 1];

	if (edkey_raw_public(pub, raw) == -1) {
		snprintf(err, errlen, "the trusted key is not an Ed25519 key");
		return -1;
	}
	if (memcmp(raw, t + 8, EDKEY_PUB_LEN) != 0) {
		edkey_id_raw(t + 8, got);
		edkey_id_raw(raw, want);
		snprintf(err, errlen, "signed by key %s, expected key %s", got,
		    want);
		return -1;
	}
	if (edkey_verify(pub, buf, len - MANIFEST_TRAILER, t + 40) == -1) {
		snprintf(err, errlen, "bad signature");
		return -1;
	}
	return 0;
}

static int
manifest_hex32(const char *s, unsigned char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (s == NULL || strlen(s) != 2 * CHUNK_HASH ||
	    strspn(s, hex) != 2 * CHUNK_HASH)
		return -1;
	for (i = 0; i < CHUNK_HASH; i++)
		out[i] = (unsigned char)((strchr(hex, s[2 * i]) - hex) << 4 |
		    (strchr(hex, s[2 * i + 1]) - hex));
	return 0;
}

static int
manifest_get_name(const json_t *h, const char *key, char **out, char *err,
    size_t errlen)
{
	const char *s = json_string_value(json_object_get(h, key));

	if (s == NULL || !manifest_name_ok(s)) {
		snprintf(err, errlen,
		    "header: \"%s\" missing or not a name "
		    "([A-Za-z0-9][A-Za-z0-9._-]{0,63})",
		    key);
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

static int
manifest_get_uint(const json_t *h, const char *key, int64_t min, int64_t max,
    int64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(h, key);

	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max) {
		snprintf(err, errlen,
		    "header: \"%s\" missing or not an integer in %lld..%lld",
		    key, (long long)min, (long long)max);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

static int
manifest_get_chunking(const json_t *h, struct chunk_params *p, char *err,
    size_t errlen)
{
	const json_t *c = json_object_get(h, "chunking");
	int64_t v[4];
	static const char *const keys[] = { "min_blocks", "divisor",
		"max_blocks", "zero_min_blocks" };
	int i;

	if (!json_is_object(c)) {
		snprintf(err, errlen, "header: \"chunking\" is not an object");
		return -1;
	}
	for (i = 0; i < 4; i++)
		if (manifest_get_uint(c, keys[i], 1, 1 << 20, &v[i], err,
			errlen) == -1)
			return -1;
	*p = (struct chunk_params){ (uint32_t)v[0], (uint32_t)v[1],
		(uint32_t)v[2], (uint32_t)v[3] };
	return chunk_params_check(p, err, errlen);
}

static int
manifest_get_strings(const json_t *h, struct manifest *m, char *err,
    size_t errlen)
{
	const char *fmt = json_string_value(json_object_get(h, "format"));
	const char *comp = json_string_value(json_object_get(h, "compression"));
	const char *created = json_string_value(json_object_get(h, "created"));
	const json_t *src = json_object_get(h, "source");

	if (fmt == NULL || strcmp(fmt, MANIFEST_FORMAT) != 0) {
		snprintf(err, errlen,
		    "header: format \"%.32s\", expected \"%s\"", fmt ? fmt : "",
		    MANIFEST_FORMAT);
		return -1;
	}
	if (comp == NULL || strcmp(comp, "zstd") != 0) {
		snprintf(err, errlen,
		    "header: compression \"%.32s\", expected "
		    "\"zstd\"",
		    comp ? comp : "");
		return -1;
	}
	if (manifest_hex32(json_string_value(json_object_get(h, "root")),
		m->root) == -1) {
		snprintf(err, errlen, "header: \"root\" is not 64 hex digits");
		return -1;
	}
	if (created != NULL)
		snprintf(m->created, sizeof(m->created), "%s", created);
	if (json_is_string(json_object_get(src, "format")))
		m->source_format =
		    xstrdup(json_string_value(json_object_get(src, "format")));
	return 0;
}

static int
manifest_get_meta(json_t *h, struct manifest *m, char *err, size_t errlen)
{
	json_t *md = json_object_get(h, "metadata"), *v;
	const char *k;

	if (md == NULL)
		return 0;
	if (!json_is_object(md)) {
		snprintf(err, errlen, "header: \"metadata\" is not an object");
		return -1;
	}
	json_object_foreach(md, k, v)
	{
		if (!json_is_string(v)) {
			snprintf(err, errlen,
			    "header: metadata \"%.64s\" is not a string", k);
			return -1;
		}
	}
	json_decref(m->metadata);
	m->metadata = json_deep_copy(md);
	return m->metadata == NULL ? -1 : 0;
}

static int
manifest_get_header(const unsigned char *p, size_t hl, struct manifest *m,
    char *err, size_t errlen)
{
	json_error_t je;
	json_t *h;
	const json_t *par;
	int64_t size, bs;
	int rc = -1;

	h = json_loadb((const char *)p, hl, JSON_REJECT_DUPLICATES, &je);
	if (h == NULL || !json_is_object(h)) {
		snprintf(err, errlen, "header: %s",
		    h ? "not an object" : je.text);
		goto out;
	}
	if (manifest_get_strings(h, m, err, errlen) == -1 ||
	    manifest_get_name(h, "name", &m->name, err, errlen) == -1 ||
	    manifest_get_name(h, "group", &m->group, err, errlen) == -1 ||
	    manifest_get_uint(h, "version", 1, INT64_MAX, &m->version, err,
		errlen) == -1 ||
	    manifest_get_uint(h, "size", 0, INT64_MAX, &size, err, errlen) ==
		-1 ||
	    manifest_get_uint(h, "block_size", CHUNK_BLOCK, CHUNK_BLOCK, &bs,
		err, errlen) == -1 ||
	    manifest_get_chunking(h, &m->chunking, err, errlen) == -1 ||
	    manifest_get_meta(h, m, err, errlen) == -1)
		goto out;
	m->size = (uint64_t)size;
	par = json_object_get(h, "parent");
	m->parent = json_is_integer(par) ? json_integer_value(par) : -1;
	rc = 0;
out:
	json_decref(h);
	return rc;
}

static int
manifest_check_entry(const struct manifest *m, const struct manifest_entry *e,
    size_t i, size_t n, char *err, size_t errlen)
{
	uint64_t maxlen = (uint64_t)m->chunking.max_blocks * CHUNK_BLOCK;
	int last = i + 1 == n;

	if (e->length == 0 || (!last && e->length % CHUNK_BLOCK != 0) ||
	    e->length > m->size - e->offset) {
		snprintf(err, errlen,
		    "entry %zu: bad length %llu at offset %llu", i,
		    (unsigned long long)e->length,
		    (unsigned long long)e->offset);
		return -1;
	}
	if (e->kind == CHUNK_DATA &&
	    (e->length > maxlen ||
		e->stored < chunkobj_min_stored(e->length))) {
		snprintf(err, errlen,
		    "entry %zu: chunk of %llu bytes stored in %u", i,
		    (unsigned long long)e->length, e->stored);
		return -1;
	}
	if (e->kind != CHUNK_DATA &&
	    (e->kind != CHUNK_ZERO || e->stored != 0)) {
		snprintf(err, errlen, "entry %zu: unknown kind %u", i, e->kind);
		return -1;
	}
	return 0;
}

static int
manifest_get_entries(const unsigned char *p, size_t n, struct manifest *m,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++, p += MANIFEST_ENTRY) {
		manifest_add(m, manifest_get32(p + 8), manifest_get64(p),
		    manifest_get32(p + 12), p + 16);
		if (manifest_check_entry(m, &m->e[i], i, n, err, errlen) == -1)
			return -1;
	}
	if ((n == 0 ? 0 : m->e[n - 1].offset + m->e[n - 1].length) != m->size) {
		snprintf(err, errlen,
		    "entries cover %llu bytes, the image has %llu",
		    (unsigned long long)(n
			    ? m->e[n - 1].offset + m->e[n - 1].length
			    : 0),
		    (unsigned long long)m->size);
		return -1;
	}
	return 0;
}

int
manifest_parse(const unsigned char *buf, size_t len, EVP_PKEY *pub,
    struct manifest *m, char *err, size_t errlen)
{
	uint64_t hl, n;

	manifest_init(m);
	if (manifest_check_frame(buf, len, &hl, &n, err, errlen) == -1 ||
	    (pub != NULL &&
		manifest_check_sig(buf, len, pub, err, errlen) == -1) ||
	    manifest_get_header(buf + MANIFEST_PREFIX, hl, m, err, errlen) ==
		-1 ||
	    manifest_get_entries(buf + MANIFEST_PREFIX + hl, n, m, err,
		errlen) == -1) {
		manifest_free(m);
		manifest_init(m);
		return -1;
	}
	memcpy(m->signer, buf + len - MANIFEST_TRAILER + 8, EDKEY_PUB_LEN);
	return 0;
}

int
manifest_load(const char *path, EVP_PKEY *pub, struct manifest *m, char *err,
    size_t errlen)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char why[256];
	int rc = -1, e;

	manifest_init(m); /* what a failure leaves: empty, safe to free */
	if ((e = file_read_all(path, MANIFEST_MAX_FILE, &buf, &len)) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-e));
		goto out;
	}
	if (manifest_parse(buf, len, pub, m, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}
