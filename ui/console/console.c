/* console.c: the full-screen console. One loop owns the terminal, netlink, mDNS, the workers'
 * pipes and signals; events update the model and mark it dirty; the screen is redrawn once per
 * turn when dirty. The step guide (core/guide/steps.h) is recomputed at every redraw from the model,
 * the chosen peer and what jobs learned, so its marks follow the cable at once. Dialogs and
 * overlays are states, never nested loops; every action and its outcome goes to the log
 * (core/guide/actlog.h), whose newest entry is the status line. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "core/guide/actlog.h"
#include "core/node/node_local.h"
#include "core/jobs/invocation.h"
#include "core/jobs/journal.h"
#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/node/node.h"
#include "core/mdns/peers.h"
#include "core/guide/steps.h"
#include "core/net/sysfs.h"
#include "core/base/util.h"
#include "ui/console/addr_dialog.h"
#include "ui/cli/cli.h"
#include "ui/console/info_dialog.h"
#include "ui/console/pair_dialog.h"
#include "ui/console/peer_dialog.h"
#include "ui/console/peer_panel.h"
#include "ui/console/port_panel.h"
#include "ui/console/rollback_dialog.h"
#include "ui/console/screen.h"
#include "ui/console/step_panel.h"
#include "sparklink_version.h" /* SPARKLINK_VERSION, made by cmake/version.cmake */

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum state {
	STATE_MAIN,
	STATE_HELP,
	STATE_PAIR,
	STATE_ADDR,
	STATE_ROLLBACK,
	STATE_LOG,
	STATE_INFO,
	STATE_PEERS
};
enum focus { FOCUS_STEPS, FOCUS_PEERS };

#define MAX_PEER_ROWS 32
#define MAX_HITS 64
#define MAX_KNOWN 32
#define MAX_PORTS 8

enum hit_kind { HIT_STEP, HIT_PEER, HIT_KEY, HIT_DIALOG_PEER };

struct hit {
	int y, x, w;
	enum hit_kind kind;
	int index;
};

struct console {
	struct loop *loop;
	struct screen scr;
	struct model model;
	struct netmon *netmon;
	struct peers peers;
	struct discovery *discovery;
	struct actlog log;
	struct ssh_user user;
	struct invocation inv; /* who runs this, its journals */
	char journal_path[4096], user_journal_path[4096];
	struct steps_facts facts;
	struct step steps[STEP_COUNT];
	enum step_mark marks[STEP_COUNT]; /* as last logged */
	bool marks_known;
	int step_sel;
	bool step_follow; /* the selection follows the next step not done */
	enum focus focus;
	size_t peer_sel;
	char peer_host[256]; /* the chosen peer ("" = the first on a cable, else the first) */
	char known_peers[MAX_KNOWN][256]; /* for "seen" / "gone" in the log */
	size_t nknown;
	int cabled[MAX_PORTS]; /* -1 unknown, for "cable in/out" in the log */
	struct pair_dialog pair;
	struct addr_dialog addr;
	struct rollback_dialog rollback;
	struct info_dialog info;
	struct peer_dialog peerdlg;
	struct scroll_text help, logview;
	unsigned long logview_gen;
	bool pair_learned, addr_learned, rollback_learned;
	/* a keys-only SSH check started by itself for a peer paired in an earlier session, so step
	 * 4 says what is true now without a key press (once per peer and run) */
	struct worker *bgcheck;
	struct pair_job bgjob;
	bool bgcheck_done;
	char bgcheck_peer[256];
	struct hit hits[MAX_HITS];
	size_t nhits;
	enum state state;
	bool dirty;
	char hostname[64];
};

static void pair_notify(void *arg);
static void dialog_notify(void *arg);
static const char *peer_ssh_status(const struct peer *p, void *arg);

#define MIN_COLS 80
#define MIN_ROWS 24

enum action {
	ACT_NONE,
	ACT_QUIT,
	ACT_HELP,
	ACT_CLOSE,
	ACT_REDRAW,
	ACT_FOCUS,
	ACT_UP,
	ACT_DOWN,
	ACT_ENTER,
	ACT_PAIR,
	ACT_CHECK,
	ACT_ADDR,
	ACT_VERIFY,
	ACT_ROLLBACK,
	ACT_PEERS,
	ACT_LOG,
	ACT_USER
};

struct binding {
	int key;
	enum action action;
	const char *label; /* shown in the F-key bar when set */
	const char *brief; /* the label when the bar is short of room */
};

static const struct binding bindings[] = {
	{ KEY_F(1), ACT_HELP, "Help", "Help" },
	{ KEY_F(2), ACT_PAIR, "Pair", "Pair" },
	{ KEY_F(3), ACT_CHECK, "SSH check", "SSH" },
	{ KEY_F(4), ACT_ADDR, "Address", "Addr" },
	{ KEY_F(5), ACT_VERIFY, "Verify", "Verify" },
	{ KEY_F(6), ACT_ROLLBACK, "Rollback", "Undo" },
	{ KEY_F(7), ACT_PEERS, "Peer", "Peer" },
	{ KEY_F(8), ACT_LOG, "Log", "Log" },
	{ KEY_F(9), ACT_USER, "User", "User" },
	{ KEY_F(10), ACT_QUIT, "Quit", "Quit" },
	{ 'p', ACT_PAIR, NULL, NULL },
	{ 's', ACT_CHECK, NULL, NULL },
	{ 'a', ACT_ADDR, NULL, NULL },
	{ 'v', ACT_VERIFY, NULL, NULL },
	{ 'r', ACT_ROLLBACK, NULL, NULL },
	{ 'c', ACT_PEERS, NULL, NULL },
	{ 'l', ACT_LOG, NULL, NULL },
	{ 'u', ACT_USER, NULL, NULL },
	{ '\r', ACT_ENTER, NULL, NULL },
	{ '\n', ACT_ENTER, NULL, NULL },
	{ KEY_ENTER, ACT_ENTER, NULL, NULL },
	{ '?', ACT_HELP, NULL, NULL },
	{ 'h', ACT_HELP, NULL, NULL },
	{ 'q', ACT_QUIT, NULL, NULL },
	{ 27, ACT_CLOSE, NULL, NULL },
	{ 12, ACT_REDRAW, NULL, NULL }, /* Ctrl-L */
	{ '\t', ACT_FOCUS, NULL, NULL },
	{ KEY_UP, ACT_UP, NULL, NULL },
	{ 'k', ACT_UP, NULL, NULL },
	{ KEY_DOWN, ACT_DOWN, NULL, NULL },
	{ 'j', ACT_DOWN, NULL, NULL },
};

