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

static void on_msg(const struct worker_msg *m, void *owner);

static void start(struct rollback_dialog *d, struct loop *loop, bool dry_run)
{
	if (d->worker)
		worker_free(d->worker);
	d->worker = NULL;
	d->job.req.dry_run = dry_run;
	d->dry_run = dry_run;
	d->finished = false;
	d->summary[0] = '\0';
	d->status = 0;
	if (dry_run)
		scroll_text_clear(&d->list);
	else
		scroll_text_clear(&d->log);
	d->worker = worker_start(loop, rollback_job_run, &d->job, on_msg, d);
	if (!d->worker) {
		str_copy(d->summary,
			 "Cannot start a thread for the work: the system is short of "
			 "resources; close something and try again.",
			 sizeof(d->summary));
		d->status = 1;
		d->finished = true;
		d->phase = RB_DONE;
		return;
	}
	d->applied |= !dry_run;
	d->phase = dry_run ? RB_LISTING : RB_RUNNING;
}

bool rollback_dialog_open(struct rollback_dialog *d, struct loop *loop,
			  const struct invocation *inv, char *why, size_t whysize)
{
	memset(d, 0, sizeof(*d));
	scroll_text_init(&d->list);
	scroll_text_init(&d->log);
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

static void log_line(struct scroll_text *t, const char *prefix, const char *text)
{
	char line[600];
	snprintf(line, sizeof(line), "%s%s", prefix, text);
	scroll_text_add(t, line, strlen(line));
}

void rollback_dialog_msg(struct rollback_dialog *d, const struct worker_msg *m)
{
	struct scroll_text *t = d->dry_run ? &d->list : &d->log;
	bool asking = m->question && d->phase != RB_CANCELLING;
	switch (m->kind) {
	case JOB_PROGRESS: log_line(t, "", m->text); break;
	case JOB_WARN: log_line(t, "! ", m->text); break;
	case JOB_ASK_PASSWORD:
		if (!asking)
			break;
		job_question_open(&d->q, QUESTION_PASSWORD, m);
		d->phase = RB_PASSWORD;
		break;
	case JOB_ASK_CONFIRM:
		if (!asking)
			break;
		job_question_open(&d->q, QUESTION_CONFIRM, m);
		d->phase = RB_SESSION;
		break;
	case JOB_DONE:
		d->status = m->code;
		text_clean(d->summary, sizeof(d->summary), m->text, strlen(m->text), 0);
		break;
	case WORKER_DONE:
		d->finished = true;
		job_question_clear(&d->q);
		if (d->dry_run && d->phase == RB_LISTING) {
			d->pending = d->job.out.pending;
			d->list.follow = false;
			d->list.top = 0;
			d->phase = RB_LIST;
		} else {
			d->phase = RB_DONE;
		}
		break;
	}
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct rollback_dialog *d = owner;
	rollback_dialog_msg(d, m);
	if (d->notify)
		d->notify(d->notify_arg);
}

static void cancel(struct rollback_dialog *d)
{
	job_question_clear(&d->q);
	if (d->worker && !d->finished) {
		worker_cancel(d->worker);
		d->phase = RB_CANCELLING;
	}
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
		return DIALOG_HANDLED | (esc ? DIALOG_CLOSE : 0);
	case RB_LIST:
		if (esc || (is_char && key == 'q'))
			return DIALOG_HANDLED | DIALOG_CLOSE;
		if (is_char && key == ROLLBACK_DIALOG_KEY_SSH[0]) {
			d->job.req.include_ssh = !d->job.req.include_ssh;
			start(d, loop, true);
		} else if (is_char && (key == 'y' || key == 'Y') && d->pending > 0) {
			d->log.follow = true;
			start(d, loop, false);
		} else if (!scroll_text_key(&d->list, key, is_char)) {
			return DIALOG_HANDLED;
		}
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case RB_RUNNING:
	case RB_CANCELLING:
		if (esc)
			cancel(d);
		else if (!scroll_text_key(&d->log, key, is_char))
			return DIALOG_HANDLED;
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case RB_PASSWORD:
	case RB_SESSION: {
		int r = job_question_key(&d->q, d->worker, key, is_char);
		if (r < 0)
			cancel(d);
		else if (r > 0)
			d->phase = RB_RUNNING;
		return DIALOG_HANDLED | DIALOG_REDRAW;
	}
	case RB_DONE:
		if (esc || enter || (is_char && key == 'q'))
			return DIALOG_HANDLED | DIALOG_CLOSE;
		return DIALOG_HANDLED |
		       (scroll_text_key(&d->log, key, is_char) ? DIALOG_REDRAW : 0);
	}
	return DIALOG_HANDLED;
}

