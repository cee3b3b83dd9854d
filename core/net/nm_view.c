/* nm_view.c: NetworkManager's view of the ConnectX twins here: each twin's managed state, device
 * state and active profile, and every profile that names a twin (active or not) with who made
 * it; read over the system bus (ListConnections, GetSettings, Flags, Filename). */
#include "core/net/nm.h"
#include "core/net/nm_bus.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NM_PROFILES_MAX 256 /* profiles looked at, at most */

enum nm_maker nm_profile_maker(const struct nm_profile *p)
{
	char ours[64];
	nm_profile_name(p->ifname, ours, sizeof(ours));
	if (strcmp(p->id, ours) == 0)
		return NM_MAKER_SPARKLINK;
	if (str_starts(p->id, "netplan-") ||
	    str_starts(p->filename, "/run/NetworkManager/system-connections/netplan-"))
		return NM_MAKER_NETPLAN;
	if (str_starts(p->id, "Wired connection ")) {
		const char *n = p->id + strlen("Wired connection ");
		while (*n >= '0' && *n <= '9')
			n++;
		if (!*n && n > p->id + strlen("Wired connection "))
			return NM_MAKER_AUTO;
	}
	if (p->flags & 8)
		return NM_MAKER_EXTERNAL;
	return NM_MAKER_OTHER;
}

void nm_profile_maker_text(const struct nm_profile *p, char *out, size_t size)
{
	const char *who = "by hand (nmcli, nmtui) or by another tool";
	switch (nm_profile_maker(p)) {
	case NM_MAKER_AUTO: who = "by NetworkManager (its automatic profile)"; break;
	case NM_MAKER_NETPLAN: who = "by netplan (rendered from /etc/netplan)"; break;
	case NM_MAKER_SPARKLINK: who = "by sparklink (its runtime profile)"; break;
	case NM_MAKER_EXTERNAL:
		who = "by NetworkManager, for addresses set outside it (ip addr add, by hand or a tool)";
		break;
	case NM_MAKER_OTHER:
		if (str_starts(p->filename, "/etc/netplan/90-NM-"))
			who = "by hand (nmcli, nmtui) or by another tool, saved through netplan";
		break;
	}
	if (p->filename[0])
		snprintf(out, size, "%s; kept in %s", who, p->filename);
	else
		snprintf(out, size, "%s; in memory only", who);
}

void nm_view_init(struct nm_view *v, const char *const *ifnames, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->ifnames = xcalloc(n ? n : 1, sizeof(*v->ifnames));
	v->ports = xcalloc(n ? n : 1, sizeof(*v->ports));
	for (size_t i = 0; i < n; i++)
		str_copy(v->ifnames[i], ifnames[i], sizeof(v->ifnames[0]));
	v->nports = n;
}

void nm_view_free(struct nm_view *v)
{
	free(v->ifnames);
	free(v->ports);
	free(v->profiles);
	memset(v, 0, sizeof(*v));
}

void nm_view_move(struct nm_view *dst, struct nm_view *src)
{
	nm_view_free(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

const struct nm_port *nm_view_port(const struct nm_view *v, const char *ifname)
{
	for (size_t i = 0; i < v->nports; i++)
		if (strcmp(v->ifnames[i], ifname) == 0)
			return &v->ports[i];
	return NULL;
}

bool nm_view_same_ifs(const struct nm_view *v, const char *const *ifnames, size_t n)
{
	if (v->nports != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!nm_view_port(v, ifnames[i]))
			return false;
	return true;
}

/* The string value of one {sv} entry, NULL if it is not a string. */
static const char *sv_string_value(DBusMessageIter *entry)
{
	DBusMessageIter var;
	const char *val = NULL;
	if (!dbus_message_iter_next(entry) ||
	    dbus_message_iter_get_arg_type(entry) != DBUS_TYPE_VARIANT)
		return NULL;
	dbus_message_iter_recurse(entry, &var);
	if (dbus_message_iter_get_arg_type(&var) == DBUS_TYPE_STRING)
		dbus_message_iter_get_basic(&var, &val);
	return val;
}

bool nm_settings_parse(struct DBusMessage *reply, struct nm_profile *p)
{
	memset(p, 0, sizeof(*p));
	DBusMessageIter it, top;
	bool found = false;
	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(&it) != DBUS_TYPE_DICT_ENTRY)
		return false;
	dbus_message_iter_recurse(&it, &top);
	for (; dbus_message_iter_get_arg_type(&top) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&top)) {
		DBusMessageIter e, d;
		const char *name = NULL;
		dbus_message_iter_recurse(&top, &e);
		if (dbus_message_iter_get_arg_type(&e) != DBUS_TYPE_STRING)
			continue;
		dbus_message_iter_get_basic(&e, &name);
		if (strcmp(name, "connection") != 0 || !dbus_message_iter_next(&e) ||
		    dbus_message_iter_get_arg_type(&e) != DBUS_TYPE_ARRAY ||
		    dbus_message_iter_get_element_type(&e) != DBUS_TYPE_DICT_ENTRY)
			continue;
		dbus_message_iter_recurse(&e, &d);
		for (; dbus_message_iter_get_arg_type(&d) == DBUS_TYPE_DICT_ENTRY;
		     dbus_message_iter_next(&d)) {
			DBusMessageIter kv;
			const char *key = NULL, *val;
			dbus_message_iter_recurse(&d, &kv);
			if (dbus_message_iter_get_arg_type(&kv) != DBUS_TYPE_STRING)
				continue;
			dbus_message_iter_get_basic(&kv, &key);
			if (!(val = sv_string_value(&kv)))
				continue;
			if (strcmp(key, "id") == 0) {
				text_clean(p->id, sizeof(p->id), val, strlen(val), 0);
				found = true;
			} else if (strcmp(key, "uuid") == 0 && nm_uuid_valid(val)) {
				str_copy(p->uuid, val, sizeof(p->uuid));
			} else if (strcmp(key, "interface-name") == 0 && text_is_ifname(val)) {
				str_copy(p->ifname, val, sizeof(p->ifname));
			}
		}
	}
	return found;
}

