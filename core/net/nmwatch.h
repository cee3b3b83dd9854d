/* nmwatch.h: the console's live view of who configures the ConnectX twins, with no timer.
 *
 * NetworkManager announces every change on the system bus: a device's StateChanged and
 * PropertiesChanged (managed, active connection), the Settings' NewConnection and
 * ConnectionRemoved, a profile's Updated, and NameOwnerChanged when NetworkManager or networkd
 * starts or stops. nmwatch holds one D-Bus connection whose descriptor is in the loop, subscribed
 * to those signals, and an inotify watch on /etc/netplan (a file written, renamed or removed).
 * Each such event, and a change of the twins' names after a netlink batch, starts a probe
 * (coexist_probe: NetworkManager over D-Bus and /etc/netplan, in a worker thread, so a slow bus
 * never stops the loop); a burst of events while a probe runs makes one more probe after it.
 * What a probe finds replaces the model's view (coexist_apply: the findings recomputed) and the
 * owner's callback marks the screen dirty. One probe runs at start. */
#ifndef SPARKLINK_NMWATCH_H
#define SPARKLINK_NMWATCH_H

#include "core/base/loop.h"
#include "core/net/model.h"

struct nmwatch;
typedef void nmwatch_fn(void *arg);

/* Never NULL: without a system bus (or /etc/netplan) that part is not watched, and err says so
 * ("" when everything is watched). */
struct nmwatch *nmwatch_new(struct loop *loop, struct model *m, nmwatch_fn *fn, void *arg,
			    char *err, size_t errsize);
void nmwatch_free(struct nmwatch *w);
/* After the model changed (a netlink batch): probe again if the twins' names changed. */
void nmwatch_check(struct nmwatch *w);

/* What happened, for tests and the benchmarks: signals taken, netplan events, probes run. */
struct nmwatch_stats {
	unsigned long signals, file_events, probes;
};
struct nmwatch_stats nmwatch_stats(const struct nmwatch *w);

#endif
