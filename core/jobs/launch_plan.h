/* launch_plan.h: the applied plan as env and bench need it, whichever apply made it: the
 * two-node plan (`apply --peer`, plan.h) or a cluster plan (`apply --peers`, the journal's
 * cluster-plan record, cluster_record.h). Per node: its host name, where the pairing's SSH
 * reaches it, its management address where known, and its rails (interface, address, prefix),
 * node 1 first (a cluster's rails in port order: enp1s0f0np0, enP2p1s0f0np0, enp1s0f1np1, ...);
 * which one is this machine; whether the twins make a ring (each cable its own
 * subnets, so the nodes see each other at different addresses).
 *
 * "Seen from": a node's address as another node reaches it over a cable is its address in a
 * subnet the viewer has a rail in (the viewer's first such rail); on a switch or two nodes that
 * is every node's first rail, on a ring each neighbour's end of the shared cable. */
#ifndef SPARKLINK_LAUNCH_PLAN_H
#define SPARKLINK_LAUNCH_PLAN_H

#include "core/base/util.h"
#include "core/jobs/plan.h"

#include <stdbool.h>
#include <stddef.h>

#define LAUNCH_MAX_NODES 8
#define LAUNCH_MAX_RAILS 16

struct launch_rail {
	char ifname[16];
	char addr[48]; /* without the prefix; "" for link-local */
	unsigned prefix; /* 24 */
};

struct launch_node {
	char name[64];
	char host[130]; /* where the pairing's SSH reaches it ("" for this node or unknown) */
	char mgmt_addr[48]; /* its management IPv4 address, "" if not known here */
	size_t nrails;
	struct launch_rail rails[LAUNCH_MAX_RAILS];
};

struct launch_plan {
	size_t nnodes;
	int self;
	bool ring; /* a ring (or any other set of direct cables between 3 or more nodes) */
	bool cluster; /* from a cluster-plan record */
	struct launch_node nodes[LAUNCH_MAX_NODES];
};

/* The two-node plan; peer is the address apply reached the peer at (its management address
 * when it is an IPv4 address outside the plan's subnets). */
void launch_plan_from_plan(const struct plan *p, const char *peer, struct launch_plan *out);
struct cluster_record;
void launch_plan_from_cluster(const struct cluster_record *r, struct launch_plan *out);

/* The plan applied now, from root's journal at path: the newest of the two-node plan and the
 * cluster plan (a cluster-plan record judged as status judges it). 0, or -1 with the reason. */
int launch_plan_read(const char *path, struct launch_plan *out, char *err, size_t errsize);

/* Node n's address as node viewer reaches it over a cable (above); node viewer's own first
 * rail for n == viewer. NULL when no rail of viewer shares a subnet with n, or n has none. */
const char *launch_plan_seen(const struct launch_plan *p, size_t viewer, size_t n);

/* The far end of node's rail r: the address of the first other node in the rail's subnet (on
 * a ring or two nodes the one node at the other end of the cable), its index in *far; NULL if
 * none. */
const char *launch_plan_far(const struct launch_plan *p, size_t node, size_t r, size_t *far);

/* Node viewer's hostfile: one line per node, its address seen from viewer, "slots=N" when
 * slots > 0. A node without an address is a line in problems (one sentence per line) and
 * no line in out; the number of such nodes is returned. */
int launch_plan_hostfile(const struct launch_plan *p, size_t viewer, unsigned slots,
			 struct buf *out, struct buf *problems);

#endif
