/* pair.h: passwordless SSH both ways with one peer, run as a worker job (see worker.h).
 *
 * The job connects with libssh to a numeric address, shows the peer's host key (SHA256) and
 * waits for it to be accepted (unless known_hosts already has it; a changed key stops
 * everything), logs in with the user's key or a password (asked, three tries, wiped after use),
 * then: our public key into the peer's authorized_keys, the peer's public key (generated there
 * if it has none) into ours, each host key into the other's known_hosts under every name the
 * host is known by; and verifies `hostname` over SSH in both directions with keys only. Only
 * public keys cross the wire. Every change is recorded in the journal before it is made. */
#ifndef SPARKLINK_PAIR_H
#define SPARKLINK_PAIR_H

#include "core/base/worker.h"
#include "core/jobs/job.h"
#include "core/mdns/peers.h"
#include "core/ssh/sshfiles.h"

#include <limits.h>
#include <stdbool.h>

#define PAIR_MAX_NAMES 12

/* The job speaks job.h: JOB_PROGRESS, JOB_WARN (a wrong password: JOB_WARN_WRONG_PASSWORD),
 * JOB_ASK_FINGERPRINT (an unknown host key), JOB_ASK_PASSWORD (the login's, tries 1..3; with
 * create_user also the new user's, try 0), JOB_RESULT per direction (0: this node -> peer,
 * 1: peer -> this node), JOB_DONE (code = enum pair_status, text = summary). */

enum pair_status {
	PAIR_OK = 0,
	PAIR_FAILED, /* network, sshd or remote command failure */
	PAIR_HOSTKEY_REFUSED, /* unknown host key not accepted */
	PAIR_HOSTKEY_CHANGED, /* known_hosts has another key: possible attack */
	PAIR_AUTH_FAILED, /* three wrong passwords, or no way to log in */
	PAIR_USER_MISMATCH, /* the login name differs from the local user */
	PAIR_CANCELLED,
	PAIR_VERIFY_FAILED, /* everything written, but a direction does not work */
};

struct pair_request {
	char address[128]; /* numeric address to connect to (IPv6 link-local with %if) */
	unsigned port;
	char remote_user[64]; /* login on the peer ("" = the local user) */
	char peer_names[PAIR_MAX_NAMES][256]; /* names/addresses the peer is known by */
	size_t npeer_names;
	char self_names[PAIR_MAX_NAMES][256]; /* ours, for the peer's known_hosts */
	size_t nself_names;
	char accept_fingerprint[128]; /* "SHA256:..." accepted without asking; "" = ask */
	bool allow_user_mismatch;
	bool create_user; /* log in as remote_user (with sudo) and create the local user's
				* name on the peer (useradd -m, group sudo, a new password), then
				* pair as that user */
	bool verify_only; /* sparklink verify: keys only, change nothing */
	bool ssh_config; /* also a ~/.ssh/config "Host" block naming only the peer */
	int timeout_s; /* per network step */
	struct ssh_user local;
	char journal_path[PATH_MAX];
};

struct pair_outcome {
	enum pair_status status;
	bool to_peer, from_peer;
	char to_peer_text[160], from_peer_text[160];
	char summary[512];
	int files_changed; /* local and remote files written */
};

struct pair_job {
	struct pair_request req;
	struct pair_outcome out; /* filled by the job; read after WORKER_DONE */
};

void pair_job_run(struct worker *w, void *arg /* struct pair_job */);

/* Building a request (CLI and console alike). */
void pair_request_add_name(char (*v)[256], size_t *n, const char *name);
/* The peer's names (its mDNS host, its live IPv4 addresses) and the address to connect to, by
 * the one rule (peers_pick_address() in core/mdns/peers.h: the management LAN first) for why;
 * names are added to those r has. Returns false if the peer has no live address. */
bool pair_request_from_peer(struct pair_request *r, const struct peer *p, const struct model *m,
			    enum peer_purpose why);
/* The address and the peer's names picked again from p as discovery knows it now (a job picks
 * its address when it starts, see peers_pick_address()); the rest of r is kept. False, and r
 * unchanged, if p has no live address now. */
bool pair_request_repick(struct pair_request *r, const struct peer *p, const struct model *m);
/* Our names for the peer's known_hosts: host name, name.local, every IPv4 address but lo's. */
void pair_request_add_self(struct pair_request *r, const struct model *m);
/* The whole request for pairing with (or, verify: checking) a discovered peer, as the console
 * makes it: addresses and names, ours, the invoking user, the journal. False with a sentence. */
struct invocation;
bool pair_request_for_peer(struct pair_request *r, const struct peer *p, const struct model *m,
			   bool verify, const struct invocation *inv, char *why, size_t whysize);
const char *pair_status_word(enum pair_status s);

#endif
