/* cli_discover.c: `sparklink discover`: Sparks seen over mDNS, as discover-sparks prints them. */
#include "core/base/files.h"
#include "core/base/json.h"
#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/mdns/discovery.h"
#include "core/base/util.h"
#include "ui/cli/cli.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char discover_usage[] =
	"Usage: sparklink discover [--all] [--json] [--timeout SEC] [--hostfile FILE]\n"
	"  Lists the Sparks that announce SSH over mDNS on an Up ConnectX interface, as\n"
	"  discover-sparks does:  Found: 169.254.35.62 (spark-2.local)\n"
	"  A peer with no IPv4 address on the cable yet is listed by its IPv6 link-local address.\n"
	"  --all            include peers seen only on other interfaces (the LAN)\n"
	"  --json           the whole peer list, with where each address was seen, and\n"
	"                   this_node: whether avahi-daemon has announced this node\n"
	"  --timeout SEC    wait at most SEC seconds for answers (default 5)\n"
	"  --hostfile FILE  also write an MPI hostfile: this node, then each peer, one address\n"
	"                   per line (cable addresses preferred)\n"
	"Exit status: 0 found, 1 failure, 2 bad usage, 3 no peer found, 4 mDNS unavailable.\n";

/* After the browser's initial set (ALL_FOR_NOW), the records still pending get this long
 * without any resolver answering: a record that will not resolve (a host gone, a hostile name)
 * must not hold the answer up for avahi's own 5 s resolver timeout, while a crowded LAN whose
 * hundreds of records are still being resolved, one answer after another, is waited for. */
#define RESOLVE_GRACE_MS 1000

struct dctx {
	struct loop *loop;
	struct peers *peers;
	const struct model *model;
	struct loop_timer *grace;
	bool grace_armed;
	unsigned long answers; /* peers.answers when the grace timer was last armed */
	bool all, stream;
	bool lan; /* the LAN's records matter too (--all, --json, --hostfile) */
	struct buf printed; /* lines already printed, to print each once */
	int nprinted;
};

static int print_found(struct dctx *c);

static void changed(void *arg)
{
	struct dctx *c = arg;
	const struct peers *p = c->peers;
	/* without --all, --json or --hostfile only the records on a ConnectX interface are
	 * printed: those are resolved first, and the LAN's need not be waited for */
	size_t pending = c->lan ? p->pending : p->pending_cable;
	if (c->stream)
		print_found(c);
	if (p->state == MDNS_UNAVAILABLE || p->state == MDNS_WAITING ||
	    (p->all_for_now && pending == 0)) {
		loop_quit(c->loop, 0);
	} else if ((c->lan ? p->cache_exhausted : p->cable_cache_exhausted) && pending == 0 &&
		   c->nprinted > 0) {
		/* avahi has read out its cache and every record in it is resolved; on a running
		 * Spark the cache holds every announcement already: no need to wait for the
		 * first query round (about a second) to end */
		loop_quit(c->loop, 0);
	} else if (p->all_for_now && (!c->grace_armed || p->answers != c->answers)) {
		c->grace_armed = true;
		c->answers = p->answers;
		loop_timer_after(c->grace, RESOLVE_GRACE_MS);
	}
}

static void timed_out(struct loop_timer *t, void *arg)
{
	(void)t;
	struct dctx *c = arg;
	loop_quit(c->loop, 0);
}

static void on_signal(int signo, void *arg)
{
	(void)signo;
	struct dctx *c = arg;
	loop_quit(c->loop, 0);
}

static bool wanted(const struct model *m, const struct peer_addr *a, bool all)
{
	return all ? peer_addr_live(m, a) : peer_addr_on_up_port(m, a);
}

/* One line, unless it was printed before. */
static void emit(struct dctx *c, const char *line)
{
	for (const char *q = c->printed.data; q && (q = strstr(q, line)); q++)
		if ((q == c->printed.data || q[-1] == '\n') && q[strlen(line)] == '\n')
			return;
	buf_puts(&c->printed, line);
	buf_puts(&c->printed, "\n");
	printf("%s\n", line);
	fflush(stdout);
	c->nprinted++;
}

/* discover-sparks' lines: IPv4 on the wanted interfaces; IPv6 link-local (with its scope) for an
 * interface where the peer has no IPv4 yet. Printed as peers resolve. Returns the number of
 * lines printed so far. */
