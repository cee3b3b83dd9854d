/* netmon.c: libnl cache manager glue. */
#include "core/net/netmon.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* bytes libnl receives a notification into */
#define NETMON_MSG_BUF 32768

struct netmon {
	struct loop *loop;
	struct model *model;
	netmon_change_fn *fn;
	void *arg;
	struct nl_sock *evsock; /* notifications, owned by the manager */
	struct nl_sock *reqsock; /* dumps for resync */
	struct nl_cache_mngr *mngr;
	struct nl_cache *links, *addrs;
	struct loop_watch *watch;
	bool changed;
	bool full; /* a link came or went (or too much changed): rebuild the whole table */
	/* this batch: the links that changed (the cache's object, a reference held) and the
	 * ifindexes whose addresses changed */
	struct nl_object *pend_links[NETMON_PENDING];
	int pend_addrs[NETMON_PENDING];
	size_t npend_links, npend_addrs;
	unsigned resyncs;
	struct netmon_stats stats;
};

/* Note the link object (its newest version, one per ifindex); false when the list is full. */
static bool pend_link(struct netmon *nm, struct nl_object *obj)
{
	int ifindex = rtnl_link_get_ifindex((struct rtnl_link *)obj);
	for (size_t i = 0; i < nm->npend_links; i++)
		if (rtnl_link_get_ifindex((struct rtnl_link *)nm->pend_links[i]) == ifindex) {
			nl_object_put(nm->pend_links[i]);
			nl_object_get(obj);
			nm->pend_links[i] = obj;
			return true;
		}
	if (nm->npend_links == NETMON_PENDING)
		return false;
	nl_object_get(obj);
	nm->pend_links[nm->npend_links++] = obj;
	return true;
}

static void pend_clear(struct netmon *nm)
{
	for (size_t i = 0; i < nm->npend_links; i++)
		nl_object_put(nm->pend_links[i]);
	nm->npend_links = nm->npend_addrs = 0;
	nm->full = false;
}

/* Note ifindex once in v (n of them); false when v is full. */
static bool pend_add(int *v, size_t *n, int ifindex)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == ifindex)
			return true;
	if (*n == NETMON_PENDING)
		return false;
	v[(*n)++] = ifindex;
	return true;
}

/* What a message changed, noted; the model is brought up to date once, after the whole batch:
 * only the netdevs named here (netmon_apply), or all of them when a link came or went. */
static void on_change(struct nl_cache *cache, struct nl_object *obj, int action, void *arg)
{
	struct netmon *nm = arg;
	nm->changed = true;
	if (cache == nm->links) {
		struct rtnl_link *l = (struct rtnl_link *)obj;
		/* per-family link objects (AF_INET6 ...) are not the link: add_link ignores them */
		if (rtnl_link_get_family(l) != AF_UNSPEC)
			return;
		if (action != NL_ACT_CHANGE || !pend_link(nm, obj))
			nm->full = true;
	} else if (!pend_add(nm->pend_addrs, &nm->npend_addrs,
			     rtnl_addr_get_ifindex((struct rtnl_addr *)obj))) {
		nm->full = true;
	}
}

/* netdevs by ifindex, for the address walk: an index sorted by ifindex, searched by halves */
struct ifx {
	int ifindex;
	struct netdev *dev;
};

struct addr_ctx {
	struct ifx *index;
	size_t n;
};

static int cmp_ifx(const void *a, const void *b)
{
	int x = ((const struct ifx *)a)->ifindex, y = ((const struct ifx *)b)->ifindex;
	return (x > y) - (x < y);
}

static struct netdev *by_ifindex(const struct addr_ctx *c, int ifindex)
{
	struct ifx key = { .ifindex = ifindex };
	struct ifx *hit = c->n ? bsearch(&key, c->index, c->n, sizeof(*c->index), cmp_ifx) : NULL;
	return hit ? hit->dev : NULL;
}

static void add_addr(struct nl_object *obj, void *arg)
{
	struct addr_ctx *c = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct netdev *d = by_ifindex(c, rtnl_addr_get_ifindex(a));
	struct nl_addr *local = rtnl_addr_get_local(a);
	int fam = rtnl_addr_get_family(a);
	if (!d || !local || (fam != AF_INET && fam != AF_INET6))
		return;
	struct netdev_addr na = { .family = fam,
				  .prefixlen = (unsigned)rtnl_addr_get_prefixlen(a) };
	if (!inet_ntop(fam, nl_addr_get_binary_addr(local), na.text, sizeof(na.text)))
		return;
	if (fam == AF_INET)
		na.link_local = str_starts(na.text, "169.254.");
	else
		na.link_local = str_starts(na.text, "fe80:") || str_starts(na.text, "fe8") ||
				str_starts(na.text, "fe9") || str_starts(na.text, "fea") ||
				str_starts(na.text, "feb");
	d->addrs = xrealloc(d->addrs, d->naddrs + 1, sizeof(*d->addrs));
	d->addrs[d->naddrs++] = na;
}

