/* test_rdma.c: the RDMA inventory read from Spark-shaped sysfs trees, healthy and broken.
 *
 * Trees are made at test time by $SPARK_SYSFS in a temporary directory (test_fixture.h). What
 * a healthy tree must give is taken from the hardware's shape (field notes: four devices, one
 * port each, twins 0000/0002, fw 28.45.4028, PCI device 0x1021 = MT4129). */
#include "core/net/rdma.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <sys/fsuid.h>
#include <dirent.h>
#include <cmocka.h>

#include "test_fixture.h"

static void scan(struct fx *f, struct rdma_inventory *inv)
{
	sysfs_set_root(f->root);
	rdma_inventory_scan(inv, false);
}

/* Every string the inventory holds must be safe to print. */
static void assert_all_clean(const struct rdma_inventory *inv)
{
	for (size_t i = 0; i < inv->nports; i++) {
		const struct rdma_port *p = &inv->ports[i];
		const char *fields[] = { p->ibdev,	p->netdev,  p->pci,	    p->fw_ver,
					 p->devid,	p->part_id, p->description, p->state,
					 p->phys_state, p->rate,    p->link_layer };
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			if (!fx_is_clean(fields[k]))
				fail_msg("port %zu field %zu is not clean text", i, k);
		assert_true(strlen(p->netdev) <= 15);
		if (p->netdev[0])
			assert_true(text_is_ifname(p->netdev));
	}
	for (size_t i = 0; i < inv->nproblems; i++)
		if (!fx_is_clean(inv->problems[i]))
			fail_msg("problem %zu is not clean text", i);
}

/* The problem list has a sentence containing every one of the given words. */
static bool has_problem(const struct rdma_inventory *inv, const char *w1, const char *w2)
{
	for (size_t i = 0; i < inv->nproblems; i++)
		if (strstr(inv->problems[i], w1) && (!w2 || strstr(inv->problems[i], w2)))
			return true;
	return false;
}

static void dump_problems(const struct rdma_inventory *inv)
{
	for (size_t i = 0; i < inv->nproblems; i++)
		print_message("  problem: %s\n", inv->problems[i]);
}

static const struct rdma_port *port_of(const struct rdma_inventory *inv, const char *ibdev)
{
	for (size_t i = 0; i < inv->nports; i++)
		if (strcmp(inv->ports[i].ibdev, ibdev) == 0)
			return &inv->ports[i];
	fail_msg("no port for %s", ibdev);
	return NULL;
}

/* A healthy tree: four ports in `ls` order, all fields as the hardware has them. up_p0/up_p1
 * say which physical ports have a cable. */
static void check_healthy(const struct rdma_inventory *inv, bool up_p0, bool up_p1)
{
	dump_problems(inv);
	assert_false(inv->no_class);
	assert_false(inv->no_mlx_netdevs);
	assert_int_equal(inv->nproblems, 0);
	assert_int_equal(inv->nports, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct rdma_port *p = &inv->ports[i];
		const struct fx_twin *t = &FX_TWINS[i];
		bool up = strcmp(t->pp, "p0") == 0 ? up_p0 : up_p1;
		assert_string_equal(p->ibdev, t->ibdev); /* C-locale order: roceP2... first */
		assert_int_equal(p->port, 1);
		assert_string_equal(p->netdev, t->netdev);
		assert_string_equal(p->pci, t->pci);
		assert_true(p->pci_ok);
		assert_int_equal(p->pci_domain, t->pci[3] == '2' ? 2 : 0);
		assert_int_equal(p->pci_bus, 1);
		assert_int_equal(p->pci_slot, 0);
		assert_int_equal(p->pci_func, t->pci[11] - '0');
		assert_string_equal(p->fw_ver, "28.45.4028");
		assert_string_equal(p->devid, "MT4129");
		assert_string_equal(p->link_layer, "Ethernet");
		assert_string_equal(p->part_id, "");
		assert_string_equal(p->state, up ? "ACTIVE" : "DOWN");
		assert_string_equal(p->phys_state, up ? "LinkUp" : "Disabled");
		assert_int_equal(p->link, up ? RDMA_LINK_UP : RDMA_LINK_DOWN);
	}
	assert_all_clean(inv);
}

