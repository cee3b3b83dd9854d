/* cablemap.c: the cluster's cables, their topology and what does not match it (cablemap.h). */
#include "core/net/cablemap.h"

#include "core/base/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cablemap_init(struct cablemap *m)
{
	memset(m, 0, sizeof(*m));
}

int cablemap_find(const struct cablemap *m, const char *name)
{
	for (size_t i = 0; i < m->nnodes; i++)
		if (strcmp(m->nodes[i].name, name) == 0)
			return (int)i;
	return -1;
}

int cablemap_add_node(struct cablemap *m, const char *name)
{
	if (m->nnodes >= CLUSTER_MAX_NODES || !text_is_hostname(name) ||
	    cablemap_find(m, name) >= 0)
		return -1;
	struct cablemap_node *n = &m->nodes[m->nnodes];
	memset(n, 0, sizeof(*n));
	str_copy(n->name, name, sizeof(n->name));
	return (int)m->nnodes++;
}

static bool valid(const struct cablemap *m, int node, int port)
{
	return node >= 0 && (size_t)node < m->nnodes && port >= 0 && port < CABLEMAP_PORTS;
}

void cablemap_set_twin(struct cablemap *m, int node, int port, int twin, const char *ifname,
		       bool up, unsigned speed_mbps)
{
	if (!valid(m, node, port) || twin < 0 || twin >= CABLEMAP_TWINS)
		return;
	struct cablemap_twin *t = &m->nodes[node].twin[port][twin];
	str_copy(t->ifname, text_is_ifname(ifname) ? ifname : "", sizeof(t->ifname));
	t->up = up;
	t->speed_mbps = speed_mbps;
}

void cablemap_see(struct cablemap *m, int node, int port, int peer, int peer_port)
{
	if (!valid(m, node, port) || peer < 0 || (size_t)peer >= m->nnodes || peer == node)
		return;
	if (peer_port < -1 || peer_port >= CABLEMAP_PORTS)
		return;
	for (size_t i = 0; i < m->nseen; i++) {
		struct cablemap_seen *s = &m->seen[i];
		if (s->node == node && s->port == port && s->peer == peer) {
			if (peer_port >= 0)
				s->peer_port = peer_port;
			return;
		}
	}
	if (m->nseen < CABLEMAP_MAX_SEEN)
		m->seen[m->nseen++] = (struct cablemap_seen){ node, port, peer, peer_port };
}

void cablemap_set_no_address(struct cablemap *m, int node, int port, int twin)
{
	if (valid(m, node, port) && twin >= 0 && twin < CABLEMAP_TWINS)
		m->nodes[node].twin[port][twin].no_address = true;
}

void cablemap_see_outside(struct cablemap *m, int node, int port, const char *host)
{
	if (!valid(m, node, port) || !text_is_hostname(host) || m->nodes[node].outside[port][0])
		return;
	str_copy(m->nodes[node].outside[port], host, sizeof(m->nodes[node].outside[port]));
}

/* The distinct nodes a port reaches, from its own sightings and from sightings of it. */
static size_t port_peers(const struct cablemap *m, int node, int port, int *peers, int *pports)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nseen; i++) {
		const struct cablemap_seen *s = &m->seen[i];
		int peer, pport;
		if (s->node == node && s->port == port)
			peer = s->peer, pport = s->peer_port;
		else if (s->peer == node && s->peer_port == port)
			peer = s->node, pport = s->port;
		else
			continue;
		size_t k;
		for (k = 0; k < n && peers[k] != peer; k++)
			;
		if (k == n) {
			peers[n] = peer;
			pports[n++] = pport;
		} else if (pports[k] < 0) {
			pports[k] = pport;
		}
	}
	return n;
}

/* The port of peer that reaches node, if only one of its ports does. */
static int port_toward(const struct cablemap *m, int peer, int node)
{
	int found = -1;
	for (int p = 0; p < CABLEMAP_PORTS; p++) {
		int peers[CLUSTER_MAX_NODES], pports[CLUSTER_MAX_NODES];
		size_t n = port_peers(m, peer, p, peers, pports);
		for (size_t k = 0; k < n; k++)
			if (peers[k] == node) {
				if (found >= 0)
					return -1;
				found = p;
			}
	}
	return found;
}

