/* cluster_plan.h: the addresses of a cluster of 2 to 8 nodes, per topology, as NVIDIA's
 * playbooks write them, each node on its own cabled interfaces (read from that node, never
 * assumed to be this node's names).
 *
 * - direct (2 nodes): every cabled twin its own /24 from 192.168.100.0/24 up (the first cable's
 *   domain-0000 twin 100, its 0002 twin 101, a second cable 102 and 103); node 1 is .10, node 2
 *   .11 (connect-two-sparks).
 * - ring, and any other set of direct cables: every twin of every cable its own /24 from
 *   192.168.0.0/24 up, two per cable, the cables taken in the order (lower node, higher node,
 *   port of the lower node); the lower-numbered node is .1, the other .2 (connect-three-sparks:
 *   N1 0.1 1.1 2.1 3.1, N2 4.1 5.1 0.2 1.2, N3 2.2 3.2 4.2 5.2).
 * - switch: each switch segment a pair of /24s from 192.168.100.0/24 up (twin 0000, twin 0002);
 *   node N is .N (multi-sparks-through-switch), and the MTU stays 1500 ("keep the default MTU
 *   for switch connections").
 * No node ever has two interfaces in one subnet: cluster_plan_make checks it. Nodes are numbered
 * as cablemap_number() numbers them. */
#ifndef SPARKLINK_CLUSTER_PLAN_H
#define SPARKLINK_CLUSTER_PLAN_H

#include "core/base/util.h"
#include "core/jobs/plan.h"
#include "core/net/cablemap.h"

#include <stddef.h>

#define CLUSTER_MAX_ADDRS (CLUSTER_MAX_NODES * CABLEMAP_PORTS * CABLEMAP_TWINS)

struct cluster_addr {
	int node; /* index into cluster_plan.names */
	char ifname[16];
	char addr[24]; /* "192.168.0.1/24"; "" for link-local */
	int peer; /* the node at the other end (-1: a switch) */
	char peer_addr[24]; /* that node's address on this twin's subnet ("" on a switch) */
};

struct cluster_plan {
	enum plan_kind kind;
	enum topology topology;
	unsigned mtu;
	size_t nnodes;
	char names[CLUSTER_MAX_NODES][64];
	struct cluster_addr addrs[CLUSTER_MAX_ADDRS];
	size_t naddrs;
};

/* Build the plan for the cables in m (numbered with cablemap_number) as topology t (NONE: the
 * topology the cables make). Only Up twins are addressed. Returns 0, or -1 with the reason in err
 * (cablemap_check's problems are the caller's to show first). A switch with mtu 9000 is refused
 * with NVIDIA's reason. */
int cluster_plan_make(struct cluster_plan *p, const struct cablemap *m, enum topology t,
		      enum plan_kind kind, unsigned mtu, char *err, size_t errsize);

/* Node `node`'s part: its interfaces and addresses, as the two-node plan's netplan and command
 * writers take them (one plan_if per address, the node's own address in addr[0]). */
size_t cluster_plan_node_ifs(const struct cluster_plan *p, int node, struct plan_if *out,
			     size_t max);

/* The whole preview: per node its addresses (interface, address, the node at the other end),
 * and why each twin has a subnet of its own. */
void cluster_plan_preview(const struct cluster_plan *p, struct buf *out);

#endif
