/* fuzz_sshkey.h: the key and the user the SSH-file targets edit with: a well-formed ed25519
 * public key (its base64 blob, and the key line a peer sends), and the current user with the
 * fuzz target's private home (fuzz.h), so that every edit stays in a temporary directory. */
#ifndef SPARKLINK_FUZZ_SSHKEY_H
#define SPARKLINK_FUZZ_SSHKEY_H

#include "tests/fuzz/fuzz.h"
#include "core/base/base64.h"
#include "core/ssh/sshfiles.h"

static char fz_key_b64[80] __attribute__((unused));
static char fz_key_line[160] __attribute__((unused));
static struct ssh_user fz_user __attribute__((unused));

static inline void fz_ssh_init(void)
{
	if (fz_user.home[0])
		return;
	unsigned char blob[4 + 11 + 4 + 32] = { 0, 0, 0, 11 };
	memcpy(blob + 4, "ssh-ed25519", 11);
	blob[18] = 32;
	for (int i = 0; i < 32; i++)
		blob[19 + i] = (unsigned char)(0x5a ^ (i * 7));
	base64_encode(blob, sizeof(blob), fz_key_b64);
	snprintf(fz_key_line, sizeof(fz_key_line), "ssh-ed25519 %s sparklink@spark-2", fz_key_b64);
	strcpy(fz_user.name, "fuzz");
	fz_user.uid = geteuid();
	fz_user.gid = getegid();
	snprintf(fz_user.home, sizeof(fz_user.home), "%s", fz_home());
}

/* path of ~/.ssh/NAME in the private home */
static inline void fz_ssh_path(const char *name, char *out, size_t size)
{
	fz_ssh_init();
	snprintf(out, size, "%s/.ssh/%s", fz_user.home, name);
}

/* The file must now hold exactly these bytes. */
static inline void fz_expect_file(const char *path, const void *want, size_t size, const char *what)
{
	size_t n;
	char *got = fz_read(path, &n);
	FZ_CHECK(got && n == size && (!size || memcmp(got, want, size) == 0),
		 "%s: the file is not what it should be (%zu bytes, want %zu)", what, n, size);
	free(got);
}

#endif
