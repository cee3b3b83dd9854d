/* test_steps.c: the six steps' marks and reasons, from models built by hand (a Spark with port 1
 * cabled), a peer as mDNS reports it, facts as jobs report them, and real journal files. */
#include "core/jobs/journal.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/jobs/invocation.h"
#include "core/guide/steps.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_model_build.h"

/* --- a model ----------------------------------------------------------------------------- */

static void add_netdev(struct model *m, const char *name, const char *pp)
{
	m->netdevs = xrealloc(m->netdevs, m->nnetdevs + 1, sizeof(*m->netdevs));
	struct netdev *d = &m->netdevs[m->nnetdevs++];
	memset(d, 0, sizeof(*d));
	str_copy(d->name, name, sizeof(d->name));
	d->ifindex = (int)m->nnetdevs;
	d->mtu = 1500;
	d->speed_mbps = -1;
	d->admin_up = true;
	str_copy(d->operstate, "down", sizeof(d->operstate));
	str_copy(d->phys_port_name, pp ? pp : "", sizeof(d->phys_port_name));
}

static void carrier(struct model *m, const char *name, bool on)
{
	struct netdev *d = nd(m, name);
	d->carrier = on;
	d->speed_mbps = on ? 200000 : -1;
	str_copy(d->operstate, on ? "up" : "lowerlayerdown", sizeof(d->operstate));
}

static void add_addr(struct model *m, const char *name, const char *cidr)
{
	struct netdev *d = nd(m, name);
	struct netdev_addr a = { 0 };
	char text[64];
	str_copy(text, cidr, sizeof(text));
	char *slash = strchr(text, '/');
	assert_non_null(slash);
	*slash = '\0';
	a.prefixlen = (unsigned)atoi(slash + 1);
	a.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	str_copy(a.text, text, sizeof(a.text));
	a.link_local = str_starts(text, "169.254.") || str_starts(text, "fe80:");
	d->addrs = xrealloc(d->addrs, d->naddrs + 1, sizeof(*d->addrs));
	d->addrs[d->naddrs++] = a;
}

static void del_addrs(struct model *m, const char *name)
{
	struct netdev *d = nd(m, name);
	free(d->addrs);
	d->addrs = NULL;
	d->naddrs = 0;
}

/* spark-1 as the lab makes it: port 1 cabled (both twins Up, IPv6 link-local only), port 0
 * without cable, the management LAN on enP7s7. */
static void spark(struct model *m)
{
	model_init(m);
	add_rdma(m, "roceP2p1s0f0", "0002:01:00.0", "enP2p1s0f0np0");
	add_rdma(m, "roceP2p1s0f1", "0002:01:00.1", "enP2p1s0f1np1");
	add_rdma(m, "rocep1s0f0", "0000:01:00.0", "enp1s0f0np0");
	add_rdma(m, "rocep1s0f1", "0000:01:00.1", "enp1s0f1np1");
	add_netdev(m, "enP2p1s0f0np0", "p0");
	add_netdev(m, "enP2p1s0f1np1", "p1");
	add_netdev(m, "enP7s7", NULL);
	add_netdev(m, "enp1s0f0np0", "p0");
	add_netdev(m, "enp1s0f1np1", "p1");
	carrier(m, "enP7s7", true);
	add_addr(m, "enP7s7", "10.77.0.1/24");
	carrier(m, "enp1s0f1np1", true);
	carrier(m, "enP2p1s0f1np1", true);
	add_addr(m, "enp1s0f1np1", "fe80::4ebb:47ff:fe11:4/64");
	add_addr(m, "enP2p1s0f1np1", "fe80::4ebb:47ff:fe11:2/64");
	model_sort_netdevs(m);
	model_rebuild(m);
}

static void unplug(struct model *m, bool out)
{
	carrier(m, "enp1s0f1np1", !out);
	carrier(m, "enP2p1s0f1np1", !out);
	model_rebuild(m);
}

/* --- a peer as mDNS reports it ----------------------------------------------------------- */

