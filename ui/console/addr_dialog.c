/* addr_dialog.c: drawing and keys of the addressing dialog. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/addr_dialog.h"
#include "core/ssh/sshsession.h"
#include "core/jobs/invocation.h"
#include "core/node/node_local.h"
#include "core/jobs/journal.h"
#include "core/jobs/pair.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <wchar.h>

/* ---------------------------------------------------------------- the dialog */

static const struct {
	const char *name;
	const char *why;
} kinds[] = {
	[PLAN_LINK_LOCAL] = { "link-local",
			      "older playbook option, dropped by NVIDIA in July 2026: netplan "
			      "link-local: [ ipv4 ]; addresses change on every reboot" },
	[PLAN_STATIC] = { "static", "192.168.100.x/24 on each twin at run time (NetworkManager: "
				    "in-memory profile); lost on reboot" },
	[PLAN_STATIC_PERSISTENT] = { "static-persistent",
				     "the default (NVIDIA's playbook): the "
				     "same addresses in 40-cx7.yaml; survives reboots" },
};

static const struct job_view_words words = {
	.running = "Working...   Esc: cancel",
	.cancelling = "Cancelling (after the current step, at most one network timeout)...",
	.result = { "Rail FAILED", "Rail ok    " },
};

static void on_msg(const struct worker_msg *m, void *owner);

static void init(struct addr_dialog *d, const struct model *m)
{
	memset(d, 0, sizeof(*d));
	job_view_init(&d->view, &words);
	d->view.hook = on_msg;
	d->view.owner = d;
	scroll_text_init(&d->preview);
	d->model = m;
}

/* The peer's address for the apply job, by the one rule (peers_pick_address() in
 * core/mdns/peers.h: its management LAN first, where the plan does not change the path to it),
 * where that address was seen, and the names it is known by (its host key is checked under
 * each, as pairing does). */
static bool peer_address(const struct peer *p, const struct model *m, struct apply_request *ar,
			 char *where, size_t wsize)
{
	struct pair_request *r = xcalloc(1, sizeof(*r));
	bool ok = pair_request_from_peer(r, p, m, PEER_FOR_ADDRESSING);
	if (ok) {
		str_copy(ar->peer_address, r->address, sizeof(ar->peer_address));
		ar->npeer_names = 0;
		for (size_t i = 0;
		     i < r->npeer_names && ar->npeer_names < ARRAY_LEN(ar->peer_names); i++)
			str_copy(ar->peer_names[ar->npeer_names++], r->peer_names[i],
				 sizeof(ar->peer_names[0]));
		const struct peer_addr *a = peers_pick_address(p, m, PEER_FOR_ADDRESSING, NULL, 0);
		int port = peer_addr_port(m, a);
		if (port >= 0)
			snprintf(where, wsize, "port %d", port);
		else
			str_copy(where, a->family == AF_INET ? "management LAN" : "LAN", wsize);
	}
	free(r);
	return ok;
}

bool addr_dialog_open(struct addr_dialog *d, const struct peers *peers, const struct peer *p,
		      const struct model *m, const char *self, const struct invocation *inv,
		      char *why, size_t whysize)
{
	init(d, m);
	d->peers = peers;
	d->root = node_local_can_change();
	d->kind_sel = PLAN_STATIC_PERSISTENT;
	str_copy(d->self_name, self, sizeof(d->self_name));
	struct apply_request *r = &d->job.req;
	r->mtu = 1500;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	if (p) {
		str_copy(d->peer, p->host, sizeof(d->peer));
		str_copy(d->peer_name, p->host, sizeof(d->peer_name));
		size_t n = strlen(d->peer_name);
		if (n > 6 && strcmp(d->peer_name + n - 6, ".local") == 0)
			d->peer_name[n - 6] = '\0';
		if (!peer_address(p, m, r, d->peer_where, sizeof(d->peer_where))) {
			snprintf(why, whysize,
				 "%s has no address that is reachable now (is it up, its "
				 "cable or LAN plugged in?)",
				 p->host);
			return false;
		}
		d->default_node = plan_node_of(self, d->peer_name);
	} else {
		d->default_node = 1;
	}
	r->user = inv->user;
	str_copy(r->journal_path, inv->journal, sizeof(r->journal_path));
	d->phase = AD_CHOOSE;
	return true;
}

