/* apply_cables.h: which interfaces of the peer a two-node plan addresses: for each of this
 * node's rails, the peer's twin at the other end of that cable, read from the peer (the cable
 * map, cluster_map.h), never assumed to carry this node's names (spark-1 p1 may be cabled to
 * spark-2 p0). */
#ifndef SPARKLINK_APPLY_CABLES_H
#define SPARKLINK_APPLY_CABLES_H

#include "core/base/util.h"
#include "core/node/node.h"
#include "core/jobs/plan.h"

#include <stddef.h>

/* Set p's peer interfaces (plan_set_peer_ifs) from both nodes' cable sides; what it found (a
 * cross-cabled pair, a match by elimination) is appended to notes, a line each. 0, or -1 with a
 * sentence in err (nothing was changed: the plan is refused). */
int apply_peer_ifs(struct node *self, struct node *peer, struct plan *p, struct buf *notes,
		   char *err, size_t errsize);

#endif
