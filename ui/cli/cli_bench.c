/* cli_bench.c: `sparklink bench`: the bandwidth of every cabled twin, measured in parallel
 * (core/jobs/bench.h), the figure per twin, the sum and the verdict; recorded for status. */
#include "ui/cli/cli.h"
#include "ui/cli/cli_job.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/text.h"
#include "core/base/util.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/net/rdma.h"
#include "core/ssh/sshsession.h"
#include "core/jobs/bench.h"
#include "core/jobs/invocation.h"
#include "core/jobs/pair.h"
#include "core/jobs/launch_plan.h"

static const char bench_usage[] =
	"Usage: sparklink bench [--peer HOST | --peers HOST,HOST...] [--tcp] [--seconds N]\n"
	"                       [--timeout S]\n"
	"  The bandwidth of every cabled twin to the peer, all twins at once: a server on the\n"
	"  peer over the pairing's SSH (as your login user), a client here bound to the twin's\n"
	"  address; the figure per twin, the sum and the verdict (a 200G port's two twins\n"
	"  together carry at least 185 Gb/s; one twin far below the other is half bandwidth; a\n"
	"  200G link carrying about 13 Gb/s is the degraded state after link initialisation).\n"
	"  RDMA (the default): perftest's ib_write_bw on each twin's RDMA device.\n"
	"  --tcp          iperf3 per twin instead (no RDMA needed, no root needed): real traffic\n"
	"                 over the same rails, but TCP figures are not RDMA figures\n"
	"  --peer HOST    the peer (default: the one the applied plan was applied with; the plan\n"
	"                 is read from root's journal, so without sudo name the peer)\n"
	"  --peers HOST,HOST...  a cluster: each cabled twin against the node at its far end\n"
	"                 (the one with an address in the twin's subnet), every twin to every\n"
	"                 peer at once, the figure per twin and per link (default with sudo: the\n"
	"                 applied cluster plan's nodes)\n"
	"  --seconds N    how long each twin runs (1 to 600, default 10)\n"
	"  --timeout S    connecting to the peer (default " SSHSESSION_TIMEOUT_TEXT " s)\n"
	"The rails: the applied plan's interfaces (with sudo; two nodes or a cluster), else every\n"
	"cabled twin here with an IPv4 address, each matched to the peer's address in its subnet.\n"
	"Needs: iperf3 (--tcp) or perftest on both nodes, and the pairing (sparklink pair).\n"
	"Exit status: 0 every twin measured and the verdict is pass, 1 the test could not run,\n"
	"2 bad usage, 6 the pairing's key was not accepted, 9 nothing to test or the peer cannot\n"
	"be reached, 10 measured but the verdict is not pass (half bandwidth, degraded, low, a\n"
	"twin without a figure), 11 no RDMA devices here (use --tcp), 12 iperf3 or perftest is\n"
	"missing here or on the peer (the message names the package), 130 interrupted.\n";

static int exit_for(const struct cli_job *c)
{
	const struct bench_job *job = c->arg;
	switch ((enum bench_status)c->status) {
	case BENCH_OK: return EXIT_OK;
	case BENCH_VERDICT: return EXIT_BANDWIDTH;
	case BENCH_NO_TOOL: return EXIT_NO_TOOL;
	case BENCH_CANCELLED: return EXIT_CANCELLED;
	case BENCH_REFUSED:
		if (strstr(job->out.summary, "host key"))
			return EXIT_HOSTKEY;
		if (strstr(job->out.summary, "denied") || strstr(job->out.summary, "key was not"))
			return EXIT_AUTH;
		return EXIT_REFUSED;
	case BENCH_FAILED: break;
	}
	return EXIT_FAIL;
}

static const struct twin *twin_of(const struct model *m, const char *ifname, int *port)
{
	for (size_t p = 0; p < m->nports; p++)
		for (size_t t = 0; t < m->ports[p].ntwins; t++)
			if (strcmp(m->ports[p].twins[t].netdev_name, ifname) == 0) {
				*port = m->ports[p].number;
				return &m->ports[p].twins[t];
			}
	return NULL;
}