static bool on_switch(const struct cablemap *m, int node, int port)
{
	int peers[CLUSTER_MAX_NODES], pports[CLUSTER_MAX_NODES];
	if (port_peers(m, node, port, peers, pports) >= 2)
		return true;
	/* a port seen by one node whose own port sees several is on that switch too */
	for (size_t i = 0; i < port_peers(m, node, port, peers, pports); i++) {
		int pp = pports[i] >= 0 ? pports[i] : port_toward(m, peers[i], node);
		int q[CLUSTER_MAX_NODES], qp[CLUSTER_MAX_NODES];
		if (pp >= 0 && port_peers(m, peers[i], pp, q, qp) >= 2)
			return true;
	}
	return false;
}

size_t cablemap_links(const struct cablemap *m, struct cablemap_link *out, size_t max)
{
	size_t n = 0;
	int seg_of[CLUSTER_MAX_NODES][CABLEMAP_PORTS];
	for (size_t a = 0; a < m->nnodes; a++)
		for (int p = 0; p < CABLEMAP_PORTS; p++)
			seg_of[a][p] = -1;
	int nseg = 0;
	/* direct cables */
	for (size_t a = 0; a < m->nnodes; a++)
		for (int pa = 0; pa < CABLEMAP_PORTS; pa++) {
			if (on_switch(m, (int)a, pa))
				continue;
			int peers[CLUSTER_MAX_NODES], pports[CLUSTER_MAX_NODES];
			if (port_peers(m, (int)a, pa, peers, pports) != 1 || peers[0] < (int)a)
				continue;
			int pb = pports[0] >= 0 ? pports[0] : port_toward(m, peers[0], (int)a);
			if (n < max)
				out[n] = (struct cablemap_link){
					(int)a, pa, peers[0], pb, false, -1
				};
			n++;
		}
	/* switch ports, grouped into segments: ports that see each other share one */
	for (size_t a = 0; a < m->nnodes; a++)
		for (int pa = 0; pa < CABLEMAP_PORTS; pa++) {
			if (!on_switch(m, (int)a, pa) || seg_of[a][pa] >= 0)
				continue;
			int seg = nseg++;
			/* flood: every switch port reachable through sightings joins this segment */
			int stack[CLUSTER_MAX_NODES * CABLEMAP_PORTS][2], top = 0;
			seg_of[a][pa] = seg;
			stack[top][0] = (int)a, stack[top][1] = pa, top++;
			while (top > 0) {
				top--;
				int x = stack[top][0], px = stack[top][1];
				int peers[CLUSTER_MAX_NODES], pports[CLUSTER_MAX_NODES];
				size_t k = port_peers(m, x, px, peers, pports);
				for (size_t i = 0; i < k; i++) {
					int pp = pports[i] >= 0 ? pports[i]
								: port_toward(m, peers[i], x);
					if (pp < 0 || seg_of[peers[i]][pp] >= 0 ||
					    !on_switch(m, peers[i], pp))
						continue;
					seg_of[peers[i]][pp] = seg;
					stack[top][0] = peers[i], stack[top][1] = pp, top++;
				}
			}
		}
	for (int s = 0; s < nseg; s++)
		for (size_t a = 0; a < m->nnodes; a++)
			for (int pa = 0; pa < CABLEMAP_PORTS; pa++)
				if (seg_of[a][pa] == s) {
					if (n < max)
						out[n] = (struct cablemap_link){ (int)a, pa,   -1,
										 -1,	 true, s };
					n++;
				}
	return n;
}

#define MAX_LINKS (CLUSTER_MAX_NODES * CABLEMAP_PORTS)

static bool port_up(const struct cablemap_node *n, int port)
{
	return n->twin[port][0].up || n->twin[port][1].up;
}

/* Whether the node's twins were read (its cable side is known, not only its name). */
static bool node_read(const struct cablemap_node *n)
{
	for (int p = 0; p < CABLEMAP_PORTS; p++)
		for (int w = 0; w < CABLEMAP_TWINS; w++)
			if (n->twin[p][w].ifname[0])
				return true;
	return false;
}

/* Whether a link ends at node's port; a cable to a node not read yet, whose port there is not
 * known, counts for every port of it (that link's own problem says so). */
