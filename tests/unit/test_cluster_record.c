/* test_cluster_record.c: a cluster apply's journal record and each node's part: the ring of three
 * and a switch of four written and read back (every node's host and its own interfaces), each
 * node's plan as the two-node writers take it (its netplan file names only its interfaces, with
 * its addresses), and which cluster plan is the applied one. */
#include "core/jobs/cluster_apply.h"
#include "core/jobs/cluster_plan.h"
#include "core/jobs/cluster_record.h"
#include "core/jobs/journal.h"
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
static const char *const hosts[] = { "local", "10.77.0.2", "10.77.0.3", "10.77.0.4" };

static void nodes(struct cablemap *m, size_t n)
{
	cablemap_init(m);
	for (size_t i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "spark-%zu", i + 1);
		int k = cablemap_add_node(m, name);
		for (int p = 0; p < 2; p++)
			for (int t = 0; t < 2; t++)
				cablemap_set_twin(m, k, p, t, ifn[p][t], true, 200000);
	}
}

static void cable(struct cablemap *m, int a, int pa, int b, int pb)
{
	cablemap_see(m, a - 1, pa, b - 1, pb);
	cablemap_see(m, b - 1, pb, a - 1, pa);
}

static void ring3(struct cluster_plan *p)
{
	struct cablemap m;
	char err[256];
	nodes(&m, 3);
	cable(&m, 1, 0, 2, 1);
	cable(&m, 2, 0, 3, 1);
	cable(&m, 3, 0, 1, 1);
	cablemap_number(&m, TOPOLOGY_RING);
	assert_int_equal(
		cluster_plan_make(p, &m, TOPOLOGY_RING, PLAN_STATIC, 9000, err, sizeof(err)), 0);
}

static void test_ring_round_trip(void **state)
{
	(void)state;
	struct cluster_plan *p = calloc(1, sizeof(*p));
	struct cluster_record *r = calloc(1, sizeof(*r));
	ring3(p);
	struct buf b;
	buf_init(&b);
	cluster_record_format(p, hosts, &b);
	assert_int_equal(cluster_record_parse(b.data, r), 0);
	assert_int_equal(r->nnodes, 3);
	assert_int_equal(r->mtu, 9000);
	assert_int_equal(r->topology, TOPOLOGY_RING);
	assert_int_equal(r->kind, PLAN_STATIC);
	for (size_t k = 0; k < 3; k++) {
		assert_string_equal(r->nodes[k].host, hosts[k]);
		assert_string_equal(r->nodes[k].name, p->names[k]);
		assert_int_equal(r->nodes[k].nifs, 4);
	}
	/* connect-three-sparks: N2 has 4.1 5.1 0.2 1.2 */
	bool seen = false;
	for (size_t i = 0; i < r->nodes[1].nifs; i++)
		seen |= strcmp(r->nodes[1].addrs[i], "192.168.4.1/24") == 0;
	assert_true(seen);
	assert_true(cluster_record_names(r, "10.77.0.3", "enP2p1s0f1np1"));
	assert_true(cluster_record_names(r, "local", "enp1s0f0np0"));
	assert_false(cluster_record_names(r, "10.77.0.4", "enp1s0f0np0"));
	assert_false(cluster_record_names(r, "10.77.0.3", "eth0"));
	/* anything appended or cut is not a record apply writes */
	buf_puts(&b, " node=10.77.0.9,spark-1,eth0=-");
	assert_int_equal(cluster_record_parse(b.data, r), -1);
	buf_free(&b);
	free(r);
	free(p);
}

static void test_node_plan(void **state)
{
	(void)state;
	struct cluster_plan *p = calloc(1, sizeof(*p));
	ring3(p);
	struct plan np;
	cluster_apply_node_plan(p, 2, &np);
	assert_int_equal(np.nifs, 4);
	assert_int_equal(np.self_node, 1);
	assert_string_equal(np.names[0], "spark-3");
	struct buf y;
	buf_init(&y);
	np.kind = PLAN_STATIC_PERSISTENT;
	plan_netplan_yaml(&np, 1, &y);
	assert_non_null(strstr(y.data, "spark-3's part of the cluster"));
	assert_non_null(strstr(y.data, "addresses: [192.168.2.2/24]"));
	assert_non_null(strstr(y.data, "addresses: [192.168.5.2/24]"));
	assert_null(strstr(y.data, ".1/24"));
	assert_non_null(strstr(y.data, "mtu: 9000"));
	buf_free(&y);
	free(p);
}

static void test_switch_round_trip(void **state)
{
	(void)state;
	struct cablemap m;
	char err[256];
	nodes(&m, 4);
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			if (a != b)
				cablemap_see(&m, a, 0, b, 0);
	cablemap_number(&m, TOPOLOGY_SWITCH);
	struct cluster_plan *p = calloc(1, sizeof(*p));
	struct cluster_record *r = calloc(1, sizeof(*r));
	int rc = cluster_plan_make(p, &m, TOPOLOGY_SWITCH, PLAN_STATIC_PERSISTENT, 1500, err,
				   sizeof(err));
	if (rc < 0)
		fail_msg("switch plan: %s", err);
	struct buf b;
	buf_init(&b);
	cluster_record_format(p, hosts, &b);
	assert_int_equal(cluster_record_parse(b.data, r), 0);
	assert_int_equal(r->nnodes, 4);
	assert_int_equal(r->topology, TOPOLOGY_SWITCH);
	/* multi-sparks-through-switch: node N is .N */
	assert_string_equal(r->nodes[3].addrs[0], "192.168.100.4/24");
	buf_free(&b);
	free(r);
	free(p);
}

static struct journal_record rec(const char *op, const char *data, bool undone)
{
	struct journal_record r;
	memset(&r, 0, sizeof(r));
	str_copy(r.op, op, sizeof(r.op));
	str_copy(r.host, "local", sizeof(r.host));
	r.data = (char *)data;
	r.undone = undone;
	return r;
}

static void test_newest(void **state)
{
	(void)state;
	const char *c =
		"kind=static mtu=1500 topology=direct node=local,spark-1,eth0=192.168.100.10/24 "
		"node=10.0.0.2,spark-2,eth0=192.168.100.11/24";
	const char *two =
		"kind=static mtu=1500 node=1 names=spark-1,spark-2 ifs=eth0 peer=10.0.0.2";
	struct cluster_record *r = calloc(1, sizeof(*r));
	struct journal_record v[3] = { rec("plan", two, false), rec("cluster-plan", c, false),
				       rec("addr-add", "192.168.100.10/24", false) };
	assert_int_equal(cluster_record_newest(v, 3, r), 1);
	v[1].undone = true;
	assert_int_equal(cluster_record_newest(v, 3, r), -1);
	struct journal_record w[2] = { rec("cluster-plan", c, false), rec("plan", two, false) };
	assert_int_equal(cluster_record_newest(w, 2, r), -1); /* a newer two-node plan */
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_round_trip),
		cmocka_unit_test(test_node_plan),
		cmocka_unit_test(test_switch_round_trip),
		cmocka_unit_test(test_newest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
