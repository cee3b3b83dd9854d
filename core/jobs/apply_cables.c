/* apply_cables.c: the peer's own interfaces for a two-node plan (apply_cables.h). */
#include "core/jobs/apply_cables.h"
#include "core/jobs/cluster_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct node_cable_if *find_if(const struct node_cables *c, const char *ifname)
{
	for (size_t i = 0; i < c->nifs; i++)
		if (strcmp(c->ifs[i].ifname, ifname) == 0)
			return &c->ifs[i];
	return NULL;
}

/* The one port of the node with carrier on a twin, or -1 (none, or both). */
static int only_cabled_port(const struct node_cables *c)
{
	int found = -1;
	for (size_t i = 0; i < c->nifs; i++) {
		if (!c->ifs[i].carrier)
			continue;
		if (found >= 0 && found != c->ifs[i].port)
			return -1;
		found = c->ifs[i].port;
	}
	return found;
}

/* The port of node 1 (the peer in m) that node 0's port reaches, or -1. */
static int far_port(const struct cablemap *m, int port)
{
	struct cablemap_link l[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t nl = cablemap_links(m, l, ARRAY_LEN(l));
	for (size_t i = 0; i < nl && i < ARRAY_LEN(l); i++) {
		if (l[i].via_switch)
			continue;
		if (l[i].a == 0 && l[i].pa == port && l[i].b == 1)
			return l[i].pb;
		if (l[i].b == 0 && l[i].pb == port && l[i].a == 1)
			return l[i].pa;
	}
	return -1;
}

int apply_peer_ifs(struct node *self, struct node *peer, struct plan *p, struct buf *notes,
		   char *err, size_t errsize)
{
	struct cluster_view *v = xcalloc(2, sizeof(*v));
	struct cablemap *m = xcalloc(1, sizeof(*m));
	char why[1024];
	int rc = -1;
	if (cluster_view_read(self, &v[0], why, sizeof(why)) < 0) {
		snprintf(err, errsize, "cannot read this node's ports: %s", why);
		goto out;
	}
	if (cluster_view_read(peer, &v[1], why, sizeof(why)) < 0) {
		snprintf(err, errsize, "cannot read the ports of the peer: %s", why);
		goto out;
	}
	cluster_map_build(m, v, 2);
	const char *pv[PLAN_MAX_IFS];
	bool noted[CABLEMAP_PORTS] = { false, false };
	const char *peer_name = v[1].name;
	for (size_t i = 0; i < p->nifs; i++) {
		const struct node_cable_if *f = find_if(&v[0].cables, p->ifs[i].ifname);
		if (!f) {
			snprintf(err, errsize,
				 "%s is not one of this node's ConnectX twins: the peer's end of "
				 "its cable cannot be known (nothing was changed)",
				 p->ifs[i].ifname);
			goto out;
		}
		int pb = m->nnodes == 2 ? far_port(m, f->port) : -1;
		bool guessed = false;
		if (pb < 0 && (pb = only_cabled_port(&v[1].cables)) >= 0)
			guessed = true;
		const char *pif = pb >= 0 && m->nnodes == 2 ? m->nodes[1].twin[pb][f->twin].ifname
							    : "";
		if (!pif[0]) {
			snprintf(
				err, errsize,
				"which interface of %s the cable on %s (p%d) reaches is not known: "
				"%s sees no mDNS answer of this node on a cabled twin and has %s; "
				"check the cable and avahi-daemon on both nodes (`sparklink "
				"topology`). Nothing was changed",
				peer_name, f->ifname, f->port, peer_name,
				only_cabled_port(&v[1].cables) < 0 ? "no single cabled port"
								   : "no such twin");
			goto out;
		}
		pv[i] = pif;
		if (noted[f->port])
			continue;
		noted[f->port] = true;
		if (guessed)
			buf_printf(notes,
				   "  the far end of %s p%d is taken to be %s p%d, its only cabled "
				   "port (no mDNS answer told it)\n",
				   v[0].name, f->port, peer_name, pb);
		if (pb != f->port)
			buf_printf(
				notes,
				"  %s p%d is cabled to %s p%d: each node's plan uses its own "
				"cabled twins (NVIDIA's playbook uses the same port on both: NCCL "
				"prefers it)\n",
				v[0].name, f->port, peer_name, pb);
	}
	rc = plan_set_peer_ifs(p, pv, p->nifs, err, errsize);
out:
	free(m);
	free(v);
	return rc;
}