static bool port_linked(const struct cablemap *m, const struct cablemap_link *l, size_t nl,
			int node, int port)
{
	for (size_t i = 0; i < nl; i++) {
		if (l[i].a == node && l[i].pa == port)
			return true;
		if (!l[i].via_switch && l[i].b == node &&
		    (l[i].pb == port || (l[i].pb < 0 && !node_read(&m->nodes[node]))))
			return true;
	}
	return false;
}

/* Every Up twin of the port known to have no address at all. */
static bool no_address(const struct cablemap_twin *t)
{
	bool any = false;
	for (int w = 0; w < CABLEMAP_TWINS; w++) {
		if (t[w].up && !t[w].no_address)
			return false;
		any = any || t[w].up;
	}
	return any;
}

const char *cablemap_port_ifname(const struct cablemap *m, int node, int port)
{
	const struct cablemap_twin *t = m->nodes[node].twin[port];
	return t[0].up && t[0].ifname[0] ? t[0].ifname : t[1].ifname;
}

static bool unanswered(const struct cablemap *m, const struct cablemap_link *l, size_t nl, int node,
		       int port)
{
	return port_up(&m->nodes[node], port) && !m->nodes[node].outside[port][0] &&
	       !port_linked(m, l, nl, node, port);
}

size_t cablemap_unanswered(const struct cablemap *m, struct cablemap_port *out, size_t max)
{
	struct cablemap_link l[MAX_LINKS];
	size_t nl = cablemap_links(m, l, MAX_LINKS), n = 0;
	if (nl > MAX_LINKS)
		nl = MAX_LINKS;
	for (size_t a = 0; a < m->nnodes; a++)
		for (int p = 0; p < CABLEMAP_PORTS; p++) {
			if (!unanswered(m, l, nl, (int)a, p))
				continue;
			if (n < max)
				out[n] = (struct cablemap_port){ (int)a, p };
			n++;
		}
	return n;
}

/* The direct cables of node: how many, and the nodes at their far ends. */
static size_t node_cables(const struct cablemap_link *l, size_t nl, int node, int *far)
{
	size_t n = 0;
	for (size_t i = 0; i < nl; i++) {
		if (l[i].via_switch)
			continue;
		if (l[i].a == node)
			far[n++] = l[i].b;
		else if (l[i].b == node)
			far[n++] = l[i].a;
	}
	return n;
}

static bool is_ring(const struct cablemap *m, const struct cablemap_link *l, size_t nl)
{
	if (m->nnodes < 3)
		return false;
	for (size_t i = 0; i < nl; i++)
		if (l[i].via_switch)
			return false;
	for (size_t a = 0; a < m->nnodes; a++) {
		int far[MAX_LINKS];
		if (node_cables(l, nl, (int)a, far) != 2 || far[0] == far[1])
			return false;
	}
	/* one cycle through every node */
	int prev = -1, cur = 0;
	for (size_t step = 0; step < m->nnodes; step++) {
		int far[MAX_LINKS];
		node_cables(l, nl, cur, far);
		int next = far[0] != prev ? far[0] : far[1];
		prev = cur, cur = next;
		if (cur == 0)
			return step == m->nnodes - 1;
	}
	return false;
}

enum topology cablemap_topology(const struct cablemap *m)
{
	struct cablemap_link l[MAX_LINKS];
	size_t nl = cablemap_links(m, l, MAX_LINKS);
	if (nl > MAX_LINKS)
		nl = MAX_LINKS;
	if (nl == 0)
		return TOPOLOGY_NONE;
	size_t nsw = 0;
	for (size_t i = 0; i < nl; i++)
		nsw += l[i].via_switch;
	if (nsw == nl)
		return TOPOLOGY_SWITCH;
	if (nsw == 0 && m->nnodes == 2)
		return TOPOLOGY_DIRECT;
	if (is_ring(m, l, nl))
		return TOPOLOGY_RING;
	return TOPOLOGY_OTHER;
}

const char *topology_name(enum topology t)
{
	switch (t) {
	case TOPOLOGY_DIRECT: return "direct";
	case TOPOLOGY_RING: return "ring";
	case TOPOLOGY_SWITCH: return "switch";
	case TOPOLOGY_OTHER: return "other";
	case TOPOLOGY_NONE: break;
	}
	return "none";
}

int topology_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return TOPOLOGY_NONE;
	if (strcmp(s, "direct") == 0)
		return TOPOLOGY_DIRECT;
	if (strcmp(s, "ring") == 0)
		return TOPOLOGY_RING;
	if (strcmp(s, "switch") == 0)
		return TOPOLOGY_SWITCH;
	return -1;
}

