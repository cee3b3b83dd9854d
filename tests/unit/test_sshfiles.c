/* test_sshfiles.c: ~/.ssh and its files as pairing edits them. What a user would check with
 * `cat -A`, `stat` and `ls -l`: the old bytes are still there (as a prefix, or exactly after a
 * rollback), nothing is rewritten when nothing changes (same inode), modes and owners are
 * right, links are refused; and known_hosts lookups answer what ssh(1) would.
 *
 * Keys here are synthetic blobs ("type" + 32 bytes): the module checks their shape, not the
 * curve. Real keys made by ssh-keygen are in tests/cli/test_sshfiles_openssh.sh. Hashed
 * known_hosts lines are built here from hmac_sha1 (checked against RFC 2202 in test_sha1.c). */
#include "core/base/base64.h"
#include "core/base/sha1.h"
#include "core/ssh/sshfiles.h"
#include "core/ssh/sshsession.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

/* ---- helpers ------------------------------------------------------------------------------- */

struct env {
	char home[PATH_MAX];
	char ssh[PATH_MAX];
	char ak[PATH_MAX], kh[PATH_MAX], cfg[PATH_MAX];
	struct ssh_user u;
	char err[1024];
};

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int env_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	snprintf(e->home, sizeof(e->home), "%s/sl-sshfiles-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(e->home))
		return -1;
	snprintf(e->ssh, sizeof(e->ssh), "%s/.ssh", e->home);
	snprintf(e->ak, sizeof(e->ak), "%s/authorized_keys", e->ssh);
	snprintf(e->kh, sizeof(e->kh), "%s/known_hosts", e->ssh);
	snprintf(e->cfg, sizeof(e->cfg), "%s/config", e->ssh);
	snprintf(e->u.name, sizeof(e->u.name), "tester");
	e->u.uid = geteuid();
	e->u.gid = getegid();
	snprintf(e->u.home, sizeof(e->u.home), "%s", e->home);
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;
	nftw(e->home, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(e);
	return 0;
}

static void write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s), 0600);
}

/* Whole file, NUL-terminated; NULL if it does not exist. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *d = malloc(SSHFILES_MAX_SIZE + 16);
	size_t n = fread(d, 1, SSHFILES_MAX_SIZE + 8, f);
	fclose(f);
	d[n] = '\0';
	if (len)
		*len = n;
	return d;
}

static void assert_file_is(const char *path, const char *want, size_t wantlen)
{
	size_t n = 0;
	char *d = read_all(path, &n);
	assert_non_null(d);
	if (n != wantlen || memcmp(d, want, n)) {
		fprintf(stderr, "%s holds (%zu bytes):\n[%s]\nwant (%zu bytes):\n[%.*s]\n", path, n,
			d, wantlen, (int)wantlen, want);
		fail();
	}
	free(d);
}

static void assert_file_str(const char *path, const char *want)
{
	assert_file_is(path, want, strlen(want));
}

static void mkdir_ssh(struct env *e)
{
	assert_int_equal(mkdir(e->ssh, 0700), 0);
}

static size_t put_string(uint8_t *blob, size_t n, const void *s, size_t len)
{
	blob[n++] = (uint8_t)(len >> 24);
	blob[n++] = (uint8_t)(len >> 16);
	blob[n++] = (uint8_t)(len >> 8);
	blob[n++] = (uint8_t)len;
	memcpy(blob + n, s, len);
	return n + len;
}

/* A synthetic public key blob with the fields of its type (bytes from seed), in base64. */
static void make_key(const char *type, unsigned seed, char *b64, size_t size)
{
	uint8_t blob[512], bytes[160];
	size_t n = put_string(blob, 0, type, strlen(type));
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(seed * 131 + i * 7 + 1);
	if (!strcmp(type, "ssh-ed25519")) {
		n = put_string(blob, n, bytes, 32);
	} else if (!strcmp(type, "sk-ssh-ed25519@openssh.com")) {
		n = put_string(blob, n, bytes, 32);
		n = put_string(blob, n, "ssh:", 4);
	} else if (!strcmp(type, "ecdsa-sha2-nistp256")) {
		n = put_string(blob, n, "nistp256", 8);
		bytes[0] = 4;
		n = put_string(blob, n, bytes, 65);
	} else if (!strcmp(type, "ssh-rsa")) {
		n = put_string(blob, n, "\x01\x00\x01", 3);
		bytes[0] = 0;
		bytes[1] |= 0x80;
		n = put_string(blob, n, bytes, 129);
	} else {
		fail_msg("make_key: no recipe for %s", type);
	}
	assert_true(base64_encoded_len(n) < size);
	base64_encode(blob, n, b64);
}

#define ED "ssh-ed25519"
#define EC "ecdsa-sha2-nistp256"

struct keys {
	char k1[128], k2[128], k3[128], k4[128], ec[256];
	char line1[256], line1b[256], line2[256];
};

static void keys_init(struct keys *k)
{
	make_key(ED, 1, k->k1, sizeof(k->k1));
	make_key(ED, 2, k->k2, sizeof(k->k2));
	make_key(ED, 3, k->k3, sizeof(k->k3));
	make_key(ED, 4, k->k4, sizeof(k->k4));
	make_key(EC, 5, k->ec, sizeof(k->ec));
	snprintf(k->line1, sizeof(k->line1), ED " %s alice@spark-1", k->k1);
	snprintf(k->line1b, sizeof(k->line1b), ED " %s another comment", k->k1);
	snprintf(k->line2, sizeof(k->line2), ED " %s bob@spark-2", k->k2);
}

static void hashed_name(const char *name, unsigned seed, char *out, size_t size)
{
	uint8_t salt[SHA1_LEN], mac[SHA1_LEN];
	char s64[40], m64[40];
	for (int i = 0; i < SHA1_LEN; i++)
		salt[i] = (uint8_t)(seed + (unsigned)i * 13);
	hmac_sha1(salt, sizeof(salt), name, strlen(name), mac);
	base64_encode(salt, sizeof(salt), s64);
	base64_encode(mac, sizeof(mac), m64);
	snprintf(out, size, "|1|%s|%s", s64, m64);
}

static bool same_inode(const char *path, const struct stat *before)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	return st.st_ino == before->st_ino && st.st_mtim.tv_sec == before->st_mtim.tv_sec &&
	       st.st_mtim.tv_nsec == before->st_mtim.tv_nsec;
}

/* ---- validation ---------------------------------------------------------------------------- */

static void test_pubkey_line_valid(void **state)
{
	(void)state;
	struct keys k;
	keys_init(&k);
	char l[1024], ec[256], rsa[512], sk[128];
	make_key(EC, 9, ec, sizeof(ec));
	make_key("ssh-rsa", 9, rsa, sizeof(rsa));
	make_key("sk-ssh-ed25519@openssh.com", 9, sk, sizeof(sk));

	assert_true(pubkey_line_valid(k.line1));
	snprintf(l, sizeof(l), ED " %s", k.k1);
	assert_true(pubkey_line_valid(l));
	snprintf(l, sizeof(l), EC " %s root@spark-1 (work key) 2024-01-01", ec);
	assert_true(pubkey_line_valid(l));
	snprintf(l, sizeof(l), "ssh-rsa %s x", rsa);
	assert_true(pubkey_line_valid(l));
	snprintf(l, sizeof(l), "sk-ssh-ed25519@openssh.com %s yubikey", sk);
	assert_true(pubkey_line_valid(l));

	const char *bad_comments[] = { "a\"b", "a'b",  "a\\b",	      "$(reboot)", "`reboot`",
				       "a\tb", "a\nb", "caf\xc3\xa9", "a\rb" };
	for (size_t i = 0; i < sizeof(bad_comments) / sizeof(bad_comments[0]); i++) {
		snprintf(l, sizeof(l), ED " %s %s", k.k1, bad_comments[i]);
		assert_false(pubkey_line_valid(l));
	}
	snprintf(l, sizeof(l), "ssh-dss %s x", k.k1); /* unknown type */
	assert_false(pubkey_line_valid(l));
	snprintf(l, sizeof(l), EC " %s x", k.k1); /* the blob says ssh-ed25519 */
	assert_false(pubkey_line_valid(l));
	snprintf(l, sizeof(l), ED "  %s x", k.k1); /* double space */
	assert_false(pubkey_line_valid(l));
	snprintf(l, sizeof(l), ED " %s ", k.k1); /* trailing space */
	assert_false(pubkey_line_valid(l));
	snprintf(l, sizeof(l), ED " %s x\n", k.k1); /* newline */
	assert_false(pubkey_line_valid(l));
	snprintf(l, sizeof(l), "no-pty " ED " %s x", k.k1); /* options */
	assert_false(pubkey_line_valid(l));
	snprintf(l, sizeof(l), ED " %.20s!%s x", k.k1, k.k1 + 21); /* not base64 */
	assert_false(pubkey_line_valid(l));
	snprintf(l, sizeof(l), ED " %.*s x", (int)strlen(k.k1) - 4, k.k1); /* cut short */
	assert_false(pubkey_line_valid(l));
	assert_false(pubkey_line_valid(""));
	assert_false(pubkey_line_valid(ED));

	/* the blob must hold exactly the fields of its type */
	uint8_t blob[600];
	char b64[900];
	long bn = base64_decode(k.k1, strlen(k.k1), blob, sizeof(blob));
	assert_true(bn > 0);
	memcpy(blob + bn, "xyz", 3); /* bytes after the key */
	base64_encode(blob, (size_t)bn + 3, b64);
	snprintf(l, sizeof(l), ED " %s x", b64);
	assert_false(pubkey_line_valid(l));
	assert_false(ssh_key_valid(ED, b64));
	bn = base64_decode(ec, strlen(ec), blob, sizeof(blob));
	memcpy(blob + 4 + strlen(EC) + 4, "nistp384", 8); /* the curve is not the type's */
	base64_encode(blob, (size_t)bn, b64);
	snprintf(l, sizeof(l), EC " %s x", b64);
	assert_false(pubkey_line_valid(l));
	bn = base64_decode(ec, strlen(ec), blob, sizeof(blob));
	blob[4 + strlen(EC) + 4 + 8 + 4] = 2; /* a compressed point */
	base64_encode(blob, (size_t)bn, b64);
	snprintf(l, sizeof(l), EC " %s x", b64);
	assert_false(pubkey_line_valid(l));
	bn = base64_decode(rsa, strlen(rsa), blob, sizeof(blob));
	size_t nlen_at = 4 + 7 + 4 + 3; /* the modulus: cut to 512 bits */
	blob[nlen_at + 3] = 65;
	base64_encode(blob, nlen_at + 4 + 65, b64);
	snprintf(l, sizeof(l), "ssh-rsa %s x", b64);
	assert_false(pubkey_line_valid(l));
	/* a blob of another type name with the fields of an ed25519 key */
	size_t on = put_string(blob, 0, "ssh-ed448", 9);
	on = put_string(blob, on, "0123456789abcdef0123456789abcdef", 32);
	base64_encode(blob, on, b64);
	snprintf(l, sizeof(l), ED " %s x", b64);
	assert_false(pubkey_line_valid(l));
	assert_true(ssh_key_valid(ED, k.k1));
	assert_false(ssh_key_valid("ssh-dss", k.k1));
	assert_false(ssh_key_valid(ED, NULL));
	assert_false(pubkey_line_valid(NULL));
}

