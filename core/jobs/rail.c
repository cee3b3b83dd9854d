/* rail.c: proving a rail with ping, bound to its interface. */
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

/* Run ping; 0 when it got replies. The last line of its output goes to out. */
static int run_ping(const char *ifname, const char *dst, unsigned size, char *out, size_t outsize)
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
	out[0] = '\0';
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
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
	struct buf b;
	buf_init(&b);
	char tmp[1024];
	ssize_t r;
	while ((r = read(pfd[0], tmp, sizeof(tmp))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && b.len < 16384)
			buf_add(&b, tmp, (size_t)r);
	close(pfd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
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

void rail_verify(struct rail *r, unsigned mtu)
{
	char out[160];
	r->ok = r->jumbo_tested = r->jumbo_ok = false;
	if (!r->self_addr[0] || !r->peer_addr[0]) {
		snprintf(r->text, sizeof(r->text), "%s: %s", r->ifname,
			 !r->self_addr[0] ? "this node has no planned address on it yet"
					  : "the peer's address on this link is not known");
		return;
	}
	int e = run_ping(r->ifname, r->peer_addr, 0, out, sizeof(out));
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
		e = run_ping(r->ifname, r->peer_addr, mtu - 28, out, sizeof(out));
		r->jumbo_ok = e == 0;
		if (e < 0 && e != -EHOSTUNREACH) {
			snprintf(r->text, sizeof(r->text),
				 "%s: %s -> %s answers, but the %u-byte ping "
				 "cannot run: %s",
				 r->ifname, r->self_addr, r->peer_addr, mtu, strerror(-e));
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
