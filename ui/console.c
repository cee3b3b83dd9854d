/* console.c: the full-screen console. One loop owns the terminal, netlink and signals; events
 * update the model and mark it dirty; the screen is redrawn once per turn when dirty.
 * Overlays (help, later dialogs) are states, never nested loops. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "core/loop.h"
#include "core/model.h"
#include "core/netmon.h"
#include "core/peers.h"
#include "core/sysfs.h"
#include "core/util.h"
#include "ui/addr_dialog.h"
#include "ui/cli.h"
#include "ui/pair_dialog.h"
#include "ui/peer_panel.h"
#include "ui/port_panel.h"
#include "ui/rollback_dialog.h"
#include "ui/screen.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum state { STATE_MAIN, STATE_HELP, STATE_PAIR, STATE_ADDR, STATE_ROLLBACK };

#define MAX_PAIRED 32

struct console {
	struct loop *loop;
	struct screen scr;
	struct model model;
	struct netmon *netmon;
	struct peers peers;
	struct discovery *discovery;
	size_t peer_sel;
	bool peer_focus;
	struct pair_dialog pair;
	struct addr_dialog addr;
	struct rollback_dialog rollback;
	struct {
		char host[256];
		char status[64];
	} paired[MAX_PAIRED]; /* what this session learned about each peer's SSH */
	size_t npaired;
	enum state state;
	bool dirty;
	char status[160];
	char hostname[64];
};

static void pair_notify(void *arg);
static void dialog_notify(void *arg);

static const char *peer_ssh_status(const struct peer *p, void *arg);

#define MIN_COLS 80
#define MIN_ROWS 24

enum action { ACT_NONE, ACT_QUIT, ACT_HELP, ACT_CLOSE, ACT_REDRAW, ACT_FOCUS, ACT_UP, ACT_DOWN,
	      ACT_PAIR, ACT_VERIFY, ACT_ADDR, ACT_ROLLBACK };

struct binding {
	int key;
	enum action action;
	const char *label; /* shown in the F-key bar when set */
};

static const struct binding bindings[] = {
	{ KEY_F(1), ACT_HELP, "Help" },
	{ KEY_F(2), ACT_PAIR, "Pair" },
	{ KEY_F(3), ACT_VERIFY, "Verify" },
	{ KEY_F(4), ACT_ADDR, "Address" },
	{ KEY_F(6), ACT_ROLLBACK, "Rollback" },
	{ 'p', ACT_PAIR, NULL },
	{ 'v', ACT_VERIFY, NULL },
	{ 'a', ACT_ADDR, NULL },
	{ 'r', ACT_ROLLBACK, NULL },
	{ '\r', ACT_PAIR, NULL },
	{ '\n', ACT_PAIR, NULL },
	{ KEY_ENTER, ACT_PAIR, NULL },
	{ '?', ACT_HELP, NULL },
	{ 'h', ACT_HELP, NULL },
	{ KEY_F(10), ACT_QUIT, "Quit" },
	{ 'q', ACT_QUIT, NULL },
	{ 27, ACT_CLOSE, NULL },
	{ 12, ACT_REDRAW, NULL }, /* Ctrl-L */
	{ '\t', ACT_FOCUS, NULL },
	{ KEY_UP, ACT_UP, NULL },
	{ 'k', ACT_UP, NULL },
	{ KEY_DOWN, ACT_DOWN, NULL },
	{ 'j', ACT_DOWN, NULL },
};

