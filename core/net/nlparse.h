/* nlparse.h: link and address notifications (rtnetlink) read from raw bytes.
 *
 * netmon.c reads the notifications it subscribed to with this parser, not libnl's caches (which
 * cost more per carrier transition than everything else but the screen); libnl still does the
 * dumps. The bytes are untrusted: every length is checked against what is left, a message or
 * attribute that does not fit ends the walk, and nothing is read outside buf. What a message
 * yields is what netmon.c's dump path takes from libnl for the same state (the unit test
 * test_nlparse compares the two on this machine's links and addresses). */
#ifndef SPARKLINK_NLPARSE_H
#define SPARKLINK_NLPARSE_H

#include "core/net/model.h"

#include <stdbool.h>
#include <stddef.h>

enum nlparse_kind { NLPARSE_LINK_NEW, NLPARSE_LINK_DEL, NLPARSE_ADDR_NEW, NLPARSE_ADDR_DEL };

struct nlparse_event {
	enum nlparse_kind kind;
	int ifindex;
	/* LINK_*: name (clean, as libnl truncates it: 15 bytes), ifindex, admin_up, carrier,
	 * operstate, mtu, mac; everything else zero, speed_mbps -1 */
	struct netdev link;
	/* ADDR_*: an IPv4 or IPv6 address; peer when it is IPv4 with a peer address (libnl tells
	 * such addresses apart by their peer, which the model does not keep) */
	struct netdev_addr addr;
	bool peer;
};

typedef void nlparse_fn(const struct nlparse_event *ev, void *arg);

/* Walk one datagram of netlink messages, calling fn for each link (AF_UNSPEC) or address
 * (AF_INET, AF_INET6) message with what the model keeps; other messages are skipped. Returns
 * 0, or -1 when a length did not fit (the messages before it were passed on). */
int nlparse_datagram(const void *buf, size_t len, nlparse_fn *fn, void *arg);

#endif
