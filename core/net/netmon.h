/* netmon.h: live netdev state from netlink on the core loop.
 *
 * The table is filled from a dump (libnl-route-3). Link and address changes then arrive as
 * netlink notifications, read with nlparse.c and applied by ifindex: after each batch only the
 * netdevs the batch named are brought up to date (everything is dumped again when a link came or
 * went), RDMA port state is re-read for netdevs whose carrier changed, and the model is
 * refreshed. Nothing is polled on a timer. A socket overrun is recovered by a full resync. */
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
/* Rebuild the model's netdevs from the last dump (done automatically after events). */
void netmon_sync(struct netmon *nm);
/* Apply one datagram of notifications as if it had just been read (tests: the same path the
 * socket's batches take, the owner told when the model changed). */
void netmon_inject(struct netmon *nm, const void *buf, size_t len);
/* How many resyncs after overruns happened (for tests and the log). */
unsigned netmon_resyncs(const struct netmon *nm);

/* Interfaces a batch of events may name before netmon reads them all again. */
#define NETMON_PENDING 32

/* How batches were applied: only the netdevs they named, or the whole table again (a link
 * came or went, an overrun, more than NETMON_PENDING links). For tests and benchmarks. */
struct netmon_stats {
	unsigned long partial_syncs, full_syncs;
};
struct netmon_stats netmon_stats(const struct netmon *nm);

/* One-shot: fill the model's netdevs from a netlink dump (no loop), falling back to sysfs alone.
 * Returns 0, or -1 with the netlink error in err (the model is still filled from sysfs). */
int netmon_snapshot(struct model *m, char *err, size_t errsize);
#endif
