/* cli_rollback.c: `sparklink rollback`: undo what the journal records, newest first. */
#include "core/ssh/sshsession.h"
#include "ui/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/base/util.h"
#include "core/jobs/invocation.h"
#include "core/jobs/rollback.h"
#include "ui/cli/cli_job.h"

static const char rollback_usage[] =
	"Usage: sparklink rollback [--dry-run] [--include-ssh] [--local-only] [--password-stdin]\n"
	"  Undo, newest first and on both nodes, every change the journal records that is not\n"
	"  undone yet: netplan files restored byte for byte (or sparklink's removed) and netplan\n"
	"  applied, addresses deleted, MTU, link state and IPv6 link-local restored.\n"
	"  --dry-run          list what would be undone; change nothing\n"
	"  --include-ssh      also remove the SSH lines pairing added (keys are kept)\n"
	"  --password-stdin   the peer's sudo password from standard input\n"
	"  --allow-session-interface  undo changes on the interface carrying your SSH session\n"
	"  --local-only       undo this node's changes only (the peer is gone for good); the\n"
	"                     peer's stay in the journal\n"
	"  A record outside what its operation may touch (netplan files, the plan's interfaces,\n"
	"  your own ~/.ssh) is listed as refused and never acted on; your own journal (pairing\n"
	"  without sudo) is undone with your rights only.\n"
	"Exit status: 0 done (or nothing to do), 1 something could not be undone or a record\n"
	"was refused (it stays in the journal), 2 bad usage, 5 the peer's host key changed,\n"
	"9 refused (the message says why).\n";

static int exit_for(const struct cli_job *c)
{
	if (c->status == 0)
		return EXIT_OK;
	if (strcasestr(c->summary, "nothing was undone"))
		return c->hostkey_changed ? EXIT_HOSTKEY : EXIT_REFUSED;
	return c->hostkey_changed ? EXIT_HOSTKEY : EXIT_FAIL;
}

int cli_rollback(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'd' },
		{ "include-ssh", no_argument, NULL, 'i' },
		{ "password-stdin", no_argument, NULL, 's' },
		{ "allow-session-interface", no_argument, NULL, 'a' },
		{ "local-only", no_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = "sparklink rollback";
	struct rollback_job job;
	memset(&job, 0, sizeof(job));
	struct rollback_request *r = &job.req;
	struct cli_job c = {
		.cmd = cmd,
		.password_why = "sudo on the peer needs a password",
		.exit_code = exit_for,
	};
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	int o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'd': r->dry_run = true; break;
		case 'i': r->include_ssh = true; break;
		case 's': c.password_stdin = true; break;
		case 'a': r->allow_session_if = true; break;
		case 'l': r->local_only = true; break;
		case 't':
			if (cli_seconds(cmd, "--timeout", optarg, 1, 600, &r->timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case 'h': fputs(rollback_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, opts);
			fputs(rollback_usage, stderr);
			return EXIT_USAGE;
		}
	}
	char q[CLI_ARG_MAX];
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected '%s'\n", cmd, cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	char err[512];
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_FAIL;
	}
	r->user = inv.user;
	str_copy(r->journal_path, inv.journal, sizeof(r->journal_path));
	str_copy(r->user_journal_path, inv.user_journal, sizeof(r->user_journal_path));
	printf("%s: journal %s%s%s\n", r->dry_run ? "Would undo" : "Undoing", r->journal_path,
	       r->user_journal_path[0] && r->include_ssh ? " and " : "",
	       r->user_journal_path[0] && r->include_ssh ? r->user_journal_path : "");
	fflush(stdout);
	int rc = cli_job_run(&c, rollback_job_run, &job);
	if (!c.ended) {
		rollback_job_free(&job);
		return rc; /* not started: said */
	}
	cli_job_end(&c, rc,
		    c.no_password ? "no sudo password for the peer; its changes stay in the journal"
				  : NULL);
	rollback_job_free(&job);
	return rc;
}
