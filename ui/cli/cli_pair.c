/* cli_pair.c: `sparklink pair HOST [HOST...]` (one peer: pair.c's job; several: the mesh,
 * mesh.c's), and what verify (cli_verify.c) shares with it: the usage, the options, and running
 * the pairing job with HOST. */
#include "core/ssh/sshsession.h"
#include "ui/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/util.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/jobs/invocation.h"
#include "core/jobs/mesh.h"
#include "core/jobs/pair.h"
#include "ui/cli/cli_job.h"

const char cli_pair_usage[] =
	"Usage: sparklink pair HOST [HOST...] [--user NAME [--create-user]] [--password-stdin]\n"
	"                      [--same-password] [--accept-fingerprint SHA256:...]...\n"
	"                      [--timeout SEC] [--ssh-config]\n"
	"       sparklink verify HOST [--user NAME] [--timeout SEC]\n"
	"  pair: passwordless SSH both ways with HOST (a discovered name such as spark-2.local,\n"
	"  or any address). Shows HOST's host key and asks before trusting it; asks the password\n"
	"  once (no echo); each node keeps its own key and only public keys cross the wire.\n"
	"  With several HOSTs (up to 7): a mesh of this node and them, every node reaching every\n"
	"  other with keys only, both ways, by every name it is known by; the nodes are worked on\n"
	"  at once. Each unknown host key is shown once; a password is asked per node that needs\n"
	"  one, and after the first, once whether it is the same on the others. A table of every\n"
	"  direction ends it.\n"
	"  verify: `hostname` over SSH both ways with keys only; changes nothing.\n"
	"  --user NAME              log in as NAME on HOST (default: you; the playbook needs the\n"
	"                           same name on both nodes)\n"
	"  --password-stdin         read the password from standard input (a line per question)\n"
	"  --same-password          several HOSTs: every node has the same password; it is asked\n"
	"                           once (a node that refuses it is asked its own)\n"
	"  --accept-fingerprint FP  trust HOST's key if its SHA256 fingerprint is FP; without a\n"
	"                           terminal an unknown host key is refused unless this is given.\n"
	"                           Several HOSTs: once per node; a node whose key is unknown and\n"
	"                           none of them is refused\n"
	"  --timeout SEC            per network step (default " SSHSESSION_TIMEOUT_TEXT ")\n"
	"  --ssh-config             also write a Host block for the peer in ~/.ssh/config (its\n"
	"                           name, HostName, User; never Host *)\n"
	"  --create-user            one HOST, with --user ADMIN: log in as ADMIN (who can use sudo\n"
	"                           there), create your user name on HOST as the playbook does\n"
	"                           (useradd -m, group sudo, a new password you type), then pair\n"
	"Exit status: 0 done (verified both ways; a mesh: every direction), 1 failure, 2 bad usage,\n"
	"5 host key unknown and not accepted, or changed, 6 authentication failed, 7 user names\n"
	"differ.\n";

static const struct option pair_options[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "password-stdin", no_argument, NULL, 'p' },
	{ "accept-fingerprint", required_argument, NULL, 'f' },
	{ "timeout", required_argument, NULL, 't' },
	{ "create-user", no_argument, NULL, 'c' },
	{ "ssh-config", no_argument, NULL, 's' },
	{ "same-password", no_argument, NULL, 'S' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};
const struct option *const cli_pair_options = pair_options;

/* "SHA256:" and the 43 base64 characters (no padding) ssh-keygen -l prints */
static bool fingerprint_ok(const char *s)
{
	const char *b = s + strlen("SHA256:");
	return str_starts(s, "SHA256:") && strlen(b) == 43 &&
	       strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") == 43;
}

static int exit_for(const struct cli_job *j)
{
	enum pair_status st = (enum pair_status)j->status;
	if (st == PAIR_CANCELLED && (j->wrong_passwords > 0 || j->no_password))
		st = PAIR_AUTH_FAILED; /* no more passwords after a wrong one, or none at all */
	switch (st) {
	case PAIR_OK: return EXIT_OK;
	case PAIR_HOSTKEY_REFUSED:
	case PAIR_HOSTKEY_CHANGED: return EXIT_HOSTKEY;
	case PAIR_AUTH_FAILED: return EXIT_AUTH;
	case PAIR_USER_MISMATCH: return EXIT_USER;
	case PAIR_CANCELLED: return EXIT_CANCELLED;
	default: return EXIT_FAIL;
	}
}

