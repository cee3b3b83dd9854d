/* test_journal_ops.c: every operation's path rules (what a record may make root touch), as a
 * forged journal would try them, and the checks on opening a journal (symlink, group/other
 * write, another owner). */
#include "core/base/base64.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"
#include "core/base/util.h"

#include <errno.h>
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

#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
#define PLAN                                                                               \
	"kind=static mtu=1500 node=1 names=spark-1,spark-2 ifs=enp1s0f1np1,enP2p1s0f1np1 " \
	"peer=10.77.0.2"

static struct journal_record rec(const char *op, const char *host, const char *path,
				 const char *data)
{
	struct journal_record r;
	memset(&r, 0, sizeof(r));
	str_copy(r.op, op, sizeof(r.op));
	str_copy(r.host, host, sizeof(r.host));
	str_copy(r.path, path, sizeof(r.path));
	r.data = (char *)data;
	return r;
}

/* Judge one record after a plan record (v[0]); returns the verdict, why in *why. */
static enum journal_verdict judge(bool user, const char *op, const char *host, const char *path,
				  const char *data, char *why, size_t whysize)
{
	struct journal_record v[2] = { rec("plan", "local", "", PLAN), rec(op, host, path, data) };
	struct journal_scope s = { .user_journal = user, .home = "/home/nvidia" };
	return journal_judge(v, 2, 1, &s, why, whysize);
}

#define ALLOWED(user, op, host, path, data)                                                      \
	do {                                                                                     \
		char why_[512];                                                                  \
		enum journal_verdict v_ = judge(user, op, host, path, data, why_, sizeof(why_)); \
		if (v_ != JOURNAL_OK)                                                            \
			fail_msg("%s %s %s refused: %s", op, host, path, why_);                  \
	} while (0)

#define REFUSED(user, op, host, path, data, want, text)                                          \
	do {                                                                                     \
		char why_[512];                                                                  \
		enum journal_verdict v_ = judge(user, op, host, path, data, why_, sizeof(why_)); \
		if (v_ != (want) || !strstr(why_, text))                                         \
			fail_msg("%s %s %s: verdict %d, \"%s\" (wanted \"%s\")", op, host, path, \
				 v_, why_, text);                                                \
	} while (0)

