/* test_launch_plan.c: env for a cluster plan (the ring of three of connect-three-sparks and a
 * switch of three): each node's hostfile as that node reaches the others, the peers' values
 * from the plan and from what they said of themselves, and the files: the same bytes for every
 * node, the per-node variables in the case on the host name, hostfile.NAME per node on a ring. */
#include "core/jobs/cluster_record.h"
#include "core/jobs/launch_env.h"
#include "core/jobs/launch_files.h"
#include "core/jobs/launch_plan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* spark-i p0 <-> spark-(i+1) p1; spark-2's rails listed p1 first, as the lab's apply wrote them */
static const char RING[] =
	"kind=static mtu=9000 topology=ring "
	"node=local,spark-1,enp1s0f0np0=192.168.0.1/24,enP2p1s0f0np0=192.168.1.1/24,"
	"enp1s0f1np1=192.168.2.1/24,enP2p1s0f1np1=192.168.3.1/24 "
	"node=10.77.0.2,spark-2,enp1s0f1np1=192.168.0.2/24,enP2p1s0f1np1=192.168.1.2/24,"
	"enp1s0f0np0=192.168.4.1/24,enP2p1s0f0np0=192.168.5.1/24 "
	"node=10.77.0.3,spark-3,enp1s0f0np0=192.168.2.2/24,enP2p1s0f0np0=192.168.3.2/24,"
	"enp1s0f1np1=192.168.4.2/24,enP2p1s0f1np1=192.168.5.2/24";
static const char SWITCH[] = "kind=static mtu=1500 topology=switch "
			     "node=local,spark-1,enp1s0f1np1=192.168.100.1/24,"
			     "enP2p1s0f1np1=192.168.101.1/24 "
			     "node=10.77.0.2,spark-2,enp1s0f1np1=192.168.100.2/24,"
			     "enP2p1s0f1np1=192.168.101.2/24 "
			     "node=10.77.0.3,spark-3,enp1s0f1np1=192.168.100.3/24,"
			     "enP2p1s0f1np1=192.168.101.3/24";

static void plan_of(const char *record, struct launch_plan *lp)
{
	struct cluster_record *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	assert_int_equal(cluster_record_parse(record, r), 0);
	launch_plan_from_cluster(r, lp);
	free(r);
}

static void setvar(struct launch_env *e, const char *name, const char *value)
{
	snprintf(e->vars[e->nvars].name, sizeof(e->vars[0].name), "%s", name);
	snprintf(e->vars[e->nvars].value, sizeof(e->vars[0].value), "%s", value);
	e->nvars++;
}

/* spark-1's environment as launch_env_make makes it on the ring (bootstrap on enP7s7) */
static void self_env(const struct launch_plan *lp, struct launch_env *e)
{
	launch_env_init(e);
	struct buf problems;
	buf_init(&problems);
	assert_int_equal(launch_plan_hostfile(lp, 0, 0, &e->hostfile, &problems), 0);
	buf_free(&problems);
	setvar(e, "NCCL_SOCKET_IFNAME", "enP7s7");
	setvar(e, "GLOO_SOCKET_IFNAME", "enP7s7");
	setvar(e, "TP_SOCKET_IFNAME", "enP7s7");
	setvar(e, "UCX_NET_DEVICES", "enp1s0f0np0,enP2p1s0f0np0,enp1s0f1np1,enP2p1s0f1np1");
	setvar(e, "OMPI_MCA_btl_tcp_if_include",
	       "enp1s0f0np0,enP2p1s0f0np0,enp1s0f1np1,enP2p1s0f1np1");
	setvar(e, "NCCL_IB_HCA", "rocep1s0f0,roceP2p1s0f0,rocep1s0f1,roceP2p1s0f1");
	setvar(e, "NCCL_IB_SUBNET_AWARE_ROUTING", "1");
	setvar(e, "MASTER_ADDR", "10.77.0.1");
	setvar(e, "VLLM_HOST_IP", "10.77.0.1");
}

