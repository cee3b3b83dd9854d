/* peer_panel.h: the Sparks seen over mDNS: name, where each address was seen (port N or the
 * LAN), addresses; the selected one is highlighted; as the cluster: which are marked (Space),
 * which port of this node reaches which port of each, and the topology. This machine itself is not listed. */
#ifndef SPARKLINK_PEER_PANEL_H
#define SPARKLINK_PEER_PANEL_H

#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/guide/cluster_state.h"
#include "ui/console/screen.h"

/* Peers that can be chosen (not this machine), in display order. */
size_t peer_panel_count(const struct peers *p);
const struct peer *peer_panel_get(const struct peers *p, size_t index);

/* ssh_status(peer, arg) gives the pairing state shown after the name ("not paired", ...). */
typedef const char *peer_status_fn(const struct peer *p, void *arg);
/* Rows the panel wants for the peers as they are now. */
int peer_panel_rows(const struct model *m, const struct peers *p);
/* The cluster the panel shows: the peers marked ([x]), the map's cables from this node to each
 * ("p0 -> its p1"), the topology; NULL or none marked: no cluster, each peer with a [ ] to mark. */
struct peer_panel_cluster {
	const struct cluster_state *cl;
	const struct cablemap *map;
	const char *self;
};
/* rows[i] gets the screen row of peer i's name line (-1 when not shown), for i < max. */
int peer_panel_draw(const struct screen *s, const struct model *m, const struct peers *p,
		    const struct peer_panel_cluster *pc, size_t selected, bool focused,
		    peer_status_fn *ssh_status, void *arg, int y, int x, int h, int w, int *rows,
		    size_t max);

#endif
