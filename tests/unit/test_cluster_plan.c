/* test_cluster_plan.c: the cable map and the cluster plans built on it, as NVIDIA's playbooks
 * write them: two nodes direct (also cross-cabled p1 to p0), the three-node ring's six /24s, rings
 * of 4, switches of 8; a ring cabled wrong, a twin down and a slow link said in words; never two
 * interfaces of one node in one subnet. */
#include "core/jobs/cluster_plan.h"
#include "core/net/cablemap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char *const ifn[2][2] = { { "enp1s0f0np0", "enP2p1s0f0np0" },
				       { "enp1s0f1np1", "enP2p1s0f1np1" } };

/* n nodes spark-1..spark-n, every twin present; ports in `up` (bit 0: p0, bit 1: p1) Up. */
static void nodes(struct cablemap *m, size_t n, unsigned up)
{
	cablemap_init(m);
	for (size_t i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "spark-%zu", i + 1);
		int k = cablemap_add_node(m, name);
		assert_int_equal(k, (int)i);
		for (int p = 0; p < 2; p++)
			for (int t = 0; t < 2; t++)
				cablemap_set_twin(m, k, p, t, ifn[p][t], up & (1u << p), 200000);
	}
}

/* A cable seen from both ends (as mDNS on the cable does): a's pa to b's pb (1-based nodes). */
static void cable(struct cablemap *m, int a, int pa, int b, int pb)
{
	cablemap_see(m, a - 1, pa, b - 1, pb);
	cablemap_see(m, b - 1, pb, a - 1, pa);
}

static const char *addr_of(const struct cluster_plan *p, const char *node, const char *ifname)
{
	for (size_t i = 0; i < p->naddrs; i++)
		if (strcmp(p->names[p->addrs[i].node], node) == 0 &&
		    strcmp(p->addrs[i].ifname, ifname) == 0)
			return p->addrs[i].addr;
	return "(none)";
}

static void test_direct_playbook(void **state)
{
	(void)state;
	struct cablemap m;
	nodes(&m, 2, 2);
	cable(&m, 1, 1, 2, 1);
	assert_int_equal(cablemap_topology(&m), TOPOLOGY_DIRECT);
	struct buf b;
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_DIRECT, &b), 0);
	assert_int_equal(b.len, 0);
	struct cluster_plan p;
	char err[256];
	cablemap_number(&m, TOPOLOGY_DIRECT);
	assert_int_equal(cluster_plan_make(&p, &m, TOPOLOGY_NONE, PLAN_STATIC_PERSISTENT, 1500, err,
					   sizeof(err)),
			 0);
	/* connect-two-sparks: enp1s0f1np1 192.168.100.10/24, enP2p1s0f1np1 192.168.101.10/24 */
	assert_string_equal(addr_of(&p, "spark-1", "enp1s0f1np1"), "192.168.100.10/24");
	assert_string_equal(addr_of(&p, "spark-1", "enP2p1s0f1np1"), "192.168.101.10/24");
	assert_string_equal(addr_of(&p, "spark-2", "enp1s0f1np1"), "192.168.100.11/24");
	assert_string_equal(addr_of(&p, "spark-2", "enP2p1s0f1np1"), "192.168.101.11/24");
	assert_int_equal(p.naddrs, 4);
	buf_free(&b);
}

static void test_cross_cabled_uses_each_nodes_own_port(void **state)
{
	(void)state;
	struct cablemap m;
	nodes(&m, 2, 0);
	cablemap_set_twin(&m, 0, 1, 0, ifn[1][0], true, 200000);
	cablemap_set_twin(&m, 0, 1, 1, ifn[1][1], true, 200000);
	cablemap_set_twin(&m, 1, 0, 0, ifn[0][0], true, 200000);
	cablemap_set_twin(&m, 1, 0, 1, ifn[0][1], true, 200000);
	cable(&m, 1, 1, 2, 0);
	struct buf b;
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_DIRECT, &b), 0); /* a note, not a problem */
	assert_non_null(strstr(b.data, "spark-1 p1 is cabled to spark-2 p0"));
	struct cluster_plan p;
	char err[256];
	assert_int_equal(
		cluster_plan_make(&p, &m, TOPOLOGY_DIRECT, PLAN_STATIC, 9000, err, sizeof(err)), 0);
	assert_string_equal(addr_of(&p, "spark-2", "enp1s0f0np0"), "192.168.100.11/24");
	assert_string_equal(addr_of(&p, "spark-2", "enP2p1s0f0np0"), "192.168.101.11/24");
	assert_string_equal(addr_of(&p, "spark-2", "enp1s0f1np1"), "(none)");
	buf_free(&b);
}

