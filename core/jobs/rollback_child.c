/* rollback_child.c: the undo of a user's own journal with that user's rights only. Root's side
 * starts a child that drops to the user's uid, gid and groups before it opens anything and runs
 * sparklink again (rollback_child_main); the child undoes the journal as the user would and
 * reports in lines on its standard output:
 *   S text       a step            W text      a warning
 *   C undone already kept failed planned refused pending
 *   E status summary                            the end
 * The child runs as the user, who may control it: root reads its lines as text from outside
 * (strictly parsed, cleaned, bounded) and only shows and counts them. */
#include "core/jobs/rollback_child.h"
#include "core/jobs/journal.h"
#include "core/base/loop.h"
#include "core/jobs/rollback.h"
#include "core/base/text.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_BYTES 1024
#define OUTPUT_MAX (1 << 20)
#define GROUPS_MAX 1024

/* ---- root's side ---------------------------------------------------------------------------- */

struct child_spec {
	uid_t uid;
	gid_t gid;
	gid_t groups[GROUPS_MAX];
	int ngroups;
	char *argv[8];
	char *envp[16];
	size_t nenv;
	char flags[4], timeout[16];
	long maxfd;
};

static void env_add(struct child_spec *cs, const char *name, const char *value)
{
	if (!value || cs->nenv + 1 >= sizeof(cs->envp) / sizeof(cs->envp[0]))
		return;
	size_t n = strlen(name) + strlen(value) + 2;
	char *e = xcalloc(1, n);
	snprintf(e, n, "%s=%s", name, value);
	cs->envp[cs->nenv++] = e;
}

static int spec_make(struct child_spec *cs, const struct rollback_request *req, char *err,
		     size_t errsize)
{
	memset(cs, 0, sizeof(*cs));
	cs->uid = req->user.uid;
	cs->gid = req->user.gid;
	cs->ngroups = GROUPS_MAX;
	if (getgrouplist(req->user.name, req->user.gid, cs->groups, &cs->ngroups) < 0) {
		snprintf(err, errsize, "%s is in too many groups", req->user.name);
		return -E2BIG;
	}
	snprintf(cs->flags, sizeof(cs->flags), "-%s%s", req->dry_run ? "d" : "",
		 req->local_only ? "l" : "");
	snprintf(cs->timeout, sizeof(cs->timeout), "%d", req->timeout_s);
	cs->argv[0] = "sparklink";
	cs->argv[1] = ROLLBACK_CHILD_COMMAND;
	cs->argv[2] = cs->flags;
	cs->argv[3] = cs->timeout;
	/* the user's plain environment; nothing of the one sudo passed on */
	env_add(cs, "HOME", req->user.home);
	env_add(cs, "USER", req->user.name);
	env_add(cs, "LOGNAME", req->user.name);
	env_add(cs, "PATH", "/usr/local/bin:/usr/bin:/bin");
	static const char *const keep[] = { "LANG",	    "LC_ALL",	    "LC_CTYPE",
					    "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS" };
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		env_add(cs, keep[i], getenv(keep[i]));
	cs->maxfd = sysconf(_SC_OPEN_MAX);
	if (cs->maxfd < 256 || cs->maxfd > 1 << 20)
		cs->maxfd = 1 << 16;
	return 0;
}