static void test_name_valid(void **state)
{
	(void)state;
	const char *good[] = { "spark-1", "spark-1.local",	 "SPARK-2.Lab",	  "10.0.0.2",
			       "::1",	  "fe80::1%enp1s0f0np0", "2001:db8::42",  "x_y",
			       "a",	  "169.254.3.4",	 "fe80::abcd:1%3" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!ssh_name_valid(good[i]))
			fail_msg("'%s' should be valid", good[i]);
	}
	const char *bad[] = {
		"",	      "-oProxyCommand=sh",
		"a b",	      "a,b",
		"*",	      "spark-?",
		"!spark",     "host.",
		".host",      "a..b",
		"10.0.0.300", "[spark]:22",
		"fe80::1%",   "fe80::1%a/b",
		"spark-",     "caf\xc3\xa9",
		"a\nb",	      "a|1|b",
		"1.2.3",      "a%b",
		"user@host",  "x;reboot",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ssh_name_valid(bad[i]))
			fail_msg("'%s' should be invalid", bad[i]);
	}
	char longname[300];
	memset(longname, 'a', 64);
	longname[64] = '\0';
	assert_false(ssh_name_valid(longname)); /* a label of 64 */
	assert_false(ssh_name_valid(NULL));
}

/* ---- the user ------------------------------------------------------------------------------ */

