/* peers.c: the peer list, where each address was seen, and the rule for the address a job
 * reaches a peer at (peers_pick_address()). */
#include "core/mdns/peers.h"
#include "core/base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void peers_init(struct peers *p)
{
	memset(p, 0, sizeof(*p));
	p->state = MDNS_STARTING;
	str_copy(p->state_text, "mDNS: starting", sizeof(p->state_text));
}

void peers_clear(struct peers *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].addrs);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void peers_free(struct peers *p)
{
	peers_clear(p);
}

const char *mdns_state_word(enum mdns_state s)
{
	switch (s) {
	case MDNS_RUNNING: return "running";
	case MDNS_WAITING: return "waiting for avahi-daemon";
	case MDNS_UNAVAILABLE: return "unavailable";
	default: return "starting";
	}
}

const char *mdns_self_word(enum mdns_self s)
{
	switch (s) {
	case MDNS_SELF_ANNOUNCED: return "announced";
	case MDNS_SELF_REGISTERING: return "registering";
	case MDNS_SELF_STALLED: return "stalled";
	default: return "unknown";
	}
}

int peers_ifname_port(const struct model *m, const char *ifname)
{
	for (size_t k = 0; k < m->nports; k++)
		for (size_t t = 0; t < m->ports[k].ntwins; t++)
			if (strcmp(m->ports[k].twins[t].netdev_name, ifname) == 0)
				return m->ports[k].number;
	return -1;
}

int peer_addr_port(const struct model *m, const struct peer_addr *a)
{
	return peers_ifname_port(m, a->ifname);
}

bool peer_addr_on_up_port(const struct model *m, const struct peer_addr *a)
{
	return peer_addr_port(m, a) >= 0 && peer_addr_live(m, a);
}

bool peer_addr_live(const struct model *m, const struct peer_addr *a)
{
	const struct netdev *d = model_netdev(m, a->ifname);
	return d && d->carrier;
}

size_t peer_live_addrs(const struct model *m, const struct peer *p)
{
	size_t n = 0;
	for (size_t k = 0; k < p->naddrs; k++)
		n += peer_addr_live(m, &p->addrs[k]);
	return n;
}

const struct peer *peers_find(const struct peers *p, const char *host)
{
	for (size_t i = 0; host && i < p->n; i++)
		if (strcmp(p->v[i].host, host) == 0)
			return &p->v[i];
	return NULL;
}

/* Where an address was seen and what it is, as the rule tells them apart. */
enum addr_kind {
	LAN_IPV4,
	LAN_LL6, /* IPv6 link-local */
	LAN_IPV6, /* any other IPv6 */
	CABLE_IPV4,
	CABLE_LL6,
	CABLE_IPV6,
	NKINDS
};

/* peers.h says why, best first. */
static const enum addr_kind preference[][NKINDS] = {
	[PEER_FOR_PAIRING] = { LAN_IPV4, CABLE_IPV4, CABLE_LL6, LAN_LL6, LAN_IPV6, CABLE_IPV6 },
	[PEER_FOR_ADDRESSING] = { LAN_IPV4, LAN_LL6, LAN_IPV6, CABLE_LL6, CABLE_IPV4, CABLE_IPV6 },
};

static enum addr_kind addr_kind(const struct model *m, const struct peer_addr *a)
{
	bool cable = peer_addr_port(m, a) >= 0;
	if (a->family == AF_INET)
		return cable ? CABLE_IPV4 : LAN_IPV4;
	if (a->link_local)
		return cable ? CABLE_LL6 : LAN_LL6;
	return cable ? CABLE_IPV6 : LAN_IPV6;
}

const struct peer_addr *peers_pick_address(const struct peer *p, const struct model *m,
					   enum peer_purpose why, char *out, size_t size)
{
	const struct peer_addr *best = NULL;
	size_t best_rank = NKINDS;
	for (size_t k = 0; k < p->naddrs; k++) {
		const struct peer_addr *a = &p->addrs[k];
		if (!peer_addr_live(m, a))
			continue;
		enum addr_kind kind = addr_kind(m, a);
		size_t rank = 0;
		while (rank < NKINDS && preference[why][rank] != kind)
			rank++;
		if (rank < best_rank)
			best = a, best_rank = rank;
	}
	if (best && out && best->family == AF_INET6 && best->link_local)
		snprintf(out, size, "%s%%%s", best->addr, best->ifname);
	else if (best && out)
		str_copy(out, best->addr, size);
	return best;
}
