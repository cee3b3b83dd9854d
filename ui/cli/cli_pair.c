/* cli_pair.c: `sparklink pair HOST` and `sparklink verify HOST`. */
#include "core/base/loop.h"
#include "core/ssh/sshsession.h"
#include "core/jobs/invocation.h"
#include "core/jobs/journal.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/jobs/pair.h"
#include "core/mdns/discovery.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "ui/cli/cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char pair_usage[] =
	"Usage: sparklink pair HOST [--user NAME [--create-user]] [--password-stdin]\n"
	"                      [--accept-fingerprint SHA256:...] [--timeout SEC]\n"
	"       sparklink verify HOST [--user NAME] [--timeout SEC]\n"
	"  pair: passwordless SSH both ways with HOST (a discovered name such as spark-2.local,\n"
	"  or any address). Shows HOST's host key and asks before trusting it; asks the password\n"
	"  once (no echo); each node keeps its own key and only public keys cross the wire.\n"
	"  verify: `hostname` over SSH both ways with keys only; changes nothing.\n"
	"  --user NAME              log in as NAME on HOST (default: you; the playbook needs the\n"
	"                           same name on both nodes)\n"
	"  --password-stdin         read the password from standard input (a line per try)\n"
	"  --accept-fingerprint FP  trust HOST's key if its SHA256 fingerprint is FP; without a\n"
	"                           terminal an unknown host key is refused unless this is given\n"
	"  --timeout SEC            per network step (default " STRINGIFY(
		SSHSESSION_TIMEOUT_S) ")\n"
				      "  --ssh-config             also write a Host block for the peer in ~/.ssh/config (its\n"
				      "                           name, HostName, User; never Host *)\n"
				      "  --create-user            with --user ADMIN: log in as ADMIN (who can use sudo there),\n"
				      "                           create your user name on HOST as the playbook does (useradd -m,\n"
				      "                           group sudo, a new password you type), then pair as you\n"
				      "Exit status: 0 done (verified both ways), 1 failure, 2 bad usage, 5 host key unknown\n"
				      "and not accepted, or changed, 6 authentication failed, 7 user names differ.\n";

struct pctx {
	struct loop *loop;
	struct worker *worker;
	struct pair_job job;
	bool password_stdin, tty;
	bool no_password; /* a password was needed and could not be asked */
	int wrong;
	bool done;
};

static bool numeric_address(const char *s)
{
	char tmp[128];
	struct in6_addr a;
	str_copy(tmp, s, sizeof(tmp));
	char *pct = strchr(tmp, '%');
	if (pct) {
		*pct = '\0';
		if (!text_is_ifname(pct + 1))
			return false;
	}
	return inet_pton(AF_INET, tmp, &a) == 1 || inet_pton(AF_INET6, tmp, &a) == 1;
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct pctx *c = owner;
	switch (m->kind) {
	case PAIR_MSG_STEP: printf("  %s\n", m->text); break;
	case PAIR_MSG_WARN:
		printf("  ! %s\n", m->text);
		if (str_starts(m->text, "Wrong password"))
			c->wrong++;
		break;
	case PAIR_MSG_RESULT:
		printf("%s %s\n", strcmp(m->extra, "ok") == 0 ? "Verified:" : "FAILED:  ", m->text);
		break;
	case PAIR_MSG_FINGERPRINT: {
		char ans[16] = "";
		printf("The host key of %s is %s\n", m->extra, m->text);
		fflush(stdout);
		if (c->tty && !c->password_stdin &&
		    cli_tty_line("Accept it and record it in known_hosts? [y/N] ", ans, sizeof(ans),
				 false) &&
		    (ans[0] == 'y' || ans[0] == 'Y')) {
			worker_answer(c->worker, "yes");
		} else {
			if (!c->tty || c->password_stdin)
				fprintf(stderr,
					"sparklink pair: refusing an unknown host key without a "
					"terminal; check it, then pass --accept-fingerprint %s\n",
					m->text[0] ? strchr(m->text, ' ') + 1 : "SHA256:...");
			worker_answer(c->worker, "no");
		}
		break;
	}
	case PAIR_MSG_PASSWORD: {
		char pw[512];
		bool ok = cli_password(m->text, c->password_stdin, c->tty, pw, sizeof(pw));
		if (!ok && !c->password_stdin && !c->tty) {
			fprintf(stderr,
				"sparklink pair: a password is needed and there is no terminal "
				"to ask it on; give it with --password-stdin\n");
			c->no_password = true;
		}
		worker_answer(c->worker, ok ? pw : "");
		secret_wipe(pw, sizeof(pw));
		break;
	}
	case PAIR_MSG_END: break;
	case WORKER_DONE:
		c->done = true;
		loop_quit(c->loop, 0);
		break;
	}
	fflush(stdout);
}

