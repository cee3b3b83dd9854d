/* test_steps_cluster.c: the steps of a cluster (three Sparks in a ring, spark-1 running the
 * console): what each step says before pairing (the far ports known once paired), after the
 * mesh with every node's cables read (the ring matches; a ring cabled wrong in cablemap's words),
 * with a plan applied, with a rail that does not answer, and the map in words. Models, mDNS
 * sightings and each peer's cable side built by hand, as the lab makes them. */
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/guide/cluster_state.h"
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
#include <cmocka.h>

#include "test_model_build.h"

static const char *const twin_if[2][2] = { { "enp1s0f0np0", "enP2p1s0f0np0" },
					   { "enp1s0f1np1", "enP2p1s0f1np1" } };

/* node N's twin (port p, twin t) link-local address: fe80::N:PT */
static void ll(int node, int p, int t, char *out, size_t size)
{
	snprintf(out, size, "fe80::%d:%d%d", node, p, t);
}

static void add_netdev(struct model *m, const char *name, const char *pp)
{
	m->netdevs = xrealloc(m->netdevs, m->nnetdevs + 1, sizeof(*m->netdevs));
	struct netdev *d = &m->netdevs[m->nnetdevs++];
	memset(d, 0, sizeof(*d));
	str_copy(d->name, name, sizeof(d->name));
	d->ifindex = (int)m->nnetdevs;
	d->mtu = 1500;
	d->carrier = true;
	d->speed_mbps = 200000;
	d->admin_up = true;
	str_copy(d->operstate, "up", sizeof(d->operstate));
	str_copy(d->phys_port_name, pp ? pp : "", sizeof(d->phys_port_name));
}

static void add_addr(struct model *m, const char *name, int family, const char *text, unsigned plen)
{
	struct netdev *d = nd(m, name);
	struct netdev_addr a = { 0 };
	a.family = family;
	a.prefixlen = plen;
	str_copy(a.text, text, sizeof(a.text));
	a.link_local = family == AF_INET6;
	d->addrs = xrealloc(d->addrs, d->naddrs + 1, sizeof(*d->addrs));
	d->addrs[d->naddrs++] = a;
}

/* spark-1: both ports cabled, every twin Up at 200G with its link-local address. */
static void spark1(struct model *m)
{
	model_init(m);
	add_rdma(m, "roceP2p1s0f0", "0002:01:00.0", "enP2p1s0f0np0");
	add_rdma(m, "roceP2p1s0f1", "0002:01:00.1", "enP2p1s0f1np1");
	add_rdma(m, "rocep1s0f0", "0000:01:00.0", "enp1s0f0np0");
	add_rdma(m, "rocep1s0f1", "0000:01:00.1", "enp1s0f1np1");
	add_netdev(m, "enP7s7", NULL);
	for (int p = 0; p < 2; p++)
		for (int t = 0; t < 2; t++) {
			char a[48];
			add_netdev(m, twin_if[p][t], p ? "p1" : "p0");
			ll(1, p, t, a, sizeof(a));
			add_addr(m, twin_if[p][t], AF_INET6, a, 64);
		}
	model_sort_netdevs(m);
	model_rebuild(m);
}

/* A cable: node a's port pa to node b's port pb (nodes 1..3). */
struct cable {
	int a, pa, b, pb;
};

/* spark-1's mDNS: each node cabled to it, seen on its twin 0 with the far twin 0's address. */
static void peers_seen(struct peers *ps, const struct cable *c, size_t n)
{
	peers_init(ps);
	for (int node = 2; node <= 3; node++) {
		ps->v = xrealloc(ps->v, ps->n + 1, sizeof(*ps->v));
		struct peer *p = &ps->v[ps->n++];
		memset(p, 0, sizeof(*p));
		snprintf(p->host, sizeof(p->host), "spark-%d.local", node);
		p->host_ok = true;
		for (size_t i = 0; i < n; i++) {
			int mine = c[i].a == 1 && c[i].b == node   ? c[i].pa
				   : c[i].b == 1 && c[i].a == node ? c[i].pb
								   : -1;
			int his = c[i].a == 1 ? c[i].pb : c[i].pa;
			if (mine < 0)
				continue;
			p->addrs = xrealloc(p->addrs, p->naddrs + 1, sizeof(*p->addrs));
			struct peer_addr *a = &p->addrs[p->naddrs++];
			memset(a, 0, sizeof(*a));
			str_copy(a->ifname, twin_if[mine][0], sizeof(a->ifname));
			a->family = AF_INET6;
			a->link_local = true;
			a->port = 22;
			ll(node, his, 0, a->addr, sizeof(a->addr));
		}
	}
	ps->state = MDNS_RUNNING;
}