static void test_user_current(void **state)
{
	(void)state;
	char err[512];
	struct ssh_user u;
	unsetenv("SUDO_USER");
	unsetenv("SUDO_UID");
	assert_int_equal(ssh_user_current(&u, err, sizeof(err)), 0);
	assert_int_equal(u.uid, getuid());
	assert_true(u.home[0] == '/');
	if (geteuid() != 0) {
		/* SUDO_* are ignored unless we run as root */
		setenv("SUDO_USER", "root", 1);
		setenv("SUDO_UID", "0", 1);
		assert_int_equal(ssh_user_current(&u, err, sizeof(err)), 0);
		assert_int_equal(u.uid, getuid());
		unsetenv("SUDO_USER");
		unsetenv("SUDO_UID");
		skip();
	}
	setenv("SUDO_USER", "nobody", 1);
	setenv("SUDO_UID", "65534", 1);
	assert_int_equal(ssh_user_current(&u, err, sizeof(err)), 0);
	assert_string_equal(u.name, "nobody");
	assert_int_equal(u.uid, 65534);
	/* a SUDO_UID that is not SUDO_USER's: refused, with both named */
	setenv("SUDO_UID", "0", 1);
	assert_int_equal(ssh_user_current(&u, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nobody"));
	setenv("SUDO_USER", "no-such-user-sparklink", 1);
	assert_true(ssh_user_current(&u, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "no-such-user-sparklink"));
	unsetenv("SUDO_USER");
	unsetenv("SUDO_UID");
}

/* ---- authorized_keys ----------------------------------------------------------------------- */

static void test_authkeys_missing_file(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	bool added = false, fixed = true;
	char dir[PATH_MAX];
	assert_int_equal(sshdir_ensure(&e->u, dir, sizeof(dir), &fixed, e->err, sizeof(e->err)), 0);
	assert_string_equal(dir, e->ssh);
	assert_false(fixed);
	assert_int_equal(rmdir(e->ssh), 0); /* authkeys_add makes ~/.ssh itself */

	assert_int_equal(authkeys_add(&e->u, k.line1, &added, e->err, sizeof(e->err)), 0);
	assert_true(added);
	char want[300];
	snprintf(want, sizeof(want), "%s\n", k.line1);
	assert_file_str(e->ak, want);
	struct stat st;
	assert_int_equal(lstat(e->ssh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(e->ak, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* an empty file, and a key given with its newline as in a .pub file */
	write_str(e->ak, "");
	snprintf(want, sizeof(want), "%s\n", k.line2);
	assert_int_equal(authkeys_add(&e->u, want, &added, e->err, sizeof(e->err)), 0);
	assert_true(added);
	assert_file_str(e->ak, want);
}

static const char AK_OLD_FMT[] = "# keys for this node\r\n"
				 "\n"
				 "from=\"10.0.0.1\",no-pty " ED " %s old-options\n"
				 "  # indented comment\n"
				 "command=\"echo '" ED " %s'\",restrict " ED " %s tricky\r\n"
				 "%s spark@windows-line\r\n"
				 "ssh-rsa !!!not-a-key!!! broken line";

static void test_authkeys_preserved(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char old[2048], line3[256], line4[256];
	snprintf(line3, sizeof(line3), ED " %s", k.k3);
	snprintf(line4, sizeof(line4), ED " %s", k.k4);
	/* k2 hides inside a command="..." option of a line whose key is k4 */
	snprintf(old, sizeof(old), AK_OLD_FMT, k.k3, k.k2, k.k4, line4);
	write_file(e->ak, old, strlen(old), 0640);

	bool added = false;
	assert_int_equal(authkeys_add(&e->u, k.line2, &added, e->err, sizeof(e->err)), 0);
	assert_true(added);
	size_t n = 0;
	char *now = read_all(e->ak, &n);
	assert_true(n > strlen(old));
	assert_memory_equal(now, old, strlen(old)); /* old bytes are the prefix */
	/* no final newline before: "\n" + line, and still none after */
	assert_int_equal(now[strlen(old)], '\n');
	assert_true(now[n - 1] != '\n');
	free(now);
	char want[4096];
	snprintf(want, sizeof(want), "%s\n%s", old, k.line2);
	assert_file_str(e->ak, want);
	struct stat st;
	assert_int_equal(lstat(e->ak, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640); /* existing mode kept */

	/* again: nothing changes, not even the inode */
	assert_int_equal(authkeys_add(&e->u, k.line2, &added, e->err, sizeof(e->err)), 0);
	assert_false(added);
	assert_true(same_inode(e->ak, &st));
	assert_file_str(e->ak, want);

	/* the same key with another comment, or present with options, counts as present */
	char k2other[256];
	snprintf(k2other, sizeof(k2other), ED " %s other comment", k.k2);
	assert_int_equal(authkeys_add(&e->u, k2other, &added, e->err, sizeof(e->err)), 0);
	assert_false(added);
	snprintf(k2other, sizeof(k2other), ED " %s", k.k3); /* from=...,no-pty line */
	assert_int_equal(authkeys_add(&e->u, k2other, &added, e->err, sizeof(e->err)), 0);
	assert_false(added);
	assert_true(same_inode(e->ak, &st));

	/* remove: exactly the old bytes again */
	bool removed = false;
	assert_int_equal(authkeys_remove(&e->u, k.line2, &removed, e->err, sizeof(e->err)), 0);
	assert_true(removed);
	assert_file_str(e->ak, old);
	assert_int_equal(lstat(e->ak, &st), 0);
	assert_int_equal(authkeys_remove(&e->u, k.line2, &removed, e->err, sizeof(e->err)), 0);
	assert_false(removed);
	assert_true(same_inode(e->ak, &st));
}

/* add then remove gives back exactly what was there, whatever the file's ending. */
static void test_authkeys_rollback_exact(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char l3[256];
	snprintf(l3, sizeof(l3), ED " %s x", k.k3);
	const char *endings[] = { "", "a\n", "a", "a\r\n", "a\r", "# c\n\n", "a\n\n\n", l3 };
	for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
		write_str(e->ak, endings[i]);
		bool added = false, removed = false;
		assert_int_equal(authkeys_add(&e->u, k.line1, &added, e->err, sizeof(e->err)), 0);
		assert_true(added);
		assert_int_equal(authkeys_add(&e->u, k.line2, &added, e->err, sizeof(e->err)), 0);
		assert_true(added);
		/* remove in the same order, and then in the other */
		assert_int_equal(authkeys_remove(&e->u, k.line1, &removed, e->err, sizeof(e->err)),
				 0);
		assert_true(removed);
		assert_int_equal(authkeys_remove(&e->u, k.line2, &removed, e->err, sizeof(e->err)),
				 0);
		assert_true(removed);
		assert_file_str(e->ak, endings[i]);
		assert_int_equal(authkeys_add(&e->u, k.line1, &added, e->err, sizeof(e->err)), 0);
		assert_int_equal(authkeys_add(&e->u, k.line2, &added, e->err, sizeof(e->err)), 0);
		assert_int_equal(authkeys_remove(&e->u, k.line2, &removed, e->err, sizeof(e->err)),
				 0);
		assert_int_equal(authkeys_remove(&e->u, k.line1, &removed, e->err, sizeof(e->err)),
				 0);
		assert_file_str(e->ak, endings[i]);
	}
	/* a missing file: nothing to remove, nothing created */
	unlink(e->ak);
	bool removed = true;
	assert_int_equal(authkeys_remove(&e->u, k.line1, &removed, e->err, sizeof(e->err)), 0);
	assert_false(removed);
	assert_int_equal(access(e->ak, F_OK), -1);
}

static void test_authkeys_remove_every_copy(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char old[2048], want[2048];
	snprintf(old, sizeof(old),
		 "# top\n%s\nno-pty " ED " %s with-options\n%s\ncert-authority " ED " %s ca\n"
		 "# end\n",
		 k.line1, k.k2, k.line2, k.k2);
	write_str(e->ak, old);
	bool removed = false;
	assert_int_equal(authkeys_remove(&e->u, k.line2, &removed, e->err, sizeof(e->err)), 0);
	assert_true(removed);
	/* the cert-authority line is a CA, not this key's login: it stays */
	snprintf(want, sizeof(want), "# top\n%s\ncert-authority " ED " %s ca\n# end\n", k.line1,
		 k.k2);
	assert_file_str(e->ak, want);
	/* and as a CA it does not count as present either */
	bool added = false;
	assert_int_equal(authkeys_add(&e->u, k.line2, &added, e->err, sizeof(e->err)), 0);
	assert_true(added);
}

static void test_authkeys_rejects_bad_lines(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	write_str(e->ak, "# mine\n");
	char l[512];
	const char *fmts[] = {
		ED " %s x\n" ED " AAAA injected", /* a second line */
		"command=\"sh\" " ED " %s x", /* options */
		ED " %s $(reboot)", /* shell in the comment */
		"ssh-dss %s x", /* unknown type */
	};
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(l, sizeof(l), fmts[i], k.k1);
		bool added = true;
		assert_int_equal(authkeys_add(&e->u, l, &added, e->err, sizeof(e->err)), -EINVAL);
		assert_false(added);
		assert_true(strlen(e->err) > 10);
	}
	assert_file_str(e->ak, "# mine\n");
}

/* ---- known_hosts: lookups ------------------------------------------------------------------ */

static enum kh_status check1(struct env *e, const char *name, unsigned port, const char *type,
			     const char *key, char *where, size_t wsize)
{
	const char *names[] = { name };
	return known_hosts_check(e->kh, names, 1, port, type, key, where, wsize);
}

static void expect(struct env *e, const char *name, unsigned port, const char *type,
		   const char *key, enum kh_status want, unsigned want_line)
{
	char where[PATH_MAX + 64], w[PATH_MAX + 64];
	enum kh_status got = check1(e, name, port, type, key, where, sizeof(where));
	if (got != want)
		fail_msg("%s port %u: %s (%s), want %s", name, port, kh_status_word(got), where,
			 kh_status_word(want));
	if (want_line) {
		snprintf(w, sizeof(w), "%s:%u", e->kh, want_line);
		assert_string_equal(where, w);
	} else if (want == KH_UNKNOWN) {
		assert_string_equal(where, "");
	}
}

static void test_kh_plain_and_lists(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char data[4096];
	snprintf(data, sizeof(data),
		 "# known hosts\n" /* 1 */
		 "\n" /* 2 */
		 "spark-2 " ED " %s\n" /* 3 */
		 "a.lab,B.Lab,10.0.0.7 " ED " %s comment\n" /* 4 */
		 "[spark-2]:2222 " ED " %s\n" /* 5 */
		 "  \t\r\n" /* 6 */
		 "   spark-9\t" ED "   %s  trailing\r\n" /* 7 */
		 "other " EC " %s\n" /* 8 */
		 "@bogus spark-3 " ED " %s\n" /* 9 */
		 "spark-4 " ED " AAAAnot-a-key\n" /* 10 */
		 "spark-5 " ED "\n" /* 11 */
		 "spark-6", /* 12 */
		 k.k1, k.k2, k.k3, k.k4, k.ec, k.k2);
	write_str(e->kh, data);

	expect(e, "spark-2", 22, ED, k.k1, KH_OK, 3);
	expect(e, "SPARK-2", 22, ED, k.k1, KH_OK, 3); /* ssh lowers names */
	expect(e, "spark-2", 22, ED, k.k2, KH_CHANGED, 3);
	expect(e, "spark-2", 0, ED, k.k1, KH_OK, 3);
	expect(e, "spark-2", 2222, ED, k.k3, KH_OK, 5);
	expect(e, "spark-2", 2222, ED, k.k1, KH_CHANGED, 5);
	expect(e, "spark-2", 2200, ED, k.k1, KH_UNKNOWN, 0);
	expect(e, "10.0.0.7", 22, ED, k.k2, KH_OK, 4);
	expect(e, "b.lab", 22, ED, k.k2, KH_OK, 4);
	expect(e, "10.0.0.7", 22, ED, k.k1, KH_CHANGED, 4);
	expect(e, "spark-9", 22, ED, k.k4, KH_OK, 7); /* blanks, tabs, CRLF */
	/* only a key of another type known: unknown, not changed */
	expect(e, "other", 22, ED, k.k1, KH_UNKNOWN, 0);
	expect(e, "other", 22, EC, k.ec, KH_OK, 8);
	expect(e, "spark-2", 22, EC, k.ec, KH_UNKNOWN, 0);
	/* an unknown marker or a broken key: the line is skipped, as ssh does */
	expect(e, "spark-3", 22, ED, k.k1, KH_UNKNOWN, 0);
	expect(e, "spark-4", 22, ED, k.k1, KH_UNKNOWN, 0);
	expect(e, "spark-5", 22, ED, k.k1, KH_UNKNOWN, 0);
	expect(e, "spark-6", 22, ED, k.k1, KH_UNKNOWN, 0);
	expect(e, "nowhere", 22, ED, k.k1, KH_UNKNOWN, 0);

	/* several names: one that has the key is enough; a conflict on another is only a
	 * conflict when none matches */
	const char *names[] = { "10.0.0.7", "spark-2" };
	char where[PATH_MAX + 64];
	assert_int_equal(known_hosts_check(e->kh, names, 2, 22, ED, k.k1, where, sizeof(where)),
			 KH_OK);
	assert_int_equal(known_hosts_check(e->kh, names, 2, 22, ED, k.k4, where, sizeof(where)),
			 KH_CHANGED);
	char w[PATH_MAX + 64];
	snprintf(w, sizeof(w), "%s:3", e->kh);
	assert_string_equal(where, w);
}

static void test_kh_hashed(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char h1[80], h2[80], h3[80], data[4096];
	hashed_name("spark-2.local", 1, h1, sizeof(h1));
	hashed_name("[10.0.0.2]:2222", 2, h2, sizeof(h2));
	hashed_name("fe80::2%enp1s0", 3, h3, sizeof(h3));
	snprintf(data, sizeof(data),
		 "%s " ED " %s\n%s " ED " %s\n%s " ED " %s\n"
		 "|1|bm90IDIwIGJ5dGVz|bm90IDIwIGJ5dGVz " ED " %s\n",
		 h1, k.k1, h2, k.k2, h3, k.k3, k.k4);
	write_str(e->kh, data);
	expect(e, "spark-2.local", 22, ED, k.k1, KH_OK, 1);
	expect(e, "Spark-2.LOCAL", 22, ED, k.k1, KH_OK, 1);
	expect(e, "spark-2.local", 22, ED, k.k2, KH_CHANGED, 1);
	expect(e, "spark-2", 22, ED, k.k1, KH_UNKNOWN, 0);
	expect(e, "10.0.0.2", 2222, ED, k.k2, KH_OK, 2);
	expect(e, "10.0.0.2", 22, ED, k.k2, KH_UNKNOWN, 0);
	expect(e, "fe80::2%enp1s0", 22, ED, k.k3, KH_OK, 3);
	/* a malformed hash (salt not 20 bytes) matches nothing */
	expect(e, "x", 22, ED, k.k1, KH_UNKNOWN, 0);
}

static void test_kh_patterns_and_markers(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char data[4096];
	snprintf(data, sizeof(data),
		 "*.lab,!evil.lab " ED " %s\n" /* 1 */
		 "spark-? " ED " %s\n" /* 2 */
		 "@cert-authority *.corp " ED " %s\n" /* 3 */
		 "@revoked * " ED " %s\n" /* 4 */
		 "revoked-host " ED " %s\n" /* 5 */
		 "@revoked\tspark-8 " ED " %s\n" /* 6 */
		 "[10.0.0.*]:2222 " ED " %s\n", /* 7 */
		 k.k1, k.k2, k.k3, k.k4, k.k4, k.k2, k.k1);
	write_str(e->kh, data);
	expect(e, "good.lab", 22, ED, k.k1, KH_OK, 1);
	expect(e, "a.b.lab", 22, ED, k.k1, KH_OK, 1);
	expect(e, "evil.lab", 22, ED, k.k1, KH_UNKNOWN, 0); /* negated */
	expect(e, "lab", 22, ED, k.k1, KH_UNKNOWN, 0);
	expect(e, "spark-3", 22, ED, k.k2, KH_OK, 2);
	expect(e, "spark-10", 22, ED, k.k2, KH_UNKNOWN, 0);
	/* a CA key is not a host key: neither ok nor a conflict */
	expect(e, "x.corp", 22, ED, k.k3, KH_UNKNOWN, 0);
	expect(e, "x.corp", 22, ED, k.k1, KH_UNKNOWN, 0);
	/* revoked for every host, even one that lists it as its key */
	expect(e, "revoked-host", 22, ED, k.k4, KH_REVOKED, 4);
	expect(e, "anything", 22, ED, k.k4, KH_REVOKED, 4);
	/* revoked only for spark-8: elsewhere the key is merely known (line 2) */
	expect(e, "spark-8", 22, ED, k.k2, KH_REVOKED, 6);
	expect(e, "spark-7", 22, ED, k.k2, KH_OK, 2);
	expect(e, "10.0.0.9", 2222, ED, k.k1, KH_OK, 7);
	expect(e, "10.0.0.9", 22, ED, k.k1, KH_UNKNOWN, 0);
}

/* the key types recorded for a host: what to ask it for, and how to see it offers none of them */
static void test_kh_types(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char h1[80], data[4096];
	hashed_name("spark-2.local", 1, h1, sizeof(h1));
	snprintf(data, sizeof(data),
		 "# known hosts\n" /* 1 */
		 "spark-2,10.0.0.2 " EC " %s\n" /* 2 */
		 "%s " ED " %s\n" /* 3 */
		 "10.0.0.2 " ED " %s\n" /* 4: ED again, not twice in the list */
		 "@revoked spark-3 " ED " %s\n" /* 5: revoked: no type */
		 "@cert-authority spark-3 " EC " %s\n" /* 6: a CA: no type */
		 "spark-4 " ED " AAAAnot-a-key\n" /* 7: a broken key: no type */
		 "[spark-2]:2222 " ED " %s\n", /* 8: another port */
		 k.ec, h1, k.k1, k.k2, k.k3, k.ec, k.k4);
	write_str(e->kh, data);
	char types[256], where[PATH_MAX + 64], w[PATH_MAX + 64];
	const char *both[] = { "spark-2.local", "10.0.0.2" };
	assert_int_equal(
		known_hosts_types(e->kh, both, 2, 22, types, sizeof(types), where, sizeof(where)),
		2);
	assert_string_equal(types, EC "," ED);
	snprintf(w, sizeof(w), "%s:2", e->kh);
	assert_string_equal(where, w);
	const char *hashed[] = { "SPARK-2.local" };
	assert_int_equal(
		known_hosts_types(e->kh, hashed, 1, 22, types, sizeof(types), where, sizeof(where)),
		1);
	assert_string_equal(types, ED);
	snprintf(w, sizeof(w), "%s:3", e->kh);
	assert_string_equal(where, w);
	const char *none[] = { "spark-3", "spark-4", "nowhere" };
	assert_int_equal(
		known_hosts_types(e->kh, none, 3, 22, types, sizeof(types), where, sizeof(where)),
		0);
	assert_string_equal(types, "");
	assert_string_equal(where, "");
	const char *port[] = { "spark-2" };
	assert_int_equal(known_hosts_types(e->kh, port, 1, 2222, types, sizeof(types), NULL, 0), 1);
	assert_string_equal(types, ED);
	/* a list that does not fit is cut at a type, the count is still whole */
	assert_int_equal(known_hosts_types(e->kh, both, 2, 22, types, sizeof(EC) + 1, NULL, 0), 2);
	assert_string_equal(types, EC);
	/* no file: nothing recorded; invalid names: an error */
	unlink(e->kh);
	assert_int_equal(known_hosts_types(e->kh, both, 2, 22, types, sizeof(types), NULL, 0), 0);
	const char *bad[] = { "a b" };
	assert_int_equal(
		known_hosts_types(e->kh, bad, 1, 22, types, sizeof(types), where, sizeof(where)),
		-1);
	assert_non_null(strstr(where, "not a plain host name"));
}

/* each name on its own, as the remote node checks the peer it reaches at names[0] */
static enum kh_status each(struct env *e, const char *type, const char *key, const char *n0,
			   const char *n1, size_t *at, bool *elsewhere)
{
	struct sshsession s = { .port = 22 };
	str_copy(s.home, e->home, sizeof(s.home));
	str_copy(s.keytype, type, sizeof(s.keytype));
	str_copy(s.keyb64, key, sizeof(s.keyb64));
	const char *names[] = { n0, n1 };
	char where[PATH_MAX + 64];
	return sshsession_check_host_key_each(&s, names, 2, at, elsewhere, where, sizeof(where));
}

static void test_kh_each_name(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char rsa[512], data[4096];
	make_key("ssh-rsa", 6, rsa, sizeof(rsa));
	snprintf(data, sizeof(data),
		 "10.0.0.2 " EC " %s\n" /* 1: the address, recorded by an older ssh */
		 "spark-2.local " ED " %s\n" /* 2: the name, another type */
		 "10.0.0.3 " ED " %s\n" /* 3 */
		 "@revoked spark-9 " ED " %s\n", /* 4 */
		 k.ec, k.k1, k.k2, k.k3);
	write_str(e->kh, data);
	size_t at;
	bool elsewhere;
	/* the address has the key; the name has only a key of another type: no false alarm */
	assert_int_equal(each(e, EC, k.ec, "10.0.0.2", "spark-2.local", &at, &elsewhere), KH_OK);
	/* the name answers with another key of its type at a new address: changed, about the name */
	assert_int_equal(each(e, ED, k.k4, "10.0.0.9", "spark-2.local", &at, &elsewhere),
			 KH_CHANGED);
	assert_int_equal(at, 1);
	/* even when the address has the key: another key is recorded for the name */
	assert_int_equal(each(e, ED, k.k2, "10.0.0.3", "spark-2.local", &at, &elsewhere),
			 KH_CHANGED);
	assert_int_equal(at, 1);
	/* a key of a type none of the names has, while they have others: changed */
	assert_int_equal(each(e, "ssh-rsa", rsa, "10.0.0.9", "spark-2.local", &at, &elsewhere),
			 KH_CHANGED);
	assert_int_equal(at, 1);
	assert_int_equal(each(e, "ssh-rsa", rsa, "10.0.0.2", "spark-2.local", &at, &elsewhere),
			 KH_CHANGED);
	assert_int_equal(at, 0);
	/* the name has the key, the address is new: unknown, known elsewhere */
	assert_int_equal(each(e, ED, k.k1, "10.0.0.9", "spark-2.local", &at, &elsewhere),
			 KH_UNKNOWN);
	assert_true(elsewhere);
	/* nothing recorded for either: unknown */
	assert_int_equal(each(e, ED, k.k1, "10.0.0.8", "spark-7", &at, &elsewhere), KH_UNKNOWN);
	assert_false(elsewhere);
	/* revoked for one name wins */
	assert_int_equal(each(e, ED, k.k3, "10.0.0.9", "spark-9", &at, &elsewhere), KH_REVOKED);
	assert_int_equal(at, 1);
}

static void test_kh_check_errors(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	char where[PATH_MAX + 200];
	/* no ~/.ssh, no file: unknown */
	expect(e, "spark-2", 22, ED, k.k1, KH_UNKNOWN, 0);
	mkdir_ssh(e);
	/* a symlink is refused, not followed */
	char target[PATH_MAX];
	snprintf(target, sizeof(target), "%s/elsewhere", e->home);
	char data[256];
	snprintf(data, sizeof(data), "spark-2 " ED " %s\n", k.k1);
	write_str(target, data);
	assert_int_equal(symlink(target, e->kh), 0);
	assert_int_equal(check1(e, "spark-2", 22, ED, k.k1, where, sizeof(where)), KH_ERROR);
	assert_non_null(strstr(where, e->kh));
	assert_non_null(strstr(where, "symbolic link"));
	unlink(e->kh);
	/* invalid input is an error, never a lookup */
	write_str(e->kh, data);
	assert_int_equal(check1(e, "*", 22, ED, k.k1, where, sizeof(where)), KH_ERROR);
	assert_int_equal(check1(e, "spark-2,x", 22, ED, k.k1, where, sizeof(where)), KH_ERROR);
	assert_int_equal(check1(e, "spark-2", 22, EC, k.k1, where, sizeof(where)), KH_ERROR);
	assert_int_equal(check1(e, "spark-2", 70000, ED, k.k1, where, sizeof(where)), KH_ERROR);
	assert_int_equal(known_hosts_check(e->kh, NULL, 0, 22, ED, k.k1, where, sizeof(where)),
			 KH_ERROR);
	/* a directory in its place */
	unlink(e->kh);
	assert_int_equal(mkdir(e->kh, 0700), 0);
	assert_int_equal(check1(e, "spark-2", 22, ED, k.k1, where, sizeof(where)), KH_ERROR);
	assert_non_null(strstr(where, e->kh));
	rmdir(e->kh);
}

/* ---- known_hosts: add and remove ----------------------------------------------------------- */

static void test_kh_add_hashed(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	const char *names[] = { "Spark-2.local", "10.0.0.2", "fe80::2%enp1s0" };
	int added = -1;
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 3, 22, ED, k.k1, true, &added, e->err,
					 sizeof(e->err)),
			 0);
	assert_int_equal(added, 3);
	size_t n;
	char *d = read_all(e->kh, &n);
	assert_non_null(d);
	/* three lines "|1|<28>|<28> type key", no name in clear */
	int lines = 0;
	for (char *p = d; *p; lines++) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_true(!strncmp(p, "|1|", 3));
		assert_int_equal(p[31], '|');
		assert_int_equal(p[60], ' ');
		assert_true(!strncmp(p + 61, ED " ", strlen(ED) + 1));
		p = nl + 1;
	}
	assert_int_equal(lines, 3);
	assert_null(strstr(d, "spark"));
	assert_null(strstr(d, "10.0"));
	free(d);
	struct stat st;
	assert_int_equal(lstat(e->kh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* a home with a trailing slash still names ~/.ssh (made by the add) */
	struct ssh_user slash = e->u;
	char kh2[PATH_MAX + 32];
	snprintf(slash.home, sizeof(slash.home), "%s/", e->home);
	snprintf(kh2, sizeof(kh2), "%s//.ssh//known_hosts", e->home);
	assert_int_equal(unlink(e->kh), 0);
	assert_int_equal(rmdir(e->ssh), 0);
	assert_int_equal(known_hosts_add(&slash, kh2, names, 3, 22, ED, k.k1, true, &added, e->err,
					 sizeof(e->err)),
			 0);
	assert_int_equal(added, 3);
	assert_int_equal(lstat(e->ssh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(e->kh, &st), 0);
	for (int i = 0; i < 3; i++) {
		char where[PATH_MAX + 64], w[PATH_MAX + 64];
		const char *one[] = { names[i] };
		assert_int_equal(
			known_hosts_check(e->kh, one, 1, 22, ED, k.k1, where, sizeof(where)),
			KH_OK);
		snprintf(w, sizeof(w), "%s:%d", e->kh, i + 1);
		assert_string_equal(where, w);
	}
	/* again: nothing added, file untouched; one more name: only that one */
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 3, 22, ED, k.k1, true, &added, e->err,
					 sizeof(e->err)),
			 0);
	assert_int_equal(added, 0);
	assert_true(same_inode(e->kh, &st));
	const char *more[] = { "10.0.0.2", "spark-2", "SPARK-2" };
	assert_int_equal(known_hosts_add(&e->u, e->kh, more, 3, 22, ED, k.k1, true, &added, e->err,
					 sizeof(e->err)),
			 0);
	assert_int_equal(added, 1);
	/* two salts never repeat */
	d = read_all(e->kh, &n);
	assert_true(strncmp(d + 3, strchr(d, '\n') + 4, 28) != 0);
	free(d);
}

static void test_kh_add_plain_and_ports(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	const char *names[] = { "Spark-2", "10.0.0.2", "spark-2" };
	int added = -1;
	write_str(e->kh, "# mine\r\nold " ED " AAAA");
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 3, 22, ED, k.k1, false, &added,
					 e->err, sizeof(e->err)),
			 0);
	assert_int_equal(added, 2);
	char want[1024];
	snprintf(want, sizeof(want), "# mine\r\nold " ED " AAAA\nspark-2,10.0.0.2 " ED " %s", k.k1);
	assert_file_str(e->kh, want);
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 3, 2222, ED, k.k1, false, &added,
					 e->err, sizeof(e->err)),
			 0);
	assert_int_equal(added, 2);
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "\n[spark-2]:2222,[10.0.0.2]:2222 " ED " %s", k.k1);
	assert_file_str(e->kh, want);
	expect(e, "spark-2", 2222, ED, k.k1, KH_OK, 4);
	expect(e, "spark-2", 22, ED, k.k1, KH_OK, 3);
	/* a key of another type is added beside, not instead */
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 1, 22, EC, k.ec, false, &added,
					 e->err, sizeof(e->err)),
			 0);
	assert_int_equal(added, 1);
	expect(e, "spark-2", 22, EC, k.ec, KH_OK, 5);
	expect(e, "spark-2", 22, ED, k.k1, KH_OK, 3);
}

