/* cli_verify.c: `sparklink verify HOST`: `hostname` over SSH both ways with keys only, the
 * pairing job with nothing to change (cli_pair.c runs it). */
#include "core/ssh/sshsession.h"
#include "ui/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/base/util.h"
#include "core/jobs/pair.h"

int cli_verify(int argc, char **argv)
{
	const char *cmd = "sparklink verify";
	struct pair_job job;
	memset(&job, 0, sizeof(job));
	struct pair_request *r = &job.req;
	r->verify_only = true;
	r->port = 22;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	int o;
	optind = 0; /* 0: reinitialise getopt (main parsed with "+" first) */
	/* pair's options, so that one of pair's is named as such (not "unknown") */
	while ((o = getopt_long(argc, argv, "h", cli_pair_options, NULL)) != -1) {
		switch (o) {
		case 'p':
		case 'f':
		case 's':
		case 'S':
		case 'c': {
			const struct option *op = cli_pair_options;
			while (op->val != o)
				op++;
			fprintf(stderr,
				"%s: --%s is an option of pair, not of verify (verify changes "
				"nothing and asks nothing)\n",
				cmd, op->name);
			return EXIT_USAGE;
		}
		case 'u':
			if (!cli_user_ok(cmd, optarg, sizeof(r->remote_user)))
				return EXIT_USAGE;
			str_copy(r->remote_user, optarg, sizeof(r->remote_user));
			break;
		case 't':
			if (cli_seconds(cmd, "--timeout", optarg, 1, 600, &r->timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case 'h': fputs(cli_pair_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, cli_pair_options);
			fputs(cli_pair_usage, stderr);
			return EXIT_USAGE;
		}
	}
	return cli_pair_host(cmd, argc, argv, &job, false);
}
