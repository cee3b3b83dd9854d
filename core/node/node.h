/* node.h: a machine whose network sparklink changes, behind one set of operations.
 *
 * Two kinds: this machine (node_local.c: netlink through libnl, files written atomically,
 * `netplan` run as a child; needs root for changes) and the peer (node_remote.c: the pairing's
 * SSH with the user's key, every change through `sudo` and stock tools: sh, ip, cat, base64,
 * netplan). The apply and rollback engines (apply.c, rollback.c) speak only this interface, so
 * both nodes are changed, journaled and undone the same way.
 *
 * Every operation returns 0 or a negative code and writes a sentence into err. The remote ones
 * run in a worker thread (they block on the network); the local ones are quick. */
#ifndef SPARKLINK_NODE_H
#define SPARKLINK_NODE_H

#include "core/base/util.h"
#include "core/net/nm.h"

#include <stdbool.h>
#include <stddef.h>

#define NODE_MAX_ADDRS 8

/* One interface as it is now. */
struct node_if {
	char ifname[16];
	bool exists;
	bool up; /* administratively up (IFF_UP) */
	bool carrier; /* IFF_LOWER_UP */
	unsigned mtu;
	char addrs[NODE_MAX_ADDRS][48]; /* IPv4 "a.b.c.d/len", in the kernel's order */
	size_t naddrs;
	char addrs6[NODE_MAX_ADDRS][64]; /* IPv6 link-local "fe80::.../64" */
	size_t naddrs6;
	int addr_gen_mode; /* IFLA_INET6_ADDR_GEN_MODE: 0 eui64, 1 none, 2 stable, 3 random; -1 */
};

/* One file as it is now. */
struct node_file {
	bool exists;
	unsigned mode; /* permission bits */
	struct buf data; /* the whole content (byte for byte) when exists */
};

/* One ConnectX twin of a node as the cable map needs it (cables below). */
#define NODE_MAX_CABLE_IFS 8
#define NODE_MAX_SIGHTINGS 128
struct node_cable_if {
	char ifname[16];
	int port; /* the physical port: 0, 1 */
	int twin; /* 0: the function in PCI domain 0000, 1: its twin in the other domain */
	bool carrier;
	unsigned speed_mbps; /* 0: unknown (no link, or not a PCI device) */
	char addrs[NODE_MAX_ADDRS][48]; /* IPv4 and IPv6 link-local, numeric, no prefix */
	size_t naddrs;
};

/* A peer this node's mDNS sees on one of its interfaces: the host (its name without ".local")
 * and the address it answered with there. */
struct node_sighting {
	char ifname[16];
	char host[64];
	char addr[48];
};

/* A node's cable side: its twins and, when `avahi-browse` could be run there, what its own mDNS
 * view shows (browsed: true). */
struct node_cables {
	struct node_cable_if ifs[NODE_MAX_CABLE_IFS];
	size_t nifs;
	struct node_sighting seen[NODE_MAX_SIGHTINGS];
	size_t nseen;
	bool browsed;
};

struct node;

