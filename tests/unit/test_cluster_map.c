/* test_cluster_map.c: a peer's cable side as the CABLES script prints it (a capture from the
 * lab, spark-2 of a lab cabled spark-1 p1 to spark-2 p0), the cable map built from two nodes'
 * views, and the two-node plan on each node's own cabled twins (its journal record). */
#include "core/jobs/cluster_map.h"
#include "core/jobs/plan.h"
#include "core/node/node_remote_cables.h"
#include "core/base/util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define CAPTURE SPARKLINK_CORPUS_DIR "/../cables/lab-spark-2-1p1-2p0"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *s = xcalloc(1, 1 << 16);
	size_t n = fread(s, 1, (1 << 16) - 1, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static const struct node_cable_if *find(const struct node_cables *c, const char *ifname)
{
	for (size_t i = 0; i < c->nifs; i++)
		if (strcmp(c->ifs[i].ifname, ifname) == 0)
			return &c->ifs[i];
	return NULL;
}

/* spark-2 of the 1p1-2p0 lab: four twins (not enP7s7, not lo), p0 Up, p1 Down; spark-1 seen on
 * both p0 twins, nothing kept from the LAN or lo. */
static void test_parse_capture(void **state)
{
	(void)state;
	char *text = slurp(CAPTURE);
	struct node_cables *c = xcalloc(1, sizeof(*c));
	node_remote_parse_cables(text, c);
	assert_int_equal(c->nifs, 4);
	assert_true(c->browsed);
	const struct node_cable_if *a = find(c, "enp1s0f0np0"), *b = find(c, "enP2p1s0f0np0"),
				   *d = find(c, "enp1s0f1np1");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(d);
	assert_int_equal(a->port, 0);
	assert_int_equal(a->twin, 0);
	assert_int_equal(b->port, 0);
	assert_int_equal(b->twin, 1);
	assert_int_equal(d->port, 1);
	assert_true(a->carrier);
	assert_false(d->carrier);
	assert_int_equal(a->naddrs, 1);
	assert_string_equal(a->addrs[0], "fe80::5ebb:47ff:fe11:1");
	assert_null(find(c, "enP7s7"));
	size_t on_cable = 0;
	for (size_t i = 0; i < c->nseen; i++) {
		assert_true(strcmp(c->seen[i].ifname, "enp1s0f0np0") == 0 ||
			    strcmp(c->seen[i].ifname, "enP2p1s0f0np0") == 0);
		on_cable += strcmp(c->seen[i].host, "spark-1") == 0;
	}
	assert_int_equal(on_cable, 2);
	free(c);
	free(text);
}

static void twin(struct cluster_view *v, const char *ifname, int port, int tw, bool up,
		 const char *addr)
{
	struct node_cable_if *f = &v->cables.ifs[v->cables.nifs++];
	str_copy(f->ifname, ifname, sizeof(f->ifname));
	f->port = port, f->twin = tw, f->carrier = up;
	if (addr)
		str_copy(f->addrs[f->naddrs++], addr, sizeof(f->addrs[0]));
}

static void seen(struct cluster_view *v, const char *ifname, const char *host, const char *addr)
{
	struct node_sighting *s = &v->cables.seen[v->cables.nseen++];
	str_copy(s->ifname, ifname, sizeof(s->ifname));
	str_copy(s->host, host, sizeof(s->host));
	str_copy(s->addr, addr, sizeof(s->addr));
}

/* spark-1 p1 to spark-2 p0, seen from spark-2 only (this node's own view may be empty): the map
 * knows both ends; a sighting on a twin without carrier is dropped. */
static void test_map_p1_p0(void **state)
{
	(void)state;
	struct cluster_view v[2];
	memset(v, 0, sizeof(v));
	str_copy(v[0].name, "spark-1", sizeof(v[0].name));
	twin(&v[0], "enp1s0f0np0", 0, 0, false, "fe80::4ebb:47ff:fe11:1");
	twin(&v[0], "enp1s0f1np1", 1, 0, true, "fe80::4ebb:47ff:fe13:3");
	twin(&v[0], "enP2p1s0f1np1", 1, 1, true, "fe80::4ebb:47ff:fe14:4");
	str_copy(v[1].name, "spark-2", sizeof(v[1].name));
	twin(&v[1], "enp1s0f0np0", 0, 0, true, "fe80::5ebb:47ff:fe11:1");
	twin(&v[1], "enP2p1s0f0np0", 0, 1, true, "fe80::5ebb:47ff:fe12:2");
	twin(&v[1], "enp1s0f1np1", 1, 0, false, NULL);
	seen(&v[1], "enp1s0f0np0", "spark-1", "fe80::4ebb:47ff:fe13:3");
	seen(&v[1], "enP2p1s0f0np0", "spark-1", "fe80::4ebb:47ff:fe14:4");
	seen(&v[1], "enp1s0f1np1", "spark-1", "fe80::4ebb:47ff:fe11:1"); /* a dead link's record */
	struct cablemap m;
	cluster_map_build(&m, v, 2);
	struct cablemap_link l[8];
	size_t n = cablemap_links(&m, l, 8);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].a, 0);
	assert_int_equal(l[0].pa, 1);
	assert_int_equal(l[0].b, 1);
	assert_int_equal(l[0].pb, 0);
	assert_int_equal(cablemap_topology(&m), TOPOLOGY_DIRECT);
	assert_string_equal(m.nodes[1].twin[0][1].ifname, "enP2p1s0f0np0");
}

