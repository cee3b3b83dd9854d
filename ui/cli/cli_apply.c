/* cli_apply.c: `sparklink apply`, `sparklink rollback` and `sparklink status`. */
#include "core/ssh/sshsession.h"
#include "core/jobs/apply.h"
#include "core/jobs/invocation.h"
#include "core/jobs/journal.h"
#include "core/base/json.h"
#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/jobs/pair.h"
#include "core/jobs/rollback.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "ui/cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char apply_usage[] =
	"Usage: sparklink apply --plan link-local|static|static-persistent [--mtu 9000]\n"
	"                       [--peer HOST] [--node 1|2] [--interfaces IF,IF] [--dry-run]\n"
	"  Give the cabled interfaces addresses on this node and (with --peer) on HOST, the\n"
	"  playbook's step 3, then ping every rail. Prints the preview (every file and command\n"
	"  for both nodes) first; every change is journaled and `sparklink rollback` undoes it.\n"
	"  Needs root here (sudo sparklink apply ...); HOST is changed over SSH with your key\n"
	"  (pair first) and sudo there, which may ask for your password.\n"
	"  --plan link-local         /etc/netplan/40-cx7.yaml with link-local: [ ipv4 ] on the\n"
	"                            first twin of each cabled port (addresses change on reboot)\n"
	"  --plan static             runtime addresses, 192.168.100.10/.11 on the first twin,\n"
	"                            192.168.101.10/.11 on the next (lost on reboot)\n"
	"  --plan static-persistent  the same addresses in 40-cx7.yaml (dhcp4: no)\n"
	"  --mtu 9000                jumbo frames (default 1500, the playbook's)\n"
	"  --peer HOST               the other Spark (an address, or a name; pair with it first)\n"
	"  --node 1|2                which node this is (default: the host name that sorts first\n"
	"                            is node 1, the same answer on both sides)\n"
	"  --interfaces IF,IF        the interfaces (default: the cabled twins, from the ports)\n"
	"  --dry-run                 print the preview only; change nothing\n"
	"  --password-stdin          the sudo password for HOST from standard input\n"
	"  --allow-session-interface change an interface that carries your SSH session\n"
	"  --timeout SEC             per network step (default " STRINGIFY(
		SSHSESSION_TIMEOUT_S) ")\n"
				      "Exit status: 0 applied and every rail answers, 1 failure (rollback undoes what was\n"
				      "done), 2 bad usage, 3 no cabled interface, 5 HOST's host key unknown or changed,\n"
				      "8 a rail does not answer, 9 refused before any change (the message says why).\n";

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

static const char status_usage[] =
	"Usage: sparklink status [--json]\n"
	"  The applied plan, this node's addresses on its interfaces, each rail (pinged now) and\n"
	"  the journal. Needs root to read the journal of network changes.\n";

/* how sshsession_host_key_warning begins: a changed or revoked host key (exit 5) */
#define HOSTKEY_WARNING "WARNING: the host key of"

struct actx {
	struct loop *loop;
	struct worker *worker;
	bool password_stdin, tty, dry_run, no_password;
	bool quiet; /* status: the report says it all */
	bool hostkey_changed; /* the peer answered with another host key than pairing recorded */
	int kind_password, kind_session, kind_preview, kind_end;
	const char *cmd;
	struct apply_job *ajob; /* for the preview */
};