struct node_ops {
	int (*probe_if)(struct node *n, const char *ifname, struct node_if *out, char *err,
			size_t errsize);
	/* file_read fills f (caller does node_file_free); a missing file is exists=false, not an
	 * error. file_write replaces path atomically (temporary file, fsync, rename) with mode,
	 * owner root; a missing parent directory is created (mode 0700, for backups). file_remove: a missing file is success. All as root. */
	int (*file_read)(struct node *n, const char *path, struct node_file *f, char *err,
			 size_t errsize);
	int (*file_write)(struct node *n, const char *path, const char *data, size_t len,
			  unsigned mode, char *err, size_t errsize);
	int (*file_remove)(struct node *n, const char *path, char *err, size_t errsize);
	/* The regular files in dir (names only, one per line, sorted); a missing dir is empty. */
	int (*dir_list)(struct node *n, const char *dir, struct buf *names, char *err,
			size_t errsize);
	/* Add or delete an address "a.b.c.d/len" (or IPv6 "fe80::1/64") on ifname. Adding one that
	 * is there, or deleting one that is not, is success (idempotent). */
	int (*addr_set)(struct node *n, const char *ifname, const char *cidr, bool add, char *err,
			size_t errsize);
	int (*mtu_set)(struct node *n, const char *ifname, unsigned mtu, char *err, size_t errsize);
	int (*link_set)(struct node *n, const char *ifname, bool up, char *err, size_t errsize);
	/* Set IFLA_INET6_ADDR_GEN_MODE (as `ip link set IF addrgenmode eui64|none|...`).
	 * networkd sets "none" on links it gives `link-local: [ ipv4 ]` and removes fe80::; rollback
	 * sets the mode back and re-adds the old fe80:: address with addr_set (which takes IPv6
	 * "fe80::.../64" too). */
	int (*addrgenmode_set)(struct node *n, const char *ifname, int mode, char *err,
			       size_t errsize);
	/* `netplan generate` (with root_dir: --root-dir) or `netplan apply`; its error output is
	 * in err. */
	int (*netplan)(struct node *n, const char *verb, char *err, size_t errsize);
	/* The interface that carries the SSH session a person is using to reach this node ("" when
	 * none): locally from $SSH_CONNECTION, remotely the session sparklink itself uses. */
	int (*session_if)(struct node *n, char *ifname, size_t size, char *err, size_t errsize);
	/* NetworkManager (core/net/nm.h): the node's renderer and, for ifname (NULL: none), what
	 * NetworkManager says of it (all zero when it does not run there). */
	int (*nm_probe)(struct node *n, const char *ifname, struct nm_node *node,
			struct nm_port *port, char *err, size_t errsize);
	/* Add and activate the in-memory profile uuid ("sparklink-IF": cidr, mtu) on ifname. */
	int (*nm_activate)(struct node *n, const char *ifname, const char *uuid, const char *cidr,
			   unsigned mtu, char *err, size_t errsize);
	/* Delete the profile uuid if it exists, then activate prev ("-": none) on ifname if it
	 * exists. Idempotent. */
	int (*nm_restore)(struct node *n, const char *ifname, const char *uuid, const char *prev,
			  char *err, size_t errsize);
	/* The node's ConnectX twins (carrier, speed, addresses) and its mDNS view (read-only; a
	 * remote node runs `avahi-browse -prt _ssh._tcp` as the login user; locally the view is
	 * left empty: the caller has discovery). */
	int (*cables)(struct node *n, struct node_cables *out, char *err, size_t errsize);
	/* The node's host name (clean). */
	int (*hostname)(struct node *n, char *out, size_t size, char *err, size_t errsize);
	void (*free)(struct node *n);
};

struct node {
	const struct node_ops *ops;
	char host[128]; /* "local", or the peer's address as the journal records it */
	char user[64]; /* the login user on a remote node; "" locally */
};

void node_file_init(struct node_file *f);
/* "a.b.c.d/len" (len 1..32) or an IPv6 "x::y/len" (len 1..128): family, the 4 or 16 bytes, the
 * length, and canon as inet_ntop writes it ("fe80::1/64"; NULL if not wanted). */
bool node_cidr_parse(const char *cidr, int *family, unsigned char ip[16], int *plen, char *canon,
		     size_t canonsize);
/* Whether the address of cidr lies in the network of net ("192.168.1.5/24" is in
 * "192.168.1.1/24", not in "192.168.100.1/24"): the same family and the same first bits, as many
 * as net's prefix length. False if either is not a CIDR node_cidr_parse takes. */
bool node_cidr_in_net(const char *cidr, const char *net);
void node_file_free(struct node_file *f);
void node_free(struct node *n); /* NULL is fine */

/* The peer, over SSH: see node_remote.h. */

#endif