struct link_ctx {
	struct netdev *devs;
	size_t n, cap;
};

static void add_link(struct nl_object *obj, void *arg)
{
	struct link_ctx *c = arg;
	struct rtnl_link *l = (struct rtnl_link *)obj;
	const char *name = rtnl_link_get_name(l);
	/* the kernel also announces links per protocol family (AF_INET6 on IPv6 changes); libnl
	 * keeps those as separate, soon stale objects: only the AF_UNSPEC one is the link */
	if (!name || rtnl_link_get_family(l) != AF_UNSPEC)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->devs = xrealloc(c->devs, c->cap, sizeof(*c->devs));
	}
	struct netdev *d = &c->devs[c->n++];
	memset(d, 0, sizeof(*d));
	text_clean(d->name, sizeof(d->name), name, strlen(name), TEXT_NAME);
	d->ifindex = rtnl_link_get_ifindex(l);
	d->admin_up = rtnl_link_get_flags(l) & IFF_UP;
	/* Up as ibdev2netdev means it: admin up and carrier (sysfs carrier errors when down) */
	d->carrier = d->admin_up && rtnl_link_get_carrier(l);
	char os[32];
	rtnl_link_operstate2str(rtnl_link_get_operstate(l), os, sizeof(os));
	text_clean(d->operstate, sizeof(d->operstate), os, strlen(os), TEXT_NAME);
	d->mtu = rtnl_link_get_mtu(l);
	struct nl_addr *mac = rtnl_link_get_addr(l);
	if (mac && nl_addr_get_len(mac) > 0) {
		char tmp[64];
		nl_addr2str(mac, tmp, sizeof(tmp));
		text_clean(d->mac, sizeof(d->mac), tmp, strlen(tmp), TEXT_NAME);
	}
	d->speed_mbps = -1;
}

static int cmp_netdev(const void *a, const void *b)
{
	return strcmp(((const struct netdev *)a)->name, ((const struct netdev *)b)->name);
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct netdev *)elem)->name);
}

/* Static attributes from sysfs for one netdev (speed only while it has carrier). */
static void read_sysfs_extras(struct netdev *d, const struct netdev *old)
{
	if (old && old->carrier == d->carrier && strcmp(old->name, d->name) == 0) {
		d->speed_mbps = old->speed_mbps;
		memcpy(d->phys_port_name, old->phys_port_name, sizeof(d->phys_port_name));
		return;
	}
	long v;
	d->speed_mbps = d->carrier && sysfs_read_long(&v, "class/net/%s/speed", d->name) == 0 ? v
											      : -1;
	sysfs_read(d->phys_port_name, sizeof(d->phys_port_name), "class/net/%s/phys_port_name",
		   d->name);
}

void netmon_sync(struct netmon *nm)
{
	struct model *m = nm->model;
	struct link_ctx lc = { 0 };
	nl_cache_foreach(nm->links, add_link, &lc);
	struct addr_ctx ac = { xcalloc(lc.n ? lc.n : 1, sizeof(struct ifx)), lc.n };
	for (size_t i = 0; i < lc.n; i++)
		ac.index[i] = (struct ifx){ lc.devs[i].ifindex, &lc.devs[i] };
	if (ac.n > 1)
		qsort(ac.index, ac.n, sizeof(*ac.index), cmp_ifx);
	nl_cache_foreach(nm->addrs, add_addr, &ac);
	free(ac.index);
	if (lc.n > 1)
		qsort(lc.devs, lc.n, sizeof(*lc.devs), cmp_netdev);

	/* netdevs that exist only in a fixture tree (tests): names from the directory, attributes
	 * read only for names netlink does not know */
	if (strcmp(sysfs_root(), "/sys") != 0) {
		size_t nnames, known = lc.n;
		char **names = sysfs_netdev_names(&nnames);
		for (size_t i = 0; i < nnames; i++) {
			if (known && bsearch(names[i], lc.devs, known, sizeof(*lc.devs), cmp_name))
				goto next;
			if (lc.n == lc.cap) {
				lc.cap = lc.cap ? lc.cap * 2 : 16;
				lc.devs = xrealloc(lc.devs, lc.cap, sizeof(*lc.devs));
			}
			netdev_load_sysfs(&lc.devs[lc.n++], names[i]);
		next:
			free(names[i]);
		}
		free(names);
		if (lc.n > known)
			qsort(lc.devs, lc.n, sizeof(*lc.devs), cmp_netdev);
	}
	for (size_t i = 0; i < lc.n; i++) {
		struct netdev *d = &lc.devs[i];
		const struct netdev *old = model_netdev(m, d->name);
		if (d->ifindex)
			read_sysfs_extras(d, old);
		if (old && old->carrier != d->carrier)
			linkhist_note(&m->linkhist, d->name, d->carrier, d->speed_mbps,
				      clock_wall_ms(), clock_ms());
		if (!old || old->carrier != d->carrier || old->admin_up != d->admin_up) {
			struct rdma_port *rp = rdma_inventory_find_netdev(&m->rdma, d->name);
			if (rp)
				rdma_port_refresh(rp);
		}
	}
	for (size_t i = 0; i < m->nnetdevs; i++)
		netdev_clear(&m->netdevs[i]);
	free(m->netdevs);
	m->netdevs = lc.devs;
	m->nnetdevs = lc.n;
	m->netlink_ok = true;
	model_rebuild(m);
}

