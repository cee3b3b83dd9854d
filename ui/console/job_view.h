/* job_view.h: the part of every console dialog that runs a job (core/jobs/job.h's protocol): the
 * job's progress lines and warnings (scrollable), its results per direction or rail, the
 * question it asks (a password in the one secret field, never drawn and wiped after use; a host
 * key's fingerprint, y or n; a confirmation typed as "yes"), Esc to cancel, and its end.
 *
 * A dialog embeds one, starts its job through it and hands it the keys while the job runs; what
 * is the dialog's own (its choices before the job, its words, the preview apply asks about, the
 * summary's colour and the keys after the end) stays in the dialog. */
#ifndef SPARKLINK_JOB_VIEW_H
#define SPARKLINK_JOB_VIEW_H

#include "core/base/loop.h"
#include "core/base/worker.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>
#include <stddef.h>

enum job_view_phase {
	JV_IDLE, /* no job started */
	JV_RUNNING,
	JV_ASKING, /* a question is open (job_view_asks()) */
	JV_CANCELLING,
	JV_DONE, /* WORKER_DONE seen, or the job could not start */
};

/* A job's question: a password, a host key's fingerprint, a confirmation typed as "yes", or the
 * preview of a change (JOB_CONFIRM_PREVIEW: the dialog shows it and takes its keys). */
enum question_kind {
	QUESTION_NONE,
	QUESTION_PASSWORD,
	QUESTION_FINGERPRINT,
	QUESTION_CONFIRM,
	QUESTION_PREVIEW,
	QUESTION_SAME_PASSWORD /* y or n: is the password just given the same on these nodes? */
};

struct job_question {
	enum question_kind kind;
	char text[512]; /* the job's question, cleaned */
	char extra[256]; /* the fingerprint's address, cleaned */
	int tries; /* a password's try (1..3), 0 if not counted */
	struct secret_field pw; /* the password: the only place it is typed into */
	struct word_field word;
};

/* A dialog's words for its job (all kept, not copied). */
struct job_view_words {
	const char *running; /* the last row while the job runs ("Working...   Esc: cancel") */
	const char *cancelling; /* the last row while it stops */
	const char *password_keys; /* the last row at a password; NULL: sudo's on the peer */
	const char *refusing; /* what "no" to a confirmation keeps; NULL: "nothing changed" */
	const char *result[2]; /* a result line's label: failed, ok ("Rail FAILED", "Rail ok") */
	const char *result_names[2]; /* results 0 and 1 named (pair's directions); NULL: none */
	bool results_in_log; /* a cluster's many results: each a line of the log, as it comes */
};

#define JOB_VIEW_RESULTS 8

struct job_view {
	enum job_view_phase phase;
	const struct job_view_words *words;
	struct worker *worker;
	struct scroll_text log; /* progress; warnings start with "! " */
	struct job_question q; /* while JV_ASKING */
	struct {
		int ok; /* -1 not reported, 0 failed, 1 ok */
		char text[200];
	} results[JOB_VIEW_RESULTS];
	int status; /* JOB_DONE's code */
	char summary[512]; /* JOB_DONE's text, cleaned */
	bool ended; /* JOB_DONE seen */
	bool finished; /* WORKER_DONE seen (or the job could not start) */
	char accepted[128]; /* the host key accepted in this view ("SHA256:..."), kept across runs */
	worker_msg_fn *hook; /* the dialog's, after the view took each message (may be NULL) */
	void *owner; /* the dialog, for hook */
	void (*notify)(void *arg); /* the console's, after each message (redraw) */
	void *notify_arg;
};

void job_view_init(struct job_view *v, const struct job_view_words *words);
/* Ready for another run: the job stopped and freed, the log, results and end cleared. */
void job_view_reset(struct job_view *v);
void job_view_free(struct job_view *v);
/* Reset, then run fn(job) in a worker; false when no thread could be started (then the view is
 * done with status 1, every job's plain failure, and a sentence as the summary). */
bool job_view_start(struct job_view *v, struct loop *loop, worker_job_fn *fn, void *job);
/* The job's message (called on the loop for every message of a job the view started). */
void job_view_msg(struct job_view *v, const struct worker_msg *m);
/* The question open now (QUESTION_NONE when none). */
enum question_kind job_view_asks(const struct job_view *v);
/* Answer the open question (the dialog's own: the preview) and go on running. */
void job_view_answer(struct job_view *v, const char *answer);
/* Stop the job (if it runs) and wipe any answer typed so far. */
void job_view_cancel(struct job_view *v);
/* A key while the job runs, asks or has ended; returns enum dialog_flags (widgets.h): Esc
 * cancels (at a fingerprint it refuses), at the end Enter, Esc and q close. 0 when the key is
 * not the view's (the preview's keys are the dialog's). */
unsigned job_view_key(struct job_view *v, int key, bool is_char);
/* The log from y to above the foot, then the question, or the running or cancelling line on
 * row last, or the results; returns the next free row (the dialog's summary and keys go there
 * and on row last). */
int job_view_draw(const struct screen *s, struct job_view *v, int y, int x, int w, int last);
/* A key while the dialog shows the job's preview (text, scrolled by the dialog): y applies, n
 * and Esc refuse, the rest scroll it; returns enum dialog_flags. */
unsigned job_view_preview_key(struct job_view *v, struct scroll_text *preview, int key,
			      bool is_char);

#endif
