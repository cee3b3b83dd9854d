/* port_bench.c: runs the real sparklink console in a pty it owns and measures it.
 *
 *   port-bench flaps   --binary B [--flaps N] [--ip-flaps N] [--cables c1,c2 --twins n1,n2]
 *   port-bench idle    --binary B [--seconds S]
 *   port-bench startup --binary B [--runs N]
 *   port-bench screen  --binary B            (print the first frame as the pty shows it)
 *   port-bench monitor --binary B [--seconds S]  (the monitor view open S s, then closed S s)
 *   common: [--label TEXT] [--rows R] [--cols C] [--settle-ms MS]
 *
 * flaps, idle and startup print table rows (labelled with --label); run-port-bench adds the
 * headers.
 *
 * It is meant to run inside a private network namespace prepared by run-port-bench (the four
 * Spark netdevs as veth pairs whose far ends are the "cables", SPARKLINK_SYSFS pointing at a live
 * spark-sysfs tree). Everything the console writes is read as it arrives and fed to a small
 * terminal emulator (vt.c); an end time is the moment the read() returned that completed the
 * text on the emulated screen. Progress and problems go to stderr. The console and any `ip` it runs are stopped by PID, also on SIGINT,
 * SIGTERM and SIGHUP. */
#include "bench/vt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct opts {
	const char *binary;
	int rows, cols;
	int flaps, ip_flaps;
	int seconds;
	int runs;
	int settle_ms;
	int netdevs; /* startup: how many the namespace holds (counted by run-port-bench) */
	const char *label;
	char *cables[8], *twins[8];
	int ncables, ntwins;
	const char *cable_netns; /* the cables' far ends live in this named netns (NULL: here) */
};

struct con {
	pid_t pid;
	int fd;
	struct vt vt;
	int64_t t_exec; /* taken in the child just before execve */
	int64_t t_last; /* when the last read() returned */
	bool eof;
};

static volatile sig_atomic_t stop_requested;
static volatile pid_t child_console = -1, child_ip = -1;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_stop_signal(int signo)
{
	(void)signo;
	stop_requested = 1;
	if (child_ip > 0)
		kill(child_ip, SIGTERM);
	if (child_console > 0)
		kill(child_console, SIGTERM);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("port-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (child_ip > 0)
		kill(child_ip, SIGKILL);
	if (child_console > 0) {
		kill(child_console, SIGKILL);
		waitpid(child_console, NULL, 0);
	}
	exit(1);
}

/* ---- the console in a pty ---- */

static char **child_env(const struct opts *o)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 4, sizeof(char *));
	if (!env)
		die("out of memory");
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e = environ[i];
		if (!strncmp(e, "TERM=", 5) || !strncmp(e, "LANG=", 5) || !strncmp(e, "LC_", 3) ||
		    !strncmp(e, "LINES=", 6) || !strncmp(e, "COLUMNS=", 8))
			continue;
		env[k++] = (char *)e;
	}
	(void)o;
	env[k++] = "TERM=xterm-256color";
	env[k++] = "LANG=C.UTF-8";
	env[k] = NULL;
	return env;
}

static void con_start(struct con *c, const struct opts *o)
{
	memset(c, 0, sizeof(*c));
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	char **env = child_env(o);
	char *argv[] = { (char *)o->binary, NULL };
	struct winsize ws = { .ws_row = (unsigned short)o->rows,
			      .ws_col = (unsigned short)o->cols };
	vt_init(&c->vt, o->rows, o->cols);
	pid_t pid = forkpty(&c->fd, NULL, NULL, &ws);
	if (pid < 0)
		die("forkpty: %s", strerror(errno));
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(p[0]);
		int64_t t = now_ns();
		if (write(p[1], &t, sizeof(t)) != (ssize_t)sizeof(t))
			_exit(126);
		execve(o->binary, argv, env);
		_exit(127);
	}
	free(env);
	c->pid = pid;
	child_console = pid;
	close(p[1]);
	if (read(p[0], &c->t_exec, sizeof(c->t_exec)) != (ssize_t)sizeof(c->t_exec))
		die("the console's child process failed before exec");
	close(p[0]);
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
}

