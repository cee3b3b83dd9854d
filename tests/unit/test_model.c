/* test_model.c: twin grouping, other interfaces and findings on models built by hand. */
#include "core/net/model.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_model_build.h"

/* --- building a model ------------------------------------------------------------------- */

/* Netdevs must be added before any pointer from nd() is kept (the array moves). */
static void add_netdev(struct model *m, const char *name, const char *phys_port_name)
{
	m->netdevs = xrealloc(m->netdevs, m->nnetdevs + 1, sizeof(*m->netdevs));
	struct netdev *d = &m->netdevs[m->nnetdevs++];
	memset(d, 0, sizeof(*d));
	str_copy(d->name, name, sizeof(d->name));
	d->ifindex = (int)m->nnetdevs;
	d->mtu = 1500;
	d->speed_mbps = -1;
	str_copy(d->operstate, "down", sizeof(d->operstate));
	str_copy(d->phys_port_name, phys_port_name ? phys_port_name : "",
		 sizeof(d->phys_port_name));
}

static void set_up(struct model *m, const char *name, bool up)
{
	struct netdev *d = nd(m, name);
	d->admin_up = up;
	d->carrier = up;
	d->speed_mbps = up ? 200000 : -1;
	str_copy(d->operstate, up ? "up" : "down", sizeof(d->operstate));
}

static void add_addr(struct model *m, const char *name, const char *cidr)
{
	struct netdev *d = nd(m, name);
	struct netdev_addr a = { 0 };
	char text[64];
	str_copy(text, cidr, sizeof(text));
	char *slash = strchr(text, '/');
	assert_non_null(slash);
	*slash = '\0';
	a.prefixlen = (unsigned)atoi(slash + 1);
	a.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	str_copy(a.text, text, sizeof(a.text));
	/* as netmon sets it */
	a.link_local = str_starts(text, "169.254.") || str_starts(text, "fe80:");
	d->addrs = xrealloc(d->addrs, d->naddrs + 1, sizeof(*d->addrs));
	d->addrs[d->naddrs++] = a;
}

/* A Spark: RDMA ports in `ls` order (as the scan gives them), netdevs sorted by name, plus the
 * management interfaces and lo. */
static void spark(struct model *m)
{
	model_init(m);
	add_rdma(m, "roceP2p1s0f0", "0002:01:00.0", "enP2p1s0f0np0");
	add_rdma(m, "roceP2p1s0f1", "0002:01:00.1", "enP2p1s0f1np1");
	add_rdma(m, "rocep1s0f0", "0000:01:00.0", "enp1s0f0np0");
	add_rdma(m, "rocep1s0f1", "0000:01:00.1", "enp1s0f1np1");
	add_netdev(m, "enP2p1s0f0np0", "p0");
	add_netdev(m, "enP2p1s0f1np1", "p1");
	add_netdev(m, "enP7s7", NULL);
	add_netdev(m, "enp1s0f0np0", "p0");
	add_netdev(m, "enp1s0f1np1", "p1");
	add_netdev(m, "lo", NULL);
	add_netdev(m, "wlP9s9", NULL);
	set_up(m, "lo", true);
	add_addr(m, "lo", "127.0.0.1/8");
	set_up(m, "enP7s7", true);
	add_addr(m, "enP7s7", "10.0.0.5/24");
}

/* A healthy cabled port 1: both twins Up at 200G, MTU 9000, one /24 each. */
static void healthy_port1(struct model *m)
{
	set_up(m, "enp1s0f1np1", true);
	set_up(m, "enP2p1s0f1np1", true);
	nd(m, "enp1s0f1np1")->mtu = 9000;
	nd(m, "enP2p1s0f1np1")->mtu = 9000;
	add_addr(m, "enp1s0f1np1", "192.168.100.10/24");
	add_addr(m, "enP2p1s0f1np1", "192.168.101.10/24");
	add_addr(m, "enp1s0f1np1", "fe80::5ebb:47ff:fe13:3/64");
	add_addr(m, "enP2p1s0f1np1", "fe80::5ebb:47ff:fe14:4/64");
}

static size_t count_code(const struct model *m, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].code, code) == 0)
			n++;
	return n;
}