static const char *const help_lines[] = {
	"sparklink shows every ConnectX-7 port of this Spark, live.",
	"",
	"Each physical QSFP port appears once, with its two netdevs (twins):",
	"one cable brings both twins Up; both are needed for full bandwidth.",
	"States are updated from kernel events as they happen.",
	"",
	"Keys",
	"  F1  ?  h      this help",
	"  F10 q         quit",
	"  Esc           close this help",
	"  Ctrl-L        redraw the screen",
	"  Tab           move focus to the peers list and back",
	"  Up/Down j/k   choose a peer",
	"  F2 p Enter    pair with the chosen peer (passwordless SSH both ways)",
	"  F3 v          verify SSH with the chosen peer, both ways, keys only",
	"  F4 a          address the cabled ports here and on the chosen peer",
	"  F6 r          roll back what sparklink changed (listed first)",
	"",
	"Peers are other Sparks announcing SSH over mDNS (avahi), with where",
	"each was seen: on a cable (port N) or on the LAN. Addressing and",
	"rollback change the network: start the console with sudo.",
	"",
	"Command line: sparklink ports [-v|--json|--watch]; sparklink --help",
	"NO_COLOR=1 turns colour off; SPARKLINK_ASCII=1 forces ASCII lines.",
};

static void draw_fkeys(struct console *c)
{
	struct screen *s = &c->scr;
	int y = s->rows - 1, x = 0;
	screen_fill(s, y, 0, 1, s->cols, ROLE_KEYTEXT);
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++) {
		const struct binding *b = &bindings[i];
		if (!b->label || b->key < KEY_F(1) || b->key > KEY_F(12))
			continue;
		char k[8];
		snprintf(k, sizeof(k), "F%d", b->key - KEY_F(0));
		screen_text(s, y, x, 4, ROLE_KEY, k);
		x += (int)strlen(k) + 1;
		screen_text(s, y, x, 12, ROLE_KEYTEXT, b->label);
		x += (int)strlen(b->label) + 2;
	}
}

static void draw_help(struct console *c)
{
	struct screen *s = &c->scr;
	int w = 72, h = (int)ARRAY_LEN(help_lines) + 4;
	if (w > s->cols - 2)
		w = s->cols - 2;
	if (h > s->rows - 2)
		h = s->rows - 2;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2;
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, "Help (Esc closes)");
	for (size_t i = 0; i < ARRAY_LEN(help_lines) && (int)i < h - 3; i++)
		screen_text(s, y + 2 + (int)i, x + 2, w - 4,
			    help_lines[i][0] && help_lines[i][0] != ' ' && strlen(help_lines[i]) < 10
				    ? ROLE_HEADER : ROLE_NORMAL,
			    help_lines[i]);
}

static void draw(struct console *c)
{
	struct screen *s = &c->scr;
	erase();
	if (s->cols < MIN_COLS || s->rows < MIN_ROWS) {
		char msg[160];
		snprintf(msg, sizeof(msg), "Terminal too small: %dx%d, need at least %dx%d.", s->cols,
			 s->rows, MIN_COLS, MIN_ROWS);
		screen_text(s, s->rows / 2 - 1, 1, s->cols - 2, ROLE_WARN, msg);
		screen_text(s, s->rows / 2, 1, s->cols - 2, ROLE_NORMAL,
			    "Enlarge the window, or press q to quit.");
		refresh();
		return;
	}
	char title[200];
	snprintf(title, sizeof(title), " sparklink %s  |  %s  |  %s", SPARKLINK_VERSION, c->hostname,
		 c->model.netlink_ok ? "live (netlink)" : "static (sysfs only)");
	screen_fill(s, 0, 0, 1, s->cols, ROLE_TITLE);
	screen_text(s, 0, 0, s->cols, ROLE_TITLE, title);
	int top = 1, bottom = s->rows - 2; /* rows [top, bottom) */
	const struct model *m = &c->model;
	if (s->cols >= 134) {
		/* side by side once both fit whole: the ports need 86 columns (60 fixed + an IPv6
		 * link-local address), the peers 48 ("port 1  enP2p1s0f1np1 fe80::5ebb:47ff:fe14:4") */
		int pw = s->cols - 86 > 60 ? 60 : s->cols - 86, lw = s->cols - pw;
		int y = top;
		y += port_panel_draw(s, m, y, 0, bottom - y, lw);
		y += iface_panel_draw(s, m, y, 0, bottom - y - 3, lw);
		findings_panel_draw(s, m, y, 0, bottom - y, lw);
		peer_panel_draw(s, m, &c->peers, c->peer_sel, c->peer_focus, peer_ssh_status, c, top, lw,
				bottom - top, pw);
	} else {
		int y = top;
		y += port_panel_draw(s, m, y, 0, bottom - y, s->cols);
		y += peer_panel_draw(s, m, &c->peers, c->peer_sel, c->peer_focus, peer_ssh_status, c, y, 0,
				     bottom - y - 3 > 4 ? 4 + (bottom - y - 3 - 4) / 2 : bottom - y - 3,
				     s->cols);
		y += iface_panel_draw(s, m, y, 0, bottom - y - 3, s->cols);
		findings_panel_draw(s, m, y, 0, bottom - y, s->cols);
	}
	screen_text(s, s->rows - 2, 1, s->cols - 2, ROLE_DIM, c->status);
	draw_fkeys(c);
	if (c->state == STATE_HELP)
		draw_help(c);
	if (c->state == STATE_PAIR)
		pair_dialog_draw(s, &c->pair);
	if (c->state == STATE_ADDR)
		addr_dialog_draw(s, &c->addr);
	if (c->state == STATE_ROLLBACK)
		rollback_dialog_draw(s, &c->rollback);
	refresh();
}

