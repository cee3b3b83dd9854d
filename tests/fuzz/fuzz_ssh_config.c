/* fuzz_ssh_config.c: a ~/.ssh/config as the user left it, read and edited by core/ssh (sshfiles.h) in
 * a private temporary home. HashKnownHosts is looked up in it (inputs with an Include are left
 * out of that lookup: Include reads other files, by design, and a fuzzer must not roam the
 * machine's files; the unit tests cover Include). Adding sparklink's Host block for a peer
 * either is refused because the user has a Host line for that alias (nothing written) or
 * writes it; adding it again changes nothing; removing it gives the file back byte for byte
 * (checked when the file had no sparklink block before). */
#include "tests/fuzz/fuzz_sshkey.h"

#include <errno.h>
#include <strings.h>

static bool has_word(const uint8_t *data, size_t size, const char *w)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i + wl <= size; i++)
		if (strncasecmp((const char *)data + i, w, wl) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256], err[1024];
	fz_ssh_path("config", path, sizeof(path));
	fz_write(path, data, size);
	if (!has_word(data, size, "include"))
		ssh_config_hash_known_hosts(fz_user.home, path, NULL);

	const char *names[] = { "spark-2.local", "192.168.100.11" };
	bool changed = false, removed = false;
	int r = ssh_config_add_host(&fz_user, "spark-2", names, 2, "alice", &changed, err,
				    sizeof(err));
	FZ_CHECK(r == 0 || r == -EEXIST, "add: %d: %s", r, err);
	if (r == -EEXIST || !changed) {
		fz_expect_file(path, data, size,
			       r ? "a refused add" : "an add that changed nothing");
		return 0;
	}
	r = ssh_config_add_host(&fz_user, "spark-2", names, 2, "alice", &changed, err, sizeof(err));
	FZ_CHECK(r == 0 && !changed, "the same add again: %d, changed %d: %s", r, changed, err);
	r = ssh_config_remove_host(&fz_user, "spark-2", &removed, err, sizeof(err));
	if (!has_word(data, size, "# sparklink: peer")) {
		FZ_CHECK(r == 0 && removed, "remove after add: %d: %s", r, err);
		fz_expect_file(path, data, size, "add, remove");
	}
	return 0;
}
