/* cli_job.c: the command line's runner for every job: messages, questions, the exit code. */
#include "ui/cli/cli_job.h"
#include "core/base/loop.h"
#include "core/jobs/job.h"
#include "ui/cli/cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* how sshsession_host_key_warning begins: a changed or revoked host key (exit 5) */
#define HOSTKEY_WARNING "WARNING: the host key of"

static void ask_password(struct cli_job *j, const struct worker_msg *m)
{
	char pw[512];
	bool ok = cli_password(m->text, j->password_stdin, j->tty, pw, sizeof(pw));
	if (!ok && !j->password_stdin && !j->tty) {
		fprintf(stderr,
			"%s: %s and there is no terminal to ask it on; give it with "
			"--password-stdin\n",
			j->cmd, j->password_why ? j->password_why : "a password is needed");
		j->no_password = true;
	}
	worker_answer(j->worker, ok ? pw : "");
	secret_wipe(pw, sizeof(pw));
}

static void ask_fingerprint(struct cli_job *j, const struct worker_msg *m)
{
	char ans[16] = "";
	bool can = j->tty && !j->password_stdin;
	printf("The host key of %s is %s\n", m->extra, m->text);
	fflush(stdout);
	if (can &&
	    cli_tty_line("Accept it and record it in known_hosts? [y/N] ", ans, sizeof(ans),
			 false) &&
	    (ans[0] == 'y' || ans[0] == 'Y')) {
		worker_answer(j->worker, "yes");
		return;
	}
	if (!can) {
		const char *fp = strchr(m->text, ' ');
		fprintf(stderr,
			"%s: refusing an unknown host key without a terminal; check it, then pass "
			"--accept-fingerprint %s\n",
			j->cmd, fp ? fp + 1 : "SHA256:...");
	}
	worker_answer(j->worker, "no");
}

static void ask_confirm(struct cli_job *j, const struct worker_msg *m)
{
	if (m->code == JOB_CONFIRM_SAME_PASSWORD) {
		/* asked only on a terminal; else each node's password is asked (--same-password
		 * answers it in advance) */
		char ans[16] = "", q[700];
		snprintf(q, sizeof(q),
			 "Is the password you gave for %s the same on %s? (yes: it is tried there "
			 "first) [y/N] ",
			 m->extra, m->text);
		bool same = j->tty && !j->password_stdin &&
			    cli_tty_line(q, ans, sizeof(ans), false) &&
			    (ans[0] == 'y' || ans[0] == 'Y');
		worker_answer(j->worker, same ? "yes" : "no");
		return;
	}
	if (m->code == JOB_CONFIRM_PREVIEW && j->preview) {
		/* the job waits for the answer: its preview is stable until then */
		fwrite(j->preview->data, 1, j->preview->len, stdout);
		fputs("\n", stdout);
		worker_answer(j->worker, "yes"); /* the command line is the decision */
		return;
	}
	/* a session's interface: only the command's option allows it (the job asks no more) */
	fprintf(stderr, "%s: %s\n", j->cmd, m->text);
	worker_answer(j->worker, "no");
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct cli_job *j = owner;
	switch (m->kind) {
	case WORKER_DONE: loop_quit(j->loop, 0); return;
	case JOB_ASK_PASSWORD: ask_password(j, m); break;
	case JOB_ASK_FINGERPRINT: ask_fingerprint(j, m); break;
	case JOB_ASK_CONFIRM: ask_confirm(j, m); break;
	case JOB_DONE:
		j->ended = true;
		j->status = m->code;
		str_copy(j->summary, m->text, sizeof(j->summary));
		break;
	case JOB_WARN:
		j->wrong_passwords += m->code == JOB_WARN_WRONG_PASSWORD;
		if (strstr(m->text, HOSTKEY_WARNING))
			j->hostkey_changed = true;
		if (j->quiet) { /* the report on stdout may be JSON: a warning goes to stderr */
			fprintf(stderr, "%s: %s\n", j->cmd, m->text);
			return;
		}
		printf("  ! %s\n", m->text);
		break;
	case JOB_PROGRESS:
		if (!j->quiet)
			printf("  %s\n", m->text);
		break;
	case JOB_RESULT:
		if (!j->quiet)
			printf("%s %s\n",
			       strcmp(m->extra, "ok") == 0 ? j->result_ok : j->result_fail,
			       m->text);
		break;
	default:
		if (m->question) /* a question this runner does not know: refused */
			worker_answer(j->worker, "");
		break;
	}
	fflush(stdout);
}

static void on_signal(int signo, void *arg)
{
	(void)signo;
	struct cli_job *j = arg;
	worker_cancel(j->worker);
}

int cli_job_run(struct cli_job *j, worker_job_fn *fn, void *job)
{
	j->tty = isatty(STDIN_FILENO) || (!j->password_stdin && isatty(STDERR_FILENO));
	j->loop = loop_new();
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	loop_signals(j->loop, sigs, 3, on_signal, j);
	signal(SIGPIPE, SIG_IGN);
	j->worker = worker_start(j->loop, fn, job, on_msg, j);
	if (!j->worker) {
		fprintf(stderr, "%s: cannot start a thread\n", j->cmd);
		loop_free(j->loop);
		j->loop = NULL;
		return EXIT_FAIL;
	}
	loop_run(j->loop);
	worker_free(j->worker);
	loop_free(j->loop);
	j->worker = NULL;
	j->loop = NULL;
	if (j->exit_code)
		return j->exit_code(j);
	return j->status == 0 ? EXIT_OK : EXIT_FAIL;
}

void cli_job_end(const struct cli_job *j, int rc, const char *why)
{
	if (rc == EXIT_OK)
		printf("Done: %s.\n", j->summary);
	else
		fprintf(stderr, "%s: %s\n", j->cmd, why ? why : j->summary);
}
