/* libFuzzer target: image manifests (lib/manifest.c) and chunk objects
 * (lib/chunkobj.c), which a laptop receives from the network.  The
 * signature is not checked here (pub NULL) so that the fuzzer reaches the
 * header and the entries; for objects, the id is taken from the object's
 * own block table so that the frames are decoded too. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "chunker.h"
#include "chunkobj.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_object(const uint8_t *data, size_t size)
{
	static unsigned char out[CHUNKOBJ_MAX_BLOCKS * CHUNK_BLOCK];
	static struct chunk_hasher hs;
	static ZSTD_DCtx *dctx;
	struct chunk_digest d;
	unsigned char id[CHUNK_HASH];
	uint32_t n, len, k;
	char err[256];

	if (dctx == NULL) {
		chunk_hasher_init(&hs);
		dctx = ZSTD_createDCtx();
	}
	memcpy(&n, data + 8, 4);
	memcpy(&len, data + 12, 4);
	if (n == 0 || n > CHUNKOBJ_MAX_BLOCKS || size < chunkobj_table_len(n))
		return;
	chunk_digest_begin(&d, &hs);
	for (k = 0; k < n; k++)
		chunk_digest_add(&d, data + CHUNKOBJ_HDR + k * CHUNKOBJ_ENT,
		    CHUNK_HASH);
	chunk_digest_end(&d, id);
	chunkobj_decode(dctx, &hs, data, size, id, len, out, err, sizeof(err));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	uint64_t end = 0;
	size_t i;
	char err[512];

	if (size >= CHUNKOBJ_HDR && memcmp(data, CHUNKOBJ_MAGIC, 8) == 0) {
		fuzz_object(data, size);
		return 0;
	}
	if (manifest_parse(data, size, NULL, &m, err, sizeof(err)) == 0) {
		/* What the parser promises its callers. */
		for (i = 0; i < m.n; i++) {
			if (m.e[i].offset != end || m.e[i].length == 0)
				__builtin_trap();
			end += m.e[i].length;
		}
		if (end != m.size)
			__builtin_trap();
	}
	manifest_free(&m);
	return 0;
}