/* The race NetworkManager's automatic profiles make: spark-2's p1 address was away when both
 * were read, so neither end saw the cable spark-1 p0 <-> spark-2 p1. Each view says its port is
 * Up and unanswered; the map says so (a problem, no "no cable"); a second reading of spark-2,
 * merged, finds the cable, keeps the first reading's sighting and address and takes the twins'
 * carrier as read now. */
static void test_unanswered_then_read_again(void **state)
{
	(void)state;
	struct cluster_view v[2], again;
	memset(v, 0, sizeof(v));
	memset(&again, 0, sizeof(again));
	str_copy(v[0].name, "spark-1", sizeof(v[0].name));
	v[0].cables.browsed = true;
	twin(&v[0], "enp1s0f0np0", 0, 0, true, "fe80::4ebb:47ff:fe11:1");
	twin(&v[0], "enP2p1s0f0np0", 0, 1, true, "fe80::4ebb:47ff:fe12:2");
	str_copy(v[1].name, "spark-2", sizeof(v[1].name));
	v[1].cables.browsed = true;
	twin(&v[1], "enp1s0f1np1", 1, 0, true, NULL); /* its address away at that moment */
	twin(&v[1], "enP2p1s0f1np1", 1, 1, true, "fe80::5ebb:47ff:fe14:4");
	seen(&v[1], "enp1s0f1np1", "spark-9", "fe80::1"); /* on a dead twin of spark-2: ... */
	v[1].cables.ifs[0].carrier = false; /* ... not an answer (checked below) */
	char what[160];
	bool again_[2];
	assert_int_equal(cluster_views_to_read_again(v, 2, again_, what, sizeof(what)), 2);
	assert_string_equal(what, "nobody answered on spark-1 p0 (enp1s0f0np0) over mDNS");
	assert_true(again_[0]);
	assert_true(again_[1]);
	str_copy(v[1].cables.seen[0].ifname, "enP2p1s0f1np1", 16); /* spark-9 on a live twin */
	assert_int_equal(cluster_views_to_read_again(v, 2, again_, what, sizeof(what)), 1);
	assert_false(again_[1]); /* its cable leaves the cluster: nothing to read again */
	v[1].cables.nseen = 0;
	v[1].cables.ifs[0].carrier = true;
	v[1].name[0] = '\0'; /* not read: left out */
	assert_int_equal(cluster_views_to_read_again(v, 2, again_, what, sizeof(what)), 1);
	assert_false(again_[1]);
	str_copy(v[1].name, "spark-2", sizeof(v[1].name));

	struct cablemap m;
	cluster_map_build(&m, v, 2);
	struct cablemap_port dark[4];
	assert_int_equal(cablemap_unanswered(&m, dark, 4), 2);
	assert_int_equal(dark[0].node, 0);
	assert_int_equal(dark[0].port, 0);
	assert_int_equal(dark[1].node, 1);
	assert_int_equal(dark[1].port, 1);
	struct buf b;
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_NONE, &b), 2);
	assert_non_null(
		strstr(b.data, "spark-1 p0 (enp1s0f0np0) is Up but no node answered on it"));
	assert_null(strstr(b.data, "no cable between the nodes"));
	buf_free(&b);
	buf_init(&b);
	cablemap_draw(&m, &b);
	assert_non_null(strstr(b.data, "p0 -> ? (no mDNS answer)"));
	assert_non_null(strstr(b.data, "p1 -> ? (no mDNS answer)"));
	buf_free(&b);

	/* spark-1 read again: spark-2 answers on both p0 twins, one of them with the address
	 * spark-2's own reading missed; spark-1's p0 twin 1 has lost carrier since */
	str_copy(again.name, "spark-1", sizeof(again.name));
	again.cables.browsed = true;
	twin(&again, "enp1s0f0np0", 0, 0, true, NULL);
	twin(&again, "enP2p1s0f0np0", 0, 1, false, NULL);
	seen(&again, "enp1s0f0np0", "spark-2", "fe80::5ebb:47ff:fe13:3");
	seen(&again, "enp1s0f0np0", "spark-2", "fe80::5ebb:47ff:fe13:3");
	cluster_view_merge(&v[0], &again);
	assert_int_equal(v[0].cables.nseen, 1); /* merged, not twice */
	assert_false(v[0].cables.ifs[1].carrier); /* as read now */
	assert_int_equal(v[0].cables.ifs[0].naddrs, 1); /* the first reading's address kept */
	assert_string_equal(v[0].cables.ifs[0].addrs[0], "fe80::4ebb:47ff:fe11:1");
	assert_int_equal(cluster_views_to_read_again(v, 2, again_, what, sizeof(what)), 1);
	assert_false(again_[0]); /* spark-1 heard spark-2 now, at an address spark-2 did not hold */
	assert_true(again_[1]);
	assert_string_equal(what,
			    "which port of spark-2 the cable from spark-1 p0 reaches is not known");
	/* spark-2 read again with the address back: merged, the cable's far port is known */
	memset(&again, 0, sizeof(again));
	str_copy(again.name, "spark-2", sizeof(again.name));
	again.cables.browsed = true;
	twin(&again, "enp1s0f1np1", 1, 0, true, "fe80::5ebb:47ff:fe13:3");
	twin(&again, "enP2p1s0f1np1", 1, 1, true, "fe80::5ebb:47ff:fe14:4");
	cluster_view_merge(&v[1], &again);
	cluster_map_build(&m, v, 2);
	assert_int_equal(cablemap_unanswered(&m, dark, 4), 0);
	struct cablemap_link l[8];
	assert_int_equal(cablemap_links(&m, l, 8), 1);
	assert_int_equal(l[0].pa, 0);
	assert_int_equal(l[0].pb, 1);
	buf_init(&b); /* the one problem left: the twin that lost carrier */
	assert_int_equal(cablemap_check(&m, TOPOLOGY_NONE, &b), 1);
	assert_non_null(strstr(b.data, "spark-1 enP2p1s0f0np0 is Down while its twin"));
	buf_free(&b);

	/* a port whose cable reaches a host that is not a node: a note, not a problem */
	twin(&v[1], "enp1s0f0np0", 0, 0, true, NULL); /* spark-2 p0 Up, only spark-9 on it */
	twin(&v[1], "enP2p1s0f0np0", 0, 1, true, NULL);
	seen(&v[1], "enP2p1s0f0np0", "spark-9", "fe80::99");
	cluster_map_build(&m, v, 2);
	assert_string_equal(m.nodes[1].outside[0], "spark-9");
	assert_int_equal(cablemap_unanswered(&m, dark, 4), 0);
	buf_init(&b);
	assert_int_equal(cablemap_check(&m, TOPOLOGY_NONE, &b), 1);
	assert_non_null(
		strstr(b.data, "note: spark-2 p0 reaches spark-9, which is not one of the"));
	buf_free(&b);
	buf_init(&b);
	cluster_map_json(&m, TOPOLOGY_NONE, &b);
	assert_non_null(strstr(b.data, "\"outside\": \"spark-9\""));
	buf_free(&b);
	cablemap_see_outside(&m, 0, 1, "\x1b[2J"); /* not a host name: not kept */
	assert_string_equal(m.nodes[0].outside[1], "");
}

