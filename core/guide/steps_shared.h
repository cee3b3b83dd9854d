/* steps_shared.h: what steps.c (two nodes) and steps_cluster.c (a cluster) share: the sentence
 * with its suggested actions, and the rollback step, which is the same for both. Only
 * core/guide/ includes it. */
#ifndef SPARKLINK_STEPS_SHARED_H
#define SPARKLINK_STEPS_SHARED_H

#include "core/guide/steps.h"

/* An action suggested in a reason: a marker byte (octal 037) and the action's digit in the
 * format, taken out by set() and recorded as the action at its place; the front end puts its key
 * there (step_render). */
#define DO_MARK '\037'
#define DO_PAIR "\0370"
#define DO_CHECK "\0371"
#define DO_ADDR "\0372"
#define DO_VERIFY "\0373"
#define DO_ROLLBACK "\0374"
#define DO_UNDO_SSH "\0375"
#define DO_PEERS "\0376"
#define DO_USER "\0377"
_Static_assert(STEP_DO_COUNT == 8, "a DO_ marker for every action");

/* The mark and the reason: the sentence formatted, each marker of the format taken out and
 * recorded as an action at its place, the text between them cleaned (outside text can never
 * suggest an action: see steps.c). */
__attribute__((format(printf, 3, 4))) void steps_set(struct step *s, enum step_mark mark,
						     const char *fmt, ...);
/* Step 6: what the journal(s) would undo. */
void steps_step_rollback(const struct steps_facts *f, struct step *s);

#endif