static void test_ring_views(void **state)
{
	(void)state;
	struct launch_plan *lp = calloc(1, sizeof(*lp));
	plan_of(RING, lp);
	assert_int_equal(lp->nnodes, 3);
	assert_int_equal(lp->self, 0);
	assert_true(lp->ring && lp->cluster);
	assert_string_equal(lp->nodes[1].host, "10.77.0.2");
	assert_string_equal(lp->nodes[2].mgmt_addr, "10.77.0.3");
	/* every node's rails in port order, whatever the record's order */
	assert_string_equal(lp->nodes[1].rails[0].ifname, "enp1s0f0np0");
	assert_string_equal(lp->nodes[1].rails[1].ifname, "enP2p1s0f0np0");
	assert_string_equal(lp->nodes[1].rails[3].ifname, "enP2p1s0f1np1");
	/* each neighbour at its end of the shared cable */
	assert_string_equal(launch_plan_seen(lp, 0, 0), "192.168.0.1");
	assert_string_equal(launch_plan_seen(lp, 0, 1), "192.168.0.2");
	assert_string_equal(launch_plan_seen(lp, 0, 2), "192.168.2.2");
	assert_string_equal(launch_plan_seen(lp, 1, 0), "192.168.0.1");
	assert_string_equal(launch_plan_seen(lp, 1, 2), "192.168.4.2");
	assert_string_equal(launch_plan_seen(lp, 2, 0), "192.168.2.1");
	assert_string_equal(launch_plan_seen(lp, 2, 1), "192.168.4.1");
	struct buf h, p;
	buf_init(&h);
	buf_init(&p);
	assert_int_equal(launch_plan_hostfile(lp, 2, 2, &h, &p), 0);
	buf_add(&h, "", 1);
	assert_string_equal(h.data,
			    "192.168.2.1 slots=2\n192.168.4.1 slots=2\n192.168.2.2 slots=2\n");
	buf_free(&h);
	buf_free(&p);
	free(lp);
}

static void test_ring_files(void **state)
{
	(void)state;
	struct launch_plan *lp = calloc(1, sizeof(*lp));
	plan_of(RING, lp);
	struct launch_opts o = { .bootstrap = LAUNCH_BOOT_MGMT };
	struct launch_env self, *envs = calloc(LAUNCH_MAX_NODES, sizeof(*envs));
	self_env(lp, &self);
	/* spark-2 from the plan only (cabled alike), spark-3 as it said of itself */
	struct launch_facts facts[LAUNCH_MAX_NODES];
	memset(facts, 0, sizeof(facts));
	snprintf(facts[2].boot_if, sizeof(facts[2].boot_if), "eth9");
	snprintf(facts[2].hcas, sizeof(facts[2].hcas), "mlx5_0,mlx5_1,mlx5_2,mlx5_3");
	struct buf warn;
	buf_init(&warn);
	launch_envs_make(lp, &o, &self, facts, envs, &warn);
	assert_int_equal(warn.len, 0);
	assert_string_equal(launch_env_get(&envs[1], "VLLM_HOST_IP"), "10.77.0.2");
	assert_string_equal(launch_env_get(&envs[1], "NCCL_IB_HCA"),
			    launch_env_get(&self, "NCCL_IB_HCA"));
	assert_string_equal(launch_env_get(&envs[2], "NCCL_SOCKET_IFNAME"), "eth9");
	assert_string_equal(launch_env_get(&envs[2], "MASTER_ADDR"), "10.77.0.1");
	struct launch_files f;
	launch_files_make(&self, envs, lp, &o, &f, &warn);
	assert_int_equal(warn.len, 0);
	assert_int_equal(f.n, 7); /* hostfile, env.sh, env.list, env.json, hostfile.spark-1..3 */
	assert_string_equal(f.names[5], "hostfile.spark-2");
	buf_add(&f.data[5], "", 1);
	assert_string_equal(f.data[5].data, "192.168.0.1\n192.168.4.1\n192.168.4.2\n");
	buf_add(&f.data[1], "", 1);
	const char *sh = f.data[1].data;
	/* shared: the same on every node; per node: what differs, and VLLM_HOST_IP */
	assert_non_null(strstr(sh, "export MASTER_ADDR='10.77.0.1'\n"));
	assert_non_null(strstr(sh, "export NCCL_IB_SUBNET_AWARE_ROUTING='1'\n"));
	assert_non_null(strstr(sh, "export UCX_NET_DEVICES='enp1s0f0np0,"));
	assert_null(strstr(sh, "export NCCL_IB_HCA"));
	assert_non_null(
		strstr(sh, "spark-2) export NCCL_SOCKET_IFNAME='enP7s7' GLOO_SOCKET_IFNAME="
			   "'enP7s7' TP_SOCKET_IFNAME='enP7s7' NCCL_IB_HCA='rocep1s0f0,"
			   "roceP2p1s0f0,rocep1s0f1,roceP2p1s0f1' VLLM_HOST_IP='10.77.0.2' ;;\n"));
	assert_non_null(strstr(sh, "spark-3) export NCCL_SOCKET_IFNAME='eth9' GLOO_SOCKET_IFNAME="
				   "'eth9' TP_SOCKET_IFNAME='eth9' NCCL_IB_HCA='mlx5_0,mlx5_1,"
				   "mlx5_2,mlx5_3' VLLM_HOST_IP='10.77.0.3' ;;\n"));
	buf_add(&f.data[2], "", 1);
	assert_non_null(strstr(f.data[2].data, "# NCCL_IB_HCA differs per node: docker run -e "
					       "NCCL_IB_HCA=...: spark-1 rocep1s0f0,"));
	buf_add(&f.data[3], "", 1);
	assert_non_null(strstr(f.data[3].data, "\"hostfiles\""));
	launch_files_free(&f);
	for (size_t n = 0; n < LAUNCH_MAX_NODES; n++)
		launch_env_free(&envs[n]);
	/* a peer cabled otherwise, not read: left out, said */
	snprintf(lp->nodes[2].rails[0].ifname, sizeof(lp->nodes[2].rails[0].ifname), "eth5");
	launch_envs_make(lp, &o, &self, NULL, envs, &warn);
	assert_int_equal(envs[2].nvars, 0);
	buf_add(&warn, "", 1);
	assert_non_null(strstr(warn.data, "spark-3: its RDMA devices are not known here"));
	for (size_t n = 0; n < LAUNCH_MAX_NODES; n++)
		launch_env_free(&envs[n]);
	buf_free(&warn);
	launch_env_free(&self);
	free(envs);
	free(lp);
}

