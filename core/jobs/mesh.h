/* mesh.h: pairing a mesh of 2 to 8 nodes (this one and up to 7 peers) as one worker job, so that
 * every node reaches every other with keys only, both ways, by every name it is known by.
 *
 * The job connects to every peer at once (one session per peer, a thread each), merges HOSTs
 * that are one machine (the same host key), then asks on its own thread, peer by peer: each
 * unknown host key once (JOB_ASK_FINGERPRINT; or matched by one of the fingerprints given), each
 * password a node needs (JOB_ASK_PASSWORD, three tries), and, after the first password that
 * worked, once whether the other nodes have the same one (JOB_ASK_CONFIRM with
 * JOB_CONFIRM_SAME_PASSWORD; same_password answers it in advance). A password is tried on that
 * node only, never kept past the logins, and wiped. Nothing is written before every peer is
 * connected, known and logged in to; a refusal there stops the job with nothing written.
 *
 * Then, one thread per peer: this node paired with it as pair.c does (public keys and host keys
 * both ways, journaled); then for each two peers i, j, through this node's session to j: i's
 * public key into j's authorized_keys and i's host key (the one the user confirmed for i, no
 * other) into j's known_hosts under every name of i, each journaled first under j's address;
 * then every direction verified: this node <-> peer as pair.c does, peer i -> peer j with
 * `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes` run on i through this node's session to
 * i. Only public keys and host keys move; no private key leaves its node. A peer that fails in
 * the middle (its sshd gone) is left out of what follows and its directions reported failed; the
 * others finish. JOB_RESULT per direction (index MESH_INDEX(from, to), node 0 this one), then
 * JOB_DONE (enum pair_status: PAIR_OK when every direction works). */
#ifndef SPARKLINK_MESH_H
#define SPARKLINK_MESH_H

#include "core/jobs/pair.h"

#include <stdbool.h>
#include <stddef.h>

#define MESH_MAX_PEERS 7
#define MESH_MAX_NODES (MESH_MAX_PEERS + 1)
#define MESH_INDEX(from, to) ((from)*MESH_MAX_NODES + (to))

struct mesh_request {
	/* one per HOST: address, names, ours (self_names), the user, timeout, journal, local user,
	 * ssh_config as for one peer; accept_fingerprint unused (see accept) */
	struct pair_request peers[MESH_MAX_PEERS];
	size_t npeers;
	char accept[MESH_MAX_NODES * 2][128]; /* fingerprints accepted without asking */
	size_t naccept;
	bool same_password; /* the user says every node has one password: ask it once */
};

enum mesh_dir { MESH_UNTRIED, MESH_OK, MESH_FAILED };

struct mesh_outcome {
	enum pair_status status;
	size_t nnodes; /* distinct nodes, this one first */
	char name[MESH_MAX_NODES][128]; /* each node's host name (else its address) */
	char address[MESH_MAX_NODES][128]; /* where this node reached it ("" for this node) */
	char error[MESH_MAX_NODES][256]; /* why a node dropped out ("" if it did not) */
	enum mesh_dir dir[MESH_MAX_NODES][MESH_MAX_NODES]; /* [from][to] */
	int verified, directions;
	int files_changed;
	char summary[512];
};

struct mesh_job {
	struct mesh_request req;
	struct mesh_outcome out; /* filled by the job; read after WORKER_DONE */
};

void mesh_job_run(struct worker *w, void *arg /* struct mesh_job */);

#endif
