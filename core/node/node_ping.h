/* node_ping.h: a rail proved from a peer: `ping -I IF` run on a remote node over the pairing's
 * SSH, as the login user (no sudo), for a cluster's links between two peers. This node's own
 * rails are pinged by core/jobs/rail.c. */
#ifndef SPARKLINK_NODE_PING_H
#define SPARKLINK_NODE_PING_H

#include "core/node/node.h"

#include <stddef.h>

/* On remote node n: 3 pings bound to ifname to dst (a numeric IPv4 address); size 0 the
 * default size, else that payload with do-not-fragment. 0 replies, -EHOSTUNREACH none, other
 * negative codes could not run it (-ENOTSUP: n is this node; -ENOENT: no ping there); the ping's
 * summary line (clean) goes to out. */
int node_remote_ping(struct node *n, const char *ifname, const char *dst, unsigned size, char *out,
		     size_t outsize, char *err, size_t errsize);

#endif
