/* ports.c: group RDMA twins into physical ports, and list the other interfaces.
 *
 * Two RDMA ports are twins of one physical port when they are two PCI functions of one device
 * that differ only in the PCI domain (a Spark: 0000:01:00.F and 0002:01:00.F are port F): same
 * bus, slot and function, the same PCI device id, and, when both netdevs are known, the same
 * phys_port_name. Anything else (another adapter in the machine) is a port of its own. Each
 * function is paired with the first matching one of a lower domain, so the grouping does not
 * depend on the order of the device names. Port numbers are unique: a port whose number (pN, else
 * the PCI function) is already taken by a port that comes first takes the next free number. */
#include "core/net/ports.h"
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

void ports_cabled(struct model *m)
{
	for (size_t k = 0; k < m->nports; k++) {
		struct phys_port *pp = &m->ports[k];
		pp->cabled = false;
		for (size_t t = 0; t < pp->ntwins; t++)
			if (pp->twins[t].netdev && pp->twins[t].netdev->carrier)
				pp->cabled = true;
	}
}

void ports_group(struct model *m)
{
	model_sort_netdevs(m); /* hand-built models too: model_netdev() needs the order */
	free(m->ports);
	m->ports = NULL;
	m->nports = 0;
	for (size_t i = 0; i < m->nnetdevs; i++)
		m->netdevs[i].rdma = false;
	const struct rdma_port **order =
		xcalloc(m->rdma.nports ? m->rdma.nports : 1, sizeof(*order));
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
	ports_cabled(m);
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