static bool same_addrs(const struct netdev_addr *a, size_t na, const struct netdev_addr *b,
		       size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].family != b[i].family || a[i].prefixlen != b[i].prefixlen ||
		    a[i].link_local != b[i].link_local || strcmp(a[i].text, b[i].text) != 0)
			return false;
	return true;
}

enum apply_result { APPLY_FULL = -1, APPLY_SAME, APPLY_CHANGED };

/* Bring only the netdevs this batch named up to date: a link's attributes in place (its
 * addresses kept), an interface's addresses read again from the cache. APPLY_FULL when that is
 * not enough (a name that moved, an ifindex the table does not have): then sync all;
 * APPLY_SAME when nothing the model keeps changed (the kernel announces more than that). */
static enum apply_result netmon_apply(struct netmon *nm)
{
	struct model *m = nm->model;
	bool changed = false;
	for (size_t i = 0; i < nm->npend_links; i++) {
		struct link_ctx lc = { 0 };
		add_link(nm->pend_links[i], &lc);
		struct netdev *d = lc.n == 1 ? &lc.devs[0] : NULL;
		struct netdev *old = d ? (struct netdev *)model_netdev(m, d->name) : NULL;
		if (!old || old->ifindex != d->ifindex) {
			free(lc.devs);
			return APPLY_FULL;
		}
		/* what does not change with the cable is kept; the speed is read when it comes up */
		memcpy(d->phys_port_name, old->phys_port_name, sizeof(d->phys_port_name));
		long v;
		if (old->carrier == d->carrier)
			d->speed_mbps = old->speed_mbps;
		else
			d->speed_mbps = d->carrier && sysfs_read_long(&v, "class/net/%s/speed",
								      d->name) == 0
						? v
						: -1;
		if (old->carrier != d->carrier)
			linkhist_note(&m->linkhist, d->name, d->carrier, d->speed_mbps,
				      clock_wall_ms(), clock_ms());
		if (old->carrier != d->carrier || old->admin_up != d->admin_up) {
			struct rdma_port *rp = rdma_inventory_find_netdev(&m->rdma, d->name);
			if (rp)
				rdma_port_carrier(rp, d->carrier);
		}
		d->addrs = old->addrs;
		d->naddrs = old->naddrs;
		d->rdma = old->rdma;
		/* both were zeroed before they were filled: the bytes compare */
		changed |= memcmp(old, d, sizeof(*d)) != 0;
		*old = *d;
		free(lc.devs);
	}
	for (size_t i = 0; i < nm->npend_addrs; i++) {
		struct netdev *d = NULL;
		for (size_t k = 0; k < m->nnetdevs && !d; k++)
			if (m->netdevs[k].ifindex == nm->pend_addrs[i])
				d = &m->netdevs[k];
		if (!d)
			continue; /* gone already, or an address of no interface we list */
		struct netdev_addr *was = d->addrs;
		size_t nwas = d->naddrs;
		d->addrs = NULL;
		d->naddrs = 0;
		struct ifx one = { d->ifindex, d };
		struct addr_ctx ac = { &one, 1 };
		nl_cache_foreach(nm->addrs, add_addr, &ac);
		changed |= !same_addrs(was, nwas, d->addrs, d->naddrs);
		free(was);
	}
	if (!changed)
		return APPLY_SAME;
	model_refresh(m); /* the same netdevs under the same names: no regrouping */
	return APPLY_CHANGED;
}

static void resync(struct netmon *nm)
{
	nm->resyncs++;
	nm->full = true;
	nl_cache_refill(nm->reqsock, nm->links);
	nl_cache_refill(nm->reqsock, nm->addrs);
	nm->changed = true;
}