/* Read one chunk. Returns bytes read, 0 when nothing is waiting, -1 at EOF (console gone). */
static ssize_t con_read_chunk(struct con *c)
{
	char buf[65536];
	if (c->eof)
		return -1;
	ssize_t n = read(c->fd, buf, sizeof(buf));
	int64_t t = now_ns();
	if (n > 0) {
		c->t_last = t;
		vt_feed(&c->vt, buf, (size_t)n);
		return n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	c->eof = true; /* EIO: the slave side is closed */
	return -1;
}

typedef bool pred_fn(const struct vt *v, const void *arg);

/* Drain the pty until pred holds (returns the time of the read that made it hold), the
 * deadline passes or the console goes away (returns -1). pred NULL: drain until the deadline. */
static int64_t con_wait(struct con *c, pred_fn *pred, const void *arg, int64_t deadline)
{
	if (pred && pred(&c->vt, arg))
		return c->t_last;
	for (;;) {
		if (stop_requested)
			return -1;
		int64_t left = deadline - now_ns();
		if (left <= 0)
			return -1;
		struct pollfd pf = { .fd = c->fd, .events = POLLIN };
		int r = poll(&pf, 1, (int)((left + 999999) / 1000000));
		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (r <= 0)
			continue;
		ssize_t n;
		while ((n = con_read_chunk(c)) > 0) {
			if (pred && pred(&c->vt, arg))
				return c->t_last;
		}
		if (n < 0)
			return -1;
	}
}

static void con_stop(struct con *c)
{
	if (c->pid <= 0)
		return;
	if (!c->eof && write(c->fd, "q", 1) < 0) {
		/* the console is gone already; reaped below */
	}
	int status;
	int64_t deadline = now_ns() + 3000000000LL;
	int sig = 0;
	for (;;) {
		pid_t r = waitpid(c->pid, &status, WNOHANG);
		if (r == c->pid || (r < 0 && errno == ECHILD))
			break;
		if (now_ns() > deadline) {
			sig = sig == 0 ? SIGTERM : SIGKILL;
			fprintf(stderr, "port-bench: console %d did not quit on 'q'; sending %s\n",
				(int)c->pid, sig == SIGTERM ? "SIGTERM" : "SIGKILL");
			kill(c->pid, sig);
			deadline = now_ns() + 2000000000LL;
		}
		struct pollfd pf = { .fd = c->fd, .events = POLLIN };
		if (!c->eof && poll(&pf, 1, 10) > 0)
			while (con_read_chunk(c) > 0) {
			}
		else
			usleep(2000);
	}
	child_console = -1;
	close(c->fd);
	vt_free(&c->vt);
	c->pid = -1;
}

/* ---- screen predicates ---- */

static bool last_row_has(const struct vt *v, const void *arg)
{
	char row[1024];
	if (v->cols >= (int)sizeof(row))
		return false;
	vt_row(v, v->rows - 1, row);
	return strstr(row, arg) != NULL;
}

static const char FRAME_END[] = "F10 Quit";

/* The link word shown right after the twin's netdev name on its port-panel row: the words up
 * to the next run of two spaces. Returns false when the name is not on the screen. */
static bool twin_word(const struct vt *v, const char *name, char *word, size_t size)
{
	char row[1024];
	size_t len = strlen(name);
	if (v->cols >= (int)sizeof(row))
		return false;
	for (int y = 0; y < v->rows; y++) {
		vt_row(v, y, row);
		for (char *p = strstr(row, name); p; p = strstr(p + 1, name)) {
			if ((p > row && p[-1] != ' ') || (p[len] != ' '))
				continue;
			char *w = p + len;
			while (*w == ' ')
				w++;
			size_t k = 0;
			while (w[k] && !(w[k] == ' ' && w[k + 1] == ' ') && k + 1 < size)
				k++;
			memcpy(word, w, k);
			word[k] = '\0';
			return true;
		}
	}
	return false;
}

struct twin_state {
	const char *name, *word;
};

static bool twin_shows(const struct vt *v, const void *arg)
{
	const struct twin_state *ts = arg;
	char w[64];
	return twin_word(v, ts->name, w, sizeof(w)) && strcmp(w, ts->word) == 0;
}

static void start_and_wait_frame(struct con *c, const struct opts *o)
{
	con_start(c, o);
	if (con_wait(c, last_row_has, FRAME_END, now_ns() + 10000000000LL) < 0) {
		char row[1024];
		for (int y = 0; y < c->vt.rows && c->vt.cols < (int)sizeof(row); y++) {
			vt_row(&c->vt, y, row);
			fprintf(stderr, "  |%s|\n", row);
		}
		die("no complete first frame (\"%s\" on the last row) within 10 s", FRAME_END);
	}
}

/* ---- /proc ---- */

struct procstat {
	long long ticks; /* utime + stime, clock ticks */
	long long run_ns; /* sum of schedstat run time over the threads */
	long long slices; /* sum of schedstat timeslices (times put on a CPU) */
	long long vcsw, ivcsw; /* summed over the threads */
	long vmhwm_kb, vmrss_kb;
	int threads;
};

static long long status_field(const char *path, const char *key)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char line[256];
	long long v = -1;
	size_t kl = strlen(key);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = atoll(line + kl + 1);
			break;
		}
	fclose(f);
	return v;
}

