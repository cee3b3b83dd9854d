/* test_rollback.c: what pairing adds on this machine (authorized_keys line, hashed known_hosts
 * lines, a Host block), recorded in a real journal, is undone exactly: the files are byte-identical
 * to before; a dry run changes nothing; a second rollback finds nothing; a torn journal line
 * (a crash mid-write) is skipped, not guessed at. */
#include "core/jobs/apply.h"
#include "core/base/base64.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"
#include "core/jobs/rollback.h"
#include "core/ssh/sshfiles.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static char home[64];

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*len = 0;
		return NULL;
	}
	char *b = calloc(1, 65536);
	*len = fread(b, 1, 65535, f);
	fclose(f);
	return b;
}

static void spit(const char *path, const char *s, mode_t mode)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
	chmod(path, mode);
}

/* a well-formed ed25519 public key blob with the given 32-byte fill */
static void ed25519_b64(unsigned char fill, char *out)
{
	unsigned char blob[4 + 11 + 4 + 32] = { 0, 0, 0, 11 };
	memcpy(blob + 4, "ssh-ed25519", 11);
	blob[18] = 32;
	memset(blob + 19, fill, 32);
	base64_encode(blob, sizeof(blob), out);
}

static void test_pairing_changes_roll_back_exactly(void **state)
{
	(void)state;
	strcpy(home, "/tmp/sl-rb-XXXXXX");
	assert_non_null(mkdtemp(home));
	struct ssh_user u = { .uid = getuid(), .gid = getgid() };
	strcpy(u.name, "tester");
	strcpy(u.home, home);
	char dir[128], ak[160], kh[160], cfg[160], jp[160];
	snprintf(dir, sizeof(dir), "%s/.ssh", home);
	mkdir(dir, 0700);
	snprintf(ak, sizeof(ak), "%s/authorized_keys", dir);
	snprintf(kh, sizeof(kh), "%s/known_hosts", dir);
	snprintf(cfg, sizeof(cfg), "%s/config", dir);
	snprintf(jp, sizeof(jp), "%s/state/journal.jsonl", home);

	char other[128], peer[128], hostkey[128];
	ed25519_b64(0x11, other);
	ed25519_b64(0x22, peer);
	ed25519_b64(0x33, hostkey);
	char before_ak[512], before_kh[512];
	snprintf(before_ak, sizeof(before_ak),
		 "# mine\nfrom=\"10.0.0.1\",no-pty ssh-ed25519 %s other@host", other);
	snprintf(before_kh, sizeof(before_kh), "elsewhere.example ssh-ed25519 %s\n", other);
	spit(ak, before_ak, 0600);
	spit(kh, before_kh, 0600);

	/* what pairing does, through the same functions and the same journal */
	char err[512], line[256], data[512];
	struct journal *j = journal_open(jp, err, sizeof(err));
	assert_non_null(j);
	snprintf(line, sizeof(line), "ssh-ed25519 %s nvidia@spark-2", peer);
	assert_int_equal(journal_record(j, "authkeys-add", "local", ak, line), 0);
	bool added = false;
	assert_int_equal(authkeys_add(&u, line, &added, err, sizeof(err)), 0);
	assert_true(added);
	const char *names[] = { "10.77.0.2", "spark-2.local" };
	snprintf(data, sizeof(data), "10.77.0.2,spark-2.local ssh-ed25519 %s", hostkey);
	assert_int_equal(journal_record(j, "known-hosts-add", "local", kh, data), 0);
	int n = 0;
	assert_int_equal(known_hosts_add(&u, kh, names, 2, 22, "ssh-ed25519", hostkey, true, &n,
					 err, sizeof(err)),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(journal_record(j, "ssh-config-host", "local", cfg, "spark-2"), 0);
	bool changed = false;
	const char *hn[] = { "10.77.0.2" };
	assert_int_equal(
		ssh_config_add_host(&u, "spark-2", hn, 1, "tester", &changed, err, sizeof(err)), 0);
	assert_true(changed);
	assert_int_equal(
		journal_record(j, "authkeys-add", "10.77.0.2", "~/.ssh/authorized_keys", line), 0);
	journal_close(j);

	struct journal_record *v;
	int nr = journal_read(jp, geteuid(), &v, err, sizeof(err));
	assert_int_equal(nr, 4);

	/* dry run: describes, changes nothing */
	size_t l1, l2;
	char *mid_ak = slurp(ak, &l1), *mid_kh = slurp(kh, &l2);
	struct buf log;
	buf_init(&log);
	struct rollback_report rep;
	assert_int_equal(rollback_ssh_local(v, (size_t)nr, &u, true, &log, &rep), 0);
	assert_non_null(strstr(log.data, "remove the key line"));
	assert_non_null(strstr(log.data, "on 10.77.0.2:"));
	size_t m1, m2;
	char *x1 = slurp(ak, &m1), *x2 = slurp(kh, &m2);
	assert_true(m1 == l1 && memcmp(x1, mid_ak, l1) == 0);
	assert_true(m2 == l2 && memcmp(x2, mid_kh, l2) == 0);
	free(x1), free(x2), free(mid_ak), free(mid_kh);
	buf_free(&log);

	/* rollback: every byte as before */
	buf_init(&log);
	assert_int_equal(rollback_ssh_local(v, (size_t)nr, &u, false, &log, &rep), 0);
	assert_int_equal(rep.undone, 3);
	assert_int_equal(rep.remote, 1);
	char *a = slurp(ak, &m1), *k = slurp(kh, &m2);
	assert_int_equal(m1, strlen(before_ak));
	assert_memory_equal(a, before_ak, m1);
	assert_int_equal(m2, strlen(before_kh));
	assert_memory_equal(k, before_kh, m2);
	free(a), free(k);
	size_t cl;
	char *c = slurp(cfg, &cl);
	assert_true(!c || cl == 0 || !strstr(c, "spark-2"));
	free(c);
	buf_free(&log);

	/* again: nothing left to do, nothing changes */
	buf_init(&log);
	assert_int_equal(rollback_ssh_local(v, (size_t)nr, &u, false, &log, &rep), 0);
	assert_int_equal(rep.undone, 0);
	assert_int_equal(rep.already, 3);
	a = slurp(ak, &m1);
	assert_memory_equal(a, before_ak, m1);
	free(a);
	buf_free(&log);
	journal_records_free(v, (size_t)nr);

	/* a torn last line (crash mid-write) is skipped with a word, the rest still read */
	FILE *f = fopen(jp, "a");
	fputs("{\"time\":\"2026-11-24T00:00:00Z\",\"op\":\"authkeys-a", f);
	fclose(f);
	err[0] = '\0';
	nr = journal_read(jp, geteuid(), &v, err, sizeof(err));
	assert_int_equal(nr, 4);
	assert_non_null(strstr(err, "not a journal record"));
	journal_records_free(v, (size_t)nr);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
	assert_int_equal(system(cmd), 0);
}

static void test_missing_journal_is_empty(void **state)
{
	(void)state;
	struct journal_record *v;
	char err[128] = "";
	assert_int_equal(journal_read("/nonexistent/journal.jsonl", 0, &v, err, sizeof(err)), 0);
	assert_null(v);
}

/* "undone" records mark exactly the line they name; pending counts what is left; a plan record
 * reads back as the plan it was */
static void test_undone_markers_and_plans(void **state)
{
	(void)state;
	char dir[] = "/tmp/sl-jr-XXXXXX", jp[64], err[256] = "";
	assert_non_null(mkdtemp(dir));
	snprintf(jp, sizeof(jp), "%s/journal.jsonl", dir);
	struct journal *j = journal_open(jp, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(
		journal_record(j, "plan", "local", "",
			       "kind=static mtu=9000 node=2 "
			       "names=alpha,beta ifs=enp1s0f1np1,enP2p1s0f1np1 peer=10.77.0.1"),
		0);
	assert_int_equal(journal_record(j, "mtu-set", "local", "enp1s0f1np1", "1500 9000"), 0);
	assert_int_equal(
		journal_record(j, "addr-add", "10.77.0.1", "enp1s0f1np1", "192.168.100.10/24"), 0);
	char key[128], line[200], ak[64];
	ed25519_b64(0x44, key);
	snprintf(line, sizeof(line), "ssh-ed25519 %s nvidia@spark-2", key);
	snprintf(ak, sizeof(ak), "%s/.ssh/authorized_keys", dir);
	assert_int_equal(journal_record(j, "authkeys-add", "local", ak, line), 0);
	assert_int_equal(journal_record(j, "undone", "local", "mtu-set", "2"), 0);
	/* outside the rules: another file, an interface no plan names */
	assert_int_equal(
		journal_record(j, "authkeys-add", "local", "/root/.ssh/authorized_keys", line), 0);
	assert_int_equal(journal_record(j, "addr-add", "local", "enP7s7", "10.0.0.9/24"), 0);
	journal_close(j);
	struct journal_scope scope = { .user_journal = false, .home = dir };
	struct journal_counts jc;
	assert_int_equal(journal_count_path(jp, geteuid(), &scope, &jc, err, sizeof(err)), 0);
	assert_int_equal(jc.pending_net, 1); /* addr-add; the plan is not a change */
	assert_int_equal(jc.pending_ssh, 1); /* the SSH line */
	assert_int_equal(jc.refused, 2);
	struct journal_record *v;
	int n = journal_read(jp, geteuid(), &v, err, sizeof(err));
	assert_int_equal(n, 7);
	assert_int_equal(v[1].line, 2);
	assert_true(v[1].undone);
	assert_false(v[0].undone);
	assert_false(v[2].undone);
	assert_true(v[4].undone);
	struct plan p;
	char peer[64];
	assert_int_equal(plan_record_parse(v[0].data, &p, peer, sizeof(peer)), 0);
	assert_int_equal(p.kind, PLAN_STATIC);
	assert_int_equal(p.mtu, 9000);
	assert_int_equal(p.self_node, 2);
	assert_string_equal(p.names[0], "alpha");
	assert_string_equal(p.names[1], "beta");
	assert_int_equal(p.nifs, 2);
	assert_string_equal(p.ifs[1].addr[1], "192.168.101.11/24");
	assert_string_equal(peer, "10.77.0.1");
	assert_int_equal(plan_record_parse("kind=bogus mtu=1500", &p, NULL, 0), -1);
	journal_records_free(v, (size_t)n);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairing_changes_roll_back_exactly),
		cmocka_unit_test(test_missing_journal_is_empty),
		cmocka_unit_test(test_undone_markers_and_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
