/* node_local_netplan.c: `netplan generate|apply` on this machine, run as a child with a time
 * limit, its error output kept for the message. */
#include "core/node/node_local_shared.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOCAL_NETPLAN_TIMEOUT_MS 90000 /* SPARKLINK_NETPLAN_TIMEOUT_MS shortens it (tests) */
#define LOCAL_STDERR_KEEP 1024 /* netplan's error output kept for err */

extern char **environ;

/* ---- netplan ---- */

static int local_netplan_timeout_ms(void)
{
	const char *t = getenv("SPARKLINK_NETPLAN_TIMEOUT_MS");
	return t && atoi(t) > 0 ? atoi(t) : LOCAL_NETPLAN_TIMEOUT_MS;
}

/* Read what is there without blocking; keep the first LOCAL_STDERR_KEEP bytes, drop the rest
 * (so the child never blocks on a full pipe). */
static void local_drain(int fd, char *keep, size_t *kept, bool *eof)
{
	char chunk[4096];
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got == 0)
			*eof = true;
		if (got <= 0)
			return;
		size_t take = (size_t)got;
		if (take > LOCAL_STDERR_KEEP - *kept)
			take = LOCAL_STDERR_KEEP - *kept;
		memcpy(keep + *kept, chunk, take);
		*kept += take;
	}
}

/* Start `netplan verb` with stdin and stdout on /dev/null and stderr into a pipe (*errfd). */
static int local_netplan_spawn(const char *verb, pid_t *pid, int *errfd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawnattr_init(&attr);
	/* the loop blocks the signals it takes through its signalfd: the child gets them back */
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	char *argv[] = { "netplan", (char *)verb, NULL };
	int r = posix_spawnp(pid, "netplan", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		return -r;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	*errfd = p[0];
	return 0;
}

/* Wait for pid until it ends or timeout_ms passes, collecting its stderr. True if it ended
 * (status in *st, -1 if someone else reaped it); false if the time ran out (still running). */
static bool local_netplan_wait(pid_t pid, int errfd, int timeout_ms, int *st, char *keep,
			       size_t *kept)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int64_t deadline = clock_ms() + timeout_ms;
	bool eof = false, ended = false;
	for (;;) {
		pid_t w = waitpid(pid, st, WNOHANG);
		if (w == pid || (w < 0 && errno == ECHILD)) {
			if (w < 0)
				*st = -1;
			ended = true;
			break;
		}
		int64_t left = deadline - clock_ms();
		if (left <= 0)
			break;
		struct pollfd pf[2];
		nfds_t nf = 0;
		if (!eof)
			pf[nf++] = (struct pollfd){ .fd = errfd, .events = POLLIN };
		if (pidfd >= 0)
			pf[nf++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		else if (left > 50)
			left = 50; /* no pidfd (before Linux 5.3): look at the child now and then */
		poll(pf, nf, (int)left);
		if (!eof)
			local_drain(errfd, keep, kept, &eof);
	}
	if (ended && !eof)
		local_drain(errfd, keep, kept, &eof); /* what it wrote last */
	if (pidfd >= 0)
		close(pidfd);
	return ended;
}

int node_local_netplan(struct node *n, const char *verb, char *err, size_t errsize)
{
	(void)n;
	if (strcmp(verb, "apply") != 0 && strcmp(verb, "generate") != 0) {
		char shown[64];
		text_clean(shown, sizeof(shown), verb, strlen(verb), 0);
		snprintf(err, errsize, "\"netplan %s\" is not something sparklink runs", shown);
		return -EINVAL;
	}
	pid_t pid;
	int errfd = -1;
	int r = local_netplan_spawn(verb, &pid, &errfd);
	if (r == -ENOENT) {
		snprintf(err, errsize,
			 "cannot run netplan: it is not installed (install the "
			 "netplan.io package)");
		return r;
	}
	if (r < 0) {
		snprintf(err, errsize, "cannot run netplan %s: %s", verb, strerror(-r));
		return r;
	}
	char keep[LOCAL_STDERR_KEEP];
	size_t kept = 0;
	int st = 0, timeout_ms = local_netplan_timeout_ms();
	bool ended = local_netplan_wait(pid, errfd, timeout_ms, &st, keep, &kept);
	close(errfd);
	if (!ended) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		snprintf(err, errsize,
			 "netplan %s did not finish within %d s and was stopped; run "
			 "`sudo netplan %s --debug` to see where it hangs",
			 verb, (timeout_ms + 999) / 1000, verb);
		return -ETIMEDOUT;
	}
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	char said[LOCAL_STDERR_KEEP + 1];
	text_clean(said, sizeof(said), keep, kept, TEXT_LINES);
	str_rstrip(said);
	char how[48];
	if (st == -1)
		snprintf(how, sizeof(how), "ended with an unknown exit status");
	else if (WIFEXITED(st))
		snprintf(how, sizeof(how), "failed (exit status %d)", WEXITSTATUS(st));
	else
		snprintf(how, sizeof(how), "was killed by signal %d",
			 WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	if (said[0])
		snprintf(err, errsize, "netplan %s %s: %s", verb, how, said);
	else
		snprintf(err, errsize,
			 "netplan %s %s without a message; run `sudo netplan %s` to "
			 "see why",
			 verb, how, verb);
	return -EIO;
}
