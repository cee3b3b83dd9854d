/* test_model_build.h: building a model by hand in unit tests (RDMA ports and netdevs as the
 * scanners would fill them). Include after <cmocka.h>; each test adds its own netdevs. */
#ifndef SPARKLINK_TEST_MODEL_BUILD_H
#define SPARKLINK_TEST_MODEL_BUILD_H

#include "core/net/model.h"
#include "core/base/util.h"

#include <stdio.h>
#include <string.h>

static inline void add_rdma(struct model *m, const char *ibdev, const char *pci, const char *netdev)
{
	m->rdma.ports = xrealloc(m->rdma.ports, m->rdma.nports + 1, sizeof(*m->rdma.ports));
	struct rdma_port *p = &m->rdma.ports[m->rdma.nports++];
	memset(p, 0, sizeof(*p));
	str_copy(p->ibdev, ibdev, sizeof(p->ibdev));
	p->port = 1;
	str_copy(p->netdev, netdev, sizeof(p->netdev));
	str_copy(p->pci, pci, sizeof(p->pci));
	p->pci_ok = sscanf(pci, "%x:%x:%x.%x", &p->pci_domain, &p->pci_bus, &p->pci_slot,
			   &p->pci_func) == 4;
	str_copy(p->devid, "MT4129", sizeof(p->devid)); /* a Spark's ConnectX-7 */
	str_copy(p->state, "DOWN", sizeof(p->state));
	p->link = RDMA_LINK_DOWN;
}

/* The netdev called name (a test failure if there is none). Pointers move when netdevs are
 * added. */
static inline struct netdev *nd(struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nnetdevs; i++)
		if (strcmp(m->netdevs[i].name, name) == 0)
			return &m->netdevs[i];
	fail_msg("no netdev %s", name);
	return NULL;
}

#endif