static const struct finding *finding(const struct model *m, const char *code)
{
	for (size_t i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].code, code) == 0)
			return &m->findings[i];
	for (size_t i = 0; i < m->nfindings; i++)
		print_message("  finding %s: %s\n", m->findings[i].code, m->findings[i].text);
	fail_msg("no finding %s", code);
	return NULL;
}

static void dump(const struct model *m)
{
	for (size_t i = 0; i < m->nfindings; i++)
		print_message("  finding %s: %s\n", m->findings[i].code, m->findings[i].text);
}

/* Every finding explains itself and says what to do. */
static void check_sentences(const struct model *m)
{
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];
		assert_true(strlen(f->code) > 0);
		assert_true(strlen(f->text) > 10);
		assert_true(strlen(f->fix) > 10);
	}
}

/* --- grouping --------------------------------------------------------------------------- */

static void test_twin_grouping(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	set_up(&m, "enp1s0f1np1", true);
	set_up(&m, "enP2p1s0f1np1", true);
	unsigned long gen = m.generation;
	model_rebuild(&m);
	assert_true(m.generation > gen);
	assert_true(m.dirty);
	assert_int_equal(m.nports, 2);
	for (int k = 0; k < 2; k++) {
		const struct phys_port *pp = &m.ports[k];
		assert_int_equal(pp->number, k);
		assert_int_equal(pp->ntwins, 2);
		/* twins ordered by PCI domain: 0000 first, then 0002, same function = port number */
		assert_int_equal(pp->twins[0].rdma->pci_domain, 0);
		assert_int_equal(pp->twins[1].rdma->pci_domain, 2);
		for (int t = 0; t < 2; t++) {
			assert_int_equal(pp->twins[t].rdma->pci_func, (unsigned)k);
			assert_non_null(pp->twins[t].netdev);
			assert_string_equal(pp->twins[t].netdev->name, pp->twins[t].rdma->netdev);
			assert_string_equal(pp->twins[t].netdev_name, pp->twins[t].rdma->netdev);
			assert_true(pp->twins[t].netdev->rdma);
		}
	}
	assert_string_equal(m.ports[1].twins[0].netdev_name, "enp1s0f1np1");
	assert_string_equal(m.ports[1].twins[1].netdev_name, "enP2p1s0f1np1");
	assert_false(m.ports[0].cabled);
	assert_true(m.ports[1].cabled);
	/* rebuilding again is stable */
	model_rebuild(&m);
	assert_int_equal(m.nports, 2);
	assert_int_equal(m.ports[1].number, 1);
	assert_true(m.ports[1].cabled);
	model_free(&m);
}

/* One twin with carrier is enough for the port to be cabled. */
static void test_cabled_by_one_twin(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	set_up(&m, "enP2p1s0f0np0", true);
	model_rebuild(&m);
	assert_true(m.ports[0].cabled);
	assert_false(m.ports[1].cabled);
	model_free(&m);
}

/* Two models of the same Spark, port 1 healthy, each built. */
static void two_healthy(struct model *a, struct model *b)
{
	for (struct model *m = a; m; m = m == a ? b : NULL) {
		spark(m);
		healthy_port1(m);
		model_rebuild(m);
	}
}

static void assert_same_findings(const struct model *a, const struct model *b)
{
	assert_int_equal(a->nfindings, b->nfindings);
	for (size_t i = 0; i < a->nfindings; i++) {
		assert_string_equal(a->findings[i].code, b->findings[i].code);
		assert_string_equal(a->findings[i].text, b->findings[i].text);
	}
}

/* Netdevs changed in place (a cable pulled, then an address, as netmon applies them): refresh
 * gives what a full rebuild gives, the grouping kept. */
