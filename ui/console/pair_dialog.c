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

static void on_msg(const struct worker_msg *m, void *owner);

static void add_line(struct pair_dialog *d, const char *text)
{
	size_t max = ARRAY_LEN(d->lines);
	if (d->nlines == max) {
		memmove(d->lines, d->lines + 1, sizeof(d->lines[0]) * (max - 1));
		d->nlines--;
	}
	text_clean(d->lines[d->nlines++], sizeof(d->lines[0]), text, strlen(text), 0);
}

bool pair_dialog_open(struct pair_dialog *d, const struct peers *peers, const struct peer *p,
		      const struct model *m, bool verify, const struct invocation *inv, char *why,
		      size_t whysize)
{
	memset(d, 0, sizeof(*d));
	d->peers = peers;
	d->model = m;
	d->verify = verify;
	d->dir_ok[0] = d->dir_ok[1] = -1;
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

/* Back to the start for another run of the job (after a failed login: create the user). */
static void rearm(struct pair_dialog *d)
{
	if (d->worker)
		worker_free(d->worker);
	d->worker = NULL;
	d->nlines = 0;
	d->dir_ok[0] = d->dir_ok[1] = -1;
	d->summary[0] = '\0';
	d->finished = false;
	memset(&d->job.out, 0, sizeof(d->job.out));
	str_copy(d->job.req.accept_fingerprint, d->accepted_fp,
		 sizeof(d->job.req.accept_fingerprint));
}

static void start(struct pair_dialog *d, struct loop *loop)
{
	/* the address as discovery knows the peer now: the LAN's may have come since the dialog
	 * opened (peers_pick_address() in core/mdns/peers.h) */
	const struct peer *p = peers_find(d->peers, d->peer);
	if (p)
		pair_request_repick(&d->job.req, p, d->model);
	d->worker = worker_start(loop, pair_job_run, &d->job, on_msg, d);
	if (!d->worker) {
		str_copy(d->summary, "cannot start a thread", sizeof(d->summary));
		d->phase = PD_DONE;
		d->finished = true;
		return;
	}
	d->phase = PD_RUNNING;
}

void pair_dialog_msg(struct pair_dialog *d, const struct worker_msg *m)
{
	char line[600];
	switch (m->kind) {
	case JOB_PROGRESS: add_line(d, m->text); break;
	case JOB_WARN:
		snprintf(line, sizeof(line), "! %s", m->text);
		add_line(d, line);
		break;
	case JOB_ASK_FINGERPRINT:
		text_clean(d->question, sizeof(d->question), m->text, strlen(m->text), 0);
		d->phase = PD_FINGERPRINT;
		break;
	case JOB_ASK_PASSWORD:
		text_clean(d->question, sizeof(d->question), m->text, strlen(m->text), 0);
		d->tries = m->code;
		d->phase = PD_PASSWORD;
		break;
	case JOB_RESULT:
		if (m->code == 0 || m->code == 1) {
			text_clean(d->dir_text[m->code], sizeof(d->dir_text[0]), m->text,
				   strlen(m->text), 0);
			d->dir_ok[m->code] = strcmp(m->extra, "ok") == 0;
		}
		break;
	case JOB_DONE:
		d->status = (enum pair_status)m->code;
		text_clean(d->summary, sizeof(d->summary), m->text, strlen(m->text), 0);
		break;
	case WORKER_DONE:
		d->finished = true;
		d->phase = PD_DONE;
		break;
	}
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct pair_dialog *d = owner;
	pair_dialog_msg(d, m);
	if (d->notify)
		d->notify(d->notify_arg);
}

static void pw_clear(struct pair_dialog *d)
{
	secret_wipe(d->password, sizeof(d->password));
	d->pwlen = 0;
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
	case PD_FINGERPRINT:
		if (is_char && (key == 'y' || key == 'Y')) {
			const char *fp = strchr(d->question, ' ');
			str_copy(d->accepted_fp, fp ? fp + 1 : "", sizeof(d->accepted_fp));
			worker_answer(d->worker, "yes");
			d->phase = PD_RUNNING;
		} else if (esc || (is_char && (key == 'n' || key == 'N'))) {
			worker_answer(d->worker, "no");
			d->phase = PD_RUNNING;
		}
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case PD_PASSWORD:
		if (esc) {
			pw_clear(d);
			worker_answer(d->worker, "");
			d->phase = PD_RUNNING;
		} else if (enter) {
			worker_answer(d->worker, d->password);
			pw_clear(d);
			d->phase = PD_RUNNING;
		} else if ((is_char && (key == 127 || key == 8)) ||
			   (!is_char && key == KEY_BACKSPACE)) {
			while (d->pwlen && (d->password[d->pwlen - 1] & 0xc0) == 0x80)
				d->password[--d->pwlen] =
					'\0'; /* continuation bytes of one character */
			if (d->pwlen)
				d->password[--d->pwlen] = '\0';
		} else if (is_char && key >= 0x20 && key != 127) {
			char mb[8];
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			size_t n = wcrtomb(mb, (wchar_t)key, &st);
			if (n != (size_t)-1 && d->pwlen + n < sizeof(d->password) - 1) {
				memcpy(d->password + d->pwlen, mb, n);
				d->pwlen += n;
				d->password[d->pwlen] = '\0';
			}
			secret_wipe(mb, sizeof(mb));
		}
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case PD_RUNNING:
		if (esc) {
			worker_cancel(d->worker);
			d->phase = PD_CANCELLING;
		}
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case PD_CANCELLING: return DIALOG_HANDLED;
	case PD_DONE:
		if (is_char && key == 'u' && !d->verify &&
		    (d->status == PAIR_AUTH_FAILED || d->status == PAIR_USER_MISMATCH)) {
			rearm(d);
			d->phase = PD_ADMIN;
			return DIALOG_HANDLED | DIALOG_REDRAW;
		}
		if (esc || enter || (is_char && key == 'q'))
			return DIALOG_HANDLED | DIALOG_CLOSE;
		return DIALOG_HANDLED;
	}
	return DIALOG_HANDLED;
}

