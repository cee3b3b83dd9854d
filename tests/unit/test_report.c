/* test_report.c: the text forms of the model: change lines between snapshots (ports --watch),
 * ibdev2netdev lines and the JSON document on a model built from a fixture tree. */
#include "core/net/model.h"
#include "core/net/report.h"
#include "core/net/sysfs.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <cmocka.h>

#include "test_fixture.h"
#include "test_jsoncheck.h"

/* --- hand-built models for report_changes ------------------------------------------------ */

static void add_netdev(struct model *m, const char *name, bool up, unsigned mtu)
{
	m->netdevs = xrealloc(m->netdevs, m->nnetdevs + 1, sizeof(*m->netdevs));
	struct netdev *d = &m->netdevs[m->nnetdevs++];
	memset(d, 0, sizeof(*d));
	str_copy(d->name, name, sizeof(d->name));
	d->admin_up = up;
	d->carrier = up;
	d->mtu = mtu;
	d->speed_mbps = -1;
}

static struct netdev *nd(struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nnetdevs; i++)
		if (strcmp(m->netdevs[i].name, name) == 0)
			return &m->netdevs[i];
	fail_msg("no netdev %s", name);
	return NULL;
}

static void add_addr(struct model *m, const char *name, int family, const char *text,
		     unsigned prefixlen)
{
	struct netdev *d = nd(m, name);
	d->addrs = xrealloc(d->addrs, d->naddrs + 1, sizeof(*d->addrs));
	struct netdev_addr *a = &d->addrs[d->naddrs++];
	memset(a, 0, sizeof(*a));
	a->family = family;
	str_copy(a->text, text, sizeof(a->text));
	a->prefixlen = prefixlen;
}

static void del_netdev(struct model *m, const char *name)
{
	struct netdev *d = nd(m, name);
	netdev_clear(d);
	size_t i = (size_t)(d - m->netdevs);
	memmove(d, d + 1, (m->nnetdevs - i - 1) * sizeof(*d));
	m->nnetdevs--;
}

static void base(struct model *m)
{
	model_init(m);
	add_netdev(m, "enP2p1s0f1np1", true, 1500);
	add_netdev(m, "enp1s0f1np1", true, 1500);
	add_netdev(m, "wlP9s9", true, 1500);
	add_addr(m, "enp1s0f1np1", AF_INET, "192.168.100.10", 24);
	add_addr(m, "wlP9s9", AF_INET, "10.1.2.3", 24);
	m->rdma.ports = xcalloc(1, sizeof(*m->rdma.ports));
	m->rdma.nports = 1;
	str_copy(m->rdma.ports[0].ibdev, "rocep1s0f1", sizeof(m->rdma.ports[0].ibdev));
	m->rdma.ports[0].port = 1;
	str_copy(m->rdma.ports[0].netdev, "enp1s0f1np1", sizeof(m->rdma.ports[0].netdev));
	str_copy(m->rdma.ports[0].state, "ACTIVE", sizeof(m->rdma.ports[0].state));
}

/* Split the output into lines; each wanted line must be there exactly once, nothing else. */
static void expect_lines(const struct buf *out, int nlines, const char *const *want, size_t nwant)
{
	const char *text = out->data ? out->data : "";
	print_message("%s", text);
	assert_int_equal(nlines, (int)nwant);
	size_t count = 0;
	for (const char *p = text; *p; p++)
		if (*p == '\n')
			count++;
	assert_int_equal(count, nwant);
	assert_true(out->len == 0 || text[out->len - 1] == '\n');
	for (size_t i = 0; i < nwant; i++) {
		char line[256];
		snprintf(line, sizeof(line), "%s\n", want[i]);
		const char *hit = strstr(text, line);
		if (!hit || (hit != text && hit[-1] != '\n'))
			fail_msg("missing line: %s", want[i]);
	}
}

