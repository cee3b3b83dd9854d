/* test_job_view.c: the console's one job view (ui/console/job_view.c) with a real job in a real
 * worker, driven by keys as the dialogs hand them on: the password typed into the one secret
 * field reaches the job and is wiped from the field; Esc at a password cancels the job; at a
 * fingerprint y accepts (and is remembered) and Esc refuses; a confirmation is "yes" only when
 * typed so; results and the end are kept; the preview's keys are left to the dialog. */
#include "core/base/loop.h"
#include "core/base/util.h"
#include "core/base/worker.h"
#include "core/jobs/job.h"
#include "ui/console/job_view.h"

#include <curses.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const struct job_view_words words = {
	.running = "Working...",
	.cancelling = "Cancelling...",
	.result = { "FAILED", "OK" },
};

/* What the job got. */
struct seen {
	int password_rc;
	char password[64];
	int fingerprint;
	int confirm;
	bool preview_asked;
	int preview;
};

static void job_password_fingerprint(struct worker *w, void *arg)
{
	struct seen *s = arg;
	job_progress(w, "Connecting to %s", "10.0.0.2");
	s->password_rc = job_ask_password(w, 1, "10.0.0.2", "Password for a@10.0.0.2", s->password,
					  sizeof(s->password));
	if (s->password_rc < 0) {
		job_done(w, 1, "cancelled at the password prompt");
		return;
	}
	s->fingerprint =
		job_ask_yes(w, JOB_ASK_FINGERPRINT, 0, "10.0.0.2", "ED25519 SHA256:abcdef");
	job_warn(w, 0, "%s", "a warning");
	job_result(w, 0, true, "keys work");
	job_result(w, 1, false, "refused");
	job_done(w, 0, "paired");
}

static void job_confirm(struct worker *w, void *arg)
{
	struct seen *s = arg;
	s->confirm = job_ask_yes(w, JOB_ASK_CONFIRM, JOB_CONFIRM_SESSION, NULL,
				 "enp1s0f1np1 carries your SSH session");
	job_done(w, 0, "done");
}

static void job_preview(struct worker *w, void *arg)
{
	struct seen *s = arg;
	s->preview = job_ask_yes(w, JOB_ASK_CONFIRM, JOB_CONFIRM_PREVIEW, NULL, "preview");
	job_done(w, 0, "applied");
}

/* Turn the loop until the view asks (or, with kind QUESTION_NONE, until it has finished). */
static void pump(struct loop *l, struct job_view *v, enum question_kind kind)
{
	int64_t until = clock_ns() / 1000000 + 10000;
	while (clock_ns() / 1000000 < until) {
		if (kind == QUESTION_NONE ? v->finished : job_view_asks(v) == kind)
			return;
		loop_turn(l, 100);
	}
	fail_msg("the view did not get to %s", kind == QUESTION_NONE ? "the end" : "the question");
}

static void type(struct job_view *v, const char *text)
{
	for (const char *p = text; *p; p++)
		assert_int_equal(job_view_key(v, (unsigned char)*p, true),
				 DIALOG_HANDLED | DIALOG_REDRAW);
}

/* A job running in a view, on a loop of its own. */
struct run {
	struct loop *l;
	struct job_view v;
	struct seen s;
};

static struct run *run_start(worker_job_fn *fn)
{
	struct run *r = xcalloc(1, sizeof(*r));
	r->l = loop_new();
	job_view_init(&r->v, &words);
	assert_true(job_view_start(&r->v, r->l, fn, &r->s));
	assert_int_equal(r->v.phase, JV_RUNNING);
	return r;
}

