/* job_view.c: a job's messages, questions and end in a console dialog: handled here once for the
 * pairing, addressing and rollback dialogs. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/job_view.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "core/jobs/job.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

void job_view_init(struct job_view *v, const struct job_view_words *words)
{
	memset(v, 0, sizeof(*v));
	v->words = words;
	scroll_text_init(&v->log);
	for (size_t i = 0; i < JOB_VIEW_RESULTS; i++)
		v->results[i].ok = -1;
}

static void question_clear(struct job_question *q)
{
	secret_field_clear(&q->pw);
	word_field_clear(&q->word);
	q->kind = QUESTION_NONE;
}

void job_view_reset(struct job_view *v)
{
	question_clear(&v->q);
	if (v->worker)
		worker_free(v->worker); /* cancels and joins if it still runs */
	v->worker = NULL;
	scroll_text_clear(&v->log);
	for (size_t i = 0; i < JOB_VIEW_RESULTS; i++)
		v->results[i].ok = -1;
	v->status = 0;
	v->summary[0] = '\0';
	v->ended = v->finished = false;
	v->phase = JV_IDLE;
}

void job_view_free(struct job_view *v)
{
	job_view_reset(v);
	scroll_text_free(&v->log);
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct job_view *v = owner;
	job_view_msg(v, m);
	if (v->hook)
		v->hook(m, v->owner);
	if (v->notify)
		v->notify(v->notify_arg);
}

bool job_view_start(struct job_view *v, struct loop *loop, worker_job_fn *fn, void *job)
{
	job_view_reset(v);
	v->worker = worker_start(loop, fn, job, on_msg, v);
	if (!v->worker) {
		str_copy(v->summary,
			 "Cannot start a thread for the work: the system is short of "
			 "resources; close something and try again.",
			 sizeof(v->summary));
		v->status = 1; /* PAIR_FAILED, APPLY_FAILED, rollback's failure */
		v->finished = true;
		v->phase = JV_DONE;
		return false;
	}
	v->phase = JV_RUNNING;
	return true;
}

static void log_line(struct scroll_text *t, const char *prefix, const char *text)
{
	char line[600];
	snprintf(line, sizeof(line), "%s%s", prefix, text);
	scroll_text_add(t, line, strlen(line));
}

static void ask(struct job_view *v, enum question_kind kind, const struct worker_msg *m)
{
	struct job_question *q = &v->q;
	question_clear(q);
	q->kind = kind;
	q->tries = kind == QUESTION_PASSWORD ? m->code : 0;
	text_clean(q->text, sizeof(q->text), m->text, strlen(m->text), 0);
	text_clean(q->extra, sizeof(q->extra), m->extra, strlen(m->extra), 0);
	v->phase = JV_ASKING;
}

void job_view_msg(struct job_view *v, const struct worker_msg *m)
{
	/* a question after Esc gets no answer: cancelling wakes the job's wait */
	bool asking = m->question && v->phase != JV_CANCELLING;
	switch (m->kind) {
	case JOB_PROGRESS: log_line(&v->log, "", m->text); break;
	case JOB_WARN: log_line(&v->log, "! ", m->text); break;
	case JOB_ASK_PASSWORD:
		if (asking)
			ask(v, QUESTION_PASSWORD, m);
		break;
	case JOB_ASK_FINGERPRINT:
		if (asking)
			ask(v, QUESTION_FINGERPRINT, m);
		break;
	case JOB_ASK_CONFIRM:
		if (asking)
			ask(v,
			    m->code == JOB_CONFIRM_PREVIEW	   ? QUESTION_PREVIEW
			    : m->code == JOB_CONFIRM_SAME_PASSWORD ? QUESTION_SAME_PASSWORD
								   : QUESTION_CONFIRM,
			    m);
		break;
	case JOB_RESULT:
		if (v->words->results_in_log) {
			const char *label = v->words->result[strcmp(m->extra, "ok") == 0 ? 1 : 0];
			char prefix[64];
			snprintf(prefix, sizeof(prefix), "%s ", label ? label : "");
			log_line(&v->log, prefix, m->text);
			break;
		}
		if (m->code >= 0 && m->code < JOB_VIEW_RESULTS) {
			size_t i = (size_t)m->code;
			v->results[i].ok = strcmp(m->extra, "ok") == 0;
			text_clean(v->results[i].text, sizeof(v->results[i].text), m->text,
				   strlen(m->text), 0);
		}
		break;
	case JOB_DONE:
		v->status = m->code;
		text_clean(v->summary, sizeof(v->summary), m->text, strlen(m->text), 0);
		v->ended = true;
		break;
	case WORKER_DONE:
		question_clear(&v->q);
		v->finished = true;
		v->phase = JV_DONE;
		break;
	}
}