static void test_kh_add_refuses_conflicts(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char data[1024];
	snprintf(data, sizeof(data), "spark-2 " ED " %s\n@revoked * " ED " %s\n", k.k1, k.k4);
	write_str(e->kh, data);
	struct stat st;
	assert_int_equal(lstat(e->kh, &st), 0);
	const char *names[] = { "spark-3", "spark-2" };
	int added = -1;
	/* spark-2 has another key: nothing is written, not even spark-3 */
	int r = known_hosts_add(&e->u, e->kh, names, 2, 22, ED, k.k2, true, &added, e->err,
				sizeof(e->err));
	assert_true(r < 0);
	assert_int_equal(added, 0);
	char w[PATH_MAX + 64];
	snprintf(w, sizeof(w), "%s:1", e->kh);
	assert_non_null(strstr(e->err, w));
	assert_non_null(strstr(e->err, "ssh-keygen -R"));
	assert_true(same_inode(e->kh, &st));
	/* a revoked key is never added */
	r = known_hosts_add(&e->u, e->kh, names, 1, 22, ED, k.k4, false, &added, e->err,
			    sizeof(e->err));
	assert_true(r < 0);
	assert_non_null(strstr(e->err, "revoked"));
	assert_true(same_inode(e->kh, &st));
	/* invalid names: rejected before anything is read */
	const char *bad[] = { "spark-3", "*" };
	assert_int_equal(known_hosts_add(&e->u, e->kh, bad, 2, 22, ED, k.k2, false, &added, e->err,
					 sizeof(e->err)),
			 -EINVAL);
	assert_true(same_inode(e->kh, &st));
}