static void test_refresh_as_rebuild(void **state)
{
	(void)state;
	struct model a, b;
	two_healthy(&a, &b);
	for (int step = 0; step < 3; step++) {
		for (struct model *m = &a; m; m = m == &a ? &b : NULL) {
			if (step == 0)
				set_up(m, "enP2p1s0f1np1", false);
			else if (step == 1)
				set_up(m, "enp1s0f1np1", false);
			else
				add_addr(m, "enP2p1s0f0np0", "192.168.101.1/24");
		}
		unsigned long gen = a.generation;
		model_refresh(&a);
		model_rebuild(&b);
		assert_true(a.generation > gen && a.dirty);
		assert_int_equal(a.nports, b.nports);
		for (size_t k = 0; k < a.nports; k++) {
			assert_int_equal(a.ports[k].number, b.ports[k].number);
			assert_int_equal(a.ports[k].cabled, b.ports[k].cabled);
			assert_int_equal(a.ports[k].ntwins, b.ports[k].ntwins);
		}
		assert_same_findings(&a, &b);
	}
	/* both twins of port 1 down: no cable seen there any more */
	assert_false(a.ports[1].cabled);
	assert_int_equal(count_code(&a, "no-link"), 1);
	model_free(&a);
	model_free(&b);
}

static void del_addrs(struct model *m, const char *name)
{
	struct netdev *d = nd(m, name);
	free(d->addrs);
	d->addrs = NULL;
	d->naddrs = 0;
}

/* Only the netdevs a batch named refreshed (netmon's path, model_refresh_netdevs): the same
 * findings as a full rebuild, the same-subnet finding too, as addresses come and go on a twin
 * and on another interface. */
static void test_refresh_netdevs_as_rebuild(void **state)
{
	(void)state;
	struct model a, b;
	two_healthy(&a, &b);
	const char *names[] = { "wlP9s9", "wlP9s9", "enP2p1s0f1np1", "enP7s7", "enp1s0f1np1" };
	for (size_t step = 0; step < ARRAY_LEN(names); step++) {
		for (struct model *m = &a; m; m = m == &a ? &b : NULL) {
			if (step == 0) /* an interface without IPv4 comes into a twin's subnet */
				add_addr(m, "wlP9s9", "192.168.100.99/24");
			else if (step == 1) /* and leaves it */
				del_addrs(m, "wlP9s9");
			else if (step == 2)
				del_addrs(m, "enP2p1s0f1np1");
			else if (step == 3) /* the management LAN moves into a twin's subnet */
				add_addr(m, "enP7s7", "192.168.100.5/24");
			else
				set_up(m, "enp1s0f1np1", false);
		}
		size_t idx = (size_t)(nd(&a, names[step]) - a.netdevs);
		unsigned long gen = a.generation;
		model_refresh_netdevs(&a, &idx, 1);
		model_rebuild(&b);
		assert_true(a.generation > gen && a.dirty);
		assert_same_findings(&a, &b);
		assert_int_equal(count_code(&a, "same-subnet"), step == 0 || step >= 3 ? 1 : 0);
	}
	model_free(&a);
	model_free(&b);
}

/* Without netdevs (no phys_port_name), the PCI function numbers the port. */
static void test_grouping_without_netdevs(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	add_rdma(&m, "roceP2p1s0f1", "0002:01:00.1", "enP2p1s0f1np1");
	add_rdma(&m, "rocep1s0f0", "0000:01:00.0", "enp1s0f0np0");
	add_rdma(&m, "rocep1s0f1", "0000:01:00.1", "enp1s0f1np1");
	add_rdma(&m, "roceP2p1s0f0", "0002:01:00.0", "enP2p1s0f0np0");
	model_rebuild(&m);
	assert_int_equal(m.nports, 2);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(m.ports[k].number, k);
		assert_int_equal(m.ports[k].ntwins, 2);
		assert_int_equal(m.ports[k].twins[0].rdma->pci_domain, 0);
		assert_int_equal(m.ports[k].twins[1].rdma->pci_domain, 2);
		assert_null(m.ports[k].twins[0].netdev);
		assert_false(m.ports[k].cabled);
	}
	assert_string_equal(m.ports[0].twins[1].netdev_name, "enP2p1s0f0np0");
	assert_int_equal(m.nothers, 0);
	model_free(&m);
}

/* Different functions, or the same domain, are not twins. */
static void test_not_twins(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	add_rdma(&m, "roceP2p1s0f1", "0002:01:00.1", "enP2p1s0f1np1");
	add_rdma(&m, "rocep1s0f0", "0000:01:00.0", "enp1s0f0np0");
	model_rebuild(&m);
	assert_int_equal(m.nports, 2);
	assert_int_equal(m.ports[0].ntwins, 1);
	assert_int_equal(m.ports[1].ntwins, 1);
	assert_int_equal(m.ports[0].number, 0);
	assert_int_equal(m.ports[1].number, 1);
	model_free(&m);
	/* an unknown PCI address groups nothing */
	model_init(&m);
	add_rdma(&m, "mlx5_0", "", "eth2");
	add_rdma(&m, "mlx5_1", "", "eth3");
	model_rebuild(&m);
	assert_int_equal(m.nports, 2);
	assert_int_equal(m.ports[0].ntwins, 1);
	model_free(&m);
}

