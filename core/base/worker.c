/* worker.c: a job thread that reports to the loop through a pipe. */
#include "core/base/worker.h"
#include "core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct worker {
	struct loop *loop;
	worker_job_fn *job;
	void *job_arg;
	worker_msg_fn *on_msg;
	void *owner;
	pthread_t thread;
	bool started;
	int pipefd[2];
	struct loop_watch *watch;
	pthread_mutex_t lock;
	pthread_mutex_t ask_lock; /* one question at a time from a job's own threads */
	pthread_cond_t cond;
	struct worker_msg *queue;
	size_t nqueue, capqueue;
	atomic_bool cancelled;
	bool asking, answered;
	char answer[1024];
	bool done;
};

void secret_wipe(void *p, size_t n)
{
	if (!p || !n)
		return;
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory"); /* the stores above must happen */
}

static void wake(struct worker *w)
{
	char b = 1;
	if (write(w->pipefd[1], &b, 1) < 0) {
		/* the pipe is full: the loop is awake already */
	}
}

void worker_post(struct worker *w, const struct worker_msg *m)
{
	pthread_mutex_lock(&w->lock);
	if (w->nqueue == w->capqueue) {
		w->capqueue = w->capqueue ? w->capqueue * 2 : 8;
		w->queue = xrealloc(w->queue, w->capqueue, sizeof(*w->queue));
	}
	w->queue[w->nqueue++] = *m;
	pthread_mutex_unlock(&w->lock);
	wake(w);
}

void worker_postf(struct worker *w, int kind, const char *fmt, ...)
{
	struct worker_msg m = { .kind = kind };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	worker_post(w, &m);
}

bool worker_cancelled(struct worker *w)
{
	return atomic_load(&w->cancelled);
}

int worker_ask(struct worker *w, const struct worker_msg *q, char *answer, size_t size,
	       int timeout_ms)
{
	struct worker_msg m = *q;
	m.question = true;
	pthread_mutex_lock(&w->ask_lock);
	pthread_mutex_lock(&w->lock);
	w->asking = true;
	w->answered = false;
	pthread_mutex_unlock(&w->lock);
	worker_post(w, &m);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	if (timeout_ms >= 0) {
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
	}
	int rc = 0;
	pthread_mutex_lock(&w->lock);
	while (!w->answered && !atomic_load(&w->cancelled)) {
		int r = timeout_ms >= 0 ? pthread_cond_timedwait(&w->cond, &w->lock, &until)
					: pthread_cond_wait(&w->cond, &w->lock);
		if (r == ETIMEDOUT) {
			rc = -ETIMEDOUT;
			break;
		}
	}
	if (rc == 0 && !w->answered)
		rc = -ECANCELED;
	if (rc == 0)
		str_copy(answer, w->answer, size);
	secret_wipe(w->answer, sizeof(w->answer));
	w->asking = false;
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_unlock(&w->ask_lock);
	return rc;
}

void worker_answer(struct worker *w, const char *answer)
{
	pthread_mutex_lock(&w->lock);
	if (w->asking) {
		str_copy(w->answer, answer ? answer : "", sizeof(w->answer));
		w->answered = true;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

void worker_cancel(struct worker *w)
{
	atomic_store(&w->cancelled, true);
	pthread_mutex_lock(&w->lock);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;
	w->job(w, w->job_arg);
	struct worker_msg done = { .kind = WORKER_DONE };
	worker_post(w, &done);
	return NULL;
}

/* On the loop: hand every queued message to the owner, outside the lock. */
static void drain(struct loop_watch *lw, int fd, short revents, void *arg)
{
	(void)lw;
	(void)revents;
	struct worker *w = arg;
	char buf[64];
	while (read(fd, buf, sizeof(buf)) > 0) {
	}
	for (;;) {
		pthread_mutex_lock(&w->lock);
		if (!w->nqueue) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		struct worker_msg m = w->queue[0];
		memmove(w->queue, w->queue + 1, (w->nqueue - 1) * sizeof(*w->queue));
		w->nqueue--;
		pthread_mutex_unlock(&w->lock);
		if (m.kind == WORKER_DONE)
			w->done = true;
		w->on_msg(&m, w->owner); /* may call worker_free(w): nothing after this touches w */
		if (m.kind == WORKER_DONE)
			return;
	}
}

struct worker *worker_start(struct loop *loop, worker_job_fn *job, void *job_arg,
			    worker_msg_fn *on_msg, void *owner)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	w->loop = loop, w->job = job, w->job_arg = job_arg, w->on_msg = on_msg, w->owner = owner;
	atomic_init(&w->cancelled, false);
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->ask_lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pipe2(w->pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(w);
		return NULL;
	}
	w->watch = loop_watch_new(loop, w->pipefd[0], POLLIN, drain, w);
	if (pthread_create(&w->thread, NULL, thread_main, w) != 0) {
		loop_watch_free(w->watch);
		close(w->pipefd[0]);
		close(w->pipefd[1]);
		free(w);
		return NULL;
	}
	w->started = true;
	return w;
}

void worker_free(struct worker *w)
{
	if (!w)
		return;
	worker_cancel(w);
	if (w->started)
		pthread_join(w->thread, NULL);
	loop_watch_free(w->watch);
	close(w->pipefd[0]);
	close(w->pipefd[1]);
	secret_wipe(w->answer, sizeof(w->answer));
	for (size_t i = 0; i < w->nqueue; i++)
		secret_wipe(&w->queue[i], sizeof(w->queue[i]));
	free(w->queue);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->ask_lock);
	free(w);
}
