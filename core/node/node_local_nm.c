/* node_local_nm.c: NetworkManager on this machine as a node operation (node.h): the renderer,
 * a port's managed state and profile, the in-memory profile of the runtime static plan and its
 * undo, through core/net/nm.c (the system bus). Changes need root, as NetworkManager's polkit
 * rules on DGX OS say. */
#include "core/node/node_local_shared.h"
#include "core/net/nm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int node_local_nm_probe(struct node *n, const char *ifname, struct nm_node *node,
			struct nm_port *port, char *err, size_t errsize)
{
	(void)n;
	memset(port, 0, sizeof(*port));
	if (nm_local_node(node, err, errsize) < 0) {
		err[0] = '\0'; /* no system bus: no renderer to ask, not an error */
		return 0;
	}
	if (!ifname || node->renderer != NM_RENDERER_NM)
		return 0;
	return nm_local_port(ifname, port, err, errsize);
}

static int root_needed(char *err, size_t errsize)
{
	if (geteuid() == 0)
		return 0;
	snprintf(err, errsize,
		 "changing NetworkManager's profiles needs root: run sparklink with sudo");
	return -EPERM;
}

int node_local_nm_activate(struct node *n, const char *ifname, const char *uuid, const char *cidr,
			   unsigned mtu, char *err, size_t errsize)
{
	(void)n;
	int r = root_needed(err, errsize);
	return r < 0 ? r : nm_local_activate(ifname, uuid, cidr, mtu, err, errsize);
}

int node_local_nm_restore(struct node *n, const char *ifname, const char *uuid, const char *prev,
			  char *err, size_t errsize)
{
	(void)n;
	int r = root_needed(err, errsize);
	return r < 0 ? r : nm_local_restore(ifname, uuid, prev, err, errsize);
}
