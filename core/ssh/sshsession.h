/* sshsession.h: an SSH session to the peer for a worker job (libssh), as pairing and the remote
 * node use it: created with options (never the user's ~/.ssh/config, never libssh's own
 * known_hosts handling), connected, the peer's host key checked against the user's known_hosts,
 * logged in with the user's key (or a password), commands run in exec channels with optional
 * stdin and a timeout; and quoting for a POSIX shell.
 *
 * Everything here blocks: run it in a worker thread. A session is used by one thread. Text from
 * the peer (error messages, command output through sshsession_run) is cleaned (text.h). */
#ifndef SPARKLINK_SSHSESSION_H
#define SPARKLINK_SSHSESSION_H

#include "core/ssh/sshfiles.h"
#include "core/base/util.h"
#include "core/base/worker.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* The network timeout in seconds: connecting, and each command on the peer, unless the caller
 * gives its own (--timeout). */
#define SSHSESSION_TIMEOUT_S 15
#define SSHSESSION_TIMEOUT_TEXT "15" /* the same, for --help texts */

struct sshsession_opts {
	const char *address; /* numeric address (IPv6 link-local with %if) or a name */
	unsigned port; /* 0 = 22 */
	const char *user; /* the login name */
	const char *home; /* the local user's home: its ~/.ssh holds the keys and known_hosts */
	int timeout_s; /* connect and each command; 0 = SSHSESSION_TIMEOUT_S */
	struct worker *w; /* commands stop when it is cancelled; NULL: never */
	/* the names the peer is known by (may be none): the peer is asked for a host key of a
	 * type known_hosts records for them first, as ssh(1) does */
	const char *const *names;
	size_t nnames;
};

struct ssh_session_struct;

struct sshsession {
	struct ssh_session_struct *s; /* libssh's ssh_session */
	struct worker *w;
	int timeout_s;
	unsigned port;
	char address[128];
	char user[64];
	char home[PATH_MAX];
	bool tried_none;
	/* the peer's host key, after sshsession_connect */
	char keytype[64], keyb64[2048], fingerprint[128];
	char errtext[256];
};

/* A session with these options, not connected. NULL if libssh cannot make one. */
struct sshsession *sshsession_new(const struct sshsession_opts *o);
/* Disconnect (if connected) and free. NULL is fine. */
void sshsession_free(struct sshsession *s);

/* Connect and read the peer's host key (keytype, keyb64, fingerprint "SHA256:..."). Returns 0,
 * or -EIO with "cannot connect to ADDR: ...", "the peer sent no host key: ..." or "cannot read
 * the peer's host key" in err. Nothing is trusted yet: check the key before logging in. */
int sshsession_connect(struct sshsession *s, char *err, size_t errsize);

/* The host key against ~/.ssh/known_hosts (known_hosts_check) under names (the address first).
 * where: as known_hosts_check fills it. A key of a type that no line for these names has, while
 * lines of other types exist, is KH_CHANGED too (where: the first such line): the host answers
 * with a key other than the one recorded. */
enum kh_status sshsession_check_host_key(const struct sshsession *s, const char *const *names,
					 size_t nnames, char *where, size_t wheresize);
/* The host key of a peer reached at names[0] (its address), against each name on its own:
 * KH_ERROR, KH_REVOKED, or KH_CHANGED when any name has another key of its type recorded
 * (even if another name has this one) or when no name has a line of its type but some have
 * lines of other types; *at: the name it is about. Else KH_OK when names[0] has the key; else
 * KH_UNKNOWN, *known_elsewhere telling whether another name has it (the address is new). */
enum kh_status sshsession_check_host_key_each(const struct sshsession *s, const char *const *names,
					      size_t nnames, size_t *at, bool *known_elsewhere,
					      char *where, size_t wheresize);
/* The loud warning for a changed (KH_CHANGED) or revoked (KH_REVOKED) host key: possible
 * interception, nothing written, and the ssh-keygen -R command (for name) to clear an old key
 * knowingly. where: as sshsession_check_host_key gave it. */
void sshsession_host_key_warning(const struct sshsession *s, enum kh_status ks, const char *where,
				 const char *name, char *out, size_t size);
/* The path of the user's known_hosts ("~/.ssh/known_hosts" of opts.home). */
void sshsession_known_hosts_path(const struct sshsession *s, char *path, size_t size);

/* The user's key pair in home/.ssh: the first of id_ed25519, id_ecdsa, id_rsa whose private key
 * exists and whose .pub is a valid public key line (pub gets that line, may be NULL). Returns 0
 * or -ENOENT. */
int sshsession_user_key(const char *home, char *path, size_t pathsize, char *pub, size_t pubsize);

/* Log in with the private key at keypath (no passphrase). True on success. */
bool sshsession_login_key(struct sshsession *s, const char *keypath);
/* Log in with a password: 0, -EACCES (refused: a wrong password) or -EIO (the login itself
 * failed: sshsession_error tells). */
int sshsession_login_password(struct sshsession *s, const char *password);

/* Is the session still connected (false once the connection broke or was closed)? */
bool sshsession_connected(struct sshsession *s);

/* libssh's last error for this session, cleaned (valid until the next call). */
const char *sshsession_error(struct sshsession *s);

/* Run cmd on the peer in one exec channel: input (inlen bytes, may be NULL) on its stdin, then
 * EOF; stdout and stderr collected raw into out and errout (either may be NULL; each keeps at
 * most max bytes, more is dropped and *cut set if cut is not NULL). Waits at most timeout_s
 * (0: the session's timeout) for the command to end. Returns its exit status (>= 0), or -EIO
 * (channel failure: the libssh error in err), -ETIMEDOUT ("no answer from the peer within N s"),
 * -ECANCELED (the worker was cancelled). Secrets belong in input, never in cmd. */
int sshsession_exec(struct sshsession *s, const char *cmd, const void *input, size_t inlen,
		    int timeout_s, struct buf *out, struct buf *errout, size_t max, bool *cut,
		    char *err, size_t errsize);

/* sshsession_exec for short text: input a string (or NULL), stdout into out as clean text (lines
 * kept), err gets the clean stderr when there is any, else the failure's sentence. Returns the
 * exit status, or -1 when the command did not run to its end. */
int sshsession_run(struct sshsession *s, const char *cmd, const char *input, char *out,
		   size_t outsize, char *err, size_t errsize);

/* Append s to b 'single-quoted' for a POSIX shell (every byte kept). */
void sshsession_quote(struct buf *b, const char *s);

#endif
