/* pair_dialog.c: drawing and keys of the pairing dialog. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/pair_dialog.h"
#include "core/jobs/journal.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct job_view_words words = {
	.running = "Working...    Esc: cancel",
	.cancelling = "Cancelling (at most one network timeout)...",
	.password_keys = "Enter: log in    Esc: cancel",
	.result = { "FAILED", "OK    " },
	.result_names = { "this node -> peer", "peer -> this node" },
};

bool pair_dialog_open(struct pair_dialog *d, const struct peers *peers, const struct peer *p,
		      const struct model *m, bool verify, const struct invocation *inv, char *why,
		      size_t whysize)
{
	memset(d, 0, sizeof(*d));
	job_view_init(&d->view, &words);
	d->peers = peers;
	d->model = m;
	d->verify = verify;
	str_copy(d->peer, p->host, sizeof(d->peer));
	if (!pair_request_for_peer(&d->job.req, p, m, verify, inv, why, whysize))
		return false;
	d->phase = PD_CONFIRM;
	return true;
}

static bool admin_char(int key)
{
	return (key >= 'a' && key <= 'z') || (key >= 'A' && key <= 'Z') ||
	       (key >= '0' && key <= '9') || key == '.' || key == '_' || key == '-';
}

/* Back to the start for another run of the job (after a failed login: create the user); the
 * host key accepted in this dialog is required without asking. */
static void rearm(struct pair_dialog *d)
{
	job_view_reset(&d->view);
	memset(&d->job.out, 0, sizeof(d->job.out));
	str_copy(d->job.req.accept_fingerprint, d->view.accepted,
		 sizeof(d->job.req.accept_fingerprint));
}

static void start(struct pair_dialog *d, struct loop *loop)
{
	/* the address as discovery knows the peer now: the LAN's may have come since the dialog
	 * opened (peers_pick_address() in core/mdns/peers.h) */
	const struct peer *p = peers_find(d->peers, d->peer);
	if (p)
		pair_request_repick(&d->job.req, p, d->model);
	job_view_start(&d->view, loop, pair_job_run, &d->job);
	d->phase = PD_JOB;
}

static bool may_create_user(const struct pair_dialog *d)
{
	return !d->verify && d->view.phase == JV_DONE &&
	       (d->view.status == PAIR_AUTH_FAILED || d->view.status == PAIR_USER_MISMATCH);
}

unsigned pair_dialog_key(struct pair_dialog *d, struct loop *loop, int key, bool is_char)
{
	bool esc = is_char && key == KEY_ESC;
	bool enter = (is_char && (key == '\r' || key == '\n')) || (!is_char && key == KEY_ENTER);
	switch (d->phase) {
	case PD_CONFIRM:
		if (esc)
			return DIALOG_HANDLED | DIALOG_CLOSE;
		if (enter)
			start(d, loop);
		else if (is_char && key == 'u' && !d->verify)
			d->phase = PD_ADMIN;
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case PD_ADMIN:
		if (esc) {
			d->phase = PD_CONFIRM;
		} else if (enter && d->adminlen) {
			str_copy(d->job.req.remote_user, d->admin, sizeof(d->job.req.remote_user));
			d->job.req.create_user = strcmp(d->admin, d->job.req.local.name) != 0;
			d->phase = PD_CONFIRM;
		} else if ((is_char && (key == 127 || key == 8)) ||
			   (!is_char && key == KEY_BACKSPACE)) {
			if (d->adminlen)
				d->admin[--d->adminlen] = '\0';
		} else if (is_char && admin_char(key) && d->adminlen < sizeof(d->admin) - 1) {
			d->admin[d->adminlen++] = (char)key;
			d->admin[d->adminlen] = '\0';
		}
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case PD_JOB:
		if (is_char && key == 'u' && may_create_user(d)) {
			rearm(d);
			d->phase = PD_ADMIN;
			return DIALOG_HANDLED | DIALOG_REDRAW;
		}
		return DIALOG_HANDLED | job_view_key(&d->view, key, is_char);
	}
	return DIALOG_HANDLED;
}

void pair_dialog_close(struct pair_dialog *d)
{
	job_view_free(&d->view); /* cancels and joins the job if it still runs */
}

void pair_dialog_draw(const struct screen *s, struct pair_dialog *d)
{
	int w = s->cols - 8 > 96 ? 96 : s->cols - 8, h = s->rows - 6 > 26 ? 26 : s->rows - 6;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	char t[700];
	snprintf(t, sizeof(t), "%s %s (Esc %s)", d->verify ? "Verify SSH with" : "Pair with",
		 d->peer, d->view.phase == JV_DONE ? "closes" : "cancels");
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, t);
	int ry = y + 2, last = y + h - 2;
	const struct pair_request *r = &d->job.req;
	snprintf(t, sizeof(t), "Address %s, login %s (you are %s here)", r->address,
		 r->remote_user[0] ? r->remote_user : r->local.name, r->local.name);
	screen_text(s, ry++, x + 2, iw, ROLE_DIM, t);
	ry++;
	if (d->phase == PD_ADMIN) {
		ry += screen_text_wrap(
			s, ry, x + 2, iw, last - ry - 3, ROLE_NORMAL,
			"The playbook needs the same user name on both nodes. To create "
			"yours on the peer as it does (useradd -m, group sudo, a new "
			"password), give a user there who can use sudo: you will type that "
			"user's password, then the new one.");
		snprintf(t, sizeof(t), "User on the peer with sudo: %s_", d->admin);
		screen_text(s, ry + 1, x + 2, iw, ROLE_HEADER, t);
		screen_text(s, last, x + 2, iw, ROLE_HEADER, "Enter: use this user    Esc: back");
		return;
	}
	if (d->phase == PD_CONFIRM) {
		if (r->create_user) {
			snprintf(t, sizeof(t),
				 "Will log in as %s, create user %s on the peer, then pair as %s.",
				 r->remote_user, r->local.name, r->local.name);
			screen_text(s, ry++, x + 2, iw, ROLE_WARN, t);
			ry++;
		}
		ry += screen_text_wrap(
			s, ry, x + 2, iw, last - ry, ROLE_NORMAL,
			d->verify ? "Checks `hostname` over SSH both ways with keys only. "
				    "Nothing is changed."
				  : "Sets up passwordless SSH both ways: your public key "
				    "goes to the peer, the peer's public key comes here, each "
				    "host key into the other's known_hosts. You will see the "
				    "peer's host key before anything is trusted, and type the "
				    "password once. No private key leaves its machine.");
		screen_text(
			s, last, x + 2, iw, ROLE_HEADER,
			d->verify
				? "Enter: start    Esc: cancel"
				: "Enter: start    u: your user is missing there (create it)    Esc: cancel");
		return;
	}
	ry = job_view_draw(s, &d->view, ry, x + 2, iw, last);
	if (d->view.phase != JV_DONE)
		return;
	screen_text_wrap(s, ry, x + 2, iw, last - ry,
			 d->view.status == PAIR_OK ? ROLE_GOOD : ROLE_BAD,
			 d->view.summary[0] ? d->view.summary
					    : pair_status_word((enum pair_status)d->view.status));
	screen_text(
		s, last, x + 2, iw, ROLE_HEADER,
		may_create_user(d)
			? "Enter or Esc: close    u: log in as another user and create yours there"
			: "Enter or Esc: close");
}
