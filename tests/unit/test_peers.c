/* test_peers.c: the one rule for the address a job reaches a peer at (peers_pick_address()), and
 * the pairing request built from it, on a model built by hand: spark-1 as the lab makes it (port
 * 1 cabled, the management LAN on enP7s7) and spark-2 as mDNS reports it, the cable's records
 * before the LAN's. */
#include "core/mdns/peers.h"
#include "core/net/model.h"
#include "core/jobs/pair.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_model_build.h"

#define CABLE "enp1s0f1np1"
#define LAN "enP7s7"
#define LAN_V4 "10.77.0.2"
#define CABLE_LL6 "fe80::5ebb:47ff:fe12:4"
#define CABLE_V4 "192.168.100.11"
#define LAN_LL6 "fe80::5ebb:47ff:fe00:2"

static void add_netdev(struct model *m, const char *name, const char *pp, bool carrier)
{
	m->netdevs = xrealloc(m->netdevs, m->nnetdevs + 1, sizeof(*m->netdevs));
	struct netdev *d = &m->netdevs[m->nnetdevs++];
	memset(d, 0, sizeof(*d));
	str_copy(d->name, name, sizeof(d->name));
	d->ifindex = (int)m->nnetdevs;
	d->mtu = 1500;
	d->speed_mbps = carrier ? 200000 : -1;
	d->admin_up = true;
	d->carrier = carrier;
	str_copy(d->operstate, carrier ? "up" : "down", sizeof(d->operstate));
	str_copy(d->phys_port_name, pp ? pp : "", sizeof(d->phys_port_name));
}

/* spark-1: port 1 cabled (both twins with carrier), port 0 without cable, the LAN on enP7s7. */
static int setup(void **state)
{
	struct model *m = xcalloc(1, sizeof(*m));
	model_init(m);
	add_rdma(m, "roceP2p1s0f0", "0002:01:00.0", "enP2p1s0f0np0");
	add_rdma(m, "roceP2p1s0f1", "0002:01:00.1", "enP2p1s0f1np1");
	add_rdma(m, "rocep1s0f0", "0000:01:00.0", "enp1s0f0np0");
	add_rdma(m, "rocep1s0f1", "0000:01:00.1", CABLE);
	add_netdev(m, "enP2p1s0f0np0", "p0", false);
	add_netdev(m, "enP2p1s0f1np1", "p1", true);
	add_netdev(m, LAN, NULL, true);
	add_netdev(m, "enp1s0f0np0", "p0", false);
	add_netdev(m, CABLE, "p1", true);
	model_sort_netdevs(m);
	model_rebuild(m);
	assert_true(peers_ifname_port(m, CABLE) >= 0);
	assert_int_equal(peers_ifname_port(m, LAN), -1);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	model_free(*state);
	free(*state);
	return 0;
}

static void seen(struct peer *p, const char *ifname, const char *addr)
{
	p->addrs = xrealloc(p->addrs, p->naddrs + 1, sizeof(*p->addrs));
	struct peer_addr *a = &p->addrs[p->naddrs++];
	memset(a, 0, sizeof(*a));
	str_copy(a->ifname, ifname, sizeof(a->ifname));
	a->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	str_copy(a->addr, addr, sizeof(a->addr));
	a->port = 22;
	a->link_local = str_starts(addr, "fe80:") || str_starts(addr, "169.254.");
}

/* spark-2 seen at the addresses given (ifname, address pairs; NULL ends), in that order. */
static struct peer spark2(const char *ifname, ...)
{
	struct peer p;
	memset(&p, 0, sizeof(p));
	str_copy(p.host, "spark-2.local", sizeof(p.host));
	p.host_ok = true;
	va_list ap;
	va_start(ap, ifname);
	for (const char *i = ifname; i; i = va_arg(ap, const char *))
		seen(&p, i, va_arg(ap, const char *));
	va_end(ap);
	return p;
}

static void assert_pick(const struct model *m, const struct peer *p, enum peer_purpose why,
			const char *want)
{
	char out[128] = "unchanged";
	const struct peer_addr *a = peers_pick_address(p, m, why, out, sizeof(out));
	if (!want) {
		assert_null(a);
		assert_string_equal(out, "unchanged");
		return;
	}
	assert_non_null(a);
	assert_string_equal(out, want);
}

/* A fresh cable: only its IPv6 link-local address, with the scope, for every purpose. */
static void test_cable_only(void **state)
{
	struct peer p = spark2(CABLE, CABLE_LL6, NULL);
	assert_pick(*state, &p, PEER_FOR_PAIRING, CABLE_LL6 "%" CABLE);
	assert_pick(*state, &p, PEER_FOR_ADDRESSING, CABLE_LL6 "%" CABLE);
	free(p.addrs);
}