static void test_no_cable(void **state)
{
	struct fx *f = *state;
	fx_make(f, NULL);
	struct rdma_inventory inv;
	scan(f, &inv);
	check_healthy(&inv, false, false);
	rdma_inventory_free(&inv);
}

static void test_one_cable(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	struct rdma_inventory inv;
	scan(f, &inv);
	check_healthy(&inv, false, true);
	rdma_inventory_free(&inv);
}

static void test_two_cables(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p0,p1", NULL);
	struct rdma_inventory inv;
	scan(f, &inv);
	check_healthy(&inv, true, true);
	/* with libibverbs asked too, the sysfs view is unchanged (here libibverbs may see no
	 * device at all, or the machine's real ones: neither renames a fixture port) */
	struct rdma_inventory inv2;
	sysfs_set_root(f->root);
	rdma_inventory_scan(&inv2, true);
	assert_int_equal(inv2.nports, 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(inv2.ports[i].netdev, inv.ports[i].netdev);
	rdma_inventory_free(&inv2);
	rdma_inventory_free(&inv);
}

static void test_no_rdma(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--no-rdma", NULL);
	struct rdma_inventory inv;
	scan(f, &inv);
	assert_true(inv.no_class);
	assert_int_equal(inv.nports, 0);
	dump_problems(&inv);
	assert_int_equal(inv.nproblems, 0); /* no RDMA is a fact, not a broken tree */
	rdma_inventory_free(&inv);
	/* and a root that does not exist at all is the same */
	sysfs_set_root("/nonexistent/sparklink-test");
	rdma_inventory_scan(&inv, false);
	assert_true(inv.no_class);
	assert_int_equal(inv.nports, 0);
	assert_int_equal(inv.nproblems, 0);
	rdma_inventory_free(&inv);
}

static void test_find_netdev_and_words(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	struct rdma_inventory inv;
	scan(f, &inv);
	struct rdma_port *p = rdma_inventory_find_netdev(&inv, "enp1s0f1np1");
	assert_non_null(p);
	assert_string_equal(p->ibdev, "rocep1s0f1");
	assert_null(rdma_inventory_find_netdev(&inv, "eth0"));
	assert_string_equal(rdma_link_word(RDMA_LINK_UP), "Up");
	assert_string_equal(rdma_link_word(RDMA_LINK_DOWN), "Down");
	assert_string_equal(rdma_link_word(RDMA_LINK_NA), "NA");
	assert_string_equal(rdma_link_word(RDMA_LINK_UNKNOWN), "");
	rdma_inventory_free(&inv);
}

/* The cable moves: refresh re-reads state and carrier of one port. */
static void test_refresh(void **state)
{
	struct fx *f = *state;
	fx_make(f, NULL);
	struct rdma_inventory inv;
	scan(f, &inv);
	struct rdma_port *p = rdma_inventory_find_netdev(&inv, "enp1s0f1np1");
	assert_non_null(p);
	assert_string_equal(p->state, "DOWN");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/state", "4: ACTIVE\n");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/phys_state", "5: LinkUp\n");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/rate", "200 Gb/sec (4X HDR)\n");
	fx_puts(f, "class/net/enp1s0f1np1/carrier", "1\n");
	rdma_port_refresh(p);
	assert_string_equal(p->state, "ACTIVE");
	assert_string_equal(p->phys_state, "LinkUp");
	assert_string_equal(p->rate, "200 Gb/sec (4X HDR)");
	assert_int_equal(p->link, RDMA_LINK_UP);
	/* carrier file gone: NA; dev_id gone too: nothing (as ibdev2netdev prints them) */
	fx_delete(f, "class/net/enp1s0f1np1/carrier");
	rdma_port_refresh(p);
	assert_int_equal(p->link, RDMA_LINK_NA);
	fx_delete(f, "class/net/enp1s0f1np1/dev_id");
	rdma_port_refresh(p);
	assert_int_equal(p->link, RDMA_LINK_UNKNOWN);
	rdma_inventory_free(&inv);
}

/* A carrier change netlink reported: link follows it at once, the port's files are not read
 * until someone asks (rdma_inventory_refresh_stale), then only the changed port's. */