static void spec_free(struct child_spec *cs)
{
	for (size_t i = 0; i < cs->nenv; i++)
		free(cs->envp[i]);
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child_exec(const struct child_spec *cs, int out)
{
	static const char no_drop[] = "E 1 could not drop to the user's rights\n";
	static const char no_exec[] = "E 1 could not start sparklink as the user\n";
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int nul = open("/dev/null", O_RDONLY);
	if (nul < 0 || dup2(nul, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, 0u) < 0)
#endif
		for (long fd = 3; fd < cs->maxfd; fd++)
			close((int)fd);
	if (setgroups((size_t)cs->ngroups, cs->groups) < 0 ||
	    setresgid(cs->gid, cs->gid, cs->gid) < 0 || setresuid(cs->uid, cs->uid, cs->uid) < 0 ||
	    getuid() != cs->uid || geteuid() != cs->uid || getegid() != cs->gid ||
	    setresuid(0, 0, 0) == 0) {
		ssize_t w = write(1, no_drop, sizeof(no_drop) - 1);
		(void)w;
		_exit(126);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* after the drop: a change of rights clears it */
	execve("/proc/self/exe", cs->argv, cs->envp);
	ssize_t w = write(1, no_exec, sizeof(no_exec) - 1);
	(void)w;
	_exit(127);
}

static bool parse_count(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || v < 0 || v > 1000000)
		return false;
	*out = (int)v;
	return true;
}

struct child_read {
	struct worker *w;
	struct rollback_outcome *out;
	const char *user;
	bool ended;
	int status;
	int failed; /* the child's own count of failures */
	char summary[512];
};

/* One line from the child (NUL-terminated, no newline). */
static void child_line(struct child_read *cr, char *line)
{
	char clean[LINE_MAX_BYTES + 1];
	text_clean(clean, sizeof(clean), line, strlen(line), 0);
	if ((clean[0] == 'S' || clean[0] == 'W') && clean[1] == ' ' && clean[2]) {
		buf_printf(&cr->out->log, "%s\n", clean + 2);
		worker_postf(cr->w, clean[0] == 'W' ? JOB_WARN : JOB_PROGRESS, "%s", clean + 2);
		return;
	}
	if (clean[0] == 'C' && clean[1] == ' ') {
		int v[7];
		char *save = NULL, *tok = strtok_r(clean + 2, " ", &save);
		int k = 0;
		for (; tok && k < 7 && parse_count(tok, &v[k]); tok = strtok_r(NULL, " ", &save))
			k++;
		if (k == 7 && !tok) {
			struct rollback_report *rep = &cr->out->rep;
			rep->undone += v[0];
			rep->already += v[1];
			rep->kept += v[2];
			rep->failed += v[3];
			rep->planned += v[4];
			rep->refused += v[5];
			cr->out->pending += v[6];
			cr->failed = v[3] + v[5];
			return;
		}
	}
	if (clean[0] == 'E' && clean[1] == ' ' && (clean[2] == '0' || clean[2] == '1') &&
	    (clean[3] == ' ' || !clean[3])) {
		cr->ended = true;
		cr->status = clean[2] - '0';
		str_copy(cr->summary, clean[3] ? clean + 4 : "", sizeof(cr->summary));
		return;
	}
	/* anything else (a message of the child's own): shown as a warning, never obeyed */
	job_warn(cr->w, 0, "as %s: %s", cr->user, clean);
}

void rollback_child_run(struct worker *w, const struct rollback_request *req,
			struct rollback_outcome *out)
{
	char err[256];
	struct child_spec cs;
	struct child_read cr = { .w = w, .out = out, .user = req->user.name };
	if (req->user.uid == 0 || spec_make(&cs, req, err, sizeof(err)) < 0) {
		job_warn(w, 0, "FAILED: your own journal was not undone: %s",
			 req->user.uid == 0 ? "it is root's" : err);
		out->rep.failed++;
		return;
	}
	job_progress(w, "Your own journal %s, as %s (your rights only)", req->user_journal_path,
		     req->user.name);
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		job_warn(w, 0, "FAILED: cannot start the undo as %s: %s", req->user.name,
			 strerror(errno));
		out->rep.failed++;
		spec_free(&cs);
		return;
	}
	pid_t pid = fork();
	if (pid == 0)
		child_exec(&cs, pfd[1]);
	int fork_errno = errno;
	close(pfd[1]);
	spec_free(&cs);
	if (pid < 0) {
		close(pfd[0]);
		job_warn(w, 0, "FAILED: cannot start the undo as %s: %s", req->user.name,
			 strerror(fork_errno));
		out->rep.failed++;
		return;
	}
	char buf[LINE_MAX_BYTES + 1];
	size_t have = 0, total = 0;
	bool killed = false, skipping = false;
	for (;;) {
		if (!killed && (worker_cancelled(w) || total > OUTPUT_MAX)) {
			kill(pid, SIGKILL);
			killed = true;
		}
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int pr = poll(&p, 1, 200);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		ssize_t n = read(pfd[0], buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += (size_t)n;
		have += (size_t)n;
		char *start = buf, *nl;
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			*nl = '\0';
			if (!skipping && !killed)
				child_line(&cr, start);
			skipping = false;
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have == sizeof(buf) - 1) { /* a line too long: cut, the rest skipped */
			buf[have] = '\0';
			if (!skipping && !killed)
				child_line(&cr, buf);
			skipping = true;
			have = 0;
		}
	}
	close(pfd[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!cr.ended || killed) {
		job_warn(w, 0,
			 "FAILED: the undo of your own journal (as %s) ended "
			 "without a result%s",
			 req->user.name, killed ? " (stopped)" : "");
		out->rep.failed++;
	} else if (cr.status != 0 && !cr.failed) {
		job_warn(w, 0, "FAILED: %s", cr.summary);
		out->rep.failed++;
	}
}

/* ---- the child's side ----------------------------------------------------------------------- */

struct child_ctx {
	struct loop *loop;
	struct worker *worker;
	struct rollback_job *job;
};

static void child_on_msg(const struct worker_msg *m, void *owner)
{
	struct child_ctx *c = owner;
	if (m->kind == WORKER_DONE) {
		loop_quit(c->loop, 0);
		return;
	}
	if (m->question) { /* nobody to ask: the user's journal needs no password */
		worker_answer(c->worker, "");
		return;
	}
	if (m->kind == JOB_DONE) {
		const struct rollback_outcome *o = &c->job->out;
		printf("C %d %d %d %d %d %d %d\nE %d %s\n", o->rep.undone, o->rep.already,
		       o->rep.kept, o->rep.failed, o->rep.planned, o->rep.refused, o->pending,
		       o->status ? 1 : 0, o->summary);
	} else {
		printf("%c %s\n", m->kind == JOB_WARN ? 'W' : 'S', m->text);
	}
	fflush(stdout);
}

int rollback_child_main(int argc, char **argv)
{
	if (getuid() == 0 || geteuid() != getuid() || getegid() != getgid()) {
		fprintf(stderr, "sparklink: %s is run by sparklink itself, never as root\n",
			ROLLBACK_CHILD_COMMAND);
		return 2;
	}
	char *end = NULL;
	long t = argc == 3 ? strtol(argv[2], &end, 10) : 0;
	if (argc != 3 || argv[1][0] != '-' || strspn(argv[1] + 1, "dl") != strlen(argv[1] + 1) ||
	    !end || *end || t < 1 || t > 600) {
		fprintf(stderr, "sparklink: %s is run by sparklink itself\n",
			ROLLBACK_CHILD_COMMAND);
		return 2;
	}
	struct rollback_job job;
	memset(&job, 0, sizeof(job));
	struct rollback_request *r = &job.req;
	r->include_ssh = true;
	r->dry_run = strchr(argv[1], 'd') != NULL;
	r->local_only = strchr(argv[1], 'l') != NULL;
	r->timeout_s = (int)t;
	char err[512];
	if (ssh_user_current(&r->user, err, sizeof(err)) < 0) {
		printf("E 1 %s\n", err);
		return 1;
	}
	journal_user_path(r->user.home, r->journal_path, sizeof(r->journal_path));
	struct child_ctx c = { .job = &job };
	c.loop = loop_new();
	signal(SIGPIPE, SIG_IGN);
	c.worker = worker_start(c.loop, rollback_job_run, &job, child_on_msg, &c);
	if (!c.worker) {
		printf("E 1 cannot start a thread\n");
		loop_free(c.loop);
		return 1;
	}
	loop_run(c.loop);
	worker_free(c.worker);
	loop_free(c.loop);
	int rc = job.out.status ? 1 : 0;
	rollback_job_free(&job);
	return rc;
}