/* Move the nodes into the order new_of[old] gives, the sightings with them. */
static void renumber(struct cablemap *m, const int *new_of)
{
	struct cablemap_node nodes[CLUSTER_MAX_NODES];
	for (size_t i = 0; i < m->nnodes; i++)
		nodes[new_of[i]] = m->nodes[i];
	memcpy(m->nodes, nodes, sizeof(nodes[0]) * m->nnodes);
	for (size_t i = 0; i < m->nseen; i++) {
		m->seen[i].node = new_of[m->seen[i].node];
		m->seen[i].peer = new_of[m->seen[i].peer];
	}
}

void cablemap_number(struct cablemap *m, enum topology t)
{
	size_t n = m->nnodes;
	int order[CLUSTER_MAX_NODES] = { 0 }, new_of[CLUSTER_MAX_NODES] = { 0 };
	bool used[CLUSTER_MAX_NODES] = { false };
	/* by name first */
	for (size_t k = 0; k < n; k++) {
		int best = -1;
		for (size_t i = 0; i < n; i++)
			if (!used[i] &&
			    (best < 0 || strcmp(m->nodes[i].name, m->nodes[best].name) < 0))
				best = (int)i;
		used[best] = true;
		order[k] = best;
	}
	if (t == TOPOLOGY_RING && cablemap_topology(m) == TOPOLOGY_RING) {
		struct cablemap_link l[MAX_LINKS];
		size_t nl = cablemap_links(m, l, MAX_LINKS);
		memset(used, 0, sizeof(used));
		int cur = order[0];
		used[cur] = true;
		for (size_t k = 1; k < n; k++) {
			int next = -1;
			/* the node on cur's p0, else the unvisited neighbour that sorts first */
			for (size_t i = 0; i < nl && i < MAX_LINKS; i++) {
				int far = -1;
				if (l[i].a == cur && l[i].pa == 0)
					far = l[i].b;
				else if (l[i].b == cur && l[i].pb == 0)
					far = l[i].a;
				if (far >= 0 && !used[far])
					next = far;
			}
			if (next < 0)
				for (size_t j = 0; j < n && next < 0; j++) {
					int cand = order[j];
					int far[MAX_LINKS];
					size_t nf = node_cables(l, nl, cur, far);
					for (size_t f = 0; f < nf; f++)
						if (far[f] == cand && !used[cand])
							next = cand;
				}
			if (next < 0)
				break;
			used[next] = true;
			order[k] = next;
			cur = next;
		}
	}
	for (size_t k = 0; k < n; k++)
		new_of[order[k]] = (int)k;
	renumber(m, new_of);
}

static const char *port_name(int p)
{
	return p == 0 ? "p0" : p == 1 ? "p1" : "p?";
}

/* Twin problems and notes of one node's port: a twin down beside an Up one, a slow link. */
static size_t check_port(const struct cablemap *m, int node, int port, bool via_switch,
			 struct buf *out)
{
	const struct cablemap_node *nd = &m->nodes[node];
	const struct cablemap_twin *t = nd->twin[port];
	size_t problems = 0;
	for (int w = 0; w < CABLEMAP_TWINS; w++) {
		const char *ifn = t[w].ifname[0] ? t[w].ifname : port_name(port);
		if (!t[w].up && t[1 - w].up) {
			buf_printf(out,
				   "%s %s is Down while its twin %s is Up: this port carries half; "
				   "reseat the cable at both ends\n",
				   nd->name, ifn, t[1 - w].ifname);
			problems++;
		}
		if (t[w].up && t[w].speed_mbps > 0 && t[w].speed_mbps < CABLEMAP_FULL_SPEED)
			buf_printf(out, "note: %s %s runs at %uG, not 200G: %s\n", nd->name, ifn,
				   t[w].speed_mbps / 1000,
				   via_switch ? "force the port's speed to 200G on the switch"
					      : "reseat the cable at both ends");
	}
	return problems;
}

