/* actions.c: what the console's actions do: from the main screen (a key of the key table, a
 * click, Enter on a step) to a dialog opened or the selection moved; and a dialog's key, with its
 * closing logged. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "core/base/util.h"
#include "ui/cli/cli.h"
#include "ui/console/console_shared.h"
#include "ui/console/help.h"
#include "ui/console/peer_panel.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static void pair_notify(void *arg)
{
	struct console *c = arg;
	guide_learn_pair(c);
	c->dirty = true;
}

static void dialog_notify(void *arg)
{
	struct console *c = arg;
	if (c->state == STATE_ADDR)
		guide_learn_addr(c);
	if (c->state == STATE_ROLLBACK)
		guide_learn_rollback(c);
	c->dirty = true;
}

static void need_peer(struct console *c, const char *what)
{
	actlog_add(
		&c->log, ACTLOG_FAIL,
		"No peer to %s: none is seen over mDNS yet. Plug the cable "
		"in and make sure the other Spark is on (avahi-daemon running); it appears in the "
		"peers panel by itself.",
		what);
}

static void mesh_notify(void *arg)
{
	struct console *c = arg;
	guide_learn_mesh(c);
	c->dirty = true;
}

static void cluster_notify(void *arg)
{
	struct console *c = arg;
	guide_learn_cluster(c);
	c->dirty = true;
}

static void open_mesh(struct console *c)
{
	char why[512];
	if (!mesh_dialog_open(&c->mesh, &c->peers, &c->cluster, &c->model, &c->inv, why,
			      sizeof(why))) {
		mesh_dialog_close(&c->mesh);
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot pair the marked nodes: %s.", why);
		return;
	}
	c->mesh.view.notify = mesh_notify;
	c->mesh.view.notify_arg = c;
	c->mesh_learned = false;
	c->state = STATE_MESH;
}

static void open_cluster(struct console *c)
{
	char why[512];
	if (!cluster_dialog_open(&c->cdlg, &c->cluster, c->hostname, &c->peers, &c->model, c->loop,
				 &c->inv, why, sizeof(why))) {
		cluster_dialog_close(&c->cdlg);
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot address the cluster: %s.", why);
		return;
	}
	c->cdlg.view.notify = cluster_notify;
	c->cdlg.view.notify_arg = c;
	c->cluster_learned = false;
	c->state = STATE_CLUSTER;
}

static void open_cluster_verify(struct console *c)
{
	char why[512];
	if (!c->facts.cluster_applied) {
		actlog_add(&c->log, ACTLOG_FAIL,
			   "Nothing to verify yet: no cluster plan is applied (the journal has "
			   "none). Address the nodes first (%s).",
			   keys_letter(ACT_ADDR));
		return;
	}
	if (!cluster_dialog_open_verify(&c->cdlg, &c->cluster, &c->facts.cluster, c->loop, &c->inv,
					why, sizeof(why))) {
		cluster_dialog_close(&c->cdlg);
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot verify the cluster: %s.", why);
		return;
	}
	c->cdlg.view.notify = cluster_notify;
	c->cdlg.view.notify_arg = c;
	c->cluster_learned = false;
	c->state = STATE_CLUSTER;
}

static void open_cabling(struct console *c)
{
	c->cread.again = true; /* the peers' twins as they are now */
	cluster_state_map(&c->cluster, c->hostname, &c->model, &c->peers, &c->cmap);
	cabling_view_update(&c->cabling, &c->cluster, &c->cmap, c->hostname, &c->steps[STEP_CABLE]);
	c->cabling.text.top = 0;
	c->state = STATE_CABLING;
}

static void mark_peer(struct console *c)
{
	const struct peer *p = guide_peer(c);
	if (!p) {
		need_peer(c, "mark for the cluster");
		return;
	}
	int r = cluster_state_toggle(&c->cluster, p->host);
	if (r < 0)
		actlog_add(&c->log, ACTLOG_FAIL,
			   "Cannot mark %s: a cluster has at most %d nodes, and each a plain host "
			   "name.",
			   p->host, CLUSTER_MAX_NODES);
	else
		actlog_add(&c->log, ACTLOG_INFO, "%s %s the cluster (%zu node%s with this one)",
			   p->host, r ? "joins" : "leaves", c->cluster.n + 1,
			   c->cluster.n ? "s" : "");
}

