/* model.h: what sparklink knows about this machine's ports, in one place.
 *
 * The model is plain data. core/ fills it (rdma.c from sysfs and libibverbs, netmon.c from
 * netlink events, ports.c groups twins and computes findings); ui/ and the CLI only read it.
 * Every update bumps `generation` and sets `dirty`; the console redraws once per loop turn when
 * dirty and clears the flag. */
#ifndef SPARKLINK_MODEL_H
#define SPARKLINK_MODEL_H

#include "core/net/linkhist.h"
#include "core/net/netplan_files.h"
#include "core/net/nm.h"
#include "core/net/rdma.h"

#include <stdbool.h>
#include <stddef.h>

struct netdev_addr {
	int family; /* AF_INET or AF_INET6 */
	char text[48]; /* "192.168.100.10" (no prefix) */
	unsigned prefixlen;
	bool link_local; /* 169.254/16 or fe80::/10 */
};

struct netdev {
	char name[16];
	int ifindex; /* 0 when netlink does not know it (fixture-only netdev) */
	bool admin_up;
	bool carrier;
	char operstate[16]; /* "up", "down", "lowerlayerdown", "unknown", ... */
	unsigned mtu;
	char mac[24];
	long speed_mbps; /* from sysfs speed; -1 unknown */
	bool no_speed; /* its sysfs speed file does not exist (ENOENT): not opened again */
	char phys_port_name[16];
	struct netdev_addr *addrs;
	size_t naddrs;
	bool rdma; /* backs an RDMA port */
};

/* One twin: an RDMA port and its netdev (either may be missing in a broken tree). */
struct twin {
	const struct rdma_port *rdma; /* points into model.rdma.ports */
	const struct netdev *netdev; /* points into model.netdevs, NULL if absent */
	char netdev_name[16];
};

/* One physical QSFP port: up to two twins (PCI domain 0000 and 0002, same function). */
struct phys_port {
	int number; /* 0, 1 ... as the netdev's phys_port_name pN or the PCI function */
	struct twin twins[2];
	size_t ntwins;
	bool cabled; /* at least one twin has carrier */
};

enum finding_level { FINDING_INFO, FINDING_WARN, FINDING_ERROR };

struct finding {
	enum finding_level level;
	char code[24]; /* stable id for scripts: "no-link", "twin-down", ... */
	char text[240]; /* what is wrong, in plain words */
	char fix[360]; /* what to do */
};

struct model {
	struct rdma_inventory rdma;
	bool rdma_scanned;
	struct netdev *netdevs;
	size_t nnetdevs;
	bool netlink_ok; /* netdev state comes from netlink (else from sysfs files) */
	struct phys_port *ports;
	size_t nports;
	size_t *others; /* indexes into netdevs of non-RDMA interfaces (no lo) */
	size_t nothers;
	struct finding *findings;
	size_t nfindings;
	/* indexes into netdevs (ascending) of those with an IPv4 address that is not link-local:
	 * the same-subnet finding pairs only these; kept by model_refresh_netdevs() for the
	 * netdevs a change named, found again by a scan after any other change (v4_ok false) */
	size_t *v4;
	size_t nv4;
	bool v4_ok;
	struct linkhist linkhist; /* carrier transitions seen since start (netmon notes them) */
	/* who else configures the twins (filled by whoever probes: `status`, the console's
	 * nmwatch.c; nothing is known until then): NetworkManager's view of the twins and the
	 * other tools' files in /etc/netplan naming one; findings.c reports them */
	struct nm_view nm;
	struct netplan_scan netplan;
	unsigned long generation;
	/* bumped by the updates that may change the ports (the grouping, a twin's netdev, what
	 * NetworkManager says): not by a change to other interfaces only, which the steps do not
	 * read */
	unsigned long ports_generation;
	bool dirty;
};

void model_init(struct model *m);
void model_free(struct model *m);
/* After netdevs or rdma changed: rebuild the twin grouping and the findings, bump generation. */
void model_rebuild(struct model *m);
/* After netdevs changed in place (netmon's partial updates: carrier, MTU, addresses of netdevs
 * the table has, under the same names): the grouping stands; cables and findings again, bump
 * generation. */
void model_refresh(struct model *m);
/* The same after only the netdevs at these indexes changed in place (netmon's batches): the
 * cost follows what changed, not the size of the table. */
void model_refresh_netdevs(struct model *m, const size_t *idx, size_t n);
/* The netdevs with an IPv4 address that is not link-local (m->v4), scanned when not known. */
void model_v4_index(struct model *m);
const struct netdev *model_netdev(const struct model *m, const char *name);
void netdev_clear(struct netdev *d);
const char *finding_level_word(enum finding_level l);

/* Fill netdevs from the sysfs tree alone (no netlink): fixtures and the fallback path. */
void model_load_sysfs_netdevs(struct model *m);
/* One netdev's attributes from sysfs; the interface names under class/net (caller frees). */
void netdev_load_sysfs(struct netdev *n, const char *name);
char **sysfs_netdev_names(size_t *n);
/* Keep netdevs sorted by name: model_netdev() searches them by halves. */
void model_sort_netdevs(struct model *m);
/* The netdev names of every ConnectX twin, in port order (at most max); returns how many. */
size_t model_twin_names(const struct model *m, const char **out, size_t max);

#endif
