/* layout.c: the main screen for the terminal's size: the title, where each panel goes (two
 * columns from 134 columns, else one that shrinks what does not fit), the status line, the F-key
 * bar, and the open dialog on top. Drawing only: the steps, the log and the selection are
 * computed after the loop's turn (guide.c); what it records is where each clickable thing
 * landed (the hits, for the mouse). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "core/base/util.h"
#include "ui/console/console_shared.h"
#include "ui/console/help.h"
#include "ui/console/peer_panel.h"
#include "ui/console/port_panel.h"
#include "ui/console/step_panel.h"
#include "sparklink_version.h" /* SPARKLINK_VERSION, made by cmake/version.cmake */

#include <curses.h>
#include <stdio.h>
#include <string.h>

/* The parts a frame keeps for the next (screen_memo_replay): drawn again only when what they
 * show changed; a twin going down leaves the steps, the F-key bar and, when only another
 * interface changed, the ports and the findings as they were. */
enum { MEMO_FINDINGS, MEMO_STEPS, MEMO_KEYS, MEMO_STATUS }; /* port_panel.h's from 8 */

static void findings_draw(struct console *c, int y, int x, int h, int w)
{
	int used;
	struct buf *key = screen_memo_key(y, x, h, w, 0);
	findings_panel_key(&c->model, key);
	if (!screen_memo_replay(&c->scr, MEMO_FINDINGS, key->data, key->len, &used, sizeof(used))) {
		used = findings_panel_draw(&c->scr, &c->model, y, x, h, w);
		screen_memo_keep(&c->scr, MEMO_FINDINGS, &used, sizeof(used));
	}
}

/* the steps and where each landed (for the mouse) */
struct steps_drawn {
	int used, rows[STEP_COUNT], cols[STEP_COUNT], widths[STEP_COUNT];
};

static int steps_draw(struct console *c, int y, int x, int h, int w, int rows[STEP_COUNT],
		      int cols[STEP_COUNT], int widths[STEP_COUNT])
{
	struct steps_drawn d;
	h = step_panel_fit(c->steps, h, w);
	struct buf *key =
		screen_memo_key(y, x, h, w, c->step_sel | (c->focus == FOCUS_STEPS) << 16);
	step_panel_key(c->steps, c->step_sel, h, w, key);
	if (!screen_memo_replay(&c->scr, MEMO_STEPS, key->data, key->len, &d, sizeof(d))) {
		d.used = step_panel_draw(&c->scr, c->steps, c->step_sel, c->focus == FOCUS_STEPS, y,
					 x, h, w, d.rows, d.cols, d.widths);
		screen_memo_keep(&c->scr, MEMO_STEPS, &d, sizeof(d));
	}
	memcpy(rows, d.rows, sizeof(d.rows));
	memcpy(cols, d.cols, sizeof(d.cols));
	memcpy(widths, d.widths, sizeof(d.widths));
	return d.used;
}

static void add_hit(struct console *c, int y, int x, int w, enum hit_kind kind, int index)
{
	if (c->nhits < MAX_HITS && y >= 0 && w > 0)
		c->hits[c->nhits++] =
			(struct hit){ .y = y, .x = x, .w = w, .kind = kind, .index = index };
}

/* The ports on the left (with the other interfaces and the findings), the peers, the steps and
 * the log pane on the right, once both fit whole. */
static void draw_wide(struct console *c, int top, int bottom)
{
	struct screen *s = &c->scr;
	const struct model *m = &c->model;
	/* the ports need 86 columns (60 fixed + an IPv6 link-local address), the peers 48
	 * ("port 1  enP2p1s0f1np1 fe80::5ebb:47ff:fe14:4") */
	int pw = s->cols - 86 > 60 ? 60 : s->cols - 86, lw = s->cols - pw;
	int y = top;
	y += port_panel_draw(s, m, y, 0, bottom - y, lw, true, true);
	y += iface_panel_draw(s, m, y, 0, bottom - y - 3, lw);
	findings_draw(c, y, 0, bottom - y, lw);
	int H = bottom - top, ph = peer_panel_rows(m, &c->peers);
	if (ph > H / 3)
		ph = H / 3 > 5 ? H / 3 : 5;
	int prow[MAX_PEER_ROWS];
	y = top;
	struct peer_panel_cluster pc = { &c->cluster, &c->cmap, c->hostname };
	y += peer_panel_draw(s, m, &c->peers, &pc, c->peer_sel, c->focus == FOCUS_PEERS,
			     guide_peer_ssh_status, c, y, lw, ph, pw, prow, MAX_PEER_ROWS);
	for (int i = 0; i < MAX_PEER_ROWS; i++)
		if (prow[i] >= 0)
			add_hit(c, prow[i], lw, pw, HIT_PEER, i);
	int full = step_panel_rows(c->steps, pw, true);
	int sh = bottom - y >= full ? full : bottom - y;
	int rows[STEP_COUNT], cols[STEP_COUNT], widths[STEP_COUNT];
	y += steps_draw(c, y, lw, sh, pw, rows, cols, widths);
	for (int i = 0; i < STEP_COUNT; i++)
		if (rows[i] >= 0)
			add_hit(c, rows[i], cols[i], widths[i], HIT_STEP, i);
	if (bottom - y >= 4)
		log_panel_draw(s, &c->log, y, lw, bottom - y, pw);
}

