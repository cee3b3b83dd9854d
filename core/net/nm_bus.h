/* nm_bus.h: the small pieces of NetworkManager's D-Bus API that core/net/nm.c and
 * core/net/nm_view.c share (libdbus, blocking calls with a short timeout). Only for those two. */
#ifndef SPARKLINK_NM_BUS_H
#define SPARKLINK_NM_BUS_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>

#define NM_BUS "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"
#define NM_SETTINGS_PATH NM_PATH "/Settings"
#define NM_IFACE_DEVICE NM_BUS ".Device"
#define NM_IFACE_ACTIVE NM_BUS ".Connection.Active"
#define NM_IFACE_SETTINGS NM_BUS ".Settings"
#define NM_IFACE_CONNECTION NM_BUS ".Settings.Connection"
#define NETWORKD_BUS "org.freedesktop.network1"
#define NM_CALL_TIMEOUT_MS 3000

/* A private connection to the system bus, or NULL with a sentence in err. */
DBusConnection *nm_bus_open(char *err, size_t errsize);
void nm_bus_close(DBusConnection *c);
/* Send m (unref'd here) and wait for the answer: the reply, or NULL with err. */
DBusMessage *nm_bus_call(DBusConnection *c, DBusMessage *m, const char *what, char *err,
			 size_t errsize);
bool nm_bus_has_owner(DBusConnection *c, const char *name);
/* Properties.Get: the reply (caller unrefs) with *v on the variant's content. */
DBusMessage *nm_bus_prop_get(DBusConnection *c, const char *path, const char *iface,
			     const char *prop, DBusMessageIter *v, char *err, size_t errsize);
/* A string or object path property into out; a u32 or boolean into out. */
int nm_bus_prop_string(DBusConnection *c, const char *path, const char *iface, const char *prop,
		       char *out, size_t size, char *err, size_t errsize);
int nm_bus_prop_u32(DBusConnection *c, const char *path, const char *iface, const char *prop,
		    unsigned *out, char *err, size_t errsize);
/* A method with one string argument that answers one object path: 0, -ENOENT when
 * NetworkManager knows no such thing, or -EIO. */
int nm_bus_call_path(DBusConnection *c, const char *path, const char *iface, const char *method,
		     const char *arg, char *out, size_t size, char *err, size_t errsize);
/* NetworkManager's view of ifname (GetDeviceByIpIface, then Managed, State, ActiveConnection and
 * its Id and Uuid); dev gets the device's object path. A device it does not have: 0, !known. */
struct nm_port;
int nm_bus_port_read(DBusConnection *c, const char *ifname, struct nm_port *out, char *dev,
		     size_t devsize, char *err, size_t errsize);

#endif