static const char *const help_text[] = {
	"sparklink takes two DGX Sparks from \"cable plugged in\" to a verified",
	"pair with passwordless SSH both ways, and can undo what it did.",
	" ",
	"Steps (NVIDIA's playbook \"Connect two Sparks\")",
	"  1 Same user   the same user name on both nodes",
	"  2 Cable       a QSFP cable between the Sparks; the peer seen on it",
	"  3 Addressing  link-local or static addresses on the cabled ports",
	"  4 SSH         passwordless SSH both ways, verified",
	"  5 Verify      every rail answers a ping (jumbo frames with MTU 9000)",
	"  6 Rollback    undo what sparklink changed (optional)",
	"Each mark (done, to do, FAILING, n.a.) and its reason come from what is",
	"true now: pull the cable and steps 2 and 5 say so at once.",
	" ",
	"Keys",
	"  Enter         open the chosen step (on a peer: its next step)",
	"  Tab           move between the steps and the peers",
	"  Up/Down j/k   choose a step or a peer; 1-6 choose a step",
	"  F2  p         pair with the chosen peer (step 4; checks step 1)",
	"  F3  s         check SSH both ways with keys only",
	"  F4  a         address the cabled ports here and on the peer (step 3)",
	"  F5  v         verify: ping every rail again (step 5)",
	"  F6  r         roll back (step 6): what would be undone is listed first",
	"  F7  c         choose the peer",
	"  F9  u         create your user on the peer (when step 1 fails)",
	"  F8  l         the log: every action with its time and outcome",
	"  F1  ? h       this help (Up/Down scroll it)",
	"  F10 q         quit",
	"  Esc           close a dialog, or cancel its work",
	"  Ctrl-L        redraw the screen",
	"Mouse: click a step or a peer to choose it (a chosen step again to open",
	"it), or a key in the bottom bar.",
};

static const char *const help_tail[] = {
	" ",
	"Peers are other Sparks announcing SSH over mDNS (avahi), with where",
	"each was seen: on a cable (port N) or on the LAN. Addressing and",
	"rollback change the network: start the console with sudo.",
	" ",
	"Command line: sparklink ports|discover|pair|verify|apply|rollback|status;",
	"sparklink --help. NO_COLOR=1 turns colour off; SPARKLINK_ASCII=1 forces",
	"ASCII lines.",
};

/* ---------------------------------------------------------------- peers and steps */

static const struct peer *chosen_peer(struct console *c)
{
	size_t n = peer_panel_count(&c->peers);
	if (!n) {
		c->peer_sel = 0;
		return NULL;
	}
	if (c->peer_host[0]) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(peer_panel_get(&c->peers, i)->host, c->peer_host) == 0) {
				c->peer_sel = i;
				return peer_panel_get(&c->peers, i);
			}
	}
	/* none chosen (or it is gone): the first one on a cable, else the first */
	for (size_t i = 0; i < n; i++) {
		const struct peer *p = peer_panel_get(&c->peers, i);
		for (size_t k = 0; k < p->naddrs; k++)
			if (peer_addr_on_up_port(&c->model, &p->addrs[k])) {
				c->peer_sel = i;
				return p;
			}
	}
	if (c->peer_sel >= n)
		c->peer_sel = 0;
	return peer_panel_get(&c->peers, c->peer_sel);
}

static void choose_peer(struct console *c, size_t index)
{
	const struct peer *p = peer_panel_get(&c->peers, index);
	if (!p)
		return;
	if (strcmp(c->peer_host, p->host) != 0)
		actlog_add(&c->log, ACTLOG_INFO, "Peer chosen: %s", p->host);
	str_copy(c->peer_host, p->host, sizeof(c->peer_host));
	c->peer_sel = index;
}

static void reread_journal(struct console *c)
{
	if (steps_read_journal(&c->facts, &c->inv) < 0)
		actlog_add(&c->log, ACTLOG_FAIL, "%s", c->facts.journal_error);
}

/* Recompute the steps; log what changed (the cable, a mark) as events. */
static void compute_steps(struct console *c)
{
	const struct model *m = &c->model;
	for (size_t k = 0; k < m->nports && k < MAX_PORTS; k++) {
		int now = m->ports[k].cabled;
		if (c->cabled[k] >= 0 && c->cabled[k] != now)
			actlog_add(&c->log, now ? ACTLOG_OK : ACTLOG_FAIL, "Port %d: %s",
				   m->ports[k].number,
				   now ? "cable in, link Up" : "cable out, link Down");
		c->cabled[k] = now;
	}
	steps_compute(m, chosen_peer(c), &c->facts, c->steps);
	for (int i = 0; i < STEP_COUNT; i++) {
		if (c->marks_known && c->marks[i] != c->steps[i].mark)
			actlog_add(&c->log,
				   c->steps[i].mark == STEP_FAILING ? ACTLOG_FAIL
				   : c->steps[i].mark == STEP_DONE  ? ACTLOG_OK
								    : ACTLOG_INFO,
				   "Step %d %s: %s. %s", i + 1, step_title((enum step_id)i),
				   step_mark_word(c->steps[i].mark), c->steps[i].reason);
		c->marks[i] = c->steps[i].mark;
	}
	c->marks_known = true;
	if (c->step_follow) {
		enum step_id next = steps_next(c->steps);
		c->step_sel = next == STEP_COUNT ? STEP_VERIFY : (int)next;
	}
}

