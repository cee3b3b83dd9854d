/* node_local.h: this machine as a node (node.h): libnl for interfaces and addresses, files
 * replaced atomically, netplan as a child process. */
#ifndef SPARKLINK_NODE_LOCAL_H
#define SPARKLINK_NODE_LOCAL_H

#include "core/node/node.h"

#include <stdbool.h>
#include <stddef.h>

/* This machine. Opens a netlink socket; fails with a sentence if it cannot. Changes need root
 * (the caller checks: node_local_can_change). */
struct node *node_local_new(char *err, size_t errsize);
bool node_local_can_change(void);

/* This machine's cable side (node.h `cables`: its ConnectX twins with carrier, speed and
 * addresses) from a ports model the caller keeps (the console's, live); no mDNS view. Pure. */
struct model;
struct node_cables;
void node_local_cables_model(const struct model *m, struct node_cables *out);

#endif