static void test_changes_none(void **state)
{
	(void)state;
	struct model m;
	base(&m);
	struct snapshot s;
	snapshot_take(&s, &m);
	struct buf out;
	buf_init(&out);
	assert_int_equal(report_changes(&s, &m, &out), 0);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	snapshot_free(&s);
	model_free(&m);
}

static void test_changes_link_mtu_addr(void **state)
{
	(void)state;
	struct model m;
	base(&m);
	struct snapshot s;
	snapshot_take(&s, &m);
	/* cable pulled on one twin; MTU raised on the other; an address moved on the first */
	nd(&m, "enp1s0f1np1")->carrier = false;
	nd(&m, "enP2p1s0f1np1")->mtu = 9000;
	netdev_clear(nd(&m, "enp1s0f1np1"));
	add_addr(&m, "enp1s0f1np1", AF_INET, "192.168.100.11", 24);
	add_addr(&m, "enP2p1s0f1np1", AF_INET6, "fe80::1", 64);
	struct buf out;
	buf_init(&out);
	int n = report_changes(&s, &m, &out);
	static const char *const want[] = {
		"enp1s0f1np1 link Down",
		"enP2p1s0f1np1 mtu 9000",
		"enp1s0f1np1 addr +192.168.100.11/24",
		"enp1s0f1np1 addr -192.168.100.10/24",
		"enP2p1s0f1np1 addr +fe80::1/64",
	};
	expect_lines(&out, n, want, 5);
	buf_free(&out);
	snapshot_free(&s);

	/* and back up: the reverse lines */
	snapshot_take(&s, &m);
	nd(&m, "enp1s0f1np1")->carrier = true;
	buf_init(&out);
	n = report_changes(&s, &m, &out);
	static const char *const want2[] = { "enp1s0f1np1 link Up" };
	expect_lines(&out, n, want2, 1);
	buf_free(&out);
	snapshot_free(&s);

	/* admin down (ip link set X down) */
	snapshot_take(&s, &m);
	nd(&m, "wlP9s9")->admin_up = false;
	nd(&m, "wlP9s9")->carrier = false;
	buf_init(&out);
	n = report_changes(&s, &m, &out);
	assert_int_equal(n, 2);
	assert_non_null(strstr(out.data, "wlP9s9 link Down\n"));
	assert_non_null(strstr(out.data, "wlP9s9 admin down\n"));
	buf_free(&out);
	snapshot_free(&s);
	model_free(&m);
}

static void test_changes_added_removed(void **state)
{
	(void)state;
	struct model m;
	base(&m);
	struct snapshot s;
	snapshot_take(&s, &m);
	del_netdev(&m, "wlP9s9");
	add_netdev(&m, "veth-test", true, 1500);
	struct buf out;
	buf_init(&out);
	int n = report_changes(&s, &m, &out);
	print_message("%s", out.data ? out.data : "");
	assert_int_equal(n, 2);
	/* one line names the removed interface, one the new one, with its link */
	const char *rm = strstr(out.data, "wlP9s9 removed\n");
	const char *add = strstr(out.data, "veth-test added");
	assert_non_null(rm);
	assert_non_null(add);
	assert_non_null(strstr(add, "Up"));
	/* the removed one's address is not reported separately */
	assert_null(strstr(out.data, "10.1.2.3"));
	buf_free(&out);
	snapshot_free(&s);
	model_free(&m);
}

