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
	int timeout_s; /* per network step; 0 = 15 */
	struct worker *w; /* for the sudo password question and cancel; NULL: never ask */
	int password_kind; /* the worker_msg kind of that question (code = try 1..3) */
	const char *sudo_password; /* given up front (--password-stdin); NULL = ask when needed */
	bool read_only; /* no sudo at all: only probe_if, hostname, session_if (status and
				* verify never ask for a password) */
};

struct node *node_remote_new(const struct remote_opts *o, char *err, size_t errsize);
/* How often the connection broke under a script and was made again (0 for a local node). */
unsigned node_remote_reconnects(const struct node *n);

/* Remove exactly the line `line` from the login user's file ~/rel (e.g. ".ssh/authorized_keys")
 * on the peer, as that user, keeping the file's mode and every other byte; *removed tells
 * whether it was there. Used to undo pairing on the peer. */
int node_remote_user_line_remove(struct node *n, const char *rel, const char *line, bool *removed,
				 char *err, size_t errsize);

/* The parsers of what the peer's scripts print, as the operations above use them: pure (no I/O),
 * exported for the fuzz targets (tests/fuzz). The peer may be hostile: each takes any bytes, and
 * what it keeps is checked or cleaned text. */
/* PROBE_IF's output (`ip -o link show dev IF`, "addr_gen_mode N", `ip -o addr show dev IF`; text
 * is NUL-terminated and split in place) into the fields of out it names: up, carrier, mtu,
 * IPv4 and IPv6 link-local addresses, addr_gen_mode. The caller sets out first (ifname,
 * addr_gen_mode -1). False if no `ip -o link` line was understood. */
bool node_remote_parse_probe_if(char *text, struct node_if *out);
/* FILE_READ's "MODE SIZE\nBASE64" (USER_READ's "MODE SIZE GID\nBASE64" when gid is not NULL)
 * into f (which the caller initialised). False if it is not that; *changed when the content
 * does not have the size the header told (the file was written while it was read). */
bool node_remote_parse_file(const struct buf *out, struct node_file *f, bool *changed,
			    unsigned long *gid);
/* DIR_LIST's NUL-terminated names: each clean, plain file name once, sorted, one per line,
 * appended to names. */
void node_remote_parse_dir_list(const char *data, size_t len, struct buf *names);
/* SESSION_IF's output ("$SSH_CONNECTION" line, then `ip -o addr show`; NUL-terminated, split in
 * place): the interface holding the session's server address into ifname; left as it is when
 * none does. */
void node_remote_parse_session_if(char *text, char *ifname, size_t size);
/* HOSTNAME's output: its first line (at most 255 bytes), cleaned as a name (text.h TEXT_NAME). */
void node_remote_parse_hostname(const char *data, size_t len, char *out, size_t size);
/* NM_PROBE's "TAG JSON" lines (busctl --json=short answers: nm, networkd, version, managed,
 * state, active, id, uuid; NUL-terminated, split in place) into node and port (zeroed by the
 * caller). False if a line is not one of those or the "nm" line is missing. */
bool node_remote_parse_nm_probe(char *text, struct nm_node *node, struct nm_port *port);
/* Remove the last line of data that is exactly line (with its "\n" if it has one); false if
 * there is none. */
bool node_remote_line_cut(struct buf *data, const char *line);

#endif