int cli_pair_host(const char *cmd, int argc, char **argv, struct pair_job *job, bool password_stdin)
{
	struct pair_request *r = &job->req;
	char q[CLI_ARG_MAX];
	if (optind == argc) {
		fprintf(stderr, "%s: name one HOST (a discovered name or an address)\n", cmd);
		return EXIT_USAGE;
	}
	if (optind < argc - 1) {
		fprintf(stderr, "%s: one HOST only, not also '%s'\n", cmd,
			cli_arg(argv[optind + 1], q, sizeof(q)));
		return EXIT_USAGE;
	}
	const char *host = argv[optind];
	if (!cli_host_ok(cmd, "HOST", host))
		return EXIT_USAGE;
	char err[512];
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_FAIL;
	}
	r->local = inv.user;
	str_copy(r->journal_path, inv.journal, sizeof(r->journal_path));
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	netmon_snapshot(&m, err, sizeof(err));
	if (cli_resolve_host(host, PEER_FOR_PAIRING, r, &m) < 0) {
		fprintf(stderr,
			"%s: cannot find '%s' (not an address, not seen over mDNS, not "
			"resolvable)\n",
			cmd, host);
		model_free(&m);
		return EXIT_FAIL;
	}
	pair_request_add_self(r, &m);
	model_free(&m);
	printf("%s %s (%s) as %s\n", r->verify_only ? "Verifying" : "Pairing with", host,
	       r->address, r->remote_user[0] ? r->remote_user : r->local.name);
	fflush(stdout);
	struct cli_job j = {
		.cmd = cmd,
		.password_stdin = password_stdin,
		.result_ok = "Verified:",
		.result_fail = "FAILED:  ",
		.password_why = "a password is needed",
		.exit_code = exit_for,
	};
	int rc = cli_job_run(&j, pair_job_run, job);
	if (!j.ended)
		return rc; /* not started: said */
	cli_job_end(&j, rc,
		    rc == EXIT_AUTH && j.wrong_passwords && j.wrong_passwords < 3
			    ? "wrong password; nothing was written"
		    : rc == EXIT_AUTH && j.no_password ? "no password; nothing was written"
						       : NULL);
	return rc;
}

/* The table of a mesh: a row per node (from), a column per node (to). */
static void print_mesh(const struct mesh_outcome *o)
{
	int w = 8;
	for (size_t i = 0; i < o->nnodes; i++)
		if ((int)strlen(o->name[i]) + 2 > w)
			w = (int)strlen(o->name[i]) + 2;
	printf("Mesh of %zu nodes, with keys only (row: from, column: to):\n", o->nnodes);
	printf("  %-*s", w, "");
	for (size_t b = 0; b < o->nnodes; b++)
		printf("%-*s", w, o->name[b]);
	printf("\n");
	for (size_t a = 0; a < o->nnodes; a++) {
		printf("  %-*s", w, o->name[a]);
		for (size_t b = 0; b < o->nnodes; b++)
			printf("%-*s", w,
			       a == b			     ? "-"
			       : o->dir[a][b] == MESH_OK     ? "ok"
			       : o->dir[a][b] == MESH_FAILED ? "FAILED"
							     : "not tried");
		printf("\n");
	}
	for (size_t i = 1; i < o->nnodes; i++)
		if (o->error[i][0])
			printf("  %s (%s): %s\n", o->name[i], o->address[i], o->error[i]);
	printf("%d of %d directions verified.\n", o->verified, o->directions);
}

