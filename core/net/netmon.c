/* netmon.c: netdev state from netlink: dumps through libnl, notifications through nlparse.c. */
#include "core/net/netmon.h"
#include "core/net/link_speed.h"
#include "core/net/nlparse.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
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
#include <sys/socket.h>
#include <unistd.h>

/* bytes a notification datagram is received into (a link or address message is a few kB; one
 * that does not fit is answered with a resync, as an overrun is) */
#define NETMON_MSG_BUF 32768
/* datagrams one recvmmsg() takes: a cable pulled makes 2-4 (the link, its peer's, addresses) */
#define NETMON_MSGS 8
/* netdevs a batch may change before the model's derived state is found again by a full scan */
#define NETMON_TOUCHED 64

/* a netdev's place in the model's table, by ifindex (searched by halves) */
struct ifx {
	int ifindex;
	size_t idx;
};

struct netmon {
	struct loop *loop;
	struct model *model;
	netmon_change_fn *fn;
	void *arg;
	int evfd; /* notifications, read with nlparse.c */
	struct nl_sock *reqsock; /* dumps: at the start and to resync */
	struct nl_cache *links, *addrs; /* the last dump (not kept up to date) */
	struct loop_watch *watch;
	bool changed;
	bool full; /* a link came or went (or too much changed): dump and rebuild the whole table */
	bool addrs_changed; /* this batch changed a netdev's addresses */
	/* this batch: the links that changed, newest version per ifindex; addresses are applied to
	 * the model's netdevs as they arrive */
	struct netdev pend_links[NETMON_PENDING];
	size_t npend_links;
	/* this batch: the netdevs (indexes into the model's table) whose state changed */
	size_t touched[NETMON_TOUCHED];
	size_t ntouched;
	bool touched_all;
	struct ifx *byindex; /* the table by ifindex, made again after every sync */
	size_t nbyindex;
	unsigned resyncs;
	struct netmon_stats stats;
	struct link_speed speed; /* the speed files read on carrier up, kept open */
	struct mmsghdr mm[NETMON_MSGS];
	struct iovec iov[NETMON_MSGS];
	struct sockaddr_nl from[NETMON_MSGS];
	unsigned char buf[NETMON_MSGS][NETMON_MSG_BUF];
};

/* Note the link (its newest version, one per ifindex); false when the list is full. */
static bool pend_link(struct netmon *nm, const struct netdev *d)
{
	for (size_t i = 0; i < nm->npend_links; i++)
		if (nm->pend_links[i].ifindex == d->ifindex) {
			nm->pend_links[i] = *d;
			return true;
		}
	if (nm->npend_links == NETMON_PENDING)
		return false;
	nm->pend_links[nm->npend_links++] = *d;
	return true;
}

static void pend_clear(struct netmon *nm)
{
	nm->npend_links = 0;
	nm->full = nm->addrs_changed = false;
	nm->ntouched = 0;
	nm->touched_all = false;
}

/* Note that the netdev at index i changed (once). */
static void touch(struct netmon *nm, size_t i)
{
	for (size_t k = 0; k < nm->ntouched; k++)
		if (nm->touched[k] == i)
			return;
	if (nm->ntouched == NETMON_TOUCHED)
		nm->touched_all = true;
	else
		nm->touched[nm->ntouched++] = i;
}

static int cmp_ifx(const void *a, const void *b)
{
	int x = ((const struct ifx *)a)->ifindex, y = ((const struct ifx *)b)->ifindex;
	return (x > y) - (x < y);
}

/* devs[0..n) by ifindex into *v (made again, grown as needed); returns how many it holds */
static size_t ifx_index(const struct netdev *devs, size_t n, struct ifx **v)
{
	*v = xrealloc(*v, n ? n : 1, sizeof(**v));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (devs[i].ifindex)
			(*v)[k++] = (struct ifx){ devs[i].ifindex, i };
	if (k > 1)
		qsort(*v, k, sizeof(**v), cmp_ifx);
	return k;
}

/* the index into devs of ifindex in v (searched by halves), or -1 */
static long ifx_find(const struct ifx *v, size_t n, int ifindex)
{
	struct ifx key = { .ifindex = ifindex };
	const struct ifx *hit = n ? bsearch(&key, v, n, sizeof(*v), cmp_ifx) : NULL;
	return hit ? (long)hit->idx : -1;
}

