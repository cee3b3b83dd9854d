/* self_announce.h: whether avahi-daemon has announced this node, as its client reports it.
 *
 * Peers find this node only once avahi-daemon has registered its host name: the client's state
 * is "registering" until then, "running" after. That takes a second or two. avahi 0.8 (Debian 12,
 * Debian 13, Ubuntu 24.04) can stay registering for good: when an address goes away while its
 * records are being probed (NetworkManager's automatic "Wired connection" profiles on the
 * ConnectX ports add and remove theirs; `netplan apply` takes the LAN's IPv4 away for a moment)
 * a counter is never decremented (fixed upstream after 0.8). Nothing reports that, so a single
 * deadline does: registering for SELF_ANNOUNCE_STALL_MS turns into "stalled", with what to do. */
#ifndef SPARKLINK_SELF_ANNOUNCE_H
#define SPARKLINK_SELF_ANNOUNCE_H

#include "core/base/loop.h"
#include "core/mdns/peers.h"

#define SELF_ANNOUNCE_STALL_S 10
#define SELF_ANNOUNCE_STALL_MS (SELF_ANNOUNCE_STALL_S * 1000)

struct self_announce;
typedef void self_announce_fn(void *arg);

/* Writes out->self and out->self_text; fn runs when the deadline turns them into "stalled". */
struct self_announce *self_announce_new(struct loop *loop, struct peers *out, self_announce_fn *fn,
					void *arg);
void self_announce_free(struct self_announce *s);
/* The avahi client's state (an AvahiClientState): registering or collision arm the deadline
 * (once), running clears it, anything else (no daemon) is "unknown". */
void self_announce_update(struct self_announce *s, int client_state);

#endif
