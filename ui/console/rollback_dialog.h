/* rollback_dialog.h: the rollback dialog of the console: a state, never a nested loop.
 *
 * Phases: listing (a dry run of core/jobs/rollback.h's job: what would be undone, nothing changed) ->
 * list (scrollable; s also undoes the SSH lines pairing added and lists again; y confirms) ->
 * running (each action as it happens) / password (the peer's sudo password, not shown) /
 * session (the SSH session is on an interface to undo: type yes) -> done (the summary). Esc
 * cancels at any point. Undoing network changes needs root: without it the dialog says so and
 * runs nothing. */
#ifndef SPARKLINK_ROLLBACK_DIALOG_H
#define SPARKLINK_ROLLBACK_DIALOG_H

#include "core/base/loop.h"
#include "core/jobs/rollback.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>

enum rb_phase {
	RB_NOROOT,
	RB_LISTING,
	RB_LIST,
	RB_RUNNING,
	RB_PASSWORD,
	RB_SESSION,
	RB_CANCELLING,
	RB_DONE
};

struct rollback_dialog {
	enum rb_phase phase;
	struct worker *worker;
	struct rollback_job job;
	bool dry_run; /* the job running (or last run) is the listing */
	bool applied; /* the real rollback was started */
	struct scroll_text list; /* what would be undone (dry run) */
	struct scroll_text log; /* what was undone */
	struct job_question q; /* RB_PASSWORD, RB_SESSION */
	int status; /* JOB_DONE's code: 0 ok, 1 failed */
	char summary[512];
	int pending; /* records still to undo (after the listing) */
	bool finished; /* WORKER_DONE seen for the current job */
	void (*notify)(void *arg); /* called on the loop after each message (redraw) */
	void *notify_arg;
};

/* Open and start the listing (dry run). Returns false with a reason in why. */
struct invocation;
bool rollback_dialog_open(struct rollback_dialog *d, struct loop *loop,
			  const struct invocation *inv, char *why, size_t whysize);
/* The key that also undoes the SSH pairing lines (the steps suggest it). */
#define ROLLBACK_DIALOG_KEY_SSH "s"

/* A key; returns enum dialog_flags (widgets.h): q closes and quits when not root. */
unsigned rollback_dialog_key(struct rollback_dialog *d, struct loop *loop, int key, bool is_char);
void rollback_dialog_msg(struct rollback_dialog *d, const struct worker_msg *m);
void rollback_dialog_draw(const struct screen *s, struct rollback_dialog *d);
void rollback_dialog_close(struct rollback_dialog *d);
/* For the console's status line after the dialog closes. */
const char *rollback_dialog_result(const struct rollback_dialog *d);

#endif