/* The management LAN's IPv4 first for every purpose, though the cable's record came first. */
static void test_lan_first(void **state)
{
	struct peer p = spark2(CABLE, CABLE_LL6, LAN, LAN_V4, NULL);
	assert_pick(*state, &p, PEER_FOR_PAIRING, LAN_V4);
	assert_pick(*state, &p, PEER_FOR_ADDRESSING, LAN_V4);
	free(p.addrs);
	/* an addressed cable: the LAN still (a pairing under the LAN's names survives a new plan) */
	p = spark2(CABLE, CABLE_V4, CABLE, CABLE_LL6, LAN, LAN_V4, NULL);
	assert_pick(*state, &p, PEER_FOR_PAIRING, LAN_V4);
	assert_pick(*state, &p, PEER_FOR_ADDRESSING, LAN_V4);
	free(p.addrs);
}

/* No LAN: pairing takes the cable's IPv4, addressing the cable's IPv6 link-local (every plan
 * changes the IPv4). */
static void test_cable_addressed_no_lan(void **state)
{
	struct peer p = spark2(CABLE, CABLE_V4, CABLE, CABLE_LL6, NULL);
	assert_pick(*state, &p, PEER_FOR_PAIRING, CABLE_V4);
	assert_pick(*state, &p, PEER_FOR_ADDRESSING, CABLE_LL6 "%" CABLE);
	free(p.addrs);
}

/* The LAN with IPv6 link-local only: addressing stays off the cable, pairing prefers an IPv4
 * address, then the cable's link-local. */
static void test_lan_ipv6_only(void **state)
{
	struct peer p = spark2(CABLE, CABLE_V4, LAN, LAN_LL6, NULL);
	assert_pick(*state, &p, PEER_FOR_PAIRING, CABLE_V4);
	assert_pick(*state, &p, PEER_FOR_ADDRESSING, LAN_LL6 "%" LAN);
	free(p.addrs);
	p = spark2(LAN, LAN_LL6, CABLE, CABLE_LL6, NULL);
	assert_pick(*state, &p, PEER_FOR_PAIRING, CABLE_LL6 "%" CABLE);
	assert_pick(*state, &p, PEER_FOR_ADDRESSING, LAN_LL6 "%" LAN);
	free(p.addrs);
}

/* Only live addresses count: a LAN without carrier falls back to the cable; nothing live, no
 * address (and out untouched). */
static void test_live_only(void **state)
{
	struct model *m = *state;
	struct peer p = spark2(CABLE, CABLE_LL6, LAN, LAN_V4, NULL);
	nd(m, LAN)->carrier = false;
	assert_pick(m, &p, PEER_FOR_PAIRING, CABLE_LL6 "%" CABLE);
	assert_pick(m, &p, PEER_FOR_ADDRESSING, CABLE_LL6 "%" CABLE);
	nd(m, CABLE)->carrier = false;
	assert_pick(m, &p, PEER_FOR_PAIRING, NULL);
	assert_pick(m, &p, PEER_FOR_ADDRESSING, NULL);
	assert_null(peers_pick_address(&p, m, PEER_FOR_PAIRING, NULL, 0));
	nd(m, LAN)->carrier = true;
	assert_non_null(peers_pick_address(&p, m, PEER_FOR_PAIRING, NULL, 0));
	free(p.addrs);
}

static bool has_name(const struct pair_request *r, const char *name)
{
	for (size_t i = 0; i < r->npeer_names; i++)
		if (strcmp(r->peer_names[i], name) == 0)
			return true;
	return false;
}

/* The window: discovery lists the cable first, the LAN up to 250 ms later. A request built then
 * goes over the cable and names the cable's address; picked again when the job starts (the
 * console does it on Enter) it goes over the LAN and names the LAN's address too. */
static void test_repick_when_the_lan_comes(void **state)
{
	struct model *m = *state;
	struct peer early = spark2(CABLE, CABLE_LL6, NULL);
	struct pair_request *r = xcalloc(1, sizeof(*r));
	assert_true(pair_request_from_peer(r, &early, m, PEER_FOR_PAIRING));
	assert_string_equal(r->address, CABLE_LL6 "%" CABLE);
	assert_true(has_name(r, "spark-2.local"));
	assert_true(has_name(r, CABLE_LL6));
	assert_false(has_name(r, LAN_V4));
	str_copy(r->remote_user, "admin", sizeof(r->remote_user)); /* chosen in the dialog */

	struct peers list;
	peers_init(&list);
	list.v = xcalloc(1, sizeof(*list.v));
	list.v[0] = spark2(CABLE, CABLE_LL6, LAN, LAN_V4, NULL);
	list.n = 1;
	assert_null(peers_find(&list, "spark-3.local"));
	const struct peer *now = peers_find(&list, r->peer_names[0]);
	assert_ptr_equal(now, &list.v[0]);
	assert_true(pair_request_repick(r, now, m));
	assert_string_equal(r->address, LAN_V4);
	assert_true(has_name(r, "spark-2.local"));
	assert_true(has_name(r, LAN_V4));
	assert_string_equal(r->remote_user, "admin");

	/* the peer has no live address when the job starts: the request is kept as it was */
	nd(m, LAN)->carrier = false;
	nd(m, CABLE)->carrier = false;
	assert_false(pair_request_repick(r, now, m));
	assert_string_equal(r->address, LAN_V4);
	assert_true(has_name(r, LAN_V4));
	free(early.addrs);
	free(r);
	peers_free(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cable_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lan_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cable_addressed_no_lan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lan_ipv6_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repick_when_the_lan_comes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
