/* discovery.h: Sparks seen over mDNS (avahi `_ssh._tcp`), live, into a peer list (peers.h).
 *
 * discovery runs an avahi client on the core loop (see avahi_poll.h): a browser for _ssh._tcp on
 * every interface and protocol, and a resolver per record, records seen on a ConnectX interface
 * first and a bounded number at a time (a LAN with hundreds of services neither delays the peer
 * on the cable nor grows memory without bound). Each ConnectX interface is browsed on its own
 * first; the browser for every interface (the LAN) starts once those are read out, at most
 * 250 ms later: a peer on the cable is listed before its LAN addresses are (peers.h says what
 * that means for the address a job uses). Records are grouped by host name into peers; each
 * address remembers the interface it was seen on. This machine's own records are marked
 * `self`. A daemon that goes away empties the list and is waited for; no daemon or no D-Bus at
 * all is a state ("mDNS unavailable"), retried with back-off. Every name and address from the
 * network is cleaned (text.h) before it is stored. */
#ifndef SPARKLINK_DISCOVERY_H
#define SPARKLINK_DISCOVERY_H

#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"

struct discovery;
typedef void discovery_change_fn(void *arg);

/* model (may be NULL) tells which interfaces are ConnectX twins: their records resolve first.
 * fn runs after each change of out: at once for the cable, a state or the last pending record;
 * for LAN records at most every 100 ms. */
struct discovery *discovery_new(struct loop *loop, struct peers *out, const struct model *model,
				discovery_change_fn *fn, void *arg);
void discovery_free(struct discovery *d);

#endif