static void test_switch_one_hostfile(void **state)
{
	(void)state;
	struct launch_plan *lp = calloc(1, sizeof(*lp));
	plan_of(SWITCH, lp);
	assert_false(lp->ring);
	for (size_t v = 0; v < 3; v++)
		for (size_t n = 0; n < 3; n++) {
			char want[32];
			snprintf(want, sizeof(want), "192.168.100.%zu", n + 1);
			assert_string_equal(launch_plan_seen(lp, v, n), want);
		}
	struct launch_opts o = { .bootstrap = LAUNCH_BOOT_CABLE };
	struct launch_env self, *envs = calloc(LAUNCH_MAX_NODES, sizeof(*envs));
	self_env(lp, &self);
	struct buf warn;
	buf_init(&warn);
	launch_envs_make(lp, &o, &self, NULL, envs, &warn);
	struct launch_files f;
	launch_files_make(&self, envs, lp, &o, &f, &warn);
	assert_int_equal(f.n, 4); /* one hostfile: every node sees the same addresses */
	buf_add(&f.data[1], "", 1);
	assert_non_null(strstr(f.data[1].data, "spark-3) export NCCL_SOCKET_IFNAME='enp1s0f1np1'"));
	assert_non_null(strstr(f.data[1].data, "VLLM_HOST_IP='192.168.100.3' ;;"));
	launch_files_free(&f);
	for (size_t n = 0; n < LAUNCH_MAX_NODES; n++)
		launch_env_free(&envs[n]);
	buf_free(&warn);
	launch_env_free(&self);
	free(envs);
	free(lp);
}

static void test_facts(void **state)
{
	(void)state;
	struct launch_plan *lp = calloc(1, sizeof(*lp));
	plan_of(RING, lp);
	/* in the order the shell's glob lists them (C locale: P before p) */
	const char ok[] = "boot enP7s7\n"
			  "dev roceP2p1s0f0 0002:01:00.0 enP2p1s0f0np0 1\n"
			  "dev roceP2p1s0f1 0002:01:00.1 enP2p1s0f1np1 1\n"
			  "dev rocep1s0f0 0000:01:00.0 enp1s0f0np0 1\n"
			  "dev rocep1s0f1 0000:01:00.1 enp1s0f1np1 1\n"
			  "dev bad;name 0000:01:00.0 x 1\n";
	struct launch_facts f;
	char why[256] = "";
	assert_int_equal(
		launch_facts_parse(ok, strlen(ok), &lp->nodes[1], "spark-2", &f, why, sizeof(why)),
		0);
	assert_string_equal(f.boot_if, "enP7s7");
	assert_string_equal(f.hcas, "rocep1s0f0,roceP2p1s0f0,rocep1s0f1,roceP2p1s0f1");
	const char down[] = "down enP2p1s0f1np1\nboot enP7s7\n";
	assert_int_equal(launch_facts_parse(down, strlen(down), &lp->nodes[1], "spark-2", &f, why,
					    sizeof(why)),
			 -1);
	assert_string_equal(why, "enP2p1s0f1np1 on spark-2 is down (no carrier)");
	/* a twin down that is not a rail of the plan: the port would carry half */
	struct launch_node one = { .nrails = 1 };
	snprintf(one.rails[0].ifname, sizeof(one.rails[0].ifname), "enp1s0f1np1");
	const char half[] = "dev rocep1s0f1 0000:01:00.1 enp1s0f1np1 1\n"
			    "dev roceP2p1s0f1 0002:01:00.1 enP2p1s0f1np1 0\n";
	assert_int_equal(
		launch_facts_parse(half, strlen(half), &one, "spark-2", &f, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "the twin of enp1s0f1np1, is down"));
	/* a rail without its RDMA device */
	assert_int_equal(launch_facts_parse("", 0, &one, "spark-2", &f, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "has no RDMA device"));
	free(lp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_views),
		cmocka_unit_test(test_ring_files),
		cmocka_unit_test(test_switch_one_hostfile),
		cmocka_unit_test(test_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
