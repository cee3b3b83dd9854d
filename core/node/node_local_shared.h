/* node_local_shared.h: the operations of this machine as a node that live outside
 * node_local.c (private to core/node; the public API is node_local.h). */
#ifndef SPARKLINK_NODE_LOCAL_SHARED_H
#define SPARKLINK_NODE_LOCAL_SHARED_H

#include "core/node/node.h"

#include <stddef.h>

/* node_local_netplan.c */
int node_local_netplan(struct node *n, const char *verb, char *err, size_t errsize);

/* node_local_nm.c: NetworkManager here (core/net/nm.c over the system bus) */
int node_local_nm_probe(struct node *n, const char *ifname, struct nm_node *node,
			struct nm_port *port, char *err, size_t errsize);
int node_local_nm_activate(struct node *n, const char *ifname, const char *uuid, const char *cidr,
			   unsigned mtu, char *err, size_t errsize);
int node_local_nm_restore(struct node *n, const char *ifname, const char *uuid, const char *prev,
			  char *err, size_t errsize);

/* node_local_cables.c: the ConnectX twins here, from the ports model */
int node_local_cables(struct node *n, struct node_cables *out, char *err, size_t errsize);

#endif