/* Node `node`'s cable side as `cables` reads it over SSH. */
static void view_of(int node, const struct cable *c, size_t n, struct node_cables *out)
{
	memset(out, 0, sizeof(*out));
	out->browsed = true;
	for (int p = 0; p < 2; p++)
		for (int t = 0; t < 2; t++) {
			struct node_cable_if *f = &out->ifs[out->nifs++];
			str_copy(f->ifname, twin_if[p][t], sizeof(f->ifname));
			f->port = p;
			f->twin = t;
			f->carrier = true;
			ll(node, p, t, f->addrs[f->naddrs++], sizeof(f->addrs[0]));
		}
	for (size_t i = 0; i < n; i++) {
		int mine = -1, far = -1, fport = -1;
		if (c[i].a == node)
			mine = c[i].pa, far = c[i].b, fport = c[i].pb;
		else if (c[i].b == node)
			mine = c[i].pb, far = c[i].a, fport = c[i].pa;
		if (mine < 0)
			continue;
		struct node_sighting *s = &out->seen[out->nseen++];
		str_copy(s->ifname, twin_if[mine][0], sizeof(s->ifname));
		snprintf(s->host, sizeof(s->host), "spark-%d", far);
		ll(far, fport, 0, s->addr, sizeof(s->addr));
	}
}

static const struct cable ring[] = { { 1, 0, 2, 1 }, { 2, 0, 3, 1 }, { 3, 0, 1, 1 } };
static const struct cable wrong[] = { { 1, 0, 2, 0 }, { 2, 1, 3, 0 }, { 3, 1, 1, 1 } };

struct env {
	struct model m;
	struct peers ps;
	struct cluster_state cl;
	struct cablemap map;
	struct steps_facts f;
	struct step s[STEP_COUNT];
};

static int setup(void **state)
{
	struct env *e = xcalloc(1, sizeof(*e));
	spark1(&e->m);
	peers_seen(&e->ps, ring, 3);
	cluster_state_init(&e->cl);
	assert_int_equal(cluster_state_toggle(&e->cl, "spark-2.local"), 1);
	assert_int_equal(cluster_state_toggle(&e->cl, "spark-3.local"), 1);
	steps_facts_init(&e->f, "spark-1", "nvidia");
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	for (size_t i = 0; i < e->ps.n; i++)
		free(e->ps.v[i].addrs);
	free(e->ps.v);
	model_free(&e->m);
	free(e);
	return 0;
}

static void compute(struct env *e)
{
	cluster_state_map(&e->cl, "spark-1", &e->m, &e->ps, &e->map);
	steps_compute_cluster(&e->m, &e->cl, &e->map, &e->f, e->s);
}

static void assert_step(const struct env *e, enum step_id id, enum step_mark mark,
			const char *words)
{
	if (e->s[id].mark != mark || !strstr(e->s[id].reason, words))
		fail_msg("step %d: [%s] \"%s\"; want [%s] with \"%s\"", id + 1,
			 step_mark_word(e->s[id].mark), e->s[id].reason, step_mark_word(mark),
			 words);
}

static void paired_and_read(struct env *e, const struct cable *c)
{
	for (int node = 2; node <= 3; node++) {
		char host[64];
		snprintf(host, sizeof(host), "spark-%d.local", node);
		steps_learn_pair(&e->f, host, false, PAIR_OK, "nvidia", "paired in the mesh");
		struct node_cables v;
		view_of(node, c, 3, &v);
		cluster_state_learn(&e->cl, host, &v, NULL);
	}
}

