/* cli_ports.c: `sparklink ports`: ibdev2netdev lines, -v, --json, --watch. */
#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/net/report.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"
#include "ui/cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char ports_usage[] =
	"Usage: sparklink ports [-v | --json | --watch]\n"
	"  (no option)  one line per RDMA port, exactly as ibdev2netdev prints it:\n"
	"               rocep1s0f1 port 1 ==> enp1s0f1np1 (Up)\n"
	"  -v           the verbose form: PCI address, device, firmware, port state\n"
	"  --json       ports grouped into physical ports with both twins, other interfaces,\n"
	"               addresses and findings (see sparklink(1))\n"
	"  --watch      print one line per change as it happens, until interrupted or the\n"
	"               reader goes away (exit 0); a closed or unwritable output is exit 1\n";

struct watch_ctx {
	struct loop *loop;
	struct model *model;
	struct netmon *netmon;
	struct snapshot snap;
	unsigned resyncs;
};

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

static void watch_changed(void *arg)
{
	struct watch_ctx *w = arg;
	if (w->netmon && netmon_resyncs(w->netmon) != w->resyncs) {
		w->resyncs = netmon_resyncs(w->netmon);
		fprintf(stderr, "sparklink: netlink events were lost (socket overrun); "
				"all interfaces re-read\n");
	}
	/* the RDMA ports' state as sysfs has it after the carrier changes netmon saw */
	rdma_inventory_refresh_stale(&w->model->rdma);
	struct buf out;
	buf_init(&out);
	int r = 0;
	if (report_changes(&w->snap, w->model, &out) > 0)
		r = write_all(STDOUT_FILENO, out.data, out.len);
	if (r == -EPIPE) {
		loop_quit(w->loop, EXIT_OK); /* the reader went away (| head): end quietly */
	} else if (r < 0) {
		fprintf(stderr, "sparklink ports: cannot write to standard output: %s\n",
			strerror(-r));
		loop_quit(w->loop, EXIT_FAIL);
	}
	buf_free(&out);
	snapshot_free(&w->snap);
	snapshot_take(&w->snap, w->model);
}

static int run_watch(struct model *m)
{
	struct watch_ctx w = { .model = m };
	w.loop = loop_new();
	cli_loop_end_on_stop(w.loop, true);
	char err[256];
	struct netmon *nm = netmon_new(w.loop, m, watch_changed, &w, err, sizeof(err));
	if (!nm) {
		fprintf(stderr, "sparklink: %s\n", err);
		loop_free(w.loop);
		return EXIT_FAIL;
	}
	w.netmon = nm;
	snapshot_take(&w.snap, m);
	int rc = loop_run(w.loop);
	snapshot_free(&w.snap);
	netmon_free(nm);
	loop_free(w.loop);
	return rc < 0 ? EXIT_FAIL : rc;
}

int cli_ports(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	bool verbose = false, json = false, watch = false;
	int c;
	optind = 0; /* 0: reinitialise getopt (main parsed with "+" first) */
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v': verbose = true; break;
		case 'j': json = true; break;
		case 'w': watch = true; break;
		case 'h': fputs(ports_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error("sparklink ports", argc, argv, opts);
			fputs(ports_usage, stderr);
			return EXIT_USAGE;
		}
	}
	char q[CLI_ARG_MAX];
	if (optind < argc) {
		fprintf(stderr, "sparklink ports: unexpected argument '%s'\n",
			cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if ((int)verbose + (int)json + (int)watch > 1) {
		fprintf(stderr, "sparklink ports: choose one of -v, --json, --watch\n");
		return EXIT_USAGE;
	}
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, json);
	m.rdma_scanned = true;
	int rc = EXIT_OK;
	for (size_t i = 0; i < m.rdma.nproblems; i++) {
		char p[512]; /* a root given by --sysfs is echoed in them */
		text_clean(p, sizeof(p), m.rdma.problems[i], strlen(m.rdma.problems[i]), 0);
		fprintf(stderr, "sparklink: %s\n", p);
	}
	if (watch) {
		rc = run_watch(&m);
	} else if (json) {
		char err[256];
		if (netmon_snapshot(&m, err, sizeof(err)) < 0)
			fprintf(stderr, "sparklink: %s; using sysfs alone\n", err);
		struct buf out;
		buf_init(&out);
		report_json(&m, &out);
		fwrite(out.data, 1, out.len, stdout);
		buf_free(&out);
	} else {
		if (m.rdma.no_class || m.rdma.nports == 0) {
			char root[PATH_MAX];
			fprintf(stderr, "sparklink: no RDMA devices under %s/class/infiniband\n",
				cli_arg(sysfs_root(), root, sizeof(root)));
			rc = EXIT_NOTHING;
		}
		struct buf out;
		buf_init(&out);
		report_ibdev2netdev(&m.rdma, verbose, &out);
		if (out.len)
			fwrite(out.data, 1, out.len, stdout);
		buf_free(&out);
	}
	if (fflush(stdout) != 0 && rc == EXIT_OK && errno != EPIPE)
		rc = EXIT_FAIL;
	model_free(&m);
	return rc;
}