static const struct netdev_addr *ipv4_of(const struct netdev *d)
{
	for (size_t i = 0; d && i < d->naddrs; i++)
		if (d->addrs[i].family == AF_INET)
			return &d->addrs[i];
	return NULL;
}

/* One rail: this twin, with its live IPv4 address (want: the planned one, or NULL for any). */
static int add_rail(const char *cmd, struct bench_request *req, const struct model *m,
		    const char *ifname, const char *want, const char *peer_addr)
{
	if (req->nrails == BENCH_MAX_RAILS)
		return 0;
	struct bench_rail *r = &req->rails[req->nrails];
	memset(r, 0, sizeof(*r));
	const struct netdev *d = model_netdev(m, ifname);
	if (!d) {
		fprintf(stderr, "%s: %s (in the plan) does not exist on this node\n", cmd, ifname);
		return -1;
	}
	if (!d->carrier) {
		fprintf(stderr,
			"%s: %s is down (no carrier): plug the cable in, then run this again\n",
			cmd, ifname);
		return -1;
	}
	const struct netdev_addr *a = NULL;
	for (size_t i = 0; i < d->naddrs; i++)
		if (d->addrs[i].family == AF_INET && (!want || strcmp(d->addrs[i].text, want) == 0))
			a = &d->addrs[i];
	if (!a) {
		fprintf(stderr, "%s: %s does not have %s%s: run `sparklink status`\n", cmd, ifname,
			want ? "its planned address " : "an IPv4 address", want ? want : "");
		return -1;
	}
	str_copy(r->ifname, ifname, sizeof(r->ifname));
	snprintf(r->cidr, sizeof(r->cidr), "%s/%u", a->text, a->prefixlen);
	if (peer_addr)
		str_copy(r->peer_addr, peer_addr, sizeof(r->peer_addr));
	r->link_mbps = d->speed_mbps;
	r->port = (int)req->nrails;
	const struct twin *t = twin_of(m, ifname, &r->port);
	if (t && t->rdma)
		str_copy(r->ibdev, t->rdma->ibdev, sizeof(r->ibdev));
	if (req->rdma && !r->ibdev[0]) {
		fprintf(stderr,
			"%s: %s has no RDMA device: ib_write_bw cannot test it (--tcp can)\n", cmd,
			ifname);
		return -1;
	}
	req->nrails++;
	return 0;
}

static int rails_from_plan(const char *cmd, struct bench_request *req, const struct model *m,
			   const struct launch_plan *p)
{
	const struct launch_node *me = &p->nodes[p->self];
	for (size_t i = 0; i < me->nrails; i++) {
		size_t far;
		const char *theirs = launch_plan_far(p, (size_t)p->self, i, &far);
		if (add_rail(cmd, req, m, me->rails[i].ifname,
			     me->rails[i].addr[0] ? me->rails[i].addr : NULL, theirs) < 0)
			return -1;
	}
	return 0;
}

static int rails_from_model(const char *cmd, struct bench_request *req, const struct model *m)
{
	for (size_t p = 0; p < m->nports; p++)
		for (size_t t = 0; t < m->ports[p].ntwins; t++) {
			const struct twin *tw = &m->ports[p].twins[t];
			if (!tw->netdev || !tw->netdev->carrier || !ipv4_of(tw->netdev))
				continue;
			if (add_rail(cmd, req, m, tw->netdev_name, NULL, NULL) < 0)
				return -1;
		}
	return 0;
}

static int resolve_peer(const char *cmd, const char *host, struct bench_request *req,
			const struct model *m)
{
	return cli_peer_lookup(cmd, host, PEER_FOR_PAIRING, m, req->peer_address,
			       sizeof(req->peer_address), req->peer_names,
			       ARRAY_LEN(req->peer_names), &req->npeer_names);
}

