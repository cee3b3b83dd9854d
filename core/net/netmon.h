/* netmon.h: live netdev state from netlink (libnl-route-3 cache manager) on the core loop.
 *
 * Link and address changes arrive as netlink events; after each batch the model's netdev table
 * is rebuilt from the caches, RDMA port state is re-read for netdevs whose carrier changed, and
 * the model is regrouped. Nothing is polled on a timer. A socket overrun is recovered by a full
 * resync. */
#ifndef SPARKLINK_NETMON_H
#define SPARKLINK_NETMON_H

#include "core/base/loop.h"
#include "core/net/model.h"

#include <stddef.h>

struct netmon;
typedef void netmon_change_fn(void *arg);

/* Start monitoring. loop may be NULL for a one-shot snapshot (the CLI's `ports --json`).
 * On failure returns NULL with a sentence in err. */
struct netmon *netmon_new(struct loop *loop, struct model *m, netmon_change_fn *fn, void *arg,
			  char *err, size_t errsize);
void netmon_free(struct netmon *nm);
/* Rebuild the model's netdevs from the caches now (done automatically after events). */
void netmon_sync(struct netmon *nm);
/* How many resyncs after overruns happened (for tests and the log). */
unsigned netmon_resyncs(const struct netmon *nm);

/* One-shot: fill the model's netdevs from a netlink dump (no loop), falling back to sysfs alone.
 * Returns 0, or -1 with the netlink error in err (the model is still filled from sysfs). */
int netmon_snapshot(struct model *m, char *err, size_t errsize);
#endif
