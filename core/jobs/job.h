/* job.h: the one protocol every job (pair, verify, apply, status, rollback) speaks to its front
 * end, through its worker (worker.h).
 *
 * A job sends progress lines and warnings, asks three kinds of question (a password, a host
 * key's fingerprint, a typed confirmation), reports a result per direction or per rail, and
 * ends with JOB_DONE (its status and summary), after which the worker posts WORKER_DONE. The
 * console's job view (ui/console/job_view.c) and the command line's runner (ui/cli/cli_job.c)
 * handle these kinds and no others; what a job learned beyond them is in its outcome, read after
 * WORKER_DONE. */
#ifndef SPARKLINK_JOB_H
#define SPARKLINK_JOB_H

#include "core/base/worker.h"

#include <stdbool.h>
#include <stddef.h>

enum job_msg_kind {
	JOB_PROGRESS, /* a step, text */
	JOB_WARN, /* something the user should know, text; code JOB_WARN_WRONG_PASSWORD or 0 */
	JOB_ASK_PASSWORD, /* question: text the prompt, code = try (1..3; 0: not counted, a new
			   * password), extra = the host; answer the password, "" cancels */
	JOB_ASK_FINGERPRINT, /* question: text "ED25519 SHA256:...", extra = the address;
			      * answer "yes" accepts the host key */
	JOB_ASK_CONFIRM, /* question typed as "yes": code = enum job_confirm, text what it is */
	JOB_RESULT, /* code = index (a direction: 0 this node -> peer, 1 peer -> this node; or a
		     * rail), extra "ok"/"fail", text = the result in words */
	JOB_DONE, /* the job's last message: code = its status (0 ok), text = the summary */
};

enum { JOB_WARN_WRONG_PASSWORD = 1 }; /* JOB_WARN's code: a password was refused */

enum job_confirm {
	JOB_CONFIRM_SESSION, /* text: an interface carrying an SSH session would change */
	JOB_CONFIRM_PREVIEW, /* the job's preview (apply: out.preview) is ready; "yes" applies */
	JOB_CONFIRM_SAME_PASSWORD, /* text: the nodes still to log in to; "yes": the password
				    * just accepted is the same there (tried first; a node that
				    * refuses it is asked its own) */
};

/* In the job: */
__attribute__((format(printf, 2, 3))) void job_progress(struct worker *w, const char *fmt, ...);
__attribute__((format(printf, 3, 4))) void job_warn(struct worker *w, int code, const char *fmt,
						    ...);
void job_result(struct worker *w, int index, bool ok, const char *text);
void job_done(struct worker *w, int status, const char *summary);
/* Ask a password (no time limit; a cancel wakes it). Returns worker_ask's code; the answer is in
 * out ("" when cancelled: the caller treats it as a cancel). */
int job_ask_password(struct worker *w, int attempt, const char *host, const char *prompt, char *out,
		     size_t size);
/* Ask a fingerprint (JOB_ASK_FINGERPRINT) or a confirmation (JOB_ASK_CONFIRM with code a
 * job_confirm): 1 when answered "yes", 0 for any other answer, -ECANCELED when cancelled. */
int job_ask_yes(struct worker *w, enum job_msg_kind kind, int code, const char *extra,
		const char *text);

#endif