static void test_ring_of_three_as_nvidia_writes_it(void **state)
{
	(void)state;
	struct cablemap m;
	/* added in another order than the ring's, to check the numbering */
	cablemap_init(&m);
	const char *names[] = { "spark-3", "spark-1", "spark-2" };
	for (int i = 0; i < 3; i++) {
		cablemap_add_node(&m, names[i]);
		for (int p = 0; p < 2; p++)
			for (int t = 0; t < 2; t++)
				cablemap_set_twin(&m, i, p, t, ifn[p][t], true, 200000);
	}
	int n1 = cablemap_find(&m, "spark-1") + 1, n2 = cablemap_find(&m, "spark-2") + 1,
	    n3 = cablemap_find(&m, "spark-3") + 1;
	cable(&m, n1, 0, n2, 1); /* N1p0-N2p1, N2p0-N3p1, N3p0-N1p1 */
	cable(&m, n2, 0, n3, 1);
	cable(&m, n3, 0, n1, 1);
	assert_int_equal(cablemap_topology(&m), TOPOLOGY_RING);
	struct buf b;
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_RING, &b), 0);
	cablemap_number(&m, TOPOLOGY_RING);
	assert_string_equal(m.nodes[0].name, "spark-1");
	assert_string_equal(m.nodes[1].name, "spark-2");
	struct cluster_plan p;
	char err[256];
	assert_int_equal(cluster_plan_make(&p, &m, TOPOLOGY_RING, PLAN_STATIC_PERSISTENT, 1500, err,
					   sizeof(err)),
			 0);
	assert_int_equal(p.naddrs, 12);
	/* N1 192.168.0.1, 1.1, 2.1, 3.1; N2 4.1, 5.1, 0.2, 1.2; N3 2.2, 3.2, 4.2, 5.2 */
	assert_string_equal(addr_of(&p, "spark-1", "enp1s0f0np0"), "192.168.0.1/24");
	assert_string_equal(addr_of(&p, "spark-1", "enP2p1s0f0np0"), "192.168.1.1/24");
	assert_string_equal(addr_of(&p, "spark-1", "enp1s0f1np1"), "192.168.2.1/24");
	assert_string_equal(addr_of(&p, "spark-1", "enP2p1s0f1np1"), "192.168.3.1/24");
	assert_string_equal(addr_of(&p, "spark-2", "enp1s0f0np0"), "192.168.4.1/24");
	assert_string_equal(addr_of(&p, "spark-2", "enP2p1s0f0np0"), "192.168.5.1/24");
	assert_string_equal(addr_of(&p, "spark-2", "enp1s0f1np1"), "192.168.0.2/24");
	assert_string_equal(addr_of(&p, "spark-2", "enP2p1s0f1np1"), "192.168.1.2/24");
	assert_string_equal(addr_of(&p, "spark-3", "enp1s0f0np0"), "192.168.2.2/24");
	assert_string_equal(addr_of(&p, "spark-3", "enP2p1s0f0np0"), "192.168.3.2/24");
	assert_string_equal(addr_of(&p, "spark-3", "enp1s0f1np1"), "192.168.4.2/24");
	assert_string_equal(addr_of(&p, "spark-3", "enP2p1s0f1np1"), "192.168.5.2/24");
	buf_free(&b);
}

