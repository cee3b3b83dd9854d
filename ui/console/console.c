/* console.c: the full-screen console. One loop owns the terminal, netlink, mDNS, the workers'
 * pipes and signals; events update the model and mark it dirty. After each loop turn the state
 * is brought up to date (the step guide, core/guide/steps.h, recomputed from the model, the
 * chosen peer and what jobs learned when one of them may have changed, so its marks follow the
 * cable at once) and, when dirty, the
 * screen is drawn once. Dialogs and overlays are states, never nested loops; this file routes the
 * terminal's keys and clicks to them (actions.c, the dialogs) and every action and its outcome
 * goes to the log (core/guide/actlog.h), whose newest entry is the status line. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "core/mdns/discovery.h"
#include "core/base/util.h"
#include "core/net/sysfs.h"
#include "core/node/node_local.h"
#include "core/jobs/journal.h"
#include "ui/cli/cli.h"
#include "ui/console/console_shared.h"
#include "ui/console/peer_panel.h"
#include "ui/console/screen.h"
#include "sparklink_version.h" /* SPARKLINK_VERSION, made by cmake/version.cmake */

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
			guide_choose_peer(c, (size_t)h->index);
			c->state = STATE_MAIN;
			c->dirty = true;
			return;
		}
		if (c->state != STATE_MAIN && !(c->state == STATE_HELP && h->kind == HIT_KEY))
			return;
		switch (h->kind) {
		case HIT_KEY: actions_run(c, (enum key_action)h->index); break;
		case HIT_STEP:
			if (c->focus == FOCUS_STEPS && c->step_sel == h->index) {
				c->step_follow = true;
				actions_open_step(c, (enum step_id)h->index);
			} else {
				actions_select_step(c, h->index);
			}
			break;
		case HIT_PEER:
			c->focus = FOCUS_PEERS;
			guide_choose_peer(c, (size_t)h->index);
			break;
		default: break;
		}
		c->dirty = true;
		return;
	}
}

/* Keys of the states that are not job dialogs: the log, an explanation, the peer choice, the
 * help; returns enum dialog_flags (widgets.h). */
static unsigned overlay_key(struct console *c, int key, bool is_char)
{
	bool esc = is_char && key == KEY_ESC;
	switch (c->state) {
	case STATE_LOG: return log_view_key(&c->logview, key, is_char);
	case STATE_INFO:
		if (esc || keys_action(key, is_char) == ACT_ENTER || (is_char && key == 'q')) {
			return DIALOG_HANDLED | DIALOG_CLOSE;
		} else if (is_char && c->info.offer2 && key == c->info.offer2) {
			c->state = STATE_MAIN;
			if (key == 'p') /* the env view's second offer */
				env_view_write_peers(c);
		} else if (is_char && c->info.offer && key == c->info.offer) {
			c->state = STATE_MAIN;
			if (keys_action(key, is_char) == ACT_USER)
				actions_open_pair(c, false, true);
			else if (key == 'w') /* the env view's offer */
				env_view_write(c);
		}
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case STATE_PEERS: {
		size_t n = peer_panel_count(&c->peers);
		if (esc || (is_char && key == 'q')) {
			return DIALOG_HANDLED | DIALOG_CLOSE;
		} else if ((!is_char && key == KEY_UP) || (is_char && key == 'k')) {
			if (c->peerdlg.sel > 0)
				c->peerdlg.sel--;
		} else if ((!is_char && key == KEY_DOWN) || (is_char && key == 'j')) {
			if (c->peerdlg.sel + 1 < n)
				c->peerdlg.sel++;
		} else if (keys_action(key, is_char) == ACT_ENTER) {
			if (n)
				guide_choose_peer(c, c->peerdlg.sel < n ? c->peerdlg.sel : n - 1);
			return DIALOG_HANDLED | DIALOG_CLOSE;
		}
		return DIALOG_HANDLED | DIALOG_REDRAW;
	}
	case STATE_HELP:
		return scroll_text_key(&c->help, key, is_char) ? DIALOG_HANDLED | DIALOG_REDRAW : 0;
	case STATE_CABLING:
		if (is_char && key == 't') {
			actions_next_topology(c);
			return DIALOG_HANDLED | DIALOG_REDRAW;
		}
		if (is_char && key == 'g') {
			c->cread.again = true;
			return DIALOG_HANDLED | DIALOG_REDRAW;
		}
		return cabling_view_key(&c->cabling, key, is_char) | DIALOG_HANDLED;
	case STATE_MONITOR: {
		unsigned flags = monitor_view_key(&c->monview, key, is_char);
		if (flags & DIALOG_CLOSE)
			monitor_view_close(&c->monview); /* no more samples, no timer */
		return flags;
	}
	default: return 0;
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
			    keys_action(key, is_char) == ACT_QUIT)
				loop_quit(c->loop, EXIT_OK);
			continue;
		}
		if (c->state == STATE_PAIR || c->state == STATE_ADDR ||
		    c->state == STATE_ROLLBACK || c->state == STATE_MESH ||
		    c->state == STATE_CLUSTER) {
			actions_dialog_key(c, key, is_char);
			continue;
		}
		c->dirty = true;
		unsigned flags = overlay_key(c, key, is_char);
		if (flags & DIALOG_CLOSE)
			c->state = STATE_MAIN;
		if (flags & DIALOG_HANDLED)
			continue;
		if (c->state == STATE_MAIN && is_char && key >= '1' && key <= '6') {
			actions_select_step(c, key - '1');
			continue;
		}
		actions_run(c, keys_action(key, is_char));
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
	if (signo == SIGTSTP) { /* Ctrl-Z: stopped in there until fg */
		screen_suspend(&c->scr);
		c->dirty = true;
		return;
	}
	loop_quit(c->loop, EXIT_OK);
}

