/* linkhist.h: each netdev's carrier transitions, as netlink reports them (netmon notes every
 * change it sees; nothing is polled): how often it went down and up, and the last transitions
 * with their times and the speed it came back at. */
#ifndef SPARKLINK_LINKHIST_H
#define SPARKLINK_LINKHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINKHIST_EVENTS 32

struct link_event {
	int64_t t_ms; /* wall clock (ms since the epoch), for people */
	int64_t mono_ms; /* monotonic, for "in the last N minutes" */
	bool up;
	long speed_mbps; /* -1 unknown (always when down) */
};

struct link_history {
	char name[16];
	unsigned downs, ups;
	struct link_event ev[LINKHIST_EVENTS]; /* a ring: the newest at (head + n - 1) % size */
	size_t head, n;
};

struct linkhist {
	struct link_history *v;
	size_t n;
};

void linkhist_free(struct linkhist *h);
/* A carrier transition of netdev name (it went up or down) at wall time t_ms, monotonic mono_ms. */
void linkhist_note(struct linkhist *h, const char *name, bool up, long speed_mbps, int64_t t_ms,
		   int64_t mono_ms);
const struct link_history *linkhist_find(const struct linkhist *h, const char *name);
/* The i-th transition, oldest first (i < hist->n). */
const struct link_event *linkhist_event(const struct link_history *hist, size_t i);
/* How many times it went down at or after monotonic time since_ms (among those kept). */
unsigned linkhist_downs_since(const struct link_history *hist, int64_t since_ms);

#endif