static struct netdev *netdev_by_ifindex(struct netmon *nm, int ifindex)
{
	struct model *m = nm->model;
	long i = ifx_find(nm->byindex, nm->nbyindex, ifindex);
	if (i >= 0 && (size_t)i < m->nnetdevs && m->netdevs[i].ifindex == ifindex)
		return &m->netdevs[i];
	for (size_t k = 0; k < m->nnetdevs; k++) /* the index is behind the table */
		if (m->netdevs[k].ifindex == ifindex)
			return &m->netdevs[k];
	return NULL;
}

/* libnl's identity of an address: family, interface, local address, and the prefix length
 * for IPv4 (an IPv4 address with a peer goes the full way) */
static bool same_addr(const struct netdev_addr *a, const struct netdev_addr *b)
{
	return a->family == b->family && strcmp(a->text, b->text) == 0 &&
	       (a->family == AF_INET6 || a->prefixlen == b->prefixlen);
}

/* One address notification, applied to its netdev as libnl's cache would keep it: a new or
 * changed address at the end of the list, a removed one out. true when the list changed. */
static bool apply_addr(struct netdev *d, const struct nlparse_event *ev)
{
	size_t i = 0;
	while (i < d->naddrs && !same_addr(&d->addrs[i], &ev->addr))
		i++;
	if (ev->kind == NLPARSE_ADDR_DEL) {
		if (i == d->naddrs)
			return false;
		memmove(&d->addrs[i], &d->addrs[i + 1], (d->naddrs - i - 1) * sizeof(*d->addrs));
		d->naddrs--;
		return true;
	}
	if (i < d->naddrs) {
		bool last = i == d->naddrs - 1;
		bool same = memcmp(&d->addrs[i], &ev->addr, sizeof(ev->addr)) == 0;
		if (last && same)
			return false;
		memmove(&d->addrs[i], &d->addrs[i + 1], (d->naddrs - i - 1) * sizeof(*d->addrs));
		d->addrs[d->naddrs - 1] = ev->addr;
		return true;
	}
	d->addrs = xrealloc(d->addrs, d->naddrs + 1, sizeof(*d->addrs));
	d->addrs[d->naddrs++] = ev->addr;
	return true;
}

/* What a message changed, noted (links) or applied (addresses); the links are brought up to date
 * once, after the whole batch (netmon_apply), or everything is dumped again when a link came or
 * went. */
static void on_event(const struct nlparse_event *ev, void *arg)
{
	struct netmon *nm = arg;
	switch (ev->kind) {
	case NLPARSE_LINK_NEW:
		nm->changed = true;
		if (!pend_link(nm, &ev->link))
			nm->full = true;
		break;
	case NLPARSE_LINK_DEL: nm->changed = nm->full = true; break;
	case NLPARSE_ADDR_NEW:
	case NLPARSE_ADDR_DEL: {
		struct netdev *d = netdev_by_ifindex(nm, ev->ifindex);
		if (ev->peer) {
			nm->changed = nm->full = true;
		} else if (d && apply_addr(d, ev)) {
			nm->changed = nm->addrs_changed = true;
			touch(nm, (size_t)(d - nm->model->netdevs));
		}
		break;
	}
	}
}

/* the dump's links by ifindex, for its address walk */
struct addr_ctx {
	struct netdev *devs;
	struct ifx *index;
	size_t n;
};