/* One column: ports, steps, peers, other interfaces, findings; what does not fit shrinks
 * (the other interfaces first). */
static void draw_narrow(struct console *c, int top, int bottom)
{
	struct screen *s = &c->scr;
	const struct model *m = &c->model;
	int w = s->cols, y = top;
	y += port_panel_draw(s, m, y, 0, bottom - y, w, s->rows >= 34, s->rows >= 34);
	int R = bottom - y;
	int f = findings_panel_rows(m, w), i = iface_panel_rows(m),
	    p = peer_panel_rows(m, &c->peers);
	int sh = R - (f + i + p), list = step_panel_rows(c->steps, w - 4, false);
	if (sh > list)
		sh = list;
	if (sh < 5)
		sh = R >= 5 ? 5 : R;
	int rest = R - sh;
	int iface_need = i;
	if (f + i + p > rest)
		i = 0;
	if (f + p > rest) {
		p = rest - f >= 3 ? rest - f : (rest >= 6 ? 3 : 0);
		if (f + p > rest)
			f = rest - p;
	}
	/* what is left: the other interfaces (when they were left out), else the steps */
	int left = rest - (f + i + p);
	if (!i && iface_need && left >= 4) {
		i = left < iface_need ? left : iface_need;
		left -= i;
	}
	sh += left;
	int rows[STEP_COUNT], cols[STEP_COUNT], widths[STEP_COUNT];
	y += steps_draw(c, y, 0, sh, w, rows, cols, widths);
	for (int k = 0; k < STEP_COUNT; k++)
		if (rows[k] >= 0)
			add_hit(c, rows[k], cols[k], widths[k], HIT_STEP, k);
	int prow[MAX_PEER_ROWS];
	struct peer_panel_cluster pc = { &c->cluster, &c->cmap, c->hostname };
	y += peer_panel_draw(s, m, &c->peers, &pc, c->peer_sel, c->focus == FOCUS_PEERS,
			     guide_peer_ssh_status, c, y, 0, p, w, prow, MAX_PEER_ROWS);
	for (int k = 0; k < MAX_PEER_ROWS; k++)
		if (prow[k] >= 0)
			add_hit(c, prow[k], 0, w, HIT_PEER, k);
	if (i)
		y += iface_panel_draw(s, m, y, 0, i, w);
	if (f >= 3)
		findings_draw(c, y, 0, bottom - y, w);
}