static int cli_pair_mesh(const char *cmd, int argc, char **argv, struct pair_job *one,
			 char (*fps)[128], size_t nfps, bool same_password, bool password_stdin)
{
	size_t n = (size_t)(argc - optind);
	char q[CLI_ARG_MAX];
	if (n > MESH_MAX_PEERS) {
		fprintf(stderr, "%s: a mesh has at most %d HOSTs besides this node, not %zu\n", cmd,
			MESH_MAX_PEERS, n);
		return EXIT_USAGE;
	}
	if (one->req.create_user) {
		fprintf(stderr, "%s: --create-user works with one HOST only\n", cmd);
		return EXIT_USAGE;
	}
	const char *hosts[MESH_MAX_PEERS];
	for (size_t k = 0; k < n; k++) {
		hosts[k] = argv[optind + (int)k];
		if (!cli_host_ok(cmd, "HOST", hosts[k]))
			return EXIT_USAGE;
		for (size_t i = 0; i < k; i++)
			if (strcmp(hosts[i], hosts[k]) == 0) {
				fprintf(stderr, "%s: HOST '%s' is named twice\n", cmd,
					cli_arg(hosts[k], q, sizeof(q)));
				return EXIT_USAGE;
			}
	}
	char err[512];
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_FAIL;
	}
	struct mesh_job *job = xcalloc(1, sizeof(*job));
	struct mesh_request *mr = &job->req;
	mr->npeers = n;
	mr->same_password = same_password;
	for (size_t i = 0; i < nfps; i++)
		str_copy(mr->accept[mr->naccept++], fps[i], sizeof(mr->accept[0]));
	for (size_t k = 0; k < n; k++) {
		struct pair_request *r = &mr->peers[k];
		*r = one->req;
		r->accept_fingerprint[0] = '\0';
		r->local = inv.user;
		str_copy(r->journal_path, inv.journal, sizeof(r->journal_path));
	}
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	netmon_snapshot(&m, err, sizeof(err));
	size_t bad = 0;
	if (cli_resolve_hosts(hosts, n, PEER_FOR_PAIRING, mr->peers, &m, &bad) < 0) {
		fprintf(stderr,
			"%s: cannot find '%s' (not an address, not seen over mDNS, not "
			"resolvable)\n",
			cmd, cli_arg(hosts[bad], q, sizeof(q)));
		model_free(&m);
		free(job);
		return EXIT_FAIL;
	}
	for (size_t k = 0; k < n; k++)
		pair_request_add_self(&mr->peers[k], &m);
	model_free(&m);
	printf("Pairing a mesh of %zu nodes as %s: this node", n + 1,
	       one->req.remote_user[0] ? one->req.remote_user : inv.user.name);
	for (size_t k = 0; k < n; k++)
		printf(", %s (%s)", hosts[k], mr->peers[k].address);
	printf("\n");
	fflush(stdout);
	struct cli_job j = {
		.cmd = cmd,
		.password_stdin = password_stdin,
		.result_ok = "Verified:",
		.result_fail = "FAILED:  ",
		.password_why = "a password is needed",
		.exit_code = exit_for,
	};
	int rc = cli_job_run(&j, mesh_job_run, job);
	if (!j.ended) {
		free(job);
		return rc; /* not started: said */
	}
	bool tried = false;
	for (size_t a = 0; a < job->out.nnodes; a++)
		for (size_t b = 0; b < job->out.nnodes; b++)
			tried |= job->out.dir[a][b] != MESH_UNTRIED;
	if (tried) /* else the job stopped before any change: its summary says why */
		print_mesh(&job->out);
	cli_job_end(&j, rc,
		    rc == EXIT_AUTH && j.wrong_passwords && j.wrong_passwords < 3
			    ? "wrong password; nothing was written"
		    : rc == EXIT_AUTH && j.no_password ? "no password; nothing was written"
						       : NULL);
	free(job);
	return rc;
}

int cli_pair(int argc, char **argv)
{
	const char *cmd = "sparklink pair";
	struct pair_job job;
	memset(&job, 0, sizeof(job));
	struct pair_request *r = &job.req;
	r->port = 22;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	bool password_stdin = false, same_password = false;
	char q[CLI_ARG_MAX];
	char fps[MESH_MAX_NODES * 2][128];
	size_t nfps = 0;
	int o;
	optind = 0; /* 0: reinitialise getopt (main parsed with "+" first) */
	while ((o = getopt_long(argc, argv, "h", cli_pair_options, NULL)) != -1) {
		switch (o) {
		case 'u':
			if (!cli_user_ok(cmd, optarg, sizeof(r->remote_user)))
				return EXIT_USAGE;
			str_copy(r->remote_user, optarg, sizeof(r->remote_user));
			break;
		case 'p': password_stdin = true; break;
		case 'f':
			if (!fingerprint_ok(optarg)) {
				fprintf(stderr,
					"%s: --accept-fingerprint takes SHA256: and 43 "
					"characters of base64, as ssh-keygen -l prints it, not '%s'\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			if (nfps == ARRAY_LEN(fps)) {
				fprintf(stderr, "%s: at most %zu --accept-fingerprint\n", cmd,
					ARRAY_LEN(fps));
				return EXIT_USAGE;
			}
			str_copy(fps[nfps++], optarg, sizeof(fps[0]));
			str_copy(r->accept_fingerprint, optarg, sizeof(r->accept_fingerprint));
			break;
		case 't':
			if (cli_seconds(cmd, "--timeout", optarg, 1, 600, &r->timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case 's': r->ssh_config = true; break;
		case 'S': same_password = true; break;
		case 'c': r->create_user = true; break;
		case 'h': fputs(cli_pair_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, cli_pair_options);
			fputs(cli_pair_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (r->create_user && !r->remote_user[0]) {
		fprintf(stderr,
			"%s: --create-user needs --user NAME: a user on HOST who can use sudo "
			"there\n",
			cmd);
		return EXIT_USAGE;
	}
	if (argc - optind > 1)
		return cli_pair_mesh(cmd, argc, argv, &job, fps, nfps, same_password,
				     password_stdin);
	if (nfps > 1) {
		fprintf(stderr, "%s: one HOST takes one --accept-fingerprint, not %zu\n", cmd,
			nfps);
		return EXIT_USAGE;
	}
	return cli_pair_host(cmd, argc, argv, &job, password_stdin);
}