static void answer_password(struct actx *c, const struct worker_msg *m)
{
	char pw[512];
	bool ok = cli_password(m->text, c->password_stdin, c->tty, pw, sizeof(pw));
	if (!ok && !c->password_stdin && !c->tty) {
		fprintf(stderr,
			"%s: sudo on the peer needs a password and there is no terminal to ask "
			"it on; give it with --password-stdin\n",
			c->cmd);
		c->no_password = true;
	}
	worker_answer(c->worker, ok ? pw : "");
	secret_wipe(pw, sizeof(pw));
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct actx *c = owner;
	if (m->kind == WORKER_DONE) {
		loop_quit(c->loop, 0);
		return;
	}
	bool warn = (c->ajob && m->kind == APPLY_MSG_WARN) ||
		    (!c->ajob && m->kind == ROLLBACK_MSG_WARN);
	if (warn && strstr(m->text, HOSTKEY_WARNING))
		c->hostkey_changed = true;
	if (c->quiet && warn) { /* the report on stdout may be JSON: a warning goes to stderr */
		fprintf(stderr, "%s: %s\n", c->cmd, m->text);
		return;
	}
	if (c->quiet && !m->question)
		return;
	if (m->question) {
		if (m->kind == c->kind_password) {
			answer_password(c, m);
		} else if (m->kind == c->kind_preview) {
			fwrite(c->ajob->out.preview.data, 1, c->ajob->out.preview.len, stdout);
			fputs("\n", stdout);
			worker_answer(c->worker, "yes"); /* the command line is the decision */
		} else { /* the session question: only the option allows it */
			fprintf(stderr, "%s: %s\n", c->cmd, m->text);
			worker_answer(c->worker, "no");
		}
	} else if (m->kind == c->kind_end) {
		/* the summary is printed by the caller */
	} else if (m->kind == APPLY_MSG_RAIL && c->ajob) {
		printf("%s %s\n",
		       strcmp(m->extra, "ok") == 0 ? "Rail ok:    " : "Rail FAILED:", m->text);
	} else {
		printf("  %s%s\n", warn ? "! " : "", m->text);
	}
	fflush(stdout);
}

static void on_signal(int signo, void *arg)
{
	(void)signo;
	struct actx *c = arg;
	worker_cancel(c->worker);
}

static int run_job(struct actx *c, worker_job_fn *fn, void *job)
{
	c->tty = isatty(STDIN_FILENO) || (!c->password_stdin && isatty(STDERR_FILENO));
	c->loop = loop_new();
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	loop_signals(c->loop, sigs, 3, on_signal, c);
	signal(SIGPIPE, SIG_IGN);
	c->worker = worker_start(c->loop, fn, job, on_msg, c);
	if (!c->worker) {
		fprintf(stderr, "%s: cannot start a thread\n", c->cmd);
		loop_free(c->loop);
		return -1;
	}
	loop_run(c->loop);
	worker_free(c->worker);
	loop_free(c->loop);
	return 0;
}

/* The peer's address (the management LAN first: the plan changes the cable) and the names it is
 * known by, as pairing resolves them: its host key is checked under all of them (a name
 * answering with another key is refused as pairing does). */
static int peer_address(const char *cmd, const char *host, struct apply_request *ar)
{
	struct pair_request *r = xcalloc(1, sizeof(*r));
	struct model m;
	model_init(&m);
	char err[256];
	rdma_inventory_scan(&m.rdma, false); /* which interfaces are the cable's */
	netmon_snapshot(&m, err, sizeof(err));
	int rc = cli_resolve_host(host, PEER_FOR_ADDRESSING, r, &m);
	model_free(&m);
	if (rc < 0) {
		fprintf(stderr,
			"%s: cannot find '%s' (not an address, not seen over mDNS, not "
			"resolvable)\n",
			cmd, host);
	} else {
		str_copy(ar->peer_address, r->address, sizeof(ar->peer_address));
		for (size_t i = 0;
		     i < r->npeer_names && ar->npeer_names < ARRAY_LEN(ar->peer_names); i++)
			str_copy(ar->peer_names[ar->npeer_names++], r->peer_names[i],
				 sizeof(ar->peer_names[0]));
	}
	free(r);
	return rc < 0 ? -1 : 0;
}

