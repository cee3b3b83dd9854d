/* node_local_cables.c: this machine's cable side for the cable map (node.h `cables`): its
 * ConnectX twins from the ports model (RDMA devices, netlink), their carrier, speed and addresses.
 * Its mDNS view is the caller's (discovery runs on the loop). */
#include "core/node/node_local_shared.h"
#include "core/node/node_local.h"
#include "core/base/util.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/net/rdma.h"

#include <string.h>
#include <sys/socket.h>

void node_local_cables_model(const struct model *m, struct node_cables *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < m->nports; i++) {
		const struct phys_port *pp = &m->ports[i];
		if (pp->number < 0 || pp->number > 1)
			continue;
		for (size_t t = 0; t < pp->ntwins && out->nifs < NODE_MAX_CABLE_IFS; t++) {
			const struct twin *tw = &pp->twins[t];
			if (!tw->netdev_name[0])
				continue;
			struct node_cable_if *f = &out->ifs[out->nifs++];
			str_copy(f->ifname, tw->netdev_name, sizeof(f->ifname));
			f->port = pp->number;
			f->twin = tw->rdma && tw->rdma->pci_ok ? (tw->rdma->pci_domain == 0 ? 0 : 1)
							       : (int)t;
			const struct netdev *d = tw->netdev;
			if (!d)
				continue;
			f->carrier = d->carrier;
			f->speed_mbps = d->carrier && d->speed_mbps > 0 ? (unsigned)d->speed_mbps
									: 0;
			for (size_t k = 0; k < d->naddrs && f->naddrs < NODE_MAX_ADDRS; k++) {
				const struct netdev_addr *a = &d->addrs[k];
				if (a->family == AF_INET6 && !a->link_local)
					continue;
				str_copy(f->addrs[f->naddrs++], a->text, sizeof(f->addrs[0]));
			}
		}
	}
}

int node_local_cables(struct node *n, struct node_cables *out, char *err, size_t errsize)
{
	(void)n;
	memset(out, 0, sizeof(*out));
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	int rc = netmon_snapshot(&m, err, errsize);
	if (rc < 0) {
		model_free(&m);
		return rc;
	}
	model_rebuild(&m);
	node_local_cables_model(&m, out);
	model_free(&m);
	return 0;
}
