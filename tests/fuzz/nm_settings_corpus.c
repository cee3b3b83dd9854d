/* nm_settings_corpus.c: writes the seed corpus of fuzz_nm_settings (tests/fuzz/corpus/
 * nm_settings/): GetSettings answers shaped as the lab's NetworkManager gives them (an automatic
 * "Wired connection", netplan's, sparklink's in-memory one, one made with nmcli con add), and
 * hostile variants (controls and bidirectional overrides in the name, a UUID that is not one, an
 * interface name too long, the connection setting with values of other types), each marshalled
 * with libdbus. Not part of the build:
 *   cc -o /tmp/nsc tests/fuzz/nm_settings_corpus.c $(pkg-config --cflags --libs dbus-1)
 *   /tmp/nsc tests/fuzz/corpus/nm_settings */
#include <dbus/dbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sv(DBusMessageIter *dict, const char *key, const char *val)
{
	DBusMessageIter e, v;
	dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e);
	dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, "s", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &val);
	dbus_message_iter_close_container(&e, &v);
	dbus_message_iter_close_container(dict, &e);
}

static void su(DBusMessageIter *dict, const char *key, dbus_uint32_t val)
{
	DBusMessageIter e, v;
	dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e);
	dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, "u", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_UINT32, &val);
	dbus_message_iter_close_container(&e, &v);
	dbus_message_iter_close_container(dict, &e);
}

/* id, uuid, interface-name (NULL: left out); typed: uuid given as a number instead */
static void one(const char *dir, const char *file, const char *id, const char *uuid,
		const char *ifname, int typed)
{
	DBusMessage *m = dbus_message_new(DBUS_MESSAGE_TYPE_METHOD_RETURN);
	dbus_message_set_reply_serial(m, 7);
	DBusMessageIter it, top, se, sd;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sa{sv}}", &top);
	const char *names[] = { "802-3-ethernet", "connection", "ipv4" };
	for (int k = 0; k < 3; k++) {
		dbus_message_iter_open_container(&top, DBUS_TYPE_DICT_ENTRY, NULL, &se);
		dbus_message_iter_append_basic(&se, DBUS_TYPE_STRING, &names[k]);
		dbus_message_iter_open_container(&se, DBUS_TYPE_ARRAY, "{sv}", &sd);
		if (k == 1) {
			if (id)
				sv(&sd, "id", id);
			if (uuid && !typed)
				sv(&sd, "uuid", uuid);
			if (typed)
				su(&sd, "uuid", 42);
			sv(&sd, "type", "802-3-ethernet");
			if (ifname)
				sv(&sd, "interface-name", ifname);
		} else if (k == 2) {
			sv(&sd, "method", "manual");
		} else {
			su(&sd, "mtu", 9000);
		}
		dbus_message_iter_close_container(&se, &sd);
		dbus_message_iter_close_container(&top, &se);
	}
	dbus_message_iter_close_container(&it, &top);
	char *buf = NULL;
	int len = 0;
	if (!dbus_message_marshal(m, &buf, &len))
		exit(1);
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, (size_t)len, f) != (size_t)len || fclose(f) != 0)
		exit(1);
	dbus_free(buf);
	dbus_message_unref(m);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	const char *d = argv[1];
	one(d, "automatic", "Wired connection 4", "f5f2645a-93c6-3ca8-a62c-51137bc68017",
	    "enp1s0f1np1", 0);
	one(d, "netplan", "netplan-enp1s0f1np1", "626dd384-8b3d-3690-9511-192b2c79b3fd",
	    "enp1s0f1np1", 0);
	one(d, "sparklink", "sparklink-enP2p1s0f1np1", "0b7e3f4a-2d9c-4e1b-9a55-3c1f00d2e8a7",
	    "enP2p1s0f1np1", 0);
	one(d, "nmcli-foreign", "lab-foreign", "c9d77a0c-0b13-4b74-8b7b-0000ac73534d",
	    "enp1s0f1np1", 0);
	one(d, "no-interface", "Wired connection 1", "3de1a032-61f6-3f82-816c-8692ab886531", NULL,
	    0);
	one(d, "hostile-name-controls", "evil\033[2J\xe2\x80\xaename\r\n",
	    "c9d77a0c-0b13-4b74-8b7b-0000ac73534d", "enp1s0f1np1", 0);
	one(d, "hostile-uuid-not-uuid", "x", "C9D77A0C-0B13-4B74-8B7B-0000AC73534D;rm -rf /",
	    "enp1s0f1np1", 0);
	one(d, "hostile-ifname-long", "x", "c9d77a0c-0b13-4b74-8b7b-0000ac73534d",
	    "enp1s0f1np1-much-too-long/../x", 0);
	one(d, "hostile-uuid-typed", "x", NULL, "enp1s0f1np1", 1);
	one(d, "hostile-no-id", NULL, "c9d77a0c-0b13-4b74-8b7b-0000ac73534d", "enp1s0f1np1", 0);
	return 0;
}
