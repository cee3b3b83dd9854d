/* fuzz_authorized_keys.c: an authorized_keys file as the user (or anyone) left it, edited by
 * core/ssh (sshfiles.h) in a private temporary home, and each of its lines as a key line a peer could
 * send. A line pubkey_line_valid() accepts is "type base64[ comment]" of a known type whose blob
 * names that type, in printable ASCII without quotes, backslashes, $ or `. Adding the peer's key
 * line either finds it there (the file stays as it was) or appends it after every existing byte
 * (with the newline rules of sshfiles.h); removing it then gives the file back byte for byte. */
#include "tests/fuzz/fuzz_sshkey.h"

static const char *const TYPES[] = {
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"ssh-rsa",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
};

/* pubkey_line_valid's promise, checked on its own terms */
static void check_key_line(const char *line)
{
	for (const char *c = line; *c; c++)
		FZ_CHECK(*c >= 0x20 && *c <= 0x7e,
			 "a control or non-ASCII byte in a valid key line");
	const char *sp = strchr(line, ' ');
	FZ_CHECK(sp, "no space in a valid key line");
	size_t tn = (size_t)(sp - line);
	bool known = false;
	for (size_t i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++)
		known |= strlen(TYPES[i]) == tn && memcmp(TYPES[i], line, tn) == 0;
	FZ_CHECK(known, "an unknown key type in a valid key line");
	const char *b = sp + 1, *e = strchr(b, ' ');
	size_t bn = e ? (size_t)(e - b) : strlen(b);
	uint8_t *blob = malloc(bn + 1);
	if (!blob)
		abort();
	long n = base64_decode(b, bn, blob, bn);
	FZ_CHECK(n >= 4 && (size_t)n >= 4 + tn && blob[0] == 0 && blob[1] == 0 &&
			 ((size_t)blob[2] << 8 | blob[3]) == tn && memcmp(blob + 4, line, tn) == 0,
		 "the blob of a valid key line does not name its type");
	free(blob);
	if (e) {
		FZ_CHECK(e[1] && e[1] != ' ' && !strpbrk(e + 1, "\"'\\$`"),
			 "a comment that is not plain");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256], err[1024];
	fz_ssh_path("authorized_keys", path, sizeof(path));

	char *text = fz_strndup(data, size);
	for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (pubkey_line_valid(l))
			check_key_line(l);
	free(text);

	fz_write(path, data, size);
	bool added = false, removed = false;
	int r = authkeys_add(&fz_user, fz_key_line, &added, err, sizeof(err));
	FZ_CHECK(r == 0, "add failed: %s", err);
	if (!added) {
		fz_expect_file(path, data, size, "an add that found the key");
		return 0;
	}
	size_t kl = strlen(fz_key_line), wl = size + kl + 1;
	char *want = malloc(wl);
	if (!want)
		abort();
	if (size)
		memcpy(want, data, size);
	if (size && data[size - 1] != '\n') {
		want[size] = '\n';
		memcpy(want + size + 1, fz_key_line, kl);
	} else {
		memcpy(want + size, fz_key_line, kl);
		want[size + kl] = '\n';
	}
	fz_expect_file(path, want, wl, "add");
	free(want);
	r = authkeys_remove(&fz_user, fz_key_line, &removed, err, sizeof(err));
	FZ_CHECK(r == 0 && removed, "remove after add: %d: %s", r, err);
	fz_expect_file(path, data, size, "add, remove");
	return 0;
}