static int print_found(struct dctx *c)
{
	const struct model *m = c->model;
	const struct peers *p = c->peers;
	bool all = c->all;
	char line[400];
	for (size_t i = 0; i < p->n; i++) {
		const struct peer *pe = &p->v[i];
		if (pe->self)
			continue;
		for (size_t k = 0; k < pe->naddrs; k++) {
			const struct peer_addr *a = &pe->addrs[k];
			if (!wanted(m, a, all))
				continue;
			if (a->family == AF_INET) {
				snprintf(line, sizeof(line), "Found: %s (%s)", a->addr, pe->host);
				emit(c, line);
				continue;
			}
			bool v4_here = false;
			for (size_t j = 0; j < pe->naddrs; j++)
				v4_here |= pe->addrs[j].family == AF_INET &&
					   pe->addrs[j].ifindex == a->ifindex;
			if (!v4_here && a->link_local) {
				snprintf(line, sizeof(line), "Found: %s%%%s (%s)", a->addr,
					 a->ifname, pe->host);
				emit(c, line);
			}
		}
	}
	return c->nprinted;
}

static void json_out(const struct model *m, const struct peers *p)
{
	struct buf out;
	buf_init(&out);
	struct json j;
	json_init(&j, &out, true);
	json_object_begin(&j, NULL);
	json_int(&j, "version", 1);
	json_string(&j, "mdns", mdns_state_word(p->state));
	json_string(&j, "this_node", mdns_self_word(p->self));
	json_array_begin(&j, "peers");
	for (size_t i = 0; i < p->n; i++) {
		const struct peer *pe = &p->v[i];
		json_object_begin(&j, NULL);
		json_string(&j, "host", pe->host);
		json_string(&j, "service", pe->service);
		json_bool(&j, "host_is_plain_dns_name", pe->host_ok);
		json_bool(&j, "self", pe->self);
		json_array_begin(&j, "addresses");
		for (size_t k = 0; k < pe->naddrs; k++) {
			const struct peer_addr *a = &pe->addrs[k];
			int port = peer_addr_port(m, a);
			json_object_begin(&j, NULL);
			json_string(&j, "interface", a->ifname);
			if (port >= 0)
				json_int(&j, "port", port);
			else
				json_null(&j, "port");
			json_string(&j, "seen_on", port >= 0 ? "cable" : "lan");
			json_bool(&j, "live", peer_addr_live(m, a));
			json_string(&j, "family", a->family == AF_INET ? "inet" : "inet6");
			json_string(&j, "address", a->addr);
			json_bool(&j, "link_local", a->link_local);
			json_int(&j, "ssh_port", a->port);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
}

/* The best address of a peer for a hostfile: IPv4 on an Up cable, else IPv4 anywhere. */
static const char *best_ipv4(const struct model *m, const struct peer *pe)
{
	const char *lan = NULL;
	for (size_t k = 0; k < pe->naddrs; k++) {
		const struct peer_addr *a = &pe->addrs[k];
		if (a->family != AF_INET || !peer_addr_live(m, a))
			continue;
		if (peer_addr_on_up_port(m, a))
			return a->addr;
		if (!lan)
			lan = a->addr;
	}
	return lan;
}

/* This node's own address: IPv4 on an Up ConnectX twin, else its own mDNS record's IPv4. */
static const char *self_ipv4(const struct model *m, const struct peers *p)
{
	for (size_t k = 0; k < m->nports; k++)
		for (size_t t = 0; t < m->ports[k].ntwins; t++) {
			const struct netdev *d = m->ports[k].twins[t].netdev;
			if (!d || !d->carrier)
				continue;
			for (size_t a = 0; a < d->naddrs; a++)
				if (d->addrs[a].family == AF_INET)
					return d->addrs[a].text;
		}
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].self)
			return best_ipv4(m, &p->v[i]);
	return NULL;
}

static int write_hostfile(const char *path, const struct model *m, const struct peers *p)
{
	struct buf b;
	buf_init(&b);
	const char *me = self_ipv4(m, p);
	struct in_addr chk;
	if (me && inet_pton(AF_INET, me, &chk) == 1)
		buf_printf(&b, "%s\n", me);
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].self)
			continue;
		const char *a = best_ipv4(m, &p->v[i]);
		if (!a || inet_pton(AF_INET, a, &chk) != 1)
			continue;
		/* one line per address: two names (or a hostile one) may claim the same address */
		char line[64];
		snprintf(line, sizeof(line), "%s\n", a);
		bool seen = (me && strcmp(a, me) == 0) || (b.data && str_starts(b.data, line));
		for (const char *q = b.data; !seen && q && (q = strstr(q, line)); q++)
			seen = q > b.data && q[-1] == '\n';
		if (!seen)
			buf_puts(&b, line);
	}
	char err[512];
	int r = file_replace(path, b.data ? b.data : "", b.len, 0644, (uid_t)-1, (gid_t)-1, err,
			     sizeof(err));
	buf_free(&b);
	if (r < 0) {
		char clean[sizeof(err)]; /* it names the path given */
		fprintf(stderr, "sparklink discover: %s\n", cli_arg(err, clean, sizeof(clean)));
		return -1;
	}
	return 0;
}