/* Another adapter at the same bus address in a third domain: a ConnectX-6 (another device id)
 * is its own port; so is a third ConnectX-7 function (the twins are already paired). Port numbers
 * stay unique, and the grouping does not depend on the order of the devices. */
static void test_other_adapters(void **state)
{
	(void)state;
	for (int order = 0; order < 2; order++) {
		struct model m;
		spark(&m);
		if (order) { /* the Spark's devices last */
			struct rdma_port *v = m.rdma.ports;
			for (size_t i = 0; i < 2; i++) {
				struct rdma_port t = v[i];
				v[i] = v[3 - i];
				v[3 - i] = t;
			}
		}
		add_rdma(&m, "roceP5p1s0", "0005:01:00.0", "enP5p1s0np0");
		str_copy(m.rdma.ports[4].devid, "MT4123", sizeof(m.rdma.ports[4].devid));
		add_rdma(&m, "roceP6p1s0f0", "0006:01:00.0", "enP6p1s0f0np0");
		add_netdev(&m, "enP5p1s0np0", "p0");
		add_netdev(&m, "enP6p1s0f0np0", "p0");
		model_rebuild(&m);
		assert_int_equal(m.nports, 4);
		for (size_t k = 0; k < 4; k++)
			assert_int_equal(m.ports[k].number, (int)k);
		assert_int_equal(m.ports[0].ntwins, 2);
		assert_string_equal(m.ports[0].twins[0].rdma->ibdev, "rocep1s0f0");
		assert_string_equal(m.ports[0].twins[1].rdma->ibdev, "roceP2p1s0f0");
		assert_int_equal(m.ports[1].ntwins, 2);
		assert_int_equal(m.ports[2].ntwins, 1);
		assert_string_equal(m.ports[2].twins[0].rdma->ibdev, "roceP5p1s0");
		assert_int_equal(m.ports[3].ntwins, 1);
		assert_string_equal(m.ports[3].twins[0].rdma->ibdev, "roceP6p1s0f0");
		model_free(&m);
	}
}

static void test_other_interfaces(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	model_rebuild(&m);
	/* enP7s7 and wlP9s9, in netdev order; not lo, not the four RDMA netdevs */
	assert_int_equal(m.nothers, 2);
	assert_string_equal(m.netdevs[m.others[0]].name, "enP7s7");
	assert_string_equal(m.netdevs[m.others[1]].name, "wlP9s9");
	for (size_t i = 0; i < m.nothers; i++)
		assert_false(m.netdevs[m.others[i]].rdma);
	assert_non_null(model_netdev(&m, "lo"));
	assert_false(model_netdev(&m, "lo")->rdma);
	assert_true(model_netdev(&m, "enp1s0f0np0")->rdma);
	assert_null(model_netdev(&m, "nosuch0"));
	model_free(&m);
}

/* --- findings --------------------------------------------------------------------------- */

static void test_healthy_no_findings(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	healthy_port1(&m);
	model_rebuild(&m);
	dump(&m);
	assert_int_equal(m.nfindings, 0);
	model_free(&m);
}

static void test_no_link(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	model_rebuild(&m);
	dump(&m);
	assert_int_equal(count_code(&m, "no-link"), 1);
	assert_int_equal(finding(&m, "no-link")->level, FINDING_ERROR);
	assert_int_equal(m.nfindings, 1);
	check_sentences(&m);
	/* a machine without RDMA ports has nothing to cable: no such finding */
	model_free(&m);
	model_init(&m);
	add_netdev(&m, "eth0", NULL);
	model_rebuild(&m);
	assert_int_equal(count_code(&m, "no-link"), 0);
	model_free(&m);
}

