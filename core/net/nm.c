/* nm.c: NetworkManager on this machine over the system bus (libdbus), and the words and checks
 * that the peer's side (busctl) shares. */
#include "core/net/nm.h"
#include "core/net/nm_bus.h"
#include "core/base/json.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <dbus/dbus.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *nm_renderer_name(enum nm_renderer r)
{
	switch (r) {
	case NM_RENDERER_NM: return "NetworkManager";
	case NM_RENDERER_NETWORKD: return "networkd";
	case NM_RENDERER_NONE: return "none";
	case NM_RENDERER_UNKNOWN: break;
	}
	return "?";
}

const char *nm_state_word(int state)
{
	switch (state) {
	case 10: return "unmanaged";
	case 20: return "unavailable";
	case 30: return "disconnected";
	case 40: return "connecting (prepare)";
	case 50: return "connecting (configuring)";
	case 60: return "connecting (need authentication)";
	case 70: return "connecting (getting IP configuration)";
	case 80: return "connecting (checking IP connectivity)";
	case 90: return "connecting (starting secondary connections)";
	case 100: return "activated";
	case 110: return "deactivating";
	case 120: return "failed";
	}
	return "unknown";
}

const char *nm_state_short(int state)
{
	if (state > 30 && state < 100)
		return "activating";
	return state <= 0 ? "unknown" : nm_state_word(state);
}

bool nm_uuid_valid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool want_dash = i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3];
		char c = s[i];
		if (want_dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

void nm_uuid_new(char out[40])
{
	unsigned char b[16] = { 0 };
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b))
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)(rand() ^ (int)(clock_ms() >> (i % 8)));
	if (fd >= 0)
		close(fd);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

void nm_profile_name(const char *ifname, char *out, size_t size)
{
	snprintf(out, size, NM_PROFILE_PREFIX "%s", ifname);
}

void nm_port_set(struct nm_port *p, const char *profile, const char *uuid)
{
	text_clean(p->profile, sizeof(p->profile), profile ? profile : "",
		   profile ? strlen(profile) : 0, 0);
	p->uuid[0] = '\0';
	if (uuid && nm_uuid_valid(uuid))
		str_copy(p->uuid, uuid, sizeof(p->uuid));
}

void nm_json_node(struct json *j, const char *key, const struct nm_node *n)
{
	json_object_begin(j, key);
	json_string(j, "renderer", nm_renderer_name(n->renderer));
	json_string(j, "networkmanager_version", n->version[0] ? n->version : NULL);
	json_object_end(j);
}

void nm_json_port(struct json *j, const char *key, const struct nm_node *n, const struct nm_port *p)
{
	if (n->renderer != NM_RENDERER_NM || !p->known) {
		json_null(j, key);
		return;
	}
	json_object_begin(j, key);
	json_bool(j, "managed", p->managed);
	json_string(j, "state", nm_state_word(p->state));
	json_string(j, "profile", p->profile[0] ? p->profile : NULL);
	json_string(j, "uuid", p->uuid[0] ? p->uuid : NULL);
	json_object_end(j);
}

void nm_text_port(const struct nm_port *p, char *out, size_t size)
{
	if (!p->known || !p->managed)
		snprintf(out, size, "not managed by NetworkManager");
	else if (p->profile[0])
		snprintf(out, size, "NetworkManager: \"%s\" (%s)", p->profile,
			 nm_state_word(p->state));
	else
		snprintf(out, size, "NetworkManager: no profile (%s)", nm_state_word(p->state));
}

/* ---- the bus ---- */

DBusConnection *nm_bus_open(char *err, size_t errsize)
{
	DBusError e;
	dbus_error_init(&e);
	DBusConnection *c = dbus_bus_get_private(DBUS_BUS_SYSTEM, &e);
	if (!c) {
		snprintf(err, errsize, "cannot reach the system bus: %s",
			 e.message ? e.message : "no message");
		dbus_error_free(&e);
		return NULL;
	}
	dbus_connection_set_exit_on_disconnect(c, FALSE);
	return c;
}

void nm_bus_close(DBusConnection *c)
{
	if (!c)
		return;
	dbus_connection_close(c);
	dbus_connection_unref(c);
}

