/* rail.c: proving rails with ping, bound to their interfaces, every ping of a batch at once. */
#include "core/jobs/rail.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One ping running: its pid and the read end of its output; pid < 0 when it did not start (then
 * e is why). */
struct ping_run {
	pid_t pid;
	int fd;
	int e;
};

/* Start ping bound to ifname (size 0 the default size, else that payload with do-not-fragment);
 * it runs while the others start. */
static void ping_start(struct ping_run *pr, const char *ifname, const char *dst, unsigned size)
{
	char sz[16];
	snprintf(sz, sizeof(sz), "%u", size);
	const char *argv[20];
	size_t a = 0;
	argv[a++] = "ping";
	argv[a++] = "-n";
	argv[a++] = "-q";
	argv[a++] = "-c";
	argv[a++] = "3";
	argv[a++] = "-i";
	argv[a++] = "0.2";
	argv[a++] = "-W";
	argv[a++] = "1";
	argv[a++] = "-I";
	argv[a++] = ifname;
	if (size) {
		argv[a++] = "-M";
		argv[a++] = "do";
		argv[a++] = "-s";
		argv[a++] = sz;
	}
	argv[a++] = dst;
	argv[a] = NULL;
	pr->pid = -1;
	pr->fd = -1;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		pr->e = -errno;
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		pr->e = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp("ping", (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	pr->pid = pid;
	pr->fd = pfd[0];
	pr->e = 0;
}

/* Wait for a started ping; 0 when it got replies, -EHOSTUNREACH none, other negative codes it
 * did not run. The summary line of its output (or its first) goes to out. */
static int ping_finish(struct ping_run *pr, char *out, size_t outsize)
{
	out[0] = '\0';
	if (pr->pid < 0)
		return pr->e;
	struct buf b;
	buf_init(&b);
	char tmp[1024];
	ssize_t r;
	while ((r = read(pr->fd, tmp, sizeof(tmp))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && b.len < 16384)
			buf_add(&b, tmp, (size_t)r);
	close(pr->fd);
	int status = 0;
	while (waitpid(pr->pid, &status, 0) < 0 && errno == EINTR)
		;
	/* the summary line: "3 packets transmitted, 3 received, 0% packet loss, time 401ms" */
	if (b.data) {
		buf_add(&b, "", 1);
		const char *line = strstr(b.data, "packets transmitted");
		if (line) {
			while (line > b.data && line[-1] != '\n')
				line--;
			const char *end = strchr(line, '\n');
			text_clean(out, outsize, line, end ? (size_t)(end - line) : strlen(line),
				   0);
		} else {
			text_clean(out, outsize, b.data, strcspn(b.data, "\n"), 0);
		}
	}
	buf_free(&b);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EHOSTUNREACH;
}

/* r's result and text from the plain ping's result e (its summary out), then the jumbo one's (ej)
 * when MTU 9000 is tested. */
static void rail_judge(struct rail *r, unsigned mtu, int e, const char *out, int ej)
{
	if (e == -ENOENT) {
		snprintf(r->text, sizeof(r->text), "%s: cannot run ping (install iputils-ping)",
			 r->ifname);
		return;
	}
	if (e < 0 && e != -EHOSTUNREACH) {
		snprintf(r->text, sizeof(r->text), "%s: cannot run ping: %s", r->ifname,
			 strerror(-e));
		return;
	}
	r->ok = e == 0;
	if (!r->ok) {
		snprintf(r->text, sizeof(r->text),
			 "%s: %s -> %s gets no reply (%s); check the cable and "
			 "the peer's address",
			 r->ifname, r->self_addr, r->peer_addr, out[0] ? out : "no output");
		return;
	}
	if (mtu >= 9000) {
		r->jumbo_tested = true;
		r->jumbo_ok = ej == 0;
		if (ej < 0 && ej != -EHOSTUNREACH) {
			snprintf(r->text, sizeof(r->text),
				 "%s: %s -> %s answers, but the %u-byte ping "
				 "cannot run: %s",
				 r->ifname, r->self_addr, r->peer_addr, mtu, strerror(-ej));
			return;
		}
		if (!r->jumbo_ok) {
			snprintf(r->text, sizeof(r->text),
				 "%s: %s -> %s answers, but not %u-byte frames "
				 "unfragmented: is the peer's MTU %u too?",
				 r->ifname, r->self_addr, r->peer_addr, mtu, mtu);
			return;
		}
	}
	snprintf(r->text, sizeof(r->text), "%s: %s -> %s answers%s", r->ifname, r->self_addr,
		 r->peer_addr, r->jumbo_tested ? ", 8972-byte unfragmented too" : "");
}

void rail_verify_all(struct rail *r, size_t n, unsigned mtu)
{
	/* per rail: the plain ping, and with MTU 9000 the jumbo one beside it */
	struct ping_run *pr = xcalloc(2 * n + 1, sizeof(*pr));
	for (size_t i = 0; i < n; i++) {
		r[i].ok = r[i].jumbo_tested = r[i].jumbo_ok = false;
		pr[2 * i].pid = pr[2 * i + 1].pid = -1;
		pr[2 * i].e = pr[2 * i + 1].e = -EHOSTUNREACH;
		if (!r[i].self_addr[0] || !r[i].peer_addr[0]) {
			snprintf(r[i].text, sizeof(r[i].text), "%s: %s", r[i].ifname,
				 !r[i].self_addr[0]
					 ? "this node has no planned address on it yet"
					 : "the peer's address on this link is not known");
			continue;
		}
		ping_start(&pr[2 * i], r[i].ifname, r[i].peer_addr, 0);
		if (mtu >= 9000)
			ping_start(&pr[2 * i + 1], r[i].ifname, r[i].peer_addr, mtu - 28);
	}
	for (size_t i = 0; i < n; i++) {
		if (!r[i].self_addr[0] || !r[i].peer_addr[0])
			continue;
		char out[160], jout[160];
		int e = ping_finish(&pr[2 * i], out, sizeof(out));
		int ej = mtu >= 9000 ? ping_finish(&pr[2 * i + 1], jout, sizeof(jout)) : 0;
		rail_judge(&r[i], mtu, e, out, ej);
	}
	free(pr);
}

void rail_verify(struct rail *r, unsigned mtu)
{
	rail_verify_all(r, 1, mtu);
}
