/* keygen.c: the `keygen PREFIX` command that kura-policy and kura-image
 * share: one Ed25519 pair, PREFIX.key (0600) and PREFIX.pub. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "edkey.h"
#include "keygen.h"
#include "xalloc.h"

int
keygen_cmd(const char *prog, int argc, char **argv)
{
	char err[256], id[17], *priv = NULL, *pub = NULL;
	EVP_PKEY *key = NULL;
	int rc = CLI_EXIT_FAIL;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr,
		    "usage: %s keygen PREFIX\n"
		    "  writes PREFIX.key (private, mode 0600) and "
		    "PREFIX.pub\n",
		    prog);
		return CLI_EXIT_USAGE;
	}
	xasprintf(&priv, "%s.key", argv[1]);
	xasprintf(&pub, "%s.pub", argv[1]);
	if (edkey_keygen(priv, pub, err, sizeof(err)) == -1 ||
	    (key = edkey_load_public(pub, err, sizeof(err))) == NULL ||
	    edkey_id(key, id, sizeof(id)) == -1) {
		fprintf(stderr, "%s: keygen: %s\n", prog, err);
		goto out;
	}
	printf("key %s: private %s, public %s\n", id, priv, pub);
	rc = CLI_EXIT_OK;
out:
	EVP_PKEY_free(key);
	free(priv);
	free(pub);
	return rc;
}
