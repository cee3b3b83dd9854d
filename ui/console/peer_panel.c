/* peer_panel.c: drawing the peers panel. */
#include "ui/console/peer_panel.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

size_t peer_panel_count(const struct peers *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		n += !p->v[i].self;
	return n;
}

const struct peer *peer_panel_get(const struct peers *p, size_t index)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].self)
			continue;
		if (index-- == 0)
			return &p->v[i];
	}
	return NULL;
}

static void where_text(const struct model *m, const struct peer_addr *a, char *out, size_t size)
{
	int port = peer_addr_port(m, a);
	if (port >= 0)
		snprintf(out, size, "port %d", port);
	else
		str_copy(out, "LAN", size);
}

/* The cables between this node and the peer named name, from the map: "p0 -> its p1, p1 -> its ?". */
static void cable_words(const struct peer_panel_cluster *pc, const char *name, char *out,
			size_t size)
{
	out[0] = '\0';
	int me = cablemap_find(pc->map, pc->self), him = cablemap_find(pc->map, name);
	if (me < 0 || him < 0)
		return;
	struct cablemap_link l[CLUSTER_MAX_NODES * CABLEMAP_PORTS];
	size_t nl = cablemap_links(pc->map, l, ARRAY_LEN(l));
	for (size_t i = 0; i < nl && i < ARRAY_LEN(l); i++) {
		int mine = -1, his = -1;
		if (l[i].via_switch)
			continue;
		if (l[i].a == me && l[i].b == him)
			mine = l[i].pa, his = l[i].pb;
		else if (l[i].b == me && l[i].a == him)
			mine = l[i].pb, his = l[i].pa;
		if (mine < 0)
			continue;
		size_t len = strlen(out);
		char hp[16] = "?";
		if (his >= 0)
			snprintf(hp, sizeof(hp), "p%d", his);
		snprintf(out + len, size - len, "%sp%d -> its %s", len ? ", " : "", mine, hp);
	}
}

int peer_panel_rows(const struct model *m, const struct peers *p)
{
	size_t n = peer_panel_count(p);
	int need = 2;
	for (size_t i = 0; i < n; i++)
		need += 1 + (int)peer_live_addrs(m, peer_panel_get(p, i));
	if (p->state == MDNS_RUNNING && p->self == MDNS_SELF_STALLED)
		need += 3; /* the warning, wrapped */
	return need < 5 ? 5 : need;
}

int peer_panel_draw(const struct screen *s, const struct model *m, const struct peers *p,
		    const struct peer_panel_cluster *pc, size_t selected, bool focused,
		    peer_status_fn *ssh_status, void *arg, int y, int x, int h, int w, int *rows,
		    size_t max)
{
	for (size_t i = 0; i < max; i++)
		rows[i] = -1;
	if (h < 3)
		return 0;
	size_t n = peer_panel_count(p);
	int need = peer_panel_rows(m, p);
	int ph = need < h ? need : h;
	char title[160];
	bool cluster = pc && pc->cl && pc->cl->n;
	if (cluster)
		snprintf(title, sizeof(title), "Cluster: %zu nodes, %s %s%s  (Space marks, t)",
			 pc->cl->n + 1,
			 topology_name(pc->cl->want != TOPOLOGY_NONE ? pc->cl->want
								     : cablemap_topology(pc->map)),
			 pc->cl->want != TOPOLOGY_NONE ? "chosen" : "detected",
			 focused ? " [focus]" : "");
	else
		snprintf(title, sizeof(title), "Peers (%zu)%s", n, focused ? " [focus]" : "");
	screen_box(s, y, x, ph, w, focused ? ROLE_HEADER : ROLE_FRAME, title);
	int ry = y + 1, last = y + ph - 1;
	if (p->state != MDNS_RUNNING) {
		ry += screen_text_wrap(s, ry, x + 2, w - 4, last - ry, ROLE_WARN, p->state_text);
	} else if (p->self == MDNS_SELF_STALLED) {
		ry += screen_text_wrap(s, ry, x + 2, w - 4, last - ry, ROLE_WARN, p->self_text);
	}
	if (p->state == MDNS_RUNNING && n == 0 && ry < last) {
		screen_text(s, ry++, x + 2, w - 4, ROLE_DIM,
			    "No other Spark seen yet (mDNS _ssh._tcp).");
	}
	for (size_t i = 0; i < n && ry < last; i++) {
		const struct peer *pe = peer_panel_get(p, i);
		bool sel = i == selected;
		bool cable = false;
		for (size_t k = 0; k < pe->naddrs; k++)
			cable |= peer_addr_live(m, &pe->addrs[k]) &&
				 peer_addr_port(m, &pe->addrs[k]) >= 0;
		char line[480], cables[160] = "";
		int member = pc && pc->cl ? cluster_state_find(pc->cl, pe->host) : -1;
		if (member >= 0)
			cable_words(pc, pc->cl->members[member].name, cables, sizeof(cables));
		snprintf(line, sizeof(line), "%s %s %s  (%s%s%s; %s)", sel ? ">" : " ",
			 member >= 0 ? "[x]" : "[ ]", pe->host,
			 !peer_live_addrs(m, pe) ? "not reachable now"
			 : cable		 ? "on a cable"
						 : "LAN only",
			 cables[0] ? ": " : "", cables,
			 ssh_status ? ssh_status(pe, arg) : "not paired");
		if (sel)
			screen_fill(s, ry, x + 1, 1, w - 2, focused ? ROLE_SELECT : ROLE_NORMAL);
		if (i < max)
			rows[i] = ry;
		screen_text(s, ry++, x + 1, w - 2, sel && focused ? ROLE_SELECT : ROLE_HEADER,
			    line);
		for (size_t k = 0; k < pe->naddrs && ry < last; k++) {
			const struct peer_addr *a = &pe->addrs[k];
			if (!peer_addr_live(m, a))
				continue; /* a record avahi keeps on a link without carrier */
			char where[24];
			where_text(m, a, where, sizeof(where));
			snprintf(line, sizeof(line), "  %-7s %-13s %s", where, a->ifname, a->addr);
			screen_text(s, ry++, x + 1, w - 2, ROLE_NORMAL, line);
		}
	}
	return ph;
}
