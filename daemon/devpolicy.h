/*
 * devpolicy: the signed device policy kurad enforces.  At start it is
 * read from policy (kurad.conf) and checked against policy_key; later an
 * admin replaces it with `kuractl policy load`, which sends the signed
 * file over the control socket.  A new policy must carry a good signature
 * by that key and a version no older than the one in force (an equal
 * version only with identical contents), and must compile.  It is then
 * written over the policy file (atomically, so a crash leaves the old or
 * the new one) and every device is decided on again.
 */
#ifndef KURA_DEVPOLICY_H
#define KURA_DEVPOLICY_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

struct devices;

/* At start: a bad or missing file leaves every device denied. */
void devpolicy_load_file(struct devices *ds);
/* Installs a signed policy envelope; 0, or -errno with the reason in
 * err.  uid is the kernel's word on who asked, for the audit log. */
int devpolicy_install(struct devices *ds, const json_t *env, uid_t uid,
    char *err, size_t errlen);
/* What is in force: version, rules, key id, sha256, file. */
json_t *devpolicy_json(const struct devices *ds);

#endif