void actions_next_topology(struct console *c)
{
	cluster_state_next_topology(&c->cluster);
	actlog_add(&c->log, ACTLOG_INFO, "Cluster topology: %s",
		   c->cluster.want == TOPOLOGY_NONE ? "as the cables make it"
						    : topology_name(c->cluster.want));
}

static void monitor_notify(void *arg)
{
	struct console *c = arg;
	c->dirty = true; /* a new sample: draw it */
}

void actions_open_pair(struct console *c, bool verify, bool create_user)
{
	const struct peer *p = guide_peer(c);
	if (!p) {
		need_peer(c, verify ? "check" : "pair with");
		return;
	}
	char why[256];
	if (!pair_dialog_open(&c->pair, &c->peers, p, &c->model, verify, &c->inv, why,
			      sizeof(why))) {
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot %s %s: %s.",
			   verify ? "check SSH with" : "pair with", p->host, why);
		return;
	}
	c->pair.view.notify = pair_notify;
	c->pair.view.notify_arg = c;
	if (create_user)
		c->pair.phase = PD_ADMIN;
	c->pair_learned = false;
	c->state = STATE_PAIR;
}

static void open_addr(struct console *c)
{
	const struct peer *p = guide_peer(c);
	char why[512];
	if (!addr_dialog_open(&c->addr, &c->peers, p, &c->model, c->hostname, &c->inv, why,
			      sizeof(why))) {
		addr_dialog_close(&c->addr);
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot address with %s: %s", p ? p->host : "-",
			   why);
		return;
	}
	c->addr.view.notify = dialog_notify;
	c->addr.view.notify_arg = c;
	c->addr_learned = false;
	c->state = STATE_ADDR;
}

static void open_verify(struct console *c)
{
	if (!c->facts.plan_applied) {
		char keys[32];
		keys_names(ACT_ADDR, keys, sizeof(keys));
		actlog_add(&c->log, ACTLOG_FAIL,
			   "Nothing to verify yet: no addressing plan is applied "
			   "(the journal has none). Address the ports first (%s).",
			   keys);
		return;
	}
	char why[512];
	if (!addr_dialog_open_verify(&c->addr, &c->model, c->loop, &c->inv, why, sizeof(why))) {
		addr_dialog_close(&c->addr);
		actlog_add(&c->log, ACTLOG_FAIL, "Cannot verify: %s.", why);
		return;
	}
	c->addr.view.notify = dialog_notify;
	c->addr.view.notify_arg = c;
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
	c->rollback.view.notify = dialog_notify;
	c->rollback.view.notify_arg = c;
	c->rollback_learned = false;
	c->state = STATE_ROLLBACK;
}

static void open_peers(struct console *c, const char *why)
{
	guide_peer(c);
	c->peerdlg.sel = c->peer_sel;
	str_copy(c->peerdlg.why, why ? why : "", sizeof(c->peerdlg.why));
	c->state = STATE_PEERS;
}

/* Step 1 failing: the explanation, with the fix offered (the pairing dialog's u). */
static void open_user_info(struct console *c)
{
	const struct peer *p = guide_peer(c);
	const struct step *st = &c->steps[STEP_USER];
	char text[2400], keys[200], title[200], reason[400];
	const char *u = keys_letter(ACT_USER);
	keys_step_reason(st, reason, sizeof(reason));
	snprintf(title, sizeof(title), "Step 1: the same user on both nodes (Esc closes)");
	if (st->mark == STEP_FAILING && p) {
		snprintf(
			text, sizeof(text),
			"%s\n"
			"Why: the playbook runs MPI and NCCL jobs as one user on every node, with the "
			"same home layout, and SSH logs in under the same name.\n"
			"Fix: press %s. You name a user on %s who can use sudo and type that user's "
			"password; sparklink creates '%s' there as the playbook does (useradd -m, group "
			"sudo, a new password you type), then pairs as '%s'. Or log in here as a user "
			"that %s has, and start sparklink again.",
			reason, u, p->host, c->facts.user, c->facts.user, p->host);
		snprintf(keys, sizeof(keys), "%s: create '%s' on %s now    Esc: close", u,
			 c->facts.user, p->host);
		info_dialog_set(&c->info, title, text, keys, keys_char(ACT_USER));
	} else {
		snprintf(text, sizeof(text),
			 "%s\nThe playbook needs the same user name on both nodes; "
			 "pairing (step 4) checks it by logging in there as you (%s).",
			 reason, c->facts.user);
		info_dialog_set(&c->info, title, text, "Esc: close", 0);
	}
	c->state = STATE_INFO;
}