int cli_discover(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hostfile", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	bool all = false, json = false;
	double timeout = 5;
	const char *hostfile = NULL;
	char q[CLI_ARG_MAX];
	int c;
	optind = 0; /* 0: reinitialise getopt (main parsed with "+" first) */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'j': json = true; break;
		case 't': {
			char *end = NULL;
			/* decimal seconds: no sign, no blanks, no hex or exponent, nothing after */
			if (optarg[0] && strspn(optarg, "0123456789.") == strlen(optarg))
				timeout = strtod(optarg, &end);
			if (!end || end == optarg || *end || !(timeout >= 0.1) || timeout > 3600) {
				fprintf(stderr,
					"sparklink discover: --timeout takes seconds, "
					"from 0.1 to 3600, not '%s'\n",
					cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			break;
		}
		case 'f':
			if (!cli_outfile_ok("sparklink discover", "--hostfile", optarg))
				return EXIT_USAGE;
			hostfile = optarg;
			break;
		case 'h': fputs(discover_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error("sparklink discover", argc, argv, opts);
			fputs(discover_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sparklink discover: unexpected argument '%s'\n",
			cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	struct model m;
	model_init(&m);
	struct peers peers;
	peers_init(&peers);
	struct dctx ctx = { .peers = &peers,
			    .model = &m,
			    .all = all,
			    .stream = !json,
			    .lan = all || json || hostfile };
	buf_init(&ctx.printed);
	ctx.loop = loop_new();
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	loop_signals(ctx.loop, sigs, 3, on_signal, &ctx);
	struct loop_timer *t = loop_timer_new(ctx.loop, timed_out, &ctx);
	loop_timer_after(t, (int64_t)(timeout * 1000));
	ctx.grace = loop_timer_new(ctx.loop, timed_out, &ctx);
	/* the ports first: each ConnectX interface is browsed on its own, before the LAN */
	rdma_inventory_scan(&m.rdma, false);
	char err[256];
	netmon_snapshot(&m, err, sizeof(err));
	struct discovery *d = discovery_new(ctx.loop, &peers, &m, changed, &ctx);
	if (peers.state != MDNS_UNAVAILABLE)
		loop_run(ctx.loop);

	int rc = EXIT_OK;
	if (peers.state == MDNS_UNAVAILABLE || peers.state == MDNS_WAITING) {
		fprintf(stderr,
			"sparklink discover: mDNS is unavailable: %s.\n"
			"Start dbus and avahi-daemon (systemctl start avahi-daemon) and try "
			"again.\n",
			peers.reason);
		rc = EXIT_UNAVAILABLE;
	} else if (json) {
		json_out(&m, &peers);
	} else if (print_found(&ctx) == 0) {
		fprintf(stderr, "sparklink discover: no Spark found %s within %.1f s.\n",
			all ? "on any interface"
			    : "on an Up ConnectX interface (try --all for the LAN)",
			timeout);
		model_rebuild(&m);
		cli_silent_ports("sparklink discover", &m);
		rc = EXIT_NOTHING;
	}
	if (peers.state == MDNS_RUNNING &&
	    (peers.self == MDNS_SELF_REGISTERING || peers.self == MDNS_SELF_STALLED))
		fprintf(stderr,
			"sparklink discover: avahi-daemon has not announced this node yet (it is "
			"still registering): peers cannot find it. If that lasts, restart it: "
			"systemctl restart avahi-daemon (avahi 0.8 stalls when an address goes away "
			"while it probes)\n");
	if (ctx.lan && peers.ignored)
		fprintf(stderr,
			"sparklink discover: %zu more _ssh._tcp records were ignored: at most %d "
			"are kept (a crowded LAN)\n",
			peers.ignored, PEERS_MAX_RECORDS);
	if (hostfile && rc != EXIT_UNAVAILABLE && write_hostfile(hostfile, &m, &peers) < 0)
		rc = EXIT_FAIL;
	fflush(stdout);
	discovery_free(d);
	loop_timer_free(t);
	loop_timer_free(ctx.grace);
	buf_free(&ctx.printed);
	peers_free(&peers);
	model_free(&m);
	loop_free(ctx.loop);
	return rc;
}