static const char *peer_ssh_status(const struct peer *p, void *arg)
{
	struct console *c = arg;
	const struct steps_peer_facts *pf = steps_peer(&c->facts, p->host);
	const struct steps_pair_result *a = pf && pf->pairing.known ? &pf->pairing : NULL;
	const struct steps_pair_result *b = pf && pf->check.known ? &pf->check : NULL;
	const struct steps_pair_result *r = a && (!b || a->seq > b->seq) ? a : b;
	if (!r)
		return "not paired";
	switch (r->status) {
	case PAIR_OK: return "verified both ways";
	case PAIR_CANCELLED:
	case PAIR_HOSTKEY_REFUSED: return "not paired";
	case PAIR_USER_MISMATCH:
	case PAIR_AUTH_FAILED: return r == b ? "key refused" : "login refused";
	default: return r == b ? "check failed" : "pairing failed";
	}
}

/* ---------------------------------------------------------------- drawing */

static void add_hit(struct console *c, int y, int x, int w, enum hit_kind kind, int index)
{
	if (c->nhits < MAX_HITS && y >= 0 && w > 0)
		c->hits[c->nhits++] =
			(struct hit){ .y = y, .x = x, .w = w, .kind = kind, .index = index };
}

static void draw_fkeys(struct console *c)
{
	struct screen *s = &c->scr;
	int y = s->rows - 1, x = 0, total = 0;
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++)
		if (bindings[i].label)
			total += (bindings[i].key >= KEY_F(10) ? 3 : 2) + 1 +
				 (int)strlen(bindings[i].label) + 2;
	bool brief = total - 2 > s->cols; /* no gap after the last */
	screen_fill(s, y, 0, 1, s->cols, ROLE_KEYTEXT);
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++) {
		const struct binding *b = &bindings[i];
		if (!b->label)
			continue;
		const char *label = brief ? b->brief : b->label;
		char k[8];
		snprintf(k, sizeof(k), "F%d", b->key - KEY_F(0));
		int w = (int)strlen(k) + 1 + (int)strlen(label) + (brief ? 1 : 2);
		add_hit(c, y, x, w, HIT_KEY, (int)i);
		screen_text(s, y, x, 4, ROLE_KEY, k);
		screen_text(s, y, x + (int)strlen(k) + 1, 12, ROLE_KEYTEXT, label);
		x += w;
	}
}

static void fill_help(struct console *c)
{
	scroll_text_clear(&c->help);
	for (size_t i = 0; i < 2; i++) /* what it is, then where it writes */
		scroll_text_add(&c->help, help_text[i], strlen(help_text[i]));
	char t[4200];
	snprintf(t, sizeof(t), "Log of every action: %s%s", c->log.path[0] ? c->log.path : "(none)",
		 c->log.error[0] ? " (not writable: on screen only)" : "");
	scroll_text_add(&c->help, t, strlen(t));
	snprintf(t, sizeof(t), "Journal of every change (for rollback): %s", c->journal_path);
	scroll_text_add(&c->help, t, strlen(t));
	for (size_t i = 2; i < ARRAY_LEN(help_text); i++)
		scroll_text_add(&c->help, help_text[i], strlen(help_text[i]));
	for (size_t i = 0; i < ARRAY_LEN(help_tail); i++)
		scroll_text_add(&c->help, help_tail[i], strlen(help_tail[i]));
	c->help.follow = false;
	c->help.top = 0;
}

static void draw_help(struct console *c)
{
	struct screen *s = &c->scr;
	int w = 78, h = (int)c->help.n + 4;
	if (w > s->cols - 2)
		w = s->cols - 2;
	if (h > s->rows - 2)
		h = s->rows - 2;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2;
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, "Help (Esc closes)");
	scroll_text_draw(s, &c->help, y + 2, x + 2, h - 3, w - 4);
}

static void draw_log_screen(struct console *c)
{
	struct screen *s = &c->scr;
	if (c->logview_gen != c->log.generation || !c->logview.n) {
		bool follow = c->logview.follow || !c->logview.n;
		size_t top = c->logview.top;
		scroll_text_clear(&c->logview);
		for (size_t i = 0; i < actlog_count(&c->log); i++) {
			char t[700];
			const struct actlog_entry *e = actlog_get(&c->log, i);
			actlog_format(e, true, t, sizeof(t));
			char line[720];
			snprintf(line, sizeof(line), "%s%s", e->level == ACTLOG_FAIL ? "! " : "",
				 t);
			scroll_text_add(&c->logview, line, strlen(line));
		}
		c->logview.follow = follow;
		c->logview.top = top;
		c->logview_gen = c->log.generation;
	}
	int w = s->cols - 2, h = s->rows - 3, y = 1, x = 1;
	char t[4300];
	snprintf(t, sizeof(t), "Log %s (Esc closes; Up/Down PgUp/PgDn scroll)",
		 c->log.path[0] ? c->log.path : "");
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, t);
	int ry = y + 1;
	if (c->log.error[0])
		ry += screen_text_wrap(s, ry, x + 2, w - 4, 2, ROLE_WARN, c->log.error);
	scroll_text_draw(s, &c->logview, ry, x + 2, y + h - 1 - ry, w - 4);
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
	y += port_panel_draw(s, m, y, 0, bottom - y, lw, true);
	y += iface_panel_draw(s, m, y, 0, bottom - y - 3, lw);
	findings_panel_draw(s, m, y, 0, bottom - y, lw);
	int H = bottom - top, ph = peer_panel_rows(m, &c->peers);
	if (ph > H / 3)
		ph = H / 3 > 5 ? H / 3 : 5;
	int prow[MAX_PEER_ROWS];
	y = top;
	y += peer_panel_draw(s, m, &c->peers, c->peer_sel, c->focus == FOCUS_PEERS, peer_ssh_status,
			     c, y, lw, ph, pw, prow, MAX_PEER_ROWS);
	for (int i = 0; i < MAX_PEER_ROWS; i++)
		if (prow[i] >= 0)
			add_hit(c, prow[i], lw, pw, HIT_PEER, i);
	int full = step_panel_rows(c->steps, pw, true);
	int sh = bottom - y >= full ? full : bottom - y;
	int rows[STEP_COUNT], cols[STEP_COUNT], widths[STEP_COUNT];
	y += step_panel_draw(s, c->steps, c->step_sel, c->focus == FOCUS_STEPS, y, lw, sh, pw, rows,
			     cols, widths);
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
	y += port_panel_draw(s, m, y, 0, bottom - y, w, s->rows >= 34);
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
	y += step_panel_draw(s, c->steps, c->step_sel, c->focus == FOCUS_STEPS, y, 0, sh, w, rows,
			     cols, widths);
	for (int k = 0; k < STEP_COUNT; k++)
		if (rows[k] >= 0)
			add_hit(c, rows[k], cols[k], widths[k], HIT_STEP, k);
	int prow[MAX_PEER_ROWS];
	y += peer_panel_draw(s, m, &c->peers, c->peer_sel, c->focus == FOCUS_PEERS, peer_ssh_status,
			     c, y, 0, p, w, prow, MAX_PEER_ROWS);
	for (int k = 0; k < MAX_PEER_ROWS; k++)
		if (prow[k] >= 0)
			add_hit(c, prow[k], 0, w, HIT_PEER, k);
	if (i)
		y += iface_panel_draw(s, m, y, 0, i, w);
	if (f >= 3)
		findings_panel_draw(s, m, y, 0, bottom - y, w);
}