void actions_open_step(struct console *c, enum step_id id)
{
	const struct step *st = &c->steps[id];
	char reason[400];
	keys_step_reason(st, reason, sizeof(reason));
	switch (id) {
	case STEP_USER:
		if (guide_cluster_mode(c) && st->mark == STEP_TODO)
			open_mesh(c);
		else if (st->mark == STEP_TODO && guide_peer(c))
			actions_open_pair(c, false, false);
		else
			open_user_info(c);
		break;
	case STEP_CABLE:
		if (guide_cluster_mode(c)) {
			open_cabling(c);
		} else if (!peer_panel_count(&c->peers)) {
			char text[1200];
			snprintf(
				text, sizeof(text),
				"%s\nOne QSFP cable between the same port of both "
				"Sparks (port 0 or 1) is enough: its two netdevs (twins) come Up "
				"together within seconds, and the other Spark appears in the peers "
				"panel \"on a cable\", before any IPv4 address exists.",
				reason);
			info_dialog_set(&c->info, "Step 2: the cable (Esc closes)", text,
					"Esc: close", 0);
			c->state = STATE_INFO;
		} else {
			open_peers(c, reason);
		}
		break;
	case STEP_ADDR: guide_cluster_mode(c) ? open_cluster(c) : open_addr(c); break;
	case STEP_SSH:
		if (guide_cluster_mode(c))
			open_mesh(c);
		else
			actions_open_pair(c, st->mark == STEP_DONE, false);
		break;
	case STEP_VERIFY: guide_cluster_mode(c) ? open_cluster_verify(c) : open_verify(c); break;
	case STEP_ROLLBACK: open_rollback(c); break;
	default: break;
	}
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
	guide_peer(c);
	size_t i = c->peer_sel;
	if (delta < 0 && i > 0)
		i--;
	else if (delta > 0 && i + 1 < n)
		i++;
	guide_choose_peer(c, i);
}

void actions_select_step(struct console *c, int i)
{
	c->focus = FOCUS_STEPS;
	c->step_sel = i;
	c->step_follow = false;
}

void actions_run(struct console *c, enum key_action a)
{
	if (c->state != STATE_MAIN && c->state != STATE_HELP)
		return;
	switch (a) {
	case ACT_QUIT: loop_quit(c->loop, EXIT_OK); break;
	case ACT_HELP:
		if (c->state == STATE_HELP) {
			c->state = STATE_MAIN;
		} else {
			help_fill(&c->help, &c->log, c->journal_path);
			c->state = STATE_HELP;
		}
		break;
	case ACT_CLOSE: c->state = STATE_MAIN; break;
	case ACT_REDRAW: screen_repaint(); break;
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
				guide_peer(c);
				guide_choose_peer(c, c->peer_sel);
				c->focus = FOCUS_STEPS;
				guide_update(c);
				actions_open_step(c, (enum step_id)c->step_sel);
			} else {
				actions_open_step(c, (enum step_id)c->step_sel);
			}
			break;
		case ACT_PAIR:
			if (guide_cluster_mode(c))
				open_mesh(c);
			else
				actions_open_pair(c, false, false);
			break;
		case ACT_CHECK: actions_open_pair(c, true, false); break;
		case ACT_ADDR: guide_cluster_mode(c) ? open_cluster(c) : open_addr(c); break;
		case ACT_MARK: mark_peer(c); break;
		case ACT_TOPOLOGY: actions_next_topology(c); break;
		case ACT_VERIFY:
			guide_cluster_mode(c) ? open_cluster_verify(c) : open_verify(c);
			break;
		case ACT_ROLLBACK: open_rollback(c); break;
		case ACT_PEERS: open_peers(c, NULL); break;
		case ACT_USER:
			if (guide_peer(c))
				actions_open_pair(c, false, true);
			else
				need_peer(c, "create your user on");
			break;
		case ACT_ENV: env_view_open(c); break;
		case ACT_LOG:
			log_view_open(&c->logview);
			c->state = STATE_LOG;
			break;
		case ACT_MONITOR:
			monitor_view_open(&c->monview, c->loop, &c->model, monitor_notify, c);
			c->state = STATE_MONITOR;
			break;
		default: break;
		}
	}
	c->dirty = true;
}

