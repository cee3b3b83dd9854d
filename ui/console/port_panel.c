/* port_panel.c: drawing the port panels, other interfaces and findings. */
#include "ui/console/port_panel.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void speed_text(const struct netdev *d, char *out, size_t size)
{
	if (!d || !d->carrier || d->speed_mbps <= 0)
		str_copy(out, "-", size);
	else { /* made per frame: not with snprintf */
		char n[24];
		bool gb = d->speed_mbps % 1000 == 0;
		str_ulong(n, sizeof(n), (unsigned long)(gb ? d->speed_mbps / 1000 : d->speed_mbps));
		str_join(out, size, n, gb ? " Gb/s" : " Mb/s", NULL);
	}
}

/* IPv4 addresses first, then IPv6; as many as fit, then "+N". The first one is always shown
 * (clipped by the caller if it must be). IPv6 link-local is always /64: shown without it. */
static void addr_text(const struct netdev *d, char *out, size_t size, int maxw)
{
	out[0] = '\0';
	if (!d)
		return;
	size_t shown = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < d->naddrs; i++) {
			const struct netdev_addr *a = &d->addrs[i];
			if ((pass == 0) != (a->family == AF_INET))
				continue;
			char one[64], plen[16] = "";
			if (!(a->family == AF_INET6 && a->link_local)) {
				plen[0] = '/';
				str_ulong(plen + 1, sizeof(plen) - 1, a->prefixlen);
			}
			str_join(one, sizeof(one), out[0] ? " " : "", a->text, plen, NULL);
			if (shown && (int)(strlen(out) + strlen(one)) > maxw - 4) {
				char more[16];
				snprintf(more, sizeof(more), " +%zu", d->naddrs - shown);
				if (strlen(out) + strlen(more) < size)
					strcat(out, more);
				return;
			}
			if (strlen(out) + strlen(one) < size)
				strcat(out, one);
			shown++;
		}
	}
	if (!d->naddrs)
		str_copy(out, "no address", size);
}

static const char *link_word(const struct netdev *d)
{
	if (!d)
		return "absent";
	if (d->carrier)
		return "Up";
	if (!d->admin_up)
		return "Down (admin)";
	return "Down";
}

static enum role link_role(const struct netdev *d)
{
	return d && d->carrier ? ROLE_GOOD : d ? ROLE_BAD : ROLE_DIM;
}

/* Columns of a netdev row: RDMA device, netdev, link, speed, MTU, addresses. */
static void row(const struct screen *s, int y, int x, int w, const char *ibdev, const char *name,
		const struct netdev *d)
{
	char speed[24], mtu[16], addrs[512];
	speed_text(d, speed, sizeof(speed));
	if (d && d->mtu)
		str_ulong(mtu, sizeof(mtu), d->mtu);
	else
		str_copy(mtu, "-", sizeof(mtu));
	int cx = x;
	screen_text(s, y, cx, 14, ROLE_NORMAL, ibdev);
	cx += 15;
	screen_text(s, y, cx, 15, ROLE_NORMAL, name[0] ? name : "(none)");
	cx += 16;
	screen_text(s, y, cx, 12, link_role(d), link_word(d));
	cx += 13;
	screen_text(s, y, cx, 9, ROLE_NORMAL, speed);
	cx += 10;
	screen_text(s, y, cx, 5, ROLE_NORMAL, mtu);
	cx += 6;
	int aw = x + w - cx;
	addr_text(d, addrs, sizeof(addrs), aw);
	screen_text(s, y, cx, aw, d && d->naddrs ? ROLE_NORMAL : ROLE_DIM, addrs);
}

static void header(const struct screen *s, int y, int x, int w, const char *first)
{
	screen_text(s, y, x, 14, ROLE_DIM, first);
	screen_text(s, y, x + 15, 15, ROLE_DIM, "netdev");
	screen_text(s, y, x + 31, 12, ROLE_DIM, "link");
	screen_text(s, y, x + 44, 9, ROLE_DIM, "speed");
	screen_text(s, y, x + 54, 5, ROLE_DIM, "MTU");
	screen_text(s, y, x + 60, w - 60, ROLE_DIM, "addresses");
}

