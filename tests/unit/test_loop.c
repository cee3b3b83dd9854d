/* test_loop.c: the poll() loop: watches, timers, signals, the after-turn hook, idle counting. */
#include "core/base/loop.h"
#include "core/base/util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

struct pipe_pair {
	int r, w;
};

static struct pipe_pair make_pipe(void)
{
	int fds[2];
	assert_int_equal(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
	return (struct pipe_pair){ fds[0], fds[1] };
}

static void close_pipe(struct pipe_pair p)
{
	close(p.r);
	close(p.w);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* --- watches ---------------------------------------------------------------------------- */

struct io_rec {
	int calls;
	short revents;
	char data[16];
	struct loop_watch *other; /* freed from inside the callback when set */
	bool free_self;
	int *shared_calls;
};

static void on_io(struct loop_watch *w, int fd, short revents, void *arg)
{
	struct io_rec *r = arg;
	r->calls++;
	r->revents = revents;
	if (r->shared_calls)
		(*r->shared_calls)++;
	ssize_t n = read(fd, r->data, sizeof(r->data) - 1);
	if (n >= 0)
		r->data[n] = '\0';
	if (r->free_self)
		loop_watch_free(w);
	if (r->other) {
		loop_watch_free(r->other);
		r->other = NULL;
	}
}

static void test_watch_fires_on_write(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct pipe_pair p = make_pipe();
	struct io_rec rec = { 0 };
	struct loop_watch *w = loop_watch_new(l, p.r, POLLIN, on_io, &rec);
	assert_int_equal(loop_watch_fd(w), p.r);
	assert_int_equal(loop_watch_events(w), POLLIN);
	/* nothing written: nothing runs */
	assert_int_equal(loop_turn(l, 0), 0);
	assert_int_equal(rec.calls, 0);
	assert_int_equal(write(p.w, "hello", 5), 5);
	assert_int_equal(loop_turn(l, 1000), 1);
	assert_int_equal(rec.calls, 1);
	assert_true(rec.revents & POLLIN);
	assert_string_equal(rec.data, "hello");
	/* drained: quiet again */
	assert_int_equal(loop_turn(l, 0), 0);
	assert_int_equal(rec.calls, 1);
	/* events 0: a readable pipe no longer wakes it */
	loop_watch_set(w, 0);
	assert_int_equal(write(p.w, "x", 1), 1);
	assert_int_equal(loop_turn(l, 0), 0);
	assert_int_equal(rec.calls, 1);
	loop_watch_set(w, POLLIN);
	assert_int_equal(loop_turn(l, 0), 1);
	assert_int_equal(rec.calls, 2);
	loop_free(l);
	close_pipe(p);
}

static void test_watch_free_self(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct pipe_pair p = make_pipe();
	struct io_rec rec = { .free_self = true };
	loop_watch_new(l, p.r, POLLIN, on_io, &rec);
	/* more than one read's worth, so the pipe stays readable after the callback */
	char big[64];
	memset(big, 'a', sizeof(big));
	assert_int_equal(write(p.w, big, sizeof(big)), (ssize_t)sizeof(big));
	assert_int_equal(loop_turn(l, 1000), 1);
	assert_int_equal(rec.calls, 1);
	/* still readable, but the watch is gone (and freeing it in its callback was safe) */
	assert_int_equal(loop_turn(l, 0), 0);
	assert_int_equal(loop_turn(l, 0), 0);
	assert_int_equal(rec.calls, 1);
	loop_free(l);
	close_pipe(p);
}

static void test_watch_free_other(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct pipe_pair a = make_pipe(), b = make_pipe();
	int total = 0;
	struct io_rec ra = { .shared_calls = &total }, rb = { .shared_calls = &total };
	struct loop_watch *wa = loop_watch_new(l, a.r, POLLIN, on_io, &ra);
	struct loop_watch *wb = loop_watch_new(l, b.r, POLLIN, on_io, &rb);
	ra.other = wb; /* whichever runs first frees the other one */
	rb.other = wa;
	assert_int_equal(write(a.w, "a", 1), 1);
	assert_int_equal(write(b.w, "b", 1), 1);
	int ran = loop_turn(l, 1000);
	assert_int_equal(ran, 1);
	assert_int_equal(total, 1);
	/* the survivor keeps working, the freed one never runs */
	struct io_rec *alive = ra.calls ? &ra : &rb, *dead = ra.calls ? &rb : &ra;
	struct pipe_pair ap = ra.calls ? a : b, dp = ra.calls ? b : a;
	alive->other = NULL;
	dead->other = NULL;
	assert_int_equal(write(ap.w, "x", 1), 1);
	assert_int_equal(write(dp.w, "y", 1), 1);
	assert_int_equal(loop_turn(l, 1000), 1);
	assert_int_equal(alive->calls, 2);
	assert_int_equal(dead->calls, 0);
	loop_free(l);
	close_pipe(a);
	close_pipe(b);
}

/* --- timers ----------------------------------------------------------------------------- */

struct timer_log {
	char order[16];
	int n;
};

struct timer_rec {
	struct timer_log *log;
	char name;
	struct loop_timer *disarm; /* disarmed from inside the callback */
	struct loop_timer *destroy; /* freed from inside the callback */
	bool free_self;
	bool rearm_self;
};

static void on_timer(struct loop_timer *t, void *arg)
{
	struct timer_rec *r = arg;
	if (r->log->n < (int)sizeof(r->log->order) - 1)
		r->log->order[r->log->n++] = r->name;
	if (r->disarm)
		loop_timer_at(r->disarm, -1);
	if (r->destroy) {
		loop_timer_free(r->destroy);
		r->destroy = NULL;
	}
	if (r->free_self)
		loop_timer_free(t);
	if (r->rearm_self) {
		r->rearm_self = false;
		loop_timer_after(t, 0);
	}
}

/* All three are overdue when the turn looks at them: they must still fire earliest first,
 * whatever order they were created in. */
static void test_timers_due_order_same_turn(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct timer_log log = { 0 };
	struct timer_rec ra = { .log = &log, .name = 'A' };
	struct timer_rec rb = { .log = &log, .name = 'B' };
	struct timer_rec rc = { .log = &log, .name = 'C' };
	struct loop_timer *ta = loop_timer_new(l, on_timer, &ra);
	struct loop_timer *tb = loop_timer_new(l, on_timer, &rb);
	struct loop_timer *tc = loop_timer_new(l, on_timer, &rc);
	int64_t now = clock_ms();
	loop_timer_at(ta, now + 30);
	loop_timer_at(tb, now + 10);
	loop_timer_at(tc, now + 20);
	sleep_ms(45);
	assert_int_equal(loop_turn(l, 0), 3);
	assert_string_equal(log.order, "BCA");
	/* one-shot: nothing more */
	assert_int_equal(loop_turn(l, 0), 0);
	assert_string_equal(log.order, "BCA");
	loop_free(l);
}

/* Turn by turn: the loop sleeps until the earliest and fires them in due order. */
static void test_timers_due_order_across_turns(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct timer_log log = { 0 };
	struct timer_rec ra = { .log = &log, .name = 'A' };
	struct timer_rec rb = { .log = &log, .name = 'B' };
	struct timer_rec rc = { .log = &log, .name = 'C' };
	struct loop_timer *ta = loop_timer_new(l, on_timer, &ra);
	struct loop_timer *tb = loop_timer_new(l, on_timer, &rb);
	struct loop_timer *tc = loop_timer_new(l, on_timer, &rc);
	int64_t t0 = clock_ms();
	loop_timer_after(tc, 60);
	loop_timer_after(ta, 40);
	loop_timer_after(tb, 20);
	int fired = 0;
	for (int i = 0; i < 50 && fired < 3; i++) {
		int r = loop_turn(l, -1); /* -1: only a timer can end the wait */
		assert_true(r >= 0);
		fired += r;
	}
	assert_int_equal(fired, 3);
	assert_string_equal(log.order, "BAC");
	assert_true(clock_ms() - t0 >= 60); /* nothing fired early */
	loop_free(l);
}

static void test_timer_disarmed_never_fires(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct timer_log log = { 0 };
	struct timer_rec ra = { .log = &log, .name = 'A' };
	struct timer_rec rb = { .log = &log, .name = 'B' };
	struct loop_timer *ta = loop_timer_new(l, on_timer, &ra);
	struct loop_timer *tb = loop_timer_new(l, on_timer, &rb);
	/* disarmed before it is due */
	loop_timer_after(ta, 5);
	loop_timer_at(ta, -1);
	/* never armed at all */
	(void)tb;
	int64_t t0 = clock_ms();
	assert_int_equal(loop_turn(l, 30), 0);
	assert_true(clock_ms() - t0 >= 25); /* it really waited: no phantom due time */
	assert_int_equal(log.n, 0);
	/* disarmed by another timer's callback in the very turn both are due */
	ra.disarm = tb;
	rb.disarm = ta;
	int64_t now = clock_ms();
	loop_timer_at(ta, now);
	loop_timer_at(tb, now);
	assert_int_equal(loop_turn(l, 0), 1);
	assert_int_equal(log.n, 1);
	assert_int_equal(loop_turn(l, 20), 0);
	assert_int_equal(log.n, 1);
	loop_free(l);
}

static void test_timer_free_inside_callbacks(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct timer_log log = { 0 };
	struct timer_rec ra = { .log = &log, .name = 'A', .free_self = true };
	struct timer_rec rb = { .log = &log, .name = 'B' };
	struct timer_rec rc = { .log = &log, .name = 'C' };
	struct loop_timer *ta = loop_timer_new(l, on_timer, &ra);
	struct loop_timer *tb = loop_timer_new(l, on_timer, &rb);
	struct loop_timer *tc = loop_timer_new(l, on_timer, &rc);
	int64_t now = clock_ms();
	/* A frees itself, B frees C; all due now, in the order A, B, C */
	rb.destroy = tc;
	loop_timer_at(ta, now - 3);
	loop_timer_at(tb, now - 2);
	loop_timer_at(tc, now - 1);
	assert_int_equal(loop_turn(l, 0), 2);
	assert_string_equal(log.order, "AB");
	/* re-arming B works; A and C are gone for good (ASan would see a use after free) */
	loop_timer_after(tb, 0);
	assert_int_equal(loop_turn(l, 0), 1);
	assert_string_equal(log.order, "ABB");
	/* a timer re-armed from its own callback fires again on a later turn, not in a loop */
	rb.rearm_self = true;
	loop_timer_after(tb, 0);
	assert_int_equal(loop_turn(l, 0), 1);
	assert_string_equal(log.order, "ABBB");
	assert_int_equal(loop_turn(l, 100), 1);
	assert_string_equal(log.order, "ABBBB");
	loop_free(l);
}

/* --- signals, idle turns, the after-turn hook ------------------------------------------- */

struct sig_rec {
	int signo;
	int calls;
};

static void on_signal(int signo, void *arg)
{
	struct sig_rec *r = arg;
	r->signo = signo;
	r->calls++;
}

static void test_signal_is_an_event(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct sig_rec rec = { 0 };
	static const int sigs[] = { SIGUSR1 };
	assert_int_equal(loop_signals(l, sigs, 1, on_signal, &rec), 0);
	assert_int_equal(loop_turn(l, 0), 0);
	assert_int_equal(raise(SIGUSR1), 0); /* blocked: the process is not killed */
	int64_t t0 = clock_ms();
	assert_int_equal(loop_turn(l, 2000), 1);
	assert_true(clock_ms() - t0 < 1000);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(rec.signo, SIGUSR1);
	/* and again: each raise is one callback */
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(loop_turn(l, 2000), 1);
	assert_int_equal(rec.calls, 2);
	assert_int_equal(loop_turn(l, 0), 0);
	loop_free(l);
	/* leave SIGUSR1 blocked: a stray one must not kill the remaining tests */
}

static void test_idle_turn(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct loop_stats s0 = loop_stats(l);
	int64_t t0 = clock_ms();
	assert_int_equal(loop_turn(l, 20), 0);
	int64_t dt = clock_ms() - t0;
	assert_true(dt >= 15);
	struct loop_stats s1 = loop_stats(l);
	assert_int_equal(s1.turns, s0.turns + 1);
	assert_int_equal(s1.idle_wakeups, s0.idle_wakeups + 1);
	/* a turn that did something is not idle */
	struct timer_log log = { 0 };
	struct timer_rec ra = { .log = &log, .name = 'A' };
	loop_timer_after(loop_timer_new(l, on_timer, &ra), 0);
	assert_int_equal(loop_turn(l, 0), 1);
	struct loop_stats s2 = loop_stats(l);
	assert_int_equal(s2.turns, s1.turns + 1);
	assert_int_equal(s2.idle_wakeups, s1.idle_wakeups);
	loop_free(l);
}

struct hook_rec {
	int calls;
};

static void on_after(void *arg)
{
	((struct hook_rec *)arg)->calls++;
}

static void test_after_turn_hook(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct hook_rec hook = { 0 };
	loop_after_turn(l, on_after, &hook);
	struct pipe_pair a = make_pipe(), b = make_pipe();
	struct io_rec ra = { 0 }, rb = { 0 };
	loop_watch_new(l, a.r, POLLIN, on_io, &ra);
	loop_watch_new(l, b.r, POLLIN, on_io, &rb);
	struct timer_log log = { 0 };
	struct timer_rec rt = { .log = &log, .name = 'T' };
	struct loop_timer *t = loop_timer_new(l, on_timer, &rt);
	/* three callbacks in one turn: the hook runs once */
	assert_int_equal(write(a.w, "a", 1), 1);
	assert_int_equal(write(b.w, "b", 1), 1);
	loop_timer_at(t, clock_ms());
	assert_int_equal(loop_turn(l, 1000), 3);
	assert_int_equal(hook.calls, 1);
	/* an idle turn: no hook */
	assert_int_equal(loop_turn(l, 10), 0);
	assert_int_equal(hook.calls, 1);
	/* one more event, one more hook */
	assert_int_equal(write(b.w, "b", 1), 1);
	assert_int_equal(loop_turn(l, 1000), 1);
	assert_int_equal(hook.calls, 2);
	loop_free(l);
	close_pipe(a);
	close_pipe(b);
}

static void quit_from_timer(struct loop_timer *t, void *arg)
{
	(void)t;
	loop_quit(arg, 42);
}

static void test_run_until_quit(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	loop_timer_after(loop_timer_new(l, quit_from_timer, l), 5);
	assert_int_equal(loop_quitting(l), 0);
	assert_int_equal(loop_run(l), 42);
	assert_true(loop_quitting(l));
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_fires_on_write),
		cmocka_unit_test(test_watch_free_self),
		cmocka_unit_test(test_watch_free_other),
		cmocka_unit_test(test_timers_due_order_same_turn),
		cmocka_unit_test(test_timers_due_order_across_turns),
		cmocka_unit_test(test_timer_disarmed_never_fires),
		cmocka_unit_test(test_timer_free_inside_callbacks),
		cmocka_unit_test(test_signal_is_an_event),
		cmocka_unit_test(test_idle_turn),
		cmocka_unit_test(test_after_turn_hook),
		cmocka_unit_test(test_run_until_quit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