void rollback_dialog_close(struct rollback_dialog *d)
{
	job_question_clear(&d->q);
	if (d->worker)
		worker_free(d->worker); /* cancels and joins if it still runs */
	d->worker = NULL;
	rollback_job_free(&d->job);
	scroll_text_free(&d->list);
	scroll_text_free(&d->log);
}

const char *rollback_dialog_result(const struct rollback_dialog *d)
{
	if (!d->applied)
		return "closed; nothing was undone.";
	if (!d->finished)
		return "cancelled; what was undone is journaled, run it again for the rest.";
	return d->summary[0] ? d->summary : "finished.";
}

void rollback_dialog_draw(const struct screen *s, struct rollback_dialog *d)
{
	int w = s->cols - 4 > 110 ? 110 : s->cols - 4, h = s->rows - 4 > 40 ? 40 : s->rows - 4;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	const struct rollback_request *r = &d->job.req;
	char t[9000];
	bool closes = d->phase == RB_DONE || d->phase == RB_LIST || d->phase == RB_NOROOT;
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
		screen_text(s, ry, x + 2, iw, ROLE_DIM,
			    "Reading the journal (nothing is changed)...");
		screen_text(s, last, x + 2, iw, ROLE_DIM, "Esc: close");
		return;
	case RB_LIST:
		if (d->pending <= 0) {
			const char *msg =
				d->status != 0 && d->summary[0] ? d->summary
				: r->include_ssh
					? "Nothing to undo: sparklink has changed nothing that "
					  "is not undone yet."
					: "Nothing to undo: no network change is pending. Press " ROLLBACK_DIALOG_KEY_SSH
					  " to look at the SSH pairing lines too.";
			ry += screen_text_wrap(s, ry, x + 2, iw, last - ry,
					       d->status ? ROLE_BAD : ROLE_GOOD, msg);
			ry++;
			scroll_text_draw(s, &d->list, ry, x + 2, last - ry - 1, iw);
			screen_text(s, last, x + 2, iw, ROLE_HEADER,
				    ROLLBACK_DIALOG_KEY_SSH ": SSH lines too   Esc: close");
			return;
		}
		int n = d->job.out.rep.planned > 0 ? d->job.out.rep.planned : d->pending;
		snprintf(t, sizeof(t),
			 "Would undo, newest first (%d change%s; nothing is changed yet):", n,
			 n == 1 ? "" : "s");
		screen_text(s, ry++, x + 2, iw, ROLE_HEADER, t);
		scroll_text_draw(s, &d->list, ry, x + 2, last - ry - 1, iw);
		screen_text(s, last, x + 2, iw, ROLE_HEADER,
			    "y: undo all of this   " ROLLBACK_DIALOG_KEY_SSH
			    ": SSH lines too   Up/Down PgUp/PgDn: scroll   Esc: close");
		return;
	default: break;
	}
	int foot = d->phase == RB_PASSWORD || d->phase == RB_SESSION ? 4
		   : d->phase == RB_DONE			     ? 3
								     : 0;
	int room = last - ry - foot - 1;
	if (room < 2)
		room = 2;
	scroll_text_draw(s, &d->log, ry, x + 2, room, iw);
	ry += room + 1;
	switch (d->phase) {
	case RB_PASSWORD:
	case RB_SESSION:
		ry = job_question_draw(s, &d->q, ry, x + 2, iw, last, "nothing undone");
		break;
	case RB_RUNNING:
		screen_text(s, last, x + 2, iw, ROLE_DIM, "Undoing...   Esc: cancel");
		break;
	case RB_CANCELLING:
		screen_text(s, last, x + 2, iw, ROLE_WARN,
			    "Cancelling (after the current step; what is undone stays undone)...");
		break;
	case RB_DONE:
		snprintf(t, sizeof(t), "%s %s", d->status == 0 ? "Done:" : "FAILED:",
			 d->summary[0] ? d->summary : "no summary");
		screen_text_wrap(s, ry, x + 2, iw, last - ry, d->status == 0 ? ROLE_GOOD : ROLE_BAD,
				 t);
		screen_text(s, last, x + 2, iw, ROLE_HEADER, "Enter or Esc: close");
		break;
	default: break;
	}
}