bool addr_dialog_open_verify(struct addr_dialog *d, const struct model *m, struct loop *loop,
			     const struct invocation *inv, char *why, size_t whysize)
{
	init(d, m);
	d->verify = true;
	struct apply_request *r = &d->job.req;
	r->verify_only = true;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	r->user = inv->user;
	str_copy(r->journal_path, inv->journal, sizeof(r->journal_path));
	d->phase = AD_JOB;
	if (!job_view_start(&d->view, loop, apply_job_run, &d->job)) {
		snprintf(why, whysize,
			 "cannot start a thread for the work: the system is short of "
			 "resources; close something and try again");
		return false;
	}
	return true;
}

static int self_node(const struct addr_dialog *d)
{
	return d->swapped ? 3 - d->default_node : d->default_node;
}

static void start(struct addr_dialog *d, struct loop *loop)
{
	struct apply_request *r = &d->job.req;
	d->error[0] = '\0';
	if (!d->root)
		return; /* the sentence is on the screen already */
	r->kind = (enum plan_kind)d->kind_sel;
	r->nifs = apply_default_ifs(d->model, r->kind, r->ifnames, PLAN_MAX_IFS);
	if (!r->nifs) {
		str_copy(d->error,
			 "No cabled ConnectX-7 port is Up: plug the cable in on both nodes "
			 "(the ports panel shows Up), then press Enter again.",
			 sizeof(d->error));
		return;
	}
	r->node = d->swapped ? self_node(d) : 0; /* 0: the job decides from the real host names */
	/* the address as discovery knows the peer now: the LAN's may have come since the dialog
	 * opened (peers_pick_address() in core/mdns/peers.h); gone now: the one shown is tried */
	const struct peer *p = d->peer[0] ? peers_find(d->peers, d->peer) : NULL;
	if (p)
		peer_address(p, d->model, r, d->peer_where, sizeof(d->peer_where));
	job_view_start(&d->view, loop, apply_job_run, &d->job);
	d->phase = AD_JOB;
}

/* The preview is asked for: the job waits for the answer, so its text is stable until then. */
static void on_msg(const struct worker_msg *m, void *owner)
{
	struct addr_dialog *d = owner;
	if (m->kind != JOB_ASK_CONFIRM || job_view_asks(&d->view) != QUESTION_PREVIEW)
		return;
	scroll_text_clear(&d->preview);
	scroll_text_add(&d->preview, d->job.out.preview.data ? d->job.out.preview.data : "",
			d->job.out.preview.len);
	d->preview.follow = false;
	d->preview.top = 0;
}

unsigned addr_dialog_key(struct addr_dialog *d, struct loop *loop, int key, bool is_char)
{
	bool esc = is_char && key == KEY_ESC;
	bool enter = (is_char && (key == '\r' || key == '\n')) || (!is_char && key == KEY_ENTER);
	switch (d->phase) {
	case AD_CHOOSE:
		if (esc || (is_char && key == 'q' && !d->root))
			return DIALOG_HANDLED | DIALOG_CLOSE |
			       (is_char && key == 'q' ? DIALOG_QUIT : 0);
		if (enter) {
			start(d, loop);
		} else if ((!is_char && key == KEY_UP) || (is_char && key == 'k')) {
			d->kind_sel = d->kind_sel > 0 ? d->kind_sel - 1 : 0;
		} else if ((!is_char && key == KEY_DOWN) || (is_char && key == 'j')) {
			d->kind_sel = d->kind_sel < PLAN_STATIC_PERSISTENT ? d->kind_sel + 1
									   : d->kind_sel;
		} else if (is_char && key >= '1' && key <= '3') {
			d->kind_sel = key - '1';
		} else if (is_char && key == 'm') {
			d->job.req.mtu = d->job.req.mtu == 9000 ? 1500 : 9000;
		} else if (is_char && key == 's') {
			d->swapped = !d->swapped;
		} else {
			return DIALOG_HANDLED;
		}
		if (!enter)
			d->error[0] = '\0';
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case AD_JOB:
		if (job_view_asks(&d->view) == QUESTION_PREVIEW)
			return job_view_preview_key(&d->view, &d->preview, key, is_char);
		return DIALOG_HANDLED | job_view_key(&d->view, key, is_char);
	}
	return DIALOG_HANDLED;
}

