/* bench.c: the bandwidth test job: servers on the peer over the pairing's SSH (a connection and a
 * thread per twin), clients here in parallel (a thread per twin), figures read and judged by
 * bwtest.c; and the record of the last bench (bench.json beside the journal). */
#include "core/jobs/bench.h"
#include "core/ssh/sshsession.h"
#include "core/base/files.h"
#include "core/base/json.h"
#include "core/base/json_read.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "core/node/node_remote.h"
#include "core/node/node_remote_user.h"
#include "core/jobs/job.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CLIENT_OUT_MAX (1u << 20)
#define SERVER_GRACE_S 25 /* the server waits this long for its client, beyond the run */
#define CLIENT_GRACE_S 15 /* a client that has not ended this long after the run is stopped */
#define CONNECT_RETRY_S 12 /* a client retries a refused connection this long (the server starts) */

const char *bench_status_word(enum bench_status s)
{
	switch (s) {
	case BENCH_OK: return "pass";
	case BENCH_VERDICT: return "measured, not a pass";
	case BENCH_FAILED: return "failed";
	case BENCH_REFUSED: return "refused";
	case BENCH_NO_TOOL: return "a program is missing";
	case BENCH_CANCELLED: return "cancelled";
	}
	return "?";
}

/* ---------------------------------------------------------------- the peer's scripts */

/* Is the tool there; the peer's IPv4 addresses (`ip -o -4 addr`), then each netdev's RDMA
 * device ("IF IBDEV"), as ibdev2netdev finds them. */
static const char PEER_PROBE[] = "LC_ALL=C; export LC_ALL\n"
				 "command -v \"$1\" >/dev/null 2>&1 || exit 11\n"
				 "command -v timeout >/dev/null 2>&1 || exit 12\n"
				 "ip -o -4 addr show || exit 1\n"
				 "echo --\n"
				 "for f in /sys/class/net/*/device/infiniband/*; do\n"
				 "  [ -e \"$f\" ] || continue\n"
				 "  i=${f#/sys/class/net/}; echo \"${i%%/*} ${f##*/}\"\n"
				 "done\n";

/* $1 seconds it may wait in all, then the server's own arguments */
static const char PEER_IPERF3[] = "LC_ALL=C; export LC_ALL\n"
				  "exec timeout \"$1\" iperf3 -s -1 -B \"$2\" -p \"$3\" -J\n";
static const char PEER_PERFTEST[] =
	"LC_ALL=C; export LC_ALL\n"
	"exec timeout \"$1\" ib_write_bw -d \"$2\" -p \"$3\" --report_gbits -F -D \"$4\"\n";

/* ---------------------------------------------------------------- one twin */

struct twin_run {
	struct bench_job *job;
	struct worker *w;
	size_t i;
	size_t peer; /* index into req.peers */
	char peer_ibdev[64];
	/* the server on the peer */
	pthread_t server;
	bool server_started;
	volatile bool server_done; /* written by the server thread, read by the client's */
	int server_rc;
	char server_said[512];
	char server_err[512];
	/* the client here */
	pthread_t client;
	bool client_started;
	struct buf client_out;
	int client_status; /* exit status, -1 killed or not run */
	char client_err[256];
	char client_tries[48]; /* " (N tries in S s)" when a refused connection was tried again */
	long carrier_changes[2];
	long carrier_after;
};

static struct node *peer_connect(const struct bench_request *req, const struct bench_peer *p,
				 struct worker *w, char *err, size_t errsize)
{
	struct remote_opts o = {
		.port = 22,
		.local = req->user,
		.timeout_s = req->timeout_s,
		.w = w,
		.read_only = true,
	};
	str_copy(o.address, p->address, sizeof(o.address));
	o.names[o.nnames++] = p->address;
	for (size_t i = 0; i < p->nnames && o.nnames < ARRAY_LEN(o.names); i++)
		o.names[o.nnames++] = p->names[i];
	return node_remote_new(&o, err, errsize);
}