static void test_carrier_then_refresh_stale(void **state)
{
	struct fx *f = *state;
	fx_make(f, NULL);
	struct rdma_inventory inv;
	scan(f, &inv);
	struct rdma_port *p = rdma_inventory_find_netdev(&inv, "enp1s0f1np1");
	struct rdma_port *q = rdma_inventory_find_netdev(&inv, "enp1s0f0np0");
	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal(p->link, RDMA_LINK_DOWN);
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/state", "4: ACTIVE\n");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/phys_state", "5: LinkUp\n");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/rate", "200 Gb/sec (4X HDR)\n");
	fx_puts(f, "class/infiniband/rocep1s0f0/ports/1/state", "4: ACTIVE\n");
	rdma_port_carrier(p, true);
	assert_int_equal(p->link, RDMA_LINK_UP);
	assert_string_equal(p->state, "DOWN"); /* not read yet */
	rdma_inventory_refresh_stale(&inv);
	assert_string_equal(p->state, "ACTIVE");
	assert_string_equal(p->phys_state, "LinkUp");
	assert_string_equal(p->rate, "200 Gb/sec (4X HDR)");
	assert_string_equal(q->state, "DOWN"); /* no carrier change there: not read again */
	/* read once per change: a second refresh reads nothing */
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/state", "1: DOWN\n");
	rdma_inventory_refresh_stale(&inv);
	assert_string_equal(p->state, "ACTIVE");
	rdma_port_carrier(p, false);
	assert_int_equal(p->link, RDMA_LINK_DOWN);
	rdma_inventory_refresh_stale(&inv);
	assert_string_equal(p->state, "DOWN");
	rdma_inventory_free(&inv);
}

/* gid_attrs/ndevs gone (an InfiniBand-style port): the netdev comes from device/net by
 * dev_port (0 for port 1). */
static void test_fallback_device_net(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	fx_delete(f, "class/infiniband/rocep1s0f1/ports/1/gid_attrs/ndevs");
	fx_delete(f, "class/infiniband/roceP2p1s0f0/ports/1/gid_attrs");
	struct rdma_inventory inv;
	scan(f, &inv);
	check_healthy(&inv, false, true);
	rdma_inventory_free(&inv);

	/* a device/net entry whose dev_port says port 2 is not port 1's netdev */
	fx_puts(f, "class/net/enp1s0f1np1/dev_port", "1\n");
	scan(f, &inv);
	const struct rdma_port *p = port_of(&inv, "rocep1s0f1");
	assert_string_equal(p->netdev, "");
	assert_true(has_problem(&inv, "rocep1s0f1", "no network interface"));
	assert_all_clean(&inv);
	rdma_inventory_free(&inv);
}

static void test_dangling_device_link(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p0", NULL);
	fx_symlink(f, "class/infiniband/rocep1s0f0/device", "../../../nonexistent/0000:09:00.0");
	struct rdma_inventory inv;
	scan(f, &inv);
	dump_problems(&inv);
	assert_int_equal(inv.nports, 4);
	assert_true(has_problem(&inv, "rocep1s0f0", "device"));
	const struct rdma_port *p = port_of(&inv, "rocep1s0f0");
	/* a PCI address read from a link to nowhere is not this device's address */
	assert_false(p->pci_ok);
	assert_string_equal(p->devid, "");
	/* the netdev still comes from the GID table */
	assert_string_equal(p->netdev, "enp1s0f0np0");
	/* the others are untouched */
	assert_true(port_of(&inv, "roceP2p1s0f0")->pci_ok);
	assert_all_clean(&inv);
	rdma_inventory_free(&inv);

	/* and a device link that is missing altogether */
	fx_delete(f, "class/infiniband/rocep1s0f0/device");
	scan(f, &inv);
	assert_true(has_problem(&inv, "rocep1s0f0", "device"));
	assert_false(port_of(&inv, "rocep1s0f0")->pci_ok);
	rdma_inventory_free(&inv);
}

static const char GARBAGE[] =
	"\x1b[2J\x1b]52;c;ZWNobyBvd25lZA==\x07\xc0\xaf\xed\xa0\x80\xe2\x80\xae"
	"\x9b"
	"31m\xff";