static void pair_notify(void *arg);

static const char *peer_ssh_status(const struct peer *p, void *arg)
{
	struct console *c = arg;
	for (size_t i = 0; i < c->npaired; i++)
		if (strcmp(c->paired[i].host, p->host) == 0)
			return c->paired[i].status;
	return "not paired";
}

static void remember(struct console *c, const char *host, const char *status)
{
	size_t i = 0;
	while (i < c->npaired && strcmp(c->paired[i].host, host) != 0)
		i++;
	if (i == c->npaired) {
		if (c->npaired == MAX_PAIRED)
			return;
		c->npaired++;
	}
	str_copy(c->paired[i].host, host, sizeof(c->paired[i].host));
	str_copy(c->paired[i].status, status, sizeof(c->paired[i].status));
}

static void pair_finished(struct console *c)
{
	const struct pair_dialog *d = &c->pair;
	if (d->status == PAIR_OK)
		remember(c, d->peer, "verified both ways");
	else if (d->job.out.files_changed > 0 || d->dir_ok[0] == 1 || d->dir_ok[1] == 1)
		remember(c, d->peer, "paired, not verified");
	snprintf(c->status, sizeof(c->status), "%s %s: %s", d->verify ? "Verify" : "Pairing", d->peer,
		 d->summary[0] ? d->summary : pair_status_word(d->status));
}

static void open_pair(struct console *c, bool verify)
{
	const struct peer *p = peer_panel_get(&c->peers, c->peer_sel);
	if (!p) {
		snprintf(c->status, sizeof(c->status),
			 "No peer to %s: none is seen over mDNS yet (is the cable in, avahi running?).",
			 verify ? "verify" : "pair with");
		return;
	}
	char why[256];
	if (!pair_dialog_open(&c->pair, p, &c->model, verify, why, sizeof(why))) {
		snprintf(c->status, sizeof(c->status), "Cannot %s %s: %s", verify ? "verify" : "pair with",
			 p->host, why);
		return;
	}
	c->pair.notify = pair_notify;
	c->pair.notify_arg = c;
	c->state = STATE_PAIR;
}

static void open_addr(struct console *c)
{
	const struct peer *p = peer_panel_get(&c->peers, c->peer_sel);
	char why[512];
	if (!addr_dialog_open(&c->addr, p, &c->model, c->hostname, why, sizeof(why))) {
		addr_dialog_close(&c->addr);
		snprintf(c->status, sizeof(c->status), "Cannot address with %s: %s", p ? p->host : "-",
			 why);
		return;
	}
	c->addr.notify = dialog_notify;
	c->addr.notify_arg = c;
	c->state = STATE_ADDR;
}