static void draw(struct console *c)
{
	struct screen *s = &c->scr;
	c->nhits = 0;
	compute_steps(c);
	erase();
	if (s->cols < MIN_COLS || s->rows < MIN_ROWS) {
		char msg[160];
		snprintf(msg, sizeof(msg), "Terminal too small: %dx%d, need at least %dx%d.",
			 s->cols, s->rows, MIN_COLS, MIN_ROWS);
		screen_text_wrap(s, s->rows / 2 - 1, 1, s->cols - 2, 2, ROLE_WARN, msg);
		screen_text_wrap(s, s->rows / 2 + 1, 1, s->cols - 2, 2, ROLE_NORMAL,
				 c->state == STATE_MAIN || c->state == STATE_HELP
					 ? "Enlarge the window, or press q to quit."
					 : "Enlarge the window to go on with the dialog.");
		refresh();
		return;
	}
	char title[200];
	snprintf(title, sizeof(title), " sparklink %s  |  %s  |  %s", SPARKLINK_VERSION,
		 c->hostname, c->model.netlink_ok ? "live (netlink)" : "static (sysfs only)");
	screen_fill(s, 0, 0, 1, s->cols, ROLE_TITLE);
	screen_text(s, 0, 0, s->cols, ROLE_TITLE, title);
	int top = 1, bottom = s->rows - 2; /* rows [top, bottom) */
	if (s->cols >= 134)
		draw_wide(c, top, bottom);
	else
		draw_narrow(c, top, bottom);
	size_t n = actlog_count(&c->log);
	if (n) {
		const struct actlog_entry *e = actlog_get(&c->log, n - 1);
		char t[700];
		actlog_format(e, false, t, sizeof(t));
		screen_text(s, s->rows - 2, 1, s->cols - 2,
			    e->level == ACTLOG_FAIL ? ROLE_BAD : ROLE_DIM, t);
	}
	draw_fkeys(c);
	switch (c->state) {
	case STATE_HELP: draw_help(c); break;
	case STATE_PAIR: pair_dialog_draw(s, &c->pair); break;
	case STATE_ADDR: addr_dialog_draw(s, &c->addr); break;
	case STATE_ROLLBACK: rollback_dialog_draw(s, &c->rollback); break;
	case STATE_LOG: draw_log_screen(c); break;
	case STATE_INFO: info_dialog_draw(s, &c->info); break;
	case STATE_PEERS: {
		int prow[MAX_PEER_ROWS];
		peer_dialog_draw(s, &c->peerdlg, &c->model, &c->peers, peer_ssh_status, c, prow,
				 MAX_PEER_ROWS);
		for (int k = 0; k < MAX_PEER_ROWS; k++)
			if (prow[k] >= 0)
				add_hit(c, prow[k], 0, s->cols, HIT_DIALOG_PEER, k);
		break;
	}
	default: break;
	}
	refresh();
}

/* ---------------------------------------------------------------- what jobs learned */

static void on_bgcheck_msg(const struct worker_msg *m, void *owner)
{
	struct console *c = owner;
	if (m->question) /* a keys-only check asks nothing; refuse anything all the same */
		worker_answer(c->bgcheck, "no");
	if (m->kind == WORKER_DONE)
		c->bgcheck_done = true;
}

/* Start the check when the chosen peer is in the journal and nothing is known of it yet;
 * learn its result once it is done. Runs after every loop turn, costs nothing otherwise. */
static void background_check(struct console *c)
{
	if (c->bgcheck && c->bgcheck_done) {
		worker_free(c->bgcheck);
		c->bgcheck = NULL;
		if (!steps_peer(&c->facts, c->bgcheck_peer)) { /* a dialog may have learned more */
			steps_learn_pair(&c->facts, c->bgcheck_peer, true, c->bgjob.out.status,
					 c->bgjob.req.local.name, c->bgjob.out.summary);
			actlog_add(&c->log,
				   c->bgjob.out.status == PAIR_OK ? ACTLOG_OK : ACTLOG_FAIL,
				   "SSH check with %s (paired earlier): %s", c->bgcheck_peer,
				   c->bgjob.out.summary[0] ? c->bgjob.out.summary
							   : pair_status_word(c->bgjob.out.status));
		}
		c->dirty = true;
		return;
	}
	if (c->bgcheck || c->state != STATE_MAIN)
		return;
	const struct peer *p = chosen_peer(c);
	if (!p || strcmp(p->host, c->bgcheck_peer) == 0 || steps_peer(&c->facts, p->host) ||
	    !steps_journal_names_peer(&c->facts, p))
		return;
	str_copy(c->bgcheck_peer, p->host, sizeof(c->bgcheck_peer));
	char why[512];
	if (!pair_request_for_peer(&c->bgjob.req, p, &c->model, true, &c->inv, why, sizeof(why)))
		return;
	c->bgjob.req.timeout_s = 10;
	c->bgcheck_done = false;
	c->bgcheck = worker_start(c->loop, pair_job_run, &c->bgjob, on_bgcheck_msg, c);
	if (c->bgcheck)
		actlog_add(&c->log, ACTLOG_INFO, "Checking SSH with %s (paired earlier), keys only",
			   p->host);
}

