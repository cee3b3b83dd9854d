/* cli_topology.c: `sparklink topology`: the cable map of this node and its peers, the topology
 * the cables make and what does not match the one wanted, in words. */
#include "ui/cli/cli.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/loop.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "core/net/cablemap.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/mdns/discovery.h"
#include "core/mdns/peers.h"
#include "core/ssh/sshsession.h"
#include "core/node/node_local.h"
#include "core/node/node_remote.h"
#include "core/jobs/cluster_map.h"
#include "core/jobs/invocation.h"
#include "core/jobs/pair.h"

static const char topology_usage[] =
	"Usage: sparklink topology [--peers HOST,HOST,...] [--topology auto|direct|ring|switch]\n"
	"                          [--json] [--timeout SEC]\n"
	"  The cable map: which port of which node reaches which node and which port of it,\n"
	"  directly or through a switch, Up/Down per twin and the negotiated speed; the topology\n"
	"  the cables make; and what does not match the topology wanted, in words.\n"
	"  Learned from the cable side: each node's mDNS sees the others' SSH announcements on\n"
	"  its own twins (IPv6 link-local); which port of the peer the cable reaches is the twin\n"
	"  of the peer holding the address seen, read over SSH (read-only, no sudo).\n"
	"  A port Up where nobody answered is \"? (no mDNS answer)\", a problem: its node is\n"
	"  read again (twice, 3 s apart) before the map is given.\n"
	"  --peers HOST,...   the other nodes (paired with this one); default: the Sparks this\n"
	"                     node sees over mDNS on its ConnectX ports\n"
	"  --topology T       check the cables against T (default auto: what they make)\n"
	"  --json             the map as JSON (nodes, ports, twins, links, problems, notes)\n"
	"  --timeout SEC      per network step (default " SSHSESSION_TIMEOUT_TEXT ")\n"
	"Exit status: 0 the cables match, 1 a problem was found (listed) or a node could not be\n"
	"read, 2 bad usage, 3 no peer, 4 mDNS unavailable and no --peers.\n";

/* A short browse of avahi's cache (at most 2 s, until the initial set is resolved). */
static void browse(struct peers *peers, const struct model *m)
{
	struct loop *l = loop_new();
	struct discovery *d = discovery_new(l, peers, m, NULL, NULL);
	int64_t until = clock_ms() + 2000;
	while (clock_ms() < until && peers->state != MDNS_UNAVAILABLE &&
	       peers->state != MDNS_WAITING) {
		loop_turn(l, 100);
		if (peers->all_for_now && !peers->pending)
			break;
	}
	discovery_free(d);
	loop_free(l);
}

/* "spark-2.local" -> "spark-2" */
static void plain_host(const char *host, char *out, size_t size)
{
	str_copy(out, host, size);
	size_t n = strlen(out);
	if (n > 6 && strcmp(out + n - 6, ".local") == 0)
		out[n - 6] = '\0';
}

/* One peer's view, read in a thread of its own (the peers at once: each is an SSH login and
 * an mDNS browse on that node). */
struct gather {
	const char *cmd;
	const struct pair_request *r; /* where it is reached (resolved before, one browse) */
	const struct invocation *inv;
	int timeout_s;
	bool quiet, ok;
	struct cluster_view v;
	char shown[CLI_ARG_MAX], msg[1400];
	pthread_t thread;
};

static void *gather_one(void *arg)
{
	struct gather *g = arg;
	char err[1024];
	const struct pair_request *r = g->r;
	struct remote_opts o = {
		.port = 22,
		.local = g->inv->user,
		.timeout_s = g->timeout_s,
		.read_only = true,
	};
	str_copy(o.address, r->address, sizeof(o.address));
	o.names[o.nnames++] = r->address;
	for (size_t i = 0; i < r->npeer_names && o.nnames < ARRAY_LEN(o.names); i++)
		o.names[o.nnames++] = r->peer_names[i];
	if (!g->quiet)
		fprintf(stderr, "  reading %s's cables over SSH (%s)\n", g->shown, r->address);
	struct node *n = node_remote_new(&o, err, sizeof(err));
	if (!n || cluster_view_read(n, &g->v, err, sizeof(err)) < 0)
		snprintf(g->msg, sizeof(g->msg), "%s: %s: %s", g->cmd, g->shown, err);
	else
		g->ok = true;
	node_free(n);
	return NULL;
}