static void *server_thread(void *arg)
{
	struct twin_run *t = arg;
	const struct bench_request *req = &t->job->req;
	struct node *n =
		peer_connect(req, &req->peers[t->peer], t->w, t->server_err, sizeof(t->server_err));
	if (!n) {
		t->server_rc = -EIO;
		t->server_done = true;
		return NULL;
	}
	char limit[16], port[16], secs[16];
	snprintf(limit, sizeof(limit), "%d", req->seconds + SERVER_GRACE_S);
	snprintf(secs, sizeof(secs), "%d", req->seconds);
	struct buf out;
	buf_init(&out);
	if (req->rdma) {
		snprintf(port, sizeof(port), "%d", BENCH_PERFTEST_PORT + (int)t->i);
		const char *args[] = { limit, t->peer_ibdev, port, secs };
		t->server_rc = node_remote_user_run(n, PEER_PERFTEST, args, 4,
						    req->seconds + SERVER_GRACE_S + 10, &out,
						    t->server_said, sizeof(t->server_said),
						    t->server_err, sizeof(t->server_err));
	} else {
		snprintf(port, sizeof(port), "%d", BENCH_IPERF3_PORT + (int)t->i);
		const char *args[] = { limit, t->job->out.peer_addrs[t->i], port };
		t->server_rc = node_remote_user_run(n, PEER_IPERF3, args, 3,
						    req->seconds + SERVER_GRACE_S + 10, &out,
						    t->server_said, sizeof(t->server_said),
						    t->server_err, sizeof(t->server_err));
		/* iperf3 -J says its error in JSON on stdout */
		double g;
		char e[256] = "";
		if (t->server_rc > 0 &&
		    bwtest_parse_iperf3(out.data, out.len, &g, e, sizeof(e)) < 0 && e[0] &&
		    !t->server_said[0])
			str_copy(t->server_said, e, sizeof(t->server_said));
	}
	buf_free(&out);
	node_free(n);
	t->server_done = true;
	return NULL;
}

/* Run argv here, stdout and stderr into out, at most deadline (CLOCK_MONOTONIC seconds): its exit
 * status, or -1 (killed at the deadline or cancelled; why in err). */
