/* cluster_state.c: the cluster formed in the console, its cable map and that map in words
 * (cluster_state.h). */
#include "core/guide/cluster_state.h"
#include "core/base/text.h"
#include "core/node/node_local.h"
#include "core/jobs/cluster_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cluster_state_init(struct cluster_state *s)
{
	memset(s, 0, sizeof(*s));
}

int cluster_state_find(const struct cluster_state *s, const char *host)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->members[i].host, host) == 0)
			return (int)i;
	return -1;
}

int cluster_state_toggle(struct cluster_state *s, const char *host)
{
	int i = cluster_state_find(s, host);
	s->generation++;
	if (i >= 0) {
		memmove(&s->members[i], &s->members[i + 1],
			sizeof(s->members[0]) * (s->n - (size_t)i - 1));
		s->n--;
		return 0;
	}
	char name[64];
	str_copy(name, host, sizeof(name));
	size_t len = strlen(name);
	if (len > 6 && strcmp(name + len - 6, ".local") == 0)
		name[len - 6] = '\0';
	if (s->n >= CLUSTER_MAX_MEMBERS || !text_is_hostname(name) || strlen(host) >= 256)
		return -1;
	struct cluster_member *m = &s->members[s->n++];
	memset(m, 0, sizeof(*m));
	str_copy(m->host, host, sizeof(m->host));
	str_copy(m->name, name, sizeof(m->name));
	return 1;
}

void cluster_state_learn(struct cluster_state *s, const char *host, const struct node_cables *c,
			 const char *error)
{
	int i = cluster_state_find(s, host);
	if (i < 0)
		return;
	struct cluster_member *m = &s->members[i];
	s->generation++;
	if (c) {
		m->cables = *c;
		m->read = true;
		m->error[0] = '\0';
		return;
	}
	text_clean(m->error, sizeof(m->error), error ? error : "", error ? strlen(error) : 0, 0);
}

void cluster_state_next_topology(struct cluster_state *s)
{
	switch (s->want) {
	case TOPOLOGY_NONE: s->want = TOPOLOGY_DIRECT; break;
	case TOPOLOGY_DIRECT: s->want = TOPOLOGY_RING; break;
	case TOPOLOGY_RING: s->want = TOPOLOGY_SWITCH; break;
	default: s->want = TOPOLOGY_NONE; break;
	}
	s->generation++;
}

void cluster_state_map(const struct cluster_state *s, const char *self, const struct model *m,
		       const struct peers *peers, struct cablemap *out)
{
	struct cluster_view *v = xcalloc(CLUSTER_MAX_NODES, sizeof(*v));
	str_copy(v[0].name, self, sizeof(v[0].name));
	node_local_cables_model(m, &v[0].cables);
	cluster_view_sightings(&v[0].cables, peers, m);
	size_t n = 1;
	for (size_t i = 0; i < s->n && n < CLUSTER_MAX_NODES; i++, n++) {
		str_copy(v[n].name, s->members[i].name, sizeof(v[n].name));
		if (s->members[i].read)
			v[n].cables = s->members[i].cables;
	}
	cluster_map_build(out, v, n);
	free(v);
	cablemap_number(out, s->want != TOPOLOGY_NONE ? s->want : cablemap_topology(out));
}

static bool all_read(const struct cluster_state *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->members[i].read)
			return false;
	return true;
}

enum topology cluster_state_check_as(const struct cluster_state *s, const struct cablemap *map)
{
	if (!all_read(s))
		return TOPOLOGY_OTHER; /* the cables each end is known of, no more */
	if (s->want != TOPOLOGY_NONE)
		return s->want;
	enum topology have = cablemap_topology(map);
	if (have != TOPOLOGY_OTHER)
		return have;
	/* cables that make nothing: what is missing for the nearest topology */
	struct cablemap_link l[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t nl = cablemap_links(map, l, ARRAY_LEN(l));
	for (size_t i = 0; i < nl && i < ARRAY_LEN(l); i++)
		if (l[i].via_switch)
			return TOPOLOGY_SWITCH;
	return map->nnodes == 2 ? TOPOLOGY_DIRECT : TOPOLOGY_RING;
}

static const struct cluster_member *member_named(const struct cluster_state *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->members[i].name, name) == 0)
			return &s->members[i];
	return NULL;
}

