/* ports.h: RDMA twins grouped into physical ports (ports.c): two PCI functions of one device
 * that differ only in the PCI domain are one QSFP port. */
#ifndef SPARKLINK_PORTS_H
#define SPARKLINK_PORTS_H

#include "core/net/model.h"

/* Rebuild m->ports and m->others from m->rdma and m->netdevs. */
void ports_group(struct model *m);
/* After netdevs changed in place (carrier, MTU, addresses; none came, went or was renamed): the
 * grouping stands, only whether each port has a cable is found again. */
void ports_cabled(struct model *m);

#endif