void layout_draw(struct console *c)
{
	struct screen *s = &c->scr;
	c->nhits = 0;
	screen_frame_begin(s); /* only the rows that changed reach the terminal */
	if (s->cols < MIN_COLS || s->rows < MIN_ROWS) {
		char msg[160];
		snprintf(msg, sizeof(msg), "Terminal too small: %dx%d, need at least %dx%d.",
			 s->cols, s->rows, MIN_COLS, MIN_ROWS);
		screen_text_wrap(s, s->rows / 2 - 1, 1, s->cols - 2, 2, ROLE_WARN, msg);
		screen_text_wrap(s, s->rows / 2 + 1, 1, s->cols - 2, 2, ROLE_NORMAL,
				 c->state == STATE_MAIN || c->state == STATE_HELP
					 ? "Enlarge the window, or press q to quit."
					 : "Enlarge the window to go on with the dialog.");
		screen_frame_end(s);
		return;
	}
	char title[200], renderer[64] = "";
	const struct nm_node *nn = &c->model.nm.node;
	/* made per frame: str_join, not snprintf */
	if (c->model.nm.probed && nn->renderer == NM_RENDERER_UNKNOWN)
		str_copy(renderer, "  |  renderer unknown (no system bus)", sizeof(renderer));
	else if (c->model.nm.probed && nn->renderer == NM_RENDERER_NONE)
		str_copy(renderer, "  |  no renderer", sizeof(renderer));
	else if (c->model.nm.probed)
		str_join(renderer, sizeof(renderer), "  |  ", nm_renderer_name(nn->renderer),
			 nn->version[0] ? " " : "", nn->version, NULL);
	str_join(title, sizeof(title), " sparklink ", SPARKLINK_VERSION, "  |  ", c->hostname,
		 "  |  ", c->model.netlink_ok ? "live (netlink)" : "static (sysfs only)", renderer,
		 NULL);
	screen_fill(s, 0, 0, 1, s->cols, ROLE_TITLE);
	screen_text(s, 0, 0, s->cols, ROLE_TITLE, title);
	int top = 1, bottom = s->rows - 2; /* rows [top, bottom) */
	/* the monitor covers the panels: they are drawn only while it is closed */
	if (c->state != STATE_MONITOR && s->cols >= 134)
		draw_wide(c, top, bottom);
	else if (c->state != STATE_MONITOR)
		draw_narrow(c, top, bottom);
	size_t n = actlog_count(&c->log);
	if (n) { /* the status line: the newest entry of the log, made again when it changed */
		const struct actlog_entry *e = actlog_get(&c->log, n - 1);
		struct buf *key = screen_memo_key(s->rows - 2, 1, 1, s->cols - 2, e->level);
		buf_add(key, (const char *)&e->when, sizeof(e->when));
		buf_add(key, e->text, strlen(e->text));
		if (!screen_memo_replay(s, MEMO_STATUS, key->data, key->len, NULL, 0)) {
			char t[700];
			actlog_format(e, false, t, sizeof(t));
			screen_text(s, s->rows - 2, 1, s->cols - 2,
				    e->level == ACTLOG_FAIL ? ROLE_BAD : ROLE_DIM, t);
			screen_memo_keep(s, MEMO_STATUS, NULL, 0);
		}
	}
	/* the F-key bar: the same for a size (the key table does not change) */
	struct {
		size_t n;
		enum key_action acts[16];
		int xs[16], ws[16];
	} bar;
	struct buf *bkey = screen_memo_key(s->rows - 1, 0, 1, s->cols, 0);
	if (!screen_memo_replay(s, MEMO_KEYS, bkey->data, bkey->len, &bar, sizeof(bar))) {
		memset(&bar, 0, sizeof(bar));
		bar.n = keys_bar_draw(s, s->rows - 1, bar.acts, bar.xs, bar.ws,
				      ARRAY_LEN(bar.acts));
		screen_memo_keep(s, MEMO_KEYS, &bar, sizeof(bar));
	}
	for (size_t i = 0; i < bar.n; i++)
		add_hit(c, s->rows - 1, bar.xs[i], bar.ws[i], HIT_KEY, (int)bar.acts[i]);
	switch (c->state) {
	case STATE_HELP: help_draw(s, &c->help); break;
	case STATE_PAIR: pair_dialog_draw(s, &c->pair); break;
	case STATE_ADDR: addr_dialog_draw(s, &c->addr); break;
	case STATE_ROLLBACK: rollback_dialog_draw(s, &c->rollback); break;
	case STATE_LOG: log_view_draw(s, &c->logview, &c->log); break;
	case STATE_INFO: info_dialog_draw(s, &c->info); break;
	case STATE_MONITOR: monitor_view_draw(s, &c->monview, &c->model); break;
	case STATE_MESH: mesh_dialog_draw(s, &c->mesh); break;
	case STATE_CLUSTER: cluster_dialog_draw(s, &c->cdlg); break;
	case STATE_CABLING: cabling_view_draw(s, &c->cabling, &c->cluster); break;
	case STATE_PEERS: {
		int prow[MAX_PEER_ROWS];
		peer_dialog_draw(s, &c->peerdlg, &c->model, &c->peers, guide_peer_ssh_status, c,
				 prow, MAX_PEER_ROWS);
		for (int k = 0; k < MAX_PEER_ROWS; k++)
			if (prow[k] >= 0)
				add_hit(c, prow[k], 0, s->cols, HIT_DIALOG_PEER, k);
		break;
	}
	default: break;
	}
	screen_frame_end(s);
}