static void test_before_pairing(void **state)
{
	struct env *e = *state;
	compute(e);
	assert_string_equal(step_title(STEP_CABLE), "Cabling");
	assert_step(e, STEP_USER, STEP_TODO, "not paired yet: spark-2, spark-3");
	assert_step(e, STEP_CABLE, STEP_TODO,
		    "spark-2: not paired: which of its ports each cable reaches is read over SSH");
	assert_step(e, STEP_ADDR, STEP_TODO, "Pair first");
	assert_step(e, STEP_SSH, STEP_TODO, "Not paired yet: spark-2, spark-3.");
	assert_step(e, STEP_VERIFY, STEP_TODO, "address the nodes first");
	struct buf b;
	buf_init(&b);
	cluster_state_describe(&e->cl, &e->map, "spark-1", &b);
	assert_non_null(strstr(b.data, "spark-1 (this node)"));
	assert_non_null(strstr(b.data, "-> spark-2, its port known once paired (read over SSH)"));
	assert_non_null(strstr(b.data, "-> spark-3, its port known once paired"));
	assert_non_null(strstr(b.data, "spark-2: its cables are read over SSH once it is paired"));
	assert_non_null(strstr(b.data, "enp1s0f0np0 Up 200G"));
	/* no topology is judged on half a map: no "has no cable" for a port not known yet */
	assert_null(strstr(b.data, "has no cable"));
	buf_free(&b);
	/* one paired, its cables not read yet */
	steps_learn_pair(&e->f, "spark-2.local", false, PAIR_OK, "nvidia", "ok");
	compute(e);
	assert_step(e, STEP_CABLE, STEP_TODO, "spark-2: paired; reading its cables over SSH.");
	assert_step(e, STEP_SSH, STEP_TODO, "Not paired yet: spark-3.");
	cluster_state_learn(&e->cl, "spark-2.local", NULL, "Connection refused");
	compute(e);
	assert_step(e, STEP_CABLE, STEP_FAILING,
		    "spark-2: its cables could not be read: Connection refused.");
}

static void test_ring_matches(void **state)
{
	struct env *e = *state;
	paired_and_read(e, ring);
	compute(e);
	assert_step(e, STEP_USER, STEP_DONE, "You are nvidia here and on all 2 other nodes.");
	assert_step(e, STEP_CABLE, STEP_DONE, "The cables make the ring of 3 nodes");
	assert_step(e, STEP_SSH, STEP_DONE, "(3 nodes, 6 directions)");
	assert_step(e, STEP_ADDR, STEP_TODO, "NVIDIA's addresses for all 3 nodes");
	struct buf b;
	buf_init(&b);
	assert_int_equal(cluster_state_describe(&e->cl, &e->map, "spark-1", &b), 0);
	assert_non_null(strstr(b.data, "-> spark-2 p1"));
	assert_non_null(strstr(b.data, "-> spark-3 p0"));
	assert_non_null(strstr(b.data, "Topology: ring (as the cables make it)"));
	assert_non_null(strstr(b.data, "The cables match the ring topology."));
	buf_free(&b);
	/* a link below 200G: flagged in the map, the fix in the step's note */
	e->cl.members[0].cables.ifs[2].speed_mbps = 100000; /* spark-2 p1, twin 0 */
	compute(e);
	assert_step(e, STEP_CABLE, STEP_DONE,
		    "; note: spark-2 enp1s0f1np1 runs at 100G, not 200G: reseat the cable");
	buf_init(&b);
	cluster_state_describe(&e->cl, &e->map, "spark-1", &b);
	assert_non_null(strstr(b.data, "enp1s0f1np1 Up 100G (below 200G)"));
	buf_free(&b);
	/* switch chosen: what does not match, in cablemap's words */
	e->cl.want = TOPOLOGY_SWITCH;
	compute(e);
	assert_step(e, STEP_CABLE, STEP_FAILING, "has no port on the switch");
	/* a twin down on spark-3 */
	e->cl.want = TOPOLOGY_NONE;
	e->cl.members[1].cables.ifs[1].carrier = false; /* spark-3 p0's twin 1 */
	compute(e);
	assert_step(e, STEP_CABLE, STEP_FAILING,
		    "spark-3 enP2p1s0f0np0 is Down while its twin enp1s0f0np0 is Up");
}

static void test_ring_cabled_wrong(void **state)
{
	struct env *e = *state;
	for (size_t i = 0; i < e->ps.n; i++)
		free(e->ps.v[i].addrs);
	free(e->ps.v);
	peers_seen(&e->ps, wrong, 3);
	paired_and_read(e, wrong);
	e->cl.want = TOPOLOGY_RING;
	compute(e);
	assert_step(
		e, STEP_CABLE, STEP_FAILING,
		"spark-1 p0 is cabled to spark-2 p0: in a ring a p0 goes to the next node's p1");
	assert_step(e, STEP_CABLE, STEP_FAILING, "more in the map: Enter");
	assert_step(e, STEP_ADDR, STEP_TODO, "The cables first (step 2)");
}

