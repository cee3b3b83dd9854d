/* fuzz_nm_settings.c: a NetworkManager profile's settings as core/net/nm_view.c reads them
 * (nm_settings_parse: a GetSettings answer, a{sa{sv}}, from the system bus; a profile's name is
 * whatever its maker chose). The input is a D-Bus message on the wire (dbus_message_demarshal);
 * what the parser keeps is checked: a clean name, a UUID of NetworkManager's shape or none, an
 * interface name or none, the same profile parsed twice. Corpus: GetSettings answers of the lab's
 * profiles (automatic, netplan's, sparklink's, one made with nmcli), written by
 * tests/fuzz/nm_settings_corpus.c, and hostile variants of them. */
#include "tests/fuzz/fuzz.h"
#include "core/net/nm.h"
#include "core/base/text.h"

#include <dbus/dbus.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	DBusError e;
	dbus_error_init(&e);
	if (size > 1 << 20)
		return 0;
	DBusMessage *m = dbus_message_demarshal((const char *)data, (int)size, &e);
	dbus_error_free(&e);
	if (!m)
		return 0;
	struct nm_profile p, q;
	bool ok = nm_settings_parse(m, &p);
	bool ok2 = nm_settings_parse(m, &q);
	FZ_CHECK(ok == ok2 && memcmp(&p, &q, sizeof(p)) == 0, "two parses differ");
	FZ_CHECK(memchr(p.id, '\0', sizeof(p.id)), "name not terminated");
	FZ_CHECK(!fz_clean_problem(p.id, false), "name: %s", fz_clean_problem(p.id, false));
	FZ_CHECK(!p.uuid[0] || nm_uuid_valid(p.uuid), "uuid %s", p.uuid);
	FZ_CHECK(!p.ifname[0] || text_is_ifname(p.ifname), "interface %s", p.ifname);
	dbus_message_unref(m);
	return 0;
}
