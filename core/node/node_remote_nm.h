/* node_remote_nm.h: the peer's NetworkManager answers (node_remote_nm.c runs `busctl
 * --json=short` over SSH and parses what it prints with this). */
#ifndef SPARKLINK_NODE_REMOTE_NM_H
#define SPARKLINK_NODE_REMOTE_NM_H

#include "core/net/nm.h"

#include <stdbool.h>

/* NM_PROBE's "TAG JSON" lines (busctl --json=short answers: nm, networkd, version, managed,
 * state, active, id, uuid; NUL-terminated, split in place) into node and port (zeroed by the
 * caller). Pure, the peer possibly hostile. False if a line is not one of those or the "nm" line
 * is missing. */
bool node_remote_parse_nm_probe(char *text, struct nm_node *node, struct nm_port *port);

#endif
