/* monitor_view.h: the console's monitor (m): each twin's receive and transmit rate now with the
 * last minute as a graph (Unicode blocks, or ASCII), the RDMA port's rate beside the netdev's,
 * errors and drops since the view opened, flaps with the timeline of carrier transitions (the
 * model's linkhist, fed by netlink), and the findings of core/net/monitor.h.
 *
 * A state of the console. Its timer exists only while the view is open: the counters are read
 * once a second then, and never while it is closed (the console stays at zero wake-ups). */
#ifndef SPARKLINK_MONITOR_VIEW_H
#define SPARKLINK_MONITOR_VIEW_H

#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/net/monitor.h"
#include "ui/console/screen.h"

#include <stdbool.h>
#include <stdint.h>

#define MONITOR_VIEW_INTERVAL_MS 1000

struct monitor_view {
	struct monitor *mon; /* NULL while closed */
	struct loop_timer *timer;
	const struct model *model;
	int64_t next_ms;
	void (*notify)(void *arg); /* after each sample: the console redraws */
	void *notify_arg;
};

/* Open: pick the twins, take the first sample, arm the timer. */
void monitor_view_open(struct monitor_view *v, struct loop *l, const struct model *m,
		       void (*notify)(void *arg), void *arg);
/* Close: the timer is freed, nothing is sampled any more. Safe when closed. */
void monitor_view_close(struct monitor_view *v);
bool monitor_view_is_open(const struct monitor_view *v);
void monitor_view_draw(const struct screen *s, const struct monitor_view *v, const struct model *m);
/* A key; returns enum dialog_flags (widgets.h). */
unsigned monitor_view_key(struct monitor_view *v, int key, bool is_char);

#endif