static void on_signal(int signo, void *arg)
{
	(void)signo;
	struct pctx *c = arg;
	worker_cancel(c->worker);
}

static bool peer_has_address(const struct peer *p, const char *addr)
{
	char plain[128];
	str_copy(plain, addr, sizeof(plain));
	char *pct = strchr(plain, '%');
	if (pct)
		*pct = '\0';
	for (size_t k = 0; k < p->naddrs; k++)
		if (strcmp(p->addrs[k].addr, plain) == 0)
			return true;
	return false;
}

/* The address to connect to, and every name the peer is known by (for known_hosts): HOST as
 * given, and, when mDNS knows the peer (by that name or that address), its host name and live
 * addresses. A short browse of avahi's cache, until the LAN's records are in (the rule prefers
 * the LAN: peers.h); no mDNS is not an error here. An address given is used as given. */
int cli_resolve_host(const char *host, enum peer_purpose why, struct pair_request *r,
		     const struct model *m)
{
	bool numeric = numeric_address(host);
	struct loop *l = loop_new();
	struct peers peers;
	peers_init(&peers);
	struct discovery *d = discovery_new(l, &peers, m, NULL, NULL);
	int64_t until = clock_ms() + 2000;
	char want[300];
	snprintf(want, sizeof(want), "%s%s", host, strchr(host, '.') ? "" : ".local");
	const struct peer *found = NULL;
	while (clock_ms() < until && peers.state != MDNS_UNAVAILABLE &&
	       peers.state != MDNS_WAITING) {
		loop_turn(l, 100);
		found = NULL;
		for (size_t i = 0; i < peers.n && !found; i++) {
			const struct peer *p = &peers.v[i];
			if (!p->self &&
			    (numeric ? peer_has_address(p, host) : strcasecmp(p->host, want) == 0))
				found = p;
		}
		if ((peers.all_for_now || (found && peers.cache_exhausted)) && !peers.pending)
			break;
	}
	int rc = -1;
	if (numeric) {
		char plain[128];
		str_copy(r->address, host, sizeof(r->address));
		str_copy(plain, host, sizeof(plain));
		char *pct = strchr(plain, '%');
		if (pct)
			*pct = '\0'; /* a scoped address is recorded without its scope */
		pair_request_add_name(r->peer_names, &r->npeer_names, plain);
		if (found) {
			struct pair_request extra = { 0 };
			pair_request_from_peer(&extra, found, m, why);
			for (size_t i = 0; i < extra.npeer_names; i++)
				pair_request_add_name(r->peer_names, &r->npeer_names,
						      extra.peer_names[i]);
		}
		rc = 0;
	} else {
		pair_request_add_name(r->peer_names, &r->npeer_names, host);
		if (found && pair_request_from_peer(r, found, m, why))
			rc = 0;
	}
	discovery_free(d);
	peers_free(&peers);
	loop_free(l);
	if (rc == 0)
		return 0;
	/* any other name: the resolver (this is the CLI: blocking is fine) */
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return -1;
	char buf[128];
	if (getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof(buf), NULL, 0, NI_NUMERICHOST) ==
	    0) {
		str_copy(r->address, buf, sizeof(r->address));
		pair_request_add_name(r->peer_names, &r->npeer_names, buf);
		rc = 0;
	}
	freeaddrinfo(res);
	return rc;
}