static void test_applied_and_verified(void **state)
{
	struct env *e = *state;
	paired_and_read(e, ring);
	e->f.cluster_applied = true;
	struct cluster_record *r = &e->f.cluster;
	r->kind = PLAN_STATIC;
	r->mtu = 1500;
	r->topology = TOPOLOGY_RING;
	r->nnodes = 3;
	const char *hosts[3] = { "local", "10.77.0.2", "10.77.0.3" };
	for (int k = 0; k < 3; k++) {
		str_copy(r->nodes[k].host, hosts[k], sizeof(r->nodes[k].host));
		snprintf(r->nodes[k].name, sizeof(r->nodes[k].name), "spark-%d", k + 1);
	}
	r->nodes[0].nifs = 2;
	str_copy(r->nodes[0].ifs[0], "enp1s0f0np0", sizeof(r->nodes[0].ifs[0]));
	str_copy(r->nodes[0].addrs[0], "192.168.0.1/24", sizeof(r->nodes[0].addrs[0]));
	str_copy(r->nodes[0].ifs[1], "enP2p1s0f0np0", sizeof(r->nodes[0].ifs[1]));
	str_copy(r->nodes[0].addrs[1], "192.168.1.1/24", sizeof(r->nodes[0].addrs[1]));
	add_addr(&e->m, "enp1s0f0np0", AF_INET, "192.168.0.1", 24);
	compute(e);
	assert_step(e, STEP_ADDR, STEP_FAILING,
		    "192.168.1.1/24 is missing from enP2p1s0f0np0 (this node)");
	assert_step(e, STEP_VERIFY, STEP_FAILING, "while step 3 fails");
	add_addr(&e->m, "enP2p1s0f0np0", AF_INET, "192.168.1.1", 24);
	compute(e);
	assert_step(e, STEP_ADDR, STEP_DONE,
		    "The ring plan (static, MTU 1500) is in place on 3 nodes; here: enp1s0f0np0 "
		    "192.168.0.1/24, enP2p1s0f0np0 192.168.1.1/24.");
	assert_step(e, STEP_VERIFY, STEP_TODO, "Ping every rail of every link");
	steps_learn_cluster_rails(&e->f, 12, 11, "spark-2 -> spark-3: enp1s0f0np0: no reply");
	compute(e);
	assert_step(e, STEP_VERIFY, STEP_FAILING,
		    "1 of 12 rails do not answer: spark-2 -> spark-3: enp1s0f0np0: no reply");
	steps_learn_cluster_rails(&e->f, 12, 12, "");
	compute(e);
	assert_step(e, STEP_VERIFY, STEP_DONE, "Every rail of every link answers, both ways (12).");
	/* a fourth node marked after the plan: not in it */
	e->ps.v = xrealloc(e->ps.v, e->ps.n + 1, sizeof(*e->ps.v));
	memset(&e->ps.v[e->ps.n++], 0, sizeof(e->ps.v[0]));
	assert_int_equal(cluster_state_toggle(&e->cl, "spark-4.local"), 1);
	steps_learn_pair(&e->f, "spark-4.local", false, PAIR_OK, "nvidia", "ok");
	struct node_cables none;
	memset(&none, 0, sizeof(none));
	cluster_state_learn(&e->cl, "spark-4.local", &none, NULL);
	compute(e);
	assert_step(e, STEP_ADDR, STEP_TODO, "spark-4: not in the applied ring plan");
}

static void test_mesh_failure_named(void **state)
{
	struct env *e = *state;
	paired_and_read(e, ring);
	steps_learn_pair(&e->f, "spark-3.local", false, PAIR_FAILED, "nvidia",
			 "2 of 4 directions with it failed: Connection refused");
	compute(e);
	assert_step(e, STEP_SSH, STEP_FAILING,
		    "spark-3: 2 of 4 directions with it failed: Connection refused. Pair again (");
	assert_int_equal(e->s[STEP_SSH].nactions, 1); /* the front end puts its key there */
	assert_int_equal(e->s[STEP_SSH].actions[0].action, STEP_DO_PAIR);
	steps_learn_pair(&e->f, "spark-3.local", false, PAIR_AUTH_FAILED, "bob", "refused");
	compute(e);
	assert_step(e, STEP_USER, STEP_FAILING, "spark-3: spark-3 refused the login as 'bob'");
	/* the cluster is full at 8 nodes */
	for (int i = 4; i <= 8; i++) {
		char h[64];
		snprintf(h, sizeof(h), "spark-%d.local", i);
		assert_int_equal(cluster_state_toggle(&e->cl, h), 1);
	}
	assert_int_equal(cluster_state_toggle(&e->cl, "spark-9.local"), -1);
	assert_int_equal(cluster_state_toggle(&e->cl, "bad name.local"), -1);
	assert_int_equal(cluster_state_toggle(&e->cl, "spark-8.local"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_before_pairing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_cabled_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applied_and_verified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mesh_failure_named, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