/* Send m (unref'd here) and wait for the answer: the reply, or NULL with err. */
DBusMessage *nm_bus_call(DBusConnection *c, DBusMessage *m, const char *what, char *err,
			 size_t errsize)
{
	DBusError e;
	dbus_error_init(&e);
	DBusMessage *reply =
		dbus_connection_send_with_reply_and_block(c, m, NM_CALL_TIMEOUT_MS, &e);
	dbus_message_unref(m);
	if (!reply) {
		char said[300];
		text_clean(said, sizeof(said), e.message ? e.message : "no answer",
			   strlen(e.message ? e.message : "no answer"), 0);
		snprintf(err, errsize, "NetworkManager: %s: %s", what, said);
		dbus_error_free(&e);
	}
	return reply;
}

bool nm_bus_has_owner(DBusConnection *c, const char *name)
{
	DBusError e;
	dbus_error_init(&e);
	bool r = dbus_bus_name_has_owner(c, name, &e);
	dbus_error_free(&e);
	return r;
}

/* Properties.Get: the reply (caller unrefs) with *v on the variant's content. */
DBusMessage *nm_bus_prop_get(DBusConnection *c, const char *path, const char *iface,
			     const char *prop, DBusMessageIter *v, char *err, size_t errsize)
{
	DBusMessage *m = dbus_message_new_method_call(NM_BUS, path,
						      "org.freedesktop.DBus.Properties", "Get");
	dbus_message_append_args(m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &prop,
				 DBUS_TYPE_INVALID);
	DBusMessage *reply = nm_bus_call(c, m, prop, err, errsize);
	if (!reply)
		return NULL;
	DBusMessageIter it;
	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_VARIANT) {
		snprintf(err, errsize, "NetworkManager: %s: not a property value", prop);
		dbus_message_unref(reply);
		return NULL;
	}
	dbus_message_iter_recurse(&it, v);
	return reply;
}

/* A string or object path property into out. */
int nm_bus_prop_string(DBusConnection *c, const char *path, const char *iface, const char *prop,
		       char *out, size_t size, char *err, size_t errsize)
{
	DBusMessageIter v;
	DBusMessage *reply = nm_bus_prop_get(c, path, iface, prop, &v, err, errsize);
	if (!reply)
		return -EIO;
	int t = dbus_message_iter_get_arg_type(&v);
	const char *s = NULL;
	if (t == DBUS_TYPE_STRING || t == DBUS_TYPE_OBJECT_PATH)
		dbus_message_iter_get_basic(&v, &s);
	int rc = s ? 0 : -EPROTO;
	if (s)
		str_copy(out, s, size);
	else
		snprintf(err, errsize, "NetworkManager: %s: not a string", prop);
	dbus_message_unref(reply);
	return rc;
}

int nm_bus_prop_u32(DBusConnection *c, const char *path, const char *iface, const char *prop,
		    unsigned *out, char *err, size_t errsize)
{
	DBusMessageIter v;
	DBusMessage *reply = nm_bus_prop_get(c, path, iface, prop, &v, err, errsize);
	if (!reply)
		return -EIO;
	int t = dbus_message_iter_get_arg_type(&v), rc = 0;
	if (t == DBUS_TYPE_UINT32) {
		dbus_uint32_t u;
		dbus_message_iter_get_basic(&v, &u);
		*out = u;
	} else if (t == DBUS_TYPE_BOOLEAN) {
		dbus_bool_t b;
		dbus_message_iter_get_basic(&v, &b);
		*out = b ? 1 : 0;
	} else {
		snprintf(err, errsize, "NetworkManager: %s: not a number", prop);
		rc = -EPROTO;
	}
	dbus_message_unref(reply);
	return rc;
}

/* A method with one string argument that answers one object path (GetDeviceByIpIface,
 * GetConnectionByUuid): 0, -ENOENT when NetworkManager knows no such thing, or -EIO. */
int nm_bus_call_path(DBusConnection *c, const char *path, const char *iface, const char *method,
		     const char *arg, char *out, size_t size, char *err, size_t errsize)
{
	DBusMessage *m = dbus_message_new_method_call(NM_BUS, path, iface, method);
	dbus_message_append_args(m, DBUS_TYPE_STRING, &arg, DBUS_TYPE_INVALID);
	DBusError e;
	dbus_error_init(&e);
	DBusMessage *reply =
		dbus_connection_send_with_reply_and_block(c, m, NM_CALL_TIMEOUT_MS, &e);
	dbus_message_unref(m);
	if (!reply) {
		bool unknown = e.name && (strstr(e.name, "UnknownDevice") ||
					  strstr(e.name, "InvalidConnection") ||
					  strstr(e.name, "UnknownConnection"));
		char said[300];
		const char *msg = e.message ? e.message : "no answer";
		text_clean(said, sizeof(said), msg, strlen(msg), 0);
		snprintf(err, errsize, "NetworkManager: %s %s: %s", method, arg, said);
		dbus_error_free(&e);
		return unknown ? -ENOENT : -EIO;
	}
	const char *p = NULL;
	int rc = dbus_message_get_args(reply, NULL, DBUS_TYPE_OBJECT_PATH, &p, DBUS_TYPE_INVALID) &&
				 p
			 ? 0
			 : -EPROTO;
	if (rc == 0)
		str_copy(out, p, size);
	dbus_message_unref(reply);
	return rc;
}

