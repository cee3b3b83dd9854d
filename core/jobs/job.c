/* job.c: posting the job protocol's messages (job.h) and asking its questions. */
#include "core/jobs/job.h"
#include "core/base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void job_progress(struct worker *w, const char *fmt, ...)
{
	struct worker_msg m = { .kind = JOB_PROGRESS };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	worker_post(w, &m);
}

void job_warn(struct worker *w, int code, const char *fmt, ...)
{
	struct worker_msg m = { .kind = JOB_WARN, .code = code };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	worker_post(w, &m);
}

void job_result(struct worker *w, int index, bool ok, const char *text)
{
	struct worker_msg m = { .kind = JOB_RESULT, .code = index };
	str_copy(m.text, text, sizeof(m.text));
	str_copy(m.extra, ok ? "ok" : "fail", sizeof(m.extra));
	worker_post(w, &m);
}

void job_done(struct worker *w, int status, const char *summary)
{
	struct worker_msg m = { .kind = JOB_DONE, .code = status };
	str_copy(m.text, summary, sizeof(m.text));
	worker_post(w, &m);
}

int job_ask_password(struct worker *w, int attempt, const char *host, const char *prompt, char *out,
		     size_t size)
{
	struct worker_msg q = { .kind = JOB_ASK_PASSWORD, .code = attempt };
	str_copy(q.text, prompt, sizeof(q.text));
	str_copy(q.extra, host, sizeof(q.extra));
	out[0] = '\0';
	int r = worker_ask(w, &q, out, size, -1);
	if (r < 0)
		secret_wipe(out, size);
	return r;
}

int job_ask_yes(struct worker *w, enum job_msg_kind kind, int code, const char *extra,
		const char *text)
{
	struct worker_msg q = { .kind = kind, .code = code };
	str_copy(q.text, text, sizeof(q.text));
	str_copy(q.extra, extra ? extra : "", sizeof(q.extra));
	char answer[16];
	int r = worker_ask(w, &q, answer, sizeof(answer), -1);
	if (r == -ECANCELED)
		return r;
	return r == 0 && strcmp(answer, "yes") == 0;
}
