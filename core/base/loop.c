/* loop.c: poll() loop with watches, timers and signalfd signals. */
#include "core/base/loop.h"
#include "core/base/util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

struct loop_watch {
	struct loop *loop;
	int fd;
	short events;
	loop_io_fn *fn;
	void *arg;
	bool dead;
};

struct loop_timer {
	struct loop *loop;
	int64_t due; /* < 0: disarmed */
	uint64_t fired_turn; /* the turn it last fired in: once per turn at most */
	loop_timer_fn *fn;
	void *arg;
	bool dead;
};

struct loop {
	struct loop_watch **watches;
	size_t nwatches, capwatches;
	struct loop_timer **timers;
	size_t ntimers, captimers;
	struct pollfd *pfds;
	struct loop_watch **pfd_owner;
	size_t cappfds;
	bool garbage;
	int sigfd;
	struct loop_watch *sigwatch;
	loop_signal_fn *sigfn;
	void *sigarg;
	loop_turn_fn *after_fn;
	void *after_arg;
	bool quit;
	int quit_code;
	struct loop_stats stats;
};

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));
	l->sigfd = -1;
	return l;
}

static void reap(struct loop *l)
{
	size_t j = 0;
	for (size_t i = 0; i < l->nwatches; i++) {
		if (l->watches[i]->dead)
			free(l->watches[i]);
		else
			l->watches[j++] = l->watches[i];
	}
	l->nwatches = j;
	j = 0;
	for (size_t i = 0; i < l->ntimers; i++) {
		if (l->timers[i]->dead)
			free(l->timers[i]);
		else
			l->timers[j++] = l->timers[i];
	}
	l->ntimers = j;
	l->garbage = false;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->sigfd >= 0)
		close(l->sigfd);
	for (size_t i = 0; i < l->nwatches; i++)
		free(l->watches[i]);
	for (size_t i = 0; i < l->ntimers; i++)
		free(l->timers[i]);
	free(l->watches);
	free(l->timers);
	free(l->pfds);
	free(l->pfd_owner);
	free(l);
}

struct loop_watch *loop_watch_new(struct loop *l, int fd, short events, loop_io_fn *fn, void *arg)
{
	struct loop_watch *w = xcalloc(1, sizeof(*w));
	*w = (struct loop_watch){ .loop = l, .fd = fd, .events = events, .fn = fn, .arg = arg };
	if (l->nwatches == l->capwatches) {
		l->capwatches = l->capwatches ? l->capwatches * 2 : 16;
		l->watches = xrealloc(l->watches, l->capwatches, sizeof(*l->watches));
	}
	l->watches[l->nwatches++] = w;
	return w;
}

void loop_watch_set(struct loop_watch *w, short events)
{
	w->events = events;
}

short loop_watch_events(const struct loop_watch *w)
{
	return w->events;
}

int loop_watch_fd(const struct loop_watch *w)
{
	return w->fd;
}

void loop_watch_free(struct loop_watch *w)
{
	if (!w)
		return;
	w->dead = true;
	w->loop->garbage = true;
}

struct loop_timer *loop_timer_new(struct loop *l, loop_timer_fn *fn, void *arg)
{
	struct loop_timer *t = xcalloc(1, sizeof(*t));
	*t = (struct loop_timer){ .loop = l, .due = -1, .fn = fn, .arg = arg };
	if (l->ntimers == l->captimers) {
		l->captimers = l->captimers ? l->captimers * 2 : 8;
		l->timers = xrealloc(l->timers, l->captimers, sizeof(*l->timers));
	}
	l->timers[l->ntimers++] = t;
	return t;
}

void loop_timer_at(struct loop_timer *t, int64_t due_ms)
{
	t->due = due_ms < 0 ? -1 : due_ms;
}

void loop_timer_after(struct loop_timer *t, int64_t delay_ms)
{
	t->due = clock_ms() + (delay_ms > 0 ? delay_ms : 0);
}

void loop_timer_free(struct loop_timer *t)
{
	if (!t)
		return;
	t->dead = true;
	t->due = -1;
	t->loop->garbage = true;
}