static struct netdev *by_ifindex(const struct addr_ctx *c, int ifindex)
{
	long i = ifx_find(c->index, c->n, ifindex);
	return i >= 0 ? &c->devs[i] : NULL;
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

/* The speed from sysfs while it has carrier, else -1; a netdev without the file (a veth's far
 * end in a fixture tree) is not asked again. */
static long read_speed(struct netmon *nm, struct netdev *d)
{
	long v;
	if (!d->carrier || d->no_speed)
		return -1;
	int r = link_speed_read(&nm->speed, d->ifindex, d->name, &v);
	if (r == -ENOENT)
		d->no_speed = true;
	return r == 0 ? v : -1;
}

/* Static attributes from sysfs for one netdev (speed only while it has carrier). */
static void read_sysfs_extras(struct netmon *nm, struct netdev *d, const struct netdev *old)
{
	if (old && old->carrier == d->carrier && strcmp(old->name, d->name) == 0) {
		d->speed_mbps = old->speed_mbps;
		d->no_speed = old->no_speed;
		memcpy(d->phys_port_name, old->phys_port_name, sizeof(d->phys_port_name));
		return;
	}
	d->speed_mbps = read_speed(nm, d);
	sysfs_read(d->phys_port_name, sizeof(d->phys_port_name), "class/net/%s/phys_port_name",
		   d->name);
}

void netmon_sync(struct netmon *nm)
{
	struct model *m = nm->model;
	struct link_ctx lc = { 0 };
	nl_cache_foreach(nm->links, add_link, &lc);
	struct addr_ctx ac = { lc.devs, NULL, 0 };
	ac.n = ifx_index(lc.devs, lc.n, &ac.index);
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
			read_sysfs_extras(nm, d, old);
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
	nm->nbyindex = ifx_index(m->netdevs, m->nnetdevs, &nm->byindex);
}

enum apply_result { APPLY_FULL = -1, APPLY_SAME, APPLY_CHANGED };

/* Bring only the links this batch named up to date, in place (their addresses, applied as they
 * came, kept). APPLY_FULL when that is not enough (a name that moved, an ifindex the table does
 * not have): then dump and sync all; APPLY_SAME when nothing the model keeps changed (the
 * kernel announces more than that). */
static enum apply_result netmon_apply(struct netmon *nm)
{
	struct model *m = nm->model;
	bool changed = nm->addrs_changed;
	for (size_t i = 0; i < nm->npend_links; i++) {
		struct netdev *d = &nm->pend_links[i];
		struct netdev *old = (struct netdev *)model_netdev(m, d->name);
		if (!old || old->ifindex != d->ifindex)
			return APPLY_FULL;
		/* what does not change with the cable is kept; the speed is read when it comes up */
		memcpy(d->phys_port_name, old->phys_port_name, sizeof(d->phys_port_name));
		d->no_speed = old->no_speed;
		if (old->carrier == d->carrier)
			d->speed_mbps = old->speed_mbps;
		else
			d->speed_mbps = read_speed(nm, d);
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
		if (memcmp(old, d, sizeof(*d)) != 0) {
			changed = true;
			touch(nm, (size_t)(old - m->netdevs));
		}
		*old = *d;
	}
	if (!changed)
		return APPLY_SAME;
	/* the same netdevs under the same names: no regrouping; what depends on a netdev's state
	 * found again for the netdevs that changed */
	if (nm->touched_all)
		model_refresh(m);
	else
		model_refresh_netdevs(m, nm->touched, nm->ntouched);
	return APPLY_CHANGED;
}

/* Dump links and addresses again (libnl) and rebuild the whole table from them. */
static void netmon_dump(struct netmon *nm)
{
	nl_cache_refill(nm->reqsock, nm->links);
	nl_cache_refill(nm->reqsock, nm->addrs);
	netmon_sync(nm);
}

/* Read every datagram waiting (until EAGAIN); false after an overrun or a datagram too long
 * for the buffer (notifications were lost: resync). */
static bool read_batch(struct netmon *nm)
{
	while (nm->evfd >= 0) {
		/* up to NETMON_MSGS datagrams a system call */
		for (int i = 0; i < NETMON_MSGS; i++) {
			nm->iov[i] = (struct iovec){ nm->buf[i], sizeof(nm->buf[i]) };
			nm->mm[i].msg_hdr = (struct msghdr){ .msg_name = &nm->from[i],
							     .msg_namelen = sizeof(nm->from[i]),
							     .msg_iov = &nm->iov[i],
							     .msg_iovlen = 1 };
		}
		int got = recvmmsg(nm->evfd, nm->mm, NETMON_MSGS, MSG_DONTWAIT, NULL);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return errno != ENOBUFS; /* EAGAIN: all read */
		}
		for (int i = 0; i < got; i++) {
			const struct msghdr *mh = &nm->mm[i].msg_hdr;
			if (mh->msg_flags & MSG_TRUNC)
				return false;
			/* only the kernel's own notifications */
			if (mh->msg_namelen != sizeof(nm->from[i]) || nm->from[i].nl_pid != 0)
				continue;
			/* not understood: read the kernel's state again */
			if (nlparse_datagram(nm->buf[i], nm->mm[i].msg_len, on_event, nm) < 0)
				nm->changed = nm->full = true;
		}
		/* fewer than asked: the socket was empty (an overrun met after the first
		 * datagram is kept by the kernel for the next call: the socket polls
		 * readable at once and that batch resyncs) */
		if (got < NETMON_MSGS)
			return true;
	}
	return true;
}

