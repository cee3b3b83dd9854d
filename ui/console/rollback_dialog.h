/* rollback_dialog.h: the rollback dialog of the console: a state, never a nested loop.
 *
 * Phases: listing (a dry run of core/jobs/rollback.h's job: what would be undone, nothing
 * changed) -> list (scrollable; s also undoes the SSH lines pairing added and lists again; y
 * confirms) -> job (the real run in the job view: each action as it happens, the peer's sudo
 * password, a typed yes when the SSH session is on an interface to undo, the summary). Esc
 * cancels at any point. Undoing network changes needs root: without it the dialog says so and
 * runs nothing. */
#ifndef SPARKLINK_ROLLBACK_DIALOG_H
#define SPARKLINK_ROLLBACK_DIALOG_H

#include "core/base/loop.h"
#include "core/jobs/rollback.h"
#include "ui/console/job_view.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>

enum rb_phase {
	RB_NOROOT,
	RB_LISTING,
	RB_LIST,
	RB_JOB, /* the job view has it: running, asking, cancelling, done */
};

struct rollback_dialog {
	enum rb_phase phase;
	struct rollback_job job;
	struct job_view view; /* the job's messages (the listing's too), questions and end */
	bool applied; /* the real rollback was started */
	int pending; /* records still to undo (after the listing) */
};

/* Open and start the listing (dry run). Returns false with a reason in why. */
struct invocation;
bool rollback_dialog_open(struct rollback_dialog *d, struct loop *loop,
			  const struct invocation *inv, char *why, size_t whysize);
/* The key that also undoes the SSH pairing lines (the steps suggest it). */
#define ROLLBACK_DIALOG_KEY_SSH "s"

/* A key; returns enum dialog_flags (widgets.h): q closes and quits when not root. */
unsigned rollback_dialog_key(struct rollback_dialog *d, struct loop *loop, int key, bool is_char);
void rollback_dialog_draw(const struct screen *s, struct rollback_dialog *d);
void rollback_dialog_close(struct rollback_dialog *d);
/* For the console's status line after the dialog closes. */
const char *rollback_dialog_result(const struct rollback_dialog *d);

#endif