static void peer_addr(struct peer *p, const char *ifname, int family, const char *addr)
{
	p->addrs = xrealloc(p->addrs, p->naddrs + 1, sizeof(*p->addrs));
	struct peer_addr *a = &p->addrs[p->naddrs++];
	memset(a, 0, sizeof(*a));
	str_copy(a->ifname, ifname, sizeof(a->ifname));
	a->family = family;
	str_copy(a->addr, addr, sizeof(a->addr));
	a->port = 22;
	a->link_local = str_starts(addr, "fe80:");
}

static void spark2(struct peer *p, bool on_cable)
{
	memset(p, 0, sizeof(*p));
	str_copy(p->host, "spark-2.local", sizeof(p->host));
	p->host_ok = true;
	peer_addr(p, "enP7s7", AF_INET, "10.77.0.2");
	if (on_cable)
		peer_addr(p, "enp1s0f1np1", AF_INET6, "fe80::5ebb:47ff:fe12:4");
}

/* --- journals ------------------------------------------------------------------------------ */

struct env {
	struct model m;
	struct peer p;
	struct steps_facts f;
	struct step s[STEP_COUNT];
	char shown[STEP_COUNT][400]; /* each reason with the console's keys, as shown */
	char dir[64], journal[128];
};

static int setup(void **state)
{
	struct env *e = xcalloc(1, sizeof(*e));
	spark(&e->m);
	spark2(&e->p, true);
	steps_facts_init(&e->f, "spark-1", "nvidia");
	str_copy(e->dir, "/tmp/sl-steps-XXXXXX", sizeof(e->dir));
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->journal, sizeof(e->journal), "%s/journal.jsonl", e->dir);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	unlink(e->journal);
	rmdir(e->dir);
	model_free(&e->m);
	free(e->p.addrs);
	free(e);
	return 0;
}

