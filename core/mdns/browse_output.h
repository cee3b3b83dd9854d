/* browse_output.h: what `avahi-browse -prt _ssh._tcp` printed on another node (over SSH): the
 * resolved services, each with the interface it was seen on, the host, the address and the port.
 *
 * The text comes from the network (a peer, possibly hostile): every field is checked (an
 * interface name, a host name as plain DNS labels, an address inet_pton accepts, a port) and a
 * line with anything else is skipped. Service names arrive escaped as avahi escapes labels
 * ("\." "\\" and "\DDD" for any other byte) and are decoded, then cleaned. */
#ifndef SPARKLINK_BROWSE_OUTPUT_H
#define SPARKLINK_BROWSE_OUTPUT_H

#include <stddef.h>

struct browse_entry {
	char ifname[16];
	int family; /* AF_INET or AF_INET6 */
	char name[64]; /* the service's name, decoded and cleaned */
	char host[64]; /* "spark-2" (".local" removed) */
	char addr[48]; /* "fe80::4c:bbff:fe47:1303", "10.77.0.2" */
	unsigned port;
};

/* Parse text (n bytes); entries go to out (at most max). Returns how many lines were usable (may
 * exceed max: only max are written). */
size_t browse_output_parse(const char *text, size_t n, struct browse_entry *out, size_t max);

#endif