/* NetworkManager on one twin, in words: "NM: Wired connection 1 (activated)", "NM: unmanaged",
 * "NM: no profile (unavailable)"; "" when this node's renderer is not NetworkManager. */
static enum role nm_text(const struct model *m, const char *ifname, char *out, size_t size)
{
	out[0] = '\0';
	const struct nm_port *np = nm_view_port(&m->nm, ifname);
	if (m->nm.node.renderer != NM_RENDERER_NM || !np)
		return ROLE_DIM;
	if (!np->known || !np->managed) {
		snprintf(out, size, "NM: unmanaged");
		return ROLE_DIM;
	}
	if (np->profile[0])
		snprintf(out, size, "NM: %s (%s)", np->profile, nm_state_short(np->state));
	else
		snprintf(out, size, "NM: no profile (%s)", nm_state_short(np->state));
	return np->state == 100 ? ROLE_NORMAL : np->state == 120 ? ROLE_BAD : ROLE_DIM;
}

/* ---- keys: everything a panel shows, as bytes (screen_memo_replay) ---- */

static void key_int(struct buf *k, long v)
{
	buf_add(k, (const char *)&v, sizeof(v));
}

static void key_str(struct buf *k, const char *str)
{
	buf_add(k, str, strlen(str) + 1);
}

/* what row() shows of a netdev */
static void key_netdev(struct buf *k, const struct netdev *d)
{
	key_int(k, d != NULL);
	if (!d)
		return;
	key_str(k, d->name);
	key_int(k, d->carrier | d->admin_up << 1);
	key_int(k, d->speed_mbps);
	key_int(k, d->mtu);
	key_int(k, (long)d->naddrs);
	for (size_t i = 0; i < d->naddrs; i++) {
		key_int(k, d->addrs[i].family | d->addrs[i].link_local << 8);
		key_int(k, d->addrs[i].prefixlen);
		key_str(k, d->addrs[i].text);
	}
}

/* what one port's panel shows of the model */
static void port_key(const struct model *m, const struct phys_port *pp, struct buf *k)
{
	key_int(k, m->nm.node.renderer);
	key_int(k, pp->number);
	key_int(k, pp->cabled);
	key_int(k, (long)pp->ntwins);
	for (size_t t = 0; t < pp->ntwins; t++) {
		const struct twin *tw = &pp->twins[t];
		key_str(k, tw->rdma->ibdev);
		key_str(k, tw->netdev_name);
		key_netdev(k, tw->netdev);
		const struct nm_port *np = nm_view_port(&m->nm, tw->netdev_name);
		key_int(k, np != NULL);
		if (np) {
			key_int(k, np->known | np->managed << 1);
			key_int(k, np->state);
			key_str(k, np->profile);
		}
	}
}

void findings_panel_key(const struct model *m, struct buf *k)
{
	key_int(k, (long)m->nfindings);
	for (size_t i = 0; i < m->nfindings; i++) {
		key_int(k, m->findings[i].level);
		key_str(k, m->findings[i].text);
		key_str(k, m->findings[i].fix);
	}
}

static int port_draw(const struct screen *s, const struct model *m, const struct phys_port *pp,
		     int y, int x, int bottom, int w, int hd, int per, bool nm_rows);