static void open_rollback(struct console *c)
{
	char why[512];
	if (!rollback_dialog_open(&c->rollback, c->loop, why, sizeof(why))) {
		rollback_dialog_close(&c->rollback);
		snprintf(c->status, sizeof(c->status), "Cannot roll back: %s", why);
		return;
	}
	c->rollback.notify = dialog_notify;
	c->rollback.notify_arg = c;
	c->state = STATE_ROLLBACK;
}

static void after_turn(void *arg)
{
	struct console *c = arg;
	if (c->dirty || c->model.dirty) {
		draw(c);
		c->dirty = false;
		c->model.dirty = false;
	}
}

static enum action key_action(int key)
{
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++)
		if (bindings[i].key == key)
			return bindings[i].action;
	return ACT_NONE;
}

static void do_action(struct console *c, enum action a)
{
	switch (a) {
	case ACT_QUIT:
		loop_quit(c->loop, EXIT_OK);
		break;
	case ACT_HELP:
		c->state = c->state == STATE_HELP ? STATE_MAIN : STATE_HELP;
		break;
	case ACT_CLOSE:
		c->state = STATE_MAIN;
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		break;
	case ACT_FOCUS:
		c->peer_focus = !c->peer_focus;
		break;
	case ACT_UP:
		if (c->peer_sel > 0)
			c->peer_sel--;
		break;
	case ACT_DOWN:
		if (c->peer_sel + 1 < peer_panel_count(&c->peers))
			c->peer_sel++;
		break;
	case ACT_PAIR:
	case ACT_VERIFY:
		if (c->state == STATE_MAIN)
			open_pair(c, a == ACT_VERIFY);
		break;
	case ACT_ADDR:
		if (c->state == STATE_MAIN)
			open_addr(c);
		break;
	case ACT_ROLLBACK:
		if (c->state == STATE_MAIN)
			open_rollback(c);
		break;
	default:
		return;
	}
	c->dirty = true;
}

/* A click on the F-key bar acts as the key under it. */
static void on_mouse(struct console *c)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || ev.y != c->scr.rows - 1)
		return;
	if (c->state != STATE_MAIN && c->state != STATE_HELP)
		return; /* a dialog owns the keys (and its worker) until it closes */
	int x = 0;
	for (size_t i = 0; i < ARRAY_LEN(bindings); i++) {
		const struct binding *b = &bindings[i];
		if (!b->label || b->key < KEY_F(1) || b->key > KEY_F(12))
			continue;
		int w = (b->key - KEY_F(0) >= 10 ? 3 : 2) + 1 + (int)strlen(b->label) + 2;
		if (ev.x >= x && ev.x < x + w) {
			do_action(c, b->action);
			return;
		}
		x += w;
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
		if (r == KEY_CODE_YES && key == KEY_RESIZE) {
			/* queued by our own resizeterm() (SIGWINCH comes through the signalfd):
			 * only take the new size, or we would queue another one forever */
			getmaxyx(stdscr, c->scr.rows, c->scr.cols);
			c->dirty = true;
			continue;
		}
		if (r == KEY_CODE_YES && key == KEY_MOUSE) {
			on_mouse(c);
			continue;
		}
		if (c->scr.cols < MIN_COLS || c->scr.rows < MIN_ROWS) {
			if ((c->state == STATE_MAIN || c->state == STATE_HELP) &&
			    (key == 'q' || key == KEY_F(10)))
				loop_quit(c->loop, EXIT_OK);
			continue;
		}
		if (c->state == STATE_PAIR) {
			if (!pair_dialog_key(&c->pair, c->loop, key, r == OK)) {
				pair_finished(c);
				pair_dialog_close(&c->pair);
				c->state = STATE_MAIN;
			}
			c->dirty = true;
			continue;
		}
		if (c->state == STATE_ADDR) {
			if (!addr_dialog_key(&c->addr, c->loop, key, r == OK)) {
				snprintf(c->status, sizeof(c->status), "Addressing: %s",
					 addr_dialog_result(&c->addr));
				bool quit = c->addr.quit;
				addr_dialog_close(&c->addr);
				c->state = STATE_MAIN;
				if (quit)
					loop_quit(c->loop, EXIT_OK);
			}
			c->dirty = true;
			continue;
		}
		if (c->state == STATE_ROLLBACK) {
			if (!rollback_dialog_key(&c->rollback, c->loop, key, r == OK)) {
				snprintf(c->status, sizeof(c->status), "Rollback: %s",
					 rollback_dialog_result(&c->rollback));
				bool quit = c->rollback.quit;
				rollback_dialog_close(&c->rollback);
				c->state = STATE_MAIN;
				if (quit)
					loop_quit(c->loop, EXIT_OK);
			}
			c->dirty = true;
			continue;
		}
		do_action(c, key_action(key));
	}
}

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
	c->dirty = true;
}