/* What apply and pairing really write is allowed. */
static void test_genuine_records(void **state)
{
	(void)state;
	ALLOWED(false, "file-write", "local", "/etc/netplan/40-cx7.yaml", "absent");
	ALLOWED(false, "file-write", "10.77.0.2", "/etc/netplan/40-cx7.yaml", "600 bmV0d29yazoK");
	ALLOWED(false, "file-write", "local",
		"/var/lib/sparklink/backup/40-cx7.yaml.20261203T0000Z", "absent");
	ALLOWED(false, "backup", "local", "/var/lib/sparklink/backup/40-cx7.yaml.20261203T0000Z",
		"/etc/netplan/40-cx7.yaml");
	ALLOWED(false, "netplan-apply", "10.77.0.2", "/etc/netplan", NULL);
	ALLOWED(false, "addr-add", "local", "enp1s0f1np1", "192.168.100.10/24");
	ALLOWED(false, "addr-add", "10.77.0.2", "enP2p1s0f1np1", "192.168.101.11/24");
	ALLOWED(false, "mtu-set", "local", "enp1s0f1np1", "1500 9000");
	ALLOWED(false, "link-up", "10.77.0.2", "enp1s0f1np1", NULL);
	ALLOWED(false, "ll4", "local", "enp1s0f1np1", "");
	ALLOWED(false, "ll4", "local", "enp1s0f1np1", "169.254.3.4/16");
	ALLOWED(false, "ll6", "local", "enp1s0f1np1", "0 fe80::4ebb:47ff:fe13:3/64");
	ALLOWED(false, "nm-profile", "local", "enp1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f f8f0b7d3-ee54-3417-8dd8-e47eaa054c1b");
	ALLOWED(false, "nm-profile", "10.77.0.2", "enP2p1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f -");
	/* since December 2026 the address the profile set follows */
	ALLOWED(false, "nm-profile", "10.77.0.2", "enP2p1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f - 192.168.101.11/24");
	ALLOWED(false, "nm-profile", "local", "enp1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f f8f0b7d3-ee54-3417-8dd8-e47eaa054c1b "
		"192.168.100.10/24");
	ALLOWED(false, "authkeys-add", "local", "/home/nvidia/.ssh/authorized_keys", KEY " a@b");
	ALLOWED(false, "authkeys-add", "10.77.0.2", "~/.ssh/authorized_keys", KEY " a@b");
	ALLOWED(false, "known-hosts-add", "local", "/home/nvidia/.ssh/known_hosts",
		"10.77.0.2,spark-2.local " KEY);
	ALLOWED(false, "known-hosts-add", "fe80::1%enp1s0f1np1", "~/.ssh/known_hosts",
		"|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|aGFzaGhhc2hoYXNoaGFzaGhhc2g= " KEY "\n"
		"[spark-1.local]:2222 " KEY);
	ALLOWED(false, "ssh-config-host", "local", "/home/nvidia/.ssh/config", "spark-2");
	ALLOWED(false, "key-create", "local", "/home/nvidia/.ssh/id_ed25519", NULL);
	ALLOWED(false, "user-create", "10.77.0.2", "nvidia", NULL);
	/* pairing without sudo: the same SSH records in the user's own journal */
	ALLOWED(true, "authkeys-add", "local", "/home/nvidia/.ssh/authorized_keys", KEY " a@b");
	ALLOWED(true, "known-hosts-add", "10.77.0.2", "~/.ssh/known_hosts", "spark-1 " KEY);
	ALLOWED(true, "ssh-config-host", "local", "/home/nvidia/.ssh/config", "spark-2");
	/* a mesh: on peer spark-3 (reached at 10.77.0.3), spark-2's public key, and spark-2's host
	 * key under each of its names, one name per line, hashed or not */
	ALLOWED(true, "authkeys-add", "10.77.0.3", "~/.ssh/authorized_keys", KEY " nvidia@spark-2");
	ALLOWED(true, "known-hosts-add", "10.77.0.3", "~/.ssh/known_hosts",
		"|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|aGFzaGhhc2hoYXNoaGFzaGhhc2g= " KEY "\n"
		"|1|dGxhc3RsYXN0bGFzdGxhc3RsYXM=|aGFzaGhhc2hoYXNoaGFzaGhhc2g= " KEY "\n"
		"10.99.1.2 " KEY "\n"
		"spark-2 " KEY);
}

/* A mesh writes known_hosts records of one host key each; anything else is refused. */
static void test_known_hosts_shape(void **state)
{
	(void)state;
#define OTHER "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZm"
	const enum journal_verdict R = JOURNAL_REFUSED;
	REFUSED(true, "known-hosts-add", "10.77.0.3", "~/.ssh/known_hosts",
		"spark-2 " KEY "\nspark-4 " OTHER, R, "more than one host key");
	REFUSED(true, "known-hosts-add", "10.77.0.3", "~/.ssh/known_hosts",
		"spark-2 " KEY "\nspark-2 ecdsa-sha2-nistp256 AAAAE2VjZHNh", R,
		"not names, a type and a key");
	REFUSED(true, "known-hosts-add", "10.77.0.3", "~/.ssh/known_hosts",
		"spark-2,10.77.0.2 " KEY, R, "names more than one host");
	REFUSED(true, "known-hosts-add", "local", "/home/nvidia/.ssh/known_hosts",
		"spark-2 " KEY "\nspark-3 " KEY, R, "more than one line");
	char many[4096] = "";
	for (int k = 0; k < 17; k++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%sh%d %s",
			 k ? "\n" : "", k, KEY);
	REFUSED(true, "known-hosts-add", "10.77.0.3", "~/.ssh/known_hosts", many, R,
		"more lines than pairing writes");
	many[0] = '\0';
	for (int k = 0; k < 16; k++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%sh%d %s",
			 k ? "\n" : "", k, KEY);
	ALLOWED(true, "known-hosts-add", "10.77.0.3", "~/.ssh/known_hosts", many);
	REFUSED(true, "authkeys-add", "10.77.0.3", "~/.ssh/authorized_keys",
		KEY " a@b\n" OTHER " c@d", R, "not a public key line");
#undef OTHER
}

