/* apply.h: carrying out an addressing plan (plan.h) on this node and the peer, as a worker job.
 *
 * The job connects to the peer (node_remote.h), reads the state of both nodes, builds the plan
 * (which node is 1 is decided from the host names unless given), and writes the preview: every
 * file and every command for both nodes, plus what it found (a 40-cx7.yaml it did not write,
 * other netplan files naming the interfaces, addresses already there). Then it asks
 * JOB_CONFIRM_PREVIEW (job.h); only "yes" changes anything. Each change is journaled (journal.h) before it
 * is made, with what it replaces, so rollback (rollback.h) can undo it after a crash. Finally
 * every rail (each planned interface) is verified with a ping bound to the interface; with MTU
 * 9000 also a do-not-fragment ping of 8972 bytes.
 *
 * On a port NetworkManager manages, the runtime static plan is an in-memory NetworkManager
 * profile (core/net/nm.h), not a bare address that NetworkManager would remove.
 *
 * Journal records written here: plan, backup, file-write, netplan-apply, mtu-set, addr-add,
 * link-up, ll4, ll6, nm-profile, each with the data core/jobs/journal_ops.h documents.
 */
#ifndef SPARKLINK_APPLY_H
#define SPARKLINK_APPLY_H

#include "core/node/node.h"
#include "core/jobs/plan.h"
#include "core/jobs/rail.h"
#include "core/ssh/sshfiles.h"
#include "core/base/worker.h"
#include "core/jobs/job.h"

#include <limits.h>
#include <stdbool.h>

/* The job speaks job.h: JOB_PROGRESS, JOB_WARN, JOB_ASK_PASSWORD (sudo on the peer, tries
 * 1..3), JOB_ASK_CONFIRM (JOB_CONFIRM_SESSION: text names the interface carrying the user's SSH
 * session, "yes" allows changing it; JOB_CONFIRM_PREVIEW: the preview is in out.preview, "yes"
 * applies), JOB_RESULT per rail (code = rail index, text = the result in words), JOB_DONE
 * (code = enum apply_status, text = summary). */

enum apply_status {
	APPLY_OK = 0,
	APPLY_FAILED, /* a change failed: what was done is journaled, rollback undoes it */
	APPLY_REFUSED, /* a check refused before anything changed (text says why) */
	APPLY_CANCELLED, /* preview or a question declined: nothing changed */
	APPLY_VERIFY_FAILED, /* applied, but a rail does not answer */
	APPLY_DRY_RUN, /* preview only: nothing changed */
};

struct apply_request {
	enum plan_kind kind;
	unsigned mtu; /* 1500 or 9000 */
	int node; /* 1 or 2; 0 = from the host names */
	char ifnames[PLAN_MAX_IFS][16]; /* this node's interfaces; the peer's are read from it */
	size_t nifs;
	char peer_address[128]; /* "" = this node only (the peer's part is only previewed) */
	char peer_names[11][256]; /* other names it is known by (its mDNS name, addresses): a host
				    * key that differs from the one recorded for any is refused */
	size_t npeer_names;
	struct ssh_user user; /* whose SSH key logs in on the peer (the invoking user) */
	char journal_path[PATH_MAX];
	bool dry_run; /* stop after the preview */
	bool verify_only; /* no plan: verify the rails of the plan in the journal */
	bool allow_session_if; /* the user confirmed changing their session's interface */
	const char *sudo_password; /* the peer's, given up front; NULL = ask */
	int timeout_s;
};

struct apply_outcome {
	enum apply_status status;
	struct plan plan;
	struct buf preview; /* written before JOB_CONFIRM_PREVIEW is asked */
	struct rail rails[PLAN_MAX_IFS];
	size_t nrails;
	/* NetworkManager on [0] this node and [1] the peer, and on each planned interface */
	struct nm_node nm[2];
	struct nm_port nm_ports[2][PLAN_MAX_IFS];
	int changes; /* changes made (journaled) */
	char summary[512];
};

struct apply_job {
	struct apply_request req;
	struct apply_outcome out; /* read after WORKER_DONE; apply_job_free frees the preview */
};

void apply_job_run(struct worker *w, void *arg /* struct apply_job */);

/* One node's part of a cluster plan (core/jobs/cluster_apply.c), with this job's per-node code:
 * p is the node's own plan (self_node 1, its interfaces and addresses in addr[0]). The node is
 * inspected (what was found into notes; its session interface asked about, !change only); with
 * change, each change is journaled in j and made. Returns APPLY_OK or the status with the reason
 * in summary; *changes counts the changes journaled; via_nm (NULL: not asked) gets, per
 * interface, whether the plan goes through NetworkManager there (plan_commands' via_nm). */
struct journal;
enum apply_status apply_node_part(struct worker *w, struct journal *j, struct node *n,
				  const struct plan *p, bool change, bool allow_session_if,
				  struct buf *notes, bool *via_nm, int *changes, char *summary,
				  size_t summarysize);
void apply_job_free(struct apply_job *job);
const char *apply_status_word(enum apply_status s);

/* The interfaces a plan addresses on this node, from the model: for static plans both twins of
 * every port with carrier (one /24 each); for link-local the first twin of each such port, as
 * the playbook's file does (two twins in 169.254/16 answer each other's rail). Returns the
 * count. */
struct model;
size_t apply_default_ifs(const struct model *m, enum plan_kind kind, char (*out)[16], size_t max);

#endif
