/* ports.c: group RDMA twins into physical ports, list the other interfaces, compute findings.
 *
 * Two twins are one physical port when their PCI functions have the same bus, slot and function
 * in different domains (a Spark: 0000:01:00.F and 0002:01:00.F are port F) and, when the netdevs
 * say so, the same phys_port_name. */
#include "core/net/model.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int port_number(const struct rdma_port *r, const struct netdev *nd)
{
	if (nd && nd->phys_port_name[0] == 'p') {
		char *end;
		long n = strtol(nd->phys_port_name + 1, &end, 10);
		if (!*end && n >= 0 && n < 64)
			return (int)n;
	}
	return r->pci_ok ? (int)r->pci_func : -1;
}

static bool same_port(const struct rdma_port *a, const struct rdma_port *b)
{
	if (!a->pci_ok || !b->pci_ok)
		return false;
	return a->pci_domain != b->pci_domain && a->pci_bus == b->pci_bus &&
	       a->pci_slot == b->pci_slot && a->pci_func == b->pci_func;
}

static int cmp_port(const void *a, const void *b)
{
	const struct phys_port *x = a, *y = b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return strcmp(x->twins[0].rdma->ibdev, y->twins[0].rdma->ibdev);
}

static int cmp_twin(const void *a, const void *b)
{
	const struct twin *x = a, *y = b;
	if (x->rdma->pci_domain != y->rdma->pci_domain)
		return x->rdma->pci_domain < y->rdma->pci_domain ? -1 : 1;
	return strcmp(x->rdma->ibdev, y->rdma->ibdev);
}

static void group(struct model *m)
{
	model_sort_netdevs(m); /* hand-built models too: model_netdev() needs the order */
	free(m->ports);
	m->ports = NULL;
	m->nports = 0;
	for (size_t i = 0; i < m->nnetdevs; i++)
		m->netdevs[i].rdma = false;
	for (size_t i = 0; i < m->rdma.nports; i++) {
		const struct rdma_port *r = &m->rdma.ports[i];
		const struct netdev *nd = r->netdev[0] ? model_netdev(m, r->netdev) : NULL;
		if (nd)
			((struct netdev *)nd)->rdma = true;
		struct phys_port *pp = NULL;
		for (size_t k = 0; k < m->nports && !pp; k++) {
			struct phys_port *c = &m->ports[k];
			if (c->ntwins == 1 && same_port(c->twins[0].rdma, r)) {
				const struct netdev *o = c->twins[0].netdev;
				if (!o || !nd || !o->phys_port_name[0] || !nd->phys_port_name[0] ||
				    strcmp(o->phys_port_name, nd->phys_port_name) == 0)
					pp = c;
			}
		}
		if (!pp) {
			m->ports = xrealloc(m->ports, m->nports + 1, sizeof(*m->ports));
			pp = &m->ports[m->nports++];
			memset(pp, 0, sizeof(*pp));
			pp->number = port_number(r, nd);
		}
		struct twin *t = &pp->twins[pp->ntwins++];
		t->rdma = r;
		t->netdev = nd;
		str_copy(t->netdev_name, r->netdev, sizeof(t->netdev_name));
	}
	for (size_t k = 0; k < m->nports; k++) {
		struct phys_port *pp = &m->ports[k];
		qsort(pp->twins, pp->ntwins, sizeof(pp->twins[0]), cmp_twin);
		pp->cabled = false;
		for (size_t t = 0; t < pp->ntwins; t++)
			if (pp->twins[t].netdev && pp->twins[t].netdev->carrier)
				pp->cabled = true;
	}
	if (m->nports)
		qsort(m->ports, m->nports, sizeof(*m->ports), cmp_port);
	free(m->others);
	m->others = xcalloc(m->nnetdevs ? m->nnetdevs : 1, sizeof(size_t));
	m->nothers = 0;
	for (size_t i = 0; i < m->nnetdevs; i++)
		if (!m->netdevs[i].rdma && strcmp(m->netdevs[i].name, "lo") != 0)
			m->others[m->nothers++] = i;
}

__attribute__((format(printf, 4, 5))) static struct finding *add(struct model *m,
								  enum finding_level lvl,
								  const char *code, const char *fmt,
								  ...)
{
	m->findings = xrealloc(m->findings, m->nfindings + 1, sizeof(*m->findings));
	struct finding *f = &m->findings[m->nfindings++];
	memset(f, 0, sizeof(*f));
	f->level = lvl;
	str_copy(f->code, code, sizeof(f->code));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	return f;
}

static void fix(struct finding *f, const char *text)
{
	str_copy(f->fix, text, sizeof(f->fix));
}

static bool ipv4_net(const struct netdev_addr *a, uint32_t *net, uint32_t *mask)
{
	struct in_addr in;
	if (a->family != AF_INET || a->link_local || inet_pton(AF_INET, a->text, &in) != 1)
		return false;
	*mask = a->prefixlen ? htonl(~0u << (32 - a->prefixlen)) : 0;
	*net = in.s_addr & *mask;
	return true;
}

