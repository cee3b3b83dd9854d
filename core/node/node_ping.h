/* node_ping.h: rails proved from a peer: `ping -I IF` run on a remote node over the pairing's
 * SSH, as the login user (no sudo), for a cluster's links between two peers; every ping of a
 * node in one command, all at once. This node's own rails are pinged by core/jobs/rail.c. */
#ifndef SPARKLINK_NODE_PING_H
#define SPARKLINK_NODE_PING_H

#include "core/node/node.h"

#include <stdbool.h>
#include <stddef.h>

#define NODE_PING_MAX 64 /* targets in one command */

/* One ping of a batch: 3 pings bound to ifname to dst (a numeric IPv4 address); size 0 the
 * default size, else that payload with do-not-fragment. */
struct node_ping {
	char ifname[16];
	char dst[48];
	unsigned size;
	/* the result: 0 replies, -EHOSTUNREACH none, -ENODEV no such interface there, -EIO ping
	 * did not run (out says why) */
	int rc;
	char out[160]; /* the ping's summary line (clean), or its first line when it did not run */
};

/* On remote node n: every ping of t (nt <= NODE_PING_MAX) started at once in one command, each
 * target's result read back. 0 when every target has its result; negative when the command
 * could not run or answered something else (err says why; -ENOTSUP: n is this node; -ENOENT:
 * no ping there; -EINVAL: a target is not an interface name and an IPv4 address). */
int node_remote_ping_all(struct node *n, struct node_ping *t, size_t nt, char *err, size_t errsize);

/* The command's answer (the peer's output, untrusted): exactly one line per target, in order,
 * "INDEX STATUS[ TEXT]" with STATUS ping's exit status (0-255) or "-" (no such interface, no
 * text); fills t[].rc and t[].out (clean). false, every result -EIO, when the answer is not
 * exactly that. */
bool node_ping_parse(const char *data, size_t len, struct node_ping *t, size_t nt);

#endif
