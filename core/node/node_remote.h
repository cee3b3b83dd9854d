/* node_remote.h: the peer as a node (node.h), over SSH.
 *
 * Logs in with the user's key (the pairing put it there); the peer's host key must already be
 * in the user's known_hosts (pairing showed it and the user accepted it): an unknown key is
 * refused ("pair first"), a changed one stops everything. Changes run through `sudo` with stock
 * tools only (sh, ip, cat, base64, stat, mktemp, netplan); when sudo wants a password the job
 * asks for it (worker_ask, the caller's message kind) once, keeps it only in memory for this
 * connection, sends it on sudo's stdin (never a command line) and wipes it on free. */
#ifndef SPARKLINK_NODE_REMOTE_H
#define SPARKLINK_NODE_REMOTE_H

#include "core/node/node.h"
#include "core/ssh/sshfiles.h"
#include "core/base/worker.h"

struct remote_opts {
	char address[128]; /* numeric address (IPv6 link-local with %if) or a name */
	unsigned port; /* 0 = 22 */
	struct ssh_user local; /* whose key and known_hosts; the login name too */
	const char *names[12]; /* names the peer is known by in known_hosts (address first): the key
				* must be recorded for the address, and another key recorded for
				* any of the names stops everything as a changed key */
	size_t nnames;
	int timeout_s; /* per network step; 0 = SSHSESSION_TIMEOUT_S */
	struct worker *w; /* for the sudo password question and cancel; NULL: never ask */
	int password_kind; /* the worker_msg kind of that question (code = try 1..3) */
	const char *sudo_password; /* given up front (--password-stdin); NULL = ask when needed */
	bool read_only; /* no sudo at all: only probe_if, hostname, session_if (status and
				* verify never ask for a password) */
};

struct node *node_remote_new(const struct remote_opts *o, char *err, size_t errsize);
/* How often the connection broke under a script and was made again (0 for a local node). */
unsigned node_remote_reconnects(const struct node *n);

#endif
