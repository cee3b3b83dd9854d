/* ports.c: group RDMA twins into physical ports, list the other interfaces, compute findings.
 *
 * Two RDMA ports are twins of one physical port when they are two PCI functions of one device
 * that differ only in the PCI domain (a Spark: 0000:01:00.F and 0002:01:00.F are port F): same
 * bus, slot and function, the same PCI device id, and, when both netdevs are known, the same
 * phys_port_name. Anything else (another adapter in the machine) is a port of its own. Each
 * function is paired with the first matching one of a lower domain, so the grouping does not
 * depend on the order of the device names. Port numbers are unique: a port whose number (pN, else
 * the PCI function) is already taken by a port that comes first takes the next free number. */
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

static bool same_port(const struct twin *a, const struct rdma_port *b, const struct netdev *bn)
{
	const struct rdma_port *r = a->rdma;
	if (!r->pci_ok || !b->pci_ok)
		return false;
	if (r->pci_domain == b->pci_domain || r->pci_bus != b->pci_bus ||
	    r->pci_slot != b->pci_slot || r->pci_func != b->pci_func)
		return false;
	if (strcmp(r->devid, b->devid) != 0)
		return false; /* another adapter that happens to sit at the same bus address */
	return !a->netdev || !bn || strcmp(a->netdev->phys_port_name, bn->phys_port_name) == 0;
}

/* PCI address order; ports without one last, then by name. */
static int cmp_rdma(const struct rdma_port *x, const struct rdma_port *y)
{
	if (x->pci_ok != y->pci_ok)
		return x->pci_ok ? -1 : 1;
	if (x->pci_ok) {
		const unsigned a[] = { x->pci_domain, x->pci_bus, x->pci_slot, x->pci_func };
		const unsigned b[] = { y->pci_domain, y->pci_bus, y->pci_slot, y->pci_func };
		for (size_t i = 0; i < ARRAY_LEN(a); i++)
			if (a[i] != b[i])
				return a[i] < b[i] ? -1 : 1;
	}
	int c = strcmp(x->ibdev, y->ibdev);
	return c ? c : (x->port > y->port) - (x->port < y->port);
}

static int cmp_rdma_ptr(const void *a, const void *b)
{
	return cmp_rdma(*(const struct rdma_port *const *)a, *(const struct rdma_port *const *)b);
}

/* Which port keeps a number both want: two twins before one, then the lower PCI address. */
static int cmp_claim(const void *a, const void *b)
{
	const struct phys_port *x = *(const struct phys_port *const *)a;
	const struct phys_port *y = *(const struct phys_port *const *)b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	if (x->ntwins != y->ntwins)
		return x->ntwins > y->ntwins ? -1 : 1;
	return cmp_rdma(x->twins[0].rdma, y->twins[0].rdma);
}

static int cmp_port(const void *a, const void *b)
{
	const struct phys_port *x = a, *y = b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return strcmp(x->twins[0].rdma->ibdev, y->twins[0].rdma->ibdev);
}

/* Give every port its own number: the first claimant keeps it, the others take the lowest
 * number no port claims. -1 (unknown) stays as it is. */
static void number_ports(struct model *m)
{
	struct phys_port **v = xcalloc(m->nports ? m->nports : 1, sizeof(*v));
	for (size_t k = 0; k < m->nports; k++) {
		struct phys_port *pp = &m->ports[k];
		pp->number = port_number(pp->twins[0].rdma, pp->twins[0].netdev);
		v[k] = pp;
	}
	if (m->nports)
		qsort(v, m->nports, sizeof(*v), cmp_claim);
	int next = 0, last = -1;
	for (size_t k = 0; k < m->nports; k++) {
		int want = v[k]->number;
		if (want < 0)
			continue;
		if (want != last) {
			last = want;
			continue;
		}
		bool taken = true;
		while (taken) {
			taken = false;
			for (size_t j = 0; j < m->nports && !taken; j++)
				taken = m->ports[j].number == next;
			if (taken)
				next++;
		}
		v[k]->number = next++;
	}
	free(v);
}

static void group(struct model *m)
{
	model_sort_netdevs(m); /* hand-built models too: model_netdev() needs the order */
	free(m->ports);
	m->ports = NULL;
	m->nports = 0;
	for (size_t i = 0; i < m->nnetdevs; i++)
		m->netdevs[i].rdma = false;
	const struct rdma_port **order = xcalloc(m->rdma.nports ? m->rdma.nports : 1, sizeof(*order));
	for (size_t i = 0; i < m->rdma.nports; i++)
		order[i] = &m->rdma.ports[i];
	if (m->rdma.nports)
		qsort(order, m->rdma.nports, sizeof(*order), cmp_rdma_ptr);
	/* at most one port per RDMA port: no reallocation below, the twin pointers stay valid */
	m->ports = xcalloc(m->rdma.nports ? m->rdma.nports : 1, sizeof(*m->ports));
	for (size_t i = 0; i < m->rdma.nports; i++) {
		const struct rdma_port *r = order[i];
		const struct netdev *nd = r->netdev[0] ? model_netdev(m, r->netdev) : NULL;
		if (nd)
			((struct netdev *)nd)->rdma = true;
		struct phys_port *pp = NULL;
		for (size_t k = 0; k < m->nports && !pp; k++)
			if (m->ports[k].ntwins == 1 && same_port(&m->ports[k].twins[0], r, nd))
				pp = &m->ports[k];
		if (!pp)
			pp = &m->ports[m->nports++];
		struct twin *t = &pp->twins[pp->ntwins++];
		t->rdma = r;
		t->netdev = nd;
		str_copy(t->netdev_name, r->netdev, sizeof(t->netdev_name));
	}
	free(order);
	for (size_t k = 0; k < m->nports; k++) {
		struct phys_port *pp = &m->ports[k];
		pp->cabled = false;
		for (size_t t = 0; t < pp->ntwins; t++)
			if (pp->twins[t].netdev && pp->twins[t].netdev->carrier)
				pp->cabled = true;
	}
	number_ports(m);
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
