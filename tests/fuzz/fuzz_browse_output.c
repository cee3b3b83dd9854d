/* fuzz_browse_output.c: `avahi-browse -prt` output read from another node over SSH
 * (core/mdns/browse_output.c), the node being possibly hostile. What is kept is checked: an
 * interface name, a family, a clean service name, a host that is one DNS label, an address that
 * inet_pton accepts in that family, a port 1-65535; the count never exceeds the lines given. */
#include "tests/fuzz/fuzz.h"
#include "core/base/text.h"
#include "core/mdns/browse_output.h"

#include <arpa/inet.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct browse_entry v[16];
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	size_t n = browse_output_parse((const char *)data, size, v, 16);
	FZ_CHECK(n <= lines, "%zu entries from %zu lines", n, lines);
	for (size_t i = 0; i < n && i < 16; i++) {
		const struct browse_entry *e = &v[i];
		FZ_CHECK(memchr(e->ifname, '\0', sizeof(e->ifname)) && text_is_ifname(e->ifname),
			 "interface name");
		FZ_CHECK(e->family == AF_INET || e->family == AF_INET6, "family %d", e->family);
		FZ_CHECK(memchr(e->name, '\0', sizeof(e->name)) && e->name[0], "service name");
		const char *bad = fz_clean_problem(e->name, false);
		FZ_CHECK(!bad, "service name has %s", bad);
		FZ_CHECK(memchr(e->host, '\0', sizeof(e->host)) && e->host[0] &&
				 strspn(e->host,
					"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789-") == strlen(e->host),
			 "host '%s'", e->host);
		unsigned char bin[16];
		FZ_CHECK(memchr(e->addr, '\0', sizeof(e->addr)) &&
				 inet_pton(e->family, e->addr, bin) == 1,
			 "address '%s'", e->addr);
		FZ_CHECK(e->port >= 1 && e->port <= 65535, "port %u", e->port);
	}
	return 0;
}