/* What the forged journal of the report tried, and more. */
static void test_forged_records(void **state)
{
	(void)state;
	const enum journal_verdict R = JOURNAL_REFUSED, I = JOURNAL_IGNORED;
	REFUSED(false, "file-write", "local", "/etc/passwd", "644 cm9vdDp4OjA6MDo6Lzov", R,
		"not a netplan file");
	REFUSED(false, "file-write", "local", "/etc/shadow", "absent", R, "not a netplan file");
	REFUSED(false, "file-write", "10.77.0.2", "/root/.ssh/authorized_keys", "absent", R,
		"not a netplan file");
	REFUSED(false, "file-write", "local", "/etc/sudoers.d/nvidia", "absent", R,
		"not a netplan file");
	REFUSED(false, "file-write", "local", "/etc/netplan/../shadow.yaml", "absent", R,
		"not a netplan file");
	REFUSED(false, "file-write", "local", "/etc/netplan/sub/x.yaml", "absent", R,
		"not a netplan file");
	REFUSED(false, "file-write", "local", "/etc/netplan/40-cx7.yaml", "4755 AAAA", R,
		"not a plain file mode");
	REFUSED(false, "file-write", "local", "/etc/netplan/40-cx7.yaml", "600 !!!", R,
		"not base64");
	REFUSED(false, "backup", "local", "/etc/shadow", "/etc/netplan/40-cx7.yaml", R,
		"not in sparklink's backup directory");
	REFUSED(false, "addr-add", "local", "enP7s7", "10.0.0.1/24", R, "no plan before it");
	REFUSED(false, "addr-add", "10.99.0.9", "enp1s0f1np1", "10.0.0.1/24", R,
		"no plan before it");
	REFUSED(false, "addr-add", "local", "enp1s0f1np1", "10.0.0.1", R, "not an address");
	REFUSED(false, "mtu-set", "local", "enp1s0f1np1", "1500 9000 x", R, "not two MTUs");
	REFUSED(false, "link-up", "local", "../../etc", NULL, R, "not an interface name");
	REFUSED(false, "ll6", "local", "enp1s0f1np1", "0 /etc/shadow", R, "malformed");
	REFUSED(false, "nm-profile", "local", "enp1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f -; rm -rf /", R, "not two UUIDs");
	REFUSED(false, "nm-profile", "local", "enp1s0f1np1", "Wired connection 1 -", R,
		"not two UUIDs");
	REFUSED(false, "nm-profile", "local", "enp1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f - 192.168.100.10", R, "not an address");
	REFUSED(false, "nm-profile", "local", "enp1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f - 192.168.100.10/24,10.0.0.1/8", R,
		"not an address");
	REFUSED(false, "nm-profile", "local", "enp1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f - 192.168.100.10/24 x", R, "not two UUIDs");
	REFUSED(false, "nm-profile", "local", "enp1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f -  192.168.100.10/24", R, "not two UUIDs");
	REFUSED(false, "nm-profile", "local", "enp1s0f1np1",
		"d969ee58-5677-4c67-b2be-29b19d20ae8f - \x1b[2J/24", R, "not an address");
	REFUSED(false, "nm-profile", "local", "enP7s7", "d969ee58-5677-4c67-b2be-29b19d20ae8f -", R,
		"no plan before it");
	REFUSED(false, "authkeys-add", "local", "/root/.ssh/authorized_keys", KEY " a@b", R,
		"not your own ~/.ssh/authorized_keys");
	REFUSED(false, "authkeys-add", "10.77.0.2", "/root/.ssh/authorized_keys", KEY, R,
		"not the login user's");
	REFUSED(false, "authkeys-add", "local", "/home/nvidia/.ssh/authorized_keys", "x\ny", R,
		"not a public key line");
	REFUSED(false, "known-hosts-add", "local", "/root/.ssh/known_hosts", "a " KEY, R,
		"not your own ~/.ssh/known_hosts");
	REFUSED(false, "known-hosts-add", "local", "/home/nvidia/.ssh/known_hosts",
		"a,b;rm ssh-ed25519 AAAA", R, "not names, a type and a key");
	REFUSED(false, "ssh-config-host", "local", "/etc/ssh/ssh_config", "spark-2", R,
		"not your own ~/.ssh/config");
	REFUSED(false, "ssh-config-host", "10.77.0.2", "~/.ssh/config", "spark-2", R,
		"no ssh config");
	REFUSED(false, "key-create", "local", "/etc/ssh/ssh_host_ed25519_key", NULL, R,
		"not a key in your own ~/.ssh");
	REFUSED(false, "user-create", "local", "root", NULL, R, "only on a peer");
	REFUSED(false, "user-create", "10.77.0.2", "root;id", NULL, R, "not a user name");
	REFUSED(false, "chmod", "local", "/etc/shadow", "777", R, "not an operation");
	REFUSED(false, "addr-add", "$(id)", "enp1s0f1np1", "10.0.0.1/24", R, "not a host name");
	/* a user's journal: only what pairing writes, for their own files */
	REFUSED(true, "file-write", "local", "/etc/netplan/40-cx7.yaml", "absent", I,
		"not something pairing writes");
	REFUSED(true, "addr-add", "local", "enp1s0f1np1", "192.168.100.10/24", I,
		"not something pairing writes");
	REFUSED(true, "plan", "local", "", PLAN, I, "not something pairing writes");
	REFUSED(true, "chmod", "local", "/etc/shadow", "777", I, "not something pairing writes");
	REFUSED(true, "authkeys-add", "local", "/root/.ssh/authorized_keys", KEY " a@b", R,
		"not your own");
	REFUSED(true, "known-hosts-add", "local", "/home/other/.ssh/known_hosts", "a " KEY, R,
		"not your own");
}

