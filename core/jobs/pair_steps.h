/* pair_steps.h: the steps of pairing with one peer (pair.c), for the jobs that pair several
 * nodes at once (mesh.c). Not a front end's header: front ends run pair_job_run or
 * mesh_job_run.
 *
 * A pair_ctx is one peer: its request, its outcome, its session. The steps below run in the
 * order pair_job_run runs them. The ones that ask a question (pair_check_host_key,
 * pair_login) must be called from one thread at a time (a worker has one question pending at
 * most); the others may run in threads of their own, one per peer, when local_lock serialises
 * the edits of this node's ~/.ssh and the journal is shared (journal_record is thread-safe). */
#ifndef SPARKLINK_PAIR_STEPS_H
#define SPARKLINK_PAIR_STEPS_H

#include "core/jobs/pair.h"
#include "core/jobs/journal.h"
#include "core/ssh/sshsession.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct pair_ctx {
	struct worker *w;
	struct pair_request *req;
	struct pair_outcome *out;
	struct journal *journal;
	struct sshsession *s; /* its host key: s->keytype, s->keyb64, s->fingerprint */
	char mykey_path[PATH_MAX + 64], mypub[4096];
	char peer_conn_addr[128]; /* our address as the peer sees it (SSH_CONNECTION) */
	char peer_hostname[128], peer_user[64];
	bool peer_hashes;
	char password[512];
	char peer_pub[4096]; /* the peer's public key line (pair_exchange read it) */
	/* for the mesh: */
	int result_index[2]; /* JOB_RESULT's index of "this node -> peer" and "peer -> this
			      * node" ({0, 1} for one peer) */
	pthread_mutex_t *local_lock; /* held around each edit of this node's ~/.ssh; NULL: none */
	const char *const *accept_list; /* the fingerprints given (several peers); NULL: the
					 * request's accept_fingerprint */
	size_t naccept_list;
	bool skip_key_login; /* pair_login: the key was tried already */
};

/* Set the outcome's status and summary; returns st. */
__attribute__((format(printf, 3, 4))) enum pair_status pair_fail(struct pair_ctx *c,
								 enum pair_status st,
								 const char *fmt, ...);
/* A new session to the peer with the request's options (not connected). */
struct sshsession *pair_open_session(struct pair_ctx *c);
const char *const *pair_names_of(char (*v)[256], size_t n, const char **store);
/* Run a command on the peer over c->s (sshsession_run). */
int pair_remote_run(struct pair_ctx *c, const char *cmd, char *out, size_t outsize, char *err,
		    size_t errsize);

/* The user names agree (the playbook's step 1); nothing is contacted. */
enum pair_status pair_same_user(struct pair_ctx *c);
/* Connect and read the host key (no question). */
enum pair_status pair_connect(struct pair_ctx *c);
/* The host key against known_hosts: known, matched by a fingerprint given, or asked. */
enum pair_status pair_check_host_key(struct pair_ctx *c);
/* Log in with the user's key, else a password (asked, three tries; kept in c->password). */
enum pair_status pair_login(struct pair_ctx *c);
/* Our address as the peer sees it, its host name, user and known_hosts hashing. */
enum pair_status pair_peer_facts(struct pair_ctx *c);
/* The user's key pair (created, journaled, when create and there is none). */
enum pair_status pair_ensure_my_key(struct pair_ctx *c, bool create);
/* Keys and host keys both ways between this node and the peer, each change journaled first. */
enum pair_status pair_exchange(struct pair_ctx *c);
/* Both directions with keys only; JOB_RESULT at c->result_index. */
void pair_verify(struct pair_ctx *c);
/* Into cmd: the command a peer runs to reach host as user with OpenSSH, keys only
 * (BatchMode=yes) and the host key known (StrictHostKeyChecking=yes), `hostname` there; with
 * no_update, ssh adds no host key of its own (UpdateHostKeys=no). Where ssh takes a "^" list
 * (OpenSSH 8.7 and later), the key exchange prefers curve25519: OpenSSH 9's default sntrup761
 * costs ~100 ms of CPU per connection (a mesh of 8 makes 49), and what is verified (the key
 * login, the host key, the name) does not depend on it; an ssh that negotiates curve25519 with
 * the host negotiates its default list too, which holds it. */
void pair_ssh_check_cmd(struct buf *cmd, const char *user, const char *host, bool no_update);

/* On the peer of c (its session), through the remote edit scripts, journaled first under the
 * peer's address: key_line appended to the login user's authorized_keys (*added: it was not
 * there); a host key (type, base64 blob) into its known_hosts under names (hashed when the
 * peer's ssh hashes, c->peer_hashes), *added the lines written. 0, or -EIO with err. */
int pair_remote_authkeys_add(struct pair_ctx *c, const char *key_line, bool *added, char *err,
			     size_t errsize);
int pair_remote_known_hosts_add(struct pair_ctx *c, const char *type, const char *blob,
				const char *const *names, size_t nnames, int *added, char *err,
				size_t errsize);
/* The same, journaled first, as a command in cmd rather than run: into an empty cmd the command,
 * into one these made before (authorized_keys or known_hosts, one kind per cmd) this key or host
 * more, so that one command adds them all, the file copied and replaced once. 0, or -EIO with err
 * (nothing appended). */
int pair_remote_authkeys_cmd(struct pair_ctx *c, const char *key_line, struct buf *cmd, char *err,
			     size_t errsize);
int pair_remote_known_hosts_cmd(struct pair_ctx *c, const char *type, const char *blob,
				const char *const *names, size_t nnames, struct buf *cmd, char *err,
				size_t errsize);

#endif