/* Every profile that names one of the view's interfaces. */
static int read_profiles(DBusConnection *c, struct nm_view *v)
{
	DBusMessage *m = dbus_message_new_method_call(NM_BUS, NM_SETTINGS_PATH, NM_IFACE_SETTINGS,
						      "ListConnections");
	DBusMessage *reply = nm_bus_call(c, m, "ListConnections", v->error, sizeof(v->error));
	if (!reply)
		return -EIO;
	DBusMessageIter it, arr;
	size_t seen = 0;
	if (dbus_message_iter_init(reply, &it) &&
	    dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_ARRAY) {
		dbus_message_iter_recurse(&it, &arr);
		for (; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_OBJECT_PATH &&
		       seen < NM_PROFILES_MAX;
		     dbus_message_iter_next(&arr), seen++) {
			const char *path = NULL;
			char err[300];
			dbus_message_iter_get_basic(&arr, &path);
			DBusMessage *q = dbus_message_new_method_call(
				NM_BUS, path, NM_IFACE_CONNECTION, "GetSettings");
			DBusMessage *r = nm_bus_call(c, q, "GetSettings", err, sizeof(err));
			struct nm_profile p;
			/* a profile can go between the list and the question: then it is gone */
			bool ok = r && nm_settings_parse(r, &p) && p.ifname[0] &&
				  nm_view_port(v, p.ifname);
			if (r)
				dbus_message_unref(r);
			if (!ok)
				continue;
			char fn[512] = "";
			if (nm_bus_prop_string(c, path, NM_IFACE_CONNECTION, "Filename", fn,
					       sizeof(fn), err, sizeof(err)) == 0)
				text_clean(p.filename, sizeof(p.filename), fn, strlen(fn), 0);
			nm_bus_prop_u32(c, path, NM_IFACE_CONNECTION, "Flags", &p.flags, err,
					sizeof(err));
			const struct nm_port *np = nm_view_port(v, p.ifname);
			p.active = p.uuid[0] && strcmp(np->uuid, p.uuid) == 0;
			v->profiles = xrealloc(v->profiles, v->nprofiles + 1, sizeof(*v->profiles));
			v->profiles[v->nprofiles++] = p;
		}
	}
	dbus_message_unref(reply);
	return 0;
}

int nm_local_view(struct nm_view *v)
{
	v->probed = true;
	v->error[0] = '\0';
	DBusConnection *c = nm_bus_open(v->error, sizeof(v->error));
	if (!c) {
		v->node.renderer = NM_RENDERER_UNKNOWN;
		return -EIO;
	}
	int rc = 0;
	if (!nm_bus_has_owner(c, NM_BUS)) {
		v->node.renderer = nm_bus_has_owner(c, NETWORKD_BUS) ? NM_RENDERER_NETWORKD
								     : NM_RENDERER_NONE;
		goto out;
	}
	v->node.renderer = NM_RENDERER_NM;
	char ver[64] = "";
	if (nm_bus_prop_string(c, NM_PATH, NM_BUS, "Version", ver, sizeof(ver), v->error,
			       sizeof(v->error)) == 0)
		text_clean(v->node.version, sizeof(v->node.version), ver, strlen(ver), TEXT_NAME);
	for (size_t i = 0; i < v->nports; i++) {
		char dev[256];
		if ((rc = nm_bus_port_read(c, v->ifnames[i], &v->ports[i], dev, sizeof(dev),
					   v->error, sizeof(v->error))) < 0)
			goto out;
	}
	rc = read_profiles(c, v);
out:
	nm_bus_close(c);
	return rc;
}
