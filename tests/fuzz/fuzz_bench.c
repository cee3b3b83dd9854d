/* fuzz_bench.c: what the peer answered to the bandwidth test's probe (core/jobs/bench.c): its
 * IPv4 addresses as `ip -o -4 addr show` prints them and each netdev's RDMA device. Every entry
 * kept has a valid interface name, an IPv4 address with a prefix, a plain device name. */
#include "tests/fuzz/fuzz.h"
#include "core/base/text.h"
#include "core/jobs/bench.h"

#include <arpa/inet.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bench_peer_view v;
	bench_peer_view_parse((const char *)data, size, &v);
	FZ_CHECK(v.naddrs <= 64 && v.ndevs <= 64, "counts %zu %zu", v.naddrs, v.ndevs);
	for (size_t i = 0; i < v.naddrs; i++) {
		FZ_CHECK(text_is_ifname(v.addrs[i].ifname), "ifname %s", v.addrs[i].ifname);
		char ip[48];
		snprintf(ip, sizeof(ip), "%s", v.addrs[i].cidr);
		char *slash = strchr(ip, '/');
		FZ_CHECK(slash != NULL, "no prefix in %s", v.addrs[i].cidr);
		*slash = '\0';
		struct in_addr a;
		FZ_CHECK(inet_pton(AF_INET, ip, &a) == 1, "not IPv4: %s", ip);
	}
	for (size_t i = 0; i < v.ndevs; i++) {
		FZ_CHECK(text_is_ifname(v.devs[i].ifname), "dev ifname %s", v.devs[i].ifname);
		const char *d = v.devs[i].ibdev;
		FZ_CHECK(d[0] && strspn(d,
					"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123"
					"456789_-.") == strlen(d),
			 "ibdev %s", d);
	}
	return 0;
}