static void learn_pair(struct console *c)
{
	const struct pair_dialog *d = &c->pair;
	if (!d->finished) {
		c->pair_learned = false;
		return;
	}
	if (c->pair_learned || !d->worker)
		return;
	c->pair_learned = true;
	steps_learn_pair(&c->facts, d->peer, d->verify, d->status, d->job.req.local.name,
			 d->summary);
	reread_journal(c);
	actlog_add(&c->log, d->status == PAIR_OK ? ACTLOG_OK : ACTLOG_FAIL, "%s %s: %s",
		   d->verify ? "SSH check with" : "Pairing with", d->peer,
		   d->summary[0] ? d->summary : pair_status_word(d->status));
}

static void learn_addr(struct console *c)
{
	const struct addr_dialog *d = &c->addr;
	if (!d->finished) {
		c->addr_learned = false;
		return;
	}
	if (c->addr_learned || !d->worker)
		return;
	c->addr_learned = true;
	const struct apply_outcome *o = &d->job.out;
	if (d->verify || o->status == APPLY_OK || o->status == APPLY_FAILED ||
	    o->status == APPLY_VERIFY_FAILED)
		steps_learn_rails(&c->facts, o->rails, o->nrails);
	reread_journal(c);
	for (size_t i = 0; i < o->nrails; i++)
		actlog_add(&c->log, o->rails[i].ok ? ACTLOG_OK : ACTLOG_FAIL, "Rail %s",
			   o->rails[i].text);
	bool good = d->status == APPLY_OK;
	actlog_add(&c->log,
		   good				  ? ACTLOG_OK
		   : d->status == APPLY_CANCELLED ? ACTLOG_INFO
						  : ACTLOG_FAIL,
		   "%s: %s",
		   d->verify	? "Verify"
		   : d->peer[0] ? "Addressing"
				: "Addressing (this node)",
		   d->summary[0] ? d->summary : apply_status_word(d->status));
}

static void learn_rollback(struct console *c)
{
	const struct rollback_dialog *d = &c->rollback;
	if (!d->finished) {
		c->rollback_learned = false;
		return;
	}
	if (c->rollback_learned || !d->applied || !d->worker)
		return;
	c->rollback_learned = true;
	steps_learn_rollback(&c->facts, d->status, d->summary, d->job.req.include_ssh);
	reread_journal(c);
	actlog_add(&c->log, d->status == 0 ? ACTLOG_OK : ACTLOG_FAIL, "Rollback%s: %s",
		   d->job.req.include_ssh ? " (with the SSH lines)" : "",
		   d->summary[0] ? d->summary : "finished");
}

/* ---------------------------------------------------------------- opening things */

static void need_peer(struct console *c, const char *what)
{
	actlog_add(
		&c->log, ACTLOG_FAIL,
		"No peer to %s: none is seen over mDNS yet. Plug the cable "
		"in and make sure the other Spark is on (avahi-daemon running); it appears in the "
		"peers panel by itself.",
		what);
}

static void open_pair(struct console *c, bool verify, bool create_user)
{
	const struct peer *p = chosen_peer(c);
	if (!p) {
		need_peer(c, verify ? "check" : "pair with");
		return;
	}
	char why[256];
	if (!pair_dialog_open(&c->pair, p, &c->model, verify, &c->inv, why, sizeof(why))) {
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot %s %s: %s.",
			   verify ? "check SSH with" : "pair with", p->host, why);
		return;
	}
	c->pair.notify = pair_notify;
	c->pair.notify_arg = c;
	if (create_user)
		c->pair.phase = PD_ADMIN;
	c->pair_learned = false;
	c->state = STATE_PAIR;
}

static void open_addr(struct console *c)
{
	const struct peer *p = chosen_peer(c);
	char why[512];
	if (!addr_dialog_open(&c->addr, p, &c->model, c->hostname, &c->inv, why, sizeof(why))) {
		addr_dialog_close(&c->addr);
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot address with %s: %s", p ? p->host : "-",
			   why);
		return;
	}
	c->addr.notify = dialog_notify;
	c->addr.notify_arg = c;
	c->addr_learned = false;
	c->state = STATE_ADDR;
}

static void open_verify(struct console *c)
{
	if (!c->facts.plan_applied) {
		actlog_add(&c->log, ACTLOG_FAIL,
			   "Nothing to verify yet: no addressing plan is applied "
			   "(the journal has none). Address the ports first (F4 a).");
		return;
	}
	char why[512];
	if (!addr_dialog_open_verify(&c->addr, &c->model, c->loop, &c->inv, why, sizeof(why))) {
		addr_dialog_close(&c->addr);
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot verify: %s.", why);
		return;
	}
	c->addr.notify = dialog_notify;
	c->addr.notify_arg = c;
	c->addr_learned = false;
	c->state = STATE_ADDR;
}

static void open_rollback(struct console *c)
{
	char why[512];
	if (!rollback_dialog_open(&c->rollback, c->loop, &c->inv, why, sizeof(why))) {
		rollback_dialog_close(&c->rollback);
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot roll back: %s", why);
		return;
	}
	c->rollback.notify = dialog_notify;
	c->rollback.notify_arg = c;
	c->rollback_learned = false;
	c->state = STATE_ROLLBACK;
}

static void open_peers(struct console *c, const char *why)
{
	chosen_peer(c);
	c->peerdlg.sel = c->peer_sel;
	str_copy(c->peerdlg.why, why ? why : "", sizeof(c->peerdlg.why));
	c->state = STATE_PEERS;
}

