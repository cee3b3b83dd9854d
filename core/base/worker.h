/* worker.h: slow work off the loop.
 *
 * A worker runs one job in a thread of its own. The job reports to the loop by posting
 * messages (a pipe wakes the loop; the owner's callback runs on the loop, never in the thread),
 * and can ask a question and wait for the answer (a fingerprint to confirm, a password). The job
 * never touches curses or the model. Cancelling wakes any wait; the job checks
 * worker_cancelled() between steps and every network call has its own timeout. */
#ifndef SPARKLINK_WORKER_H
#define SPARKLINK_WORKER_H

#include "core/base/loop.h"

#include <stdbool.h>
#include <stddef.h>

enum { WORKER_DONE = -1 }; /* the kind of the last message, posted when the job returns */

struct worker_msg {
	int kind; /* the job's kinds (>= 0; core/jobs/job.h), or WORKER_DONE */
	int code;
	bool question; /* the job waits for worker_answer() */
	char text[512];
	char extra[256];
};

struct worker;
typedef void worker_job_fn(struct worker *w, void *arg);
typedef void worker_msg_fn(const struct worker_msg *m, void *owner);

struct worker *worker_start(struct loop *loop, worker_job_fn *job, void *job_arg,
			    worker_msg_fn *on_msg, void *owner);
/* Ask the job to stop; a pending question gets no answer (worker_ask returns -ECANCELED). */
void worker_cancel(struct worker *w);
/* Answer the pending question (copied; the caller should wipe its own copy). */
void worker_answer(struct worker *w, const char *answer);
/* Join the thread (after WORKER_DONE it returns at once) and free. Cancels first if running. */
void worker_free(struct worker *w);

/* In the job: */
bool worker_cancelled(struct worker *w);
void worker_post(struct worker *w, const struct worker_msg *m);
__attribute__((format(printf, 3, 4))) void worker_postf(struct worker *w, int kind, const char *fmt,
							...);
/* Post q as a question and wait for the answer (at most timeout_ms, < 0: no limit). Returns 0
 * with the answer in answer (NUL-terminated), -ECANCELED or -ETIMEDOUT. Threads of one job that
 * ask at once are asked one after the other. The worker's own copy of
 * the answer is wiped before this returns. */
int worker_ask(struct worker *w, const struct worker_msg *q, char *answer, size_t size,
	       int timeout_ms);

/* Wipe memory that held a secret (not optimised away). */
void secret_wipe(void *p, size_t n);

#endif