/* A cluster's peers: each HOST of --peers, or each other node of the applied cluster plan. */
static int resolve_peers(const char *cmd, char (*hosts)[256], size_t nhosts,
			 const struct launch_plan *lp, struct bench_request *req,
			 const struct model *m)
{
	size_t n = hosts ? nhosts : lp->nnodes;
	req->peer_address[0] = '\0';
	for (size_t k = 0; k < n; k++) {
		if (!hosts && (int)k == lp->self)
			continue;
		const char *host = hosts ? hosts[k] : lp->nodes[k].host;
		struct bench_peer *p = &req->peers[req->npeers];
		if (!host[0]) {
			fprintf(stderr, "%s: %s: the plan names no address to reach it at\n", cmd,
				lp->nodes[k].name);
			return -1;
		}
		if (req->npeers == BENCH_MAX_PEERS ||
		    cli_peer_lookup(cmd, host, PEER_FOR_PAIRING, m, p->address, sizeof(p->address),
				    p->names, ARRAY_LEN(p->names), &p->nnames) < 0)
			return -1;
		char q[CLI_ARG_MAX];
		str_copy(p->label, hosts ? cli_arg(host, q, sizeof(q)) : lp->nodes[k].name,
			 sizeof(p->label));
		size_t l = strlen(req->peer_address);
		snprintf(req->peer_address + l, sizeof(req->peer_address) - l, "%s%s", l ? "," : "",
			 p->address);
		req->npeers++;
	}
	return 0;
}

/* Per link (each peer): its twins' figures and their sum. */
static void print_links(const struct bench_job *job)
{
	const struct bench_request *req = &job->req;
	const struct bench_outcome *o = &job->out;
	for (size_t k = 0; req->npeers > 1 && k < req->npeers; k++) {
		double sum = 0;
		char parts[400] = "";
		for (size_t i = 0; i < o->ntwins; i++) {
			if (o->twin_peer[i] != (int)k)
				continue;
			size_t l = strlen(parts);
			if (o->twins[i].ran)
				snprintf(parts + l, sizeof(parts) - l, "%s%s %.2f", l ? " + " : "",
					 o->twins[i].ifname, o->twins[i].gbps);
			else
				snprintf(parts + l, sizeof(parts) - l, "%s%s no figure",
					 l ? " + " : "", o->twins[i].ifname);
			sum += o->twins[i].ran ? o->twins[i].gbps : 0;
		}
		if (parts[0])
			printf("Link to %s: %s = %.2f Gb/s\n", req->peers[k].label, parts, sum);
		else
			printf("Link to %s: no twin of this node reaches it\n",
			       req->peers[k].label);
	}
}