static void test_twin_down(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	healthy_port1(&m);
	set_up(&m, "enP2p1s0f1np1", false);
	model_rebuild(&m);
	dump(&m);
	const struct finding *f = finding(&m, "twin-down");
	assert_int_equal(f->level, FINDING_WARN);
	assert_non_null(strstr(f->text, "enp1s0f1np1"));
	assert_non_null(strstr(f->text, "enP2p1s0f1np1"));
	/* Up one named first, then the Down twin */
	assert_true(strstr(f->text, "enp1s0f1np1") < strstr(f->text, "enP2p1s0f1np1"));
	assert_int_equal(count_code(&m, "twin-down"), 1);
	assert_int_equal(count_code(&m, "no-link"), 0);
	check_sentences(&m);
	/* the other way round */
	set_up(&m, "enP2p1s0f1np1", true);
	set_up(&m, "enp1s0f1np1", false);
	model_rebuild(&m);
	f = finding(&m, "twin-down");
	assert_true(strstr(f->text, "enP2p1s0f1np1") < strstr(f->text, "enp1s0f1np1"));
	model_free(&m);
}

static void test_slow_link(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	healthy_port1(&m);
	nd(&m, "enP2p1s0f1np1")->speed_mbps = 100000;
	model_rebuild(&m);
	dump(&m);
	assert_int_equal(count_code(&m, "slow-link"), 1);
	const struct finding *f = finding(&m, "slow-link");
	assert_int_equal(f->level, FINDING_WARN);
	assert_non_null(strstr(f->text, "enP2p1s0f1np1"));
	assert_non_null(strstr(f->text, "100 Gb/s"));
	assert_int_equal(m.nfindings, 1);
	check_sentences(&m);
	/* unknown speed is not slow */
	nd(&m, "enP2p1s0f1np1")->speed_mbps = -1;
	model_rebuild(&m);
	assert_int_equal(count_code(&m, "slow-link"), 0);
	model_free(&m);
}

static void test_mtu_mismatch(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	healthy_port1(&m);
	nd(&m, "enP2p1s0f1np1")->mtu = 1500;
	model_rebuild(&m);
	dump(&m);
	assert_int_equal(count_code(&m, "mtu-mismatch"), 1);
	const struct finding *f = finding(&m, "mtu-mismatch");
	assert_non_null(strstr(f->text, "9000"));
	assert_non_null(strstr(f->text, "1500"));
	assert_non_null(strstr(f->text, "enp1s0f1np1"));
	assert_non_null(strstr(f->text, "enP2p1s0f1np1"));
	assert_int_equal(m.nfindings, 1);
	check_sentences(&m);
	model_free(&m);
}

static void test_same_subnet(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	set_up(&m, "enp1s0f1np1", true);
	set_up(&m, "enP2p1s0f1np1", true);
	/* both twins in one /24 (the mistake NVIDIA's own texts disagree about) */
	add_addr(&m, "enp1s0f1np1", "192.168.100.10/24");
	add_addr(&m, "enP2p1s0f1np1", "192.168.100.11/24");
	add_addr(&m, "enp1s0f1np1", "fe80::1/64");
	add_addr(&m, "enP2p1s0f1np1", "fe80::2/64");
	model_rebuild(&m);
	dump(&m);
	assert_int_equal(count_code(&m, "same-subnet"), 1);
	const struct finding *f = finding(&m, "same-subnet");
	assert_int_equal(f->level, FINDING_WARN);
	assert_non_null(strstr(f->text, "enp1s0f1np1"));
	assert_non_null(strstr(f->text, "enP2p1s0f1np1"));
	assert_non_null(strstr(f->text, "192.168.100.10/24"));
	assert_non_null(strstr(f->text, "192.168.100.11/24"));
	assert_int_equal(m.nfindings, 1);
	check_sentences(&m);
	model_free(&m);

	/* same network written with different host parts and prefixes: a /16 holding the /24 */
	spark(&m);
	healthy_port1(&m);
	add_addr(&m, "enP7s7", "192.168.7.1/16");
	model_rebuild(&m);
	dump(&m);
	assert_int_equal(count_code(&m, "same-subnet"), 2); /* enP7s7 overlaps both twins */
	model_free(&m);

	/* link-local on every twin is per link by definition: no finding */
	spark(&m);
	set_up(&m, "enp1s0f1np1", true);
	set_up(&m, "enP2p1s0f1np1", true);
	add_addr(&m, "enp1s0f1np1", "169.254.10.1/16");
	add_addr(&m, "enP2p1s0f1np1", "169.254.20.2/16");
	add_addr(&m, "enp1s0f1np1", "fe80::1/64");
	add_addr(&m, "enP2p1s0f1np1", "fe80::2/64");
	model_rebuild(&m);
	dump(&m);
	assert_int_equal(count_code(&m, "same-subnet"), 0);
	assert_int_equal(m.nfindings, 0);
	model_free(&m);

	/* neighbouring /24s are different networks */
	spark(&m);
	healthy_port1(&m);
	add_addr(&m, "enp1s0f0np0", "192.168.102.10/24");
	add_addr(&m, "enP2p1s0f0np0", "192.168.103.10/24");
	model_rebuild(&m);
	assert_int_equal(count_code(&m, "same-subnet"), 0);
	model_free(&m);
}