void addr_dialog_close(struct addr_dialog *d)
{
	job_view_free(&d->view); /* cancels and joins the job if it still runs */
	apply_job_free(&d->job);
	scroll_text_free(&d->preview);
}

const char *addr_dialog_result(const struct addr_dialog *d)
{
	if (!d->view.finished)
		return "closed; nothing was changed.";
	return d->view.summary[0] ? d->view.summary
				  : apply_status_word((enum apply_status)d->view.status);
}

static void node_line(const struct addr_dialog *d, char *t, size_t size)
{
	int me = self_node(d);
	char other[96];
	if (d->peer[0])
		snprintf(other, sizeof(other), "%s", d->peer_name);
	else
		snprintf(other, sizeof(other), "the peer (do its part there)");
	bool addrs = d->kind_sel != PLAN_LINK_LOCAL;
	snprintf(t, size, "Nodes (s swaps): node 1 = %s%s%s, node 2 = %s%s%s%s",
		 me == 1 ? d->self_name : other, me == 1 ? " (this node)" : "", addrs ? " .10" : "",
		 me == 2 ? d->self_name : other, me == 2 ? " (this node)" : "", addrs ? " .11" : "",
		 d->swapped ? "; swapped" : "");
}

static void draw_choose(const struct screen *s, struct addr_dialog *d, int ry, int x, int iw,
			int last)
{
	char t[600];
	const struct apply_request *r = &d->job.req;
	if (!d->root)
		ry += 1 +
		      screen_text_wrap(s, ry, x, iw, 2, ROLE_WARN,
				       "Changing the network needs root: quit (q) and start sudo "
				       "sparklink. Nothing here changes anything until then.");
	screen_text(s, ry++, x, iw, ROLE_HEADER, "Plan (Up/Down or 1 2 3):");
	for (int k = 0; k < (int)ARRAY_LEN(kinds); k++) {
		bool sel = k == d->kind_sel;
		snprintf(t, sizeof(t), "%s %d %-18s %s", sel ? "(*)" : "( )", k + 1, kinds[k].name,
			 kinds[k].why);
		if (sel)
			screen_fill(s, ry, x, 1, iw, ROLE_SELECT);
		screen_text(s, ry++, x, iw, sel ? ROLE_SELECT : ROLE_NORMAL, t);
	}
	ry++;
	snprintf(t, sizeof(t), "MTU (m toggles): %s 1500 (the playbook's)   %s 9000 (jumbo frames)",
		 r->mtu == 1500 ? "(*)" : "( )", r->mtu == 9000 ? "(*)" : "( )");
	screen_text(s, ry++, x, iw, ROLE_NORMAL, t);
	node_line(d, t, sizeof(t));
	screen_text(s, ry++, x, iw, ROLE_NORMAL, t);
	char ifs[PLAN_MAX_IFS][16];
	size_t n = apply_default_ifs(d->model, (enum plan_kind)d->kind_sel, ifs, PLAN_MAX_IFS);
	int len = snprintf(t, sizeof(t), "Interfaces: ");
	for (size_t i = 0; i < n && len < (int)sizeof(t); i++)
		len += snprintf(t + len, sizeof(t) - (size_t)len, "%s%s", i ? ", " : "", ifs[i]);
	if (!n)
		snprintf(t + len, sizeof(t) - (size_t)len, "none: no cabled port is Up");
	else if (len < (int)sizeof(t))
		snprintf(t + len, sizeof(t) - (size_t)len, " (the same names on the peer)");
	screen_text(s, ry++, x, iw, n ? ROLE_NORMAL : ROLE_WARN, t);
	ry++;
	if (d->error[0])
		ry += screen_text_wrap(s, ry, x, iw, last - ry, ROLE_BAD, d->error);
	screen_text(s, last, x, iw, ROLE_HEADER,
		    d->root ? "Enter: preview   1-3: plan   m: MTU   s: swap nodes   Esc: cancel"
			    : "q: quit the console   Esc: close");
}