static int kh_add(struct env *e, const char *const *names, size_t n, unsigned port, const char *key,
		  bool hashed)
{
	int added = -1;
	if (known_hosts_add(&e->u, e->kh, names, n, port, ED, key, hashed, &added, e->err,
			    sizeof(e->err)) < 0)
		fail_msg("known_hosts_add: %s", e->err);
	return added;
}

static int kh_remove(struct env *e, const char *const *names, size_t n, unsigned port,
		     const char *key)
{
	int removed = -1;
	if (known_hosts_remove(&e->u, e->kh, names, n, port, ED, key, &removed, e->err,
			       sizeof(e->err)) < 0)
		fail_msg("known_hosts_remove: %s", e->err);
	return removed;
}

static void test_kh_remove_exact(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char old[2048];
	/* lines with the same key that known_hosts_add would not have written stay */
	snprintf(old, sizeof(old),
		 "# mine\r\n"
		 "spark-2 " ED " %s user's own comment\n"
		 "spark-2,elsewhere " ED " %s\n"
		 "@revoked spark-2 " ED " %s\n"
		 "  spark-2 " ED " %s\n"
		 "spark-2 " ED " %s\r\n"
		 "last line without newline",
		 k.k1, k.k1, k.k2, k.k1, k.k1);
	const char *names[] = { "spark-2", "10.0.0.2" };
	for (int hashed = 0; hashed < 2; hashed++) {
		/* port 22: spark-2 is there already (line 2), only 10.0.0.2 is added */
		write_str(e->kh, old);
		assert_int_equal(kh_add(e, names, 2, 22, k.k1, hashed), 1);
		assert_int_equal(kh_remove(e, names + 1, 1, 22, k.k1), 1);
		assert_file_str(e->kh, old);
		write_str(e->kh, old);
		assert_int_equal(kh_add(e, names, 2, 2222, k.k1, hashed), 2);
		assert_int_equal(kh_remove(e, names, 2, 2222, k.k1), 2);
		assert_file_str(e->kh, old);
	}
	/* another key's lines are not touched */
	int removed = -1;
	struct stat st;
	assert_int_equal(lstat(e->kh, &st), 0);
	assert_int_equal(known_hosts_remove(&e->u, e->kh, names, 2, 22, ED, k.k3, &removed, e->err,
					    sizeof(e->err)),
			 0);
	assert_int_equal(removed, 0);
	assert_true(same_inode(e->kh, &st));
}