/* Step 1 failing: the explanation, with the fix offered (the pairing dialog's u). */
static void open_user_info(struct console *c)
{
	const struct peer *p = chosen_peer(c);
	const struct step *st = &c->steps[STEP_USER];
	char text[2400], keys[200], title[200];
	snprintf(title, sizeof(title), "Step 1: the same user on both nodes (Esc closes)");
	if (st->mark == STEP_FAILING && p) {
		snprintf(
			text, sizeof(text),
			"%s\n"
			"Why: the playbook runs MPI and NCCL jobs as one user on every node, with the "
			"same home layout, and SSH logs in under the same name.\n"
			"Fix: press u. You name a user on %s who can use sudo and type that user's "
			"password; sparklink creates '%s' there as the playbook does (useradd -m, group "
			"sudo, a new password you type), then pairs as '%s'. Or log in here as a user "
			"that %s has, and start sparklink again.",
			st->reason, p->host, c->facts.user, c->facts.user, p->host);
		snprintf(keys, sizeof(keys), "u: create '%s' on %s now    Esc: close",
			 c->facts.user, p->host);
		info_dialog_set(&c->info, title, text, keys, 'u');
	} else {
		snprintf(text, sizeof(text),
			 "%s\nThe playbook needs the same user name on both nodes; "
			 "pairing (step 4) checks it by logging in there as you (%s).",
			 st->reason, c->facts.user);
		info_dialog_set(&c->info, title, text, "Esc: close", 0);
	}
	c->state = STATE_INFO;
}

static void open_step(struct console *c, enum step_id id)
{
	const struct step *st = &c->steps[id];
	switch (id) {
	case STEP_USER:
		if (st->mark == STEP_TODO && chosen_peer(c))
			open_pair(c, false, false);
		else
			open_user_info(c);
		break;
	case STEP_CABLE:
		if (!peer_panel_count(&c->peers)) {
			char text[1200];
			snprintf(
				text, sizeof(text),
				"%s\nOne QSFP cable between the same port of both "
				"Sparks (port 0 or 1) is enough: its two netdevs (twins) come Up "
				"together within seconds, and the other Spark appears in the peers "
				"panel \"on a cable\", before any IPv4 address exists.",
				st->reason);
			info_dialog_set(&c->info, "Step 2: the cable (Esc closes)", text,
					"Esc: close", 0);
			c->state = STATE_INFO;
		} else {
			open_peers(c, st->reason);
		}
		break;
	case STEP_ADDR: open_addr(c); break;
	case STEP_SSH: open_pair(c, st->mark == STEP_DONE, false); break;
	case STEP_VERIFY: open_verify(c); break;
	case STEP_ROLLBACK: open_rollback(c); break;
	default: break;
	}
}

/* ---------------------------------------------------------------- keys */

static void after_turn(void *arg)
{
	struct console *c = arg;
	background_check(c);
	if (c->dirty || c->model.dirty) {
		draw(c);
		c->dirty = false;
		c->model.dirty = false;
	}
}

static enum action key_action(int key, bool is_char)
{
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++)
		if (bindings[i].key == key && (is_char ? key < KEY_MIN : true))
			return bindings[i].action;
	return ACT_NONE;
}

static void move_sel(struct console *c, int delta)
{
	if (c->focus == FOCUS_STEPS) {
		int s = c->step_sel + delta;
		c->step_sel = s < 0 ? 0 : s >= STEP_COUNT ? STEP_COUNT - 1 : s;
		c->step_follow = false;
		return;
	}
	size_t n = peer_panel_count(&c->peers);
	if (!n)
		return;
	chosen_peer(c);
	size_t i = c->peer_sel;
	if (delta < 0 && i > 0)
		i--;
	else if (delta > 0 && i + 1 < n)
		i++;
	choose_peer(c, i);
}

static void do_action(struct console *c, enum action a)
{
	if (c->state != STATE_MAIN && c->state != STATE_HELP)
		return;
	switch (a) {
	case ACT_QUIT: loop_quit(c->loop, EXIT_OK); break;
	case ACT_HELP:
		if (c->state == STATE_HELP) {
			c->state = STATE_MAIN;
		} else {
			fill_help(c);
			c->state = STATE_HELP;
		}
		break;
	case ACT_CLOSE: c->state = STATE_MAIN; break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	case ACT_FOCUS: c->focus = c->focus == FOCUS_STEPS ? FOCUS_PEERS : FOCUS_STEPS; break;
	case ACT_UP:
	case ACT_DOWN:
		if (c->state == STATE_HELP)
			scroll_text_key(&c->help, a == ACT_UP ? KEY_UP : KEY_DOWN, false);
		else
			move_sel(c, a == ACT_UP ? -1 : 1);
		break;
	default:
		if (c->state != STATE_MAIN)
			break;
		c->step_follow = true; /* after this, the guide shows the next step again */
		switch (a) {
		case ACT_ENTER:
			if (c->focus == FOCUS_PEERS) {
				chosen_peer(c);
				choose_peer(c, c->peer_sel);
				c->focus = FOCUS_STEPS;
				compute_steps(c);
				open_step(c, (enum step_id)c->step_sel);
			} else {
				open_step(c, (enum step_id)c->step_sel);
			}
			break;
		case ACT_PAIR: open_pair(c, false, false); break;
		case ACT_CHECK: open_pair(c, true, false); break;
		case ACT_ADDR: open_addr(c); break;
		case ACT_VERIFY: open_verify(c); break;
		case ACT_ROLLBACK: open_rollback(c); break;
		case ACT_PEERS: open_peers(c, NULL); break;
		case ACT_USER:
			if (chosen_peer(c))
				open_pair(c, false, true);
			else
				need_peer(c, "create your user on");
			break;
		case ACT_LOG:
			c->logview.follow = true;
			c->logview_gen = 0;
			c->state = STATE_LOG;
			break;
		default: break;
		}
	}
	c->dirty = true;
}

static void select_step(struct console *c, int i)
{
	c->focus = FOCUS_STEPS;
	c->step_sel = i;
	c->step_follow = false;
}

/* Clicks: a key in the bar acts as the key; a step or a peer is chosen (a chosen step is
 * opened); in the peer choice, a peer is chosen. */