static void test_ring_of_four_and_wrong_rings(void **state)
{
	(void)state;
	struct cablemap m;
	nodes(&m, 4, 3);
	for (int i = 1; i <= 4; i++)
		cable(&m, i, 0, i % 4 + 1, 1);
	assert_int_equal(cablemap_topology(&m), TOPOLOGY_RING);
	struct cluster_plan p;
	char err[256];
	assert_int_equal(
		cluster_plan_make(&p, &m, TOPOLOGY_RING, PLAN_STATIC, 9000, err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 16);

	/* p0 to p0: the map says which cable and what to do */
	nodes(&m, 3, 3);
	cable(&m, 1, 0, 2, 0);
	cable(&m, 2, 1, 3, 1);
	cable(&m, 3, 0, 1, 1);
	struct buf b;
	buf_init(&b);
	assert_true(cablemap_check(&m, TOPOLOGY_RING, &b) > 0);
	assert_non_null(strstr(b.data, "spark-1 p0 is cabled to spark-2 p0: in a ring"));

	/* a chain, not a ring: spark-3 p0 and spark-1 p1 have no cable (their twins Down) */
	nodes(&m, 3, 3);
	for (int t = 0; t < 2; t++) {
		cablemap_set_twin(&m, 0, 1, t, ifn[1][t], false, 0);
		cablemap_set_twin(&m, 2, 0, t, ifn[0][t], false, 0);
	}
	cable(&m, 1, 0, 2, 1);
	cable(&m, 2, 0, 3, 1);
	buf_free(&b);
	buf_init(&b);
	assert_int_equal(cablemap_topology(&m), TOPOLOGY_OTHER);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_RING, &b), 2);
	assert_non_null(strstr(b.data, "spark-1 p1 has no cable to another node"));
	assert_non_null(strstr(b.data, "spark-3 p0 has no cable to another node"));
	/* the same ports Up, nobody answering there: said as that, not as "no cable" */
	nodes(&m, 3, 3);
	cable(&m, 1, 0, 2, 1);
	cable(&m, 2, 0, 3, 1);
	buf_free(&b);
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_RING, &b), 2);
	assert_non_null(strstr(b.data, "spark-1 p1 (enp1s0f1np1) is Up but no node answered"));
	assert_null(strstr(b.data, "has no cable"));
	assert_null(strstr(b.data, "do not make one ring"));
	/* spark-3 p0 without any address (NetworkManager gave up on it): said so,
	 * with the command that brings it back */
	cablemap_set_no_address(&m, 2, 0, 0);
	cablemap_set_no_address(&m, 2, 0, 1);
	buf_free(&b);
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_RING, &b), 2);
	assert_non_null(strstr(b.data, "spark-3 p0 (enp1s0f0np0) is Up but has no address at all"));
	assert_non_null(strstr(b.data, "on spark-3 run: sudo nmcli device connect enp1s0f0np0"));
	assert_non_null(strstr(b.data, "spark-1 p1 (enp1s0f1np1) is Up but no node answered"));
	buf_free(&b);
	buf_init(&b);
	cablemap_draw(&m, &b);
	assert_non_null(strstr(b.data, "p0 -> ? (no address)"));
	buf_free(&b);
}

static void test_switch_of_eight(void **state)
{
	(void)state;
	struct cablemap m;
	nodes(&m, 8, 2);
	/* each node's p1 sees every other node on p1 */
	for (int a = 1; a <= 8; a++)
		for (int b = 1; b <= 8; b++)
			if (a != b)
				cablemap_see(&m, a - 1, 1, b - 1, 1);
	assert_int_equal(cablemap_topology(&m), TOPOLOGY_SWITCH);
	struct buf b;
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_SWITCH, &b), 0);
	struct cluster_plan p;
	char err[256];
	assert_int_equal(
		cluster_plan_make(&p, &m, TOPOLOGY_SWITCH, PLAN_STATIC, 9000, err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "keeps the default MTU"));
	assert_int_equal(
		cluster_plan_make(&p, &m, TOPOLOGY_SWITCH, PLAN_STATIC, 1500, err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 16);
	assert_string_equal(addr_of(&p, "spark-8", "enp1s0f1np1"), "192.168.100.8/24");
	assert_string_equal(addr_of(&p, "spark-8", "enP2p1s0f1np1"), "192.168.101.8/24");
	assert_string_equal(addr_of(&p, "spark-1", "enp1s0f1np1"), "192.168.100.1/24");

	/* spark-3 unplugged from the switch: said by name */
	nodes(&m, 3, 2);
	for (int t = 0; t < 2; t++)
		cablemap_set_twin(&m, 2, 1, t, ifn[1][t], false, 0);
	for (int a = 1; a <= 2; a++)
		for (int c = 1; c <= 2; c++)
			if (a != c)
				cablemap_see(&m, a - 1, 1, c - 1, 1);
	cablemap_see(&m, 0, 1, 1, 1);
	buf_free(&b);
	buf_init(&b);
	cablemap_check(&m, TOPOLOGY_SWITCH, &b);
	assert_non_null(strstr(b.data, "spark-3 has no port on the switch"));
	buf_free(&b);
}

