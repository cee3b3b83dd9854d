/* rail.h: one rail (a planned interface and the peer's address on the same link) and its proof:
 * a ping bound to the interface, and with MTU 9000 an unfragmented 8972-byte one. */
#ifndef SPARKLINK_RAIL_H
#define SPARKLINK_RAIL_H

#include <stdbool.h>
#include <stddef.h>

struct rail {
	char ifname[16];
	char self_addr[48], peer_addr[48]; /* without the prefix length */
	bool ok, jumbo_tested, jumbo_ok;
	char text[200];
};

/* Verify n rails at once: every ping (and with mtu 9000 every jumbo one beside it) started
 * together, then each rail judged as rail_verify does. */
void rail_verify_all(struct rail *r, size_t n, unsigned mtu);

/* Verify one rail: ping peer from self_addr bound to ifname (and the jumbo ping with mtu
 * 9000); fills r->ok, r->jumbo_*, r->text. Runs `ping` as a child process. */
void rail_verify(struct rail *r, unsigned mtu);

#endif
