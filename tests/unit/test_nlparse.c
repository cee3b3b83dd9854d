/* test_nlparse.c: notifications read with nlparse.c give the model a libnl dump gives.
 *
 * This machine's own links and addresses are dumped on a raw netlink socket (the kernel's
 * RTM_NEWLINK/RTM_NEWADDR messages, in the same format as the notifications) and applied through
 * netmon's notification path to a table whose link attributes and addresses were wiped; the
 * result must equal netmon_snapshot()'s table, which libnl filled. Then every address is
 * removed (RTM_DELADDR) and added again, a link removal goes the full way, and malformed bytes
 * are refused. */
#include "core/net/netmon.h"
#include "core/net/nlparse.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

struct dgrams {
	unsigned char *buf[256];
	size_t len[256];
	size_t n;
};

static void dgrams_free(struct dgrams *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->buf[i]);
	d->n = 0;
}

/* The kernel's answer to a dump request of type (RTM_GETLINK, RTM_GETADDR), datagram by
 * datagram. */
static void dump(int type, struct dgrams *out)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	assert_true(fd >= 0);
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req = { { NLMSG_LENGTH(sizeof(struct rtgenmsg)), (unsigned short)type,
		    NLM_F_REQUEST | NLM_F_DUMP, 1, 0 },
		  { AF_UNSPEC } };
	assert_int_equal(send(fd, &req, req.h.nlmsg_len, 0), (ssize_t)req.h.nlmsg_len);
	bool done = false;
	while (!done) {
		unsigned char buf[32768];
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		assert_true(n > 0);
		assert_true(out->n < 256);
		out->buf[out->n] = xcalloc(1, (size_t)n);
		memcpy(out->buf[out->n], buf, (size_t)n);
		out->len[out->n++] = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			done |= h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR;
	}
	close(fd);
}

static void set_type(struct dgrams *d, int from, int to)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t n = d->len[i];
		for (struct nlmsghdr *h = (struct nlmsghdr *)d->buf[i]; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == from)
				h->nlmsg_type = (unsigned short)to;
	}
}

static void inject_all(struct netmon *nm, const struct dgrams *d)
{
	for (size_t i = 0; i < d->n; i++)
		netmon_inject(nm, d->buf[i], d->len[i]);
}

/* The two tables' differences (0 when equal), printed. */
static int diff_netdevs(const struct model *a, const struct model *b)
{
	int bad = 0;
	if (a->nnetdevs != b->nnetdevs) {
		printf("netdevs: %zu vs %zu\n", a->nnetdevs, b->nnetdevs);
		return 1;
	}
	for (size_t i = 0; i < a->nnetdevs; i++) {
		const struct netdev *x = &a->netdevs[i], *y = &b->netdevs[i];
		if (strcmp(x->name, y->name) || x->ifindex != y->ifindex ||
		    x->admin_up != y->admin_up || x->carrier != y->carrier ||
		    strcmp(x->operstate, y->operstate) || x->mtu != y->mtu ||
		    strcmp(x->mac, y->mac) || x->speed_mbps != y->speed_mbps ||
		    strcmp(x->phys_port_name, y->phys_port_name) || x->rdma != y->rdma ||
		    x->naddrs != y->naddrs) {
			printf("%s/%s: up %d/%d carrier %d/%d oper %s/%s mtu %u/%u mac %s/%s speed "
			       "%ld/%ld addrs %zu/%zu\n",
			       x->name, y->name, x->admin_up, y->admin_up, x->carrier, y->carrier,
			       x->operstate, y->operstate, x->mtu, y->mtu, x->mac, y->mac,
			       x->speed_mbps, y->speed_mbps, x->naddrs, y->naddrs);
			bad++;
			continue;
		}
		for (size_t k = 0; k < x->naddrs; k++)
			if (x->addrs[k].family != y->addrs[k].family ||
			    strcmp(x->addrs[k].text, y->addrs[k].text) ||
			    x->addrs[k].prefixlen != y->addrs[k].prefixlen ||
			    x->addrs[k].link_local != y->addrs[k].link_local) {
				printf("%s addr %zu: %s/%u vs %s/%u\n", x->name, k,
				       x->addrs[k].text, x->addrs[k].prefixlen, y->addrs[k].text,
				       y->addrs[k].prefixlen);
				bad++;
			}
	}
	return bad;
}

static int npeers;
static void count_peer(const struct nlparse_event *ev, void *arg)
{
	(void)arg;
	npeers += ev->peer;
}

static int changes;
static void count_change(void *arg)
{
	(void)arg;
	changes++;
}

