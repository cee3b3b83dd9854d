/* fuzz_known_hosts.c: a known_hosts file as the user (or anyone who wrote it) left it, read and
 * edited by core/ssh (sshfiles.h) in a private temporary home. Checks: looking up three names at once
 * says what the three lookups one by one say together (revoked wins, then a matching key, then a
 * changed one); a file never makes the lookup an error; when no name is known, adding the key for
 * them (plain, and hashed) makes every name match and removing it gives the file back byte for
 * byte; when a name has a changed or revoked key, adding is refused and nothing is written. An
 * input whose first line is a valid host name (ssh_name_valid, checked on its own terms) is
 * looked up and added too; odd-sized inputs use port 2222 ("[name]:2222"). */
#include "tests/fuzz/fuzz_sshkey.h"
#include "core/base/text.h"

#include <arpa/inet.h>
#include <errno.h>

/* ssh_name_valid's promise: an IPv4 address, an IPv6 address with an optional %interface, or
 * dot-separated labels of [A-Za-z0-9_-] (no '-' at either end), not all digits at the end. */
static void check_name(const char *s)
{
	unsigned char a[16];
	if (inet_pton(AF_INET, s, a) == 1)
		return;
	if (strchr(s, ':')) {
		char addr[64];
		const char *pct = strchr(s, '%');
		snprintf(addr, sizeof(addr), "%.*s", (int)(pct ? pct - s : (long)strlen(s)), s);
		FZ_CHECK(inet_pton(AF_INET6, addr, a) == 1, "not an IPv6 address: %s", s);
		FZ_CHECK(!pct || text_is_ifname(pct + 1), "not an interface: %s", s);
		return;
	}
	size_t n = strlen(s);
	FZ_CHECK(n >= 1 && n <= 253 &&
			 strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
				   "XYZ0123456789-_.") == n,
		 "not a plain name: %s", s);
	FZ_CHECK(s[0] != '.' && s[n - 1] != '.' && !strstr(s, "..") && s[0] != '-' &&
			 s[n - 1] != '-' && !strstr(s, "-.") && !strstr(s, ".-"),
		 "a label is empty or starts or ends with '-': %s", s);
	const char *last = strrchr(s, '.');
	last = last ? last + 1 : s;
	FZ_CHECK(strspn(last, "0123456789") != strlen(last), "all digits at the end: %s", s);
}

static enum kh_status check(const char *path, const char *const *names, size_t n, unsigned port,
			    size_t lines)
{
	char where[512];
	enum kh_status st = known_hosts_check(path, names, n, port, "ssh-ed25519", fz_key_b64,
					      where, sizeof(where));
	FZ_CHECK(st != KH_ERROR, "a known_hosts file made the lookup fail: %s", where);
	if (st != KH_UNKNOWN) {
		size_t pl = strlen(path);
		char *end;
		FZ_CHECK(strncmp(where, path, pl) == 0 && where[pl] == ':', "where: %s", where);
		unsigned long line = strtoul(where + pl + 1, &end, 10);
		FZ_CHECK(!*end && line >= 1 && line <= lines, "line %lu of %zu", line, lines);
	} else {
		FZ_CHECK(!where[0], "where for an unknown key: %s", where);
	}
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256], err[1024];
	fz_ssh_path("known_hosts", path, sizeof(path));
	fz_write(path, data, size);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	unsigned port = size % 2 ? 2222 : 22;

	const char *names[4] = { "spark-2.local", "192.168.100.11",
				 "fe80::4ebb:47ff:fe2c:11f1%enp1s0f1np1", NULL };
	size_t n = 3;
	const uint8_t *nl = memchr(data, '\n', size);
	char *first = fz_strndup(data, nl ? (size_t)(nl - data) : size);
	if (ssh_name_valid(first)) {
		check_name(first);
		names[n++] = first;
	}
	size_t distinct = n;
	if (n == 4)
		for (size_t i = 0; i < 3; i++)
			if (strcasecmp(names[3], names[i]) == 0)
				distinct = 3;

	enum kh_status all = check(path, names, n, port, lines);
	bool any[KH_ERROR + 1] = { false };
	for (size_t i = 0; i < n; i++)
		any[check(path, &names[i], 1, port, lines)] = true;
	enum kh_status want = any[KH_REVOKED]	? KH_REVOKED
			      : any[KH_OK]	? KH_OK
			      : any[KH_CHANGED] ? KH_CHANGED
						: KH_UNKNOWN;
	FZ_CHECK(all == want, "all names at once: %s, one by one: %s", kh_status_word(all),
		 kh_status_word(want));

	if (any[KH_CHANGED] || any[KH_REVOKED]) {
		int added = -1;
		int r = known_hosts_add(&fz_user, path, names, n, port, "ssh-ed25519", fz_key_b64,
					false, &added, err, sizeof(err));
		FZ_CHECK(r == -EKEYREJECTED || r == -EKEYREVOKED,
			 "a changed key was added (%d): %s", r, err);
		fz_expect_file(path, data, size, "a refused add");
	} else if (all == KH_UNKNOWN) {
		for (int hashed = 0; hashed <= 1; hashed++) {
			int added = -1, removed = -1;
			int r = known_hosts_add(&fz_user, path, names, n, port, "ssh-ed25519",
						fz_key_b64, hashed, &added, err, sizeof(err));
			FZ_CHECK(r == 0 && added == (int)distinct, "add (hashed %d): %d, %d: %s",
				 hashed, r, added, err);
			size_t nlen;
			char *now = fz_read(path, &nlen);
			FZ_CHECK(now && nlen > size && memcmp(now, data, size) == 0,
				 "add changed the bytes before it");
			size_t nlines = 1;
			for (size_t i = 0; i < nlen; i++)
				nlines += now[i] == '\n';
			free(now);
			for (size_t i = 0; i < n; i++)
				FZ_CHECK(check(path, &names[i], 1, port, nlines) == KH_OK,
					 "%s is not known after add (hashed %d)", names[i], hashed);
			r = known_hosts_remove(&fz_user, path, names, n, port, "ssh-ed25519",
					       fz_key_b64, &removed, err, sizeof(err));
			FZ_CHECK(r == 0 && removed == (int)distinct,
				 "remove (hashed %d): %d, %d: %s", hashed, r, removed, err);
			fz_expect_file(path, data, size,
				       hashed ? "hashed add, remove" : "add, remove");
		}
	}
	free(first);
	return 0;
}