static int run_local(struct worker *w, char *const argv[], time_t deadline, struct buf *out,
		     char *err, size_t errsize)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errsize, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	pid_t pid;
	int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		snprintf(err, errsize, "cannot run %s: %s", argv[0], strerror(r));
		return -1;
	}
	bool killed = false;
	for (;;) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!killed && (now.tv_sec >= deadline || worker_cancelled(w))) {
			kill(pid, SIGKILL);
			killed = true;
			snprintf(err, errsize, "%s",
				 worker_cancelled(w) ? "cancelled" : "it did not end in time");
		}
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		int n = poll(&pf, 1, 200);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			continue;
		char chunk[4096];
		ssize_t got = read(p[0], chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (out->len < CLIENT_OUT_MAX)
			buf_add(out, chunk, (size_t)got);
	}
	close(p[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (killed)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long read_carrier(const char *ifname, const char *what)
{
	/* the real netdev's attributes: the netdevs are the machine's own even when the RDMA tree
	 * is a fixture (sysfs.h's movable root is for that tree) */
	char path[128], v[32] = "";
	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, what);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	bool ok = fgets(v, sizeof(v), f) != NULL;
	fclose(f);
	return ok ? strtol(v, NULL, 10) : -1;
}

static bool refused(const char *text)
{
	return strstr(text, "Connection refused") || strstr(text, "Couldn't connect") ||
	       strstr(text, "connection refused");
}

static void *client_thread(void *arg)
{
	struct twin_run *t = arg;
	const struct bench_request *req = &t->job->req;
	const struct bench_rail *rl = &req->rails[t->i];
	char local[48], port[16], secs[16];
	str_copy(local, rl->cidr, sizeof(local));
	local[strcspn(local, "/")] = '\0';
	snprintf(secs, sizeof(secs), "%d", req->seconds);
	const char *peer = t->job->out.peer_addrs[t->i];
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	time_t give_up = now.tv_sec + CONNECT_RETRY_S;
	for (int tries = 1;; tries++) {
		buf_free(&t->client_out);
		buf_init(&t->client_out);
		t->client_err[0] = '\0';
		clock_gettime(CLOCK_MONOTONIC, &now);
		time_t deadline = now.tv_sec + req->seconds + CLIENT_GRACE_S;
		if (req->rdma) {
			snprintf(port, sizeof(port), "%d", BENCH_PERFTEST_PORT + (int)t->i);
			char *argv[] = { "ib_write_bw", "-d", (char *)rl->ibdev,
					 "-p",		port, "--report_gbits",
					 "-F",		"-D", secs,
					 (char *)peer,	NULL };
			t->client_status = run_local(t->w, argv, deadline, &t->client_out,
						     t->client_err, sizeof(t->client_err));
		} else {
			snprintf(port, sizeof(port), "%d", BENCH_IPERF3_PORT + (int)t->i);
			char *argv[] = { "iperf3", "-c", (char *)peer, "-B", local, "-p",
					 port,	   "-t", secs,	       "-J", NULL };
			t->client_status = run_local(t->w, argv, deadline, &t->client_out,
						     t->client_err, sizeof(t->client_err));
		}
		/* iperf3 -J says a refused connection in its JSON, with exit status 0 */
		double g, pk;
		char e[256];
		bool figure = t->client_out.len &&
			      (req->rdma
				       ? bwtest_parse_perftest(t->client_out.data,
							       t->client_out.len, &g, &pk)
				       : bwtest_parse_iperf3(t->client_out.data, t->client_out.len,
							     &g, e, sizeof(e))) == 0;
		if ((t->client_status == 0 && figure) || worker_cancelled(t->w))
			break;
		/* the server may not listen yet: try again while it runs */
		buf_add(&t->client_out, "", 1);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (t->client_status < 0 || !refused(t->client_out.data) || now.tv_sec >= give_up ||
		    t->server_done) {
			if (tries > 1 && refused(t->client_out.data))
				snprintf(t->client_tries, sizeof(t->client_tries),
					 " (%d tries in %lld s)", tries,
					 (long long)(now.tv_sec - give_up + CONNECT_RETRY_S));
			break;
		}
		t->client_out.len--;
		usleep(300 * 1000);
	}
	return NULL;
}

/* ---------------------------------------------------------------- the peer's answers */

/* `ip -o -4 addr show` lines ("2: IF    inet A/P brd ..."), "--", then "IF IBDEV" lines. Strict:
 * what is not such a line is skipped; names and addresses must be what they claim to be. */
void bench_peer_view_parse(const char *data, size_t len, struct bench_peer_view *v)
{
	memset(v, 0, sizeof(*v));
	char *text = xcalloc(1, len + 1);
	if (len)
		memcpy(text, data, len);
	bool devs = false;
	for (char *save, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "--") == 0) {
			devs = true;
			continue;
		}
		char a[64] = "", c[128] = "", d[128] = "";
		if (!devs) {
			unsigned idx;
			if (sscanf(line, "%u: %63s inet %127s", &idx, a, c) != 3 ||
			    v->naddrs >= ARRAY_LEN(v->addrs))
				continue;
			char *at = strchr(a, '@');
			if (at)
				*at = '\0';
			char ip[64];
			str_copy(ip, c, sizeof(ip));
			char *slash = strchr(ip, '/');
			struct in_addr x;
			if (!text_is_ifname(a) || !slash ||
			    (*slash = '\0', inet_pton(AF_INET, ip, &x)) != 1 ||
			    strlen(c) >= sizeof(v->addrs[0].cidr))
				continue;
			str_copy(v->addrs[v->naddrs].ifname, a, sizeof(v->addrs[0].ifname));
			str_copy(v->addrs[v->naddrs].cidr, c, sizeof(v->addrs[0].cidr));
			v->naddrs++;
		} else {
			if (sscanf(line, "%63s %127s", a, d) != 2 ||
			    v->ndevs >= ARRAY_LEN(v->devs) || !text_is_ifname(a) ||
			    strlen(d) >= sizeof(v->devs[0].ibdev) ||
			    strspn(d,
				   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
				    strlen(d))
				continue;
			str_copy(v->devs[v->ndevs].ifname, a, sizeof(v->devs[0].ifname));
			str_copy(v->devs[v->ndevs].ibdev, d, sizeof(v->devs[0].ibdev));
			v->ndevs++;
		}
	}
	free(text);
}

