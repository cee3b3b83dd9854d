/* peers.h: the peer list (Sparks seen over mDNS, each with where it was seen) and the one rule
 * for the address a job reaches a peer at.
 *
 * discovery.h fills the list, live; this is what the console and the command line read: where
 * an address was seen (port N of the cable, or the LAN), whether it is live now, and which
 * address pairing, verify and apply use (peers_pick_address()). */
#ifndef SPARKLINK_PEERS_H
#define SPARKLINK_PEERS_H

#include "core/net/model.h"

#include <stdbool.h>
#include <stddef.h>

enum mdns_state {
	MDNS_STARTING,
	MDNS_RUNNING,
	MDNS_WAITING, /* connected to D-Bus, avahi-daemon not (yet) there */
	MDNS_UNAVAILABLE, /* no system D-Bus / client failed: retrying */
};

/* Whether avahi-daemon has announced this node (self_announce.h): peers find it only then. */
enum mdns_self {
	MDNS_SELF_UNKNOWN, /* no daemon to ask */
	MDNS_SELF_ANNOUNCED,
	MDNS_SELF_REGISTERING, /* for less than SELF_ANNOUNCE_STALL_MS so far */
	MDNS_SELF_STALLED, /* registering for longer: avahi 0.8 stays so */
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
	enum mdns_self self;
	char self_text[200]; /* for the screen, when stalled: what it means and what to do */
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

void peers_init(struct peers *p);
void peers_free(struct peers *p);
/* Empty the list (its state and counters are kept). */
void peers_clear(struct peers *p);
const char *mdns_state_word(enum mdns_state s);
/* "announced", "registering", "stalled" or "unknown". */
const char *mdns_self_word(enum mdns_self s);

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
/* The peer whose host name is host, or NULL. The list is rebuilt as discovery learns more: a
 * pointer into it is good until the next change, a host name for good. */
const struct peer *peers_find(const struct peers *p, const char *host);

/* What the address is for. */
enum peer_purpose {
	PEER_FOR_PAIRING, /* pair and verify: SSH in; the peer is recorded under its names */
	PEER_FOR_ADDRESSING, /* apply (its rollback uses the address apply recorded): the plan
			      * changes the cable's addresses */
};

/* The one rule for the address to reach a peer at, for the console and the command line alike.
 * Only live addresses count (peer_addr_live()). The management LAN (seen on an interface that is
 * not one of our ConnectX twins) comes first for every purpose: its IPv4 address. Then
 * - pairing, verify: the cable's IPv4, the cable's IPv6 link-local, the LAN's IPv6 link-local,
 *   any other IPv6 address (the LAN's first). A pairing recorded under the LAN's names
 *   survives the re-addressing of the cable; before the cable has IPv4, its IPv6 link-local
 *   address is the way in.
 * - addressing: the rest of the LAN (IPv6 link-local, other IPv6) before anything on the cable,
 *   and on the cable IPv6 link-local before IPv4: every plan changes the cable's IPv4.
 * Among equals, the first seen. IPv6 link-local is written with its scope ("fe80::1%enp1s0f1np1").
 * Writes the address into out (if not NULL) and returns the one chosen; NULL if none is live.
 *
 * When: discovery lists a peer on the cable up to 250 ms before its LAN addresses (discovery.h).
 * So a job picks its address when it starts, not when its dialog opens (the console looks the
 * peer up again by name at that moment), and the command line reads discovery until the LAN's
 * records are in (at most 2 s) before it picks. A job started inside that window still goes
 * over the cable, and a pairing then records the cable's names only: pairing again once the
 * LAN address is listed adds the LAN's. */
const struct peer_addr *peers_pick_address(const struct peer *p, const struct model *m,
					   enum peer_purpose why, char *out, size_t size);

#endif
