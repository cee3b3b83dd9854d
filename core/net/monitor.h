/* monitor.h: live link monitoring of the ConnectX twins: receive and transmit rates now and over
 * the last minute, errors and drops since start, carrier flaps (from the model's linkhist, fed by
 * netlink) and findings in words (one twin carrying traffic while its twin idles, errors rising, a
 * flapping link, a speed below 200G).
 *
 * The caller samples (monitor_sample) only while someone looks: the console's monitor view or
 * `sparklink monitor`; nothing here runs otherwise. */
#ifndef SPARKLINK_MONITOR_H
#define SPARKLINK_MONITOR_H

#include "core/base/util.h"
#include "core/net/counters.h"
#include "core/net/model.h"

#include <stdbool.h>
#include <stddef.h>

#define MONITOR_MAX_TWINS 16
#define MONITOR_HISTORY 60 /* samples kept for the graph (a minute at the default 1 s) */
#define MONITOR_FLAP_WINDOW_MS (5 * 60 * 1000)
#define MONITOR_BUSY_BPS 8e6 /* a twin below this carries no job's traffic */

struct monitor_twin {
	char ifname[16];
	char ibdev[64];
	unsigned port; /* the RDMA port (1) */
	int phys_port; /* the physical port number (p0, p1 ...) */
	bool up;
	long speed_mbps;
	struct counter_sample first, prev, last;
	size_t nsamples;
	double rate[CNT_COUNT]; /* per second over the last interval (bytes or events) */
	double hist_rx[MONITOR_HISTORY], hist_tx[MONITOR_HISTORY]; /* bits/s, see monitor_bps */
	size_t hist_head, hist_n;
	unsigned flaps; /* downs since start (linkhist) */
	unsigned recent_flaps; /* downs in the last MONITOR_FLAP_WINDOW_MS */
};

/* A finding and the twins it is about (indexes into monitor.twins; twin2 -1 if one). */
struct monitor_finding {
	struct finding f;
	int twin, twin2;
};

struct monitor {
	struct monitor_twin twins[MONITOR_MAX_TWINS];
	size_t ntwins;
	struct monitor_finding findings[MONITOR_MAX_TWINS * 4];
	size_t nfindings;
	int64_t started_ms;
};

/* Pick the twins of the model's physical ports (every RDMA port with a netdev). */
void monitor_init(struct monitor *mon, const struct model *m, int64_t now_ms);
/* Read every twin's counters now, update rates, history, flaps (from m->linkhist) and findings. */
void monitor_sample(struct monitor *mon, const struct model *m, int64_t now_ms);
/* The twin's traffic in bits per second, receive or transmit: the larger of the netdev's and the
 * RDMA port's (RoCE traffic is only in the latter). */
double monitor_bps(const struct monitor_twin *t, bool rx);
/* i-th history value (oldest first) of rx or tx, i < t->hist_n. */
double monitor_hist(const struct monitor_twin *t, bool rx, size_t i);
/* A counter's total since monitoring started. */
uint64_t monitor_since_start(const struct monitor_twin *t, enum counter_id id);
/* "9.41 Gb/s", "812 Mb/s", "0 b/s" */
void monitor_rate_text(double bps, char *out, size_t size);
/* One JSON object per twin for this interval, one per line (for `monitor --json`). */
void monitor_json_lines(const struct monitor *mon, const struct model *m, int64_t wall_ms,
			struct buf *out);

#endif
