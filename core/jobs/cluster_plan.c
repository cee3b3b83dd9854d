/* cluster_plan.c: a cluster's addresses per topology (cluster_plan.h). */
#include "core/jobs/cluster_plan.h"
#include "core/node/node.h"

#include <stdio.h>
#include <string.h>

static int add(struct cluster_plan *p, int node, const char *ifname, const char *addr, int peer,
	       const char *peer_addr)
{
	if (p->naddrs >= CLUSTER_MAX_ADDRS)
		return -1;
	struct cluster_addr *a = &p->addrs[p->naddrs++];
	a->node = node;
	str_copy(a->ifname, ifname, sizeof(a->ifname));
	str_copy(a->addr, addr, sizeof(a->addr));
	a->peer = peer;
	str_copy(a->peer_addr, peer_addr, sizeof(a->peer_addr));
	return 0;
}

/* Both ends of one twin of a direct cable: subnet net, host numbers ha (node a) and hb. */
static int add_pair(struct cluster_plan *p, const struct cablemap *m, const struct cablemap_link *c,
		    int twin, unsigned net, unsigned ha, unsigned hb, char *err, size_t errsize)
{
	const struct cablemap_twin *ta = &m->nodes[c->a].twin[c->pa][twin];
	const struct cablemap_twin *tb = &m->nodes[c->b].twin[c->pb][twin];
	if (!ta->up || !tb->up)
		return 0;
	if (!ta->ifname[0] || !tb->ifname[0]) {
		snprintf(err, errsize,
			 "the interface names of a cable between %s and %s are not known",
			 m->nodes[c->a].name, m->nodes[c->b].name);
		return -1;
	}
	char aa[24] = "", ab[24] = "";
	if (p->kind != PLAN_LINK_LOCAL) {
		snprintf(aa, sizeof(aa), "192.168.%u.%u/24", net, ha);
		snprintf(ab, sizeof(ab), "192.168.%u.%u/24", net, hb);
	}
	if (add(p, c->a, ta->ifname, aa, c->b, ab) < 0 ||
	    add(p, c->b, tb->ifname, ab, c->a, aa) < 0) {
		snprintf(err, errsize, "too many addresses");
		return -1;
	}
	return 0;
}

/* Two interfaces of one node in one subnet make routing ambiguous: refuse such a plan. */
static int check_subnets(const struct cluster_plan *p, char *err, size_t errsize)
{
	for (size_t i = 0; i < p->naddrs; i++)
		for (size_t k = i + 1; k < p->naddrs; k++) {
			const struct cluster_addr *a = &p->addrs[i], *b = &p->addrs[k];
			if (a->node != b->node || !a->addr[0])
				continue;
			if (node_cidr_in_net(b->addr, a->addr) ||
			    node_cidr_in_net(a->addr, b->addr)) {
				snprintf(
					err, errsize,
					"%s would have %s and %s in one subnet: every twin needs a "
					"subnet of its own",
					p->names[a->node], a->ifname, b->ifname);
				return -1;
			}
		}
	return 0;
}

int cluster_plan_make(struct cluster_plan *p, const struct cablemap *m, enum topology t,
		      enum plan_kind kind, unsigned mtu, char *err, size_t errsize)
{
	memset(p, 0, sizeof(*p));
	if (mtu != 1500 && mtu != 9000) {
		snprintf(err, errsize,
			 "MTU %u: choose 1500 (the playbook's) or 9000 (jumbo frames)", mtu);
		return -1;
	}
	if (m->nnodes < 2) {
		snprintf(err, errsize, "a cluster needs 2 nodes or more");
		return -1;
	}
	enum topology have = cablemap_topology(m);
	if (t == TOPOLOGY_NONE)
		t = have;
	if (t == TOPOLOGY_NONE) {
		snprintf(err, errsize, "no cable between the nodes is seen");
		return -1;
	}
	if (t == TOPOLOGY_SWITCH && mtu != 1500) {
		snprintf(err, errsize,
			 "MTU %u on a switch: NVIDIA's switch playbook keeps the default MTU for "
			 "switch connections (1500); set jumbo frames on the switch first",
			 mtu);
		return -1;
	}
	p->kind = kind, p->topology = t, p->mtu = mtu, p->nnodes = m->nnodes;
	for (size_t i = 0; i < m->nnodes; i++)
		str_copy(p->names[i], m->nodes[i].name, sizeof(p->names[0]));