enum question_kind job_view_asks(const struct job_view *v)
{
	return v->phase == JV_ASKING ? v->q.kind : QUESTION_NONE;
}

void job_view_answer(struct job_view *v, const char *answer)
{
	if (v->phase != JV_ASKING)
		return;
	worker_answer(v->worker, answer);
	question_clear(&v->q);
	v->log.follow = true;
	v->phase = JV_RUNNING;
}

void job_view_cancel(struct job_view *v)
{
	question_clear(&v->q);
	if (v->worker && !v->finished) {
		worker_cancel(v->worker);
		v->phase = JV_CANCELLING;
	}
}

static unsigned question_key(struct job_view *v, int key, bool is_char)
{
	struct job_question *q = &v->q;
	bool esc = is_char && key == KEY_ESC;
	bool enter = (is_char && (key == '\n' || key == '\r')) || (!is_char && key == KEY_ENTER);
	switch (q->kind) {
	case QUESTION_FINGERPRINT:
		if (is_char && (key == 'y' || key == 'Y')) {
			const char *fp = strchr(q->text, ' ');
			str_copy(v->accepted, fp ? fp + 1 : "", sizeof(v->accepted));
			job_view_answer(v, "yes");
		} else if (esc || (is_char && (key == 'n' || key == 'N'))) {
			job_view_answer(v, "no"); /* refused: the job says what that keeps */
		}
		break;
	case QUESTION_SAME_PASSWORD:
		if (is_char && (key == 'y' || key == 'Y'))
			job_view_answer(v, "yes");
		else if (is_char && (key == 'n' || key == 'N'))
			job_view_answer(v, "no");
		else if (esc)
			job_view_cancel(v);
		break;
	case QUESTION_PASSWORD:
	case QUESTION_CONFIRM:
		if (esc)
			job_view_cancel(v);
		else if (enter && q->kind == QUESTION_PASSWORD)
			job_view_answer(v, q->pw.text); /* the field is wiped there */
		else if (enter)
			job_view_answer(v, word_field_is(&q->word, "yes") ? "yes" : "no");
		else if (q->kind == QUESTION_PASSWORD)
			secret_field_key(&q->pw, key, is_char);
		else
			word_field_key(&q->word, key, is_char);
		break;
	default: return 0; /* the dialog's own question */
	}
	return DIALOG_HANDLED | DIALOG_REDRAW;
}

unsigned job_view_key(struct job_view *v, int key, bool is_char)
{
	bool esc = is_char && key == KEY_ESC;
	bool enter = (is_char && (key == '\r' || key == '\n')) || (!is_char && key == KEY_ENTER);
	switch (v->phase) {
	case JV_IDLE: return 0;
	case JV_ASKING: return question_key(v, key, is_char);
	case JV_RUNNING:
	case JV_CANCELLING:
		if (esc) {
			job_view_cancel(v);
			return DIALOG_HANDLED | DIALOG_REDRAW;
		}
		break;
	case JV_DONE:
		if (esc || enter || (is_char && key == 'q'))
			return DIALOG_HANDLED | DIALOG_CLOSE;
		break;
	}
	return DIALOG_HANDLED | (scroll_text_key(&v->log, key, is_char) ? DIALOG_REDRAW : 0);
}

/* ---------------------------------------------------------------- drawing */

static const char *result_line(const struct job_view *v, size_t i, char *t, size_t size)
{
	const char *name = i < 2 ? v->words->result_names[i] : NULL;
	const char *label = v->words->result[v->results[i].ok ? 1 : 0];
	snprintf(t, size, "%s %s%s%s", label ? label : "", name ? name : "", name ? ": " : "",
		 v->results[i].text);
	return t;
}