void addr_dialog_draw(const struct screen *s, struct addr_dialog *d)
{
	int w = s->cols - 4 > 110 ? 110 : s->cols - 4, h = s->rows - 4 > 40 ? 40 : s->rows - 4;
	if (d->phase == AD_CHOOSE && h > 22)
		h = 22; /* the choices need no more; the preview and progress take the room */
	if (d->verify && h > 16)
		h = 16; /* a few lines: the ports and the steps stay in view above it */
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	if (d->verify)
		y = s->rows - 2 - h;
	const struct apply_request *r = &d->job.req;
	char t[800];
	if (d->verify)
		snprintf(t, sizeof(t), "Verify: ping every rail of the applied plan (Esc %s)",
			 d->view.phase == JV_DONE ? "closes" : "cancels");
	else if (d->peer[0])
		snprintf(t, sizeof(t), "Addressing: this node and %s (Esc %s)", d->peer,
			 d->view.phase == JV_DONE ? "closes" : "cancels");
	else
		snprintf(t, sizeof(t), "Addressing: this node only (Esc %s)",
			 d->view.phase == JV_DONE ? "closes" : "cancels");
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, t);
	int ry = y + 2, last = y + h - 2;
	if (d->verify)
		snprintf(t, sizeof(t),
			 "The plan in %s; the peer is reached as %s with your key only (no "
			 "sudo, no password). Nothing is changed.",
			 r->journal_path, r->user.name);
	else if (d->peer[0])
		snprintf(t, sizeof(t),
			 "Peer %s at %s (%s), SSH as %s with your key; sudo there may ask "
			 "for your password.",
			 d->peer_name, r->peer_address, d->peer_where, r->user.name);
	else
		snprintf(
			t, sizeof(t),
			"No peer selected: only this node is changed. Do the peer's part "
			"on the peer itself (sudo sparklink there, the same plan, the other node).");
	ry += screen_text_wrap(s, ry, x + 2, iw, 2, d->peer[0] || d->verify ? ROLE_DIM : ROLE_WARN,
			       t);
	ry++;
	if (d->phase == AD_CHOOSE) {
		draw_choose(s, d, ry, x + 2, iw, last);
		return;
	}
	if (d->verify)
		snprintf(t, sizeof(t),
			 "Rails: a ping bound to each planned interface (8972-byte frames "
			 "too with MTU 9000)");
	else
		snprintf(t, sizeof(t), "Plan %s, MTU %u, %zu interface%s", kinds[r->kind].name,
			 r->mtu, r->nifs, r->nifs == 1 ? "" : "s");
	screen_text(s, ry++, x + 2, iw, ROLE_HEADER, t);
	if (job_view_asks(&d->view) == QUESTION_PREVIEW) {
		scroll_text_draw(s, &d->preview, ry, x + 2, last - ry - 1, iw);
		screen_text(s, last, x + 2, iw, ROLE_HEADER,
			    "y: apply   Up/Down PgUp/PgDn: scroll   n: do not apply   Esc: cancel");
		return;
	}
	ry = job_view_draw(s, &d->view, ry, x + 2, iw, last);
	if (d->view.phase != JV_DONE)
		return;
	enum apply_status st = (enum apply_status)d->view.status;
	screen_text_wrap(s, ry, x + 2, iw, last - ry,
			 st == APPLY_OK					? ROLE_GOOD
			 : st == APPLY_CANCELLED || st == APPLY_DRY_RUN ? ROLE_WARN
									: ROLE_BAD,
			 d->view.summary[0] ? d->view.summary : apply_status_word(st));
	screen_text(
		s, last, x + 2, iw, ROLE_HEADER,
		!d->verify && (st == APPLY_OK || st == APPLY_FAILED || st == APPLY_VERIFY_FAILED)
			? "Enter or Esc: close   (r then undoes it: rollback)"
			: "Enter or Esc: close");
}