static void dialog_notify(void *arg)
{
	struct console *c = arg;
	c->dirty = true;
}

static void on_peers_change(void *arg)
{
	struct console *c = arg;
	size_t n = peer_panel_count(&c->peers);
	if (c->peer_sel >= n)
		c->peer_sel = n ? n - 1 : 0;
	c->dirty = true;
}

int console_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct console c;
	memset(&c, 0, sizeof(c));
	char err[256];
	if (!screen_open(&c.scr, err, sizeof(err))) {
		fprintf(stderr, "sparklink: %s\n", err);
		return EXIT_FAIL;
	}
	if (gethostname(c.hostname, sizeof(c.hostname)) != 0)
		str_copy(c.hostname, "?", sizeof(c.hostname));
	c.hostname[sizeof(c.hostname) - 1] = '\0';
	c.loop = loop_new();
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
	loop_signals(c.loop, sigs, 4, on_signal, &c);
	signal(SIGPIPE, SIG_IGN);
	model_init(&c.model);
	rdma_inventory_scan(&c.model.rdma, true);
	c.model.rdma_scanned = true;
	c.netmon = netmon_new(c.loop, &c.model, on_netlink_change, &c, err, sizeof(err));
	if (!c.netmon) {
		snprintf(c.status, sizeof(c.status), "Netlink unavailable (%s): showing sysfs once.", err);
		model_load_sysfs_netdevs(&c.model);
		model_rebuild(&c.model);
	} else if (c.model.rdma.nproblems) {
		snprintf(c.status, sizeof(c.status), "sysfs: %s", c.model.rdma.problems[0]);
	} else if (c.model.rdma.nports && c.model.rdma.verbs_errno == ENOSYS) {
		snprintf(c.status, sizeof(c.status),
			 "libibverbs: no RDMA stack on this machine; port state comes from sysfs.");
	} else {
		snprintf(c.status, sizeof(c.status), "Watching %zu interfaces. F1 for help.",
			 c.model.nnetdevs);
	}
	peers_init(&c.peers);
	c.discovery = discovery_new(c.loop, &c.peers, on_peers_change, &c);
	loop_watch_new(c.loop, STDIN_FILENO, POLLIN, on_terminal, &c);
	loop_after_turn(c.loop, after_turn, &c);
	draw(&c);
	int rc = loop_run(c.loop);
	screen_close(&c.scr);
	if (c.state == STATE_PAIR)
		pair_dialog_close(&c.pair);
	if (c.state == STATE_ADDR)
		addr_dialog_close(&c.addr);
	if (c.state == STATE_ROLLBACK)
		rollback_dialog_close(&c.rollback);
	discovery_free(c.discovery);
	peers_free(&c.peers);
	netmon_free(c.netmon);
	model_free(&c.model);
	loop_free(c.loop);
	return rc < 0 ? EXIT_FAIL : rc;
}