int port_panel_draw(const struct screen *s, const struct model *m, int y, int x, int h, int w,
		    bool all_headers, bool nm_rows)
{
	bool nm = m->nm.node.renderer == NM_RENDERER_NM;
	int y0 = y, bottom = y + h;
	if (m->nports == 0 && y + 3 <= bottom) {
		screen_box(s, y, x, 3, w, ROLE_FRAME, "ConnectX ports");
		const char *why = m->rdma.no_class ? "No RDMA devices on this machine"
						   : "No RDMA ports found";
		char line[256];
		snprintf(line, sizeof(line), "%s%s", why,
			 m->rdma.verbs_errno == ENOSYS ? " (libibverbs: no RDMA stack)." : ".");
		screen_text(s, y + 1, x + 2, w - 4, ROLE_WARN, line);
		y += 3;
	}
	for (size_t k = 0; k < m->nports && y + 3 <= bottom; k++) {
		const struct phys_port *pp = &m->ports[k];
		int hd = k == 0 || all_headers ? 1 : 0;
		int per = nm && nm_rows ? 2 : 1; /* a twin's row, and NetworkManager's under it */
		/* each port a part of the frame of its own: drawn again only when it changed */
		int id = PORT_PANEL_MEMO_PORTS + (int)k, ph;
		struct buf *key =
			screen_memo_key(y, x, bottom - y, w, hd | per << 1 | nm_rows << 3);
		port_key(m, pp, key);
		if (k < PORT_PANEL_MEMO_NPORTS &&
		    screen_memo_replay(s, id, key->data, key->len, &ph, sizeof(ph))) {
			y += ph;
			continue;
		}
		ph = port_draw(s, m, pp, y, x, bottom, w, hd, per, nm_rows);
		if (k < PORT_PANEL_MEMO_NPORTS)
			screen_memo_keep(s, id, &ph, sizeof(ph));
		y += ph;
	}
	return y - y0;
}

/* One port's panel at y (rows up to bottom); returns its rows. */
static int port_draw(const struct screen *s, const struct model *m, const struct phys_port *pp,
		     int y, int x, int bottom, int w, int hd, int per, bool nm_rows)
{
	bool nm = m->nm.node.renderer == NM_RENDERER_NM;
	char title[128];
	int ph = 2 + hd + per * (int)pp->ntwins;
	int tl = snprintf(title, sizeof(title), "Port %d: %s", pp->number,
			  pp->cabled ? "cable seen" : "no cable");
	/* no room for a row each: NetworkManager's profiles in the title */
	for (size_t t = 0; nm && !nm_rows && t < pp->ntwins && tl < (int)sizeof(title); t++) {
		char one[160];
		nm_text(m, pp->twins[t].netdev_name, one, sizeof(one));
		tl += snprintf(title + tl, sizeof(title) - (size_t)tl, "%s%s", t ? ", " : " | ",
			       t ? one + 4 : one);
	}
	screen_box(s, y, x, ph, w, ROLE_FRAME, title);
	if (hd)
		header(s, y + 1, x + 2, w - 4, "RDMA device");
	for (size_t t = 0; t < pp->ntwins; t++) {
		const struct twin *tw = &pp->twins[t];
		int ty = y + 1 + hd + per * (int)t;
		if (ty >= bottom)
			break;
		row(s, ty, x + 2, w - 4, tw->rdma->ibdev, tw->netdev_name, tw->netdev);
		if (per == 2 && ty + 1 < bottom) {
			char line[160];
			enum role r = nm_text(m, tw->netdev_name, line, sizeof(line));
			screen_text(s, ty + 1, x + 2 + 15, w - 4 - 15, r, line);
		}
	}
	return ph;
}

