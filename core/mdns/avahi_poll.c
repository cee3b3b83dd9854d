/* avahi_poll.c: the seven AvahiPoll functions over core/base/loop.c.
 *
 * avahi may free a watch or timeout from inside its own callback; the loop only marks its part
 * dead, and the wrapper here is never touched after its callback returns. */
#include "core/mdns/avahi_poll.h"
#include "core/base/util.h"

#include <stdlib.h>
#include <sys/time.h>

struct avahi_poll {
	AvahiPoll api;
	struct loop *loop;
};

struct AvahiWatch {
	struct loop_watch *lw;
	AvahiWatchEvent revents;
	AvahiWatchCallback cb;
	void *userdata;
};

struct AvahiTimeout {
	struct loop_timer *t;
	AvahiTimeoutCallback cb;
	void *userdata;
};

static void watch_ready(struct loop_watch *lw, int fd, short revents, void *arg)
{
	(void)lw;
	AvahiWatch *w = arg;
	w->revents = (AvahiWatchEvent)revents;
	w->cb(w, fd, (AvahiWatchEvent)revents, w->userdata); /* may free w */
}

static AvahiWatch *watch_new(const AvahiPoll *api, int fd, AvahiWatchEvent event,
			     AvahiWatchCallback cb, void *userdata)
{
	struct avahi_poll *ap = api->userdata;
	AvahiWatch *w = xcalloc(1, sizeof(*w));
	w->cb = cb;
	w->userdata = userdata;
	w->lw = loop_watch_new(ap->loop, fd, (short)event, watch_ready, w);
	return w;
}

static void watch_update(AvahiWatch *w, AvahiWatchEvent event)
{
	loop_watch_set(w->lw, (short)event);
}

static AvahiWatchEvent watch_get_events(AvahiWatch *w)
{
	return w->revents;
}

static void watch_free(AvahiWatch *w)
{
	loop_watch_free(w->lw);
	free(w);
}

static void timeout_fired(struct loop_timer *t, void *arg)
{
	(void)t;
	AvahiTimeout *to = arg;
	to->cb(to, to->userdata); /* may free to */
}

/* avahi's times are absolute wall-clock (gettimeofday); the loop's are monotonic. */
static void arm(AvahiTimeout *to, const struct timeval *tv)
{
	if (!tv) {
		loop_timer_at(to->t, -1);
		return;
	}
	struct timeval now;
	gettimeofday(&now, NULL);
	int64_t delta = ((int64_t)tv->tv_sec - now.tv_sec) * 1000 +
			((int64_t)tv->tv_usec - now.tv_usec + 999) / 1000;
	loop_timer_after(to->t, delta > 0 ? delta : 0);
}

static AvahiTimeout *timeout_new(const AvahiPoll *api, const struct timeval *tv,
				 AvahiTimeoutCallback cb, void *userdata)
{
	struct avahi_poll *ap = api->userdata;
	AvahiTimeout *to = xcalloc(1, sizeof(*to));
	to->cb = cb;
	to->userdata = userdata;
	to->t = loop_timer_new(ap->loop, timeout_fired, to);
	arm(to, tv);
	return to;
}

static void timeout_update(AvahiTimeout *to, const struct timeval *tv)
{
	arm(to, tv);
}

static void timeout_free(AvahiTimeout *to)
{
	loop_timer_free(to->t);
	free(to);
}

struct avahi_poll *avahi_poll_new(struct loop *loop)
{
	struct avahi_poll *ap = xcalloc(1, sizeof(*ap));
	ap->loop = loop;
	ap->api = (AvahiPoll){
		.userdata = ap,
		.watch_new = watch_new,
		.watch_update = watch_update,
		.watch_get_events = watch_get_events,
		.watch_free = watch_free,
		.timeout_new = timeout_new,
		.timeout_update = timeout_update,
		.timeout_free = timeout_free,
	};
	return ap;
}

void avahi_poll_free(struct avahi_poll *ap)
{
	free(ap);
}

const AvahiPoll *avahi_poll_api(struct avahi_poll *ap)
{
	return &ap->api;
}
