/* cluster_map.c: the cable map from the nodes' cable sides (cluster_map.h). */
#include "core/jobs/cluster_map.h"
#include "core/base/json.h"
#include "core/base/text.h"
#include "core/mdns/peers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct node_cable_if *view_if(const struct cluster_view *v, const char *ifname)
{
	for (size_t i = 0; i < v->cables.nifs; i++)
		if (strcmp(v->cables.ifs[i].ifname, ifname) == 0)
			return &v->cables.ifs[i];
	return NULL;
}

/* The port of v's twin that holds addr (IPv6 without its scope), or -1. */
static int port_of_addr(const struct cluster_view *v, const char *addr)
{
	char plain[64];
	str_copy(plain, addr, sizeof(plain));
	char *pct = strchr(plain, '%');
	if (pct)
		*pct = '\0';
	for (size_t i = 0; i < v->cables.nifs; i++)
		for (size_t k = 0; k < v->cables.ifs[i].naddrs; k++)
			if (strcmp(v->cables.ifs[i].addrs[k], plain) == 0)
				return v->cables.ifs[i].port;
	return -1;
}

void cluster_map_build(struct cablemap *m, const struct cluster_view *v, size_t n)
{
	cablemap_init(m);
	int idx[CLUSTER_MAX_NODES];
	for (size_t i = 0; i < n && i < CLUSTER_MAX_NODES; i++) {
		idx[i] = cablemap_add_node(m, v[i].name);
		if (idx[i] < 0)
			continue;
		for (size_t k = 0; k < v[i].cables.nifs; k++) {
			const struct node_cable_if *f = &v[i].cables.ifs[k];
			cablemap_set_twin(m, idx[i], f->port, f->twin, f->ifname, f->carrier,
					  f->speed_mbps);
			if (!f->naddrs)
				cablemap_set_no_address(m, idx[i], f->port, f->twin);
		}
	}
	for (size_t i = 0; i < n && i < CLUSTER_MAX_NODES; i++) {
		if (idx[i] < 0)
			continue;
		for (size_t s = 0; s < v[i].cables.nseen; s++) {
			const struct node_sighting *g = &v[i].cables.seen[s];
			const struct node_cable_if *f = view_if(&v[i], g->ifname);
			int peer = cablemap_find(m, g->host);
			if (!f || !f->carrier || peer == idx[i])
				continue;
			if (peer < 0) {
				cablemap_see_outside(m, idx[i], f->port, g->host);
				continue;
			}
			size_t pv = 0;
			while (pv < n && idx[pv] != peer)
				pv++;
			int pport = pv < n ? port_of_addr(&v[pv], g->addr) : -1;
			cablemap_see(m, idx[i], f->port, peer, pport);
		}
	}
}

/* Whether the sighting is in c already. */
static bool seen_has(const struct node_cables *c, const struct node_sighting *g)
{
	for (size_t i = 0; i < c->nseen; i++)
		if (strcmp(c->seen[i].ifname, g->ifname) == 0 &&
		    strcmp(c->seen[i].host, g->host) == 0 && strcmp(c->seen[i].addr, g->addr) == 0)
			return true;
	return false;
}

void cluster_view_merge(struct cluster_view *into, const struct cluster_view *again)
{
	struct node_cables *c = &into->cables;
	const struct node_cables *a = &again->cables;
	struct node_cable_if before[NODE_MAX_CABLE_IFS];
	size_t nbefore = c->nifs;
	memcpy(before, c->ifs, sizeof(before));
	memcpy(c->ifs, a->ifs, sizeof(c->ifs));
	c->nifs = a->nifs;
	for (size_t i = 0; i < c->nifs; i++) { /* the addresses of either reading */
		struct node_cable_if *f = &c->ifs[i];
		for (size_t b = 0; b < nbefore; b++) {
			if (strcmp(before[b].ifname, f->ifname) != 0)
				continue;
			for (size_t k = 0; k < before[b].naddrs && f->naddrs < NODE_MAX_ADDRS;
			     k++) {
				bool has = false;
				for (size_t j = 0; j < f->naddrs; j++)
					has = has || strcmp(f->addrs[j], before[b].addrs[k]) == 0;
				if (!has)
					str_copy(f->addrs[f->naddrs++], before[b].addrs[k],
						 sizeof(f->addrs[0]));
			}
		}
	}
	for (size_t i = 0; i < a->nseen && c->nseen < NODE_MAX_SIGHTINGS; i++)
		if (!seen_has(c, &a->seen[i]))
			c->seen[c->nseen++] = a->seen[i];
	c->browsed = c->browsed || a->browsed;
}