static void on_mouse(struct console *c)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || !(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	for (size_t i = 0; i < c->nhits; i++) {
		const struct hit *h = &c->hits[i];
		if (ev.y != h->y || ev.x < h->x || ev.x >= h->x + h->w)
			continue;
		/* what is under a dialog does not count; a dialog owns the keys (and its worker)
		 * until it closes, the peer choice takes clicks on its peers */
		if (c->state == STATE_PEERS) {
			if (h->kind != HIT_DIALOG_PEER)
				continue;
			choose_peer(c, (size_t)h->index);
			c->state = STATE_MAIN;
			c->dirty = true;
			return;
		}
		if (c->state != STATE_MAIN && !(c->state == STATE_HELP && h->kind == HIT_KEY))
			return;
		switch (h->kind) {
		case HIT_KEY: do_action(c, bindings[h->index].action); break;
		case HIT_STEP:
			if (c->focus == FOCUS_STEPS && c->step_sel == h->index) {
				c->step_follow = true;
				open_step(c, (enum step_id)h->index);
			} else {
				select_step(c, h->index);
			}
			break;
		case HIT_PEER:
			c->focus = FOCUS_PEERS;
			choose_peer(c, (size_t)h->index);
			break;
		default: break;
		}
		c->dirty = true;
		return;
	}
}

static bool is_enter(int key, bool is_char)
{
	return (is_char && (key == '\r' || key == '\n')) || (!is_char && key == KEY_ENTER);
}

/* Keys of the states that are not job dialogs; true if taken. */
static bool overlay_key(struct console *c, int key, bool is_char)
{
	bool esc = is_char && key == 27;
	switch (c->state) {
	case STATE_LOG:
		if (esc || (is_char && (key == 'l' || key == 'q')) || (!is_char && key == KEY_F(8)))
			c->state = STATE_MAIN;
		else
			scroll_text_key(&c->logview, key, is_char);
		return true;
	case STATE_INFO:
		if (esc || is_enter(key, is_char) || (is_char && key == 'q')) {
			c->state = STATE_MAIN;
		} else if (is_char && c->info.offer && key == c->info.offer) {
			c->state = STATE_MAIN;
			if (key == 'u')
				open_pair(c, false, true);
		}
		return true;
	case STATE_PEERS: {
		size_t n = peer_panel_count(&c->peers);
		if (esc || (is_char && key == 'q')) {
			c->state = STATE_MAIN;
		} else if ((!is_char && key == KEY_UP) || (is_char && key == 'k')) {
			if (c->peerdlg.sel > 0)
				c->peerdlg.sel--;
		} else if ((!is_char && key == KEY_DOWN) || (is_char && key == 'j')) {
			if (c->peerdlg.sel + 1 < n)
				c->peerdlg.sel++;
		} else if (is_enter(key, is_char)) {
			if (n)
				choose_peer(c, c->peerdlg.sel < n ? c->peerdlg.sel : n - 1);
			c->state = STATE_MAIN;
		}
		return true;
	}
	case STATE_HELP: return scroll_text_key(&c->help, key, is_char);
	default: return false;
	}
}

static void on_terminal(struct loop_watch *w, int fd, short revents, void *arg)
{
	(void)w;
	(void)fd;
	struct console *c = arg;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		loop_quit(c->loop, EXIT_OK); /* the terminal went away */
		return;
	}
	wint_t ch;
	int r;
	while ((r = get_wch(&ch)) != ERR) {
		int key = (int)ch;
		bool is_char = r == OK;
		if (!is_char && key == KEY_RESIZE) {
			/* queued by our own resizeterm() (SIGWINCH comes through the signalfd):
			 * only take the new size, or we would queue another one forever */
			getmaxyx(stdscr, c->scr.rows, c->scr.cols);
			c->dirty = true;
			continue;
		}
		if (!is_char && key == KEY_MOUSE) {
			on_mouse(c);
			continue;
		}
		if (c->scr.cols < MIN_COLS || c->scr.rows < MIN_ROWS) {
			if ((c->state == STATE_MAIN || c->state == STATE_HELP) &&
			    ((is_char && key == 'q') || (!is_char && key == KEY_F(10))))
				loop_quit(c->loop, EXIT_OK);
			continue;
		}
		c->dirty = true;
		if (c->state == STATE_PAIR) {
			if (!pair_dialog_key(&c->pair, c->loop, key, is_char)) {
				if (!c->pair.worker)
					actlog_add(&c->log, ACTLOG_INFO,
						   "%s %s: closed; nothing was done.",
						   c->pair.verify ? "SSH check with"
								  : "Pairing with",
						   c->pair.peer);
				else if (!c->pair.finished)
					actlog_add(&c->log, ACTLOG_INFO, "%s %s: cancelled.",
						   c->pair.verify ? "SSH check with"
								  : "Pairing with",
						   c->pair.peer);
				pair_dialog_close(&c->pair);
				c->state = STATE_MAIN;
			}
			continue;
		}
		if (c->state == STATE_ADDR) {
			if (!addr_dialog_key(&c->addr, c->loop, key, is_char)) {
				if (!c->addr.worker || !c->addr.finished)
					actlog_add(&c->log, ACTLOG_INFO, "%s: %s",
						   c->addr.verify ? "Verify" : "Addressing",
						   addr_dialog_result(&c->addr));
				bool quit = c->addr.quit;
				addr_dialog_close(&c->addr);
				c->state = STATE_MAIN;
				if (quit)
					loop_quit(c->loop, EXIT_OK);
			}
			continue;
		}
		if (c->state == STATE_ROLLBACK) {
			if (!rollback_dialog_key(&c->rollback, c->loop, key, is_char)) {
				if (!c->rollback.applied || !c->rollback.finished)
					actlog_add(&c->log, ACTLOG_INFO, "Rollback: %s",
						   rollback_dialog_result(&c->rollback));
				bool quit = c->rollback.quit;
				rollback_dialog_close(&c->rollback);
				c->state = STATE_MAIN;
				if (quit)
					loop_quit(c->loop, EXIT_OK);
			}
			continue;
		}
		if (overlay_key(c, key, is_char))
			continue;
		if (c->state == STATE_MAIN && is_char && key >= '1' && key <= '6') {
			select_step(c, key - '1');
			continue;
		}
		do_action(c, key_action(key, is_char));
	}
}

/* ---------------------------------------------------------------- events */

static void on_signal(int signo, void *arg)
{
	struct console *c = arg;
	if (signo == SIGWINCH) {
		screen_resize(&c->scr);
		c->dirty = true;
		return;
	}
	loop_quit(c->loop, EXIT_OK);
}