static struct procstat proc_read(pid_t pid)
{
	struct procstat s = { 0 };
	char path[128], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		char *p = strrchr(buf, ')'); /* comm may hold spaces */
		unsigned long long ut = 0, st = 0;
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
				&st) == 2)
			s.ticks = (long long)(ut + st);
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	s.vmhwm_kb = (long)status_field(path, "VmHWM");
	s.vmrss_kb = (long)status_field(path, "VmRSS");
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return s;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char tp[256];
		s.threads++;
		snprintf(tp, sizeof(tp), "/proc/%d/task/%s/status", (int)pid, e->d_name);
		s.vcsw += status_field(tp, "voluntary_ctxt_switches");
		s.ivcsw += status_field(tp, "nonvoluntary_ctxt_switches");
		snprintf(tp, sizeof(tp), "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		FILE *sf = fopen(tp, "re");
		if (sf) {
			long long run = 0, wait = 0, slices = 0;
			if (fscanf(sf, "%lld %lld %lld", &run, &wait, &slices) == 3) {
				s.run_ns += run;
				s.slices += slices;
			}
			fclose(sf);
		}
	}
	closedir(d);
	return s;
}

/* ---- statistics ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static int64_t pct(const int64_t *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void print_lat_row(const char *what, int64_t *ns, size_t n, size_t timeouts)
{
	qsort(ns, n, sizeof(*ns), cmp_i64);
	printf("  %-48s %5zu %7.0f %7.0f %7.0f %7.0f %7.0f %5zu\n", what, n, pct(ns, n, 50) / 1e3,
	       pct(ns, n, 90) / 1e3, pct(ns, n, 99) / 1e3, n ? ns[n - 1] / 1e3 : 0.0,
	       n ? ns[0] / 1e3 : 0.0, timeouts);
}

/* ---- flaps ---- */

struct cable {
	const char *name;
	const char *twin; /* the near end's name, shown as a twin */
	struct rtnl_link *link;
};

static int64_t settle(struct con *c, int ms)
{
	return con_wait(c, NULL, NULL, now_ns() + (int64_t)ms * 1000000);
}

/* Set the cable's far end up or down with RTM_NEWLINK, exactly as rtnl_link_change() does
 * (build, send, wait for the kernel's ACK), but with the pty drained while the ACK is awaited.
 * Returns the time the ACK was received; *seen gets the time the twin's new word reached the
 * screen if that happened first (else 0). */
