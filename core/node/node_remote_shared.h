/* node_remote_shared.h: what the pieces of the peer-as-a-node share (private to core/node; the
 * public API is node_remote.h): the remote node, the script runner and its answers, the checks
 * on our own arguments. */
#ifndef SPARKLINK_NODE_REMOTE_SHARED_H
#define SPARKLINK_NODE_REMOTE_SHARED_H

#include "core/node/node_remote.h"
#include "core/base/util.h"

#include <stdbool.h>
#include <stddef.h>

#define REMOTE_FILE_MAX (1 << 20) /* as node_local.c: larger files are none sparklink writes */
#define REMOTE_OUT_MAX (2u << 20) /* any one answer (base64 of REMOTE_FILE_MAX fits) */
#define REMOTE_SAID_MAX 2048 /* error output kept for a message */
#define REMOTE_NETPLAN_TIMEOUT 90 /* seconds, as node_local.c */
#define REMOTE_PASSWORD_TRIES 3
#define REMOTE_RECONNECT_MS 30000 /* how long a broken connection is tried again */

struct node_remote {
	struct node base; /* first: the struct node * the caller holds is this */
	struct sshsession *ss;
	struct worker *w;
	bool read_only; /* no sudo at all (remote_opts.read_only) */
	/* what connecting again needs (remote_reopen): the connection may break under a script, e.g.
	 * when the peer's own `netplan apply` takes its management address away for a moment */
	unsigned port;
	int timeout_s;
	struct ssh_user local;
	char names[13][256]; /* the address first, then the names the peer is known by */
	size_t nnames;
	unsigned reconnects; /* how often the connection was made again */
	bool sudo_password_needed;
	char sudo_password[512]; /* only here; wiped on free; only ever on sudo's stdin */
};

/* The script's exit codes that say more than "failed" (its stderr tells the rest). */
enum {
	X_MISSING = 3, /* no such file or interface */
	X_LINK = 4, /* a symbolic link: never read through or replaced */
	X_NOTREG = 5, /* not a regular file (or, for a directory, not a directory) */
	X_TOOBIG = 6, /* larger than REMOTE_FILE_MAX */
	X_NODIR = 7, /* the file's directory does not exist */
	X_NOTMINE = 8, /* not owned by the login user */
	X_LINKS = 9, /* has other hard links */
	X_CHANGED = 10, /* changed since it was read */
	X_NOTOOL = 11, /* netplan (or busctl) is not installed */
	X_NOBUS = 12, /* busctl cannot reach the system bus */
	X_SHAPE = 13, /* busctl answered something of another shape */
	X_NOTOURS = 14, /* a NetworkManager profile that sparklink did not make */
};

static inline struct node_remote *R(struct node *n)
{
	return (struct node_remote *)n;
}

/* Every script starts so: C messages (matched below), no surprises from the environment. */
#define PRE "LC_ALL=C; export LC_ALL; umask 022; "

enum as { AS_USER, AS_ROOT };

/* What one script run gave back. */
struct reply {
	int status; /* exit status, or a negative code when it did not run to its end */
	struct buf out; /* raw stdout */
	char said[REMOTE_SAID_MAX]; /* stderr, clean, trailing white space removed */
};

bool remote_ends_with(const char *s, const char *suffix);
int remote_failed(struct node_remote *r, const struct reply *rep, const char *what, char *err,
		  size_t errsize);
int remote_file_refused(int code, const char *path, char *err, size_t errsize);
bool remote_ifname_ok(const char *ifname, char *err, size_t errsize);
bool remote_parse_uint(const char *s, int base, unsigned long max, unsigned long *out);
bool remote_path_ok(const char *path, char *err, size_t errsize);
void remote_reply_free(struct reply *r);
void remote_reply_init(struct reply *r);
int remote_run(struct node_remote *r, enum as as, const char *script, const char *const *args,
	       size_t nargs, const char *payload, size_t plen, int timeout_s, struct reply *rep,
	       char *err, size_t errsize);
size_t remote_words(char *s, char **w, size_t max);
void remote_free(struct node *n);
/* Connect again after the connection broke (tried for REMOTE_RECONNECT_MS; the same host key
 * checks and the user's key as at first; sudo's password is kept). */
int remote_reopen(struct node_remote *r, char *err, size_t errsize);

/* NetworkManager through busctl (node_remote_nm.c) */
/* node_remote_cables.c */
int remote_cables(struct node *n, struct node_cables *out, char *err, size_t errsize);
int remote_nm_probe(struct node *n, const char *ifname, struct nm_node *node, struct nm_port *port,
		    char *err, size_t errsize);
int remote_nm_activate(struct node *n, const char *ifname, const char *uuid, const char *cidr,
		       unsigned mtu, char *err, size_t errsize);
int remote_nm_restore(struct node *n, const char *ifname, const char *uuid, const char *prev,
		      char *err, size_t errsize);

/* the operations (node_remote_ops.c) */
extern const struct node_ops node_remote_ops;

#endif