size_t cluster_views_to_read_again(const struct cluster_view *v, size_t n, bool *again, char *what,
				   size_t size)
{
	struct cablemap *m = xcalloc(1, sizeof(*m));
	cluster_map_build(m, v, n);
	struct cablemap_port dark[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t ndark = cablemap_unanswered(m, dark, ARRAY_LEN(dark));
	if (ndark > ARRAY_LEN(dark))
		ndark = ARRAY_LEN(dark);
	struct cablemap_link l[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t nl = cablemap_links(m, l, ARRAY_LEN(l)), count = 0;
	if (nl > ARRAY_LEN(l))
		nl = ARRAY_LEN(l);
	if (size)
		what[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		again[i] = false;
		int node = v[i].name[0] ? cablemap_find(m, v[i].name) : -1;
		char one[160] = "";
		/* a cable seen reaching this node at an address its own reading did not have */
		for (size_t k = 0; k < nl && node >= 0 && v[i].cables.nifs; k++) {
			if (l[k].via_switch || l[k].b != node || l[k].pb >= 0)
				continue;
			again[i] = true;
			if (!one[0])
				snprintf(
					one, sizeof(one),
					"which port of %s the cable from %s p%d reaches is not known",
					v[i].name, m->nodes[l[k].a].name, l[k].pa);
		}
		for (size_t k = 0; k < ndark && node >= 0; k++) {
			if (dark[k].node != node)
				continue;
			again[i] = true;
			if (!one[0])
				snprintf(one, sizeof(one),
					 "nobody answered on %s p%d (%s) over mDNS", v[i].name,
					 dark[k].port, cablemap_port_ifname(m, node, dark[k].port));
		}
		if (again[i] && !count && size)
			str_copy(what, one, size);
		count += again[i];
	}
	free(m);
	return count;
}

void cluster_view_sightings(struct node_cables *c, const struct peers *peers, const struct model *m)
{
	c->browsed = peers->state == MDNS_RUNNING;
	for (size_t i = 0; i < peers->n; i++) {
		const struct peer *p = &peers->v[i];
		if (p->self || !p->host_ok)
			continue;
		for (size_t k = 0; k < p->naddrs && c->nseen < NODE_MAX_SIGHTINGS; k++) {
			const struct peer_addr *a = &p->addrs[k];
			if (peer_addr_port(m, a) < 0 || !peer_addr_live(m, a))
				continue;
			struct node_sighting *s = &c->seen[c->nseen++];
			str_copy(s->ifname, a->ifname, sizeof(s->ifname));
			str_copy(s->host, p->host, sizeof(s->host));
			size_t n = strlen(s->host);
			if (n > 6 && strcmp(s->host + n - 6, ".local") == 0)
				s->host[n - 6] = '\0';
			str_copy(s->addr, a->addr, sizeof(s->addr));
		}
	}
}

int cluster_view_read(struct node *node, struct cluster_view *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof(*out));
	int rc = node->ops->hostname(node, out->name, sizeof(out->name), err, errsize);
	if (rc < 0)
		return rc;
	if (!node->ops->cables) {
		snprintf(err, errsize, "%s cannot tell its cables", out->name);
		return -1;
	}
	return node->ops->cables(node, &out->cables, err, errsize);
}

/* check's lines split into problems and notes ("note: ..."). */
static void json_lines(struct json *j, const char *key, const char *text, bool notes)
{
	json_array_begin(j, key);
	const char *p = text;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool is_note = len >= 6 && strncmp(p, "note: ", 6) == 0;
		if (is_note == notes) {
			char line[512];
			text_clean(line, sizeof(line), is_note ? p + 6 : p, is_note ? len - 6 : len,
				   0);
			json_string(j, NULL, line);
		}
		p = nl ? nl + 1 : NULL;
	}
	json_array_end(j);
}