static void on_netlink_change(void *arg)
{
	struct console *c = arg;
	nmwatch_check(c->nmwatch); /* a twin came or went: NetworkManager's view of it */
	/* the model is dirty (netmon refreshed it); c->dirty is left to the other causes, so that
	 * a change to other interfaces only does not make the steps again (guide_steps_stale) */
}

/* NetworkManager or /etc/netplan changed (a probe after their own events): the model's view and
 * findings are new */
static void on_nm_change(void *arg)
{
	struct console *c = arg;
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
	guide_peer(c);
	c->dirty = true;
}

/* What changed this turn, then the screen: the steps recomputed (and what changed logged), the
 * log screen and the peer choice brought up to date, then drawn. */
static void update(struct console *c)
{
	if (guide_steps_stale(c))
		guide_update(c);
	if (c->state == STATE_LOG)
		log_view_update(&c->logview, &c->log);
	if (c->state == STATE_PEERS)
		peer_dialog_update(&c->peerdlg, &c->peers);
}

static void after_turn(void *arg)
{
	struct console *c = arg;
	bgcheck_after_turn(c);
	cluster_read_after_turn(c);
	env_view_after_turn(c);
	if (c->dirty || c->model.dirty) {
		update(c);
		layout_draw(c);
		c->dirty = false;
		c->model.dirty = false;
	}
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
	cabling_view_init(&c->cabling);
	cluster_state_init(&c->cluster);
	log_view_init(&c->logview);
	if (!screen_open(&c->scr, err, sizeof(err))) {
		fprintf(stderr, "sparklink: %s\n", err);
		free(cp);
		return EXIT_FAIL;
	}
	if (gethostname(c->hostname, sizeof(c->hostname)) != 0)
		str_copy(c->hostname, "?", sizeof(c->hostname));
	c->hostname[sizeof(c->hostname) - 1] = '\0';
	char logpath[PATH_MAX];
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
	guide_reread_journal(c);
	c->loop = loop_new();
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP };
	loop_signals(c->loop, sigs, (int)ARRAY_LEN(sigs), on_signal, c);
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
	c->nmwatch = nmwatch_new(c->loop, &c->model, on_nm_change, c, err, sizeof(err));
	if (err[0])
		actlog_add(&c->log, ACTLOG_INFO, "NetworkManager: %s", err);
	peers_init(&c->peers);
	c->discovery = discovery_new(c->loop, &c->peers, &c->model, on_peers_change, c);
	loop_watch_new(c->loop, STDIN_FILENO, POLLIN, on_terminal, c);
	loop_after_turn(c->loop, after_turn, c);
	update(c);
	layout_draw(c);
	int rc = loop_run(c->loop);
	screen_close(&c->scr);
	if (c->state == STATE_PAIR)
		pair_dialog_close(&c->pair);
	if (c->state == STATE_ADDR)
		addr_dialog_close(&c->addr);
	if (c->state == STATE_ROLLBACK)
		rollback_dialog_close(&c->rollback);
	if (c->state == STATE_MESH)
		mesh_dialog_close(&c->mesh);
	if (c->state == STATE_CLUSTER)
		cluster_dialog_close(&c->cdlg);
	cluster_read_free(&c->cread);
	cabling_view_free(&c->cabling);
	monitor_view_close(&c->monview);
	bgcheck_free(&c->bgcheck);
	env_view_free(c);
	actlog_add(&c->log, ACTLOG_INFO, "sparklink ended");
	discovery_free(c->discovery);
	peers_free(&c->peers);
	nmwatch_free(c->nmwatch);
	netmon_free(c->netmon);
	model_free(&c->model);
	loop_free(c->loop);
	scroll_text_free(&c->help);
	log_view_free(&c->logview);
	actlog_close(&c->log);
	free(cp);
	return rc < 0 ? EXIT_FAIL : rc;
}