/* The plan must come before the record, on the same host. */
static void test_plan_order(void **state)
{
	(void)state;
	char why[256];
	struct journal_record v[2] = { rec("addr-add", "local", "enp1s0f1np1", "192.168.100.10/24"),
				       rec("plan", "local", "", PLAN) };
	struct journal_scope s = { .user_journal = false, .home = "/home/nvidia" };
	assert_int_equal(journal_judge(v, 2, 0, &s, why, sizeof(why)), JOURNAL_REFUSED);
	struct journal_record w[2] = { rec("plan", "10.77.0.2", "", PLAN),
				       rec("addr-add", "local", "enp1s0f1np1",
					   "192.168.100.10/24") };
	assert_int_equal(journal_judge(w, 2, 1, &s, why, sizeof(why)), JOURNAL_REFUSED);
	assert_int_equal(journal_judge(w, 2, 0, &s, why, sizeof(why)), JOURNAL_REFUSED);
}

/* A plan whose peer is cabled on other ports (spark-1 p1 to spark-2 p0): a record for the peer
 * may name only the peer's interfaces, one for this node only this node's. */
static void test_peer_ifs(void **state)
{
	(void)state;
	char why[256];
	const char *plan = "kind=static mtu=1500 node=1 names=spark-1,spark-2 "
			   "ifs=enp1s0f1np1,enP2p1s0f1np1 peer=10.77.0.2 "
			   "peer_ifs=enp1s0f0np0,enP2p1s0f0np0";
	struct journal_scope s = { .user_journal = false, .home = "/home/nvidia" };
	struct {
		const char *host, *ifname;
		enum journal_verdict want;
	} cases[] = {
		{ "10.77.0.2", "enp1s0f0np0", JOURNAL_OK },
		{ "10.77.0.2", "enP2p1s0f0np0", JOURNAL_OK },
		{ "10.77.0.2", "enp1s0f1np1", JOURNAL_REFUSED },
		{ "local", "enp1s0f1np1", JOURNAL_OK },
		{ "local", "enp1s0f0np0", JOURNAL_REFUSED },
		{ "10.77.0.9", "enp1s0f0np0", JOURNAL_REFUSED },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journal_record v[2] = { rec("plan", "local", "", plan),
					       rec("addr-add", cases[i].host, cases[i].ifname,
						   "192.168.100.11/24") };
		enum journal_verdict got = journal_judge(v, 2, 1, &s, why, sizeof(why));
		if (got != cases[i].want)
			fail_msg("addr-add on %s of %s: verdict %d (%s), wanted %d",
				 cases[i].ifname, cases[i].host, got, why, cases[i].want);
	}
}