int nm_local_node(struct nm_node *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof(*out));
	DBusConnection *c = nm_bus_open(err, errsize);
	if (!c) {
		out->renderer = NM_RENDERER_UNKNOWN;
		return -EIO;
	}
	if (nm_bus_has_owner(c, NM_BUS)) {
		out->renderer = NM_RENDERER_NM;
		char v[64] = "";
		if (nm_bus_prop_string(c, NM_PATH, NM_BUS, "Version", v, sizeof(v), err, errsize) ==
		    0)
			text_clean(out->version, sizeof(out->version), v, strlen(v), TEXT_NAME);
	} else {
		out->renderer = nm_bus_has_owner(c, NETWORKD_BUS) ? NM_RENDERER_NETWORKD
								  : NM_RENDERER_NONE;
	}
	nm_bus_close(c);
	return 0;
}

int nm_bus_port_read(DBusConnection *c, const char *ifname, struct nm_port *out, char *dev,
		     size_t devsize, char *err, size_t errsize)
{
	memset(out, 0, sizeof(*out));
	int rc = nm_bus_call_path(c, NM_PATH, NM_BUS, "GetDeviceByIpIface", ifname, dev, devsize,
				  err, errsize);
	if (rc == -ENOENT)
		return 0; /* not a device NetworkManager has */
	if (rc < 0)
		return rc;
	out->known = true;
	unsigned managed = 0, state = 0;
	char ac[256] = "";
	if ((rc = nm_bus_prop_u32(c, dev, NM_IFACE_DEVICE, "Managed", &managed, err, errsize)) <
		    0 ||
	    (rc = nm_bus_prop_u32(c, dev, NM_IFACE_DEVICE, "State", &state, err, errsize)) < 0 ||
	    (rc = nm_bus_prop_string(c, dev, NM_IFACE_DEVICE, "ActiveConnection", ac, sizeof(ac),
				     err, errsize)) < 0)
		return rc;
	out->managed = managed != 0;
	out->state = (int)state;
	if (strcmp(ac, "/") == 0 || !ac[0])
		return 0;
	char id[256] = "", uuid[64] = "";
	/* the active connection can go between two calls: then there is none */
	if (nm_bus_prop_string(c, ac, NM_IFACE_ACTIVE, "Id", id, sizeof(id), err, errsize) == 0 &&
	    nm_bus_prop_string(c, ac, NM_IFACE_ACTIVE, "Uuid", uuid, sizeof(uuid), err, errsize) ==
		    0)
		nm_port_set(out, id, uuid);
	return 0;
}

int nm_local_port(const char *ifname, struct nm_port *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof(*out));
	DBusConnection *c = nm_bus_open(err, errsize);
	if (!c)
		return -EIO;
	int rc = 0;
	if (nm_bus_has_owner(c, NM_BUS)) {
		char dev[256];
		rc = nm_bus_port_read(c, ifname, out, dev, sizeof(dev), err, errsize);
	}
	nm_bus_close(c);
	return rc;
}

/* ---- building a{sa{sv}} ---- */