void pair_dialog_close(struct pair_dialog *d)
{
	pw_clear(d);
	if (d->worker)
		worker_free(d->worker); /* cancels and joins if it still runs */
	d->worker = NULL;
}

void pair_dialog_draw(const struct screen *s, const struct pair_dialog *d)
{
	int w = s->cols - 8 > 96 ? 96 : s->cols - 8, h = s->rows - 6 > 26 ? 26 : s->rows - 6;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	char t[700];
	snprintf(t, sizeof(t), "%s %s (Esc %s)", d->verify ? "Verify SSH with" : "Pair with",
		 d->peer, d->phase == PD_DONE ? "closes" : "cancels");
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
	size_t first = 0, room = (size_t)(last - ry - 5 > 1 ? last - ry - 5 : 1);
	if (d->nlines > room)
		first = d->nlines - room;
	for (size_t i = first; i < d->nlines && ry < last - 4; i++)
		screen_text(s, ry++, x + 2, iw, d->lines[i][0] == '!' ? ROLE_WARN : ROLE_NORMAL,
			    d->lines[i]);
	ry = last - 4 > ry ? last - 4 : ry;
	switch (d->phase) {
	case PD_FINGERPRINT:
		snprintf(t, sizeof(t), "Host key of %s: %s", r->address, d->question);
		screen_text(s, ry++, x + 2, iw, ROLE_WARN, t);
		screen_text_wrap(
			s, ry, x + 2, iw, 2, ROLE_DIM,
			"Compare it on the peer: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub");
		screen_text(s, last, x + 2, iw, ROLE_HEADER,
			    "y: accept and record it    n or Esc: refuse");
		break;
	case PD_PASSWORD:
		if (d->tries > 0)
			snprintf(t, sizeof(t), "%s (try %d of 3): ", d->question, d->tries);
		else
			snprintf(t, sizeof(t), "%s: ", d->question);
		screen_text(s, ry++, x + 2, iw, ROLE_HEADER, t);
		screen_text(s, ry++, x + 4, iw - 2, ROLE_DIM,
			    d->pwlen ? "(typing, not shown)" : "(not shown as you type)");
		screen_text(s, last, x + 2, iw, ROLE_HEADER, "Enter: log in    Esc: cancel");
		break;
	case PD_RUNNING:
		screen_text(s, last, x + 2, iw, ROLE_DIM, "Working...    Esc: cancel");
		break;
	case PD_CANCELLING:
		screen_text(s, last, x + 2, iw, ROLE_WARN,
			    "Cancelling (at most one network timeout)...");
		break;
	case PD_DONE:
		for (int k = 0; k < 2; k++) {
			if (d->dir_ok[k] < 0)
				continue;
			snprintf(t, sizeof(t), "%s %s: %s", d->dir_ok[k] ? "OK    " : "FAILED",
				 k == 0 ? "this node -> peer" : "peer -> this node",
				 d->dir_text[k]);
			screen_text(s, ry++, x + 2, iw, d->dir_ok[k] ? ROLE_GOOD : ROLE_BAD, t);
		}
		ry += screen_text_wrap(s, ry, x + 2, iw, last - ry,
				       d->status == PAIR_OK ? ROLE_GOOD : ROLE_BAD,
				       d->summary[0] ? d->summary : pair_status_word(d->status));
		screen_text(
			s, last, x + 2, iw, ROLE_HEADER,
			!d->verify && (d->status == PAIR_AUTH_FAILED ||
				       d->status == PAIR_USER_MISMATCH)
				? "Enter or Esc: close    u: log in as another user and create yours there"
				: "Enter or Esc: close");
		break;
	default: break;
	}
}