/* A ring of three applied from spark-1 (cluster-plan): a record for a node may name only the
 * interfaces that record gives the node written under that host; a forged cluster plan (two
 * "local" nodes, a bad host, an interface named twice, a path as an interface, ...) is refused and
 * gives nothing. */
#define RING                                                                              \
	"kind=static mtu=9000 topology=ring "                                             \
	"node=local,spark-1,enp1s0f0np0=192.168.0.1/24,enP2p1s0f0np0=192.168.1.1/24,"     \
	"enp1s0f1np1=192.168.2.1/24,enP2p1s0f1np1=192.168.3.1/24 "                        \
	"node=10.77.0.2,spark-2,enp1s0f0np0=192.168.4.1/24,enP2p1s0f0np0=192.168.5.1/24," \
	"enp1s0f1np1=192.168.0.2/24,enP2p1s0f1np1=192.168.1.2/24 "                        \
	"node=10.77.0.3,spark-3,enp1s0f0np0=192.168.2.2/24,enP2p1s0f0np0=192.168.3.2/24," \
	"enp1s0f1np1=192.168.4.2/24,enP2p1s0f1np1=192.168.5.2/24"

static void test_cluster_plan(void **state)
{
	(void)state;
	char why[256];
	struct journal_scope s = { .user_journal = false, .home = "/home/nvidia" };
	struct {
		const char *host, *ifname;
		enum journal_verdict want;
	} cases[] = {
		{ "local", "enp1s0f0np0", JOURNAL_OK },
		{ "local", "enP2p1s0f1np1", JOURNAL_OK },
		{ "10.77.0.2", "enp1s0f1np1", JOURNAL_OK },
		{ "10.77.0.3", "enP2p1s0f0np0", JOURNAL_OK },
		{ "10.77.0.3", "enp1s0f0np1", JOURNAL_REFUSED },
		{ "10.77.0.4", "enp1s0f0np0", JOURNAL_REFUSED },
		{ "spark-2", "enp1s0f0np0", JOURNAL_REFUSED },
		{ "local", "eth0", JOURNAL_REFUSED },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journal_record v[2] = { rec("cluster-plan", "local", "", RING),
					       rec("mtu-set", cases[i].host, cases[i].ifname,
						   "1500 9000") };
		enum journal_verdict got = journal_judge(v, 2, 1, &s, why, sizeof(why));
		if (got != cases[i].want)
			fail_msg("mtu-set on %s of %s: verdict %d (%s), wanted %d", cases[i].ifname,
				 cases[i].host, got, why, cases[i].want);
		/* the plan after the record gives nothing */
		struct journal_record w[2] = { v[1], v[0] };
		assert_int_equal(journal_judge(w, 2, 0, &s, why, sizeof(why)), JOURNAL_REFUSED);
		assert_int_equal(journal_judge(w, 2, 1, &s, why, sizeof(why)), JOURNAL_OK);
	}
	const char *forged[] = {
		/* written for a peer, not this node */
		NULL,
		"kind=static mtu=1500 topology=ring node=local,spark-1,eth0=- "
		"node=local,spark-2,eth1=-",
		"kind=static mtu=1500 topology=ring node=local,spark-1,eth0=-",
		"kind=static mtu=1500 topology=ring node=local,spark-1,eth0=- "
		"node=10.0.0.2,spark-1,eth0=-",
		"kind=static mtu=1500 topology=ring node=local,spark-1,eth0=-,eth0=- "
		"node=10.0.0.2,spark-2,eth0=-",
		"kind=static mtu=1500 topology=ring node=local,spark-1,../x=- "
		"node=10.0.0.2,spark-2,eth0=-",
		"kind=static mtu=1500 topology=ring node=local,spark-1,eth0=999.1.1.1/24 "
		"node=10.0.0.2,spark-2,eth0=-",
		"kind=static mtu=1500 topology=ring node=local,spark-1,eth0=- "
		"node=a;b,spark-2,eth0=-",
		"kind=static mtu=1400 topology=ring node=local,spark-1,eth0=- "
		"node=10.0.0.2,spark-2,eth0=-",
		"kind=static mtu=1500 topology=mesh node=local,spark-1,eth0=- "
		"node=10.0.0.2,spark-2,eth0=-",
		"kind=static mtu=1500 topology=ring node=local,spark-1 node=10.0.0.2,spark-2,eth0=-",
		"kind=static mtu=1500 topology=ring node=local,spark-1,eth0=- "
		"node=10.0.0.2,spark-2,eth0=- extra=1",
	};
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		const char *host = i == 0 ? "10.77.0.2" : "local";
		struct journal_record v[2] = { rec("cluster-plan", host, "",
						   i == 0 ? RING : forged[i]),
					       rec("addr-add", "local", "eth0", "192.168.0.1/24") };
		if (journal_judge(v, 2, 0, &s, why, sizeof(why)) != JOURNAL_REFUSED)
			fail_msg("forged cluster plan %zu accepted", i);
		if (journal_judge(v, 2, 1, &s, why, sizeof(why)) != JOURNAL_REFUSED)
			fail_msg("an interface of forged cluster plan %zu accepted", i);
	}
	struct journal_record ok = rec("cluster-plan", "local", "", RING);
	assert_int_equal(journal_judge(&ok, 1, 0, &s, why, sizeof(why)), JOURNAL_OK);
}