/* This node's side: its twins and its own mDNS sightings (a browse of up to 2 s). */
static int self_view(struct cluster_view *v, char *err, size_t errsize)
{
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	netmon_snapshot(&m, err, errsize);
	model_rebuild(&m);
	struct peers peers;
	peers_init(&peers);
	browse(&peers, &m);
	struct node *self = node_local_new(err, errsize);
	int rc = self ? cluster_view_read(self, v, err, errsize) : -1;
	if (rc >= 0)
		cluster_view_sightings(&v->cables, &peers, &m);
	node_free(self);
	peers_free(&peers);
	model_free(&m);
	return rc < 0 ? -1 : 0;
}

/* A port with carrier where nobody answered over mDNS, at either end of its cable
 * (cluster_views_to_read_again): that node is read again, up to CLUSTER_REREADS times, and what
 * either reading saw is kept. */
static void read_again(struct gather *g, size_t nhosts, struct cluster_view *self, bool quiet)
{
	struct gather *a = xcalloc(nhosts + 1, sizeof(*a));
	struct cluster_view *all = xcalloc(nhosts + 1, sizeof(*all));
	bool want[CLUSTER_MAX_NODES];
	for (int again = 0; again < CLUSTER_REREADS; again++) {
		char what[160], err[1024];
		all[0] = *self;
		for (size_t h = 0; h < nhosts; h++) {
			if (g[h].ok)
				all[h + 1] = g[h].v;
			else
				memset(&all[h + 1], 0, sizeof(all[0]));
		}
		size_t nwant =
			cluster_views_to_read_again(all, nhosts + 1, want, what, sizeof(what));
		if (!nwant)
			break;
		if (!quiet)
			fprintf(stderr, "  %s: reading %zu node%s again in %d s\n", what, nwant,
				nwant == 1 ? "" : "s", CLUSTER_REREAD_WAIT_MS / 1000);
		usleep((useconds_t)CLUSTER_REREAD_WAIT_MS * 1000);
		for (size_t h = 0; h < nhosts; h++) {
			if (!want[h + 1])
				continue;
			a[h] = (struct gather){ .cmd = g[h].cmd,
						.r = g[h].r,
						.inv = g[h].inv,
						.timeout_s = g[h].timeout_s,
						.quiet = quiet };
			str_copy(a[h].shown, g[h].shown, sizeof(a[h].shown));
			if (pthread_create(&a[h].thread, NULL, gather_one, &a[h]) != 0) {
				gather_one(&a[h]); /* no thread: this one in turn */
				want[h + 1] = false;
				if (a[h].ok)
					cluster_view_merge(&g[h].v, &a[h].v);
			}
		}
		if (want[0] && self_view(&all[0], err, sizeof(err)) == 0)
			cluster_view_merge(self, &all[0]);
		for (size_t h = 0; h < nhosts; h++) {
			if (!want[h + 1])
				continue;
			pthread_join(a[h].thread, NULL);
			if (a[h].ok)
				cluster_view_merge(&g[h].v, &a[h].v);
		}
	}
	free(all);
	free(a);
}