static void dict_open(DBusMessageIter *parent, DBusMessageIter *entry, DBusMessageIter *var,
		      const char *key, const char *sig)
{
	dbus_message_iter_open_container(parent, DBUS_TYPE_DICT_ENTRY, NULL, entry);
	dbus_message_iter_append_basic(entry, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(entry, DBUS_TYPE_VARIANT, sig, var);
}

static void dict_close(DBusMessageIter *parent, DBusMessageIter *entry, DBusMessageIter *var)
{
	dbus_message_iter_close_container(entry, var);
	dbus_message_iter_close_container(parent, entry);
}

static void sv_basic(DBusMessageIter *dict, const char *key, int type, const void *value)
{
	char sig[2] = { (char)type, 0 };
	DBusMessageIter e, v;
	dict_open(dict, &e, &v, key, sig);
	dbus_message_iter_append_basic(&v, type, value);
	dict_close(dict, &e, &v);
}

static void sv_string(DBusMessageIter *dict, const char *key, const char *s)
{
	sv_basic(dict, key, DBUS_TYPE_STRING, &s);
}

/* One setting "name": a{sv}, filled by the caller between open and close. */
static void setting_open(DBusMessageIter *top, DBusMessageIter *entry, DBusMessageIter *dict,
			 const char *name)
{
	dbus_message_iter_open_container(top, DBUS_TYPE_DICT_ENTRY, NULL, entry);
	dbus_message_iter_append_basic(entry, DBUS_TYPE_STRING, &name);
	dbus_message_iter_open_container(entry, DBUS_TYPE_ARRAY, "{sv}", dict);
}

static void setting_close(DBusMessageIter *top, DBusMessageIter *entry, DBusMessageIter *dict)
{
	dbus_message_iter_close_container(entry, dict);
	dbus_message_iter_close_container(top, entry);
}

static int cidr_split(const char *cidr, char *ip, size_t size, unsigned *plen)
{
	const char *slash = strchr(cidr, '/');
	struct in_addr a;
	if (!slash || (size_t)(slash - cidr) >= size)
		return -EINVAL;
	memcpy(ip, cidr, (size_t)(slash - cidr));
	ip[slash - cidr] = '\0';
	char *end = NULL;
	unsigned long l = strtoul(slash + 1, &end, 10);
	if (inet_pton(AF_INET, ip, &a) != 1 || !end || *end || l < 1 || l > 32)
		return -EINVAL;
	*plen = (unsigned)l;
	return 0;
}

int nm_local_activate(const char *ifname, const char *uuid, const char *cidr, unsigned mtu,
		      char *err, size_t errsize)
{
	char ip[INET_ADDRSTRLEN], name[64];
	unsigned plen;
	if (!text_is_ifname(ifname) || !nm_uuid_valid(uuid) ||
	    cidr_split(cidr, ip, sizeof(ip), &plen) < 0) {
		snprintf(err, errsize, "NetworkManager: not a profile sparklink makes");
		return -EINVAL;
	}
	nm_profile_name(ifname, name, sizeof(name));
	DBusConnection *c = nm_bus_open(err, errsize);
	if (!c)
		return -EIO;
	int rc;
	char dev[256];
	if ((rc = nm_bus_call_path(c, NM_PATH, NM_BUS, "GetDeviceByIpIface", ifname, dev,
				   sizeof(dev), err, errsize)) < 0)
		goto out;
	DBusMessage *m =
		dbus_message_new_method_call(NM_BUS, NM_PATH, NM_BUS, "AddAndActivateConnection2");
	DBusMessageIter it, top, se, sd;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sa{sv}}", &top);

	setting_open(&top, &se, &sd, "connection");
	sv_string(&sd, "id", name);
	sv_string(&sd, "uuid", uuid);
	sv_string(&sd, "type", "802-3-ethernet");
	sv_string(&sd, "interface-name", ifname);
	dbus_bool_t yes = TRUE;
	sv_basic(&sd, "autoconnect", DBUS_TYPE_BOOLEAN, &yes);
	dbus_int32_t prio = NM_AUTOCONNECT_PRIORITY;
	sv_basic(&sd, "autoconnect-priority", DBUS_TYPE_INT32, &prio);
	setting_close(&top, &se, &sd);

	setting_open(&top, &se, &sd, "802-3-ethernet");
	dbus_uint32_t m32 = mtu;
	sv_basic(&sd, "mtu", DBUS_TYPE_UINT32, &m32);
	setting_close(&top, &se, &sd);

	setting_open(&top, &se, &sd, "ipv4");
	sv_string(&sd, "method", "manual");
	{
		DBusMessageIter e, v, arr, one;
		dict_open(&sd, &e, &v, "address-data", "aa{sv}");
		dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "a{sv}", &arr);
		dbus_message_iter_open_container(&arr, DBUS_TYPE_ARRAY, "{sv}", &one);
		sv_string(&one, "address", ip);
		dbus_uint32_t p32 = plen;
		sv_basic(&one, "prefix", DBUS_TYPE_UINT32, &p32);
		dbus_message_iter_close_container(&arr, &one);
		dbus_message_iter_close_container(&v, &arr);
		dict_close(&sd, &e, &v);
	}
	setting_close(&top, &se, &sd);

	setting_open(&top, &se, &sd, "ipv6");
	sv_string(&sd, "method", "link-local");
	setting_close(&top, &se, &sd);
	dbus_message_iter_close_container(&it, &top);

	const char *devp = dev, *spec = "/";
	dbus_message_iter_append_basic(&it, DBUS_TYPE_OBJECT_PATH, &devp);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_OBJECT_PATH, &spec);
	DBusMessageIter opts;
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &opts);
	sv_string(&opts, "persist", "memory");
	dbus_message_iter_close_container(&it, &opts);

	DBusMessage *reply = nm_bus_call(c, m, "AddAndActivateConnection2", err, errsize);
	rc = reply ? 0 : -EIO;
	if (reply)
		dbus_message_unref(reply);
