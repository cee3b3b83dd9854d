/* avahi_poll.h: avahi's AvahiPoll interface implemented over sparklink's own loop, so the mDNS
 * client's D-Bus descriptor and timeouts are served by the one poll() loop. */
#ifndef SPARKLINK_AVAHI_POLL_H
#define SPARKLINK_AVAHI_POLL_H

#include "core/base/loop.h"

#include <avahi-common/watch.h>

struct avahi_poll;

struct avahi_poll *avahi_poll_new(struct loop *loop);
void avahi_poll_free(struct avahi_poll *ap);
const AvahiPoll *avahi_poll_api(struct avahi_poll *ap);

#endif