static void signal_ready(struct loop_watch *w, int fd, short revents, void *arg)
{
	(void)w;
	(void)revents;
	struct loop *l = arg;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (l->sigfn)
			l->sigfn((int)si.ssi_signo, l->sigarg);
	}
}

int loop_signals(struct loop *l, const int *signos, int n, loop_signal_fn *fn, void *arg)
{
	sigset_t set;
	sigemptyset(&set);
	for (int i = 0; i < n; i++)
		sigaddset(&set, signos[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	int fd = signalfd(l->sigfd, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	l->sigfd = fd;
	l->sigfn = fn;
	l->sigarg = arg;
	if (!l->sigwatch)
		l->sigwatch = loop_watch_new(l, fd, POLLIN, signal_ready, l);
	return 0;
}

void loop_after_turn(struct loop *l, loop_turn_fn *fn, void *arg)
{
	l->after_fn = fn;
	l->after_arg = arg;
}

static int64_t next_due(const struct loop *l)
{
	int64_t due = -1;
	for (size_t i = 0; i < l->ntimers; i++) {
		const struct loop_timer *t = l->timers[i];
		if (!t->dead && t->due >= 0 && (due < 0 || t->due < due))
			due = t->due;
	}
	return due;
}

int loop_turn(struct loop *l, int timeout_ms)
{
	if (l->garbage)
		reap(l);
	int64_t due = next_due(l);
	if (due >= 0) {
		int64_t wait = due - clock_ms();
		if (wait < 0)
			wait = 0;
		if (timeout_ms < 0 || wait < timeout_ms)
			timeout_ms = wait > 1000000 ? 1000000 : (int)wait;
	}
	if (l->cappfds < l->nwatches) {
		l->cappfds = l->nwatches;
		l->pfds = xrealloc(l->pfds, l->cappfds, sizeof(*l->pfds));
		l->pfd_owner = xrealloc(l->pfd_owner, l->cappfds, sizeof(*l->pfd_owner));
	}
	nfds_t n = 0;
	for (size_t i = 0; i < l->nwatches; i++) {
		struct loop_watch *w = l->watches[i];
		if (w->dead || w->fd < 0)
			continue;
		l->pfds[n] = (struct pollfd){ .fd = w->fd, .events = w->events };
		l->pfd_owner[n++] = w;
	}
	int r = poll(l->pfds, n, timeout_ms);
	if (r < 0 && errno != EINTR)
		return -errno;
	l->stats.turns++;
	int ran = 0;
	for (nfds_t i = 0; r > 0 && i < n; i++) {
		struct loop_watch *w = l->pfd_owner[i];
		short re = l->pfds[i].revents;
		if (!re || w->dead)
			continue;
		w->fn(w, w->fd, re, w->arg);
		ran++;
	}
	/* due timers fire earliest first, whatever order they were created in; a callback may
	 * free, disarm or re-arm any timer (a re-armed one waits for the next turn) */
	int64_t now = clock_ms();
	for (;;) {
		struct loop_timer *next = NULL;
		for (size_t i = 0; i < l->ntimers; i++) {
			struct loop_timer *t = l->timers[i];
			if (t->dead || t->due < 0 || t->due > now ||
			    t->fired_turn == l->stats.turns)
				continue;
			if (!next || t->due < next->due)
				next = t;
		}
		if (!next)
			break;
		next->due = -1;
		next->fired_turn = l->stats.turns;
		next->fn(next, next->arg);
		ran++;
	}
	if (ran == 0)
		l->stats.idle_wakeups++;
	else if (l->after_fn)
		l->after_fn(l->after_arg);
	return ran;
}

int loop_run(struct loop *l)
{
	while (!l->quit) {
		int r = loop_turn(l, -1);
		if (r < 0)
			return r;
	}
	return l->quit_code;
}

void loop_quit(struct loop *l, int code)
{
	l->quit = true;
	l->quit_code = code;
}

int loop_quitting(const struct loop *l)
{
	return l->quit;
}

struct loop_stats loop_stats(const struct loop *l)
{
	return l->stats;
}