/* After a batch: apply what it noted, or dump again; tell the owner when the model changed. */
static void batch_done(struct netmon *nm)
{
	if (nm->changed) {
		nm->changed = false;
		enum apply_result res = nm->full ? APPLY_FULL : netmon_apply(nm);
		if (res == APPLY_FULL) {
			netmon_dump(nm);
			nm->stats.full_syncs++;
		} else {
			nm->stats.partial_syncs++;
		}
		pend_clear(nm);
		if (nm->fn && res != APPLY_SAME) /* nothing to show when nothing changed */
			nm->fn(nm->arg);
	}
}

/* The socket polls readable: read and apply what waits (never blocks). */
static void on_readable(struct loop_watch *w, int fd, short revents, void *arg)
{
	(void)w;
	(void)fd;
	(void)revents;
	struct netmon *nm = arg;
	if (!read_batch(nm)) {
		nm->resyncs++;
		nm->changed = nm->full = true;
	}
	batch_done(nm);
}

void netmon_inject(struct netmon *nm, const void *buf, size_t len)
{
	if (nlparse_datagram(buf, len, on_event, nm) < 0)
		nm->changed = nm->full = true;
	batch_done(nm);
}

/* The notification socket: link and IPv4/IPv6 address groups, non-blocking; -errno. */
static int evsock_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	/* a large buffer makes overruns rare; SPARKLINK_NETLINK_RCVBUF (bytes) shrinks it so the
	 * tests can provoke one and see the resync */
	const char *rb = getenv("SPARKLINK_NETLINK_RCVBUF");
	int size = rb && atoi(rb) > 0 ? atoi(rb) : 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
					       RTMGRP_IPV6_IFADDR };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

struct netmon *netmon_new(struct loop *loop, struct model *m, netmon_change_fn *fn, void *arg,
			  char *err, size_t errsize)
{
	struct netmon *nm = xcalloc(1, sizeof(*nm));
	nm->loop = loop, nm->model = m, nm->fn = fn, nm->arg = arg;
	nm->evfd = -1;
	link_speed_init(&nm->speed);
	int r;
	const char *what = "allocate a netlink socket";
	/* subscribed before the dump: nothing that changes after it is missed */
	if (loop && (nm->evfd = evsock_open()) < 0) {
		snprintf(err, errsize, "cannot listen to netlink: %s", strerror(-nm->evfd));
		netmon_free(nm);
		return NULL;
	}
	nm->reqsock = nl_socket_alloc();
	if (!nm->reqsock) {
		r = -NLE_NOMEM;
		goto fail;
	}
	what = "connect to netlink";
	if ((r = nl_connect(nm->reqsock, NETLINK_ROUTE)) < 0)
		goto fail;
	/* caches not provided to the rest of libnl: provided, every address's parse looks its
	 * interface up in the link cache (a walk of every link); netmon needs only the ifindex */
	what = "read the interface list";
	if ((r = rtnl_link_alloc_cache(nm->reqsock, AF_UNSPEC, &nm->links)) < 0)
		goto fail;
	what = "read the address list";
	if ((r = rtnl_addr_alloc_cache(nm->reqsock, &nm->addrs)) < 0)
		goto fail;
	netmon_sync(nm);
	if (loop)
		nm->watch = loop_watch_new(loop, nm->evfd, POLLIN, on_readable, nm);
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
	loop_watch_free(nm->watch);
	if (nm->evfd >= 0)
		close(nm->evfd);
	if (nm->links)
		nl_cache_free(nm->links);
	if (nm->addrs)
		nl_cache_free(nm->addrs);
	if (nm->reqsock)
		nl_socket_free(nm->reqsock);
	free(nm->byindex);
	link_speed_clear(&nm->speed);
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
