/* rollback_dialog.c: drawing and keys of the rollback dialog. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/rollback_dialog.h"
#include "core/ssh/sshsession.h"
#include "core/jobs/invocation.h"
#include "core/node/node_local.h"
#include "core/jobs/journal.h"
#include "core/node/node.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct job_view_words words = {
	.running = "Undoing...   Esc: cancel",
	.cancelling = "Cancelling (after the current step; what is undone stays undone)...",
	.refusing = "nothing undone",
};

/* The listing has ended: what it found is the list, from its top. */
static void on_msg(const struct worker_msg *m, void *owner)
{
	struct rollback_dialog *d = owner;
	if (m->kind != WORKER_DONE || d->phase != RB_LISTING)
		return;
	d->pending = d->job.out.pending;
	d->view.log.follow = false;
	d->view.log.top = 0;
	d->phase = RB_LIST;
}

static void start(struct rollback_dialog *d, struct loop *loop, bool dry_run)
{
	d->job.req.dry_run = dry_run;
	if (!job_view_start(&d->view, loop, rollback_job_run, &d->job)) {
		d->phase = RB_JOB; /* the view says why */
		return;
	}
	d->applied |= !dry_run;
	d->phase = dry_run ? RB_LISTING : RB_JOB;
}

bool rollback_dialog_open(struct rollback_dialog *d, struct loop *loop,
			  const struct invocation *inv, char *why, size_t whysize)
{
	memset(d, 0, sizeof(*d));
	job_view_init(&d->view, &words);
	d->view.hook = on_msg;
	d->view.owner = d;
	if (!node_local_can_change()) {
		d->phase = RB_NOROOT;
		return true;
	}
	struct rollback_request *r = &d->job.req;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	if (!inv->user.home[0]) {
		snprintf(why, whysize, "the user running sparklink is not known (see the log)");
		return false;
	}
	r->user = inv->user;
	str_copy(r->journal_path, inv->journal, sizeof(r->journal_path));
	str_copy(r->user_journal_path, inv->user_journal, sizeof(r->user_journal_path));
	start(d, loop, true);
	return true;
}

unsigned rollback_dialog_key(struct rollback_dialog *d, struct loop *loop, int key, bool is_char)
{
	bool esc = is_char && key == KEY_ESC;
	bool enter = (is_char && (key == '\r' || key == '\n')) || (!is_char && key == KEY_ENTER);
	switch (d->phase) {
	case RB_NOROOT:
		if (esc || enter || (is_char && key == 'q'))
			return DIALOG_HANDLED | DIALOG_CLOSE |
			       (is_char && key == 'q' ? DIALOG_QUIT : 0);
		return DIALOG_HANDLED;
	case RB_LISTING: /* closing cancels the listing; nothing was changed */
		if (job_view_asks(&d->view) != QUESTION_NONE)
			return DIALOG_HANDLED | job_view_key(&d->view, key, is_char);
		return DIALOG_HANDLED | (esc ? DIALOG_CLOSE : 0);
	case RB_LIST:
		if (esc || (is_char && key == 'q'))
			return DIALOG_HANDLED | DIALOG_CLOSE;
		if (is_char && key == ROLLBACK_DIALOG_KEY_SSH[0]) {
			d->job.req.include_ssh = !d->job.req.include_ssh;
			start(d, loop, true);
		} else if (is_char && (key == 'y' || key == 'Y') && d->pending > 0) {
			start(d, loop, false);
		} else if (!scroll_text_key(&d->view.log, key, is_char)) {
			return DIALOG_HANDLED;
		}
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case RB_JOB: return DIALOG_HANDLED | job_view_key(&d->view, key, is_char);
	}
	return DIALOG_HANDLED;
}

void rollback_dialog_close(struct rollback_dialog *d)
{
	job_view_free(&d->view); /* cancels and joins the job if it still runs */
	rollback_job_free(&d->job);
}

const char *rollback_dialog_result(const struct rollback_dialog *d)
{
	if (!d->applied)
		return "closed; nothing was undone.";
	if (!d->view.finished)
		return "cancelled; what was undone is journaled, run it again for the rest.";
	return d->view.summary[0] ? d->view.summary : "finished.";
}

