/* cli_monitor.c: `sparklink monitor`: each twin's traffic, errors and flaps every interval (lines
 * for people, or one JSON object per twin per interval), carrier transitions as netlink reports
 * them. The counters are read only here, on the loop's timer, while the command runs. */
#include "core/base/loop.h"
#include "core/base/text.h"
#include "core/net/linkhist.h"
#include "core/net/model.h"
#include "core/net/monitor.h"
#include "core/net/netmon.h"
#include "core/net/sysfs.h"
#include "ui/cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD "sparklink monitor"
#define INTERVAL_MIN_MS 100
#define INTERVAL_MAX_MS (3600 * 1000)
#define COUNT_MAX 100000000

static const char monitor_usage[] =
	"Usage: sparklink monitor [--json] [--interval S] [--count N]\n"
	"  Every S seconds, each ConnectX twin's receive and transmit rate (the netdev's bytes and\n"
	"  the RDMA port's, where RoCE traffic shows), errors and drops since start, carrier flaps,\n"
	"  and findings in words (one twin busy while its twin idles, errors rising, a flapping\n"
	"  link, a speed below 200G). Carrier changes are printed as netlink reports them.\n"
	"  --json        one JSON object per twin per interval, one per line (see sparklink(1))\n"
	"  --interval S  seconds between samples, 0.1 to 3600 (default 1; e.g. 0.5)\n"
	"  --count N     stop after N intervals (default: until interrupted or the reader goes\n"
	"                away, exit 0); a closed or unwritable output is exit 1\n";

struct mon_ctx {
	struct loop *loop;
	struct model *model;
	struct netmon *netmon;
	struct monitor mon;
	struct loop_timer *timer;
	bool json;
	int64_t interval_ms, next_ms;
	long count, done;
	unsigned seen[MONITOR_MAX_TWINS]; /* transitions already printed, per twin */
	unsigned resyncs;
};

/* "0.5", "2", "10.25": seconds with at most 3 decimals, in range; else a message, -1. */
static int parse_interval(const char *s, int64_t *out_ms)
{
	char q[CLI_ARG_MAX];
	size_t ip = strspn(s, "0123456789"), fp = 0;
	bool ok = ip > 0 && ip <= 7;
	if (ok && s[ip] == '.') {
		fp = strspn(s + ip + 1, "0123456789");
		ok = fp >= 1 && fp <= 3 && s[ip + 1 + fp] == '\0';
	} else if (ok) {
		ok = s[ip] == '\0';
	}
	int64_t ms = 0;
	if (ok) {
		for (size_t i = 0; i < ip; i++)
			ms = ms * 10 + (s[i] - '0');
		ms *= 1000;
		int64_t scale = 100;
		for (size_t i = 0; i < fp; i++, scale /= 10)
			ms += (s[ip + 1 + i] - '0') * scale;
	}
	if (!ok || ms < INTERVAL_MIN_MS || ms > INTERVAL_MAX_MS) {
		fprintf(stderr, CMD ": --interval takes seconds, from 0.1 to 3600, not '%s'\n",
			cli_arg(s, q, sizeof(q)));
		return -1;
	}
	*out_ms = ms;
	return 0;
}

static int parse_count(const char *s, long *out)
{
	char q[CLI_ARG_MAX];
	size_t n = strspn(s, "0123456789");
	long v = n && n == strlen(s) && n <= 9 ? strtol(s, NULL, 10) : 0;
	if (v < 1 || v > COUNT_MAX) {
		fprintf(stderr, CMD ": --count takes a whole number from 1 to %d, not '%s'\n",
			COUNT_MAX, cli_arg(s, q, sizeof(q)));
		return -1;
	}
	*out = v;
	return 0;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write out; a reader that went away ends the command quietly, any other error with exit 1. */
static void emit(struct mon_ctx *w, struct buf *out)
{
	int r = out->len ? write_all(STDOUT_FILENO, out->data, out->len) : 0;
	if (r == -EPIPE) {
		loop_quit(w->loop, EXIT_OK);
	} else if (r < 0) {
		fprintf(stderr, CMD ": cannot write to standard output: %s\n", strerror(-r));
		loop_quit(w->loop, EXIT_FAIL);
	}
}

static void clock_text(int64_t wall_ms, bool millis, char *out, size_t size)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	size_t n = strftime(out, size, "%H:%M:%S", &tm);
	if (millis && n)
		snprintf(out + n, size - n, ".%03d", (int)(wall_ms % 1000));
}