/* ---- somebody else edits the file meanwhile ---------------------------------------------- */

static int hook_changes; /* how many more edits to make from the hook */
static int hook_calls;

/* Another writer (ssh recording a host) appends a line between our read and our rename. */
void sshfiles_test_hook(const char *path)
{
	hook_calls++;
	if (hook_changes <= 0)
		return;
	hook_changes--;
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "# written meanwhile %d\n", hook_calls);
	fclose(f);
}

static void test_concurrent_edit(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	write_str(e->ak, "# mine\n");
	/* changed once: the edit starts again and keeps the other writer's line */
	hook_changes = 1;
	hook_calls = 0;
	bool added = false;
	assert_int_equal(authkeys_add(&e->u, k.line1, &added, e->err, sizeof(e->err)), 0);
	assert_true(added);
	assert_int_equal(hook_calls, 2);
	char want[512];
	snprintf(want, sizeof(want), "# mine\n# written meanwhile 1\n%s\n", k.line1);
	assert_file_str(e->ak, want);
	/* changed every time: gives up, writes nothing of its own, loses nothing */
	hook_changes = 100;
	hook_calls = 0;
	assert_int_equal(authkeys_add(&e->u, k.line2, &added, e->err, sizeof(e->err)), -EAGAIN);
	assert_false(added);
	assert_int_equal(hook_calls, 5);
	assert_non_null(strstr(e->err, e->ak));
	size_t n;
	char *d = read_all(e->ak, &n);
	assert_null(strstr(d, k.k2));
	assert_non_null(strstr(d, "# written meanwhile 5\n"));
	assert_true(!strncmp(d, want, strlen(want)));
	free(d);
	hook_changes = 0;
}

/* ---- modes, owners, links ------------------------------------------------------------------ */

static void test_sshdir_fixed(void **state)
{
	struct env *e = *state;
	assert_int_equal(mkdir(e->ssh, 0700), 0);
	assert_int_equal(chmod(e->ssh, 0770), 0);
	bool fixed = false;
	char dir[PATH_MAX];
	assert_int_equal(sshdir_ensure(&e->u, dir, sizeof(dir), &fixed, e->err, sizeof(e->err)), 0);
	assert_true(fixed);
	struct stat st;
	assert_int_equal(lstat(e->ssh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* 0755 is not writable by others: left as it is */
	assert_int_equal(chmod(e->ssh, 0755), 0);
	assert_int_equal(sshdir_ensure(&e->u, dir, sizeof(dir), &fixed, e->err, sizeof(e->err)), 0);
	assert_false(fixed);
	assert_int_equal(lstat(e->ssh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
}

static void test_symlinks_refused(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	/* ~/.ssh -> another directory: nothing is written there */
	char other[PATH_MAX], path[PATH_MAX + 32];
	snprintf(other, sizeof(other), "%s/other", e->home);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(symlink(other, e->ssh), 0);
	bool fixed, added = true;
	char dir[PATH_MAX];
	assert_int_equal(sshdir_ensure(&e->u, dir, sizeof(dir), &fixed, e->err, sizeof(e->err)),
			 -ELOOP);
	assert_non_null(strstr(e->err, e->ssh));
	assert_int_equal(authkeys_add(&e->u, k.line1, &added, e->err, sizeof(e->err)), -ELOOP);
	assert_false(added);
	const char *names[] = { "spark-2" };
	int n = -1;
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 1, 22, ED, k.k1, false, &n, e->err,
					 sizeof(e->err)),
			 -ELOOP);
	snprintf(path, sizeof(path), "%s/authorized_keys", other);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/known_hosts", other);
	assert_int_equal(access(path, F_OK), -1);
	unlink(e->ssh);

	/* known_hosts -> a file of someone else: refused, the target keeps its bytes */
	mkdir_ssh(e);
	snprintf(path, sizeof(path), "%s/victim", e->home);
	write_str(path, "victim\n");
	if (geteuid() == 0)
		assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(symlink(path, e->kh), 0);
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 1, 22, ED, k.k1, false, &n, e->err,
					 sizeof(e->err)),
			 -ELOOP);
	assert_non_null(strstr(e->err, e->kh));
	assert_file_str(path, "victim\n");
	struct stat st;
	assert_int_equal(lstat(e->kh, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(known_hosts_remove(&e->u, e->kh, names, 1, 22, ED, k.k1, &n, e->err,
					    sizeof(e->err)),
			 -ELOOP);
	/* the same for authorized_keys and config */
	assert_int_equal(symlink(path, e->ak), 0);
	assert_int_equal(authkeys_add(&e->u, k.line1, &added, e->err, sizeof(e->err)), -ELOOP);
	assert_int_equal(symlink(path, e->cfg), 0);
	bool changed = true;
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", names, 1, NULL, &changed, e->err,
					     sizeof(e->err)),
			 -ELOOP);
	assert_false(changed);
	assert_file_str(path, "victim\n");
}

static void test_hard_links_and_size_refused(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	char other[PATH_MAX];
	snprintf(other, sizeof(other), "%s/.ssh/ak-link", e->home);
	write_str(e->ak, "# mine\n");
	assert_int_equal(link(e->ak, other), 0);
	bool added = true;
	assert_int_equal(authkeys_add(&e->u, k.line1, &added, e->err, sizeof(e->err)), -EMLINK);
	assert_non_null(strstr(e->err, "hard link"));
	assert_file_str(e->ak, "# mine\n");
	unlink(other);

	/* larger than 4 MiB: refused with a message naming the file and the limit */
	size_t big = SSHFILES_MAX_SIZE + 1;
	char *d = malloc(big);
	memset(d, '#', big);
	d[big - 1] = '\n';
	write_file(e->kh, d, big, 0600);
	free(d);
	const char *names[] = { "spark-2" };
	int n = -1;
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 1, 22, ED, k.k1, false, &n, e->err,
					 sizeof(e->err)),
			 -EFBIG);
	assert_non_null(strstr(e->err, e->kh));
	assert_non_null(strstr(e->err, "4 MiB"));
	char where[PATH_MAX + 200];
	assert_int_equal(check1(e, "spark-2", 22, ED, k.k1, where, sizeof(where)), KH_ERROR);
	assert_non_null(strstr(where, "4 MiB"));
	struct stat st;
	assert_int_equal(stat(e->kh, &st), 0);
	assert_int_equal(st.st_size, (off_t)big);
}