static bool cidr_split(const char *cidr, struct in_addr *a, unsigned *prefix)
{
	char ip[64];
	str_copy(ip, cidr, sizeof(ip));
	char *slash = strchr(ip, '/');
	*prefix = 32;
	if (slash) {
		*slash = '\0';
		*prefix = (unsigned)atoi(slash + 1);
	}
	return inet_pton(AF_INET, ip, a) == 1 && *prefix <= 32;
}

/* The peer's address on the rail: the given one if the peer has it, else the one in the rail's
 * subnet (the same interface name first, as two Sparks have the same names). */
static int peer_addr_for(const struct bench_rail *rl, const struct bench_peer_view *v, char *out,
			 size_t size, const char **ifname)
{
	struct in_addr mine, a;
	unsigned prefix, p2;
	if (!cidr_split(rl->cidr, &mine, &prefix))
		return -1;
	uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	int best = -1;
	for (size_t k = 0; k < v->naddrs; k++) {
		if (!cidr_split(v->addrs[k].cidr, &a, &p2))
			continue;
		char ip[48];
		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		if (rl->peer_addr[0]) {
			if (strcmp(ip, rl->peer_addr) == 0) {
				best = (int)k;
				break;
			}
			continue;
		}
		if ((a.s_addr & mask) != (mine.s_addr & mask) || a.s_addr == mine.s_addr)
			continue;
		if (best < 0 || strcmp(v->addrs[k].ifname, rl->ifname) == 0)
			best = (int)k;
	}
	if (best < 0)
		return -1;
	str_copy(out, v->addrs[best].cidr, size);
	out[strcspn(out, "/")] = '\0';
	*ifname = v->addrs[best].ifname;
	return 0;
}

/* ---------------------------------------------------------------- the job */

__attribute__((format(printf, 3, 4))) static void end(struct bench_job *job, enum bench_status s,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(job->out.summary, sizeof(job->out.summary), fmt, ap);
	va_end(ap);
	job->out.status = s;
}

static bool tool_here(const char *tool)
{
	const char *path = getenv("PATH");
	char copy[4096];
	str_copy(copy, path && path[0] ? path : "/usr/bin:/bin", sizeof(copy));
	for (char *save, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", d, tool);
		if (access(p, X_OK) == 0)
			return true;
	}
	return false;
}

