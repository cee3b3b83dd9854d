/* peers.h: Sparks seen over mDNS (avahi `_ssh._tcp`), live, with where each was seen.
 *
 * discovery runs an avahi client on the core loop (see avahi_poll.h): a browser for _ssh._tcp on
 * every interface and protocol, and a resolver per record, records seen on a ConnectX interface
 * first and a bounded number at a time (a LAN with hundreds of services neither delays the peer
 * on the cable nor grows memory without bound). Records are grouped by host name into peers;
 * each address remembers the interface it was seen on. This machine's own records are
 * marked `self`. A daemon that goes away empties the list and is waited for; no daemon or no
 * D-Bus at all is a state ("mDNS unavailable"), retried with back-off. Every name and address
 * from the network is cleaned (text.h) before it is stored. */
#ifndef SPARKLINK_PEERS_H
#define SPARKLINK_PEERS_H

#include "core/base/loop.h"
#include "core/net/model.h"

#include <stdbool.h>
#include <stddef.h>

enum mdns_state {
	MDNS_STARTING,
	MDNS_RUNNING,
	MDNS_WAITING, /* connected to D-Bus, avahi-daemon not (yet) there */
	MDNS_UNAVAILABLE, /* no system D-Bus / client failed: retrying */
};

/* At most this many browse records (service x interface x protocol) are kept. */
#define PEERS_MAX_RECORDS 4096

struct peer_addr {
	char ifname[16];
	int ifindex;
	int family; /* AF_INET / AF_INET6 */
	char addr[48]; /* numeric, no scope */
	unsigned port;
	bool link_local;
};

struct peer {
	char host[256]; /* "spark-2.local", clean for the screen */
	char service[80]; /* the service instance name, clean */
	bool host_ok; /* host is a plain DNS name ([A-Za-z0-9-] labels), safe anywhere */
	bool self; /* this machine */
	bool cable; /* seen on a ConnectX interface (listed before the LAN's peers) */
	struct peer_addr *addrs;
	size_t naddrs;
};

struct peers {
	struct peer *v;
	size_t n;
	enum mdns_state state;
	char state_text[160]; /* for the screen: "mDNS unavailable: ...; retrying" */
	char reason[128]; /* why mDNS is unavailable, without the retry: for the CLI */
	bool all_for_now; /* the browser has reported its initial set */
	bool cache_exhausted; /* the daemon's cache has been read out */
	bool cable_cache_exhausted; /* ... for the ConnectX interfaces (each browsed first) */
	size_t pending; /* records not resolved yet that will still be (queued or resolving) */
	size_t pending_cable; /* of those, the ones seen on a ConnectX interface */
	unsigned long answers; /* resolver answers so far (found or failed): progress */
	size_t ignored; /* records not kept: more than discovery keeps (a flooded LAN) */
	unsigned long generation;
	bool dirty;
};

struct discovery;
typedef void discovery_change_fn(void *arg);

/* model (may be NULL) tells which interfaces are ConnectX twins: their records resolve first.
 * fn runs after each change of out: at once for the cable, a state or the last pending record;
 * for LAN records at most every 100 ms. */
struct discovery *discovery_new(struct loop *loop, struct peers *out, const struct model *model,
				discovery_change_fn *fn, void *arg);
void discovery_free(struct discovery *d);

void peers_init(struct peers *p);
void peers_free(struct peers *p);
const char *mdns_state_word(enum mdns_state s);

/* The physical port number of the ConnectX twin whose netdev is ifname, or -1. */
int peers_ifname_port(const struct model *m, const char *ifname);
/* Where an address was seen: the physical port number of a ConnectX twin, or -1 (the LAN). */
int peer_addr_port(const struct model *m, const struct peer_addr *a);
/* True if the address is on a ConnectX twin that is Up now. */
bool peer_addr_on_up_port(const struct model *m, const struct peer_addr *a);
/* True if the interface the address was seen on has carrier now. avahi keeps records on a link
 * that lost carrier until they expire, so liveness is judged from the ports model. */
bool peer_addr_live(const struct model *m, const struct peer_addr *a);
/* Number of live addresses of a peer. */
size_t peer_live_addrs(const struct model *m, const struct peer *p);

#endif