int cli_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "peers", required_argument, NULL, 'P' },
		{ "tcp", no_argument, NULL, 'T' },
		{ "seconds", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = "sparklink bench", *host = NULL;
	char(*hosts)[256] = xcalloc(BENCH_MAX_PEERS, sizeof(*hosts));
	size_t nhosts = 0;
	bool peers_given = false;
	struct bench_job *job = xcalloc(1, sizeof(*job));
	struct bench_request *req = &job->req;
	req->rdma = true;
	req->seconds = BENCH_SECONDS;
	req->timeout_s = SSHSESSION_TIMEOUT_S;
	char q[CLI_ARG_MAX];
	int o, rc = EXIT_USAGE;
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			if (!cli_host_ok(cmd, "--peer", optarg))
				goto out;
			host = optarg;
			break;
		case 'P':
			if (cli_hosts(cmd, "--peers", optarg, hosts, BENCH_MAX_PEERS, &nhosts) < 0)
				goto out;
			peers_given = true;
			break;
		case 'T': req->rdma = false; break;
		case 's':
			if (cli_seconds(cmd, "--seconds", optarg, 1, 600, &req->seconds) < 0)
				goto out;
			break;
		case 't':
			if (cli_seconds(cmd, "--timeout", optarg, 1, 600, &req->timeout_s) < 0)
				goto out;
			break;
		case 'h':
			fputs(bench_usage, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			cli_getopt_error(cmd, argc, argv, opts);
			fputs(bench_usage, stderr);
			goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected '%s'\n", cmd, cli_arg(argv[optind], q, sizeof(q)));
		goto out;
	}
	if (host && peers_given) {
		fprintf(stderr, "%s: --peer and --peers do not go together\n", cmd);
		goto out;
	}
	char err[2048];
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		rc = EXIT_FAIL;
		goto out;
	}
	req->user = inv.user;
	struct model m;
	struct launch_plan *lp = xcalloc(1, sizeof(*lp));
	model_init(&m);
	rdma_inventory_scan(&m.rdma, req->rdma);
	m.rdma_scanned = true;
	netmon_snapshot(&m, err, sizeof(err));
	rc = EXIT_REFUSED;
	if (req->rdma && m.rdma.verbs_devices == 0) {
		fprintf(stderr,
			"%s: no RDMA devices: libibverbs finds none on this machine (%s), so "
			"ib_write_bw has nothing to test; `sparklink bench --tcp` measures the same "
			"rails with iperf3\n",
			cmd,
			m.rdma.verbs_errno == ENOSYS ? "no RDMA stack"
						     : "no ConnectX device with its driver loaded");
		rc = EXIT_NO_RDMA;
		goto free_model;
	}
	bool planned = inv.root && launch_plan_read(inv.journal, lp, err, sizeof(err)) == 0;
	if (planned ? rails_from_plan(cmd, req, &m, lp) < 0 : rails_from_model(cmd, req, &m) < 0)
		goto free_model;
	if (!req->nrails) {
		fprintf(stderr,
			"%s: no cabled twin with an IPv4 address here: address the rails first "
			"(sudo sparklink apply)\n",
			cmd);
		goto free_model;
	}
	const char *peer = planned && lp->nnodes == 2 ? lp->nodes[1 - lp->self].host : "";
	if (host) {
		if (resolve_peer(cmd, host, req, &m) < 0)
			goto free_model;
	} else if (peers_given || (planned && lp->cluster)) {
		if (resolve_peers(cmd, peers_given ? hosts : NULL, nhosts, lp, req, &m) < 0)
			goto free_model;
	} else if (peer[0]) {
		str_copy(req->peer_address, peer, sizeof(req->peer_address));
	} else {
		fprintf(stderr, "%s: %s\n", cmd,
			planned	   ? "the applied plan names no peer: name it with --peer HOST"
			: inv.root ? "no plan is applied: name the peer with --peer HOST"
				   : "name the peer with --peer HOST (or run with sudo to use the "
				     "applied plan's)");
		goto free_model;
	}
	model_free(&m);
	free(lp);
	lp = NULL;
	printf("Bandwidth to %s (%s, %d s, %zu twin%s)\n", req->peer_address,
	       req->rdma ? "RDMA write, ib_write_bw" : "TCP, iperf3", req->seconds, req->nrails,
	       req->nrails == 1 ? "" : "s");
	struct cli_job cj = {
		.cmd = cmd,
		.result_ok = "Twin ok  ",
		.result_fail = "Twin FAIL",
		.arg = job,
		.exit_code = exit_for,
	};
	rc = cli_job_run(&cj, bench_job_run, job);
	if (job->out.status == BENCH_OK || job->out.status == BENCH_VERDICT) {
		struct bench_record r;
		bench_record_from(job, &r);
		if (bench_record_write(inv.journal, inv.journal_owner, &r, err, sizeof(err)) < 0)
			fprintf(stderr, "%s: the result was not recorded for status: %s\n", cmd,
				err);
		print_links(job);
		printf("Sum: %.2f Gb/s\n", job->out.verdict.sum_gbps);
	}
	cli_job_end(&cj, rc, NULL);
	goto out;
free_model:
	model_free(&m);
	free(lp);
out:
	free(hosts);
	free(job);
	return rc;
}