static void run(struct worker *w, struct bench_job *job)
{
	struct bench_request *req = &job->req;
	struct bench_outcome *o = &job->out;
	const char *tool = req->rdma ? "ib_write_bw" : "iperf3";
	const char *pkg = req->rdma ? BENCH_PERFTEST_PKG : BENCH_IPERF3_PKG;
	if (!req->nrails)
		return end(job, BENCH_REFUSED, "no cabled rail to test");
	if (!tool_here(tool))
		return end(job, BENCH_NO_TOOL,
			   "%s is not installed on this node: install the package %s "
			   "(sudo apt install %s)",
			   tool, pkg, pkg);
	if (req->npeers == 0) { /* the one peer */
		struct bench_peer *p = &req->peers[0];
		str_copy(p->address, req->peer_address, sizeof(p->address));
		str_copy(p->label, req->peer_address, sizeof(p->label));
		for (size_t i = 0; i < req->npeer_names && i < ARRAY_LEN(p->names); i++)
			str_copy(p->names[p->nnames++], req->peer_names[i], sizeof(p->names[0]));
		req->npeers = 1;
	}
	struct bench_peer_view *v = xcalloc(req->npeers, sizeof(*v));
	for (size_t k = 0; k < req->npeers; k++) {
		const struct bench_peer *p = &req->peers[k];
		char err[1024], said[512] = "";
		job_progress(w, "Connecting to %s as %s", p->address, req->user.name);
		struct node *ctl = peer_connect(req, p, w, err, sizeof(err));
		if (!ctl) {
			free(v);
			return end(job, worker_cancelled(w) ? BENCH_CANCELLED : BENCH_REFUSED, "%s",
				   err);
		}
		struct buf b;
		buf_init(&b);
		const char *pargs[] = { tool };
		int rc = node_remote_user_run(ctl, PEER_PROBE, pargs, 1, 0, &b, said, sizeof(said),
					      err, sizeof(err));
		node_free(ctl);
		if (rc == 0)
			bench_peer_view_parse(b.data, b.len, &v[k]);
		buf_free(&b);
		if (rc == 0)
			continue;
		free(v);
		if (rc == 11 || rc == 12)
			return end(job, BENCH_NO_TOOL,
				   "%s is not installed on the peer %s: install the package %s "
				   "there (sudo apt install %s)",
				   rc == 11 ? tool : "timeout", p->address,
				   rc == 11 ? pkg : "coreutils", rc == 11 ? pkg : "coreutils");
		if (rc > 0)
			return end(job, BENCH_FAILED, "cannot read %s's addresses: %s", p->address,
				   said[0] ? said : "the command failed");
		return end(job, worker_cancelled(w) ? BENCH_CANCELLED : BENCH_FAILED, "%s", err);
	}

	struct twin_run *t = xcalloc(req->nrails, sizeof(*t));
	o->ntwins = req->nrails;
	size_t ready = 0;
	for (size_t i = 0; i < req->nrails; i++) {
		const struct bench_rail *rl = &req->rails[i];
		struct bwtest_twin *tw = &o->twins[i];
		str_copy(tw->ifname, rl->ifname, sizeof(tw->ifname));
		str_copy(tw->ibdev, rl->ibdev, sizeof(tw->ibdev));
		tw->port = rl->port;
		tw->link_mbps = rl->link_mbps;
		t[i].job = job, t[i].w = w, t[i].i = i;
		buf_init(&t[i].client_out);
		const char *pif = NULL;
		o->twin_peer[i] = -1;
		for (size_t k = 0; k < req->npeers && o->twin_peer[i] < 0; k++)
			if (peer_addr_for(rl, &v[k], o->peer_addrs[i], sizeof(o->peer_addrs[i]),
					  &pif) == 0)
				o->twin_peer[i] = (int)k;
		t[i].peer = o->twin_peer[i] < 0 ? 0 : (size_t)o->twin_peer[i];
		if (o->twin_peer[i] < 0) {
			snprintf(tw->error, sizeof(tw->error),
				 rl->peer_addr[0] ? "no peer has %s now: run `sparklink status`"
						  : "no peer has an address in %s's subnet",
				 rl->peer_addr[0] ? rl->peer_addr : rl->ifname);
			continue;
		}
		if (req->rdma) {
			const struct bench_peer_view *pv = &v[t[i].peer];
			for (size_t k = 0; k < pv->ndevs; k++)
				if (strcmp(pv->devs[k].ifname, pif) == 0)
					str_copy(t[i].peer_ibdev, pv->devs[k].ibdev,
						 sizeof(t[i].peer_ibdev));
			if (!t[i].peer_ibdev[0]) {
				snprintf(tw->error, sizeof(tw->error),
					 "%s on the peer (holding %s) has no RDMA device", pif,
					 o->peer_addrs[i]);
				continue;
			}
		}
		t[i].carrier_changes[0] = read_carrier(rl->ifname, "carrier_changes");
		if (pthread_create(&t[i].server, NULL, server_thread, &t[i]) == 0) {
			t[i].server_started = true;
			ready++;
		} else {
			snprintf(tw->error, sizeof(tw->error), "cannot start a thread");
		}
	}
	free(v);
	if (ready)
		job_progress(w,
			     "%s on %zu twin%s in parallel for %d s (servers on the peer%s, "
			     "clients here)",
			     req->rdma ? "ib_write_bw" : "iperf3", ready, ready == 1 ? "" : "s",
			     req->seconds, req->npeers > 1 ? "s" : "");
	for (size_t i = 0; i < req->nrails; i++)
		if (t[i].server_started &&
		    pthread_create(&t[i].client, NULL, client_thread, &t[i]) == 0)
			t[i].client_started = true;
	for (size_t i = 0; i < req->nrails; i++)
		if (t[i].client_started)
			pthread_join(t[i].client, NULL);
	for (size_t i = 0; i < req->nrails; i++) {
		if (!t[i].server_started)
			continue;
		t[i].carrier_changes[1] = read_carrier(req->rails[i].ifname, "carrier_changes");
		t[i].carrier_after = read_carrier(req->rails[i].ifname, "carrier");
	}
	for (size_t i = 0; i < req->nrails; i++)
		if (t[i].server_started)
			pthread_join(t[i].server, NULL);

	/* each twin's figure */
	for (size_t i = 0; i < req->nrails; i++) {
		struct bwtest_twin *tw = &o->twins[i];
		struct twin_run *r = &t[i];
		if (r->server_started) {
			const struct buf *co = &r->client_out;
			char e[256] = "";
			double peak;
			int pr = req->rdma ? bwtest_parse_perftest(co->data, co->len, &tw->gbps,
								   &peak)
					   : bwtest_parse_iperf3(co->data, co->len, &tw->gbps, e,
								 sizeof(e));
			tw->ran = pr == 0 && r->client_status == 0;
			bool flapped = r->carrier_changes[0] >= 0 &&
				       r->carrier_changes[1] != r->carrier_changes[0];
			if (flapped || r->carrier_after == 0) {
				job_warn(w, 0,
					 "%s %s during the run (the cable was pulled or the link "
					 "flapped): its figure is not the rail's",
					 tw->ifname,
					 r->carrier_after == 0 ? "lost its carrier"
							       : "changed its carrier");
				if (tw->ran)
					tw->ran = false;
				str_copy(tw->error, "its carrier changed during the run",
					 sizeof(tw->error));
			} else if (!tw->ran) {
				char client[200];
				text_clean(client, sizeof(client), co->data ? co->data : "",
					   co->len, 0);
				snprintf(tw->error, sizeof(tw->error), "%s",
					 r->server_err[0]	     ? r->server_err
					 : r->client_err[0] && !e[0] ? r->client_err
					 : e[0]			     ? e
					 : r->server_said[0]	     ? r->server_said
								     : client);
				if (r->client_err[0] && strcmp(tw->error, r->client_err) == 0)
					snprintf(tw->error, sizeof(tw->error), "%s: %s", tool,
						 r->client_err);
				size_t el = strlen(tw->error);
				snprintf(tw->error + el, sizeof(tw->error) - el, "%s",
					 r->client_tries);
				if (r->server_said[0] && strcmp(tw->error, r->server_said) != 0)
					job_warn(w, 0, "the server for %s on the peer said: %s",
						 tw->ifname, r->server_said);
			}
		}
		char line[400], on[80] = "";
		if (req->npeers > 1 && o->twin_peer[i] >= 0)
			snprintf(on, sizeof(on), " on %s", req->peers[o->twin_peer[i]].label);
		if (tw->ran)
			snprintf(line, sizeof(line), "%s -> %s%s: %.2f Gb/s", tw->ifname,
				 o->peer_addrs[i], on, tw->gbps);
		else
			snprintf(line, sizeof(line), "%s -> %s%s: no figure (%s)", tw->ifname,
				 o->peer_addrs[i][0] ? o->peer_addrs[i] : "?", on, tw->error);
		job_result(w, (int)i, tw->ran, line);
		buf_free(&r->client_out);
	}
	free(t);
	if (worker_cancelled(w))
		return end(job, BENCH_CANCELLED, "cancelled");
	bwtest_judge(o->twins, o->ntwins, req->rdma, &o->verdict);
	for (char *line = o->verdict.text; *line;) {
		size_t l = strcspn(line, "\n");
		job_warn(w, 0, "%.*s", (int)l, line);
		line += l + (line[l] ? 1 : 0);
	}
	size_t ran = 0;
	for (size_t i = 0; i < o->ntwins; i++)
		ran += o->twins[i].ran;
	end(job, o->verdict.verdict == BWTEST_PASS ? BENCH_OK : BENCH_VERDICT,
	    "%s %.2f Gb/s in all over %zu of %zu twin%s (%s)%s", req->rdma ? "RDMA write" : "TCP",
	    o->verdict.sum_gbps, ran, o->ntwins, o->ntwins == 1 ? "" : "s",
	    bwtest_verdict_word(o->verdict.verdict),
	    req->rdma ? "" : "; TCP figures are not RDMA figures");
}