static void test_modes_kept(void **state)
{
	struct env *e = *state;
	struct keys k;
	keys_init(&k);
	mkdir_ssh(e);
	write_file(e->kh, "# mine\n", 7, 0644);
	const char *names[] = { "spark-2" };
	int n = -1;
	assert_int_equal(known_hosts_add(&e->u, e->kh, names, 1, 22, ED, k.k1, false, &n, e->err,
					 sizeof(e->err)),
			 0);
	struct stat st;
	assert_int_equal(lstat(e->kh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* writable by others: keeps its mode minus that */
	assert_int_equal(chmod(e->kh, 0666), 0);
	assert_int_equal(known_hosts_remove(&e->u, e->kh, names, 1, 22, ED, k.k1, &n, e->err,
					    sizeof(e->err)),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(lstat(e->kh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_file_str(e->kh, "# mine\n");
	/* a known_hosts elsewhere: only in a directory that no one else can change */
	char dir[PATH_MAX], path[PATH_MAX + 32];
	snprintf(dir, sizeof(dir), "%s/shared", e->home);
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/known_hosts", dir);
	assert_int_equal(known_hosts_add(&e->u, path, names, 1, 22, ED, k.k1, false, &n, e->err,
					 sizeof(e->err)),
			 -EPERM);
	assert_non_null(strstr(e->err, dir));
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(known_hosts_add(&e->u, path, names, 1, 22, ED, k.k1, false, &n, e->err,
					 sizeof(e->err)),
			 0);
	assert_int_equal(n, 1);
}

/* As root for another user (uid 65534), as under sudo. */
static void test_owner_for_other_user(void **state)
{
	struct env *e = *state;
	if (geteuid() != 0)
		skip();
	struct keys k;
	keys_init(&k);
	struct ssh_user u = e->u;
	u.uid = 65534;
	u.gid = 65534;
	snprintf(u.name, sizeof(u.name), "nobody");
	bool added = false, changed = false;
	assert_int_equal(authkeys_add(&u, k.line1, &added, e->err, sizeof(e->err)), 0);
	const char *names[] = { "spark-2", "10.0.0.2" };
	int n = -1;
	assert_int_equal(known_hosts_add(&u, e->kh, names, 2, 22, ED, k.k1, true, &n, e->err,
					 sizeof(e->err)),
			 0);
	assert_int_equal(ssh_config_add_host(&u, "spark-2", names, 2, "nobody", &changed, e->err,
					     sizeof(e->err)),
			 0);
	const char *paths[] = { e->ssh, e->ak, e->kh, e->cfg };
	const mode_t modes[] = { 0700, 0600, 0600, 0600 };
	for (int i = 0; i < 4; i++) {
		struct stat st;
		assert_int_equal(lstat(paths[i], &st), 0);
		if (st.st_uid != 65534 || st.st_gid != 65534 || (st.st_mode & 07777) != modes[i])
			fail_msg("%s: uid %u gid %u mode %04o", paths[i], st.st_uid, st.st_gid,
				 st.st_mode & 07777);
	}
	/* an existing file of the user stays the user's after an edit by root */
	assert_int_equal(authkeys_add(&u, k.line2, &added, e->err, sizeof(e->err)), 0);
	struct stat st;
	assert_int_equal(lstat(e->ak, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	/* ~/.ssh of somebody else: refused */
	assert_int_equal(chown(e->ssh, 0, 0), 0);
	assert_int_equal(authkeys_add(&u, k.line2, &added, e->err, sizeof(e->err)), -EPERM);
	assert_non_null(strstr(e->err, "chown"));
	assert_int_equal(chown(e->ssh, 65534, 65534), 0);
	/* a file of a third user in ~/.ssh: refused */
	assert_int_equal(chown(e->kh, 1234, 1234), 0);
	assert_int_equal(
		known_hosts_remove(&u, e->kh, names, 2, 22, ED, k.k1, &n, e->err, sizeof(e->err)),
		-EPERM);
	assert_non_null(strstr(e->err, e->kh));
}

/* ---- HashKnownHosts ------------------------------------------------------------------------ */

static bool hash_with(struct env *e, const char *user, const char *sys)
{
	char up[PATH_MAX + 16], sp[PATH_MAX + 16];
	snprintf(up, sizeof(up), "%s/.ssh/config", e->home);
	snprintf(sp, sizeof(sp), "%s/etc/ssh_config", e->home);
	if (user)
		write_str(up, user);
	else
		unlink(up);
	if (sys)
		write_str(sp, sys);
	else
		unlink(sp);
	return ssh_config_hash_known_hosts(e->home, up, sp);
}

static void test_hash_known_hosts(void **state)
{
	struct env *e = *state;
	mkdir_ssh(e);
	char etc[PATH_MAX + 8], confd[PATH_MAX + 16], f[PATH_MAX + 32];
	snprintf(etc, sizeof(etc), "%s/etc", e->home);
	snprintf(confd, sizeof(confd), "%s/etc/conf.d", e->home);
	assert_int_equal(mkdir(etc, 0755), 0);
	assert_int_equal(mkdir(confd, 0755), 0);

	assert_false(hash_with(e, NULL, NULL)); /* default no */
	/* Debian's ssh_config */
	assert_true(hash_with(e, NULL,
			      "Include /nonexistent/ssh_config.d/*.conf\n\nHost *\n"
			      "    SendEnv LANG LC_*\n    HashKnownHosts yes\n"
			      "    GSSAPIAuthentication yes\n"));
	/* a Host block for another host does not count; "Host *" later does */
	assert_false(hash_with(e, "Host other\n  HashKnownHosts yes\n", NULL));
	assert_true(hash_with(e, "Host other\n  HashKnownHosts no\n",
			      "Host *\n  HashKnownHosts yes\n"));
	assert_true(hash_with(e, "Host other\n  HashKnownHosts no\nHost *\n HashKnownHosts yes\n",
			      NULL));
	assert_true(hash_with(e, "Host spark-* *\n  HashKnownHosts yes\n", NULL));
	/* first value wins: the user's before the system's, the first line in a file */
	assert_false(hash_with(e, "HashKnownHosts no\n", "Host *\n HashKnownHosts yes\n"));
	assert_false(hash_with(e, "HashKnownHosts no\nHashKnownHosts yes\n", NULL));
	/* keyword case, '=' separators, quotes, comments, CRLF */
	assert_true(hash_with(e, "hashknownhosts=yes\n", NULL));
	assert_true(hash_with(e, "  HASHKNOWNHOSTS = \"Yes\"\r\n", NULL));
	assert_false(hash_with(e, "HashKnownHosts\tno # not here\n", "HashKnownHosts yes\n"));
	assert_true(hash_with(e, "# HashKnownHosts no\n", "HashKnownHosts true\n"));
	assert_false(hash_with(e, "HashKnownHosts maybe\n", NULL));
	/* Match all counts, other Match blocks do not */
	assert_true(hash_with(e, "Match all\n HashKnownHosts yes\n", NULL));
	assert_false(hash_with(e, "Match host x\n HashKnownHosts yes\n", NULL));
	assert_true(hash_with(e,
			      "Match host x\n HashKnownHosts no\nMatch all\n"
			      "HashKnownHosts yes\n",
			      NULL));

	/* Include: globs in order, relative to the system file's directory; first value wins */
	snprintf(f, sizeof(f), "%s/20-b.conf", confd);
	write_str(f, "HashKnownHosts no\n");
	snprintf(f, sizeof(f), "%s/10-a.conf", confd);
	write_str(f, "Host *\nHashKnownHosts yes\n");
	snprintf(f, sizeof(f), "%s/README", confd);
	write_str(f, "HashKnownHosts no\n");
	assert_true(hash_with(e, NULL, "Include conf.d/*.conf\nHost *\n HashKnownHosts no\n"));
	/* an included file's Host line does not leak into the including file */
	snprintf(f, sizeof(f), "%s/10-a.conf", confd);
	write_str(f, "Host foo\n");
	assert_true(hash_with(e, NULL, "Include conf.d/10-a.conf\nHashKnownHosts yes\n"));
	assert_false(hash_with(e, NULL, "Include conf.d/*.conf\nHashKnownHosts yes\n"));
	/* an Include inside a block for another host counts for nothing */
	snprintf(f, sizeof(f), "%s/10-a.conf", confd);
	write_str(f, "HashKnownHosts yes\n");
	assert_false(hash_with(e, NULL, "Host foo\n Include conf.d/10-a.conf\n"));
	/* the user's relative Include is relative to ~/.ssh, ~/ to the home */
	snprintf(f, sizeof(f), "%s/.ssh/extra.conf", e->home);
	write_str(f, "HashKnownHosts yes\n");
	assert_true(hash_with(e, "Include extra.conf\n", "HashKnownHosts no\n"));
	assert_true(hash_with(e, "Include ~/.ssh/extra.conf\n", "HashKnownHosts no\n"));
	/* an Include loop ends */
	snprintf(f, sizeof(f), "%s/.ssh/loop.conf", e->home);
	write_str(f, "Include loop.conf\n");
	assert_true(hash_with(e, "Include loop.conf\n", "HashKnownHosts yes\n"));
	/* a file that includes itself three times per line: 3^16 reads unbounded; stops at the
	 * first bound (the test's TIMEOUT is what fails without it) */
	snprintf(f, sizeof(f), "%s/.ssh/fan.conf", e->home);
	write_str(f, "Include fan.conf fan.conf fan.conf\n");
	assert_true(hash_with(e, "Include fan.conf\n", "HashKnownHosts yes\n"));
	assert_false(hash_with(e, "Include fan.conf\n", "HashKnownHosts no\n"));

	/* ssh_hash_known_hosts: ~/.ssh/config and $SPARKLINK_SSH_SYSTEM_CONFIG */
	char sp[PATH_MAX + 16];
	snprintf(sp, sizeof(sp), "%s/etc/ssh_config", e->home);
	write_str(sp, "Host *\n HashKnownHosts yes\n");
	setenv("SPARKLINK_SSH_SYSTEM_CONFIG", sp, 1);
	unlink(e->cfg);
	assert_true(ssh_hash_known_hosts(&e->u));
	write_str(e->cfg, "HashKnownHosts no\n");
	assert_false(ssh_hash_known_hosts(&e->u));
	unsetenv("SPARKLINK_SSH_SYSTEM_CONFIG");
}

/* ---- ~/.ssh/config ------------------------------------------------------------------------- */

#define MARK "# sparklink: peer spark-2 (sparklink replaces or removes this block)\n"

static void test_config_new_file(void **state)
{
	struct env *e = *state;
	const char *names[] = { "spark-2.local", "fe80::2%enp1s0", "10.0.0.2", "Spark-2" };
	bool changed = false;
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", names, 4, "alice", &changed, e->err,
					     sizeof(e->err)),
			 0);
	assert_true(changed);
	assert_file_str(e->cfg, MARK "Host spark-2 spark-2.local fe80::2%enp1s0 10.0.0.2\n"
				     "\tHostName spark-2.local\n\tUser alice\n");
	struct stat st;
	assert_int_equal(lstat(e->cfg, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* the same again: nothing written */
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", names, 4, "alice", &changed, e->err,
					     sizeof(e->err)),
			 0);
	assert_false(changed);
	assert_true(same_inode(e->cfg, &st));
	/* the scoped address is never the HostName (ssh expands %-tokens there) */
	const char *scoped[] = { "fe80::2%enp1s0", "10.0.0.2" };
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", scoped, 2, NULL, &changed, e->err,
					     sizeof(e->err)),
			 0);
	assert_true(changed);
	assert_file_str(e->cfg, MARK "Host spark-2 fe80::2%enp1s0 10.0.0.2\n\tHostName 10.0.0.2\n");
	bool removed = false;
	assert_int_equal(ssh_config_remove_host(&e->u, "spark-2", &removed, e->err, sizeof(e->err)),
			 0);
	assert_true(removed);
	assert_file_str(e->cfg, "");
}

static void test_config_existing(void **state)
{
	struct env *e = *state;
	mkdir_ssh(e);
	const char *old = "# my config\r\n"
			  "ServerAliveInterval 30\n"
			  "\n"
			  "Host work\n"
			  "    User me\n"
			  "Host *\n"
			  "    User nobody-else\n"
			  "    HashKnownHosts yes";
	write_file(e->cfg, old, strlen(old), 0644);
	const char *names[] = { "spark-2.local", "10.0.0.2" };
	bool changed = false, removed = false;
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", names, 2, "alice", &changed, e->err,
					     sizeof(e->err)),
			 0);
	assert_true(changed);
	/* before the first Host line: global lines stay global, ours wins over Host * */
	assert_file_str(e->cfg, "# my config\r\n"
				"ServerAliveInterval 30\n"
				"\n" MARK "Host spark-2 spark-2.local 10.0.0.2\n"
				"\tHostName spark-2.local\n"
				"\tUser alice\n"
				"Host work\n"
				"    User me\n"
				"Host *\n"
				"    User nobody-else\n"
				"    HashKnownHosts yes");
	struct stat st;
	assert_int_equal(lstat(e->cfg, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* replaced in place when the names change */
	const char *fewer[] = { "10.0.0.3" };
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", fewer, 1, "bob", &changed, e->err,
					     sizeof(e->err)),
			 0);
	assert_true(changed);
	assert_file_str(e->cfg, "# my config\r\n"
				"ServerAliveInterval 30\n"
				"\n" MARK "Host spark-2 10.0.0.3\n"
				"\tHostName 10.0.0.3\n"
				"\tUser bob\n"
				"Host work\n"
				"    User me\n"
				"Host *\n"
				"    User nobody-else\n"
				"    HashKnownHosts yes");
	assert_int_equal(ssh_config_remove_host(&e->u, "spark-2", &removed, e->err, sizeof(e->err)),
			 0);
	assert_true(removed);
	assert_file_str(e->cfg, old);
	assert_int_equal(lstat(e->cfg, &st), 0);
	assert_int_equal(ssh_config_remove_host(&e->u, "spark-2", &removed, e->err, sizeof(e->err)),
			 0);
	assert_false(removed);
	assert_true(same_inode(e->cfg, &st));

	/* a Host line of the user's for the alias: left alone, reported */
	assert_int_equal(ssh_config_add_host(&e->u, "work", names, 2, NULL, &changed, e->err,
					     sizeof(e->err)),
			 -EEXIST);
	assert_false(changed);
	assert_non_null(strstr(e->err, ":4"));
	assert_file_str(e->cfg, old);
}

static void test_config_appended_and_user_lines(void **state)
{
	struct env *e = *state;
	mkdir_ssh(e);
	const char *old = "ServerAliveInterval 30"; /* no Host line, no final newline */
	write_str(e->cfg, old);
	const char *names[] = { "10.0.0.2" };
	bool changed = false, removed = false;
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", names, 1, NULL, &changed, e->err,
					     sizeof(e->err)),
			 0);
	assert_file_str(e->cfg, "ServerAliveInterval 30\n" MARK "Host spark-2 10.0.0.2\n"
				"\tHostName 10.0.0.2");
	/* replace keeps the missing final newline */
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", names, 1, "al", &changed, e->err,
					     sizeof(e->err)),
			 0);
	assert_file_str(e->cfg, "ServerAliveInterval 30\n" MARK "Host spark-2 10.0.0.2\n"
				"\tHostName 10.0.0.2\n\tUser al");
	assert_int_equal(ssh_config_remove_host(&e->u, "spark-2", &removed, e->err, sizeof(e->err)),
			 0);
	assert_file_str(e->cfg, old);

	/* a line the user added to our block: kept by a replace, blocks a remove */
	char with_port[1024];
	snprintf(with_port, sizeof(with_port),
		 MARK "Host spark-2 10.0.0.2\n\tHostName 10.0.0.2\n\n  Port 2222\nHost *\n");
	write_str(e->cfg, with_port);
	assert_int_equal(ssh_config_add_host(&e->u, "spark-2", names, 1, "al", &changed, e->err,
					     sizeof(e->err)),
			 0);
	assert_file_str(e->cfg, MARK "Host spark-2 10.0.0.2\n\tHostName 10.0.0.2\n\tUser al\n\n"
				     "  Port 2222\nHost *\n");
	assert_int_equal(ssh_config_remove_host(&e->u, "spark-2", &removed, e->err, sizeof(e->err)),
			 -EBUSY);
	assert_false(removed);
	assert_non_null(strstr(e->err, ":6 "));
	/* a marker of ours before somebody else's Host line is not our block */
	write_str(e->cfg, MARK "Host other\n\tUser x\n");
	assert_int_equal(ssh_config_remove_host(&e->u, "spark-2", &removed, e->err, sizeof(e->err)),
			 0);
	assert_false(removed);
}