static void test_changes_rdma_state(void **state)
{
	(void)state;
	struct model m;
	base(&m);
	str_copy(m.rdma.ports[0].state, "DOWN", sizeof(m.rdma.ports[0].state));
	struct snapshot s;
	snapshot_take(&s, &m);
	str_copy(m.rdma.ports[0].state, "ACTIVE", sizeof(m.rdma.ports[0].state));
	struct buf out;
	buf_init(&out);
	int n = report_changes(&s, &m, &out);
	print_message("%s", out.data ? out.data : "");
	assert_int_equal(n, 1);
	assert_non_null(strstr(out.data, "rocep1s0f1"));
	assert_non_null(strstr(out.data, "ACTIVE"));
	buf_free(&out);
	snapshot_free(&s);
	/* a snapshot is a copy: changing the model after it does not change the snapshot */
	snapshot_take(&s, &m);
	add_addr(&m, "enp1s0f1np1", AF_INET, "192.168.100.99", 24);
	assert_int_equal(s.netdevs[1].naddrs, 1);
	snapshot_free(&s);
	model_free(&m);
}

/* --- a model from a fixture tree --------------------------------------------------------- */

static void fixture_model(struct fx *f, struct model *m)
{
	sysfs_set_root(f->root);
	model_init(m);
	rdma_inventory_scan(&m->rdma, false);
	m->rdma_scanned = true;
	model_load_sysfs_netdevs(m);
	model_rebuild(m);
}

/* ibdev2netdev's lines, written here from its format and the fixture's facts. */
static void want_ibdev2netdev(struct buf *b, bool verbose, bool up0, bool up1)
{
	for (int i = 0; i < 4; i++) {
		const struct fx_twin *t = &FX_TWINS[i];
		bool up = t->pp[1] == '0' ? up0 : up1;
		if (verbose)
			buf_printf(b,
				   "%s %s (MT4129 - NA)  fw 28.45.4028 port 1 (%s) ==> %s (%s)\n",
				   t->pci, t->ibdev, up ? "ACTIVE" : "DOWN  ", t->netdev,
				   up ? "Up" : "Down");
		else
			buf_printf(b, "%s port 1 ==> %s (%s)\n", t->ibdev, t->netdev,
				   up ? "Up" : "Down");
	}
}

static void test_ibdev2netdev_from_fixture(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	struct model m;
	fixture_model(f, &m);
	for (int verbose = 0; verbose < 2; verbose++) {
		struct buf got, want;
		buf_init(&got);
		buf_init(&want);
		report_ibdev2netdev(&m.rdma, verbose, &got);
		want_ibdev2netdev(&want, verbose, false, true);
		assert_string_equal(got.data ? got.data : "", want.data);
		buf_free(&got);
		buf_free(&want);
	}
	model_free(&m);
}

/* Without any Mellanox netdev, ibdev2netdev prints nothing at all. */
static void test_ibdev2netdev_no_mellanox(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p0", NULL);
	for (int i = 0; i < 4; i++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "class/net/%s/device/vendor", FX_TWINS[i].netdev);
		fx_puts(f, rel, "0x8086\n");
	}
	struct model m;
	fixture_model(f, &m);
	assert_true(m.rdma.no_mlx_netdevs);
	struct buf got;
	buf_init(&got);
	report_ibdev2netdev(&m.rdma, false, &got);
	report_ibdev2netdev(&m.rdma, true, &got);
	assert_int_equal(got.len, 0);
	buf_free(&got);
	model_free(&m);
}