size_t cablemap_check(const struct cablemap *m, enum topology want, struct buf *out)
{
	struct cablemap_link l[MAX_LINKS];
	size_t nl = cablemap_links(m, l, MAX_LINKS), problems = 0;
	if (nl > MAX_LINKS)
		nl = MAX_LINKS;
	enum topology have = cablemap_topology(m);
	if (want == TOPOLOGY_NONE)
		want = have;
	size_t dark = 0; /* unanswered ports: what the topology checks below cannot judge */
	for (size_t a = 0; a < m->nnodes; a++)
		for (int p = 0; p < CABLEMAP_PORTS; p++) {
			const struct cablemap_node *nd = &m->nodes[a];
			const char *ifn = cablemap_port_ifname(m, (int)a, p);
			bool silent = unanswered(m, l, nl, (int)a, p);
			if (silent && no_address(nd->twin[p])) {
				buf_printf(
					out,
					"%s %s (%s) is Up but has no address at all (not even an IPv6 "
					"link-local one), so "
					"nothing is heard on its cable over mDNS: NetworkManager "
					"takes it away when a port's automatic profile gives up (the "
					"port shows \"disconnected\"); on %s run: sudo nmcli device "
					"connect %s (or wait: it tries again within 5 minutes)\n",
					nd->name, port_name(p), ifn, nd->name, ifn);
				problems++, dark++;
			} else if (silent) {
				buf_printf(
					out,
					"%s %s (%s) is Up but no node answered on it over mDNS: "
					"where its cable goes is not known; check avahi-daemon on "
					"the node at its other end (systemctl restart "
					"avahi-daemon there) and read the map again\n",
					nd->name, port_name(p), ifn);
				problems++, dark++;
			} else if (nd->outside[p][0] && port_up(nd, p) &&
				   !port_linked(m, l, nl, (int)a, p)) {
				buf_printf(out,
					   "note: %s %s reaches %s, which is not one of the nodes: "
					   "its cable is left as it is\n",
					   nd->name, port_name(p), nd->outside[p]);
			}
		}
	if (nl == 0) {
		if (!problems)
			buf_puts(out, "no cable between the nodes is seen: plug the QSFP cables in "
				      "and wait for the ports to come Up\n");
		return problems ? problems : 1;
	}
	for (size_t i = 0; i < nl; i++) {
		const struct cablemap_link *c = &l[i];
		problems += check_port(m, c->a, c->pa, c->via_switch, out);
		if (c->via_switch)
			continue;
		if (c->pb < 0 && node_read(&m->nodes[c->b])) {
			buf_printf(out,
				   "%s %s heard %s at an address %s does not hold now (a record "
				   "of an address since taken away): which of its ports the cable "
				   "reaches is not known; read the map again\n",
				   m->nodes[c->a].name, port_name(c->pa), m->nodes[c->b].name,
				   m->nodes[c->b].name);
			problems++;
			continue;
		}
		if (c->pb < 0) {
			buf_printf(
				out,
				"which port of %s the cable from %s %s reaches is not known yet: "
				"pair with %s (sparklink reads it over SSH)\n",
				m->nodes[c->b].name, m->nodes[c->a].name, port_name(c->pa),
				m->nodes[c->b].name);
			problems++;
			continue;
		}
		problems += check_port(m, c->b, c->pb, false, out);
		if (want != TOPOLOGY_RING && c->pa != c->pb)
			buf_printf(
				out,
				"note: %s %s is cabled to %s %s (NVIDIA's playbook uses the same "
				"port on both): each node's plan uses its own cabled twins\n",
				m->nodes[c->a].name, port_name(c->pa), m->nodes[c->b].name,
				port_name(c->pb));
	}
	switch (want) {
	case TOPOLOGY_DIRECT:
		if (m->nnodes != 2) {
			buf_printf(out,
				   "direct cabling joins 2 nodes; there are %zu: choose ring or "
				   "switch\n",
				   m->nnodes);
			problems++;
		}
		if (have == TOPOLOGY_SWITCH) {
			buf_puts(out, "the ports are on a switch, not cabled to each other: choose "
				      "switch\n");
			problems++;
		}
		break;
	case TOPOLOGY_RING: {
		size_t before = problems;
		if (m->nnodes < 3) {
			buf_printf(out, "a ring needs 3 nodes or more; there are %zu\n", m->nnodes);
			problems++;
			break;
		}
		for (size_t a = 0; a < m->nnodes; a++)
			for (int p = 0; p < CABLEMAP_PORTS; p++) {
				bool cabled = false;
				for (size_t i = 0; i < nl; i++)
					if (!l[i].via_switch &&
					    ((l[i].a == (int)a && l[i].pa == p) ||
					     (l[i].b == (int)a && l[i].pb == p)))
						cabled = true;
				if (!cabled && !unanswered(m, l, nl, (int)a, p)) {
					buf_printf(out,
						   "%s %s has no cable to another node: in a ring "
						   "every node's p0 goes to the next node's p1\n",
						   m->nodes[a].name, port_name(p));
					problems++;
				}
			}
		for (size_t i = 0; i < nl; i++)
			if (!l[i].via_switch && l[i].pb >= 0 && l[i].pa == l[i].pb) {
				buf_printf(
					out,
					"%s %s is cabled to %s %s: in a ring a p0 goes to the next "
					"node's p1; move one end to the other port\n",
					m->nodes[l[i].a].name, port_name(l[i].pa),
					m->nodes[l[i].b].name, port_name(l[i].pb));
				problems++;
			}
		if (problems == before && have != TOPOLOGY_RING && !dark) {
			buf_puts(out,
				 "the cables do not make one ring through every node: follow "
				 "each node's p0 to the next node's p1 and back to the first\n");
			problems++;
		}
		break;
	}
	case TOPOLOGY_SWITCH:
		for (size_t a = 0; a < m->nnodes; a++) {
			bool on = false;
			for (size_t i = 0; i < nl; i++)
				on = on || (l[i].via_switch && l[i].a == (int)a);
			if (!on && !dark) {
				buf_printf(out,
					   "%s has no port on the switch (none of its ports sees "
					   "two other nodes): cable its p1 to the switch\n",
					   m->nodes[a].name);
				problems++;
			}
		}
		if (!dark &&
		    (have == TOPOLOGY_OTHER || have == TOPOLOGY_RING || have == TOPOLOGY_DIRECT)) {
			buf_puts(out, "some nodes are cabled to each other, not to the switch\n");
			problems++;
		}
		break;
	case TOPOLOGY_OTHER:
	case TOPOLOGY_NONE: break;
	}
	return problems;
}

