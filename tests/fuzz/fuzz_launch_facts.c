/* fuzz_launch_facts.c: what a peer's check printed for `env --write --on-peers`
 * (core/jobs/launch_files.c): rails down or unaddressed, the interface holding its management
 * address, each RDMA device's PCI function and netdev. What is kept are valid interface names
 * and plain device names, each listed once. */
#include "tests/fuzz/fuzz.h"
#include "core/base/text.h"
#include "core/jobs/launch_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct launch_node nd = { .nrails = 2 };
	snprintf(nd.rails[0].ifname, sizeof(nd.rails[0].ifname), "enp1s0f1np1");
	snprintf(nd.rails[1].ifname, sizeof(nd.rails[1].ifname), "enP2p1s0f1np1");
	struct launch_facts f;
	char why[256] = "";
	int rc = launch_facts_parse((const char *)data, size, &nd, "spark-2", &f, why, sizeof(why));
	FZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	FZ_CHECK(rc == 0 || why[0], "a refusal without a reason");
	FZ_CHECK(!f.boot_if[0] || text_is_ifname(f.boot_if), "boot_if %s", f.boot_if);
	FZ_CHECK(strlen(f.hcas) < sizeof(f.hcas), "hcas");
	for (const char *p = f.hcas; *p;) {
		size_t l = strcspn(p, ",");
		FZ_CHECK(l > 0 && strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789_-.:") >= l,
			 "hca %.*s", (int)l, p);
		p += l + (p[l] ? 1 : 0);
	}
	return 0;
}