void bench_job_run(struct worker *w, void *arg)
{
	struct bench_job *job = arg;
	memset(&job->out, 0, sizeof(job->out));
	if (job->req.seconds <= 0)
		job->req.seconds = BENCH_SECONDS;
	run(w, job);
	job_done(w, (int)job->out.status, job->out.summary);
}

/* ---------------------------------------------------------------- the record */

static void record_path(const char *journal_path, char *out, size_t size)
{
	str_copy(out, journal_path, size);
	char *slash = strrchr(out, '/');
	if (slash)
		slash[1] = '\0';
	else
		out[0] = '\0';
	size_t l = strlen(out);
	snprintf(out + l, size - l, "bench.json");
}

void bench_record_from(const struct bench_job *job, struct bench_record *r)
{
	memset(r, 0, sizeof(*r));
	r->time = (long long)time(NULL);
	r->rdma = job->req.rdma;
	r->sum_gbps = job->out.verdict.sum_gbps;
	r->verdict = job->out.verdict.verdict;
	str_copy(r->peer, job->req.peer_address, sizeof(r->peer));
	r->ntwins = job->out.ntwins;
	for (size_t i = 0; i < r->ntwins; i++) {
		str_copy(r->twins[i].ifname, job->out.twins[i].ifname, sizeof(r->twins[i].ifname));
		r->twins[i].ran = job->out.twins[i].ran;
		r->twins[i].gbps = job->out.twins[i].gbps;
	}
}