static int question_draw(const struct screen *s, const struct job_view *v, int y, int x, int w,
			 int last)
{
	const struct job_question *q = &v->q;
	char t[900];
	switch (q->kind) {
	case QUESTION_PASSWORD:
		if (q->tries > 0)
			snprintf(t, sizeof(t), "%s (try %d of 3): ", q->text, q->tries);
		else
			snprintf(t, sizeof(t), "%s: ", q->text);
		screen_text(s, y++, x, w, ROLE_HEADER, t);
		screen_text(s, y++, x + 2, w - 2, ROLE_DIM,
			    q->pw.len ? "(typing, not shown)" : "(not shown as you type)");
		screen_text(s, last, x, w, ROLE_HEADER,
			    v->words->password_keys
				    ? v->words->password_keys
				    : "Enter: send to sudo on the peer   Esc: cancel");
		break;
	case QUESTION_FINGERPRINT:
		snprintf(t, sizeof(t), "Host key of %s: %s", q->extra, q->text);
		screen_text(s, y++, x, w, ROLE_WARN, t);
		y += screen_text_wrap(
			s, y, x, w, 2, ROLE_DIM,
			"Compare it on the peer: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub");
		screen_text(s, last, x, w, ROLE_HEADER,
			    "y: accept and record it    n or Esc: refuse");
		break;
	case QUESTION_CONFIRM:
		y += screen_text_wrap(s, y, x, w, 2, ROLE_WARN, q->text);
		snprintf(t, sizeof(t), "Type yes to change it anyway: %s_", q->word.text);
		screen_text(s, y++, x, w, ROLE_HEADER, t);
		snprintf(t, sizeof(t), "Enter: answer (anything but yes stops, %s)   Esc: cancel",
			 v->words->refusing ? v->words->refusing : "nothing changed");
		screen_text(s, last, x, w, ROLE_HEADER, t);
		break;
	case QUESTION_SAME_PASSWORD:
		snprintf(t, sizeof(t), "Is the password you gave for %s the same on %s?", q->extra,
			 q->text);
		y += screen_text_wrap(s, y, x, w, 2, ROLE_WARN, t);
		screen_text(s, last, x, w, ROLE_HEADER,
			    "y: yes, try it there first    n: no, ask each node's    Esc: cancel");
		break;
	default: break; /* the dialog draws its own */
	}
	return y;
}

int job_view_draw(const struct screen *s, struct job_view *v, int y, int x, int w, int last)
{
	char t[800];
	int foot = 0; /* rows under the log */
	if (v->phase == JV_ASKING) {
		foot = 4;
	} else if (v->phase == JV_DONE) {
		foot = 3;
		for (size_t i = 0; i < JOB_VIEW_RESULTS; i++) /* a result wraps, never cut */
			if (v->results[i].ok >= 0)
				foot += screen_wrap_rows(result_line(v, i, t, sizeof(t)), w);
	}
	int room = last - y - foot - 1;
	if (room < 2)
		room = 2;
	scroll_text_draw(s, &v->log, y, x, room, w);
	y += room + 1;
	switch (v->phase) {
	case JV_ASKING: y = question_draw(s, v, y, x, w, last); break;
	case JV_RUNNING: screen_text(s, last, x, w, ROLE_DIM, v->words->running); break;
	case JV_CANCELLING: screen_text(s, last, x, w, ROLE_WARN, v->words->cancelling); break;
	case JV_DONE:
		for (size_t i = 0; i < JOB_VIEW_RESULTS && y < last; i++)
			if (v->results[i].ok >= 0)
				y += screen_text_wrap(s, y, x, w, last - y,
						      v->results[i].ok ? ROLE_GOOD : ROLE_BAD,
						      result_line(v, i, t, sizeof(t)));
		break;
	case JV_IDLE: break;
	}
	return y;
}

unsigned job_view_preview_key(struct job_view *v, struct scroll_text *preview, int key,
			      bool is_char)
{
	if (is_char && key == KEY_ESC)
		job_view_cancel(v);
	else if (is_char && (key == 'y' || key == 'Y'))
		job_view_answer(v, "yes");
	else if (is_char && (key == 'n' || key == 'N'))
		job_view_answer(v, "no");
	else if (!scroll_text_key(preview, key, is_char))
		return DIALOG_HANDLED;
	return DIALOG_HANDLED | DIALOG_REDRAW;
}