int cli_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'P' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "peer", required_argument, NULL, 'p' },
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
	struct actx c = { .cmd = cmd,
			  .ajob = &job,
			  .kind_password = APPLY_MSG_PASSWORD,
			  .kind_session = APPLY_MSG_SESSION,
			  .kind_preview = APPLY_MSG_PREVIEW,
			  .kind_end = APPLY_MSG_END };
	r->mtu = 1500;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	int kind = -1, o;
	const char *peer = NULL;
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
	if (kind < 0) {
		fprintf(stderr,
			"%s: choose a plan: --plan link-local, static or static-persistent\n", cmd);
		return EXIT_USAGE;
	}
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
	if (run_job(&c, apply_job_run, &job) < 0)
		return EXIT_FAIL;
	enum apply_status st = job.out.status;
	if (st == APPLY_DRY_RUN) {
		fwrite(job.out.preview.data, 1, job.out.preview.len, stdout);
		fputs("\n", stdout);
	}
	if (st == APPLY_OK || st == APPLY_DRY_RUN)
		printf("Done: %s.\n", job.out.summary);
	else
		fprintf(stderr, "%s: %s\n", cmd,
			c.no_password ? "no sudo password for the peer; "
					"nothing was changed"
				      : job.out.summary);
	apply_job_free(&job);
	switch (st) {
	case APPLY_OK:
	case APPLY_DRY_RUN: return EXIT_OK;
	case APPLY_VERIFY_FAILED: return EXIT_RAIL;
	case APPLY_REFUSED:
		return strstr(job.out.summary, "host key") ? EXIT_HOSTKEY : EXIT_REFUSED;
	case APPLY_CANCELLED: return c.no_password ? EXIT_AUTH : EXIT_CANCELLED;
	default: return EXIT_FAIL;
	}
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
	struct actx c = { .cmd = cmd,
			  .kind_password = ROLLBACK_MSG_PASSWORD,
			  .kind_session = ROLLBACK_MSG_SESSION,
			  .kind_preview = -1,
			  .kind_end = ROLLBACK_MSG_END };
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
	if (run_job(&c, rollback_job_run, &job) < 0)
		return EXIT_FAIL;
	int rc = job.out.status == 0 ? EXIT_OK : EXIT_FAIL;
	if (rc == EXIT_OK)
		printf("Done: %s.\n", job.out.summary);
	else
		fprintf(stderr, "%s: %s\n", cmd,
			c.no_password ? "no sudo password for the peer; its "
					"changes stay in the journal"
				      : job.out.summary);
	if (rc != EXIT_OK && strcasestr(job.out.summary, "nothing was undone"))
		rc = EXIT_REFUSED;
	if (rc != EXIT_OK && c.hostkey_changed)
		rc = EXIT_HOSTKEY;
	rollback_job_free(&job);
	return rc;
}