static void on_netlink_change(void *arg)
{
	struct console *c = arg;
	c->dirty = true;
}

static void pair_notify(void *arg)
{
	struct console *c = arg;
	learn_pair(c);
	c->dirty = true;
}

static void dialog_notify(void *arg)
{
	struct console *c = arg;
	if (c->state == STATE_ADDR)
		learn_addr(c);
	if (c->state == STATE_ROLLBACK)
		learn_rollback(c);
	c->dirty = true;
}

static void on_peers_change(void *arg)
{
	struct console *c = arg;
	size_t n = peer_panel_count(&c->peers);
	/* log the peers that appear and those that go */
	for (size_t i = 0; i < n; i++) {
		const struct peer *p = peer_panel_get(&c->peers, i);
		size_t k = 0;
		while (k < c->nknown && strcmp(c->known_peers[k], p->host) != 0)
			k++;
		if (k < c->nknown || c->nknown == MAX_KNOWN)
			continue;
		str_copy(c->known_peers[c->nknown++], p->host, sizeof(c->known_peers[0]));
		actlog_add(&c->log, ACTLOG_INFO, "Peer %s seen (mDNS)", p->host);
	}
	for (size_t k = 0; k < c->nknown;) {
		bool there = false;
		for (size_t i = 0; i < n && !there; i++)
			there = strcmp(peer_panel_get(&c->peers, i)->host, c->known_peers[k]) == 0;
		if (there) {
			k++;
			continue;
		}
		actlog_add(&c->log, ACTLOG_INFO, "Peer %s is gone (mDNS)", c->known_peers[k]);
		memmove(c->known_peers[k], c->known_peers[k + 1],
			sizeof(c->known_peers[0]) * (c->nknown - k - 1));
		c->nknown--;
	}
	chosen_peer(c);
	c->dirty = true;
}

int console_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct console *cp = xcalloc(1, sizeof(*cp)), *c = cp;
	char err[512];
	for (int k = 0; k < MAX_PORTS; k++)
		c->cabled[k] = -1;
	c->step_follow = true;
	scroll_text_init(&c->help);
	scroll_text_init(&c->logview);
	if (!screen_open(&c->scr, err, sizeof(err))) {
		fprintf(stderr, "sparklink: %s\n", err);
		free(cp);
		return EXIT_FAIL;
	}
	if (gethostname(c->hostname, sizeof(c->hostname)) != 0)
		str_copy(c->hostname, "?", sizeof(c->hostname));
	c->hostname[sizeof(c->hostname) - 1] = '\0';
	char logpath[4096];
	actlog_default_path(logpath, sizeof(logpath));
	actlog_open(&c->log, logpath);
	if (invocation_get(&c->inv, err, sizeof(err)) < 0) {
		str_copy(c->inv.user.name, "?", sizeof(c->inv.user.name));
		c->inv.journal_owner = geteuid();
		c->inv.root = geteuid() == 0;
		journal_default_path(c->inv.journal, sizeof(c->inv.journal));
		actlog_add(&c->log, ACTLOG_FAIL, "%s", err);
	}
	c->user = c->inv.user;
	str_copy(c->journal_path, c->inv.journal, sizeof(c->journal_path));
	str_copy(c->user_journal_path, c->inv.user_journal, sizeof(c->user_journal_path));
	steps_facts_init(&c->facts, c->hostname, c->user.name);
	actlog_add(&c->log, ACTLOG_INFO, "sparklink %s started on %s as %s%s", SPARKLINK_VERSION,
		   c->hostname, c->user.name,
		   node_local_can_change() ? " (may change the network)" : "");
	if (c->log.error[0])
		actlog_add(&c->log, ACTLOG_FAIL, "%s", c->log.error);
	reread_journal(c);
	c->loop = loop_new();
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
	loop_signals(c->loop, sigs, 4, on_signal, c);
	signal(SIGPIPE, SIG_IGN);
	model_init(&c->model);
	rdma_inventory_scan(&c->model.rdma, true);
	c->model.rdma_scanned = true;
	c->netmon = netmon_new(c->loop, &c->model, on_netlink_change, c, err, sizeof(err));
	if (!c->netmon) {
		actlog_add(&c->log, ACTLOG_FAIL, "Netlink unavailable (%s): showing sysfs once.",
			   err);
		model_load_sysfs_netdevs(&c->model);
		model_rebuild(&c->model);
	} else if (c->model.rdma.nproblems) {
		actlog_add(&c->log, ACTLOG_FAIL, "sysfs: %s", c->model.rdma.problems[0]);
	} else if (c->model.rdma.nports && c->model.rdma.verbs_errno == ENOSYS) {
		actlog_add(&c->log, ACTLOG_INFO,
			   "libibverbs: no RDMA stack on this machine; port "
			   "state comes from sysfs.");
	} else {
		actlog_add(&c->log, ACTLOG_INFO, "Watching %zu interfaces. F1 for help.",
			   c->model.nnetdevs);
	}
	peers_init(&c->peers);
	c->discovery = discovery_new(c->loop, &c->peers, &c->model, on_peers_change, c);
	loop_watch_new(c->loop, STDIN_FILENO, POLLIN, on_terminal, c);
	loop_after_turn(c->loop, after_turn, c);
	draw(c);
	int rc = loop_run(c->loop);
	screen_close(&c->scr);
	if (c->state == STATE_PAIR)
		pair_dialog_close(&c->pair);
	if (c->state == STATE_ADDR)
		addr_dialog_close(&c->addr);
	if (c->state == STATE_ROLLBACK)
		rollback_dialog_close(&c->rollback);
	if (c->bgcheck)
		worker_free(c->bgcheck); /* cancels and joins */
	actlog_add(&c->log, ACTLOG_INFO, "sparklink ended");
	discovery_free(c->discovery);
	peers_free(&c->peers);
	netmon_free(c->netmon);
	model_free(&c->model);
	loop_free(c->loop);
	scroll_text_free(&c->help);
	scroll_text_free(&c->logview);
	actlog_close(&c->log);
	free(cp);
	return rc < 0 ? EXIT_FAIL : rc;
}
