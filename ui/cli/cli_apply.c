/* cli_apply.c: `sparklink apply`: an addressing plan on this node and the peer. */
#include "core/ssh/sshsession.h"
#include "ui/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/jobs/apply.h"
#include "core/jobs/invocation.h"
#include "core/jobs/pair.h"
#include "ui/cli/cli_job.h"

static const char apply_usage[] =
	"Usage: sparklink apply [--plan static-persistent|static|link-local] [--mtu 9000]\n"
	"                       [--peer HOST] [--node 1|2] [--interfaces IF,IF] [--dry-run]\n"
	"       sparklink apply [--plan static-persistent|static] [--mtu 9000] --peers HOST,HOST,...\n"
	"                       [--topology auto|direct|ring|switch] [--dry-run]\n"
	"  Give the cabled interfaces addresses on this node and (with --peer) on HOST, the\n"
	"  playbook's step 3, then ping every rail. Prints the preview (every file and command\n"
	"  for both nodes) first; every change is journaled and `sparklink rollback` undoes it.\n"
	"  Needs root here (sudo sparklink apply ...); HOST is changed over SSH with your key\n"
	"  (pair first) and sudo there, which may ask for your password. The preview names\n"
	"  other tools' netplan files and NetworkManager profiles on these ports (NVIDIA Sync,\n"
	"  the vLLM docker helper, ...) and what they would fight with; sparklink replaces only\n"
	"  40-cx7.yaml (backed up byte for byte) and never renames or deletes another file.\n"
	"  --plan static-persistent  the default (NVIDIA's playbook since July 2026): in\n"
	"                            40-cx7.yaml (dhcp4: no), 192.168.100.10/.11 on the first\n"
	"                            twin, 192.168.101.10/.11 on the next; kept across reboots\n"
	"  --plan static             the same addresses at run time (lost on reboot); on a port\n"
	"                            NetworkManager manages, as an in-memory NetworkManager\n"
	"                            profile sparklink-IF (a bare address would be removed)\n"
	"  --plan link-local         the older playbook's option, dropped by NVIDIA in July\n"
	"                            2026: 40-cx7.yaml with link-local: [ ipv4 ] on the first\n"
	"                            twin of each cabled port (addresses change on reboot)\n"
	"  --mtu 9000                jumbo frames (default 1500, the playbook's)\n"
	"  --peer HOST               the other Spark (an address, or a name; pair with it first)\n"
	"  --node 1|2                which node this is (default: the host name that sorts first\n"
	"                            is node 1, the same answer on both sides)\n"
	"  --interfaces IF,IF        this node's interfaces (default: the cabled twins, from the\n"
	"                            ports); HOST's are its own twins at the far end of each\n"
	"                            cable, read from HOST (see `sparklink topology`)\n"
	"  --peers HOST,HOST,...     a cluster: this node and every HOST (paired with this one);\n"
	"                            the cable map of all of them (`sparklink topology`) first:\n"
	"                            a map with a problem is refused before any change; then\n"
	"                            NVIDIA's addresses for the topology (direct 192.168.100.x\n"
	"                            and 101.x .10/.11; ring: every twin of every cable its own\n"
	"                            /24 from 192.168.0.0/24, .1/.2; switch 192.168.100.N and\n"
	"                            101.N, MTU 1500), a preview for every node, every node\n"
	"                            changed (journaled here) and every rail pinged both ways\n"
	"  --topology T              with --peers: the topology wanted (default auto: what the\n"
	"                            cables make)\n"
	"  --dry-run                 print the preview only; change nothing\n"
	"  --password-stdin          the sudo password for HOST from standard input\n"
	"  --allow-session-interface change an interface that carries your SSH session\n"
	"  --timeout SEC             per network step (default " SSHSESSION_TIMEOUT_TEXT ")\n"
	"Exit status: 0 applied and every rail answers, 1 failure (rollback undoes what was\n"
	"done), 2 bad usage, 3 no cabled interface, 5 HOST's host key unknown or changed,\n"
	"8 a rail does not answer, 9 refused before any change (the message says why).\n";

/* The peer's address (the management LAN first: the plan changes the cable) and the names it is
 * known by, as pairing resolves them: its host key is checked under all of them (a name
 * answering with another key is refused as pairing does). */
static int peer_address(const char *cmd, const char *host, struct apply_request *ar)
{
	return cli_peer_lookup(cmd, host, PEER_FOR_ADDRESSING, NULL, ar->peer_address,
			       sizeof(ar->peer_address), ar->peer_names, ARRAY_LEN(ar->peer_names),
			       &ar->npeer_names);
}

static int exit_for(const struct cli_job *c)
{
	const struct apply_job *job = c->arg;
	switch ((enum apply_status)c->status) {
	case APPLY_OK:
	case APPLY_DRY_RUN: return EXIT_OK;
	case APPLY_VERIFY_FAILED: return EXIT_RAIL;
	case APPLY_REFUSED:
		return strstr(job->out.summary, "host key") ? EXIT_HOSTKEY : EXIT_REFUSED;
	case APPLY_CANCELLED: return c->no_password ? EXIT_AUTH : EXIT_CANCELLED;
	default: return EXIT_FAIL;
	}
}

