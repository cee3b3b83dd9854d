/* test_worker.c: a job in its own thread reports to the loop in order, asks and gets answers,
 * and is woken by cancel; nothing runs the owner's callback outside the loop thread. */
#include "core/base/loop.h"
#include "core/base/util.h"
#include "core/base/worker.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

struct rec {
	struct loop *loop;
	struct worker *w;
	int kinds[16];
	char texts[16][64];
	int n;
	pthread_t loop_thread;
	bool wrong_thread;
	const char *answer; /* what to answer a question with; NULL: cancel instead */
	int job_rc; /* what worker_ask returned in the job */
	char job_answer[64];
};

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct rec *r = owner;
	if (!pthread_equal(pthread_self(), r->loop_thread))
		r->wrong_thread = true;
	if (r->n < 16) {
		r->kinds[r->n] = m->kind;
		snprintf(r->texts[r->n], sizeof(r->texts[r->n]), "%s", m->text);
		r->n++;
	}
	if (m->question) {
		if (r->answer)
			worker_answer(r->w, r->answer);
		else
			worker_cancel(r->w);
	}
	if (m->kind == WORKER_DONE)
		loop_quit(r->loop, 0);
}

static void job_steps(struct worker *w, void *arg)
{
	struct rec *r = arg;
	for (int i = 0; i < 5; i++)
		worker_postf(w, 1, "step %d", i);
	struct worker_msg q = { .kind = 2 };
	strcpy(q.text, "password?");
	r->job_rc = worker_ask(w, &q, r->job_answer, sizeof(r->job_answer), 5000);
	worker_postf(w, 3, "after");
}

static void run(struct rec *r, worker_job_fn *job)
{
	r->loop = loop_new();
	r->loop_thread = pthread_self();
	r->w = worker_start(r->loop, job, r, on_msg, r);
	assert_non_null(r->w);
	int64_t until = clock_ns() / 1000000 + 10000;
	while (!loop_quitting(r->loop) && clock_ns() / 1000000 < until)
		loop_turn(r->loop, 100);
	assert_true(loop_quitting(r->loop));
	worker_free(r->w);
	loop_free(r->loop);
}

static void test_order_and_answer(void **state)
{
	(void)state;
	struct rec r = { .answer = "s3cret" };
	run(&r, job_steps);
	assert_false(r.wrong_thread);
	assert_int_equal(r.n, 8); /* 5 steps, the question, "after", done */
	for (int i = 0; i < 5; i++) {
		char want[16];
		snprintf(want, sizeof(want), "step %d", i);
		assert_string_equal(r.texts[i], want);
	}
	assert_int_equal(r.kinds[5], 2);
	assert_int_equal(r.kinds[6], 3);
	assert_int_equal(r.kinds[7], WORKER_DONE);
	assert_int_equal(r.job_rc, 0);
	assert_string_equal(r.job_answer, "s3cret");
}

static void test_cancel_wakes_question(void **state)
{
	(void)state;
	struct rec r = { .answer = NULL };
	run(&r, job_steps);
	assert_int_equal(r.job_rc, -ECANCELED);
	assert_string_equal(r.job_answer, "");
	assert_int_equal(r.kinds[r.n - 1], WORKER_DONE);
}

static void job_timeout(struct worker *w, void *arg)
{
	struct rec *r = arg;
	struct worker_msg q = { .kind = 2 };
	r->job_rc = worker_ask(w, &q, r->job_answer, sizeof(r->job_answer), 100);
}

static void on_msg_silent(const struct worker_msg *m, void *owner)
{
	struct rec *r = owner;
	r->n++;
	if (m->kind == WORKER_DONE)
		loop_quit(r->loop, 0);
}

static void test_question_times_out(void **state)
{
	(void)state;
	struct rec r = { 0 };
	r.loop = loop_new();
	r.loop_thread = pthread_self();
	r.w = worker_start(r.loop, job_timeout, &r, on_msg_silent, &r);
	int64_t until = clock_ns() / 1000000 + 5000;
	while (!loop_quitting(r.loop) && clock_ns() / 1000000 < until)
		loop_turn(r.loop, 100);
	assert_true(loop_quitting(r.loop));
	assert_int_equal(r.job_rc, -ETIMEDOUT);
	worker_free(r.w);
	loop_free(r.loop);
}

static void test_wipe(void **state)
{
	(void)state;
	char secret[32] = "hunter2hunter2";
	secret_wipe(secret, sizeof(secret));
	for (size_t i = 0; i < sizeof(secret); i++)
		assert_int_equal(secret[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_answer),
		cmocka_unit_test(test_cancel_wakes_question),
		cmocka_unit_test(test_question_times_out),
		cmocka_unit_test(test_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