void rollback_dialog_draw(const struct screen *s, struct rollback_dialog *d)
{
	int w = s->cols - 4 > 110 ? 110 : s->cols - 4, h = s->rows - 4 > 40 ? 40 : s->rows - 4;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	const struct rollback_request *r = &d->job.req;
	char t[9000];
	bool closes = d->phase == RB_LIST || d->phase == RB_NOROOT ||
		      (d->phase == RB_JOB && d->view.phase == JV_DONE);
	snprintf(t, sizeof(t), "Rollback: undo what sparklink changed (Esc %s)",
		 closes ? "closes" : "cancels");
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, t);
	int ry = y + 2, last = y + h - 2;
	if (d->phase == RB_NOROOT) {
		screen_text_wrap(
			s, ry, x + 2, iw, last - ry, ROLE_WARN,
			"Changing the network needs root: quit (q) and start sudo sparklink. "
			"Nothing was listed or undone.");
		screen_text(s, last, x + 2, iw, ROLE_HEADER, "q: quit the console   Esc: close");
		return;
	}
	snprintf(t, sizeof(t), "Journal %s%s%s", r->journal_path,
		 r->user_journal_path[0] && r->include_ssh ? " and " : "",
		 r->user_journal_path[0] && r->include_ssh ? r->user_journal_path : "");
	screen_text(s, ry++, x + 2, iw, ROLE_DIM, t);
	snprintf(t, sizeof(t),
		 "%s also undo SSH pairing lines (authorized_keys, known_hosts; keys "
		 "are kept)%s",
		 r->include_ssh ? "[x]" : "[ ]",
		 d->phase == RB_LIST || d->phase == RB_LISTING ? "   s toggles" : "");
	screen_text(s, ry++, x + 2, iw, ROLE_NORMAL, t);
	ry++;
	switch (d->phase) {
	case RB_LISTING:
		if (job_view_asks(&d->view) != QUESTION_NONE)
			break; /* the listing asks: the view shows the question */
		screen_text(s, ry, x + 2, iw, ROLE_DIM,
			    "Reading the journal (nothing is changed)...");
		screen_text(s, last, x + 2, iw, ROLE_DIM, "Esc: close");
		return;
	case RB_LIST:
		if (d->pending <= 0) {
			const char *msg =
				d->view.status != 0 && d->view.summary[0] ? d->view.summary
				: r->include_ssh
					? "Nothing to undo: sparklink has changed nothing that "
					  "is not undone yet."
					: "Nothing to undo: no network change is pending. Press " ROLLBACK_DIALOG_KEY_SSH
					  " to look at the SSH pairing lines too.";
			ry += screen_text_wrap(s, ry, x + 2, iw, last - ry,
					       d->view.status ? ROLE_BAD : ROLE_GOOD, msg);
			ry++;
			scroll_text_draw(s, &d->view.log, ry, x + 2, last - ry - 1, iw);
			screen_text(s, last, x + 2, iw, ROLE_HEADER,
				    ROLLBACK_DIALOG_KEY_SSH ": SSH lines too   Esc: close");
			return;
		}
		int n = d->job.out.rep.planned > 0 ? d->job.out.rep.planned : d->pending;
		snprintf(t, sizeof(t),
			 "Would undo, newest first (%d change%s; nothing is changed yet):", n,
			 n == 1 ? "" : "s");
		screen_text(s, ry++, x + 2, iw, ROLE_HEADER, t);
		scroll_text_draw(s, &d->view.log, ry, x + 2, last - ry - 1, iw);
		screen_text(s, last, x + 2, iw, ROLE_HEADER,
			    "y: undo all of this   " ROLLBACK_DIALOG_KEY_SSH
			    ": SSH lines too   Up/Down PgUp/PgDn: scroll   Esc: close");
		return;
	default: break;
	}
	ry = job_view_draw(s, &d->view, ry, x + 2, iw, last);
	if (d->view.phase != JV_DONE)
		return;
	snprintf(t, sizeof(t), "%s %s", d->view.status == 0 ? "Done:" : "FAILED:",
		 d->view.summary[0] ? d->view.summary : "no summary");
	screen_text_wrap(s, ry, x + 2, iw, last - ry, d->view.status == 0 ? ROLE_GOOD : ROLE_BAD,
			 t);
	screen_text(s, last, x + 2, iw, ROLE_HEADER, "Enter or Esc: close");
}