/* The two-node plan with the peer's own names: its preview and netplan file use spark-2's p0
 * twins; the record keeps them and reads back the same. */
static void test_plan_peer_ifs(void **state)
{
	(void)state;
	struct plan p, q;
	char err[256], peer[130];
	const char *mine[] = { "enp1s0f1np1", "enP2p1s0f1np1" };
	const char *theirs[] = { "enp1s0f0np0", "enP2p1s0f0np0" };
	assert_int_equal(plan_make(&p, PLAN_STATIC_PERSISTENT, 1500, "spark-1", "spark-2", 1, mine,
				   2, err, sizeof(err)),
			 0);
	assert_int_equal(plan_set_peer_ifs(&p, theirs, 2, err, sizeof(err)), 0);
	assert_string_equal(plan_ifname(&p, 0, 1), "enp1s0f1np1");
	assert_string_equal(plan_ifname(&p, 0, 2), "enp1s0f0np0");
	struct buf b;
	buf_init(&b);
	plan_netplan_yaml(&p, 2, &b);
	assert_non_null(strstr(b.data, "    enP2p1s0f0np0:\n"));
	assert_null(strstr(b.data, "f1np1"));
	buf_free(&b);
	buf_init(&b);
	plan_record_format(&p, "10.77.0.2", &b);
	assert_non_null(strstr(b.data, " peer_ifs=enp1s0f0np0,enP2p1s0f0np0"));
	assert_int_equal(plan_record_parse(b.data, &q, peer, sizeof(peer)), 0);
	assert_string_equal(peer, "10.77.0.2");
	assert_string_equal(plan_ifname(&q, 1, 2), "enP2p1s0f0np0");
	assert_string_equal(plan_ifname(&q, 1, 1), "enP2p1s0f1np1");
	buf_free(&b);
	/* the same names on both: the record is as before (no peer_ifs) */
	assert_int_equal(plan_set_peer_ifs(&p, mine, 2, err, sizeof(err)), 0);
	buf_init(&b);
	plan_record_format(&p, "10.77.0.2", &b);
	assert_null(strstr(b.data, "peer_ifs"));
	buf_free(&b);
	/* a name twice or not a name: refused */
	const char *twice[] = { "enp1s0f0np0", "enp1s0f0np0" };
	assert_int_equal(plan_set_peer_ifs(&p, twice, 2, err, sizeof(err)), -1);
	assert_int_equal(plan_record_parse("kind=static mtu=1500 node=1 names=a,b ifs=x,y peer=- "
					   "peer_ifs=x,../y",
					   &q, NULL, 0),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_capture),
		cmocka_unit_test(test_map_p1_p0),
		cmocka_unit_test(test_unanswered_then_read_again),
		cmocka_unit_test(test_plan_peer_ifs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