int iface_panel_draw(const struct screen *s, const struct model *m, int y, int x, int h, int w)
{
	if (h < 3 || !m->nothers)
		return 0;
	int oh = 3 + (int)m->nothers;
	if (oh > h)
		oh = h;
	/* the box, then each row, parts of the frame of their own: a netdev that changed is
	 * its row drawn again */
	struct buf *key = screen_memo_key(y, x, oh, w, 0);
	if (!screen_memo_replay(s, PORT_PANEL_MEMO_BOX, key->data, key->len, NULL, 0)) {
		screen_box(s, y, x, oh, w, ROLE_FRAME, "Other interfaces");
		header(s, y + 1, x + 2, w - 4, "");
		screen_memo_keep(s, PORT_PANEL_MEMO_BOX, NULL, 0);
	}
	size_t fit = (size_t)(oh - 3);
	for (size_t i = 0; i < m->nothers && i < fit; i++) {
		const struct netdev *d = &m->netdevs[m->others[i]];
		bool more = i + 1 == fit && m->nothers > fit;
		int id = PORT_PANEL_MEMO_ROWS + (int)i, ry = y + 2 + (int)i;
		key = screen_memo_key(ry, x, 1, w, more ? (int)(m->nothers - i) : -1);
		if (!more)
			key_netdev(key, d);
		if (i < PORT_PANEL_MEMO_NROWS &&
		    screen_memo_replay(s, id, key->data, key->len, NULL, 0))
			continue;
		if (more) {
			char text[64];
			snprintf(text, sizeof(text), "... %zu more", m->nothers - i);
			screen_text(s, ry, x + 2, w - 4, ROLE_DIM, text);
		} else {
			row(s, ry, x + 2, w - 4, "", d->name, d);
		}
		if (i < PORT_PANEL_MEMO_NROWS)
			screen_memo_keep(s, id, NULL, 0);
		if (more)
			break;
	}
	return oh;
}

int iface_panel_rows(const struct model *m)
{
	return m->nothers ? 3 + (int)m->nothers : 0;
}

static void finding_lines(const struct finding *f, char *line, size_t lsize, char *fix,
			  size_t fsize)
{
	str_join(line, lsize,
		 f->level == FINDING_ERROR  ? "PROBLEM"
		 : f->level == FINDING_WARN ? "WARNING"
					    : "NOTE",
		 ": ", f->text, NULL);
	str_join(fix, fsize, "Fix: ", f->fix, NULL);
}

int findings_panel_rows(const struct model *m, int w)
{
	if (!m->nfindings)
		return 3;
	/* asked by the layout and by the drawing, every frame: found again only when the
	 * findings or the width changed */
	static struct buf last, now;
	static int last_w = -1, last_n;
	now.len = 0;
	findings_panel_key(m, &now);
	if (w == last_w && now.len == last.len && memcmp(now.data, last.data, now.len) == 0)
		return last_n;
	int n = 2;
	for (size_t i = 0; i < m->nfindings; i++) {
		char line[400], fix[400];
		finding_lines(&m->findings[i], line, sizeof(line), fix, sizeof(fix));
		n += screen_wrap_rows(line, w - 4) + screen_wrap_rows(fix, w - 6);
	}
	struct buf t = last;
	last = now;
	now = t;
	last_w = w;
	last_n = n;
	return n;
}

int findings_panel_draw(const struct screen *s, const struct model *m, int y, int x, int h, int w)
{
	if (h < 3)
		return 0;
	int fh = findings_panel_rows(m, w);
	if (fh > h)
		fh = h;
	screen_box(s, y, x, fh, w, ROLE_FRAME, "Findings");
	int fy = y + 1;
	if (!m->nfindings)
		screen_text(s, fy, x + 2, w - 4, ROLE_GOOD, "OK: nothing to report.");
	/* the worst first: what does not fit is the least of it */
	for (size_t k = 0; k < 3 * m->nfindings && fy < y + fh - 1; k++) {
		const struct finding *f = &m->findings[k % m->nfindings];
		if ((int)f->level != FINDING_ERROR - (int)(k / m->nfindings))
			continue;
		char line[400], fix[400];
		finding_lines(f, line, sizeof(line), fix, sizeof(fix));
		fy += screen_text_wrap(s, fy, x + 2, w - 4, y + fh - 1 - fy,
				       f->level == FINDING_ERROR  ? ROLE_BAD
				       : f->level == FINDING_WARN ? ROLE_WARN
								  : ROLE_NORMAL,
				       line);
		if (fy < y + fh - 1)
			fy += screen_text_wrap(s, fy, x + 4, w - 6, y + fh - 1 - fy, ROLE_DIM, fix);
	}
	return fh;
}
