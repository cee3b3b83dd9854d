/* plan.h: an addressing plan for the cabled twins of two nodes, as the playbook's step 3 does
 * it, computed the same way on both sides.
 *
 * Kinds (mutually exclusive): link-local (netplan `link-local: [ ipv4 ]`), runtime static
 * (addresses through netlink, lost on reboot), persistent static (netplan `addresses:` with
 * `dhcp4: no`). Every twin gets its own /24: the first cabled twin 192.168.100.0/24, the next
 * 192.168.101.0/24, ...; node 1 is .10 and node 2 is .11. Node 1 is the node whose host name
 * sorts first (C locale); the user can swap. MTU 1500 (the playbook's) or 9000. */
#ifndef SPARKLINK_PLAN_H
#define SPARKLINK_PLAN_H

#include "core/base/util.h"

#include <stdbool.h>
#include <stddef.h>

enum plan_kind { PLAN_LINK_LOCAL, PLAN_STATIC, PLAN_STATIC_PERSISTENT };

#define PLAN_MAX_IFS 8
#define PLAN_NETPLAN_PATH "/etc/netplan/40-cx7.yaml"

struct plan_if {
	char ifname[16]; /* this node's (self_node's) interface on the rail */
	char peer_ifname[16]; /* the other node's at the far end of the cable (read from that
			       * node: the names may differ, a p1 cabled to a p0); "" = the same
			       * name (a peer not reached, or a plan record from before) */
	char addr[2][24]; /* node 1's and node 2's "192.168.100.10/24"; "" for link-local */
};

struct plan {
	enum plan_kind kind;
	unsigned mtu;
	int self_node; /* 1 or 2: which node this machine is */
	char names[2][64]; /* node 1's and node 2's host names */
	struct plan_if ifs[PLAN_MAX_IFS];
	size_t nifs;
};

/* Parse "link-local", "static", "static-persistent"; -1 if none of them. */
int plan_kind_parse(const char *s);
const char *plan_kind_name(enum plan_kind k);
/* Which node a host is: 1 if self sorts before peer (C locale), else 2. */
int plan_node_of(const char *self, const char *peer);

/* Build the plan for the cabled twins ifnames (in order: the first cabled twin first). Names are
 * checked (interface names; host names as plain DNS labels); mtu is 1500 or 9000. Returns 0 or
 * -1 with a sentence in err. */
int plan_make(struct plan *p, enum plan_kind kind, unsigned mtu, const char *self, const char *peer,
	      int self_node, const char *const *ifnames, size_t n, char *err, size_t errsize);

/* Node node's (1 or 2) interface on rail i. */
const char *plan_ifname(const struct plan *p, size_t i, int node);
/* The other node's interfaces, rail by rail (n == p->nifs): each an interface name, none twice.
 * 0 or -1 with a sentence in err. */
int plan_set_peer_ifs(struct plan *p, const char *const *ifnames, size_t n, char *err,
		      size_t errsize);

/* The netplan file for node (1 or 2), or "" (runtime static writes no file). */
void plan_netplan_yaml(const struct plan *p, int node, struct buf *out);
/* The commands that carry the plan out on node, one per line, as a person would type them.
 * via_nm (NULL: none) says, per interface, that the runtime static plan goes through
 * NetworkManager there (an in-memory profile, as apply does on a port NetworkManager manages). */
void plan_commands(const struct plan *p, int node, const bool *via_nm, struct buf *out);
/* The whole preview: for both nodes, every file (full content) and every command; via_nm[k]
 * (NULL or an entry NULL: none) is plan_commands' for node k + 1. */
void plan_preview(const struct plan *p, const bool *const via_nm[2], struct buf *out);

/* The plan's journal record ("plan" in journal_ops.h): its data written into b, with the peer's
 * address ("-" for none) and, when they differ from this node's, the peer's interfaces
 * ("peer_ifs=A,B": the only interfaces a record for the peer may name). */
void plan_record_format(const struct plan *p, const char *peer, struct buf *b);
/* Read a record's data back into a plan (and the peer's address); 0 or -1. */
int plan_record_parse(const char *data, struct plan *p, char *peer, size_t peersize);
/* The newest plan record not undone among v (oldest first): its index, the plan and its peer
 * address, or -1. */
struct journal_record;
int plan_record_newest(const struct journal_record *v, size_t n, struct plan *p, char *peer,
		       size_t peersize);
/* The plan applied now: the newest plan record not undone in root's journal at path (only root
 * reads it: plans are written only there). 0, or -1 with the reason in err. */
int plan_read_applied(const char *path, struct plan *p, char *peer, size_t peersize, char *err,
		      size_t errsize);

#endif