void cluster_map_json(const struct cablemap *m, enum topology want, struct buf *b)
{
	struct cablemap_link l[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t nl = cablemap_links(m, l, ARRAY_LEN(l));
	if (nl > ARRAY_LEN(l))
		nl = ARRAY_LEN(l);
	struct buf check;
	buf_init(&check);
	size_t problems = cablemap_check(m, want, &check);
	struct cablemap_port dark[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t ndark = cablemap_unanswered(m, dark, ARRAY_LEN(dark));
	if (ndark > ARRAY_LEN(dark))
		ndark = ARRAY_LEN(dark);
	struct json j;
	json_init(&j, b, true);
	json_object_begin(&j, NULL);
	json_string(&j, "topology", topology_name(cablemap_topology(m)));
	json_string(&j, "wanted", topology_name(want));
	json_array_begin(&j, "nodes");
	for (size_t a = 0; a < m->nnodes; a++) {
		json_object_begin(&j, NULL);
		json_int(&j, "number", (long long)a + 1);
		json_string(&j, "name", m->nodes[a].name);
		json_array_begin(&j, "ports");
		for (int p = 0; p < CABLEMAP_PORTS; p++) {
			json_object_begin(&j, NULL);
			json_string(&j, "port", p ? "p1" : "p0");
			char to[96] = "";
			for (size_t i = 0; i < nl; i++) {
				const struct cablemap_link *c = &l[i];
				if (c->via_switch && c->a == (int)a && c->pa == p)
					snprintf(to, sizeof(to), "switch %d", c->segment + 1);
				else if (!c->via_switch && c->a == (int)a && c->pa == p)
					snprintf(to, sizeof(to), "%s p%s", m->nodes[c->b].name,
						 c->pb >= 0 ? (c->pb ? "1" : "0") : "?");
				else if (!c->via_switch && c->b == (int)a && c->pb == p)
					snprintf(to, sizeof(to), "%s p%d", m->nodes[c->a].name,
						 c->pa);
			}
			json_string(&j, "to", to[0] ? to : NULL);
			bool unanswered = false;
			for (size_t k = 0; k < ndark; k++)
				unanswered = unanswered ||
					     (dark[k].node == (int)a && dark[k].port == p);
			json_bool(&j, "unanswered", unanswered);
			const char *outside = m->nodes[a].outside[p];
			json_string(&j, "outside", outside[0] ? outside : NULL);
			json_array_begin(&j, "twins");
			for (int w = 0; w < CABLEMAP_TWINS; w++) {
				const struct cablemap_twin *t = &m->nodes[a].twin[p][w];
				json_object_begin(&j, NULL);
				json_string(&j, "ifname", t->ifname[0] ? t->ifname : NULL);
				json_bool(&j, "up", t->up);
				json_int(&j, "speed_mbps", t->speed_mbps);
				json_object_end(&j);
			}
			json_array_end(&j);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "links");
	for (size_t i = 0; i < nl; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "a", m->nodes[l[i].a].name);
		json_int(&j, "a_port", l[i].pa);
		if (l[i].via_switch) {
			json_int(&j, "switch", l[i].segment + 1);
		} else {
			json_string(&j, "b", m->nodes[l[i].b].name);
			if (l[i].pb >= 0)
				json_int(&j, "b_port", l[i].pb);
			else
				json_null(&j, "b_port");
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_int(&j, "problem_count", (long long)problems);
	json_lines(&j, "problems", check.data ? check.data : "", false);
	json_lines(&j, "notes", check.data ? check.data : "", true);
	json_object_end(&j);
	buf_free(&check);
}
