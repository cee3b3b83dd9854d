/* rollback_child.h: the undo of the invoking user's own journal (pairing done without sudo), for
 * root: a child process with that user's rights only. */
#ifndef SPARKLINK_ROLLBACK_CHILD_H
#define SPARKLINK_ROLLBACK_CHILD_H

#include "core/base/worker.h"
#include "core/jobs/rollback.h"

/* The undo of the invoking user's own journal (pairing done without sudo), for root: a child
 * process that drops to the user's uid, gid and groups before it opens anything runs
 * `sparklink ROLLBACK_CHILD_COMMAND` (rollback_child_main) on that journal, with the user's
 * rights only; its lines and counts are added to out (as text: nothing it says makes root act). */
#define ROLLBACK_CHILD_COMMAND "__rollback-as-user"
void rollback_child_run(struct worker *w, const struct rollback_request *req,
			struct rollback_outcome *out);
/* The child's side (argv: ROLLBACK_CHILD_COMMAND, flags "d" dry run and "l" local only, the
 * timeout): undo this user's own journal, report on standard output. Refuses to run as root. */
int rollback_child_main(int argc, char **argv);

#endif
