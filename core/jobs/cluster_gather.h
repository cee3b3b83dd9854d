/* cluster_gather.h: every peer's cable side read over the pairing's SSH, as a worker job: what
 * the cable map (cluster_map.h) needs from the nodes this one cannot see, read-only (keys only,
 * no sudo, never a password), the peers at once (a thread and a session each).
 *
 * The console runs it after a mesh pairing and before a cluster apply; each peer's view or the
 * sentence saying why it could not be read. A node that answers with another host name than the
 * one the user chose is not taken (its view would put the wrong node on the map). JOB_PROGRESS
 * per node, JOB_RESULT per node (index: its place in the request), JOB_DONE (0: every node read,
 * 1: not every one). */
#ifndef SPARKLINK_CLUSTER_GATHER_H
#define SPARKLINK_CLUSTER_GATHER_H

#include "core/jobs/cluster_apply.h"
#include "core/jobs/cluster_map.h"
#include "core/ssh/sshfiles.h"
#include "core/base/worker.h"

#include <stdbool.h>
#include <stddef.h>

#define CLUSTER_MAX_PEERS (CLUSTER_MAX_NODES - 1)

struct cluster_gather_node {
	char name[64]; /* the host name expected ("spark-2") */
	char address[128]; /* where to reach it (peers_pick_address()) */
	char names[CLUSTER_HOST_NAMES][256]; /* the names its host key is recorded under */
	size_t nnames;
};

struct cluster_gather_request {
	struct cluster_gather_node nodes[CLUSTER_MAX_PEERS];
	size_t n;
	struct ssh_user user;
	int timeout_s; /* 0: SSHSESSION_TIMEOUT_S */
};

struct cluster_gather_outcome {
	struct cluster_view views[CLUSTER_MAX_PEERS]; /* node i's, when ok[i] */
	bool ok[CLUSTER_MAX_PEERS];
	char error[CLUSTER_MAX_PEERS][256]; /* why node i could not be read */
	size_t nread;
};

struct cluster_gather_job {
	struct cluster_gather_request req;
	struct cluster_gather_outcome out;
};

void cluster_gather_job_run(struct worker *w, void *arg /* struct cluster_gather_job */);

#endif