/* "enp1s0f0np0 Up 200G", "enP2p1s0f0np0 Down", "enp1s0f0np0 Up 100G (below 200G)" */
static void twin_words(const struct cablemap_twin *t, char *out, size_t size)
{
	char sp[48] = "";
	if (t->up && t->speed_mbps)
		snprintf(sp, sizeof(sp), " %uG%s", t->speed_mbps / 1000,
			 t->speed_mbps < CABLEMAP_FULL_SPEED ? " (below 200G)" : "");
	snprintf(out, size, "%s %s%s", t->ifname, t->up ? "Up" : "Down", sp);
}

static void port_line(const struct cluster_state *s, const struct cablemap *map,
		      const struct cablemap_link *l, size_t nl, int node, int port, struct buf *out)
{
	const struct cablemap_twin *t = map->nodes[node].twin[port];
	if (!t[0].ifname[0] && !t[1].ifname[0])
		return;
	char tw[2][96] = { "", "" };
	for (int w = 0; w < CABLEMAP_TWINS; w++)
		if (t[w].ifname[0])
			twin_words(&t[w], tw[w], sizeof(tw[w]));
	char where[200] = "";
	for (size_t i = 0; i < nl; i++) {
		const struct cablemap_link *c = &l[i];
		int far = -1, fport = -1;
		if (c->via_switch && c->a == node && c->pa == port) {
			snprintf(where, sizeof(where), "switch %d", c->segment + 1);
			continue;
		}
		if (c->via_switch)
			continue;
		if (c->a == node && c->pa == port)
			far = c->b, fport = c->pb;
		else if (c->b == node && c->pb == port)
			far = c->a, fport = c->pa;
		if (far < 0)
			continue;
		const char *fname = map->nodes[far].name;
		const struct cluster_member *fm = member_named(s, fname);
		if (fport >= 0)
			snprintf(where, sizeof(where), "%s p%d", fname, fport);
		else if (fm && !fm->read)
			snprintf(where, sizeof(where),
				 "%s, its port known once paired (read over SSH)", fname);
		else
			snprintf(where, sizeof(where), "%s, its port not known", fname);
	}
	const char *outside = map->nodes[node].outside[port];
	if (!where[0] && (t[0].up || t[1].up) && outside[0])
		snprintf(where, sizeof(where), "%s, not in the cluster", outside);
	else if (!where[0])
		str_copy(where, t[0].up || t[1].up ? "nobody answers on it (mDNS)" : "no cable",
			 sizeof(where));
	buf_printf(out, "  p%d  %-30s %-30s -> %s\n", port, tw[0], tw[1], where);
}

size_t cluster_state_describe(const struct cluster_state *s, const struct cablemap *map,
			      const char *self, struct buf *out)
{
	struct cablemap_link l[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t nl = cablemap_links(map, l, ARRAY_LEN(l));
	if (nl > ARRAY_LEN(l))
		nl = ARRAY_LEN(l);
	for (size_t a = 0; a < map->nnodes; a++) {
		const char *name = map->nodes[a].name;
		const struct cluster_member *m = member_named(s, name);
		if (strcmp(name, self) == 0)
			buf_printf(out, "%s (this node)\n", name);
		else if (m && !m->read && m->error[0])
			buf_printf(out, "%s: its cables could not be read: %s\n", name, m->error);
		else if (m && !m->read)
			buf_printf(out, "%s: its cables are read over SSH once it is paired\n",
				   name);
		else
			buf_printf(out, "%s\n", name);
		for (int p = 0; p < CABLEMAP_PORTS; p++)
			port_line(s, map, l, nl, (int)a, p, out);
	}
	enum topology have = cablemap_topology(map), as = cluster_state_check_as(s, map);
	if (s->want != TOPOLOGY_NONE)
		buf_printf(out, "Topology: %s (chosen; the cables make: %s)\n",
			   topology_name(s->want), topology_name(have));
	else
		buf_printf(out, "Topology: %s (as the cables make it)\n", topology_name(have));
	struct buf check;
	buf_init(&check);
	size_t problems = cablemap_check(map, as, &check);
	if (check.len)
		buf_add(out, check.data, check.len);
	if (!problems && as != TOPOLOGY_OTHER)
		buf_printf(out, "The cables match the %s topology.\n", topology_name(as));
	buf_free(&check);
	return problems;
}