static void on_readable(struct loop_watch *w, int fd, short revents, void *arg)
{
	(void)w;
	(void)fd;
	(void)revents;
	struct netmon *nm = arg;
	int r = nl_cache_mngr_data_ready(nm->mngr);
	if (r == -NLE_NOMEM || r == -NLE_DUMP_INTR || r == -NLE_MSG_OVERFLOW || r == -NLE_MSG_TRUNC)
		resync(nm);
	if (nm->changed) {
		nm->changed = false;
		enum apply_result res = nm->full ? APPLY_FULL : netmon_apply(nm);
		if (res == APPLY_FULL) {
			netmon_sync(nm);
			nm->stats.full_syncs++;
		} else {
			nm->stats.partial_syncs++;
		}
		pend_clear(nm);
		if (nm->fn && res != APPLY_SAME) /* nothing to show when nothing changed */
			nm->fn(nm->arg);
	}
}

struct netmon *netmon_new(struct loop *loop, struct model *m, netmon_change_fn *fn, void *arg,
			  char *err, size_t errsize)
{
	struct netmon *nm = xcalloc(1, sizeof(*nm));
	nm->loop = loop, nm->model = m, nm->fn = fn, nm->arg = arg;
	int r;
	const char *what = "allocate a netlink socket";
	nm->evsock = nl_socket_alloc();
	nm->reqsock = nl_socket_alloc();
	if (!nm->evsock || !nm->reqsock) {
		r = -NLE_NOMEM;
		goto fail;
	}
	what = "connect to netlink";
	if ((r = nl_connect(nm->reqsock, NETLINK_ROUTE)) < 0)
		goto fail;
	what = "start the netlink cache manager";
	/* caches not provided to the rest of libnl: provided, every address notification's parse
	 * looked its interface up in the link cache (rtnl_link_get(), a walk of every link: with
	 * 500 netdevs the largest part of a transition's cost); netmon needs only the ifindex */
	if ((r = nl_cache_mngr_alloc(nm->evsock, NETLINK_ROUTE, 0, &nm->mngr)) < 0)
		goto fail;
	/* a large buffer makes overruns rare; SPARKLINK_NETLINK_RCVBUF (bytes) shrinks it so the
	 * tests can provoke one and see the resync */
	const char *rb = getenv("SPARKLINK_NETLINK_RCVBUF");
	nl_socket_set_buffer_size(nm->evsock, rb && atoi(rb) > 0 ? atoi(rb) : 4 << 20, 0);
	/* one recvmsg() a notification, not two: libnl peeks at each message's size first unless
	 * its buffer is big enough for any (a link or address notification is a few kB; one that
	 * does not fit is -NLE_MSG_TRUNC, answered with a resync as an overrun is) */
	nl_socket_disable_msg_peek(nm->evsock);
	nl_socket_set_msg_buf_size(nm->evsock, NETMON_MSG_BUF);
	what = "read the interface list";
	if ((r = nl_cache_mngr_add(nm->mngr, "route/link", on_change, nm, &nm->links)) < 0)
		goto fail;
	/* the link cache also listens to IPv6's per-interface notices (an AF_INET6 link object
	 * with each carrier change), which on_change ignores: not received, not parsed */
	nl_socket_drop_membership(nm->evsock, RTNLGRP_IPV6_IFINFO);
	what = "read the address list";
	if ((r = nl_cache_mngr_add(nm->mngr, "route/addr", on_change, nm, &nm->addrs)) < 0)
		goto fail;
	netmon_sync(nm);
	if (loop)
		nm->watch = loop_watch_new(loop, nl_cache_mngr_get_fd(nm->mngr), POLLIN,
					   on_readable, nm);
	return nm;
fail:
	snprintf(err, errsize, "cannot %s: %s", what, nl_geterror(r));
	netmon_free(nm);
	return NULL;
}

void netmon_free(struct netmon *nm)
{
	if (!nm)
		return;
	pend_clear(nm);
	loop_watch_free(nm->watch);
	if (nm->mngr)
		nl_cache_mngr_free(nm->mngr); /* frees the caches, not the socket we gave it */
	if (nm->evsock)
		nl_socket_free(nm->evsock);
	if (nm->reqsock)
		nl_socket_free(nm->reqsock);
	free(nm);
}

unsigned netmon_resyncs(const struct netmon *nm)
{
	return nm->resyncs;
}

struct netmon_stats netmon_stats(const struct netmon *nm)
{
	return nm->stats;
}

int netmon_snapshot(struct model *m, char *err, size_t errsize)
{
	struct netmon *nm = netmon_new(NULL, m, NULL, NULL, err, errsize);
	if (!nm) {
		model_load_sysfs_netdevs(m);
		model_rebuild(m);
		return -1;
	}
	netmon_free(nm);
	return 0;
}
