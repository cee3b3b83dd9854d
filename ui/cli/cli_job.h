/* cli_job.h: the command line's one runner for every job (core/jobs/job.h's protocol).
 *
 * The runner starts the job in a worker on a loop of its own, prints what the job sends the same
 * way for every command (progress "  TEXT", warnings "  ! TEXT", results "LABEL TEXT"), answers
 * its questions (a password on the terminal without echo or from standard input, an unknown
 * host key on the terminal, the preview by printing it: the command line is the decision, a
 * session interface by refusing: only the command's option allows it; whether a password is the
 * same on the other nodes on the terminal, else no), cancels the job on
 * SIGINT, SIGTERM and SIGHUP, and maps the job's end to the exit code. */
#ifndef SPARKLINK_CLI_JOB_H
#define SPARKLINK_CLI_JOB_H

#include "core/base/util.h"
#include "core/base/worker.h"

#include <stdbool.h>

struct cli_job {
	/* set by the command */
	const char *cmd; /* "sparklink pair": the start of every message */
	bool password_stdin; /* passwords from standard input, a line per question */
	bool quiet; /* progress and results not shown; warnings on stderr (status) */
	const char *result_ok, *result_fail; /* the label of a JOB_RESULT line */
	const char *password_why; /* "a password is needed": said when there is no way to ask */
	const struct buf *preview; /* printed when JOB_CONFIRM_PREVIEW is asked, then "yes" */
	/* the exit code for the job's end (j->status is JOB_DONE's code); NULL: 0 -> EXIT_OK,
	 * else EXIT_FAIL */
	int (*exit_code)(const struct cli_job *j);
	void *arg; /* the command's, for exit_code */
	/* learned while the job ran */
	bool tty; /* a terminal to ask on */
	bool no_password; /* a password was needed and could not be asked */
	int wrong_passwords; /* JOB_WARN_WRONG_PASSWORD seen */
	bool hostkey_changed; /* a warning said a host key changed (exit 5) */
	bool ended; /* JOB_DONE seen */
	int status; /* JOB_DONE's code */
	char summary[512]; /* JOB_DONE's text */
	struct loop *loop;
	struct worker *worker;
};

/* Run fn(job) until it is done; returns the exit code (EXIT_FAIL with a message when the job
 * cannot be started). */
int cli_job_run(struct cli_job *j, worker_job_fn *fn, void *job);
/* The last line: "Done: SUMMARY." on stdout when rc is EXIT_OK, else "CMD: WHY" on stderr (why
 * NULL: the job's summary). */
void cli_job_end(const struct cli_job *j, int rc, const char *why);

#endif
