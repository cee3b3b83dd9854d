/* cluster_read.h: the cluster's cables read in the background: once a marked peer is paired (and
 * again when the cable map is opened), its cable side is read over SSH with keys only
 * (core/jobs/cluster_gather.h) and learned into the console's cluster, so step 2's map shows
 * which port of it each cable reaches. Started after a loop turn, never while a dialog runs. */
#ifndef SPARKLINK_CLUSTER_READ_H
#define SPARKLINK_CLUSTER_READ_H

#include "core/base/worker.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/jobs/cluster_gather.h"

#include <stdbool.h>

struct cluster_read {
	struct worker *worker;
	bool done;
	bool again; /* read every paired member again (the map was opened) */
	struct cluster_gather_job job;
	char hosts[CLUSTER_MAX_PEERS][256]; /* the members read, in the job's order */
};

/* Where to reach peer p for reading its cables (the one rule, peers_pick_address()), and the
 * names its host key is recorded under; name: the host name it must answer with. */
bool cluster_read_node(const struct peer *p, const struct model *m, const char *name,
		       struct cluster_gather_node *out);

struct console;
void cluster_read_after_turn(struct console *c);
void cluster_read_free(struct cluster_read *r);

#endif