int bench_record_write(const char *journal_path, uid_t owner, const struct bench_record *r,
		       char *err, size_t errsize)
{
	char path[PATH_MAX];
	record_path(journal_path, path, sizeof(path));
	struct buf b;
	buf_init(&b);
	struct json j;
	json_init(&j, &b, false);
	json_object_begin(&j, NULL);
	json_int(&j, "time", r->time);
	json_string(&j, "mode", r->rdma ? "rdma" : "tcp");
	json_int(&j, "sum_mbps", (long long)(r->sum_gbps * 1000 + 0.5));
	json_int(&j, "verdict", (long long)r->verdict);
	json_string(&j, "peer", r->peer);
	json_array_begin(&j, "twins");
	for (size_t i = 0; i < r->ntwins; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "ifname", r->twins[i].ifname);
		json_bool(&j, "ran", r->twins[i].ran);
		json_int(&j, "mbps", (long long)(r->twins[i].gbps * 1000 + 0.5));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_puts(&b, "\n");
	/* the directory is the journal's (0700, as the journal makes it) */
	dir_make_parents(path);
	int rc = file_replace(path, b.data, b.len, 0600, owner, (gid_t)-1, err, errsize);
	buf_free(&b);
	return rc;
}

static long long num(const struct jv *o, const char *key, long long min, long long max, bool *ok)
{
	const struct jv *v = jv_member(o, key);
	if (!v || v->type != JV_NUMBER || v->num < (double)min || v->num > (double)max) {
		*ok = false;
		return 0;
	}
	return (long long)v->num;
}

