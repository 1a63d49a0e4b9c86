/*
 * edkey.c: Ed25519 key pairs and signatures through OpenSSL EVP, shared by
 * signed policies (policy/sign.c) and signed image manifests (lib/manifest.c).
 *
 * All cryptography is OpenSSL's; this file only handles key files (PEM,
 * never overwritten, fsynced) and turns OpenSSL's errors into sentences.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "edkey.h"

#define EDKEY_HEX_DIGITS "0123456789abcdef"

/* OpenSSL's reason for the last failure.  The queue is emptied so that a
 * later, unrelated failure does not report this stale one. */
const char *
edkey_ossl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r != NULL ? r : "unknown error";
}

void
edkey_hex(const unsigned char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = EDKEY_HEX_DIGITS[in[i] >> 4];
		out[2 * i + 1] = EDKEY_HEX_DIGITS[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
edkey_is_ed25519(const EVP_PKEY *key)
{
	return key != NULL && EVP_PKEY_is_a(key, "ED25519");
}

/* Opens a new file, never an existing one: a key pair must not silently
 * replace the one everything was signed with. */
static FILE *
edkey_create(const char *path, mode_t mode, char *err, size_t errlen)
{
	FILE *fp;
	int fd;

	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
	if (fd == -1) {
		if (errno == EEXIST)
			snprintf(err, errlen,
			    "%s already exists; refusing to overwrite it",
			    path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return fp;
}

/* Writes key as PEM and closes fp.  The stdio buffer is ours so the copy of
 * the private key it holds can be wiped; fsync because the operator is told
 * the key exists once this returns. */
static int
edkey_write_key(FILE *fp, const char *path, EVP_PKEY *key, int private,
    char *err, size_t errlen)
{
	char buf[BUFSIZ];
	int ok, rc = -1;

	setvbuf(fp, buf, _IOFBF, sizeof(buf));
	if (private)
		ok = PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
	else
		ok = PEM_write_PUBKEY(fp, key);
	if (!ok)
		snprintf(err, errlen, "%s: cannot write the key (%s)", path,
		    edkey_ossl_reason());
	else if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else
		rc = 0;
	if (fclose(fp) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

int
edkey_keygen(const char *priv_path, const char *pub_path, char *err,
    size_t errlen)
{
	EVP_PKEY *key = NULL;
	FILE *priv = NULL, *pub = NULL;
	int rc = -1;

	key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (key == NULL) {
		snprintf(err, errlen, "cannot generate an Ed25519 key (%s)",
		    edkey_ossl_reason());
		goto out;
	}
	if ((priv = edkey_create(priv_path, 0600, err, errlen)) == NULL)
		goto out;
	if ((pub = edkey_create(pub_path, 0644, err, errlen)) == NULL) {
		/* Half a key pair is worse than none. */
		fclose(priv);
		unlink(priv_path);
		goto out;
	}
	rc = edkey_write_key(priv, priv_path, key, 1, err, errlen);
	if (rc == 0)
		rc = edkey_write_key(pub, pub_path, key, 0, err, errlen);
	else
		fclose(pub);
	if (rc == -1) {
		unlink(priv_path);
		unlink(pub_path);
	}
out:
	EVP_PKEY_free(key);
	return rc;
}

/* No passphrase prompt on the terminal: keys are not encrypted, and a
 * daemon has no one to ask. */
static int
edkey_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static EVP_PKEY *
edkey_load(const char *path, int private, char *err, size_t errlen)
{
	char buf[BUFSIZ];
	EVP_PKEY *key = NULL;
	FILE *fp = NULL;

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* Our buffer, so the private key text read through it can be wiped. */
	setvbuf(fp, buf, _IOFBF, sizeof(buf));
	if (private)
		key = PEM_read_PrivateKey(fp, NULL, edkey_no_passphrase, NULL);
	else
		key = PEM_read_PUBKEY(fp, NULL, edkey_no_passphrase, NULL);
	if (key == NULL) {
		snprintf(err, errlen, "%s: no PEM %s key (%s)", path,
		    private ? "private" : "public", edkey_ossl_reason());
		goto out;
	}
	if (!edkey_is_ed25519(key)) {
		snprintf(err, errlen, "%s: not an Ed25519 key", path);
		EVP_PKEY_free(key);
		key = NULL;
	}
out:
	if (fp != NULL)
		fclose(fp);
	OPENSSL_cleanse(buf, sizeof(buf));
	return key;
}

EVP_PKEY *
edkey_load_private(const char *path, char *err, size_t errlen)
{
	return edkey_load(path, 1, err, errlen);
}

EVP_PKEY *
edkey_load_public(const char *path, char *err, size_t errlen)
{
	return edkey_load(path, 0, err, errlen);
}

void
edkey_id_raw(const unsigned char *raw, char *buf)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;

	if (EVP_Digest(raw, EDKEY_PUB_LEN, md, &mdlen, EVP_sha256(), NULL) !=
	    1) {
		ERR_clear_error();
		memset(md, 0, sizeof(md));
	}
	edkey_hex(md, EDKEY_ID_BYTES, buf);
}

int
edkey_id(EVP_PKEY *key, char *buf, size_t len)
{
	unsigned char raw[EDKEY_PUB_LEN];

	if (len < 2 * EDKEY_ID_BYTES + 1 || edkey_raw_public(key, raw) == -1)
		return -1;
	edkey_id_raw(raw, buf);
	return 0;
}

/* Ed25519 hashes the message itself, hence the NULL digest and the
 * one-shot EVP_DigestSign. */
int
edkey_sign(EVP_PKEY *priv, const void *msg, size_t len, unsigned char *sig,
    char *err, size_t errlen)
{
	EVP_MD_CTX *ctx = NULL;
	size_t siglen = EDKEY_SIG_LEN;
	int rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, priv) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1 ||
	    siglen != EDKEY_SIG_LEN) {
		snprintf(err, errlen, "cannot sign (%s)", edkey_ossl_reason());
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
edkey_verify(EVP_PKEY *pub, const void *msg, size_t len,
    const unsigned char *sig)
{
	EVP_MD_CTX *ctx = NULL;
	int rc = -1;

	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) == 1 &&
	    EVP_DigestVerify(ctx, sig, EDKEY_SIG_LEN, msg, len) == 1)
		rc = 0;
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
edkey_raw_public(EVP_PKEY *key, unsigned char *raw)
{
	size_t rawlen = EDKEY_PUB_LEN;

	if (!edkey_is_ed25519(key) ||
	    EVP_PKEY_get_raw_public_key(key, raw, &rawlen) != 1 ||
	    rawlen != EDKEY_PUB_LEN) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}