/* Carrier transitions not printed yet (text form only; JSON carries them in each object). */
static void print_transitions(struct mon_ctx *w, struct buf *out)
{
	for (size_t i = 0; i < w->mon.ntwins; i++) {
		const struct monitor_twin *t = &w->mon.twins[i];
		const struct link_history *h = linkhist_find(&w->model->linkhist, t->ifname);
		unsigned total = h ? h->downs + h->ups : 0;
		if (!h || total == w->seen[i])
			continue;
		size_t fresh = total - w->seen[i] < h->n ? total - w->seen[i] : h->n;
		for (size_t e = h->n - fresh; e < h->n; e++) {
			const struct link_event *ev = linkhist_event(h, e);
			char when[32];
			clock_text(ev->t_ms, true, when, sizeof(when));
			buf_printf(out, "%s  %s carrier %s", when, t->ifname,
				   ev->up ? "up" : "down");
			if (ev->up && ev->speed_mbps > 0)
				buf_printf(out, " at %ldG", ev->speed_mbps / 1000);
			buf_printf(out, " (flaps since start: %u)\n", h->downs);
		}
		w->seen[i] = total;
	}
}

static void print_interval(struct mon_ctx *w, int64_t wall_ms, struct buf *out)
{
	if (w->json) {
		monitor_json_lines(&w->mon, w->model, wall_ms, out);
		return;
	}
	char when[32];
	clock_text(wall_ms, false, when, sizeof(when));
	for (size_t i = 0; i < w->mon.ntwins; i++) {
		const struct monitor_twin *t = &w->mon.twins[i];
		char rx[24], tx[24], rrx[24], rtx[24], state[24];
		monitor_rate_text(monitor_bps(t, true), rx, sizeof(rx));
		monitor_rate_text(monitor_bps(t, false), tx, sizeof(tx));
		monitor_rate_text(8 * t->rate[CNT_RDMA_RX_BYTES], rrx, sizeof(rrx));
		monitor_rate_text(8 * t->rate[CNT_RDMA_TX_BYTES], rtx, sizeof(rtx));
		if (t->up && t->speed_mbps > 0)
			snprintf(state, sizeof(state), "Up %ldG", t->speed_mbps / 1000);
		else
			snprintf(state, sizeof(state), "%s", t->up ? "Up" : "Down");
		buf_printf(out,
			   "%s  p%d %-15s %-8s rx %-11s tx %-11s rdma rx %-11s tx %-11s flaps %u",
			   when, t->phys_port, t->ifname, state, rx, tx, rrx, rtx, t->flaps);
		bool any = false;
		for (int c = 0; c < CNT_COUNT; c++) {
			uint64_t n = monitor_since_start(t, (enum counter_id)c);
			if (!counter_is_error((enum counter_id)c) || !n)
				continue;
			buf_printf(out, "%s%s %llu",
				   any ? ", " : "  errors: ", counter_name((enum counter_id)c),
				   (unsigned long long)n);
			any = true;
		}
		buf_puts(out, "\n");
	}
	for (size_t f = 0; f < w->mon.nfindings; f++) {
		const struct finding *fd = &w->mon.findings[f].f;
		buf_printf(out, "%s  %s %s: %s. Fix: %s.\n", when, finding_level_word(fd->level),
			   fd->code, fd->text, fd->fix);
	}
}