static void close_pair(struct console *c)
{
	if (!c->pair.view.worker)
		actlog_add(&c->log, ACTLOG_INFO, "%s %s: closed; nothing was done.",
			   c->pair.verify ? "SSH check with" : "Pairing with", c->pair.peer);
	else if (!c->pair.view.finished)
		actlog_add(&c->log, ACTLOG_INFO, "%s %s: cancelled.",
			   c->pair.verify ? "SSH check with" : "Pairing with", c->pair.peer);
	pair_dialog_close(&c->pair);
	c->state = STATE_MAIN;
}

static void close_addr(struct console *c)
{
	if (!c->addr.view.worker || !c->addr.view.finished)
		actlog_add(&c->log, ACTLOG_INFO, "%s: %s", c->addr.verify ? "Verify" : "Addressing",
			   addr_dialog_result(&c->addr));
	addr_dialog_close(&c->addr);
	c->state = STATE_MAIN;
}

static void close_mesh(struct console *c)
{
	if (!c->mesh.view.worker)
		actlog_add(&c->log, ACTLOG_INFO, "Pairing the mesh: closed; nothing was done.");
	else if (!c->mesh.view.finished)
		actlog_add(&c->log, ACTLOG_INFO, "Pairing the mesh: cancelled.");
	mesh_dialog_close(&c->mesh);
	c->state = STATE_MAIN;
}

static void close_cluster(struct console *c)
{
	if (!cluster_dialog_applied(&c->cdlg))
		actlog_add(&c->log, ACTLOG_INFO, "Addressing the cluster: closed; %s",
			   c->cdlg.phase == CD_JOB && !c->cdlg.view.finished
				   ? "cancelled."
				   : "nothing was changed.");
	cluster_dialog_close(&c->cdlg);
	c->state = STATE_MAIN;
}

static void close_rollback(struct console *c)
{
	if (!c->rollback.applied || !c->rollback.view.finished)
		actlog_add(&c->log, ACTLOG_INFO, "Rollback: %s",
			   rollback_dialog_result(&c->rollback));
	rollback_dialog_close(&c->rollback);
	c->state = STATE_MAIN;
}

void actions_dialog_key(struct console *c, int key, bool is_char)
{
	unsigned r = 0;
	switch (c->state) {
	case STATE_PAIR:
		r = pair_dialog_key(&c->pair, c->loop, key, is_char);
		if (r & DIALOG_CLOSE)
			close_pair(c);
		break;
	case STATE_ADDR:
		r = addr_dialog_key(&c->addr, c->loop, key, is_char);
		if (r & DIALOG_CLOSE)
			close_addr(c);
		break;
	case STATE_ROLLBACK:
		r = rollback_dialog_key(&c->rollback, c->loop, key, is_char);
		if (r & DIALOG_CLOSE)
			close_rollback(c);
		break;
	case STATE_MESH:
		r = mesh_dialog_key(&c->mesh, c->loop, key, is_char);
		if (r & DIALOG_CLOSE)
			close_mesh(c);
		break;
	case STATE_CLUSTER:
		r = cluster_dialog_key(&c->cdlg, c->loop, key, is_char);
		if (r & DIALOG_CLOSE)
			close_cluster(c);
		break;
	default: break;
	}
	if (r & (DIALOG_CLOSE | DIALOG_REDRAW))
		c->dirty = true;
	if (r & DIALOG_QUIT)
		loop_quit(c->loop, EXIT_OK);
}
