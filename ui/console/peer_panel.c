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

int peer_panel_rows(const struct model *m, const struct peers *p)
{
	size_t n = peer_panel_count(p);
	int need = 2;
	for (size_t i = 0; i < n; i++)
		need += 1 + (int)peer_live_addrs(m, peer_panel_get(p, i));
	return need < 5 ? 5 : need;
}

int peer_panel_draw(const struct screen *s, const struct model *m, const struct peers *p,
		    size_t selected, bool focused, peer_status_fn *ssh_status, void *arg, int y,
		    int x, int h, int w, int *rows, size_t max)
{
	for (size_t i = 0; i < max; i++)
		rows[i] = -1;
	if (h < 3)
		return 0;
	size_t n = peer_panel_count(p);
	int need = peer_panel_rows(m, p);
	int ph = need < h ? need : h;
	char title[64];
	snprintf(title, sizeof(title), "Peers (%zu)%s", n, focused ? " [focus]" : "");
	screen_box(s, y, x, ph, w, focused ? ROLE_HEADER : ROLE_FRAME, title);
	int ry = y + 1, last = y + ph - 1;
	if (p->state != MDNS_RUNNING) {
		ry += screen_text_wrap(s, ry, x + 2, w - 4, last - ry, ROLE_WARN, p->state_text);
	} else if (n == 0) {
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
		char line[320];
		snprintf(line, sizeof(line), "%s %s  (%s; %s)", sel ? ">" : " ", pe->host,
			 !peer_live_addrs(m, pe) ? "not reachable now"
			 : cable		 ? "on a cable"
						 : "LAN only",
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