static void record(struct env *e, const char *op, const char *host, const char *path,
		   const char *data)
{
	char err[256];
	struct journal *j = journal_open(e->journal, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(journal_record(j, op, host, path, data), 0);
	journal_close(j);
}

/* What apply writes for a plan on both nodes: the plan, then each change (lines 1..). */
static void journal_apply(struct env *e, const char *kind)
{
	char plan[256];
	snprintf(plan, sizeof(plan),
		 "kind=%s mtu=1500 node=1 names=spark-1,spark-2 "
		 "ifs=enp1s0f1np1,enP2p1s0f1np1 peer=10.77.0.2",
		 kind);
	record(e, "plan", "local", "", plan);
	record(e, "file-write", "10.77.0.2", "/etc/netplan/40-cx7.yaml", "absent");
	record(e, "netplan-apply", "10.77.0.2", "/etc/netplan", NULL);
	record(e, "file-write", "local", "/etc/netplan/40-cx7.yaml", "absent");
	record(e, "netplan-apply", "local", "/etc/netplan", NULL);
}

/* The journal as root's own, judged for the user nvidia (/home/nvidia). */
static int read_journal(struct env *e)
{
	struct invocation inv;
	memset(&inv, 0, sizeof(inv));
	inv.root = true;
	inv.journal_owner = geteuid();
	str_copy(inv.user.name, "nvidia", sizeof(inv.user.name));
	str_copy(inv.user.home, "/home/nvidia", sizeof(inv.user.home));
	str_copy(inv.journal, e->journal, sizeof(inv.journal));
	return steps_read_journal(&e->f, &inv);
}

/* The console's letter for each action a reason suggests. */
static const char *key_letter(enum step_action a, void *arg)
{
	(void)arg;
	static const char *const letters[STEP_DO_COUNT] = {
		[STEP_DO_PAIR] = "p",	[STEP_DO_CHECK] = "s",	  [STEP_DO_ADDR] = "a",
		[STEP_DO_VERIFY] = "v", [STEP_DO_ROLLBACK] = "r", [STEP_DO_UNDO_SSH] = "s",
		[STEP_DO_PEERS] = "c",	[STEP_DO_USER] = "u",
	};
	return letters[a];
}

static void compute(struct env *e)
{
	steps_compute(&e->m, &e->p, &e->f, e->s);
	for (int i = 0; i < STEP_COUNT; i++) {
		step_render(&e->s[i], key_letter, NULL, e->shown[i], sizeof(e->shown[i]));
		print_message("  %d %-10s %-7s %s\n", i + 1, step_title((enum step_id)i),
			      step_mark_word(e->s[i].mark), e->shown[i]);
	}
}

#define assert_step(e, id, want, text)                                                             \
	do {                                                                                       \
		assert_int_equal((e)->s[id].mark, want);                                           \
		step_render(&(e)->s[id], key_letter, NULL, (e)->shown[id],                         \
			    sizeof((e)->shown[id]));                                               \
		if (!strstr((e)->shown[id], text))                                                 \
			fail_msg("step %d: \"%s\" not in \"%s\"", (id) + 1, text, (e)->shown[id]); \
	} while (0)

static void rails_ok(struct env *e, bool ok)
{
	struct rail r[2] = { 0 };
	str_copy(r[0].ifname, "enp1s0f1np1", sizeof(r[0].ifname));
	str_copy(r[1].ifname, "enP2p1s0f1np1", sizeof(r[1].ifname));
	r[0].ok = true;
	r[1].ok = ok;
	snprintf(r[0].text, sizeof(r[0].text),
		 "enp1s0f1np1: 192.168.100.10 -> 192.168.100.11 answers");
	snprintf(r[1].text, sizeof(r[1].text),
		 ok ? "enP2p1s0f1np1: 192.168.101.10 -> "
		      "192.168.101.11 answers"
		    : "enP2p1s0f1np1: 192.168.101.10 -> 192.168.101.11 does "
		      "not answer");
	steps_learn_rails(&e->f, r, 2);
}

static void static_addrs(struct env *e)
{
	add_addr(&e->m, "enp1s0f1np1", "192.168.100.10/24");
	add_addr(&e->m, "enP2p1s0f1np1", "192.168.101.10/24");
}

/* --- tests ---------------------------------------------------------------------------------- */

static void test_fresh(void **state)
{
	struct env *e = *state;
	assert_int_equal(read_journal(e), 0); /* no journal yet */
	compute(e);
	assert_step(e, STEP_USER, STEP_TODO, "Checked when you pair");
	assert_step(e, STEP_CABLE, STEP_DONE, "Port 1 is Up and spark-2 is seen on it");
	assert_step(e, STEP_ADDR, STEP_TODO, "choose link-local or static");
	assert_step(e, STEP_SSH, STEP_TODO, "Not paired with spark-2 yet: p pairs");
	assert_step(e, STEP_VERIFY, STEP_TODO, "address the ports first");
	assert_step(e, STEP_ROLLBACK, STEP_NA, "Nothing to undo");
	assert_int_equal(steps_next(e->s), STEP_USER);
}

static void test_no_peer_no_cable(void **state)
{
	struct env *e = *state;
	steps_compute(&e->m, NULL, &e->f, e->s);
	assert_step(e, STEP_CABLE, STEP_TODO, "no other Spark is seen yet");
	assert_step(e, STEP_SSH, STEP_TODO, "No peer yet");
	unplug(&e->m, true);
	steps_compute(&e->m, NULL, &e->f, e->s);
	assert_step(e, STEP_CABLE, STEP_TODO, "No cable seen: plug a QSFP cable");
	/* the peer only on the LAN */
	unplug(&e->m, false);
	free(e->p.addrs);
	spark2(&e->p, false);
	compute(e);
	assert_step(e, STEP_CABLE, STEP_TODO, "spark-2 is seen only on the LAN");
}

static void test_all_done_then_unplug_and_plug(void **state)
{
	struct env *e = *state;
	journal_apply(e, "static");
	assert_int_equal(read_journal(e), 0);
	assert_true(e->f.plan_applied);
	static_addrs(e);
	model_rebuild(&e->m);
	steps_learn_pair(&e->f, "spark-2.local", false, PAIR_OK, "nvidia", "paired and verified");
	rails_ok(e, true);
	compute(e);
	assert_step(e, STEP_USER, STEP_DONE, "You are nvidia here and on spark-2");
	assert_step(e, STEP_CABLE, STEP_DONE, "Port 1 is Up");
	assert_step(
		e, STEP_ADDR, STEP_DONE,
		"The static plan with spark-2 is in place: enp1s0f1np1 192.168.100.10/24, enP2p1s0f1np1 192.168.101.10/24, MTU 1500");
	assert_step(e, STEP_SSH, STEP_DONE, "Passwordless SSH both ways with spark-2");
	assert_step(e, STEP_VERIFY, STEP_DONE, "Every rail answers (2)");
	assert_step(e, STEP_ROLLBACK, STEP_NA, "2 changes to the network can be undone");
	assert_int_equal(steps_next(e->s), STEP_COUNT);

	/* the cable is pulled: the model changes, nothing else */
	unplug(&e->m, true);
	compute(e);
	assert_step(e, STEP_CABLE, STEP_FAILING, "Cable out on enp1s0f1np1");
	assert_step(e, STEP_VERIFY, STEP_FAILING, "Cable out on enp1s0f1np1");
	assert_step(e, STEP_SSH, STEP_DONE, "Passwordless SSH");
	assert_int_equal(steps_next(e->s), STEP_CABLE);

	/* back in: it recovers by itself */
	unplug(&e->m, false);
	compute(e);
	assert_step(e, STEP_CABLE, STEP_DONE, "Port 1 is Up");
	assert_step(e, STEP_VERIFY, STEP_DONE, "Every rail answers");

	/* a bandwidth test ran: step 5 says its figure */
	steps_learn_bench(&e->f, "bandwidth 18.20 Gb/s (TCP, pass)");
	compute(e);
	assert_step(e, STEP_VERIFY, STEP_DONE,
		    "Verified: rails answer; bandwidth 18.20 Gb/s (TCP, pass).");
}

static void test_cable_out_where_peer_was(void **state)
{
	struct env *e = *state;
	/* no plan yet: the peer's record on the cable interface (avahi keeps it) tells */
	unplug(&e->m, true);
	compute(e);
	assert_step(e, STEP_CABLE, STEP_FAILING,
		    "Cable out on enp1s0f1np1, where spark-2 was seen");
}

static void test_rollback_back_to_todo(void **state)
{
	struct env *e = *state;
	journal_apply(e, "static");
	record(e, "authkeys-add", "10.77.0.2", "~/.ssh/authorized_keys",
	       "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV nvidia@spark-1");
	static_addrs(e);
	model_rebuild(&e->m);
	rails_ok(e, true);
	steps_learn_pair(&e->f, "spark-2.local", false, PAIR_OK, "nvidia", "ok");
	assert_int_equal(read_journal(e), 0);
	compute(e);
	assert_step(e, STEP_VERIFY, STEP_DONE, "Every rail answers");
	assert_step(e, STEP_ROLLBACK, STEP_NA,
		    "3 changes can be undone (r): 2 to the network, 1 SSH");

	/* rollback (without the SSH lines): the journal has every network line undone */
	record(e, "undone", "local", "file-write", "4");
	record(e, "undone", "local", "netplan-apply", "5");
	record(e, "undone", "local", "netplan-apply", "3");
	record(e, "undone", "local", "file-write", "2");
	record(e, "undone", "local", "plan", "1");
	del_addrs(&e->m, "enp1s0f1np1");
	del_addrs(&e->m, "enP2p1s0f1np1");
	model_rebuild(&e->m);
	steps_learn_rollback(&e->f, 0, "4 undone", false);
	assert_int_equal(read_journal(e), 0);
	compute(e);
	assert_false(e->f.plan_applied);
	assert_step(e, STEP_ADDR, STEP_TODO, "No addresses yet");
	assert_step(e, STEP_VERIFY, STEP_TODO, "address the ports first");
	assert_step(e, STEP_SSH, STEP_DONE, "Passwordless SSH");
	assert_step(e, STEP_ROLLBACK, STEP_NA, "1 SSH pairing change can be undone");

	/* then the SSH lines too: pairing is to do again, nothing left to undo */
	record(e, "undone", "local", "authkeys-add", "6");
	steps_learn_rollback(&e->f, 0, "1 undone", true);
	assert_int_equal(read_journal(e), 0);
	compute(e);
	assert_step(e, STEP_SSH, STEP_TODO, "Not paired with spark-2 yet");
	assert_step(e, STEP_ROLLBACK, STEP_NA, "Nothing to undo");
}

static void test_missing_address_and_mtu(void **state)
{
	struct env *e = *state;
	journal_apply(e, "static");
	assert_int_equal(read_journal(e), 0);
	add_addr(&e->m, "enp1s0f1np1", "192.168.100.10/24"); /* the twin's is missing */
	model_rebuild(&e->m);
	rails_ok(e, true);
	compute(e);
	assert_step(e, STEP_ADDR, STEP_FAILING, "192.168.101.10/24 is missing from enP2p1s0f1np1");
	assert_step(e, STEP_VERIFY, STEP_FAILING, "step 3 fails");
	add_addr(&e->m, "enP2p1s0f1np1", "192.168.101.10/24");
	nd(&e->m, "enP2p1s0f1np1")->mtu = 9000;
	model_rebuild(&e->m);
	compute(e);
	assert_step(e, STEP_ADDR, STEP_FAILING, "enP2p1s0f1np1 has MTU 9000, the plan says 1500");
}

static void test_link_local(void **state)
{
	struct env *e = *state;
	journal_apply(e, "link-local");
	assert_int_equal(read_journal(e), 0);
	compute(e);
	assert_step(e, STEP_ADDR, STEP_FAILING, "A 169.254 address is missing from enp1s0f1np1");
	add_addr(&e->m, "enp1s0f1np1", "169.254.12.34/16");
	add_addr(&e->m, "enP2p1s0f1np1", "169.254.56.78/16");
	model_rebuild(&e->m);
	compute(e);
	assert_step(e, STEP_ADDR, STEP_DONE,
		    "The link-local plan with spark-2 is in place: enp1s0f1np1 169.254.12.34/16");
	assert_step(e, STEP_VERIFY, STEP_TODO, "Ping every rail (v)");
	rails_ok(e, false);
	compute(e);
	assert_step(e, STEP_VERIFY, STEP_FAILING, "192.168.101.11 does not answer");
}

static void test_user_mismatch(void **state)
{
	struct env *e = *state;
	steps_learn_pair(&e->f, "spark-2.local", false, PAIR_AUTH_FAILED, "nvidia",
			 "three wrong passwords");
	compute(e);
	assert_step(e, STEP_USER, STEP_FAILING, "spark-2 refused 'nvidia': it may have no user");
	assert_step(e, STEP_USER, STEP_FAILING, "(u)");
	assert_step(e, STEP_SSH, STEP_FAILING, "see step 1");
	steps_learn_pair(&e->f, "spark-2.local", false, PAIR_USER_MISMATCH, "bob", "differ");
	compute(e);
	assert_step(e, STEP_USER, STEP_FAILING,
		    "You are 'nvidia' here but the login on spark-2 is 'bob'");
	/* another peer's facts do not count for this one */
	steps_learn_pair(&e->f, "spark-3.local", false, PAIR_OK, "nvidia", "ok");
	compute(e);
	assert_step(e, STEP_USER, STEP_FAILING, "'bob'");
	/* the fix worked */
	steps_learn_pair(&e->f, "spark-2.local", false, PAIR_OK, "nvidia", "ok");
	compute(e);
	assert_step(e, STEP_USER, STEP_DONE, "You are nvidia here and on spark-2");
}

static void test_check_and_cancel(void **state)
{
	struct env *e = *state;
	steps_learn_pair(&e->f, "spark-2.local", false, PAIR_CANCELLED, "nvidia", "cancelled");
	compute(e);
	assert_step(e, STEP_SSH, STEP_TODO, "Pairing with spark-2 was cancelled");
	steps_learn_pair(&e->f, "spark-2.local", true, PAIR_OK, "nvidia", "ok");
	compute(e);
	assert_step(e, STEP_SSH, STEP_DONE, "Passwordless SSH both ways");
	assert_step(e, STEP_USER, STEP_DONE, "accepts your key as nvidia");
	steps_learn_pair(&e->f, "spark-2.local", true, PAIR_AUTH_FAILED, "nvidia", "refused");
	compute(e);
	assert_step(e, STEP_SSH, STEP_FAILING, "spark-2 does not accept your key");
}

static void test_paired_earlier(void **state)
{
	struct env *e = *state;
	record(e, "authkeys-add", "10.77.0.2", "~/.ssh/authorized_keys",
	       "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV nvidia@spark-1");
	record(e, "known-hosts-add", "local", "/home/nvidia/.ssh/known_hosts",
	       "10.77.0.2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV");
	assert_int_equal(read_journal(e), 0);
	compute(e);
	assert_step(e, STEP_SSH, STEP_TODO, "Paired earlier");
	assert_step(e, STEP_ROLLBACK, STEP_NA, "2 SSH pairing changes can be undone");
}

static void test_rollback_failed(void **state)
{
	struct env *e = *state;
	journal_apply(e, "static");
	assert_int_equal(read_journal(e), 0);
	steps_learn_rollback(&e->f, 1, "cannot reach 10.77.0.2", false);
	compute(e);
	assert_step(e, STEP_ROLLBACK, STEP_FAILING, "cannot reach 10.77.0.2): r tries again");
}

static void test_not_a_spark(void **state)
{
	struct env *e = *state;
	struct model m;
	model_init(&m);
	model_rebuild(&m);
	steps_compute(&m, NULL, &e->f, e->s);
	assert_step(e, STEP_CABLE, STEP_NA, "No ConnectX port");
	assert_step(e, STEP_ADDR, STEP_NA, "No ConnectX port");
	assert_step(e, STEP_VERIFY, STEP_NA, "No ConnectX port");
	model_free(&m);
}

/* Names of actions instead of keys: each front end shows its own keys. */
static const char *action_name(enum step_action a, void *arg)
{
	(void)arg;
	return a == STEP_DO_PAIR ? "<pair>" : a == STEP_DO_CHECK ? "<check>" : "<other>";
}

static void test_actions_not_keys(void **state)
{
	struct env *e = *state;
	compute(e);
	char t[400];
	step_render(&e->s[STEP_SSH], action_name, NULL, t, sizeof(t));
	assert_non_null(strstr(t, "Not paired with spark-2 yet: <pair> pairs (your public key"));
	assert_int_equal(e->s[STEP_SSH].nactions, 1);
	assert_int_equal(e->s[STEP_SSH].actions[0].action, STEP_DO_PAIR);
	/* a name carrying the marker byte and a digit suggests nothing: it is cleaned */
	str_copy(e->p.host, "evil\0370-2.local", sizeof(e->p.host));
	compute(e);
	assert_int_equal(e->s[STEP_CABLE].nactions, 0);
	assert_non_null(strstr(e->s[STEP_CABLE].reason, "evil?0-2 is seen on it"));
	assert_int_equal(e->s[STEP_SSH].nactions, 1);
}

static void test_outside_text_cleaned(void **state)
{
	struct env *e = *state;
	steps_learn_pair(&e->f, "spark-2.local", false, PAIR_FAILED, "nvidia",
			 "bad \x1b[31mthing\x07 happened");
	compute(e);
	assert_int_equal(e->s[STEP_SSH].mark, STEP_FAILING);
	assert_null(strchr(e->s[STEP_SSH].reason, '\x1b'));
	assert_null(strchr(e->s[STEP_SSH].reason, '\x07'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_peer_no_cable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions_not_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_done_then_unplug_and_plug, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cable_out_where_peer_was, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_back_to_todo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_address_and_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_and_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paired_earlier, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_spark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_text_cleaned, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