	struct cablemap_link l[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t nl = cablemap_links(m, l, ARRAY_LEN(l));
	if (nl > ARRAY_LEN(l))
		nl = ARRAY_LEN(l);
	unsigned next = t == TOPOLOGY_DIRECT ? 100 : 0;
	/* direct cables in the order (lower node, higher node, port of the lower node) */
	for (int lo = 0; lo < (int)m->nnodes; lo++)
		for (int hi = lo + 1; hi < (int)m->nnodes; hi++)
			for (int port = 0; port < CABLEMAP_PORTS; port++)
				for (size_t i = 0; i < nl; i++) {
					struct cablemap_link c = l[i];
					if (c.via_switch)
						continue;
					if (c.a > c.b) {
						int x = c.a, px = c.pa;
						c.a = c.b, c.pa = c.pb, c.b = x, c.pb = px;
					}
					if (c.a != lo || c.b != hi || c.pa != port)
						continue;
					if (c.pb < 0) {
						snprintf(
							err, errsize,
							"which port of %s the cable from %s reaches is "
							"not known: pair with %s first",
							m->nodes[hi].name, m->nodes[lo].name,
							m->nodes[hi].name);
						return -1;
					}
					unsigned ha = t == TOPOLOGY_DIRECT ? 10 : 1;
					for (int w = 0; w < CABLEMAP_TWINS; w++)
						if (add_pair(p, m, &c, w, next + (unsigned)w, ha,
							     ha + 1, err, errsize) < 0)
							return -1;
					next += CABLEMAP_TWINS;
				}
	/* switch segments */
	unsigned sw_net = 100;
	for (int seg = 0;; seg++) {
		bool any = false;
		for (size_t i = 0; i < nl; i++) {
			if (!l[i].via_switch || l[i].segment != seg)
				continue;
			any = true;
			for (int w = 0; w < CABLEMAP_TWINS; w++) {
				const struct cablemap_twin *tw = &m->nodes[l[i].a].twin[l[i].pa][w];
				if (!tw->up || !tw->ifname[0])
					continue;
				char a[24] = "";
				if (kind != PLAN_LINK_LOCAL)
					snprintf(a, sizeof(a), "192.168.%u.%d/24",
						 sw_net + (unsigned)w, l[i].a + 1);
				if (add(p, l[i].a, tw->ifname, a, -1, "") < 0) {
					snprintf(err, errsize, "too many addresses");
					return -1;
				}
			}
		}
		if (!any)
			break;
		sw_net += CABLEMAP_TWINS;
	}
	if (p->naddrs == 0) {
		snprintf(err, errsize, "no cabled twin is Up on both ends: is every cable in?");
		return -1;
	}
	return check_subnets(p, err, errsize);
}

size_t cluster_plan_node_ifs(const struct cluster_plan *p, int node, struct plan_if *out,
			     size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < p->naddrs; i++) {
		if (p->addrs[i].node != node)
			continue;
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			str_copy(out[n].ifname, p->addrs[i].ifname, sizeof(out[n].ifname));
			str_copy(out[n].addr[0], p->addrs[i].addr, sizeof(out[n].addr[0]));
			str_copy(out[n].addr[1], p->addrs[i].peer_addr, sizeof(out[n].addr[1]));
		}
		n++;
	}
	return n;
}

void cluster_plan_preview(const struct cluster_plan *p, struct buf *out)
{
	buf_printf(out, "%s plan for %zu nodes (%s), MTU %u\n", plan_kind_name(p->kind), p->nnodes,
		   topology_name(p->topology), p->mtu);
	for (size_t n = 0; n < p->nnodes; n++) {
		buf_printf(out, "node %zu: %s\n", n + 1, p->names[n]);
		for (size_t i = 0; i < p->naddrs; i++) {
			const struct cluster_addr *a = &p->addrs[i];
			if (a->node != (int)n)
				continue;
			buf_printf(out, "  %-16s %-18s -> %s%s%s\n", a->ifname,
				   a->addr[0] ? a->addr : "link-local",
				   a->peer >= 0 ? p->names[a->peer] : "the switch",
				   a->peer_addr[0] ? " " : "", a->peer_addr);
		}
	}
	buf_puts(out,
		 "Every twin has a subnet of its own: two interfaces of one node in one subnet "
		 "make routing ambiguous (and NCCL picks the wrong one).\n");
}
