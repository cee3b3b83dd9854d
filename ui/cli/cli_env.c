/* cli_env.c: `sparklink env`: the MPI hostfile and the launchers' environment for the applied
 * plan, as shell exports, a docker --env-file or JSON (core/jobs/launch_env.h). */
#include "ui/cli/cli.h"
#include "ui/cli/cli_job.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/text.h"
#include "core/base/util.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/net/rdma.h"
#include "core/net/sysfs.h"
#include "core/jobs/invocation.h"
#include "core/jobs/launch_env.h"
#include "core/jobs/launch_files.h"
#include "core/jobs/launch_plan.h"

static const char env_usage[] =
	"Usage: sparklink env [--format shell|docker|json|hostfile] [--bootstrap mgmt|cable]\n"
	"                     [--mgmt-if IF] [--gid] [--slots N] [--write [DIR] [--on-peers]]\n"
	"  The MPI hostfile (one line per node: its first rail's address as this node reaches it;\n"
	"  on a ring each neighbour's end of the shared cable) and the environment NCCL, MPI, UCX,\n"
	"  vLLM and torch launchers read, for the applied plan (two nodes, or a cluster made by\n"
	"  apply --peers), every value checked against this machine now (an interface down or\n"
	"  without its address is an error).\n"
	"  Needs root to read the journal of network changes (sudo sparklink env).\n"
	"  --format shell     export lines for a shell (the default); docker: an --env-file;\n"
	"                     json: the hostfile and the variables; hostfile: the hostfile only\n"
	"  --bootstrap mgmt   NCCL/GLOO/TP_SOCKET_IFNAME and MASTER_ADDR on the management\n"
	"                     interface, as NVIDIA's current NCCL launcher does (the default);\n"
	"                     cable: on the first cabled interface, as the older playbooks do\n"
	"                     (not on a ring: no cable subnet reaches every node)\n"
	"  --mgmt-if IF       the management interface (default: the one holding the address the\n"
	"                     peer was reached at, else the first other interface with IPv4)\n"
	"  --gid              also NCCL_IB_GID_INDEX, the RoCE v2 GID index as read now (it can\n"
	"                     move when netplan or NetworkManager re-applies)\n"
	"  --slots N          slots=N on every hostfile line (1 to 1024)\n"
	"  --write [DIR]      write hostfile, env.sh, env.list (docker) and env.json into DIR\n"
	"                     (default ~/" LAUNCH_FILES_DIR "), as you (under sudo too), each\n"
	"                     replaced atomically: the same bytes on every node; what differs\n"
	"                     between nodes (VLLM_HOST_IP always) is set per host name; on a ring\n"
	"                     also hostfile.NAME, node NAME's own hostfile\n"
	"  --on-peers         with --write: the same files on every peer, in the same place under\n"
	"                     your home there, over the pairing's SSH, once every peer is checked\n"
	"                     (each planned interface up with its address) and read (its\n"
	"                     management interface, its RDMA devices); else nothing is written\n"
	"NCCL_IB_HCA names the RDMA devices of both twins of every cabled port: naming one halves\n"
	"the bandwidth.\n"
	"Exit status: 0 written, 1 a value does not hold now here or on a peer, or a file could\n"
	"not be written (the message says which), 2 bad\n"
	"usage, 9 no plan is applied or the journal cannot be read (not root).\n";

/* --write [DIR] [--on-peers] */
static int write_files(const char *cmd, const struct launch_env *e, const struct launch_plan *lp,
		       const struct launch_opts *lo, const struct invocation *inv, const char *dir,
		       bool on_peers)
{
	char path[PATH_MAX], err[1024], list[400];
	const char *home = inv->user.home;
	if (!dir)
		snprintf(path, sizeof(path), "%s/%s", home, LAUNCH_FILES_DIR);
	else if (dir[0] == '/')
		str_copy(path, dir, sizeof(path));
	else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd))) {
			fprintf(stderr, "%s: cannot tell the current directory\n", cmd);
			return EXIT_FAIL;
		}
		snprintf(path, sizeof(path), "%s/%s", cwd, dir);
	}
	size_t l = strlen(path);
	while (l > 1 && path[l - 1] == '/')
		path[--l] = '\0';
	size_t hl = strlen(home);
	const char *rel = strncmp(path, home, hl) == 0 && path[hl] == '/' ? path + hl + 1 : NULL;
	if (on_peers && (!rel || strstr(rel, "..") || strstr(rel, "/./"))) {
		fprintf(stderr,
			"%s: --on-peers writes the same place under your home on the peer: give a "
			"directory inside %s\n",
			cmd, home);
		return EXIT_USAGE;
	}
	struct launch_write_job *job = xcalloc(1, sizeof(*job));
	struct launch_files local;
	const struct launch_files *f = &local;
	int rc = EXIT_OK;
	memset(&local, 0, sizeof(local));
	if (!on_peers) {
		/* the peers' values from the plan only */
		struct launch_env *envs = xcalloc(LAUNCH_MAX_NODES, sizeof(*envs));
		struct buf warn;
		buf_init(&warn);
		launch_envs_make(lp, lo, e, NULL, envs, &warn);
		launch_files_make(e, envs, lp, lo, &local, &warn);
		for (size_t n = 0; n < LAUNCH_MAX_NODES; n++)
			launch_env_free(&envs[n]);
		free(envs);
		if (warn.len)
			fprintf(stderr, "%s: %.*s", cmd, (int)warn.len, warn.data);
		buf_free(&warn);
	} else {
		/* every peer checked and read first; the files made from every node's values */
		job->plan = lp;
		job->opts = *lo;
		job->self = e;
		str_copy(job->sysfs_root, sysfs_root(), sizeof(job->sysfs_root));
		str_copy(job->rel, rel, sizeof(job->rel));
		job->user = inv->user;
		for (size_t n = 0; n < lp->nnodes; n++) {
			if ((int)n == lp->self)
				continue;
			const char *addr = lp->nodes[n].host[0] ? lp->nodes[n].host
								: lp->nodes[n].mgmt_addr;
			if (!addr[0]) {
				fprintf(stderr,
					"%s: %s: no address to reach it at (the plan names none)\n",
					cmd, lp->nodes[n].name);
				rc = EXIT_FAIL;
				goto out;
			}
			struct launch_peer *p = &job->peers[job->npeers++];
			str_copy(p->address, addr, sizeof(p->address));
			str_copy(p->name, lp->nodes[n].name, sizeof(p->name));
			p->node = n;
		}
		struct cli_job cj = {
			.cmd = cmd,
			.result_ok = "Peer ok  ",
			.result_fail = "Peer FAIL",
		};
		if (cli_job_run(&cj, launch_write_job_run, job) != EXIT_OK)
			rc = EXIT_FAIL;
		if (job->warnings.len)
			fprintf(stderr, "%s: %.*s", cmd, (int)job->warnings.len,
				job->warnings.data);
		if (!job->files_made)
			goto out;
		f = &job->files;
	}
	launch_files_list(f, list, sizeof(list));
	if (launch_files_write(f, path, &inv->user, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		rc = EXIT_FAIL;
		goto out;
	}
	printf("Wrote %s/%s (this node, as %s)\n", path, list, inv->user.name);
out:
	launch_files_free(&local);
	launch_write_job_free(job);
	free(job);
	return rc;
}

