/* cluster_map.h: the cable map (core/net/cablemap.h) from what each node reports of its cable
 * side (node.h `cables`: its ConnectX twins with carrier, speed and addresses, and its own mDNS
 * view), and its gathering over the nodes' sessions.
 *
 * How a cable is learned: a node's avahi sees another node's `_ssh._tcp` answer on one of its
 * own twins (mDNS on the cable's IPv6 link-local, which every Spark has from the first second);
 * the twin says which port of this node the cable is in. Which port of the other node it reaches
 * is the twin of that node that holds the address the answer came from (read from that node over
 * SSH). A sighting on a twin without carrier is dropped (avahi keeps records of a dead link until
 * they expire). A node's own view (`avahi-browse` over SSH, or discovery here) and the views of
 * the others complete each other: every cable with one end on a peer is seen from that peer.
 *
 * Why mDNS and not LLDP: every Spark already runs avahi and announces `_ssh._tcp` on every link,
 * IPv6 link-local included, from the moment a cable is in; LLDP needs lldpd (not installed on
 * DGX OS) on every node and root to read it, and a switch answers LLDP with its own ports, not
 * the node behind them. What mDNS tells (a name and an address on a link) is only a hint: it is
 * confirmed over the pairing's SSH (the address is that node's, on that twin), never trusted
 * alone, and nothing here changes anything. */
#ifndef SPARKLINK_CLUSTER_MAP_H
#define SPARKLINK_CLUSTER_MAP_H

#include "core/net/cablemap.h"
#include "core/node/node.h"

#include <stdbool.h>
#include <stddef.h>

/* One node as gathered: its host name and its cable side. */
struct cluster_view {
	char name[64];
	struct node_cables cables;
};

/* Build m (cablemap_init'ed here) from v[0..n): nodes in that order, their twins, the sightings
 * between them (those of hosts not among v are left out). */
void cluster_map_build(struct cablemap *m, const struct cluster_view *v, size_t n);

/* A node's cable side read again (again) merged into into: the twins (carrier, speed) as they
 * are now, with the addresses either reading found; the sightings of both readings. A cable
 * seen once is a cable: NetworkManager's automatic profiles take a port's address away and put
 * it back every few seconds while they try DHCP, and for that moment neither end of the cable
 * hears the other (a node's avahi drops what it knew of a link whose address went away). */
void cluster_view_merge(struct cluster_view *into, const struct cluster_view *again);

/* The nodes of the map v[0..n) makes that are worth reading again before the map is trusted:
 * those with a port with carrier where nobody answered over mDNS (cablemap_unanswered: neither
 * end of its cable was heard), and those a cable was seen reaching at an address their own
 * reading did not hold (which of their ports it reaches is not known). again[i] is set for each,
 * their count returned, the first reason in what ("nobody answered on spark-2 p1 (enp1s0f1np1)
 * over mDNS"). A view without a name (not read) is left out. */
size_t cluster_views_to_read_again(const struct cluster_view *v, size_t n, bool *again, char *what,
				   size_t size);
/* How often such a node is read again, and the wait before each (longer than a port's address
 * is away while NetworkManager replaces it, ~2 s). */
#define CLUSTER_REREADS 2
#define CLUSTER_REREAD_WAIT_MS 3000

/* This node's own mDNS view as sightings in c: every live address of a peer (its host name
 * without ".local") seen on one of this node's ConnectX twins. */
struct peers;
struct model;
void cluster_view_sightings(struct node_cables *c, const struct peers *peers,
			    const struct model *m);

/* Read a node's name and cable side into out; 0 or a negative code with err. */
int cluster_view_read(struct node *node, struct cluster_view *out, char *err, size_t errsize);

/* The map as JSON (cablemap_links' links, the topology and check's problems) into b: an object
 * {"topology":..., "nodes":[{"name","ports":[{"port","to","unanswered","outside",
 * "twins":[{"ifname","up","speed"}]}]}],
 * "links":[...], "problems":[...], "notes":[...]}. */
void cluster_map_json(const struct cablemap *m, enum topology want, struct buf *b);

#endif