static void test_no_address(void **state)
{
	(void)state;
	struct model m;
	spark(&m);
	set_up(&m, "enp1s0f1np1", true);
	set_up(&m, "enP2p1s0f1np1", true);
	add_addr(&m, "enp1s0f1np1", "fe80::1/64"); /* IPv6 link-local only: no IPv4 */
	add_addr(&m, "enP2p1s0f1np1", "192.168.101.10/24");
	model_rebuild(&m);
	dump(&m);
	assert_int_equal(count_code(&m, "no-address"), 1);
	const struct finding *f = finding(&m, "no-address");
	assert_int_equal(f->level, FINDING_INFO);
	assert_non_null(strstr(f->text, "enp1s0f1np1"));
	assert_null(strstr(f->text, "enP2p1s0f1np1"));
	assert_int_equal(m.nfindings, 1); /* an IPv4 address alone is enough for mDNS */
	check_sentences(&m);
	model_free(&m);
	/* enP2p1s0f1np1 Up without any address (NetworkManager gave up on it): nothing on its
	 * cable can be heard over mDNS; said, with the command */
	spark(&m);
	set_up(&m, "enp1s0f1np1", true);
	set_up(&m, "enP2p1s0f1np1", true);
	add_addr(&m, "enp1s0f1np1", "fe80::1/64");
	model_rebuild(&m);
	assert_int_equal(count_code(&m, "no-address-at-all"), 1);
	f = finding(&m, "no-address-at-all");
	assert_int_equal(f->level, FINDING_WARN);
	assert_non_null(strstr(f->text, "enP2p1s0f1np1 is Up but has no address at all"));
	assert_non_null(strstr(f->fix, "sudo nmcli device connect enP2p1s0f1np1"));
	assert_int_equal(count_code(&m, "no-address"), 2); /* and neither has IPv4 */
	assert_int_equal(m.nfindings, 3);
	check_sentences(&m);
	/* a Down twin without an address is not reported: only cabled ones need one */
	model_free(&m);
	spark(&m);
	healthy_port1(&m);
	model_rebuild(&m);
	assert_int_equal(count_code(&m, "no-address"), 0);
	model_free(&m);
}

static void test_level_words(void **state)
{
	(void)state;
	assert_string_equal(finding_level_word(FINDING_ERROR), "error");
	assert_string_equal(finding_level_word(FINDING_WARN), "warning");
	assert_string_equal(finding_level_word(FINDING_INFO), "note");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twin_grouping),
		cmocka_unit_test(test_cabled_by_one_twin),
		cmocka_unit_test(test_refresh_as_rebuild),
		cmocka_unit_test(test_refresh_netdevs_as_rebuild),
		cmocka_unit_test(test_grouping_without_netdevs),
		cmocka_unit_test(test_not_twins),
		cmocka_unit_test(test_other_adapters),
		cmocka_unit_test(test_other_interfaces),
		cmocka_unit_test(test_healthy_no_findings),
		cmocka_unit_test(test_no_link),
		cmocka_unit_test(test_twin_down),
		cmocka_unit_test(test_slow_link),
		cmocka_unit_test(test_mtu_mismatch),
		cmocka_unit_test(test_same_subnet),
		cmocka_unit_test(test_no_address),
		cmocka_unit_test(test_level_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
