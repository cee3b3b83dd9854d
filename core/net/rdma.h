/* rdma.h: the RDMA devices and ports of this machine, read from sysfs (root movable, see
 * sysfs.h) and, where a device can be opened, enriched by libibverbs. Each port is mapped to its
 * netdev as ibdev2netdev does: ports/P/gid_attrs/ndevs/N, else device/net/IF by dev_port. */
#ifndef SPARKLINK_RDMA_H
#define SPARKLINK_RDMA_H

#include <stdbool.h>
#include <stddef.h>

enum rdma_link { RDMA_LINK_UNKNOWN = -2, RDMA_LINK_NA = -1, RDMA_LINK_DOWN = 0, RDMA_LINK_UP = 1 };

struct rdma_port {
	char ibdev[64];
	unsigned port;
	char netdev[16]; /* "" when no netdev was found */
	char pci[32]; /* "0000:01:00.0", "" when unknown */
	bool pci_ok;
	unsigned pci_domain, pci_bus, pci_slot, pci_func;
	char fw_ver[64];
	char devid[16]; /* "MT4129" (from the PCI device id), "" unknown */
	char part_id[32]; /* from the VPD, "" unknown */
	char description[96]; /* from the VPD, "" unknown */
	char state[24]; /* "ACTIVE", "DOWN" ... (ports/P/state without its number) */
	char phys_state[24]; /* "LinkUp", "Disabled" ... */
	char rate[48]; /* "200 Gb/sec (4X HDR)" */
	char link_layer[24]; /* "Ethernet", "InfiniBand" */
	int link; /* enum rdma_link: netdev carrier as ibdev2netdev reports it */
	bool stale; /* a carrier change came since state, phys_state and rate were read */
	/* libibverbs, when the device could be opened */
	bool verbs;
	char verbs_state[24];
	unsigned verbs_mtu; /* bytes, 0 unknown */
	unsigned verbs_speed_mbps; /* lane speed x width */
	char verbs_width[8];
	char verbs_link_layer[16];
};

struct rdma_inventory {
	struct rdma_port *ports;
	size_t nports;
	bool no_class; /* ROOT/class/infiniband absent: no RDMA stack */
	bool no_mlx_netdevs; /* no Mellanox netdev at all (ibdev2netdev then prints nothing) */
	char **problems; /* clear sentences about a broken tree */
	size_t nproblems;
	int verbs_errno; /* 0, or why libibverbs listed nothing (ENOSYS: no RDMA stack) */
	size_t verbs_devices;
};

/* Scan the tree under sysfs_root(). Never fails: what cannot be read becomes a problem. With
 * use_verbs, also ask libibverbs (ibv_get_device_list). Ports are sorted as `ls` (C locale). */
void rdma_inventory_scan(struct rdma_inventory *inv, bool use_verbs);
void rdma_inventory_free(struct rdma_inventory *inv);
/* Re-read the parts of one port that change with the cable (state, phys_state, rate, link). */
void rdma_port_refresh(struct rdma_port *p);
/* After a carrier change netlink reported: link follows carrier (as read_link would read it)
 * without reading the netdev's files, and state, phys_state and rate are marked stale, to be read
 * again by rdma_inventory_refresh_stale() when someone shows them (the console does not: a flap
 * costs it no sysfs read). */
void rdma_port_carrier(struct rdma_port *p, bool carrier);
/* Read state, phys_state and rate again for the ports a carrier change made stale. */
void rdma_inventory_refresh_stale(struct rdma_inventory *inv);
/* Find the port whose netdev is name, or NULL. */
struct rdma_port *rdma_inventory_find_netdev(struct rdma_inventory *inv, const char *name);

/* Parse a PCI VPD image (the device's sysfs file "vpd", n bytes): the ID string into
 * p->description and VPD-R's PN keyword into p->part_id, both cleaned; what is missing or
 * malformed leaves them as they are. Pure (the fuzz target tests/fuzz/fuzz_vpd.c drives it). */
void rdma_vpd_parse(const unsigned char *v, size_t n, struct rdma_port *p);

/* "Up", "Down", "NA" or "" as ibdev2netdev prints the link. */
const char *rdma_link_word(int link);

#endif
