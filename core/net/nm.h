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

/* A profile (a settings connection) that names an interface (connection.interface-name). */
struct nm_profile {
	char id[96]; /* its name (clean) */
	char uuid[40];
	char ifname[16]; /* the interface it names */
	char filename[160]; /* where NetworkManager keeps it (clean), "" for none */
	unsigned flags; /* NM_SETTINGS_CONNECTION_FLAG_*: 1 unsaved, 2 nm-generated, 4 volatile,
			 * 8 external */
	bool active; /* active on its interface now */
};

/* Who made a profile, told by its name and where NetworkManager keeps it. */
enum nm_maker {
	NM_MAKER_OTHER, /* by hand (nmcli, nmtui) or another tool */
	NM_MAKER_AUTO, /* NetworkManager's automatic "Wired connection N" */
	NM_MAKER_NETPLAN, /* netplan rendered it ("netplan-*") */
	NM_MAKER_SPARKLINK, /* sparklink's runtime profile ("sparklink-IF") */
	NM_MAKER_EXTERNAL, /* NetworkManager took over addresses set outside it (flag external) */
};

/* NetworkManager's view of a set of interfaces (the ConnectX twins): the node, each interface,
 * and every profile that names one of them, active or not. */
struct nm_view {
	struct nm_node node;
	size_t nports;
	char (*ifnames)[16];
	struct nm_port *ports; /* ports[i] is ifnames[i] */
	struct nm_profile *profiles;
	size_t nprofiles;
	bool probed; /* filled by a probe (else nothing is known yet) */
	char error[200]; /* why the probe stopped short, "" if it did not */
};

const char *nm_renderer_name(enum nm_renderer r); /* "NetworkManager", "networkd", "none", "?" */
const char *nm_state_word(int state); /* "activated", "connecting (getting IP configuration)" */
/* "unmanaged", "unavailable", "disconnected", "activating", "activated", "deactivating",
 * "failed": the console's short word for a device state. */
const char *nm_state_short(int state);
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

enum nm_maker nm_profile_maker(const struct nm_profile *p);
/* Who made it, in words for a person ("by hand (nmcli, nmtui) or by another tool; kept in FILE",
 * "by NetworkManager (its automatic profile); in memory only"). */
void nm_profile_maker_text(const struct nm_profile *p, char *out, size_t size);
void nm_view_init(struct nm_view *v, const char *const *ifnames, size_t n);
void nm_view_free(struct nm_view *v);
/* Move src into dst (dst freed first, src left empty). */
void nm_view_move(struct nm_view *dst, struct nm_view *src);
/* The view of ifname, NULL when it is not one of the view's interfaces. */
const struct nm_port *nm_view_port(const struct nm_view *v, const char *ifname);
/* The same interfaces as ifnames (in any order)? */
bool nm_view_same_ifs(const struct nm_view *v, const char *const *ifnames, size_t n);

/* ---- this machine, over the system bus ---- */
/* Fill v (made by nm_view_init) from NetworkManager here: the renderer, each interface and the
 * profiles naming one (nm_view.c). 0, or -EIO with v->error (what was read is kept). */
int nm_local_view(struct nm_view *v);
/* A GetSettings reply into p's id, uuid and interface name (nm_view.c): false when it is not
 * an a{sa{sv}} with a connection setting. For the fuzz target. */
struct DBusMessage;
bool nm_settings_parse(struct DBusMessage *reply, struct nm_profile *p);
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
