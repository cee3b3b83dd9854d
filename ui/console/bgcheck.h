/* bgcheck.h: the background SSH check. For a peer paired in an earlier session (the journal
 * names it) and nothing known of it yet, a keys-only SSH check starts by itself, so step 4 says
 * what is true now without a key press (once per peer and run). */
#ifndef SPARKLINK_BGCHECK_H
#define SPARKLINK_BGCHECK_H

#include "core/base/worker.h"
#include "core/jobs/pair.h"

#include <stdbool.h>

struct bgcheck {
	struct worker *worker;
	struct pair_job job;
	bool done; /* WORKER_DONE seen */
	char peer[256]; /* the peer checked (or tried) last */
};

struct console;
/* After every loop turn: learn the result of a finished check; else start one when the chosen
 * peer wants it. Costs nothing otherwise. */
void bgcheck_after_turn(struct console *c);
/* Cancel and join a check still running. */
void bgcheck_free(struct bgcheck *b);

#endif