static void run_end(struct run *r)
{
	job_view_free(&r->v);
	loop_free(r->l);
	free(r);
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void test_password_and_fingerprint(void **state)
{
	(void)state;
	struct run *r = run_start(job_password_fingerprint);
	struct job_view *v = &r->v;
	pump(r->l, v, QUESTION_PASSWORD);
	assert_string_equal(v->q.text, "Password for a@10.0.0.2");
	assert_int_equal(v->q.tries, 1);
	type(v, "s3cretX");
	assert_int_equal(job_view_key(v, 127, true),
			 DIALOG_HANDLED | DIALOG_REDRAW); /* backspace */
	assert_string_equal(v->q.pw.text, "s3cret");
	assert_int_equal(job_view_key(v, '\n', true), DIALOG_HANDLED | DIALOG_REDRAW);
	/* sent: the field is wiped, nothing of it is left in the view */
	assert_true(all_zero(v->q.pw.text, sizeof(v->q.pw.text)));
	assert_int_equal(v->q.pw.len, 0);
	assert_int_equal(v->phase, JV_RUNNING);

	pump(r->l, v, QUESTION_FINGERPRINT);
	assert_string_equal(v->q.extra, "10.0.0.2");
	assert_int_equal(job_view_key(v, 'x', true), DIALOG_HANDLED | DIALOG_REDRAW);
	assert_int_equal(job_view_asks(v), QUESTION_FINGERPRINT); /* not an answer */
	job_view_key(v, 'y', true);
	assert_string_equal(v->accepted, "SHA256:abcdef");

	pump(r->l, v, QUESTION_NONE);
	assert_int_equal(r->s.password_rc, 0);
	assert_string_equal(r->s.password, "s3cret");
	assert_int_equal(r->s.fingerprint, 1);
	assert_int_equal(v->phase, JV_DONE);
	assert_true(v->ended);
	assert_int_equal(v->status, 0);
	assert_string_equal(v->summary, "paired");
	assert_int_equal(v->results[0].ok, 1);
	assert_string_equal(v->results[0].text, "keys work");
	assert_int_equal(v->results[1].ok, 0);
	assert_int_equal(v->results[2].ok, -1);
	assert_int_equal(v->log.n, 2);
	assert_string_equal(v->log.lines[0], "Connecting to 10.0.0.2");
	assert_string_equal(v->log.lines[1], "! a warning");
	/* the end: Enter, Esc and q close */
	assert_int_equal(job_view_key(v, '\n', true), DIALOG_HANDLED | DIALOG_CLOSE);
	assert_int_equal(job_view_key(v, 'q', true), DIALOG_HANDLED | DIALOG_CLOSE);

	/* another run keeps the host key accepted, clears the rest */
	job_view_reset(v);
	assert_string_equal(v->accepted, "SHA256:abcdef");
	assert_int_equal(v->log.n, 0);
	assert_int_equal(v->results[0].ok, -1);
	assert_false(v->finished);
	run_end(r);
}

static void test_esc_at_password_cancels(void **state)
{
	(void)state;
	struct run *r = run_start(job_password_fingerprint);
	pump(r->l, &r->v, QUESTION_PASSWORD);
	type(&r->v, "half");
	assert_int_equal(job_view_key(&r->v, KEY_ESC, true), DIALOG_HANDLED | DIALOG_REDRAW);
	assert_true(all_zero(r->v.q.pw.text, sizeof(r->v.q.pw.text)));
	assert_int_equal(r->v.phase, JV_CANCELLING);
	pump(r->l, &r->v, QUESTION_NONE);
	assert_int_equal(r->s.password_rc, -ECANCELED);
	assert_string_equal(r->s.password, "");
	assert_int_equal(r->v.status, 1);
	run_end(r);
}

static void test_esc_at_fingerprint_refuses(void **state)
{
	(void)state;
	struct run *r = run_start(job_password_fingerprint);
	pump(r->l, &r->v, QUESTION_PASSWORD);
	type(&r->v, "pw");
	job_view_key(&r->v, KEY_ENTER, false);
	pump(r->l, &r->v, QUESTION_FINGERPRINT);
	job_view_key(&r->v, KEY_ESC, true);
	assert_int_equal(r->v.phase,
			 JV_RUNNING); /* refused, not cancelled: the job says the rest */
	pump(r->l, &r->v, QUESTION_NONE);
	assert_int_equal(r->s.fingerprint, 0);
	assert_string_equal(r->v.accepted, "");
	run_end(r);
}

static void run_confirm(const char *typed, int want)
{
	struct run *r = run_start(job_confirm);
	pump(r->l, &r->v, QUESTION_CONFIRM);
	assert_string_equal(r->v.q.text, "enp1s0f1np1 carries your SSH session");
	type(&r->v, typed);
	job_view_key(&r->v, '\r', true);
	pump(r->l, &r->v, QUESTION_NONE);
	assert_int_equal(r->s.confirm, want);
	run_end(r);
}

static void test_confirm_typed_yes(void **state)
{
	(void)state;
	run_confirm("yes", 1);
	run_confirm("ye", 0);
	run_confirm("y", 0);
}

static void test_preview_is_the_dialogs(void **state)
{
	(void)state;
	struct run *r = run_start(job_preview);
	pump(r->l, &r->v, QUESTION_PREVIEW);
	assert_int_equal(job_view_key(&r->v, 'y', true), 0); /* not the view's key */
	assert_int_equal(job_view_asks(&r->v), QUESTION_PREVIEW);
	job_view_answer(&r->v, "yes"); /* as the addressing dialog does on y */
	pump(r->l, &r->v, QUESTION_NONE);
	assert_int_equal(r->s.preview, 1);
	assert_string_equal(r->v.summary, "applied");
	run_end(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_and_fingerprint),
		cmocka_unit_test(test_esc_at_password_cancels),
		cmocka_unit_test(test_esc_at_fingerprint_refuses),
		cmocka_unit_test(test_confirm_typed_yes),
		cmocka_unit_test(test_preview_is_the_dialogs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