static void test_config_rejects(void **state)
{
	struct env *e = *state;
	const char *good[] = { "10.0.0.2" };
	const char *bad_names[] = { "*", "a b", "-oProxyCommand=sh", "x\nHost *", "%h", "a\"b" };
	bool changed = true;
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		const char *one[] = { bad_names[i] };
		assert_int_equal(ssh_config_add_host(&e->u, bad_names[i], good, 1, NULL, &changed,
						     e->err, sizeof(e->err)),
				 -EINVAL);
		assert_int_equal(ssh_config_add_host(&e->u, "spark-2", one, 1, NULL, &changed,
						     e->err, sizeof(e->err)),
				 -EINVAL);
		assert_false(changed);
	}
	const char *bad_users[] = { "-x", "a b", "a\nHost *", "%u", "root;x" };
	for (size_t i = 0; i < sizeof(bad_users) / sizeof(bad_users[0]); i++)
		assert_int_equal(ssh_config_add_host(&e->u, "spark-2", good, 1, bad_users[i],
						     &changed, e->err, sizeof(e->err)),
				 -EINVAL);
	assert_int_equal(access(e->ssh, F_OK), -1); /* nothing was even created */
}

#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pubkey_line_valid),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_user_current),
		T(test_authkeys_missing_file),
		T(test_authkeys_preserved),
		T(test_authkeys_rollback_exact),
		T(test_authkeys_remove_every_copy),
		T(test_authkeys_rejects_bad_lines),
		T(test_kh_plain_and_lists),
		T(test_kh_hashed),
		T(test_kh_patterns_and_markers),
		T(test_kh_types),
		T(test_kh_each_name),
		T(test_kh_check_errors),
		T(test_kh_add_hashed),
		T(test_kh_add_plain_and_ports),
		T(test_kh_add_refuses_conflicts),
		T(test_kh_remove_exact),
		T(test_concurrent_edit),
		T(test_sshdir_fixed),
		T(test_symlinks_refused),
		T(test_hard_links_and_size_refused),
		T(test_modes_kept),
		T(test_owner_for_other_user),
		T(test_hash_known_hosts),
		T(test_config_new_file),
		T(test_config_existing),
		T(test_config_appended_and_user_lines),
		T(test_config_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
