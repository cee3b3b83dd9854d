/* test_launch_env.c: the hostfile and the launchers' environment for a two-node plan on a
 * Spark-shaped fixture tree: both twins in NCCL_IB_HCA, the bootstrap on the cable or the
 * management network, MASTER_ADDR node 1's, an interface down or without its address refused in
 * words, the RoCE v2 GID index read from gid_attrs, and the three forms (JSON checked by an
 * independent checker). */
#include "core/base/util.h"
#include "core/jobs/launch_env.h"
#include "core/jobs/plan.h"
#include "core/net/model.h"
#include "core/net/sysfs.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_fixture.h"
#include "test_jsoncheck.h"

static const char *const twins[] = { "enp1s0f1np1", "enP2p1s0f1np1" };

static void add_addr(struct model *m, const char *ifname, const char *a)
{
	struct netdev *d = (struct netdev *)model_netdev(m, ifname);
	assert_non_null(d);
	d->addrs = xrealloc(d->addrs, d->naddrs + 1, sizeof(*d->addrs));
	struct netdev_addr *x = &d->addrs[d->naddrs++];
	memset(x, 0, sizeof(*x));
	x->family = AF_INET;
	x->prefixlen = 24;
	str_copy(x->text, a, sizeof(x->text));
}

/* spark-2's view (node 2) of a static plan on p1's twins, reached at 10.77.0.1 */
static void setup(struct fx *f, struct model *m, struct launch_plan *lp, int self_node)
{
	fx_make(f, "--up", "p1", NULL);
	sysfs_set_root(f->root);
	model_init(m);
	rdma_inventory_scan(&m->rdma, false);
	m->rdma_scanned = true;
	model_load_sysfs_netdevs(m);
	model_rebuild(m);
	struct plan p;
	char err[256];
	assert_int_equal(plan_make(&p, PLAN_STATIC, 9000, self_node == 2 ? "spark-2" : "spark-1",
				   self_node == 2 ? "spark-1" : "spark-2", self_node, twins, 2, err,
				   sizeof(err)),
			 0);
	const char *host = self_node == 2 ? "11" : "10";
	char a[32];
	snprintf(a, sizeof(a), "192.168.100.%s", host);
	add_addr(m, "enp1s0f1np1", a);
	snprintf(a, sizeof(a), "192.168.101.%s", host);
	add_addr(m, "enP2p1s0f1np1", a);
	launch_plan_from_plan(&p, "10.77.0.1", lp);
}

static const char *var(const struct launch_env *e, const char *name)
{
	for (size_t i = 0; i < e->nvars; i++)
		if (strcmp(e->vars[i].name, name) == 0)
			return e->vars[i].value;
	return NULL;
}