static void test_garbage_bytes(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	char buf[256];
	snprintf(buf, sizeof(buf), "%s28.45.4028\n", GARBAGE);
	fx_puts(f, "class/infiniband/rocep1s0f1/fw_ver", buf);
	snprintf(buf, sizeof(buf), "4: %sACTIVE\n", GARBAGE);
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/state", buf);
	snprintf(buf, sizeof(buf), "5:\x1b[1mLink\xffUp\n");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/phys_state", buf);
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/rate", GARBAGE);
	snprintf(buf, sizeof(buf), "%senp1s0f1np1\n", GARBAGE);
	for (int g = 0; g < 4; g++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "class/infiniband/rocep1s0f1/ports/1/gid_attrs/ndevs/%d",
			 g);
		fx_puts(f, rel, buf);
	}
	/* binary with a NUL inside */
	fx_write(f, "class/infiniband/roceP2p1s0f1/fw_ver", "\x1b[2J\0\x1b[2J", 9);
	struct rdma_inventory inv;
	scan(f, &inv);
	dump_problems(&inv);
	assert_int_equal(inv.nports, 4);
	assert_all_clean(&inv);
	const struct rdma_port *p = port_of(&inv, "rocep1s0f1");
	/* the garbage is visible as replacement characters, the real value survives */
	assert_non_null(strstr(p->fw_ver, "28.45.4028"));
	assert_non_null(strchr(p->fw_ver, '?'));
	/* the GID table held no interface name: said so, and the netdev found another way */
	assert_true(has_problem(&inv, "rocep1s0f1", "ndevs"));
	assert_string_equal(p->netdev, "enp1s0f1np1");
	rdma_inventory_free(&inv);
}

/* A netdev name longer than IFNAMSIZ-1 (15 bytes) is not a netdev name. */
static void test_long_netdev_name(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	for (int g = 0; g < 4; g++) {
		char rel[128];
		snprintf(rel, sizeof(rel),
			 "class/infiniband/roceP2p1s0f1/ports/1/gid_attrs/ndevs/%d", g);
		fx_puts(f, rel, "enP2p1s0f1np1xyz\n"); /* 16 bytes */
	}
	/* and the fallback cannot find it either */
	fx_puts(f, "class/net/enP2p1s0f1np1/dev_port", "5\n");
	struct rdma_inventory inv;
	scan(f, &inv);
	dump_problems(&inv);
	const struct rdma_port *p = port_of(&inv, "roceP2p1s0f1");
	assert_string_equal(p->netdev, "");
	assert_true(has_problem(&inv, "roceP2p1s0f1", "enP2p1s0f1np1xyz"));
	assert_all_clean(&inv);
	rdma_inventory_free(&inv);
}

static void test_port_entry_not_a_number(void **state)
{
	struct fx *f = *state;
	fx_make(f, NULL);
	fx_mkdir(f, "class/infiniband/rocep1s0f0/ports/abc");
	fx_mkdir(f, "class/infiniband/rocep1s0f0/ports/0");
	fx_mkdir(f, "class/infiniband/rocep1s0f0/ports/1x");
	struct rdma_inventory inv;
	scan(f, &inv);
	dump_problems(&inv);
	assert_int_equal(inv.nports, 4);
	assert_true(has_problem(&inv, "rocep1s0f0", "not a number"));
	assert_int_equal(port_of(&inv, "rocep1s0f0")->port, 1);
	rdma_inventory_free(&inv);
}

/* A device whose very name is an escape sequence (class/infiniband entries are names too). */
static void test_hostile_device_name(void **state)
{
	struct fx *f = *state;
	fx_make(f, NULL);
	const char *evil = "class/infiniband/\x1b]52;c;QQ==\x07\x1b[2J";
	char rel[256];
	fx_mkdir(f, evil);
	snprintf(rel, sizeof(rel), "%s/ports", evil);
	fx_mkdir(f, rel);
	snprintf(rel, sizeof(rel), "%s/ports/x\x1b[2J", evil);
	fx_mkdir(f, rel);
	snprintf(rel, sizeof(rel), "%s/ports/1", evil);
	fx_mkdir(f, rel);
	snprintf(rel, sizeof(rel), "%s/ports/1/state", evil);
	fx_puts(f, rel, "1: DOWN\n");
	struct rdma_inventory inv;
	scan(f, &inv);
	dump_problems(&inv);
	assert_true(inv.nproblems > 0);
	assert_all_clean(&inv);
	rdma_inventory_free(&inv);
}

