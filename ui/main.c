/* main.c: sparklink's entry point: global options, then the console or a command. */
#include "core/jobs/rollback.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"
#include "ui/cli/cli.h"
#include "sparklink_version.h" /* SPARKLINK_VERSION, made by cmake/version.cmake */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"Usage: sparklink [OPTIONS] [COMMAND [ARGS]]\n"
	"\n"
	"Connect NVIDIA DGX Spark machines over their ConnectX-7 QSFP ports.\n"
	"Without a command, opens the full-screen console.\n"
	"\n"
	"Commands:\n"
	"  ports [-v|--json|--watch]   RDMA ports and their netdevs, as ibdev2netdev prints them\n"
	"  discover [--all] [--json] [--timeout SEC] [--hostfile FILE]\n"
	"                              Sparks announcing SSH over mDNS, as discover-sparks\n"
	"  pair HOST [--user NAME] [--password-stdin] [--accept-fingerprint SHA256:...]\n"
	"                              passwordless SSH both ways with HOST, verified\n"
	"  verify HOST [--user NAME]   `hostname` over SSH both ways, keys only\n"
	"  apply --plan link-local|static|static-persistent [--mtu 9000] [--peer HOST]\n"
	"        [--node 1|2] [--interfaces IF,IF] [--dry-run]\n"
	"                              address the cabled interfaces on both nodes (root)\n"
	"  rollback [--dry-run] [--include-ssh] [--local-only]\n"
	"                              undo every recorded change, newest first, both nodes\n"
	"  status [--json]             the applied plan, addresses, rails and the journal\n"
	"\n"
	"Options:\n"
	"  --sysfs DIR     read RDMA and netdev attributes under DIR instead of /sys\n"
	"                  (also $SPARKLINK_SYSFS; fixture trees and the lab use it)\n"
	"  -h, --help      show this help and exit\n"
	"  -V, --version   show the version and exit\n"
	"\n"
	"Environment: NO_COLOR (any value) turns colour off in the console.\n"
	"Exit status: 0 success, 1 failure, 2 bad usage, 3 nothing found (no RDMA device,\n"
	"no peer), 4 mDNS unavailable, 5 host key not accepted or changed, 6 authentication\n"
	"failed, 7 user names differ, 8 a rail does not answer, 9 refused before any change.\n"
	"See sparklink(1) for the console's keys and each command's options.\n";

/* A closed standard descriptor would be taken by the next open(): a netlink socket would get
 * the lines meant for stdout, the journal the messages meant for stderr. Each closed one is held
 * by /dev/null; returns whether stdout was closed (nothing printed could be seen: an error). */
static bool std_fds_hold(void)
{
	bool out_closed = false;
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (n >= 0 && n != fd) { /* (open takes the lowest free number: fd itself) */
			dup2(n, fd);
			close(n);
		}
		out_closed |= fd == STDOUT_FILENO;
	}
	return out_closed;
}

int main(int argc, char **argv)
{
	bool stdout_closed = std_fds_hold();
	setlocale(LC_ALL, "");
	opterr = 0; /* getopt's messages would quote arguments raw: cli_getopt_error says it */
	if (stdout_closed) {
		fprintf(stderr, "sparklink: standard output is closed: nothing could be shown\n");
		return EXIT_FAIL;
	}
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "sysfs", required_argument, NULL, 's' },
		{ 0, 0, 0, 0 },
	};
	int c;
	/* '+': stop at the first non-option, the command; its options are its own */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case 'V': printf("sparklink %s\n", SPARKLINK_VERSION); return EXIT_OK;
		case 's':
			if (!optarg[0]) {
				fprintf(stderr, "sparklink: --sysfs needs a directory\n");
				return EXIT_USAGE;
			}
			sysfs_set_root(optarg);
			break;
		default:
			cli_getopt_error("sparklink", argc, argv, opts);
			fprintf(stderr, "Try 'sparklink --help'.\n");
			return EXIT_USAGE;
		}
	}
	char err[512];
	if (sysfs_root_check(err, sizeof(err)) < 0) {
		char clean[512];
		text_clean(clean, sizeof(clean), err, strlen(err), 0);
		fprintf(stderr, "sparklink: %s\n", clean);
		return EXIT_USAGE;
	}
	if (optind >= argc)
		return console_main(0, NULL);
	const char *cmd = argv[optind];
	int cargc = argc - optind;
	char **cargv = argv + optind;
	/* getopt names argv[0] in its messages: "sparklink ports: unrecognized option ..." */
	static char prog[64];
	snprintf(prog, sizeof(prog), "sparklink %s", cmd);
	cargv[0] = prog;
	if (strcmp(cmd, "ports") == 0)
		return cli_ports(cargc, cargv);
	if (strcmp(cmd, "discover") == 0)
		return cli_discover(cargc, cargv);
	if (strcmp(cmd, "pair") == 0)
		return cli_pair(cargc, cargv);
	if (strcmp(cmd, "verify") == 0)
		return cli_verify(cargc, cargv);
	if (strcmp(cmd, "apply") == 0)
		return cli_apply(cargc, cargv);
	if (strcmp(cmd, "rollback") == 0)
		return cli_rollback(cargc, cargv);
	if (strcmp(cmd, "status") == 0)
		return cli_status(cargc, cargv);
	if (strcmp(cmd, ROLLBACK_CHILD_COMMAND) == 0) /* sparklink's own helper: not a command */
		return rollback_child_main(cargc, cargv);
	if (strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	char q[CLI_ARG_MAX];
	fprintf(stderr, "sparklink: unknown command '%s'\nTry 'sparklink --help'.\n",
		cli_arg(cmd, q, sizeof(q)));
	return EXIT_USAGE;
}
