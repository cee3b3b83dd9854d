/* cluster_state.h: the cluster a person forms in the console: the peers marked (with this node,
 * 2 to 8 nodes), the topology chosen (or as the cables make it), and each member's cable side as
 * last read over SSH (cluster_gather.h); and, pure, the cable map they make with what this node
 * sees now (its twins from the live model, its own mDNS sightings), and that map in words for a
 * screen: every node, each port's twins Up/Down with their speed, where the cable goes (the far
 * node and its port, or that the port is known only once that node is paired and read), and what
 * does not match the topology (cablemap_check's sentences). */
#ifndef SPARKLINK_CLUSTER_STATE_H
#define SPARKLINK_CLUSTER_STATE_H

#include "core/base/util.h"
#include "core/net/cablemap.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/node/node.h"

#include <stdbool.h>
#include <stddef.h>

#define CLUSTER_MAX_MEMBERS (CLUSTER_MAX_NODES - 1)

struct cluster_member {
	char host[256]; /* as mDNS lists it ("spark-2.local"): the facts' and the peers' key */
	char name[64]; /* its host name ("spark-2"): the map's */
	bool read; /* its cables were read over SSH */
	struct node_cables cables; /* as read */
	char error[256]; /* why the last read failed ("" if it did not) */
};

struct cluster_state {
	struct cluster_member members[CLUSTER_MAX_MEMBERS];
	size_t n;
	enum topology want; /* TOPOLOGY_NONE: as the cables make it */
	unsigned long generation; /* changes whenever the members or what was read change */
};

void cluster_state_init(struct cluster_state *s);
/* Mark host (an mDNS host name) or unmark it. Returns 1 marked, 0 unmarked, -1 refused (the
 * cluster is full, or the name is not a plain host name). */
int cluster_state_toggle(struct cluster_state *s, const char *host);
int cluster_state_find(const struct cluster_state *s, const char *host);
/* What a read of host's cables gave (c NULL: the error). */
void cluster_state_learn(struct cluster_state *s, const char *host, const struct node_cables *c,
			 const char *error);
/* The next topology to choose: as detected, direct, ring, switch, then as detected again. */
void cluster_state_next_topology(struct cluster_state *s);

/* The map of this node (self: its host name; its twins from m, its sightings from peers) and the
 * members (read: their twins and sightings; not read: the name only, so a cable from this node to
 * them shows with its far port unknown), numbered for the topology wanted (or detected). */
void cluster_state_map(const struct cluster_state *s, const char *self, const struct model *m,
		       const struct peers *peers, struct cablemap *out);
/* The topology to check the map against: the one chosen; as detected only once every member is
 * read (before that, a node's unknown ports would read as missing cables). */
enum topology cluster_state_check_as(const struct cluster_state *s, const struct cablemap *map);
/* The map in lines for a screen (each ends in "\n"): a line per port of every node, the topology,
 * the members not read yet (why), then cablemap_check's problems and notes. Returns the number of
 * problems (cablemap_check's). self: this node's host name ("this node" beside it). */
size_t cluster_state_describe(const struct cluster_state *s, const struct cablemap *map,
			      const char *self, struct buf *out);

#endif