static void test_twin_down_slow_link_unknown_port(void **state)
{
	(void)state;
	struct cablemap m;
	nodes(&m, 2, 2);
	cablemap_set_twin(&m, 1, 1, 1, ifn[1][1], false, 0);
	cablemap_set_twin(&m, 0, 1, 0, ifn[1][0], true, 100000);
	cable(&m, 1, 1, 2, 1);
	struct buf b;
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_DIRECT, &b), 1);
	assert_non_null(strstr(b.data, "spark-2 enP2p1s0f1np1 is Down while its twin"));
	assert_non_null(strstr(b.data, "note: spark-1 enp1s0f1np1 runs at 100G"));
	struct cluster_plan p;
	char err[256];
	assert_int_equal(
		cluster_plan_make(&p, &m, TOPOLOGY_DIRECT, PLAN_STATIC, 1500, err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 2); /* the Down twin is not addressed */

	/* seen only from this node (the peer not read) and both ports of the peer see it: which
	 * one is not known */
	nodes(&m, 2, 2);
	memset(m.nodes[1].twin, 0, sizeof(m.nodes[1].twin));
	cablemap_see(&m, 0, 1, 1, -1);
	cablemap_see(&m, 1, 0, 0, -1);
	cablemap_see(&m, 1, 1, 0, -1);
	buf_free(&b);
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_DIRECT, &b), 1);
	assert_non_null(strstr(b.data, "which port of spark-2"));
	assert_int_equal(
		cluster_plan_make(&p, &m, TOPOLOGY_DIRECT, PLAN_STATIC, 1500, err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "pair with spark-2 first"));
	buf_free(&b);
}

static void test_bad_names_and_draw(void **state)
{
	(void)state;
	struct cablemap m;
	cablemap_init(&m);
	assert_int_equal(cablemap_add_node(&m, "spark 1"), -1);
	assert_int_equal(cablemap_add_node(&m, "\x1b[2J"), -1);
	assert_int_equal(cablemap_add_node(&m, ""), -1);
	assert_int_equal(cablemap_add_node(&m, "a"), 0);
	assert_int_equal(cablemap_add_node(&m, "a"), -1);
	nodes(&m, 2, 2);
	cable(&m, 1, 1, 2, 1);
	struct buf b;
	buf_init(&b);
	cablemap_draw(&m, &b);
	assert_non_null(strstr(b.data, "topology: direct\n"));
	assert_non_null(strstr(b.data, "p1 -> spark-2 p1"));
	assert_non_null(strstr(b.data, "p0 -> no cable"));
	buf_free(&b);
	assert_int_equal(topology_parse("ring"), TOPOLOGY_RING);
	assert_int_equal(topology_parse("star"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_playbook),
		cmocka_unit_test(test_cross_cabled_uses_each_nodes_own_port),
		cmocka_unit_test(test_ring_of_three_as_nvidia_writes_it),
		cmocka_unit_test(test_ring_of_four_and_wrong_rings),
		cmocka_unit_test(test_switch_of_eight),
		cmocka_unit_test(test_twin_down_slow_link_unknown_port),
		cmocka_unit_test(test_bad_names_and_draw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
