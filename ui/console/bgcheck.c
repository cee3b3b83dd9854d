/* bgcheck.c: the background SSH check with a peer paired in an earlier session (the chosen one,
 * then each marked for the cluster): started after a
 * loop turn, its result learned as a fact for step 4 and logged. */
#include "ui/console/bgcheck.h"
#include "core/base/util.h"
#include "ui/console/console_shared.h"

#include <string.h>

static void on_bgcheck_msg(const struct worker_msg *m, void *owner)
{
	struct console *c = owner;
	if (m->question) /* a keys-only check asks nothing; refuse anything all the same */
		worker_answer(c->bgcheck.worker, "no");
	if (m->kind == WORKER_DONE)
		c->bgcheck.done = true;
}

void bgcheck_after_turn(struct console *c)
{
	struct bgcheck *b = &c->bgcheck;
	if (b->worker && b->done) {
		worker_free(b->worker);
		b->worker = NULL;
		if (!steps_peer(&c->facts, b->peer)) { /* a dialog may have learned more */
			c->dirty = true; /* new facts: the steps again (guide_steps_stale) */
			steps_learn_pair(&c->facts, b->peer, true, b->job.out.status,
					 b->job.req.local.name, b->job.out.summary);
			actlog_add(&c->log, b->job.out.status == PAIR_OK ? ACTLOG_OK : ACTLOG_FAIL,
				   "SSH check with %s (paired earlier): %s", b->peer,
				   b->job.out.summary[0] ? b->job.out.summary
							 : pair_status_word(b->job.out.status));
		}
		c->dirty = true;
		return;
	}
	if (b->worker || c->state != STATE_MAIN)
		return;
	/* the chosen peer, then the cluster's marked ones: each checked once */
	const struct peer *p = guide_peer(c);
	for (size_t i = 0; i <= c->cluster.n; i++) {
		if (i > 0)
			p = peers_find(&c->peers, c->cluster.members[i - 1].host);
		if (p && strcmp(p->host, b->peer) != 0 && !steps_peer(&c->facts, p->host) &&
		    steps_journal_names_peer(&c->facts, p))
			break;
		p = NULL;
	}
	if (!p)
		return;
	str_copy(b->peer, p->host, sizeof(b->peer));
	char why[512];
	if (!pair_request_for_peer(&b->job.req, p, &c->model, true, &c->inv, why, sizeof(why)))
		return;
	b->job.req.timeout_s = 10;
	b->done = false;
	b->worker = worker_start(c->loop, pair_job_run, &b->job, on_bgcheck_msg, c);
	if (b->worker)
		actlog_add(&c->log, ACTLOG_INFO, "Checking SSH with %s (paired earlier), keys only",
			   p->host);
}

void bgcheck_free(struct bgcheck *b)
{
	if (b->worker)
		worker_free(b->worker); /* cancels and joins */
	b->worker = NULL;
}