static bool has_ipv4(const struct netdev *d)
{
	for (size_t i = 0; i < d->naddrs; i++)
		if (d->addrs[i].family == AF_INET)
			return true;
	return false;
}

static void compute_findings(struct model *m)
{
	free(m->findings);
	m->findings = NULL;
	m->nfindings = 0;
	if (m->nports) {
		bool any_up = false;
		for (size_t k = 0; k < m->nports; k++)
			any_up |= m->ports[k].cabled;
		if (!any_up)
			fix(add(m, FINDING_ERROR, "no-link", "No ConnectX port is Up: no cable is seen."),
			    "Check the QSFP cable at both ends and reseat it; if it still shows Down, "
			    "reboot both Sparks and look again.");
	}
	for (size_t k = 0; k < m->nports; k++) {
		const struct phys_port *pp = &m->ports[k];
		if (pp->cabled && pp->ntwins == 2) {
			const struct netdev *a = pp->twins[0].netdev, *b = pp->twins[1].netdev;
			const char *an = pp->twins[0].netdev_name, *bn = pp->twins[1].netdev_name;
			bool au = a && a->carrier, bu = b && b->carrier;
			if (au != bu)
				fix(add(m, FINDING_WARN, "twin-down",
					"Port %d: %s is Up but its twin %s is Down.", pp->number,
					au ? an : bn, au ? bn : an),
				    "Both twins carry half of the port's bandwidth. Wait a second (twins come "
				    "up about a second apart); if it stays, reseat the cable.");
			if (a && b && a->mtu != b->mtu)
				fix(add(m, FINDING_WARN, "mtu-mismatch",
					"Port %d: MTU differs between twins (%s %u, %s %u).", pp->number, an,
					a->mtu, bn, b->mtu),
				    "Give both twins the same MTU (9000 for full RDMA throughput, on both "
				    "nodes).");
		}
		for (size_t t = 0; t < pp->ntwins; t++) {
			const struct netdev *d = pp->twins[t].netdev;
			if (!d || !d->carrier)
				continue;
			if (d->speed_mbps > 0 && d->speed_mbps < 200000)
				fix(add(m, FINDING_WARN, "slow-link", "%s runs at %ld Gb/s, below 200 Gb/s.",
					d->name, d->speed_mbps / 1000),
				    "Auto-negotiation picked a lower rate: force 200G on the switch port, or "
				    "reseat the cable; on a direct cable, replug both ends.");
			if (!has_ipv4(d))
				fix(add(m, FINDING_INFO, "no-address", "%s is Up but has no IPv4 address.",
					d->name),
				    "Choose an addressing plan (link-local or static) for the cabled twins.");
		}
	}
	/* two interfaces in one IPv4 subnet (link-local 169.254/16 is per link by definition);
	 * only netdevs with such an address take part: with hundreds of netdevs, few have one */
	size_t *v4 = xcalloc(m->nnetdevs ? m->nnetdevs : 1, sizeof(size_t)), nv4 = 0;
	for (size_t i = 0; i < m->nnetdevs; i++) {
		const struct netdev *d = &m->netdevs[i];
		for (size_t x = 0; x < d->naddrs; x++)
			if (d->addrs[x].family == AF_INET && !d->addrs[x].link_local) {
				v4[nv4++] = i;
				break;
			}
	}
	for (size_t ii = 0; ii < nv4; ii++) {
		const struct netdev *a = &m->netdevs[v4[ii]];
		for (size_t jj = ii + 1; jj < nv4; jj++) {
			const struct netdev *b = &m->netdevs[v4[jj]];
			bool found = false;
			for (size_t x = 0; x < a->naddrs && !found; x++) {
				uint32_t na, ma;
				if (!ipv4_net(&a->addrs[x], &na, &ma))
					continue;
				for (size_t y = 0; y < b->naddrs && !found; y++) {
					uint32_t nb, mb;
					if (!ipv4_net(&b->addrs[y], &nb, &mb))
						continue;
					uint32_t mk = ntohl(ma) < ntohl(mb) ? ma : mb;
					if ((na & mk) == (nb & mk)) {
						fix(add(m, FINDING_WARN, "same-subnet",
							"One IPv4 subnet on two interfaces: %s (%s/%u) and %s (%s/%u).",
							a->name, a->addrs[x].text, a->addrs[x].prefixlen,
							b->name, b->addrs[y].text, b->addrs[y].prefixlen),
						    "Give each twin its own /24 (e.g. 192.168.100.x and "
						    "192.168.101.x): one subnet on two interfaces makes routing "
						    "ambiguous and breaks NCCL.");
						found = true;
					}
				}
			}
		}
	}
	free(v4);
}

void model_rebuild(struct model *m)
{
	group(m);
	compute_findings(m);
	m->generation++;
	m->dirty = true;
}