int cli_env(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "mgmt-if", required_argument, NULL, 'm' },
		{ "gid", no_argument, NULL, 'g' },
		{ "slots", required_argument, NULL, 's' },
		{ "write", no_argument, NULL, 'w' },
		{ "on-peers", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = "sparklink env", *format = "shell";
	struct launch_opts lo = { .bootstrap = LAUNCH_BOOT_MGMT };
	char q[CLI_ARG_MAX], mgmt_if[16] = "";
	int o, slots;
	bool write = false, on_peers = false;
	const char *dir = NULL;
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			if (strcmp(optarg, "shell") && strcmp(optarg, "docker") &&
			    strcmp(optarg, "json") && strcmp(optarg, "hostfile")) {
				fprintf(stderr,
					"%s: --format is shell, docker, json or hostfile, not '%s'\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			format = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "mgmt") == 0) {
				lo.bootstrap = LAUNCH_BOOT_MGMT;
			} else if (strcmp(optarg, "cable") == 0) {
				lo.bootstrap = LAUNCH_BOOT_CABLE;
			} else {
				fprintf(stderr, "%s: --bootstrap is mgmt or cable, not '%s'\n", cmd,
					cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			break;
		case 'm':
			if (!text_is_ifname(optarg)) {
				fprintf(stderr, "%s: --mgmt-if takes an interface name, not '%s'\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			str_copy(mgmt_if, optarg, sizeof(mgmt_if));
			lo.mgmt_if = mgmt_if;
			break;
		case 'g': lo.gid = true; break;
		case 'w': write = true; break;
		case 'P': on_peers = true; break;
		case 's':
			if (strspn(optarg, "0123456789") != strlen(optarg) || !optarg[0] ||
			    strlen(optarg) > 4 || (slots = atoi(optarg)) < 1 || slots > 1024) {
				fprintf(stderr,
					"%s: --slots takes a whole number from 1 to 1024, not '%s'\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			lo.slots = (unsigned)slots;
			break;
		case 'h': fputs(env_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, opts);
			fputs(env_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (write && optind < argc)
		dir = argv[optind++];
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected '%s'\n", cmd, cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (on_peers && !write) {
		fprintf(stderr, "%s: --on-peers goes with --write\n", cmd);
		return EXIT_USAGE;
	}
	if (dir && (!dir[0] || strlen(dir) >= PATH_MAX - 64)) {
		fprintf(stderr, "%s: --write takes a directory, not '%s'\n", cmd,
			cli_arg(dir, q, sizeof(q)));
		return EXIT_USAGE;
	}
	char err[2048];
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_FAIL;
	}
	struct launch_plan lp;
	if (launch_plan_read(inv.journal, &lp, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_REFUSED;
	}
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	m.rdma_scanned = true;
	netmon_snapshot(&m, err, sizeof(err));
	struct launch_env e;
	launch_env_init(&e);
	int rc = EXIT_OK;
	if (launch_env_make(&lp, &m, &lo, &e, err, sizeof(err)) < 0) {
		for (char *line = err; *line;) {
			size_t l = strcspn(line, "\n");
			fprintf(stderr, "%s: %.*s\n", cmd, (int)l, line);
			line += l + (line[l] ? 1 : 0);
		}
		rc = EXIT_FAIL;
	} else if (write) {
		rc = write_files(cmd, &e, &lp, &lo, &inv, dir, on_peers);
	} else {
		struct buf b;
		buf_init(&b);
		if (strcmp(format, "hostfile") == 0)
			buf_add(&b, e.hostfile.data, e.hostfile.len);
		else if (strcmp(format, "docker") == 0)
			launch_env_docker(&e, &b);
		else if (strcmp(format, "json") == 0)
			launch_env_json(&e, &b);
		else
			launch_env_shell(&e, &b);
		if (b.len)
			fwrite(b.data, 1, b.len, stdout);
		if (e.warnings.len)
			fprintf(stderr, "%s: %.*s", cmd, (int)e.warnings.len, e.warnings.data);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "%s: cannot write the output\n", cmd);
			rc = EXIT_FAIL;
		}
		buf_free(&b);
	}
	launch_env_free(&e);
	model_free(&m);
	return rc;
}
