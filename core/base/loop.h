/* loop.h: the one poll() loop that owns every descriptor.
 *
 * Watches (fd + events + callback), timers (one-shot, re-armable) and signals (through a
 * signalfd, so a signal is an ordinary loop event). Watches and timers may be freed from inside
 * any callback: they are marked dead and reclaimed at the end of the turn. After each turn's
 * callbacks the "after turn" hook runs once: that is where the console redraws when dirty.
 * Nothing here wakes up unless a descriptor is ready or a timer is due. */
#ifndef SPARKLINK_LOOP_H
#define SPARKLINK_LOOP_H

#include <stdint.h>

struct loop;
struct loop_watch;
struct loop_timer;

typedef void loop_io_fn(struct loop_watch *w, int fd, short revents, void *arg);
typedef void loop_timer_fn(struct loop_timer *t, void *arg);
typedef void loop_signal_fn(int signo, void *arg);
typedef void loop_turn_fn(void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *l);

struct loop_watch *loop_watch_new(struct loop *l, int fd, short events, loop_io_fn *fn, void *arg);
void loop_watch_set(struct loop_watch *w, short events);
short loop_watch_events(const struct loop_watch *w);
int loop_watch_fd(const struct loop_watch *w);
void loop_watch_free(struct loop_watch *w);

struct loop_timer *loop_timer_new(struct loop *l, loop_timer_fn *fn, void *arg);
/* Arm to fire at the absolute monotonic time due_ms (clock_ms()); a negative value disarms. */
void loop_timer_at(struct loop_timer *t, int64_t due_ms);
void loop_timer_after(struct loop_timer *t, int64_t delay_ms);
void loop_timer_free(struct loop_timer *t);

/* Route these signals through a signalfd to fn. Blocks them for the whole process; call before
 * starting threads so every thread inherits the mask. Returns 0 or -errno. */
int loop_signals(struct loop *l, const int *signos, int n, loop_signal_fn *fn, void *arg);

/* Called once after each turn in which anything was dispatched. */
void loop_after_turn(struct loop *l, loop_turn_fn *fn, void *arg);

/* One turn: wait at most timeout_ms (-1: until something happens), dispatch. Returns the number
 * of callbacks run, or -errno on a poll failure other than EINTR. */
int loop_turn(struct loop *l, int timeout_ms);
/* Turn until loop_quit(); returns the code given to loop_quit. */
int loop_run(struct loop *l);
void loop_quit(struct loop *l, int code);
int loop_quitting(const struct loop *l);

/* Counters for the benchmarks: turns taken and wakeups with nothing to do. */
struct loop_stats {
	uint64_t turns, idle_wakeups;
};
struct loop_stats loop_stats(const struct loop *l);

#endif