static int sh(const char *fmt, const char *a)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), fmt, a, a, a);
	return system(cmd);
}

/* Opening a journal: a symlink, a group- or other-writable file or directory, another owner:
 * refused, with the fix; nothing read. */
static void test_trust(void **state)
{
	(void)state;
	char dir[] = "/tmp/sl-trust-XXXXXX", jp[128], err[1024];
	assert_non_null(mkdtemp(dir));
	snprintf(jp, sizeof(jp), "%s/state/journal.jsonl", dir);
	struct journal *j = journal_open(jp, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(journal_record(j, "plan", "local", "", PLAN), 0);
	journal_close(j);
	struct journal_record *v = NULL;
	uid_t me = geteuid();
	assert_int_equal(journal_read(jp, me, &v, err, sizeof(err)), 1);
	journal_records_free(v, 1);

	/* group-writable file */
	chmod(jp, 0620);
	assert_int_equal(journal_read(jp, me, &v, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "can be written by others"));
	assert_non_null(strstr(err, "chmod go-w"));
	assert_null(journal_open(jp, err, sizeof(err)));
	chmod(jp, 0600);
	/* other-writable directory */
	char sd[128];
	snprintf(sd, sizeof(sd), "%s/state", dir);
	chmod(sd, 0707);
	assert_int_equal(journal_read(jp, me, &v, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "journal directory"));
	chmod(sd, 0700);
	/* another owner (what root reading a user's journal expects) */
	assert_int_equal(journal_read(jp, me + 1, &v, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "belongs to another user"));
	/* a symlink to the journal, and a symlinked directory */
	char link[128];
	snprintf(link, sizeof(link), "%s/state/link.jsonl", dir);
	assert_int_equal(symlink(jp, link), 0);
	assert_true(journal_read(link, me, &v, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "symbolic link"));
	assert_null(journal_open(link, err, sizeof(err)));
	char ldir[128], ljp[160];
	snprintf(ldir, sizeof(ldir), "%s/ldir", dir);
	assert_int_equal(symlink(sd, ldir), 0);
	snprintf(ljp, sizeof(ljp), "%s/journal.jsonl", ldir);
	assert_true(journal_read(ljp, me, &v, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "symbolic link"));
	/* a FIFO in its place is not read (and does not block) */
	char fifo[128];
	snprintf(fifo, sizeof(fifo), "%s/state/fifo.jsonl", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_true(journal_read(fifo, me, &v, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(sh("rm -rf %s", dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genuine_records), cmocka_unit_test(test_known_hosts_shape),
		cmocka_unit_test(test_forged_records),	cmocka_unit_test(test_plan_order),
		cmocka_unit_test(test_peer_ifs),	cmocka_unit_test(test_cluster_plan),
		cmocka_unit_test(test_trust),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
