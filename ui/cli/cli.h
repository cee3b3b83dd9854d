/* cli.h: the command-line front end (no screen). Each command returns an exit code. */
#ifndef SPARKLINK_CLI_H
#define SPARKLINK_CLI_H

#include "core/mdns/peers.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAIL = 1, /* the command could not do its job; a message says why */
	EXIT_USAGE = 2, /* bad command line */
	EXIT_NOTHING = 3, /* nothing to report: no RDMA device, no peer */
	EXIT_UNAVAILABLE = 4, /* a service sparklink needs is not there (mDNS) */
	EXIT_HOSTKEY = 5, /* a host key was not accepted, or it changed */
	EXIT_AUTH = 6, /* authentication failed */
	EXIT_USER = 7, /* user names differ between the nodes */
	EXIT_RAIL = 8, /* a rail does not answer */
	EXIT_REFUSED = 9, /* refused before any change; a message says why */
	EXIT_BANDWIDTH =
		10, /* bench measured, but the verdict is not pass (the message says why) */
	EXIT_NO_RDMA = 11, /* bench: no RDMA device here (libibverbs lists none); --tcp works */
	EXIT_NO_TOOL = 12, /* iperf3 or perftest missing here or on the peer; the package named */
	EXIT_CANCELLED = 130, /* SIGINT, SIGTERM or SIGHUP ended the work (128 + SIGINT) */
};

/* The commands, one file each (ui/main.c's table names them). */
int cli_ports(int argc, char **argv);
int cli_discover(int argc, char **argv);
int cli_pair(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_apply(int argc, char **argv);
int cli_rollback(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_topology(int argc, char **argv);
/* status: the cluster plan applied from this node, from inv's journal: as "cluster" in js (null
 * when none) or, with js NULL, lines in b, every rail pinged now from both ends
 * (cli_status_cluster.c). True when a plan is applied and a rail does not answer. */
struct json;
struct buf;
struct invocation;
bool cli_status_cluster(const struct invocation *inv, struct json *js, struct buf *b);
/* `apply --peers` (cli_apply_peers.c), once cli_apply has read the options. */
int cli_apply_peers(const char *list, const char *topology, int kind, unsigned mtu, bool dry_run,
		    bool password_stdin, bool allow_session_if, int timeout_s);
int cli_env(int argc, char **argv);
int cli_monitor(int argc, char **argv);
int cli_bench(int argc, char **argv);
int console_main(int argc, char **argv);

/* What verify shares with pair (cli_pair.c): the usage, the options, and the rest of the
 * command once the options are read: HOST (argv[optind]) found, the job run, the exit code. */
struct option;
struct pair_job;
extern const char cli_pair_usage[];
extern const struct option *const cli_pair_options;
int cli_pair_host(const char *cmd, int argc, char **argv, struct pair_job *job,
		  bool password_stdin);

/* A watching command's end (cli_loop.c): SIGINT, SIGTERM, SIGHUP and, when reader, standard
 * output's reader gone end l's loop with EXIT_OK; SIGPIPE ignored (a write says EPIPE). */
struct loop;
void cli_loop_end_on_stop(struct loop *l, bool reader);

/* When no peer was seen on the cable: each cabled ConnectX twin with no address at all (the
 * model's "no-address-at-all" finding: nothing on its cable can be heard over mDNS), with its fix,
 * on stderr after "cmd: ". m must be rebuilt (model_rebuild). */
void cli_silent_ports(const char *cmd, const struct model *m);

/* Read a line from /dev/tty after prompt, without echo when secret; false if there is none. */
bool cli_tty_line(const char *prompt, char *out, size_t size, bool secret);
/* A password for a job's question: a line of standard input when from_stdin, else asked on the
 * terminal without echo; false when neither is possible (the caller says what to do). */
bool cli_password(const char *question, bool from_stdin, bool tty, char *out, size_t size);
/* The address to connect to and the names HOST is known by (mDNS, then the resolver;
 * cli_host.c); a peer known over mDNS is reached at the address the rule in
 * core/mdns/peers.h picks for why. */
struct pair_request;
int cli_resolve_host(const char *host, enum peer_purpose why, struct pair_request *r,
		     const struct model *m);
/* The same for n HOSTs (rs[k] for hosts[k]) with one browse of mDNS; -1 with *bad the HOST not
 * found. */
/* HOST's address by the rule for why and the names it is known by (appended to names, at most
 * max, *n counting them), as pairing resolves them; m NULL: the ports are read now. On failure a
 * message naming HOST (cleaned) on stderr. 0 or -1. */
int cli_peer_lookup(const char *cmd, const char *host, enum peer_purpose why, const struct model *m,
		    char *address, size_t addrsize, char (*names)[256], size_t max, size_t *n);
int cli_resolve_hosts(const char *const *hosts, size_t n, enum peer_purpose why,
		      struct pair_request *rs, const struct model *m, size_t *bad);

/* Checking arguments (cli_args.c). Each check prints "CMD: ..." on stderr naming the option
 * and the value (cleaned) and fails; the caller returns EXIT_USAGE before doing anything. */
#define CLI_ARG_MAX 100
/* s cleaned of control characters and escape sequences for a message, cut with "..." to fit
 * size; returns buf. */
const char *cli_arg(const char *s, char *buf, size_t size);
/* After getopt_long returned '?' or ':' (with opterr = 0): what was wrong, in our words. */
void cli_getopt_error(const char *cmd, int argc, char **argv, const struct option *opts);
/* s is whole seconds (digits only) in min..max: *out; else a message, -1. */
int cli_seconds(const char *cmd, const char *opt, const char *s, int min, int max, int *out);
/* host is a plain host name or a numeric address (IPv6 with %if), as ssh_name_valid says. */
bool cli_host_ok(const char *cmd, const char *what, const char *host);
/* A comma-separated list of interface names into out (at most max): none empty, each a valid
 * name, none twice. 0 or -1. */
int cli_ifnames(const char *cmd, const char *opt, const char *list, char (*out)[16], size_t max,
		size_t *n);
/* name is a user name (letters, digits, . _ -, not starting with -) shorter than size. */
bool cli_user_ok(const char *cmd, const char *name, size_t size);
/* A file to write at the end: not empty, not an option, not a directory, in a directory that
 * exists. */
bool cli_outfile_ok(const char *cmd, const char *opt, const char *path);

/* The cluster's cable sides (cli_topology.c): this node (its ports and its mDNS view) into
 * views[0], then each of hosts over SSH, read-only, into the next (a host that cannot be read is
 * said on stderr and left out; a host that turns out to be a node already read too). -1 if any
 * could not be read. */
struct cluster_view;
int cli_cluster_gather(const char *cmd, char (*hosts)[256], size_t nhosts, int timeout_s,
		       struct cluster_view *views, size_t *nviews, bool quiet);
/* "A,B,C" (--peers) into hosts (at most max): each a host name or address, none twice. 0 or -1
 * (said). */
int cli_hosts(const char *cmd, const char *opt, const char *list, char (*hosts)[256], size_t max,
	      size_t *n);

#endif
