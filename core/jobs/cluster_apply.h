/* cluster_apply.h: a cluster plan (cluster_plan.h) carried out on every node, as a worker job:
 * `sparklink apply --peers`.
 *
 * The caller builds the plan from the cable map (and refuses a map with problems before this
 * job starts). The job connects to every peer (over the pairing's SSH, sudo there), checks each
 * is the node the map named, writes the preview (the cluster's addresses, then for every node its
 * commands and its netplan file, then what it found on each), asks JOB_CONFIRM_PREVIEW, writes
 * one cluster-plan record (cluster_record.h: every node's host and its own interfaces) and then
 * each node's part with the two-node job's per-node code (apply_node_part): the peers in
 * parallel (a thread each, its own SSH session), then this node once every peer is done (a peer
 * that fails leaves this node untouched), every change journaled before it is made. Finally every rail of every link is
 * pinged from both of its ends (`ping -I`, and with MTU 9000 an unfragmented 8972-byte ping):
 * this node's rails here, the others' on that node over SSH (no sudo).
 *
 * The job speaks job.h as apply.h's does: JOB_RESULT per rail and direction (code = its index),
 * JOB_DONE with enum apply_status. */
#ifndef SPARKLINK_CLUSTER_APPLY_H
#define SPARKLINK_CLUSTER_APPLY_H

#include "core/jobs/apply.h"
#include "core/jobs/cluster_plan.h"
#include "core/ssh/sshfiles.h"
#include "core/base/worker.h"

#include <limits.h>
#include <stdbool.h>

#define CLUSTER_HOST_NAMES 4

struct cluster_apply_request {
	struct cluster_plan plan;
	/* per plan node: "local" for this node, else the address to reach it at (the journal's
	 * host for its records) and the names it is known by (a host key that differs from the
	 * one recorded for any is refused) */
	char hosts[CLUSTER_MAX_NODES][128];
	char host_names[CLUSTER_MAX_NODES][CLUSTER_HOST_NAMES][256];
	size_t nhost_names[CLUSTER_MAX_NODES];
	struct ssh_user user;
	char journal_path[PATH_MAX];
	bool dry_run;
	bool verify_only; /* only ping every rail of plan (a plan applied earlier: its record):
			   * the peers reached with keys only, no sudo, nothing changed */
	bool allow_session_if;
	const char *sudo_password; /* the peers', given up front; NULL = ask */
	int timeout_s;
};

/* One rail pinged from one end (cluster_apply_outcome.rail). */
struct cluster_rail {
	int from, to; /* plan nodes */
	char ifname[16];
	bool ok;
	char text[400];
};

struct cluster_apply_outcome {
	enum apply_status status;
	struct buf preview;
	int changes;
	size_t nrails, rails_ok; /* rails verified, one per direction */
	struct cluster_rail *rail; /* each of them, in the plan's order (freed by _free) */
	char summary[512];
};

struct cluster_apply_job {
	struct cluster_apply_request req;
	struct cluster_apply_outcome out;
};

void cluster_apply_job_run(struct worker *w, void *arg /* struct cluster_apply_job */);
void cluster_apply_job_free(struct cluster_apply_job *job);

/* Node `node`'s part of p as a two-node plan apply_node_part takes (self_node 1; names[1] ""). */
void cluster_apply_node_plan(const struct cluster_plan *p, int node, struct plan *out);

#endif