static void on_tick(struct loop_timer *t, void *arg)
{
	(void)t;
	struct mon_ctx *w = arg;
	int64_t now = clock_ms();
	monitor_sample(&w->mon, w->model, now);
	struct buf out;
	buf_init(&out);
	print_interval(w, clock_wall_ms(), &out);
	emit(w, &out);
	buf_free(&out);
	if (loop_quitting(w->loop))
		return;
	if (w->count && ++w->done >= w->count) {
		loop_quit(w->loop, EXIT_OK);
		return;
	}
	/* on a fixed schedule; a late turn (a stopped process) skips the ticks it missed */
	w->next_ms += w->interval_ms;
	if (w->next_ms <= now)
		w->next_ms = now + w->interval_ms;
	loop_timer_at(w->timer, w->next_ms);
}

static void on_change(void *arg)
{
	struct mon_ctx *w = arg;
	if (w->netmon && netmon_resyncs(w->netmon) != w->resyncs) {
		w->resyncs = netmon_resyncs(w->netmon);
		fprintf(stderr, "sparklink: netlink events were lost (socket overrun); "
				"all interfaces re-read\n");
	}
	if (w->json)
		return;
	struct buf out;
	buf_init(&out);
	print_transitions(w, &out);
	emit(w, &out);
	buf_free(&out);
}

static int run(struct model *m, bool json, int64_t interval_ms, long count)
{
	struct mon_ctx *w = xcalloc(1, sizeof(*w));
	w->model = m, w->json = json, w->interval_ms = interval_ms, w->count = count;
	w->loop = loop_new();
	cli_loop_end_on_stop(w->loop, true);
	char err[256];
	w->netmon = netmon_new(w->loop, m, on_change, w, err, sizeof(err));
	if (!w->netmon) {
		fprintf(stderr, "sparklink: %s; using sysfs alone (carrier changes are not seen)\n",
			err);
		model_load_sysfs_netdevs(m);
		model_rebuild(m);
	}
	int rc = EXIT_OK;
	int64_t now = clock_ms();
	monitor_init(&w->mon, m, now);
	if (!w->mon.ntwins) {
		char root[PATH_MAX];
		fprintf(stderr,
			"sparklink: no RDMA port with a netdev under %s/class/infiniband: nothing to "
			"monitor\n",
			cli_arg(sysfs_root(), root, sizeof(root)));
		rc = EXIT_NOTHING;
		goto out;
	}
	monitor_sample(&w->mon, m, now); /* the baseline: rates start with the first interval */
	w->timer = loop_timer_new(w->loop, on_tick, w);
	w->next_ms = now + interval_ms;
	loop_timer_at(w->timer, w->next_ms);
	rc = loop_run(w->loop);
	rc = rc < 0 ? EXIT_FAIL : rc;
out:
	netmon_free(w->netmon);
	loop_free(w->loop);
	free(w);
	return rc;
}

int cli_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	bool json = false;
	int64_t interval_ms = 1000;
	long count = 0;
	int c;
	optind = 0; /* 0: reinitialise getopt (main parsed with "+" first) */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'i':
			if (parse_interval(optarg, &interval_ms) < 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (parse_count(optarg, &count) < 0)
				return EXIT_USAGE;
			break;
		case 'h': fputs(monitor_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(CMD, argc, argv, opts);
			fputs(monitor_usage, stderr);
			return EXIT_USAGE;
		}
	}
	char q[CLI_ARG_MAX];
	if (optind < argc) {
		fprintf(stderr, CMD ": unexpected argument '%s'\n",
			cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, true);
	m.rdma_scanned = true;
	for (size_t i = 0; i < m.rdma.nproblems; i++) {
		char p[512]; /* a root given by --sysfs is echoed in them */
		text_clean(p, sizeof(p), m.rdma.problems[i], strlen(m.rdma.problems[i]), 0);
		fprintf(stderr, "sparklink: %s\n", p);
	}
	int rc = run(&m, json, interval_ms, count);
	model_free(&m);
	return rc;
}