static bool user_name_ok(const char *s)
{
	return s[0] && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789._-") == strlen(s);
}

/* "SHA256:" and the 43 base64 characters (no padding) ssh-keygen -l prints */
static bool fingerprint_ok(const char *s)
{
	const char *b = s + strlen("SHA256:");
	return str_starts(s, "SHA256:") && strlen(b) == 43 &&
	       strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") == 43;
}

static int exit_for(enum pair_status st)
{
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

static int run(int argc, char **argv, bool verify)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "accept-fingerprint", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "create-user", no_argument, NULL, 'c' },
		{ "ssh-config", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = verify ? "sparklink verify" : "sparklink pair";
	struct pctx c = { 0 };
	struct pair_request *r = &c.job.req;
	r->verify_only = verify;
	r->port = 22;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	char q[CLI_ARG_MAX];
	int o;
	optind = 0; /* 0: reinitialise getopt (main parsed with "+" first) */
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (verify && (o == 'p' || o == 'f' || o == 's' || o == 'c')) {
			const struct option *op = opts;
			while (op->val != o)
				op++;
			fprintf(stderr,
				"%s: --%s is an option of pair, not of verify (verify changes "
				"nothing and asks nothing)\n",
				cmd, op->name);
			return EXIT_USAGE;
		}
		switch (o) {
		case 'u':
			if (!user_name_ok(optarg) || strlen(optarg) >= sizeof(r->remote_user)) {
				fprintf(stderr,
					"%s: --user '%s' is not a user name (letters, "
					"digits, . _ -, not starting with -)\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			str_copy(r->remote_user, optarg, sizeof(r->remote_user));
			break;
		case 'p': c.password_stdin = true; break;
		case 'f':
			if (!fingerprint_ok(optarg)) {
				fprintf(stderr,
					"%s: --accept-fingerprint takes SHA256: and 43 "
					"characters of base64, as ssh-keygen -l prints it, not '%s'\n",
					cmd, cli_arg(optarg, q, sizeof(q)));
				return EXIT_USAGE;
			}
			str_copy(r->accept_fingerprint, optarg, sizeof(r->accept_fingerprint));
			break;
		case 't':
			if (cli_seconds(cmd, "--timeout", optarg, 1, 600, &r->timeout_s) < 0)
				return EXIT_USAGE;
			break;
		case 's': r->ssh_config = true; break;
		case 'c': r->create_user = true; break;
		case 'h': fputs(pair_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, opts);
			fputs(pair_usage, stderr);
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
	c.tty = isatty(STDIN_FILENO) || (!c.password_stdin && isatty(STDERR_FILENO));
	printf("%s %s (%s) as %s\n", verify ? "Verifying" : "Pairing with", host, r->address,
	       r->remote_user[0] ? r->remote_user : r->local.name);
	fflush(stdout);
	c.loop = loop_new();
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	loop_signals(c.loop, sigs, 3, on_signal, &c);
	signal(SIGPIPE, SIG_IGN);
	c.worker = worker_start(c.loop, pair_job_run, &c.job, on_msg, &c);
	if (!c.worker) {
		fprintf(stderr, "%s: cannot start a thread\n", cmd);
		loop_free(c.loop);
		return EXIT_FAIL;
	}
	loop_run(c.loop);
	worker_free(c.worker);
	loop_free(c.loop);
	enum pair_status st = c.job.out.status;
	if (st == PAIR_CANCELLED && (c.wrong > 0 || c.no_password))
		st = PAIR_AUTH_FAILED; /* no more passwords after a wrong one, or none at all */
	if (st == PAIR_OK)
		printf("Done: %s.\n", c.job.out.summary);
	else
		fprintf(stderr, "%s: %s\n", cmd,
			st == PAIR_AUTH_FAILED && c.wrong && c.wrong < 3
				? "wrong password; nothing was written"
			: st == PAIR_AUTH_FAILED && c.no_password
				? "no password; nothing was written"
				: c.job.out.summary);
	return exit_for(st);
}

int cli_pair(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cli_verify(int argc, char **argv)
{
	return run(argc, argv, true);
}
