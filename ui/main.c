/* main.c: sparklink's entry point: global options, then the console or a command. */
#include "core/jobs/rollback.h"
#include "core/jobs/rollback_child.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"
#include "core/base/util.h"
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

/* The commands: dispatch, the list in --help and (checked by the test cli_commands) the man
 * page's come from this table. synopsis is the command and its options as --help shows them
 * (lines after the first start with the continuation's own indent); hidden ones are not
 * listed. */
struct command {
	const char *name;
	const char *synopsis;
	const char *summary;
	int (*run)(int argc, char **argv);
	bool hidden;
};

static int help_main(int argc, char **argv);

static const struct command commands[] = {
	{ "ports", "ports [-v|--json|--watch]",
	  "RDMA ports and their netdevs, as ibdev2netdev prints them", cli_ports, false },
	{ "discover", "discover [--all] [--json] [--timeout SEC] [--hostfile FILE]",
	  "Sparks announcing SSH over mDNS, as discover-sparks", cli_discover, false },
	{ "pair",
	  "pair HOST [HOST...] [--user NAME] [--password-stdin] [--accept-fingerprint FP]...",
	  "passwordless SSH both ways with HOST (several: a mesh), verified", cli_pair, false },
	{ "verify", "verify HOST [--user NAME]", "`hostname` over SSH both ways, keys only",
	  cli_verify, false },
	{ "apply",
	  "apply [--plan static-persistent|static|link-local] [--mtu 9000] [--peer HOST]\n"
	  "      [--node 1|2] [--interfaces IF,IF] [--dry-run]",
	  "address the cabled interfaces on both nodes (root)", cli_apply, false },
	{ "rollback", "rollback [--dry-run] [--include-ssh] [--local-only]",
	  "undo every recorded change, newest first, both nodes", cli_rollback, false },
	{ "status", "status [--json]", "the applied plan, addresses, rails and the journal",
	  cli_status, false },
	{ "topology", "topology [--peers HOST,HOST,...] [--topology T] [--json]",
	  "the cable map: every node, port and cable; what is wrong", cli_topology, false },
	{ "env", "env [--format shell|docker|json|hostfile] [--bootstrap mgmt|cable] [--gid]",
	  "the hostfile and the launchers' environment for the applied plan (root)", cli_env,
	  false },
	{ "bench", "bench [--peer HOST | --peers HOST,HOST...] [--tcp] [--seconds N]",
	  "the bandwidth of every cabled twin (to each peer of a cluster), in parallel, judged",
	  cli_bench, false },
	{ "monitor", "monitor [--json] [--interval S] [--count N]",
	  "traffic, errors and flaps of each twin, live", cli_monitor, false },
	{ "help", "help", "this help", help_main, true },
	/* sparklink's own helper (rollback_child.c): not a command */
	{ ROLLBACK_CHILD_COMMAND, "", "", rollback_child_main, true },
};

enum { SUMMARY_COLUMN = 30 }; /* where a command's summary starts in --help */

static void usage(FILE *f)
{
	fputs("Usage: sparklink [OPTIONS] [COMMAND [ARGS]]\n"
	      "\n"
	      "Connect NVIDIA DGX Spark machines over their ConnectX-7 QSFP ports.\n"
	      "Without a command, opens the full-screen console.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
		const struct command *c = &commands[i];
		if (c->hidden)
			continue;
		const char *line = c->synopsis, *nl;
		while ((nl = strchr(line, '\n'))) {
			fprintf(f, "  %.*s\n", (int)(nl - line), line);
			line = nl + 1;
		}
		int len = 2 + (int)strlen(line);
		if (len + 2 <= SUMMARY_COLUMN)
			fprintf(f, "  %-*s%s\n", SUMMARY_COLUMN - 2, line, c->summary);
		else
			fprintf(f, "  %s\n%*s%s\n", line, SUMMARY_COLUMN, "", c->summary);
	}
	fputs("\n"
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
	      "See sparklink(1) for the console's keys and each command's options.\n",
	      f);
}

static int help_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

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
		case 'h': usage(stdout); return EXIT_OK;
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
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(cargc, cargv);
	char q[CLI_ARG_MAX];
	fprintf(stderr, "sparklink: unknown command '%s'\nTry 'sparklink --help'.\n",
		cli_arg(cmd, q, sizeof(q)));
	return EXIT_USAGE;
}