/* One attempt: 0 when every step agreed (the machine's state may move under a test: retried) */
static int compare_once(void)
{
	char err[256];
	struct model ref, m;
	model_init(&ref);
	model_init(&m);
	assert_int_equal(netmon_snapshot(&ref, err, sizeof(err)), 0);
	struct netmon *nm = netmon_new(NULL, &m, count_change, NULL, err, sizeof(err));
	assert_non_null(nm);
	struct dgrams links = { 0 }, addrs = { 0 };
	dump(RTM_GETLINK, &links);
	dump(RTM_GETADDR, &addrs);
	int bad = diff_netdevs(&ref, &m);

	/* wiped: what the notifications must bring back */
	for (size_t i = 0; i < m.nnetdevs; i++) {
		struct netdev *d = &m.netdevs[i];
		free(d->addrs);
		d->addrs = NULL;
		d->naddrs = 0;
		d->admin_up = d->carrier = false;
		d->mtu = 0;
		d->operstate[0] = d->mac[0] = '\0';
		d->speed_mbps = -1;
	}
	changes = 0;
	inject_all(nm, &links);
	inject_all(nm, &addrs);
	assert_true(changes > 0);
	/* applied by ifindex, no dump (but for IPv4 addresses with a peer, which go the full way) */
	npeers = 0;
	for (size_t i = 0; i < addrs.n; i++)
		nlparse_datagram(addrs.buf[i], addrs.len[i], count_peer, NULL);
	unsigned long full = netmon_stats(nm).full_syncs;
	assert_true(npeers ? full > 0 : full == 0);
	bad += diff_netdevs(&ref, &m);

	/* every address removed, then added again in the kernel's order */
	set_type(&addrs, RTM_NEWADDR, RTM_DELADDR);
	inject_all(nm, &addrs);
	for (size_t i = 0; i < m.nnetdevs && !npeers; i++) /* a peer's removal dumps again */
		assert_int_equal(m.netdevs[i].naddrs, 0);
	set_type(&addrs, RTM_DELADDR, RTM_NEWADDR);
	inject_all(nm, &addrs);
	bad += diff_netdevs(&ref, &m);

	/* the same messages again change nothing the model keeps: the owner is not told */
	changes = 0;
	inject_all(nm, &links);
	assert_int_equal(changes, 0);

	/* a link gone: the whole table is dumped again */
	set_type(&links, RTM_NEWLINK, RTM_DELLINK);
	netmon_inject(nm, links.buf[0], links.len[0]);
	assert_true(netmon_stats(nm).full_syncs > full);
	bad += diff_netdevs(&ref, &m);

	dgrams_free(&links);
	dgrams_free(&addrs);
	netmon_free(nm);
	model_free(&m);
	model_free(&ref);
	return bad;
}

static void test_notifications_equal_dump(void **state)
{
	(void)state;
	int bad = 1;
	for (int attempt = 0; attempt < 3 && bad; attempt++)
		bad = compare_once();
	assert_int_equal(bad, 0);
}

static int nevents;
static struct nlparse_event last;
static void count_event(const struct nlparse_event *ev, void *arg)
{
	(void)arg;
	nevents++;
	last = *ev;
}

/* A link message built by hand: name, MTU, carrier, operstate, a 6-byte address. */
static size_t build_link(unsigned char *buf, const char *name, size_t namelen)
{
	memset(buf, 0, 256);
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	h->nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = 7;
	ifi->ifi_flags = 1; /* IFF_UP */
	size_t off = NLMSG_LENGTH(sizeof(*ifi));
	struct {
		unsigned short type;
		const void *data;
		size_t len;
	} at[] = { { IFLA_IFNAME, name, namelen },
		   { IFLA_MTU, &(uint32_t){ 9000 }, 4 },
		   { IFLA_CARRIER, &(uint8_t){ 1 }, 1 },
		   { IFLA_OPERSTATE, &(uint8_t){ 6 }, 1 },
		   { IFLA_ADDRESS, "\x02\x00\x00\xab\xcd\xef", 6 } };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		struct rtattr *r = (struct rtattr *)(buf + off);
		r->rta_type = at[i].type;
		r->rta_len = (unsigned short)RTA_LENGTH(at[i].len);
		memcpy(RTA_DATA(r), at[i].data, at[i].len);
		off += RTA_ALIGN(r->rta_len);
	}
	h->nlmsg_len = (unsigned)off;
	return off;
}

static void test_hand_built_and_malformed(void **state)
{
	(void)state;
	unsigned char buf[256];
	size_t n = build_link(buf, "rail0", 6);
	nevents = 0;
	assert_int_equal(nlparse_datagram(buf, n, count_event, NULL), 0);
	assert_int_equal(nevents, 1);
	assert_int_equal(last.kind, NLPARSE_LINK_NEW);
	assert_string_equal(last.link.name, "rail0");
	assert_int_equal(last.link.ifindex, 7);
	assert_true(last.link.admin_up && last.link.carrier);
	assert_string_equal(last.link.operstate, "up");
	assert_int_equal(last.link.mtu, 9000);
	assert_string_equal(last.link.mac, "02:00:00:ab:cd:ef");

	/* every shorter prefix: never read past it; a cut message is not passed on */
	for (size_t k = 0; k < n; k++) {
		unsigned char *cut = xcalloc(1, k ? k : 1);
		memcpy(cut, buf, k);
		nevents = 0;
		int r = nlparse_datagram(cut, k, count_event, NULL);
		assert_int_equal(nevents, 0);
		assert_true(k == 0 ? r == 0 : r == -1);
		free(cut);
	}
	/* an attribute longer than its message: refused */
	n = build_link(buf, "rail0", 6);
	struct rtattr *first = (struct rtattr *)(buf + NLMSG_LENGTH(sizeof(struct ifinfomsg)));
	first->rta_len = 200;
	nevents = 0;
	nlparse_datagram(buf, n, count_event, NULL);
	assert_int_equal(nevents, 0);
	/* a name without its NUL, or longer than IFNAMSIZ: refused as libnl refuses it */
	n = build_link(buf, "rail0", 5);
	nevents = 0;
	nlparse_datagram(buf, n, count_event, NULL);
	assert_int_equal(nevents, 0);
	n = build_link(buf, "abcdefghijklmnopqrs", 20);
	nevents = 0;
	nlparse_datagram(buf, n, count_event, NULL);
	assert_int_equal(nevents, 0);
	/* a name with bytes a terminal must not get: cleaned */
	n = build_link(buf, "r\x1b[2Jx", 7);
	nevents = 0;
	nlparse_datagram(buf, n, count_event, NULL);
	assert_int_equal(nevents, 1);
	assert_null(strchr(last.link.name, '\x1b'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notifications_equal_dump),
		cmocka_unit_test(test_hand_built_and_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