/* With a VPD: part number and description appear as ibdev2netdev -v prints them. */
static void test_ibdev2netdev_vpd(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p0,p1", NULL);
	/* PCI VPD: 0x82 identifier string, 0x90 VPD-R with PN and a checksum RV, 0x78 end */
	static const char id[] = "CX-7 Spark";
	static const char pn[] = "MCX75343";
	unsigned char v[128];
	size_t n = 0;
	v[n++] = 0x82, v[n++] = sizeof(id) - 1, v[n++] = 0;
	memcpy(v + n, id, sizeof(id) - 1), n += sizeof(id) - 1;
	size_t rlen = 3 + (sizeof(pn) - 1) + 3 + 1;
	v[n++] = 0x90, v[n++] = (unsigned char)rlen, v[n++] = 0;
	v[n++] = 'P', v[n++] = 'N', v[n++] = sizeof(pn) - 1;
	memcpy(v + n, pn, sizeof(pn) - 1), n += sizeof(pn) - 1;
	v[n++] = 'R', v[n++] = 'V', v[n++] = 1, v[n++] = 0;
	v[n++] = 0x78;
	fx_write(f, "devices/pci0000:00/0000:01:00.1/vpd", v, n);
	struct model m;
	fixture_model(f, &m);
	struct buf got;
	buf_init(&got);
	report_ibdev2netdev(&m.rdma, true, &got);
	print_message("%s", got.data);
	char want[256];
	snprintf(want, sizeof(want),
		 "0000:01:00.1 rocep1s0f1 (MT4129 - %-11s) %-15s fw 28.45.4028 port 1 (ACTIVE) ==> "
		 "enp1s0f1np1 (Up)\n",
		 pn, id);
	assert_non_null(strstr(got.data, want));
	/* the twin without a VPD keeps the NA form */
	assert_non_null(strstr(got.data, "0002:01:00.1 roceP2p1s0f1 (MT4129 - NA)  fw"));
	buf_free(&got);
	model_free(&m);
}

static void test_json_from_fixture(void **state)
{
	struct fx *f = *state;
	fx_make(f, "--up", "p1", NULL);
	/* a hostile firmware string must not break the document */
	fx_puts(f, "class/infiniband/rocep1s0f0/fw_ver", "28.45\"\\\x1b[2J\xff\n");
	struct model m;
	fixture_model(f, &m);
	struct buf out;
	buf_init(&out);
	report_json(&m, &out);
	char err[128] = "";
	char *canon = jc_parse(out.data, out.len, err, sizeof(err));
	if (!canon)
		fail_msg("invalid JSON (%s):\n%s", err, out.data);
	free(canon);
	char s[128];
	assert_int_equal(jc_count(out.data, "ports"), 2);
	for (int k = 0; k < 2; k++) {
		char path[64], tok[16];
		snprintf(path, sizeof(path), "ports.%d.port", k);
		assert_true(jc_get_token(out.data, path, tok, sizeof(tok)));
		assert_int_equal(atoi(tok), k);
		snprintf(path, sizeof(path), "ports.%d.cabled", k);
		assert_true(jc_get_token(out.data, path, tok, sizeof(tok)));
		assert_string_equal(tok, k == 1 ? "true" : "false");
		snprintf(path, sizeof(path), "ports.%d.twins", k);
		assert_int_equal(jc_count(out.data, path), 2);
	}
	assert_true(jc_get_string(out.data, "ports.1.twins.0.netdev", s, sizeof(s)));
	assert_string_equal(s, "enp1s0f1np1");
	assert_true(jc_get_string(out.data, "ports.1.twins.1.netdev", s, sizeof(s)));
	assert_string_equal(s, "enP2p1s0f1np1");
	assert_true(jc_get_string(out.data, "ports.1.twins.1.pci", s, sizeof(s)));
	assert_string_equal(s, "0002:01:00.1");
	assert_true(jc_get_string(out.data, "ports.0.twins.0.fw_ver", s, sizeof(s)));
	assert_non_null(strstr(s, "28.45\"\\"));
	assert_null(strchr(s, '\x1b'));
	assert_true(jc_get_string(out.data, "sysfs_root", s, sizeof(s)));
	assert_string_equal(s, f->root);
	assert_int_equal(jc_count(out.data, "problems"), 0);
	buf_free(&out);
	model_free(&m);
}

#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changes_none),
		cmocka_unit_test(test_changes_link_mtu_addr),
		cmocka_unit_test(test_changes_added_removed),
		cmocka_unit_test(test_changes_rdma_state),
		FX_TEST(test_ibdev2netdev_from_fixture),
		FX_TEST(test_ibdev2netdev_no_mellanox),
		FX_TEST(test_ibdev2netdev_vpd),
		FX_TEST(test_json_from_fixture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