static void test_cable_bootstrap(void **state)
{
	(void)state;
	struct fx f;
	struct model m;
	struct launch_plan lp;
	setup(&f, &m, &lp, 2);
	assert_string_equal(lp.nodes[0].mgmt_addr, "10.77.0.1"); /* the peer, node 1 */
	struct launch_opts o = { .bootstrap = LAUNCH_BOOT_CABLE, .slots = 1 };
	struct launch_env e;
	launch_env_init(&e);
	char err[1024];
	assert_int_equal(launch_env_make(&lp, &m, &o, &e, err, sizeof(err)), 0);
	assert_string_equal(e.hostfile.data, "192.168.100.10 slots=1\n192.168.100.11 slots=1\n");
	assert_string_equal(var(&e, "NCCL_IB_HCA"), "rocep1s0f1,roceP2p1s0f1");
	assert_string_equal(var(&e, "NCCL_SOCKET_IFNAME"), "enp1s0f1np1");
	assert_string_equal(var(&e, "UCX_NET_DEVICES"), "enp1s0f1np1,enP2p1s0f1np1");
	assert_string_equal(var(&e, "OMPI_MCA_btl_tcp_if_include"), "enp1s0f1np1,enP2p1s0f1np1");
	assert_string_equal(var(&e, "MASTER_ADDR"), "192.168.100.10");
	assert_string_equal(var(&e, "VLLM_HOST_IP"), "192.168.100.11");
	assert_null(var(&e, "NCCL_IB_SUBNET_AWARE_ROUTING"));
	assert_null(var(&e, "NCCL_IB_GID_INDEX"));

	struct buf b;
	buf_init(&b);
	launch_env_shell(&e, &b);
	assert_non_null(strstr(b.data, "export NCCL_IB_HCA='rocep1s0f1,roceP2p1s0f1'\n"));
	buf_free(&b);
	buf_init(&b);
	launch_env_docker(&e, &b);
	assert_non_null(strstr(b.data, "\nMASTER_ADDR=192.168.100.10\n"));
	buf_free(&b);
	buf_init(&b);
	launch_env_json(&e, &b);
	char jerr[96];
	char *canon = jc_parse(b.data, b.len, jerr, sizeof(jerr));
	if (!canon)
		fail_msg("bad JSON (%s): %s", jerr, b.data);
	free(canon);
	char v[64];
	assert_true(jc_get_string(b.data, "hostfile.1", v, sizeof(v)));
	assert_string_equal(v, "192.168.100.11 slots=1");
	assert_true(jc_get_string(b.data, "env.VLLM_HOST_IP", v, sizeof(v)));
	assert_string_equal(v, "192.168.100.11");
	buf_free(&b);
	launch_env_free(&e);
	model_free(&m);
	fx_remove(&f);
}

static void test_refusals_and_gid(void **state)
{
	(void)state;
	struct fx f;
	struct model m;
	struct launch_plan lp;
	setup(&f, &m, &lp, 1);
	struct launch_env e;
	char err[1024];
	/* the management network: this fixture has no interface but the ConnectX ones */
	struct launch_opts o = { .bootstrap = LAUNCH_BOOT_MGMT };
	launch_env_init(&e);
	assert_int_equal(launch_env_make(&lp, &m, &o, &e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no management interface with an IPv4 address"));
	launch_env_free(&e);

	/* --gid: the lowest RoCE v2 index on the netdev (the fixture: 0 v1, 1 v2, 2 v1, 3 v2) */
	o = (struct launch_opts){ .bootstrap = LAUNCH_BOOT_CABLE, .gid = true };
	launch_env_init(&e);
	assert_int_equal(launch_env_make(&lp, &m, &o, &e, err, sizeof(err)), 0);
	assert_string_equal(var(&e, "NCCL_IB_GID_INDEX"), "1");
	assert_non_null(strstr(e.warnings.data, "can move"));
	assert_string_equal(var(&e, "MASTER_ADDR"), "192.168.100.10"); /* node 1 is this node */
	launch_env_free(&e);

	/* a twin without its address, and a twin down: both said, nothing printed */
	struct netdev *d = (struct netdev *)model_netdev(&m, "enP2p1s0f1np1");
	d->naddrs = 0;
	d->carrier = false;
	model_rebuild(&m);
	launch_env_init(&e);
	assert_int_equal(launch_env_make(&lp, &m, &o, &e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "enP2p1s0f1np1 is down (no carrier)"));
	assert_non_null(
		strstr(err, "enP2p1s0f1np1 does not have its planned address 192.168.101.10"));
	assert_int_equal(e.nvars, 0);
	launch_env_free(&e);

	/* a link-local plan has no addresses for a hostfile */
	for (size_t r = 0; r < lp.nodes[1].nrails; r++)
		lp.nodes[1].rails[r].addr[0] = '\0';
	launch_env_init(&e);
	assert_int_equal(launch_env_make(&lp, &m, &o, &e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "spark-2 has no address in the plan"));
	launch_env_free(&e);
	model_free(&m);
	fx_remove(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cable_bootstrap),
		cmocka_unit_test(test_refusals_and_gid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
