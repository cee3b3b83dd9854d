/* cablemap.h: the cluster's cables: which port of which node reaches which node and which port
 * of it, directly or through a switch, the topology they make and what does not match the
 * topology the user chose, in words.
 *
 * Pure: built from what each node reports (its ports' twins, carrier and speed) and from what
 * was seen on each port (a peer's mDNS answer on that port's twins, completed over SSH with the
 * port of the peer that holds the address seen). Nodes are numbered in the order they are added;
 * cablemap_number() renumbers them the way the plans need (the node whose name sorts first is
 * node 1; in a ring node 2 is on node 1's p0, node 3 on node 2's p0, ...). */
#ifndef SPARKLINK_CABLEMAP_H
#define SPARKLINK_CABLEMAP_H

#include "core/base/util.h"

#include <stdbool.h>
#include <stddef.h>

#define CLUSTER_MAX_NODES 8
#define CABLEMAP_PORTS 2 /* p0, p1 */
#define CABLEMAP_TWINS 2 /* the domain-0000 function, the domain-0002 function */
#define CABLEMAP_MAX_SEEN 128
#define CABLEMAP_FULL_SPEED 200000 /* Mb/s: what a Spark's port negotiates when all is well */

enum topology { TOPOLOGY_NONE, TOPOLOGY_DIRECT, TOPOLOGY_RING, TOPOLOGY_SWITCH, TOPOLOGY_OTHER };

struct cablemap_twin {
	char ifname[16]; /* "" if the node has no such netdev */
	bool up;
	unsigned speed_mbps; /* 0 when unknown */
	bool no_address; /* read, and without any address (no IPv6 link-local): mDNS is deaf there */
};

struct cablemap_node {
	char name[64];
	struct cablemap_twin twin[CABLEMAP_PORTS][CABLEMAP_TWINS];
	/* a host that is not one of the nodes answered on this port ("" if none) */
	char outside[CABLEMAP_PORTS][64];
};

/* Node `node`'s port `port` sees node `peer` (on its port `peer_port`, -1 while unknown). */
struct cablemap_seen {
	int node, port, peer, peer_port;
};

struct cablemap {
	struct cablemap_node nodes[CLUSTER_MAX_NODES];
	size_t nnodes;
	struct cablemap_seen seen[CABLEMAP_MAX_SEEN];
	size_t nseen;
};

/* A cable (direct: node a's port pa to node b's port pb) or a node's port on a switch segment
 * (via_switch: b = -1; segment numbers the switch segments in order of appearance). */
struct cablemap_link {
	int a, pa, b, pb;
	bool via_switch;
	int segment;
};

void cablemap_init(struct cablemap *m);
/* Add a node (a plain host name); its index, or -1 (full, bad or repeated name). */
int cablemap_add_node(struct cablemap *m, const char *name);
int cablemap_find(const struct cablemap *m, const char *name);
/* What a node reports of one twin of one port. */
void cablemap_set_twin(struct cablemap *m, int node, int port, int twin, const char *ifname,
		       bool up, unsigned speed_mbps);
/* node's port saw peer (peer_port -1 if not known yet); repeated sightings are merged. */
void cablemap_see(struct cablemap *m, int node, int port, int peer, int peer_port);

/* What a node reports of one twin's addresses: it has none at all. */
void cablemap_set_no_address(struct cablemap *m, int node, int port, int twin);
/* node's port saw host, which is not one of the nodes (its cable leaves the cluster). */
void cablemap_see_outside(struct cablemap *m, int node, int port, const char *host);

/* A port with carrier (a twin Up) where no host answered at all: a cable whose other end is not
 * known (its mDNS was not answering when the nodes were read: avahi not running or stalled
 * there, or the port's address being replaced at that moment, as NetworkManager's automatic
 * profiles do). The nodes and ports of those, at most max; returns how many there are. */
struct cablemap_port {
	int node, port;
};
size_t cablemap_unanswered(const struct cablemap *m, struct cablemap_port *out, size_t max);
/* The name of node's port's first Up twin (the other twin's if neither is Up), for sentences. */
const char *cablemap_port_ifname(const struct cablemap *m, int node, int port);

/* The cables and switch ports, direct cables first (each once, a < b or same node order), then
 * switch ports by segment and node. Returns how many (at most max are written). */
size_t cablemap_links(const struct cablemap *m, struct cablemap_link *out, size_t max);
/* The topology the cables make (NONE: no cable at all). */
enum topology cablemap_topology(const struct cablemap *m);
const char *topology_name(enum topology t);
/* "direct", "ring", "switch" (and "auto" -> TOPOLOGY_NONE); -1 if none of them. */
int topology_parse(const char *s);

/* Renumber the nodes as the plans number them (see above) for topology t. */
void cablemap_number(struct cablemap *m, enum topology t);

/* What does not match topology want, one sentence per line (each ends in "\n"), appended to
 * out; problems that make a plan wrong are counted in the return value (an unanswered port is
 * one: a plan made without its cable would be wrong), notes (a cross-cabled pair, a link below
 * 200G, a port whose cable reaches a host that is not one of the nodes) are written but not
 * counted. */
size_t cablemap_check(const struct cablemap *m, enum topology want, struct buf *out);

/* The map drawn in text: one line per node with its ports and where each goes. */
void cablemap_draw(const struct cablemap *m, struct buf *out);

#endif