int bench_record_read(const char *journal_path, uid_t owner, struct bench_record *r, char *err,
		      size_t errsize)
{
	memset(r, 0, sizeof(*r));
	char path[PATH_MAX];
	record_path(journal_path, path, sizeof(path));
	int fd = file_open_owned(path, O_RDONLY, owner, "bench record", err, errsize);
	if (fd < 0)
		return fd;
	char text[8192];
	ssize_t n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		snprintf(err, errsize, "cannot read %s", path);
		return -EIO;
	}
	struct jv v;
	if (jv_parse(text, (size_t)n, &v) < 0) {
		snprintf(err, errsize, "%s is not a bench record", path);
		return -EPROTO;
	}
	bool ok = v.type == JV_OBJECT;
	r->time = num(&v, "time", 0, 1LL << 40, &ok);
	r->sum_gbps = (double)num(&v, "sum_mbps", 0, 100000000, &ok) / 1000;
	r->verdict = (enum bwtest_verdict)num(&v, "verdict", BWTEST_PASS, BWTEST_FAILED, &ok);
	const struct jv *mode = jv_member(&v, "mode"), *peer = jv_member(&v, "peer"),
			*tw = jv_member(&v, "twins");
	ok = ok && mode && mode->type == JV_STRING &&
	     (strcmp(mode->str, "rdma") == 0 || strcmp(mode->str, "tcp") == 0);
	if (ok)
		r->rdma = strcmp(mode->str, "rdma") == 0;
	if (ok && peer && peer->type == JV_STRING)
		text_clean(r->peer, sizeof(r->peer), peer->str, strlen(peer->str), 0);
	ok = ok && tw && tw->type == JV_ARRAY && tw->n <= BENCH_MAX_RAILS;
	for (size_t i = 0; ok && i < tw->n; i++) {
		const struct jv *x = &tw->items[i], *name = jv_member(x, "ifname"),
				*ran = jv_member(x, "ran");
		ok = x->type == JV_OBJECT && name && name->type == JV_STRING &&
		     text_is_ifname(name->str) && ran && ran->type == JV_BOOL;
		if (!ok)
			break;
		str_copy(r->twins[i].ifname, name->str, sizeof(r->twins[i].ifname));
		r->twins[i].ran = ran->b;
		r->twins[i].gbps = (double)num(x, "mbps", 0, 100000000, &ok) / 1000;
		r->ntwins++;
	}
	jv_free(&v);
	if (!ok) {
		memset(r, 0, sizeof(*r));
		snprintf(err, errsize, "%s is not a bench record", path);
		return -EPROTO;
	}
	return 0;
}

int bench_record_newest(const char *journal, uid_t owner, const char *user_journal, uid_t user_uid,
			struct bench_record *r)
{
	char err[512];
	struct bench_record u;
	bool have = bench_record_read(journal, owner, r, err, sizeof(err)) == 0;
	if (user_journal && user_journal[0] && strcmp(user_journal, journal) != 0 &&
	    bench_record_read(user_journal, user_uid, &u, err, sizeof(err)) == 0 &&
	    (!have || u.time > r->time)) {
		*r = u;
		have = true;
	}
	if (!have)
		memset(r, 0, sizeof(*r));
	return have ? 0 : -ENOENT;
}

void bench_record_words(const struct bench_record *r, char *out, size_t size)
{
	snprintf(out, size, "bandwidth %.2f Gb/s (%s, %s)", r->sum_gbps, r->rdma ? "RDMA" : "TCP",
		 bwtest_verdict_word(r->verdict));
}