int cli_cluster_gather(const char *cmd, char (*hosts)[256], size_t nhosts, int timeout_s,
		       struct cluster_view *views, size_t *nviews, bool quiet)
{
	int rc = 0;
	char err[1024];
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	netmon_snapshot(&m, err, sizeof(err));
	model_rebuild(&m);
	struct gather *g = NULL;
	struct pair_request *rs = NULL;
	bool *started = NULL;
	*nviews = 0;
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		rc = -1;
		goto out;
	}
	if (nhosts > CLUSTER_MAX_NODES - 1)
		nhosts = CLUSTER_MAX_NODES - 1;
	g = xcalloc(nhosts + 1, sizeof(*g));
	rs = xcalloc(nhosts + 1, sizeof(*rs));
	started = xcalloc(nhosts + 1, sizeof(*started));
	const char *hp[CLUSTER_MAX_NODES];
	for (size_t h = 0; h < nhosts; h++)
		hp[h] = hosts[h];
	size_t bad = 0;
	/* one browse for every host; when one is not found, each on its own (all are named) */
	bool all = cli_resolve_hosts(hp, nhosts, PEER_FOR_ADDRESSING, rs, &m, &bad) == 0;
	for (size_t h = 0; h < nhosts; h++) {
		g[h] = (struct gather){
			.cmd = cmd, .r = &rs[h], .inv = &inv, .timeout_s = timeout_s, .quiet = quiet
		};
		cli_arg(hosts[h], g[h].shown, sizeof(g[h].shown));
		if (!all && cli_resolve_host(hosts[h], PEER_FOR_ADDRESSING, &rs[h], &m) < 0) {
			snprintf(g[h].msg, sizeof(g[h].msg),
				 "%s: cannot find '%s' (not an address, not seen over mDNS)", cmd,
				 g[h].shown);
			continue;
		}
		started[h] = pthread_create(&g[h].thread, NULL, gather_one, &g[h]) == 0;
		if (!started[h])
			gather_one(&g[h]); /* no thread: this one in turn */
	}
	/* this node's side while the peers' are read */
	if (self_view(&views[0], err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: this node: %s\n", cmd, err);
		rc = -1;
	} else {
		*nviews = 1;
	}
	for (size_t h = 0; h < nhosts; h++)
		if (started[h])
			pthread_join(g[h].thread, NULL);
	if (rc < 0)
		goto out;
	read_again(g, nhosts, &views[0], quiet);
	/* in the order given: a host that is a node already in the map is said so */
	for (size_t h = 0; h < nhosts && *nviews < CLUSTER_MAX_NODES; h++) {
		if (!g[h].ok) {
			fprintf(stderr, "%s\n", g[h].msg);
			rc = -1;
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < *nviews; k++)
			dup = dup || strcmp(views[k].name, g[h].v.name) == 0;
		if (dup) {
			fprintf(stderr, "%s: %s is %s, already in the map\n", cmd, g[h].shown,
				g[h].v.name);
			continue;
		}
		if (!g[h].v.cables.browsed && !quiet)
			fprintf(stderr,
				"  ! %s has no avahi-browse (avahi-utils): its own view of the cables "
				"is missing\n",
				g[h].v.name);
		views[(*nviews)++] = g[h].v;
	}
out:
	free(started);
	free(g);
	free(rs);
	model_free(&m);
	return rc;
}

/* The peers this node sees on its ConnectX ports (no --peers); none: why not, if a cabled twin
 * has no address at all. */
static size_t cable_peers(char (*hosts)[256], size_t max, int *mdns_state)
{
	struct model m;
	char err[256];
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	netmon_snapshot(&m, err, sizeof(err));
	model_rebuild(&m);
	struct peers peers;
	peers_init(&peers);
	browse(&peers, &m);
	*mdns_state = (int)peers.state;
	size_t n = 0;
	for (size_t i = 0; i < peers.n && n < max; i++) {
		const struct peer *p = &peers.v[i];
		bool cable = false;
		for (size_t k = 0; k < p->naddrs; k++)
			cable = cable || (peer_addr_port(&m, &p->addrs[k]) >= 0 &&
					  peer_addr_live(&m, &p->addrs[k]));
		if (p->self || !p->host_ok || !cable)
			continue;
		plain_host(p->host, hosts[n], 256);
		n++;
	}
	if (!n)
		cli_silent_ports("sparklink topology", &m);
	peers_free(&peers);
	model_free(&m);
	return n;
}