static int64_t flap_netlink(struct nl_sock *sk, struct con *c, struct cable *cb, bool up,
			    const struct twin_state *want, int64_t *seen)
{
	struct rtnl_link *chg = rtnl_link_alloc();
	struct nl_msg *msg = NULL;
	if (up)
		rtnl_link_set_flags(chg, IFF_UP);
	else
		rtnl_link_unset_flags(chg, IFF_UP);
	int r = rtnl_link_build_change_request(cb->link, chg, 0, &msg);
	rtnl_link_put(chg);
	if (r < 0)
		die("cannot build the netlink request for %s: %s", cb->name, nl_geterror(r));
	r = nl_send_auto_complete(sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		die("cannot send the netlink request for %s: %s", cb->name, nl_geterror(r));
	*seen = 0;
	for (;;) {
		struct pollfd pf[2] = { { .fd = nl_socket_get_fd(sk), .events = POLLIN },
					{ .fd = c->fd, .events = POLLIN } };
		if (poll(pf, 2, 5000) <= 0) {
			if (stop_requested)
				return -1;
			die("no netlink ACK for %s within 5 s", cb->name);
		}
		if (pf[0].revents) {
			r = nl_wait_for_ack(sk);
			int64_t t = now_ns();
			if (r < 0)
				die("setting %s %s: %s", cb->name, up ? "up" : "down",
				    nl_geterror(r));
			return t;
		}
		ssize_t n;
		while ((n = con_read_chunk(c)) > 0)
			if (!*seen && twin_shows(&c->vt, want))
				*seen = c->t_last;
		if (n < 0)
			die("the console exited during the benchmark");
	}
}

/* The same with the real command: `ip link set dev CABLE up|down`; the start time is when the
 * process has exited (pidfd readable), as a shell would see `ip` return. */
static const char *cable_netns; /* --cable-netns, for `ip -n` */

static int64_t flap_ip(struct con *c, struct cable *cb, bool up, const struct twin_state *want,
		       int64_t *seen)
{
	/* `ip [-n NETNS] link set dev CABLE up|down` */
	char *argv[9], **a = argv;
	*a++ = "ip";
	if (cable_netns) {
		*a++ = "-n";
		*a++ = (char *)cable_netns;
	}
	char *rest[] = { "link", "set", "dev", (char *)cb->name, up ? "up" : "down", NULL };
	memcpy(a, rest, sizeof(rest));
	pid_t pid;
	int r = posix_spawnp(&pid, "ip", NULL, NULL, argv, environ);
	if (r)
		die("cannot run ip: %s", strerror(r));
	child_ip = pid;
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		die("pidfd_open: %s", strerror(errno));
	*seen = 0;
	for (;;) {
		struct pollfd pf[2] = { { .fd = pfd, .events = POLLIN },
					{ .fd = c->fd, .events = POLLIN } };
		if (poll(pf, 2, 5000) <= 0) {
			if (stop_requested)
				break;
			die("ip link set %s did not return within 5 s", cb->name);
		}
		if (pf[0].revents) {
			int64_t t = now_ns();
			int status;
			waitpid(pid, &status, 0);
			child_ip = -1;
			close(pfd);
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				die("ip link set dev %s %s failed", cb->name, up ? "up" : "down");
			return t;
		}
		ssize_t n;
		while ((n = con_read_chunk(c)) > 0)
			if (!*seen && twin_shows(&c->vt, want))
				*seen = c->t_last;
		if (n < 0)
			die("the console exited during the benchmark");
	}
	close(pfd);
	return -1;
}

struct series {
	int64_t *v;
	size_t n, timeouts;
};

static void series_add(struct series *s, int64_t x)
{
	s->v[s->n++] = x;
}

/* One transition; returns false when interrupted. */
static bool transition(struct nl_sock *sk, struct con *c, struct cable *cb, bool up, bool use_ip,
		       struct series *all, struct series *dir)
{
	struct twin_state want = { cb->twin, up ? "Up" : "Down" };
	struct twin_state old = { cb->twin, up ? "Down" : "Up" };
	/* start from a settled screen showing the old state: 20..40 ms of quiet drain */
	if (con_wait(c, twin_shows, &old, now_ns() + 3000000000LL) < 0) {
		if (stop_requested)
			return false;
		die("%s does not show \"%s\" before the flap", cb->twin, old.word);
	}
	settle(c, 20 + (int)(random() % 21));
	if (stop_requested)
		return false;
	int64_t seen;
	int64_t t0 = use_ip ? flap_ip(c, cb, up, &want, &seen)
			    : flap_netlink(sk, c, cb, up, &want, &seen);
	if (t0 < 0)
		return false;
	int64_t t1 = seen ? seen : con_wait(c, twin_shows, &want, t0 + 2000000000LL);
	if (t1 < 0) {
		if (stop_requested)
			return false;
		all->timeouts++;
		dir->timeouts++;
		fprintf(stderr, "port-bench: %s: \"%s\" not on screen within 2 s\n", cb->twin,
			want.word);
		return true;
	}
	series_add(all, t1 - t0);
	series_add(dir, t1 - t0);
	return true;
}

/* Does the emulated screen, after all the incremental updates, equal a full repaint (Ctrl-L)?
 * Checks that the emulator followed curses; returns the number of rows that differ. */
static int emulator_check(struct con *c)
{
	size_t rowlen = (size_t)c->vt.cols + 1;
	char *a = calloc((size_t)c->vt.rows, rowlen), *b = calloc((size_t)c->vt.rows, rowlen);
	if (!a || !b)
		die("out of memory");
	settle(c, 2500); /* IPv6 addresses of the last plug come and settle */
	for (int y = 0; y < c->vt.rows; y++)
		vt_row(&c->vt, y, a + (size_t)y * rowlen);
	if (write(c->fd, "\f", 1) != 1) /* Ctrl-L: the console repaints everything */
		die("cannot write to the console's pty");
	settle(c, 500);
	int diff = 0;
	for (int y = 0; y < c->vt.rows; y++) {
		vt_row(&c->vt, y, b + (size_t)y * rowlen);
		if (strcmp(a + (size_t)y * rowlen, b + (size_t)y * rowlen) != 0) {
			diff++;
			fprintf(stderr, "port-bench: row %d before repaint: |%s|\n", y,
				a + (size_t)y * rowlen);
			fprintf(stderr, "port-bench: row %d after repaint:  |%s|\n", y,
				b + (size_t)y * rowlen);
		}
	}
	free(a);
	free(b);
	return diff;
}

static int run_flaps(const struct opts *o)
{
	if (o->ncables < 1 || o->ncables != o->ntwins)
		die("--cables and --twins must name the same number of interfaces");
	/* with --cable-netns the socket is made in the far ends' namespace (as the other machine of
	 * a real cable would set its end down) and the console is started back here */
	int home = -1;
	if (o->cable_netns) {
		char path[256];
		snprintf(path, sizeof(path), "/run/netns/%s", o->cable_netns);
		int far = open(path, O_RDONLY | O_CLOEXEC);
		home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (far < 0 || home < 0 || setns(far, CLONE_NEWNET) < 0)
			die("cannot enter the network namespace %s: %s", o->cable_netns,
			    strerror(errno));
		close(far);
	}
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
		die("cannot open a netlink socket");
	struct cable cables[8];
	for (int i = 0; i < o->ncables; i++) {
		cables[i] = (struct cable){ o->cables[i], o->twins[i], NULL };
		int r = rtnl_link_get_kernel(sk, 0, cables[i].name, &cables[i].link);
		if (r < 0)
			die("no interface %s here: %s", cables[i].name, nl_geterror(r));
	}
	if (home >= 0) {
		if (setns(home, CLONE_NEWNET) < 0)
			die("cannot return to the bench's network namespace: %s", strerror(errno));
		close(home);
	}
	cable_netns = o->cable_netns;
	size_t cap = 2 * (size_t)(o->flaps + o->ip_flaps) + 2;
	struct series nl_all = { calloc(cap, 8), 0, 0 }, nl_down = { calloc(cap, 8), 0, 0 },
		      nl_up = { calloc(cap, 8), 0, 0 }, ip_all = { calloc(cap, 8), 0, 0 },
		      ip_down = { calloc(cap, 8), 0, 0 }, ip_up = { calloc(cap, 8), 0, 0 };
	struct con c;
	start_and_wait_frame(&c, o);
	for (int i = 0; i < o->ncables; i++) {
		struct twin_state ts = { cables[i].twin, "Up" };
		if (con_wait(&c, twin_shows, &ts, now_ns() + 5000000000LL) < 0)
			die("twin %s is not shown Up at the start (is its cable %s up?)",
			    cables[i].twin, cables[i].name);
	}
	settle(&c, o->settle_ms);
	struct procstat before = proc_read(c.pid);
	int64_t t_start = now_ns();
	bool ok = true;
	for (int i = 0; i < o->flaps && ok; i++) {
		struct cable *cb = &cables[i % o->ncables];
		ok = transition(sk, &c, cb, false, false, &nl_all, &nl_down) &&
		     transition(sk, &c, cb, true, false, &nl_all, &nl_up);
		if (ok && (i + 1) % 50 == 0)
			fprintf(stderr, "port-bench: %d/%d flaps (netlink)\n", i + 1, o->flaps);
	}
	struct procstat after = proc_read(c.pid);
	int64_t t_nl = now_ns() - t_start;
	for (int i = 0; i < o->ip_flaps && ok; i++) {
		struct cable *cb = &cables[i % o->ncables];
		ok = transition(sk, &c, cb, false, true, &ip_all, &ip_down) &&
		     transition(sk, &c, cb, true, true, &ip_all, &ip_up);
	}
	int diff = ok ? emulator_check(&c) : 0;
	unsigned long unknown = c.vt.unknown;
	con_stop(&c);
	for (int i = 0; i < o->ncables; i++)
		rtnl_link_put(cables[i].link);
	nl_socket_free(sk);
	if (!ok)
		return 130;
	char what[128];
	snprintf(what, sizeof(what), "%s: RTM_NEWLINK ACKed", o->label);
	print_lat_row(what, nl_all.v, nl_all.n, nl_all.timeouts);
	print_lat_row("    unplug -> \"Down\"", nl_down.v, nl_down.n, nl_down.timeouts);
	print_lat_row("    plug -> \"Up\"", nl_up.v, nl_up.n, nl_up.timeouts);
	if (o->ip_flaps) {
		snprintf(what, sizeof(what), "%s: `ip link set` exited", o->label);
		print_lat_row(what, ip_all.v, ip_all.n, ip_all.timeouts);
		print_lat_row("    unplug -> \"Down\"", ip_down.v, ip_down.n, ip_down.timeouts);
		print_lat_row("    plug -> \"Up\"", ip_up.v, ip_up.n, ip_up.timeouts);
	}
	size_t ntr = nl_all.n + nl_all.timeouts;
	printf("    console CPU per RTM_NEWLINK transition: %.0f us (%.1f ms for %zu in %.1f s; "
	       "on a CPU %.1f times per transition)\n",
	       ntr ? (double)(after.run_ns - before.run_ns) / 1e3 / (double)ntr : 0.0,
	       (double)(after.run_ns - before.run_ns) / 1e6, ntr, (double)t_nl / 1e9,
	       ntr ? (double)(after.slices - before.slices) / (double)ntr : 0.0);
	/* a voluntary switch is a sleep in poll() (a wake-up follows it), an involuntary one a
	 * preemption (the terminal's kworker after a write, mostly) */
	printf("    console wake-ups per transition: %.1f (voluntary context switches), "
	       "preempted %.1f times\n",
	       ntr ? (double)(after.vcsw - before.vcsw) / (double)ntr : 0.0,
	       ntr ? (double)(after.ivcsw - before.ivcsw) / (double)ntr : 0.0);
	printf("    emulator check: %s; %lu escape sequences not understood\n",
	       diff ? "screen DIFFERS from a full repaint (see stderr)"
		    : "screen after all updates = full repaint (Ctrl-L)",
	       unknown);
	free(nl_all.v), free(nl_down.v), free(nl_up.v), free(ip_all.v), free(ip_down.v),
		free(ip_up.v);
	return 0;
}

/* ---- idle ---- */

static int run_idle(const struct opts *o)
{
	struct con c;
	start_and_wait_frame(&c, o);
	settle(&c, o->settle_ms);
	unsigned long bytes0 = c.vt.bytes;
	struct procstat a = proc_read(c.pid);
	settle(&c, o->seconds * 1000);
	struct procstat b = proc_read(c.pid);
	unsigned long bytes = c.vt.bytes - bytes0;
	bool interrupted = stop_requested;
	con_stop(&c);
	if (interrupted)
		return 130;
	long hz = sysconf(_SC_CLK_TCK);
	printf("  %-36s %7lld %9.3f %5lld %5lld %6lld %6lu %7d\n", o->label,
	       (b.ticks - a.ticks) * 1000 / hz, (double)(b.run_ns - a.run_ns) / 1e6,
	       b.vcsw - a.vcsw, b.ivcsw - a.ivcsw, b.slices - a.slices, bytes, b.threads);
	return 0;
}

/* ---- the monitor view ---- */

static bool screen_has(const struct vt *v, const void *arg)
{
	int col;
	return vt_find(v, arg, &col) >= 0;
}

static void con_keys(struct con *c, const char *keys)
{
	if (write(c->fd, keys, strlen(keys)) != (ssize_t)strlen(keys))
		die("cannot write keys to the console: %s", strerror(errno));
}

/* One window of o->seconds: the console's CPU and wake-ups, per second and per sample. */
static void monitor_row(const char *what, const struct procstat *a, const struct procstat *b,
			unsigned long bytes, int seconds)
{
	double run_ms = (double)(b->run_ns - a->run_ns) / 1e6;
	printf("  %-36s %9.3f %9.3f %6lld %6lld %8.1f %8lu\n", what, run_ms, run_ms / seconds,
	       b->slices - a->slices, b->vcsw - a->vcsw, (double)(b->vcsw - a->vcsw) / seconds,
	       bytes);
}

/* The monitor view (m) open for o->seconds (one sample a second: CPU per sample, wake-ups),
 * then closed (Esc) for as long: what is left of it (the timer must be gone). */
static int run_monitor(const struct opts *o)
{
	struct con c;
	start_and_wait_frame(&c, o);
	settle(&c, o->settle_ms);
	con_keys(&c, "m");
	if (con_wait(&c, screen_has, "Monitor: traffic", now_ns() + 5000000000LL) < 0)
		die("m did not open the monitor");
	/* the first sample is at the opening; wait for the second, then measure whole seconds */
	settle(&c, 1500);
	int twins = 0;
	for (int r = 0; r < c.vt.rows; r++) {
		char row[1024];
		vt_row(&c.vt, r, row);
		const char *f = strstr(row, " flaps ");
		twins += f && f[7] >= '0' && f[7] <= '9';
	}
	unsigned long b0 = c.vt.bytes;
	struct procstat a = proc_read(c.pid);
	settle(&c, o->seconds * 1000);
	struct procstat b = proc_read(c.pid);
	unsigned long open_bytes = c.vt.bytes - b0;
	con_keys(&c, "\033");
	if (con_wait(&c, last_row_has, FRAME_END, now_ns() + 5000000000LL) < 0 ||
	    con_wait(&c, screen_has, "Port 1:", now_ns() + 5000000000LL) < 0)
		die("Esc did not close the monitor");
	settle(&c, 1000);
	b0 = c.vt.bytes;
	struct procstat d = proc_read(c.pid);
	settle(&c, o->seconds * 1000);
	struct procstat e = proc_read(c.pid);
	unsigned long closed_bytes = c.vt.bytes - b0;
	bool interrupted = stop_requested;
	con_stop(&c);
	if (interrupted)
		return 130;
	char what[160];
	snprintf(what, sizeof(what), "%s: open, %d twins", o->label, twins);
	monitor_row(what, &a, &b, open_bytes, o->seconds);
	snprintf(what, sizeof(what), "%s: closed again (Esc)", o->label);
	monitor_row(what, &d, &e, closed_bytes, o->seconds);
	return 0;
}

/* ---- start-up ---- */

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

static int run_startup(const struct opts *o)
{
	int64_t *t = calloc((size_t)o->runs, sizeof(*t));
	long *hwm = calloc((size_t)o->runs, sizeof(*hwm));
	long *rss = calloc((size_t)o->runs, sizeof(*rss));
	int n = 0;
	for (int i = 0; i < o->runs && !stop_requested; i++) {
		struct con c;
		start_and_wait_frame(&c, o);
		t[n] = c.t_last - c.t_exec;
		settle(&c, 100); /* let the first turn finish before the peak is read */
		struct procstat s = proc_read(c.pid);
		hwm[n] = s.vmhwm_kb;
		rss[n] = s.vmrss_kb;
		n++;
		con_stop(&c);
		usleep(20000);
	}
	if (stop_requested)
		return 130;
	qsort(t, (size_t)n, sizeof(*t), cmp_i64);
	qsort(hwm, (size_t)n, sizeof(*hwm), cmp_long);
	qsort(rss, (size_t)n, sizeof(*rss), cmp_long);
	printf("  %-34s %4d %6d %8.1f %8.1f %8.1f %9.2f %9.2f %9.2f\n", o->label, n, o->netdevs,
	       pct(t, (size_t)n, 50) / 1e6, t[0] / 1e6, t[n - 1] / 1e6, hwm[n / 2] / 1024.0,
	       hwm[n - 1] / 1024.0, rss[n / 2] / 1024.0);
	free(t), free(hwm), free(rss);
	return 0;
}

static int run_screen(const struct opts *o)
{
	struct con c;
	start_and_wait_frame(&c, o);
	settle(&c, o->settle_ms);
	char row[1024];
	for (int y = 0; y < c.vt.rows && c.vt.cols < (int)sizeof(row); y++) {
		vt_row(&c.vt, y, row);
		printf("|%s|\n", row);
	}
	printf("(%lu bytes, %lu sequences not understood, first frame %.1f ms after exec)\n",
	       c.vt.bytes, c.vt.unknown, (double)(c.t_last - c.t_exec) / 1e6);
	con_stop(&c);
	return 0;
}

/* ---- main ---- */

static int split(char *s, char **out, int max)
{
	int n = 0;
	for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
		out[n++] = tok;
	return n;
}

static const char usage[] =
	"usage: port-bench flaps|idle|startup|screen|monitor --binary SPARKLINK [options]\n"
	"  --flaps N (200)  --ip-flaps N (50)  --cables c1,c2  --twins enp1s0f1np1,enP2p1s0f1np1\n"
	"  --seconds S (60)  --runs N (20)  --label TEXT  --rows R (40)  --cols C (120)\n"
	"  --settle-ms MS (1000)  --cable-netns NAME (the cables' far ends are in that netns)\n"
	"  --netdevs N (startup: the netdevs the namespace holds, for the table; -1)\n";

int main(int argc, char **argv)
{
	struct opts o = { .rows = 40,
			  .cols = 120,
			  .flaps = 200,
			  .ip_flaps = 50,
			  .seconds = 60,
			  .runs = 20,
			  .settle_ms = 1000,
			  .netdevs = -1,
			  .label = "" };
	char cables[] = "c1,c2", twins[] = "enp1s0f1np1,enP2p1s0f1np1";
	o.ncables = split(cables, o.cables, 8);
	o.ntwins = split(twins, o.twins, 8);
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	const char *mode = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fputs(usage, stderr);
			return 2;
		}
		i++;
		if (!strcmp(a, "--binary"))
			o.binary = v;
		else if (!strcmp(a, "--flaps"))
			o.flaps = atoi(v);
		else if (!strcmp(a, "--ip-flaps"))
			o.ip_flaps = atoi(v);
		else if (!strcmp(a, "--seconds"))
			o.seconds = atoi(v);
		else if (!strcmp(a, "--runs"))
			o.runs = atoi(v);
		else if (!strcmp(a, "--label"))
			o.label = v;
		else if (!strcmp(a, "--rows"))
			o.rows = atoi(v);
		else if (!strcmp(a, "--cols"))
			o.cols = atoi(v);
		else if (!strcmp(a, "--settle-ms"))
			o.settle_ms = atoi(v);
		else if (!strcmp(a, "--netdevs"))
			o.netdevs = atoi(v);
		else if (!strcmp(a, "--cables"))
			o.ncables = split(argv[i], o.cables, 8);
		else if (!strcmp(a, "--twins"))
			o.ntwins = split(argv[i], o.twins, 8);
		else if (!strcmp(a, "--cable-netns"))
			o.cable_netns = v;
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!o.binary || access(o.binary, X_OK) != 0)
		die("--binary must name the sparklink executable");
	if (o.rows < 24 || o.cols < 80 || o.cols > 1000 || o.rows > 1000 || o.runs < 1)
		die("--rows/--cols/--runs out of range");
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	srandom((unsigned)getpid());
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "flaps"))
		return run_flaps(&o);
	if (!strcmp(mode, "idle"))
		return run_idle(&o);
	if (!strcmp(mode, "startup"))
		return run_startup(&o);
	if (!strcmp(mode, "screen"))
		return run_screen(&o);
	if (!strcmp(mode, "monitor"))
		return run_monitor(&o);
	fputs(usage, stderr);
	return 2;
}
