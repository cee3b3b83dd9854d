/* node_remote_cables.h: the parser of the peer's cable side (node_remote_cables.c), pure and
 * exported for its fuzz target (tests/fuzz/fuzz_cables.c); the peer may be hostile. */
#ifndef SPARKLINK_NODE_REMOTE_CABLES_H
#define SPARKLINK_NODE_REMOTE_CABLES_H

#include "core/node/node.h"

/* CABLES' output (NUL-terminated, split in place): "if NAME CARRIER SPEED PCI" lines (SPEED and
 * PCI "-" when unknown), "@addrs" and `ip -o addr show`, "@browse" and `avahi-browse -prt
 * _ssh._tcp` (browse_output.h). Keeps the ConnectX twins only (a PCI function, else a name as
 * systemd derives it from one: en[Pd]pBsSfFnpN; port F, twin 0 in domain 0000), their IPv4 and
 * IPv6 link-local addresses, and the sightings on those twins. */
void node_remote_parse_cables(char *text, struct node_cables *out);

#endif