out:
	nm_bus_close(c);
	return rc;
}

/* The profile at path is named "sparklink-IF" (GetSettings: connection.id): 1, 0 or -EIO. */
static int conn_is_ours(DBusConnection *c, const char *path, const char *ifname, char *err,
			size_t errsize)
{
	char want[64];
	nm_profile_name(ifname, want, sizeof(want));
	DBusMessage *m =
		dbus_message_new_method_call(NM_BUS, path, NM_IFACE_CONNECTION, "GetSettings");
	DBusMessage *reply = nm_bus_call(c, m, "GetSettings", err, errsize);
	if (!reply)
		return -EIO;
	struct nm_profile p;
	int ours = nm_settings_parse(reply, &p) && strcmp(p.id, want) == 0;
	dbus_message_unref(reply);
	return ours;
}

int nm_local_restore(const char *ifname, const char *uuid, const char *prev, char *err,
		     size_t errsize)
{
	if (!text_is_ifname(ifname) || !nm_uuid_valid(uuid) ||
	    (prev && prev[0] && strcmp(prev, "-") != 0 && !nm_uuid_valid(prev))) {
		snprintf(err, errsize, "NetworkManager: not a profile sparklink makes");
		return -EINVAL;
	}
	DBusConnection *c = nm_bus_open(err, errsize);
	if (!c)
		return -EIO;
	int rc;
	char path[256];
	rc = nm_bus_call_path(c, NM_SETTINGS_PATH, NM_IFACE_SETTINGS, "GetConnectionByUuid", uuid,
			      path, sizeof(path), err, errsize);
	if (rc == 0 && (rc = conn_is_ours(c, path, ifname, err, errsize)) <= 0) {
		if (rc == 0)
			snprintf(
				err, errsize,
				"NetworkManager's profile %s is not sparklink's (not named " NM_PROFILE_PREFIX
				"%s): left alone",
				uuid, ifname);
		rc = rc < 0 ? rc : -EPERM;
		goto out;
	}
	if (rc == 1) { /* found, and sparklink's */
		DBusMessage *m =
			dbus_message_new_method_call(NM_BUS, path, NM_IFACE_CONNECTION, "Delete");
		DBusMessage *reply = nm_bus_call(c, m, "Delete", err, errsize);
		if (!reply) {
			rc = -EIO;
			goto out;
		}
		dbus_message_unref(reply);
	} else if (rc != -ENOENT) {
		goto out;
	}
	rc = 0;
	if (!prev || !prev[0] || strcmp(prev, "-") == 0)
		goto out;
	char dev[256];
	if (nm_bus_call_path(c, NM_SETTINGS_PATH, NM_IFACE_SETTINGS, "GetConnectionByUuid", prev,
			     path, sizeof(path), err, errsize) < 0 ||
	    nm_bus_call_path(c, NM_PATH, NM_BUS, "GetDeviceByIpIface", ifname, dev, sizeof(dev),
			     err, errsize) < 0) {
		err[0] = '\0';
		goto out; /* gone: NetworkManager autoconnects what it has */
	}
	DBusMessage *m =
		dbus_message_new_method_call(NM_BUS, NM_PATH, NM_BUS, "ActivateConnection");
	const char *cp = path, *dp = dev, *spec = "/";
	dbus_message_append_args(m, DBUS_TYPE_OBJECT_PATH, &cp, DBUS_TYPE_OBJECT_PATH, &dp,
				 DBUS_TYPE_OBJECT_PATH, &spec, DBUS_TYPE_INVALID);
	DBusMessage *reply = nm_bus_call(c, m, "ActivateConnection", err, errsize);
	if (!reply)
		rc = -EIO;
	else
		dbus_message_unref(reply);
out:
	nm_bus_close(c);
	return rc;
}