int cli_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = "sparklink status";
	bool json = false;
	int o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 'h': fputs(status_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, opts);
			fputs(status_usage, stderr);
			return EXIT_USAGE;
		}
	}
	char q[CLI_ARG_MAX];
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected '%s'\n", cmd, cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	struct apply_job job;
	memset(&job, 0, sizeof(job));
	struct apply_request *r = &job.req;
	r->verify_only = true;
	r->timeout_s = 10;
	char err[512], uerr[512] = "";
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_FAIL;
	}
	r->user = inv.user;
	str_copy(r->journal_path, inv.journal, sizeof(r->journal_path));
	struct journal_scope scope;
	struct journal_counts jc, uc = { 0 };
	invocation_scope(&inv, &scope);
	bool readable = journal_count_path(inv.journal, inv.journal_owner, &scope, &jc, err,
					   sizeof(err)) == 0;
	/* under sudo, pairing done without sudo is in the invoking user's own journal */
	if (inv.user_journal[0]) {
		invocation_user_scope(&inv, &scope);
		if (journal_count_path(inv.user_journal, inv.user.uid, &scope, &uc, uerr,
				       sizeof(uerr)) < 0)
			memset(&uc, 0, sizeof(uc));
	}
	int pending = jc.pending_net,
	    pending_ssh = jc.pending_net + jc.pending_ssh + uc.pending_ssh;
	int refused = jc.refused + uc.refused;
	struct actx c = { .cmd = cmd,
			  .ajob = &job,
			  .kind_password = APPLY_MSG_PASSWORD,
			  .kind_session = APPLY_MSG_SESSION,
			  .kind_preview = APPLY_MSG_PREVIEW,
			  .kind_end = APPLY_MSG_END };
	c.quiet = true; /* the rails, pinged now, are in the report below */
	int jr = readable ? run_job(&c, apply_job_run, &job) : -1;
	bool have_plan = jr == 0 && job.out.plan.nifs > 0;
	const struct plan *p = &job.out.plan;
	struct model m;
	model_init(&m);
	netmon_snapshot(&m, err, sizeof(err));
	struct buf b;
	buf_init(&b);
	if (json) {
		struct json js;
		json_init(&js, &b, true);
		json_object_begin(&js, NULL);
		if (have_plan) {
			json_object_begin(&js, "plan");
			json_string(&js, "kind", plan_kind_name(p->kind));
			json_int(&js, "mtu", p->mtu);
			json_int(&js, "node", p->self_node);
			json_string(&js, "node1", p->names[0]);
			json_string(&js, "node2", p->names[1]);
			json_object_end(&js);
		} else {
			json_null(&js, "plan");
		}
		json_array_begin(&js, "interfaces");
		for (size_t i = 0; have_plan && i < p->nifs; i++) {
			const struct netdev *d = model_netdev(&m, p->ifs[i].ifname);
			json_object_begin(&js, NULL);
			json_string(&js, "name", p->ifs[i].ifname);
			json_bool(&js, "carrier", d && d->carrier);
			json_int(&js, "mtu", d ? d->mtu : 0);
			json_array_begin(&js, "addresses");
			for (size_t k = 0; d && k < d->naddrs; k++) {
				char a[64];
				snprintf(a, sizeof(a), "%s/%u", d->addrs[k].text,
					 d->addrs[k].prefixlen);
				json_string(&js, NULL, a);
			}
			json_array_end(&js);
			json_object_end(&js);
		}
		json_array_end(&js);
		json_array_begin(&js, "rails");
		for (size_t i = 0; i < job.out.nrails; i++) {
			const struct rail *rl = &job.out.rails[i];
			json_object_begin(&js, NULL);
			json_string(&js, "interface", rl->ifname);
			json_string(&js, "local", rl->self_addr);
			json_string(&js, "peer", rl->peer_addr);
			json_bool(&js, "ok", rl->ok);
			if (rl->jumbo_tested)
				json_bool(&js, "jumbo_ok", rl->jumbo_ok);
			json_string(&js, "text", rl->text);
			json_object_end(&js);
		}
		json_array_end(&js);
		json_object_begin(&js, "journal");
		json_string(&js, "path", r->journal_path);
		json_bool(&js, "readable", readable);
		json_int(&js, "pending", readable ? pending : 0);
		json_int(&js, "pending_ssh", readable ? pending_ssh - pending : 0);
		json_int(&js, "refused", readable ? refused : 0);
		if (!readable)
			json_string(&js, "error", err);
		if (uerr[0])
			json_string(&js, "user_journal_error", uerr);
		json_object_end(&js);
		json_object_end(&js);
		buf_puts(&b, "\n");
	} else {
		if (!readable)
			buf_printf(&b, "The journal cannot be read: %s%s\n", err,
				   inv.root ? "" : " (run sudo sparklink status)");
		else if (!have_plan)
			buf_puts(&b, "Plan: none applied (or rolled back).\n");
		else
			buf_printf(
				&b,
				"Plan: %s, MTU %u; this node is node %d (node 1 %s, node 2 %s)\n",
				plan_kind_name(p->kind), p->mtu, p->self_node, p->names[0],
				p->names[1]);
		for (size_t i = 0; have_plan && i < p->nifs; i++) {
			const struct netdev *d = model_netdev(&m, p->ifs[i].ifname);
			buf_printf(&b, "  %-16s %-8s mtu %-5u", p->ifs[i].ifname,
				   d && d->carrier ? "carrier" : "no link", d ? d->mtu : 0);
			for (size_t k = 0; d && k < d->naddrs; k++)
				if (d->addrs[k].family == AF_INET)
					buf_printf(&b, " %s/%u", d->addrs[k].text,
						   d->addrs[k].prefixlen);
			buf_puts(&b, "\n");
		}
		for (size_t i = 0; i < job.out.nrails; i++)
			buf_printf(&b, "Rail %s %s\n",
				   job.out.rails[i].ok && (!job.out.rails[i].jumbo_tested ||
							   job.out.rails[i].jumbo_ok)
					   ? "ok:    "
					   : "FAILED:",
				   job.out.rails[i].text);
		if (readable)
			buf_printf(
				&b,
				"Journal: %s: %d network change%s and %d SSH change%s not undone%s\n",
				r->journal_path, pending, pending == 1 ? "" : "s",
				pending_ssh - pending, pending_ssh - pending == 1 ? "" : "s",
				pending_ssh ? " (sparklink rollback --dry-run lists them)" : "");
		if (readable && refused)
			buf_printf(
				&b,
				"Journal: %d record%s refused: outside what sparklink writes, "
				"never acted on (sparklink rollback --dry-run --include-ssh lists "
				"them)\n",
				refused, refused == 1 ? "" : "s");
		if (uerr[0])
			buf_printf(&b, "Your own journal: %s\n", uerr);
	}
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	model_free(&m);
	int rc = !readable				 ? EXIT_FAIL
		 : c.hostkey_changed			 ? EXIT_HOSTKEY
		 : job.out.status == APPLY_VERIFY_FAILED ? EXIT_RAIL
							 : EXIT_OK;
	apply_job_free(&job);
	return rc;
}