static void draw_port(const struct cablemap *m, const struct cablemap_link *l, size_t nl, int node,
		      int port, struct buf *out)
{
	const struct cablemap_twin *t = m->nodes[node].twin[port];
	char where[96] = "no cable";
	if (m->nodes[node].outside[port][0] && port_up(&m->nodes[node], port))
		snprintf(where, sizeof(where), "%s (not a node)", m->nodes[node].outside[port]);
	else if (unanswered(m, l, nl, node, port))
		str_copy(where, no_address(t) ? "? (no address)" : "? (no mDNS answer)",
			 sizeof(where));
	for (size_t i = 0; i < nl; i++) {
		if (l[i].via_switch && l[i].a == node && l[i].pa == port)
			snprintf(where, sizeof(where), "switch %d", l[i].segment + 1);
		else if (!l[i].via_switch && l[i].a == node && l[i].pa == port)
			snprintf(where, sizeof(where), "%s %s", m->nodes[l[i].b].name,
				 port_name(l[i].pb));
		else if (!l[i].via_switch && l[i].b == node && l[i].pb == port)
			snprintf(where, sizeof(where), "%s %s", m->nodes[l[i].a].name,
				 port_name(l[i].pa));
	}
	unsigned speed = t[0].speed_mbps > t[1].speed_mbps ? t[0].speed_mbps : t[1].speed_mbps;
	char sp[16] = "";
	if (speed)
		snprintf(sp, sizeof(sp), " %uG", speed / 1000);
	buf_printf(out, "  %s -> %-22s (%s %s%s)", port_name(port), where, t[0].up ? "Up" : "Down",
		   t[1].up ? "Up" : "Down", sp);
}

void cablemap_draw(const struct cablemap *m, struct buf *out)
{
	struct cablemap_link l[MAX_LINKS];
	size_t nl = cablemap_links(m, l, MAX_LINKS);
	if (nl > MAX_LINKS)
		nl = MAX_LINKS;
	buf_printf(out, "topology: %s\n", topology_name(cablemap_topology(m)));
	for (size_t a = 0; a < m->nnodes; a++) {
		buf_printf(out, "%-12s", m->nodes[a].name);
		for (int p = 0; p < CABLEMAP_PORTS; p++)
			draw_port(m, l, nl, (int)a, p, out);
		buf_puts(out, "\n");
	}
}