int cli_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'P' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "peer", required_argument, NULL, 'p' },
		{ "peers", required_argument, NULL, 'C' },
		{ "topology", required_argument, NULL, 'T' },
		{ "node", required_argument, NULL, 'n' },
		{ "interfaces", required_argument, NULL, 'i' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "password-stdin", no_argument, NULL, 's' },
		{ "allow-session-interface", no_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = "sparklink apply";
	struct apply_job job;
	memset(&job, 0, sizeof(job));
	struct apply_request *r = &job.req;
	struct cli_job c = {
		.cmd = cmd,
		.result_ok = "Rail ok:    ",
		.result_fail = "Rail FAILED:",
		.password_why = "sudo on the peer needs a password",
		.preview = &job.out.preview,
		.exit_code = exit_for,
		.arg = &job,
	};
	r->mtu = 1500;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	int kind = PLAN_STATIC_PERSISTENT, o; /* the playbook's own since July 2026 */
	const char *peer = NULL, *peers = NULL, *topology = NULL;
	char q[CLI_ARG_MAX];
	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'P':
			kind = plan_kind_parse(optarg);
			if (kind < 0) {
				fprintf(stderr,
					"%s: --plan is link-local, static or static-persistent, not "
					"'%s'\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			break;
		case 'm':
			if (strcmp(optarg, "1500") != 0 && strcmp(optarg, "9000") != 0) {
				fprintf(stderr,
					"%s: --mtu is 1500 (the playbook's) or 9000 (jumbo "
					"frames), not '%s'\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			r->mtu = (unsigned)atoi(optarg);
			break;
		case 'p':
			if (!cli_host_ok(cmd, "--peer", optarg))
				return EXIT_USAGE;
			peer = optarg;
			break;
		case 'C': peers = optarg; break;
		case 'T': topology = optarg; break;
		case 'n':
			if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0) {
				fprintf(stderr, "%s: --node is 1 or 2, not '%s'\n", cmd,
					cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			r->node = atoi(optarg);
			break;
		case 'i':
			/* an empty list is an error, not "the default" (that is no option) */
			if (cli_ifnames(cmd, "--interfaces", optarg, r->ifnames, PLAN_MAX_IFS,
					&r->nifs) < 0)
				return EXIT_USAGE;
			break;
		case 'd': r->dry_run = true; break;
		case 's': c.password_stdin = true; break;
		case 'a': r->allow_session_if = true; break;
		case 't':
			if (cli_seconds(cmd, "--timeout", optarg, 1, 600, &r->timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case 'h': fputs(apply_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, opts);
			fputs(apply_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected '%s' (the peer is given with --peer HOST)\n", cmd,
			cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (peers && (peer || r->node || r->nifs)) {
		fprintf(stderr,
			"%s: --peers goes without --peer, --node and --interfaces (each "
			"node's interfaces come from the cable map)\n",
			cmd);
		return EXIT_USAGE;
	}
	if (topology && !peers) {
		fprintf(stderr, "%s: --topology goes with --peers\n", cmd);
		return EXIT_USAGE;
	}
	if (peers)
		return cli_apply_peers(peers, topology, kind, r->mtu, r->dry_run, c.password_stdin,
				       r->allow_session_if, r->timeout_s);
	r->kind = (enum plan_kind)kind;
	char err[512];
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	int snap = netmon_snapshot(&m, err, sizeof(err));
	model_rebuild(&m);
	bool given = r->nifs > 0;
	if (!given)
		r->nifs = apply_default_ifs(&m, r->kind, r->ifnames, PLAN_MAX_IFS);
	for (size_t i = 0; given && snap >= 0 && i < r->nifs; i++) {
		if (!model_netdev(&m, r->ifnames[i])) { /* before the peer is reached */
			fprintf(stderr, "%s: --interfaces: this node has no interface %s\n", cmd,
				r->ifnames[i]);
			model_free(&m);
			return EXIT_USAGE;
		}
	}
	model_free(&m);
	if (!r->nifs) {
		fprintf(stderr,
			"%s: no cabled ConnectX-7 interface is up (check the cable, or name "
			"them with --interfaces)\n",
			cmd);
		return EXIT_NOTHING;
	}
	if (peer && peer_address(cmd, peer, r) < 0)
		return EXIT_FAIL;
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_FAIL;
	}
	r->user = inv.user;
	str_copy(r->journal_path, inv.journal, sizeof(r->journal_path));
	int rc = cli_job_run(&c, apply_job_run, &job);
	if (!c.ended) {
		apply_job_free(&job);
		return rc; /* not started: said */
	}
	if (job.out.status == APPLY_DRY_RUN) {
		fwrite(job.out.preview.data, 1, job.out.preview.len, stdout);
		fputs("\n", stdout);
	}
	cli_job_end(&c, rc,
		    c.no_password ? "no sudo password for the peer; nothing was changed" : NULL);
	apply_job_free(&job);
	return rc;
}
