/* peer_dialog.c: the peer choice: its selection kept within the list, its drawing. */
#include "ui/console/peer_dialog.h"
#include "core/base/util.h"

#include <stdio.h>
#include <string.h>

void peer_dialog_update(struct peer_dialog *d, const struct peers *p)
{
	size_t n = peer_panel_count(p);
	if (d->sel >= n)
		d->sel = n ? n - 1 : 0;
}

void peer_dialog_draw(const struct screen *s, const struct peer_dialog *d, const struct model *m,
		      const struct peers *p, peer_status_fn *ssh_status, void *arg, int *rows,
		      size_t max)
{
	size_t n = peer_panel_count(p);
	for (size_t i = 0; i < max; i++)
		rows[i] = -1;
	int w = s->cols - 8 > 90 ? 90 : s->cols - 8, h = s->rows - 6 > 22 ? 22 : s->rows - 6;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, "Choose the peer (Esc cancels)");
	int ry = y + 2, last = y + h - 2;
	if (d->why[0])
		ry += screen_text_wrap(s, ry, x + 2, iw, 3, ROLE_DIM, d->why) + 1;
	if (p->state != MDNS_RUNNING)
		ry += screen_text_wrap(s, ry, x + 2, iw, 2, ROLE_WARN, p->state_text);
	else if (!n)
		ry += screen_text_wrap(
			s, ry, x + 2, iw, 3, ROLE_WARN,
			"No other Spark is seen yet (mDNS _ssh._tcp): plug the cable in, "
			"make sure the other Spark is on with avahi-daemon running; it "
			"appears here by itself.");
	for (size_t i = 0; i < n && ry < last - 1; i++) {
		const struct peer *pe = peer_panel_get(p, i);
		bool cable = false;
		for (size_t k = 0; k < pe->naddrs; k++)
			cable |= peer_addr_on_up_port(m, &pe->addrs[k]);
		char t[400];
		snprintf(t, sizeof(t), "%s %s  (%s; %s)", i == d->sel ? ">" : " ", pe->host,
			 !peer_live_addrs(m, pe) ? "not reachable now"
			 : cable		 ? "on a cable"
						 : "LAN only",
			 ssh_status ? ssh_status(pe, arg) : "");
		if (i < max)
			rows[i] = ry;
		if (i == d->sel)
			screen_fill(s, ry, x + 1, 1, w - 2, ROLE_SELECT);
		screen_text(s, ry++, x + 2, iw, i == d->sel ? ROLE_SELECT : ROLE_NORMAL, t);
	}
	screen_text(s, last, x + 2, iw, ROLE_HEADER,
		    n ? "Up/Down: move   Enter: choose this peer   Esc: cancel" : "Esc: close");
}
