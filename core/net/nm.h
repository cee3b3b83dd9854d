/* nm.h: NetworkManager, as sparklink needs to know it and change it.
 *
 * The renderer of a node is the daemon that owns its network: NetworkManager (DGX OS 7),
 * systemd-networkd (Ubuntu Server, the lab's networkd nodes) or none; told by who holds
 * org.freedesktop.NetworkManager or org.freedesktop.network1 on the system bus. For a port,
 * NetworkManager says whether it manages it, its device state and the profile active on it.
 *
 * Changing a port NetworkManager manages is done NetworkManager's way, or NetworkManager undoes
 * it (an address added with ip/netlink behind its back is flushed when its DHCP attempt times
 * out): the runtime static plan activates an in-memory profile "sparklink-IF" (ipv4 manual with
 * the plan's address, ethernet.mtu, ipv6 link-local, autoconnect with priority 50 so that a
 * replugged cable brings it back) with AddAndActivateConnection2 (persist=memory): gone at the
 * next boot, like the playbook's `ip addr add`. Undo deletes that profile and activates again
 * the profile that was active before (by UUID), if it still exists.
 *
 * This file does it here over the system bus with libdbus (blocking calls with a short timeout:
 * quick, like avahi's own client setup); the peer does the same with busctl
 * (core/node/node_remote_nm.c). Both fill the same structs. */
#ifndef SPARKLINK_NM_H
#define SPARKLINK_NM_H

#include <stdbool.h>
#include <stddef.h>

enum nm_renderer { NM_RENDERER_UNKNOWN, NM_RENDERER_NONE, NM_RENDERER_NETWORKD, NM_RENDERER_NM };

#define NM_PROFILE_PREFIX "sparklink-"
#define NM_AUTOCONNECT_PRIORITY 50

/* A node's renderer. */
struct nm_node {
	enum nm_renderer renderer;
	char version[32]; /* NetworkManager's Version property, "" when not NetworkManager */
};

/* NetworkManager's view of one interface (all false/"" when it does not run). */
struct nm_port {
	bool known; /* NetworkManager has a device of that name */
	bool managed;
	int state; /* NMDeviceState: 10 unmanaged, 20 unavailable, 30 disconnected, ... 100 activated */
	char profile[96]; /* the active profile's name (clean), "" for none */
	char uuid[40]; /* its UUID */
};

const char *nm_renderer_name(enum nm_renderer r); /* "NetworkManager", "networkd", "none", "?" */
const char *nm_state_word(int state); /* "activated", "connecting (getting IP configuration)" */
bool nm_uuid_valid(const char *s); /* 8-4-4-4-12 lower-case hex */
void nm_uuid_new(char out[40]); /* a random (version 4) UUID */
/* "sparklink-IF": the name of the profile sparklink makes for IF. */
void nm_profile_name(const char *ifname, char *out, size_t size);
/* Fill the strings of an nm_port from outside text (clean, checked). */
void nm_port_set(struct nm_port *p, const char *profile, const char *uuid);

/* JSON for status --json: {"renderer","networkmanager_version"} and a port's
 * {"managed","state","profile","uuid"} (null when NetworkManager does not know it). */
struct json;
void nm_json_node(struct json *j, const char *key, const struct nm_node *n);
void nm_json_port(struct json *j, const char *key, const struct nm_node *n,
		  const struct nm_port *p);
/* One line for people: "NetworkManager 1.52.1" / "networkd"; a port: "managed, profile
 * \"Wired connection 1\" (activated)" or "not managed". */
void nm_text_port(const struct nm_port *p, char *out, size_t size);

/* ---- this machine, over the system bus ---- */
int nm_local_node(struct nm_node *out, char *err, size_t errsize);
int nm_local_port(const char *ifname, struct nm_port *out, char *err, size_t errsize);
/* Add and activate the in-memory profile uuid on ifname with cidr and mtu (see above). */
int nm_local_activate(const char *ifname, const char *uuid, const char *cidr, unsigned mtu,
		      char *err, size_t errsize);
/* Delete the profile uuid (if it exists) and activate prev on ifname (if not "" or "-" and it
 * exists). Idempotent. */
int nm_local_restore(const char *ifname, const char *uuid, const char *prev, char *err,
		     size_t errsize);

#endif
