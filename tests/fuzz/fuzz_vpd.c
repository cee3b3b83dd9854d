/* fuzz_vpd.c: a PCI VPD image as rdma.c reads it from sysfs (DEV/device/vpd; a device or a
 * fixture tree can hold anything). rdma_vpd_parse() reads only inside the image (a heap copy of
 * exactly its size) and leaves description and part_id terminated inside their fields, clean
 * text, the part number made of name characters. */
#include "tests/fuzz/fuzz.h"
#include "core/net/rdma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *v = malloc(size ? size : 1);
	if (!v)
		abort();
	if (size)
		memcpy(v, data, size);
	struct rdma_port p;
	memset(&p, 0, sizeof(p));
	rdma_vpd_parse(v, size, &p);
	FZ_CHECK(memchr(p.description, '\0', sizeof(p.description)), "description not terminated");
	FZ_CHECK(memchr(p.part_id, '\0', sizeof(p.part_id)), "part_id not terminated");
	const char *bad = fz_clean_problem(p.description, false);
	FZ_CHECK(!bad, "description has %s", bad);
	FZ_CHECK(fz_name_chars(p.part_id), "part_id is not a name");
	free(v);
	return 0;
}