/* "A,B,C" into hosts: each a host name or address, none twice. */
int cli_hosts(const char *cmd, const char *opt, const char *list, char (*hosts)[256], size_t max,
	      size_t *n)
{
	*n = 0;
	char copy[2048];
	char q[CLI_ARG_MAX];
	if (str_copy(copy, list, sizeof(copy)) >= sizeof(copy) || !copy[0]) {
		fprintf(stderr, "%s: %s needs HOST,HOST,...\n", cmd, opt);
		return -1;
	}
	const char *p = copy;
	while (p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char host[256];
		if (len == 0 || len >= sizeof(host)) {
			fprintf(stderr, "%s: %s: an empty or too long host in '%s'\n", cmd, opt,
				cli_arg(list, q, sizeof(q)));
			return -1;
		}
		memcpy(host, p, len);
		host[len] = '\0';
		if (!cli_host_ok(cmd, opt, host))
			return -1;
		for (size_t k = 0; k < *n; k++)
			if (strcmp(hosts[k], host) == 0) {
				fprintf(stderr, "%s: %s names %s twice\n", cmd, opt,
					cli_arg(host, q, sizeof(q)));
				return -1;
			}
		if (*n >= max) {
			fprintf(stderr, "%s: %s: at most %zu peers\n", cmd, opt, max);
			return -1;
		}
		str_copy(hosts[(*n)++], host, 256);
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

int cli_topology(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "peers", required_argument, NULL, 'p' },
		{ "topology", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = "sparklink topology";
	char hosts[CLUSTER_MAX_NODES - 1][256];
	size_t nhosts = 0;
	bool json = false, given = false;
	int want = TOPOLOGY_NONE, timeout_s = SSHSESSION_TIMEOUT_S, o;
	char q[CLI_ARG_MAX];
	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			if (cli_hosts(cmd, "--peers", optarg, hosts, ARRAY_LEN(hosts), &nhosts) < 0)
				return EXIT_USAGE;
			given = true;
			break;
		case 'T':
			want = topology_parse(optarg);
			if (want < 0) {
				fprintf(stderr,
					"%s: --topology is auto, direct, ring or switch, not '%s'\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			break;
		case 'j': json = true; break;
		case 't':
			if (cli_seconds(cmd, "--timeout", optarg, 1, 600, &timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case 'h': fputs(topology_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, opts);
			fputs(topology_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected '%s' (peers are given with --peers HOST,HOST)\n",
			cmd, cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (!given) {
		int state = 0;
		nhosts = cable_peers(hosts, ARRAY_LEN(hosts), &state);
		if (!nhosts) {
			bool no_mdns = state == MDNS_UNAVAILABLE || state == MDNS_WAITING;
			fprintf(stderr, "%s: %s; name the nodes with --peers HOST,HOST\n", cmd,
				no_mdns ? "mDNS is unavailable here"
					: "no Spark is seen on this node's ConnectX ports");
			return no_mdns ? EXIT_UNAVAILABLE : EXIT_NOTHING;
		}
	}
	struct cluster_view *views = xcalloc(CLUSTER_MAX_NODES, sizeof(*views));
	size_t nviews = 0;
	int g = cli_cluster_gather(cmd, hosts, nhosts, timeout_s, views, &nviews, json);
	struct cablemap *m = xcalloc(1, sizeof(*m));
	cluster_map_build(m, views, nviews);
	cablemap_number(m, cablemap_topology(m));
	struct buf b;
	buf_init(&b);
	size_t problems;
	if (json) {
		cluster_map_json(m, (enum topology)want, &b);
		struct buf c;
		buf_init(&c);
		problems = nviews ? cablemap_check(m, (enum topology)want, &c) : 1;
		buf_free(&c);
		buf_puts(&b, "\n");
	} else {
		cablemap_draw(m, &b);
		buf_puts(&b, "\n");
		struct buf c;
		buf_init(&c);
		problems = cablemap_check(m, (enum topology)want, &c);
		if (c.len)
			buf_add(&b, c.data, c.len);
		if (!problems)
			buf_printf(&b, "The cables match the %s topology.\n",
				   topology_name(want != TOPOLOGY_NONE ? (enum topology)want
								       : cablemap_topology(m)));
		buf_free(&c);
	}
	if (b.len)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	free(m);
	free(views);
	return g < 0 || problems ? EXIT_FAIL : EXIT_OK;
}
