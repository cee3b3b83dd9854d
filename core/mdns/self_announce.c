/* self_announce.c: whether avahi-daemon has announced this node (see self_announce.h). */
#include "core/mdns/self_announce.h"
#include "core/base/util.h"

#include <avahi-client/client.h>
#include <stdio.h>
#include <stdlib.h>

struct self_announce {
	struct peers *out;
	struct loop_timer *stall;
	self_announce_fn *fn;
	void *arg;
};

static void set(struct self_announce *s, enum mdns_self state, const char *text)
{
	s->out->self = state;
	str_copy(s->out->self_text, text, sizeof(s->out->self_text));
}

static void stall_fired(struct loop_timer *t, void *arg)
{
	(void)t;
	struct self_announce *s = arg;
	if (s->out->self != MDNS_SELF_REGISTERING)
		return;
	char text[sizeof(s->out->self_text)];
	snprintf(text, sizeof(text),
		 "Peers cannot find this node: avahi-daemon has not announced it for %d s (avahi "
		 "0.8 stalls when an address goes away while it probes). Restart it: "
		 "systemctl restart avahi-daemon",
		 SELF_ANNOUNCE_STALL_S);
	set(s, MDNS_SELF_STALLED, text);
	s->out->generation++;
	s->out->dirty = true;
	if (s->fn)
		s->fn(s->arg);
}

struct self_announce *self_announce_new(struct loop *loop, struct peers *out, self_announce_fn *fn,
					void *arg)
{
	struct self_announce *s = xcalloc(1, sizeof(*s));
	s->out = out, s->fn = fn, s->arg = arg;
	s->stall = loop_timer_new(loop, stall_fired, s);
	set(s, MDNS_SELF_UNKNOWN, "");
	return s;
}

void self_announce_free(struct self_announce *s)
{
	if (!s)
		return;
	loop_timer_free(s->stall);
	free(s);
}

void self_announce_update(struct self_announce *s, int client_state)
{
	switch (client_state) {
	case AVAHI_CLIENT_S_REGISTERING:
	case AVAHI_CLIENT_S_COLLISION:
		if (s->out->self == MDNS_SELF_REGISTERING || s->out->self == MDNS_SELF_STALLED)
			return; /* the deadline counts from the first moment */
		set(s, MDNS_SELF_REGISTERING, "avahi-daemon is announcing this node");
		loop_timer_after(s->stall, SELF_ANNOUNCE_STALL_MS);
		return;
	case AVAHI_CLIENT_S_RUNNING: set(s, MDNS_SELF_ANNOUNCED, ""); break;
	default: set(s, MDNS_SELF_UNKNOWN, ""); break;
	}
	loop_timer_at(s->stall, -1);
}