static void test_empty_files(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	fx_puts(f, "class/infiniband/rocep1s0f1/fw_ver", "");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/state", "");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/phys_state", "");
	fx_puts(f, "class/infiniband/rocep1s0f1/ports/1/gid_attrs/ndevs/0", "");
	fx_puts(f, "class/net/enp1s0f1np1/carrier", "");
	fx_puts(f, "class/infiniband/rocep1s0f0/device/device", "");
	struct rdma_inventory inv;
	scan(f, &inv);
	dump_problems(&inv);
	assert_int_equal(inv.nports, 4);
	const struct rdma_port *p = port_of(&inv, "rocep1s0f1");
	assert_string_equal(p->fw_ver, "");
	assert_string_equal(p->state, "");
	assert_string_equal(p->netdev, "enp1s0f1np1");
	assert_int_equal(p->link, RDMA_LINK_DOWN); /* carrier not "1" */
	assert_string_equal(port_of(&inv, "rocep1s0f0")->devid, "");
	assert_all_clean(&inv);
	rdma_inventory_free(&inv);
}

/* An unreadable directory. As root, permissions do not stop reads: take a nobody file-system
 * identity for the scan (setfsuid drops CAP_DAC_OVERRIDE with it), as a user would have. */
static void test_unreadable_directory(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	char p[PATH_MAX];
	fx_path(f, p, sizeof(p), "class/infiniband/rocep1s0f1/ports");
	assert_int_equal(chmod(p, 0), 0);
	bool root = geteuid() == 0;
	if (root)
		setfsuid(65534);
	DIR *d = opendir(p);
	if (d) {
		closedir(d);
		if (root)
			setfsuid(0);
		print_message("cannot make a directory unreadable here\n");
		skip();
	}
	struct rdma_inventory inv;
	scan(f, &inv);
	if (root)
		setfsuid(0);
	dump_problems(&inv);
	assert_int_equal(inv.nports, 3);
	assert_true(has_problem(&inv, "rocep1s0f1", "ports"));
	assert_null(rdma_inventory_find_netdev(&inv, "enp1s0f1np1"));
	assert_all_clean(&inv);
	rdma_inventory_free(&inv);

	/* class/infiniband itself unreadable: a clear sentence, no ports */
	assert_int_equal(chmod(p, 0755), 0);
	fx_path(f, p, sizeof(p), "class/infiniband");
	assert_int_equal(chmod(p, 0), 0);
	if (root)
		setfsuid(65534);
	scan(f, &inv);
	if (root)
		setfsuid(0);
	assert_int_equal(inv.nports, 0);
	assert_true(has_problem(&inv, "class/infiniband", NULL));
	assert_all_clean(&inv);
	rdma_inventory_free(&inv);
}

/* A root whose own name holds an escape sequence and a byte that is not UTF-8 (the root comes
 * from the command line): sentences quoting paths under it are still clean text. */
static void test_odd_root(void **state)
{
	struct fx *f = *state;
	fx_make(f, NULL);
	fx_delete(f, "class/infiniband");
	fx_puts(f, "class/infiniband", "not a directory\n");
	char odd[PATH_MAX];
	snprintf(odd, sizeof(odd), "%s/../odd\x1b[2J\xff", f->root);
	assert_int_equal(symlink("sys", odd), 0);
	sysfs_set_root(odd);
	struct rdma_inventory inv;
	rdma_inventory_scan(&inv, false);
	dump_problems(&inv);
	assert_int_equal(inv.nports, 0);
	assert_true(has_problem(&inv, "class/infiniband", NULL));
	assert_all_clean(&inv);
	rdma_inventory_free(&inv);
}

#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_no_cable),
		FX_TEST(test_one_cable),
		FX_TEST(test_two_cables),
		FX_TEST(test_no_rdma),
		FX_TEST(test_find_netdev_and_words),
		FX_TEST(test_refresh),
		FX_TEST(test_carrier_then_refresh_stale),
		FX_TEST(test_fallback_device_net),
		FX_TEST(test_dangling_device_link),
		FX_TEST(test_garbage_bytes),
		FX_TEST(test_long_netdev_name),
		FX_TEST(test_port_entry_not_a_number),
		FX_TEST(test_hostile_device_name),
		FX_TEST(test_empty_files),
		FX_TEST(test_unreadable_directory),
		FX_TEST(test_odd_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
