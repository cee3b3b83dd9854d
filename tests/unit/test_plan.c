/* test_plan.c: addressing plans: one /24 per twin, node numbering agreed by both sides, netplan
 * files that real `netplan generate` accepts and turns into the intended systemd-networkd
 * settings, bad input refused with a sentence. */
#include "core/jobs/plan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static const char *const twins[] = { "enp1s0f1np1", "enP2p1s0f1np1" };

static void test_numbering_agrees(void **state)
{
	(void)state;
	assert_int_equal(plan_node_of("spark-1", "spark-2"), 1);
	assert_int_equal(plan_node_of("spark-2", "spark-1"), 2);
	/* both sides compute it; the two answers must be complementary */
	const char *names[][2] = { { "dgx-a", "dgx-b" }, { "spark-9", "spark-10" }, { "Z", "a" } };
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(plan_node_of(names[i][0], names[i][1]) +
					 plan_node_of(names[i][1], names[i][0]),
				 3);
}

static void test_static_one_subnet_per_twin(void **state)
{
	(void)state;
	struct plan p;
	char err[200];
	assert_int_equal(plan_make(&p, PLAN_STATIC, 1500, "spark-1", "spark-2", 1, twins, 2, err,
				   sizeof(err)),
			 0);
	assert_int_equal(p.nifs, 2);
	assert_string_equal(p.ifs[0].addr[0], "192.168.100.10/24");
	assert_string_equal(p.ifs[0].addr[1], "192.168.100.11/24");
	assert_string_equal(p.ifs[1].addr[0], "192.168.101.10/24");
	assert_string_equal(p.ifs[1].addr[1], "192.168.101.11/24");
	/* the same plan seen from the other node swaps only which node is "self" */
	struct plan q;
	assert_int_equal(plan_make(&q, PLAN_STATIC, 1500, "spark-2", "spark-1", 2, twins, 2, err,
				   sizeof(err)),
			 0);
	assert_string_equal(q.names[0], "spark-1");
	assert_string_equal(q.ifs[1].addr[1], p.ifs[1].addr[1]);
	struct buf b;
	buf_init(&b);
	plan_commands(&p, 2, NULL, &b);
	assert_non_null(strstr(b.data, "ip addr add 192.168.100.11/24 dev enp1s0f1np1\n"));
	assert_non_null(strstr(b.data, "ip addr add 192.168.101.11/24 dev enP2p1s0f1np1\n"));
	assert_non_null(strstr(b.data, "ip link set enP2p1s0f1np1 up\n"));
	assert_null(strstr(b.data, "mtu"));
	buf_free(&b);
	/* on a port NetworkManager manages, the preview says what apply does there: an in-memory
	 * profile, not an `ip addr add` that NetworkManager would remove */
	const bool via_nm[2] = { true, false };
	buf_init(&b);
	plan_commands(&p, 2, via_nm, &b);
	assert_non_null(strstr(b.data, "nmcli con add save no type ethernet con-name "
				       "sparklink-enp1s0f1np1 \\\n  ifname enp1s0f1np1 ipv4.method "
				       "manual ipv4.addresses 192.168.100.11/24 \\\n  "
				       "802-3-ethernet.mtu 1500 ipv6.method link-local\n"));
	assert_non_null(strstr(b.data, "nmcli con up sparklink-enp1s0f1np1\n"));
	assert_null(strstr(b.data, "ip addr add 192.168.100.11/24"));
	assert_non_null(strstr(b.data, "ip addr add 192.168.101.11/24 dev enP2p1s0f1np1\n"));
	buf_free(&b);
	buf_init(&b);
	plan_netplan_yaml(&p, 1, &b);
	assert_true(b.len == 0); /* runtime static writes no file */
	buf_free(&b);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct plan p;
	char err[200] = "";
	assert_int_equal(plan_make(&p, PLAN_STATIC, 1400, "a", "b", 1, twins, 2, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "1500"));
	const char *evil[] = { "eth0; rm -rf /" };
	assert_int_equal(plan_make(&p, PLAN_STATIC, 1500, "a", "b", 1, evil, 1, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "not an interface name"));
	const char *dup[] = { "enp1s0f1np1", "enp1s0f1np1" };
	assert_int_equal(plan_make(&p, PLAN_STATIC, 1500, "a", "b", 1, dup, 2, err, sizeof(err)),
			 -1);
	assert_int_equal(plan_make(&p, PLAN_STATIC, 1500, "a", "b", 1, twins, 0, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "cable"));
	assert_int_equal(
		plan_make(&p, PLAN_STATIC, 1500, "same", "same", 1, twins, 2, err, sizeof(err)),
		-1);
	assert_int_equal(
		plan_make(&p, PLAN_STATIC, 1500, "a\nb", "c", 1, twins, 2, err, sizeof(err)), -1);
	assert_int_equal(plan_kind_parse("dhcp"), -1);
	assert_int_equal(plan_kind_parse("static-persistent"), PLAN_STATIC_PERSISTENT);
}

/* Write the node's netplan file under a fresh root, run the real `netplan generate`, return the
 * generated networkd file for ifname (malloc'ed), or NULL. */
static char *netplan_generate(const struct plan *p, int node, const char *ifname)
{
	char root[] = "/tmp/sl-plan-XXXXXX";
	if (!mkdtemp(root))
		return NULL;
	char path[512], cmd[1024];
	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/netplan", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/netplan/40-cx7.yaml", root);
	struct buf y;
	buf_init(&y);
	plan_netplan_yaml(p, node, &y);
	FILE *f = fopen(path, "w");
	if (f) {
		fwrite(y.data, 1, y.len, f);
		fclose(f);
	}
	chmod(path, 0600);
	buf_free(&y);
	snprintf(cmd, sizeof(cmd), "netplan generate --root-dir %s 2>%s/err", root, root);
	char *out = NULL;
	if (system(cmd) == 0) {
		snprintf(path, sizeof(path), "%s/run/systemd/network/10-netplan-%s.network", root,
			 ifname);
		f = fopen(path, "r");
		if (f) {
			out = calloc(1, 8192);
			if (fread(out, 1, 8191, f) == 0) {
				free(out);
				out = NULL;
			}
			fclose(f);
		}
	} else {
		snprintf(path, sizeof(path), "cat %s/err >&2", root);
		if (system(path) != 0) {
		}
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0) {
	}
	return out;
}

static bool have_netplan(void)
{
	return access("/usr/sbin/netplan", X_OK) == 0;
}

static void test_netplan_accepts_link_local(void **state)
{
	(void)state;
	if (!have_netplan())
		skip();
	struct plan p;
	char err[200];
	assert_int_equal(plan_make(&p, PLAN_LINK_LOCAL, 1500, "spark-1", "spark-2", 1, twins, 2,
				   err, sizeof(err)),
			 0);
	for (size_t i = 0; i < 2; i++) {
		char *nw = netplan_generate(&p, 1, twins[i]);
		assert_non_null(nw);
		assert_non_null(strstr(nw, "LinkLocalAddressing=ipv4"));
		assert_null(strstr(nw, "Address="));
		assert_null(strstr(nw, "MTUBytes"));
		free(nw);
	}
}

static void test_netplan_accepts_persistent_static_jumbo(void **state)
{
	(void)state;
	if (!have_netplan())
		skip();
	struct plan p;
	char err[200];
	assert_int_equal(plan_make(&p, PLAN_STATIC_PERSISTENT, 9000, "spark-1", "spark-2", 2, twins,
				   2, err, sizeof(err)),
			 0);
	char *nw = netplan_generate(&p, 2, "enP2p1s0f1np1");
	assert_non_null(nw);
	assert_non_null(strstr(nw, "Address=192.168.101.11/24"));
	assert_non_null(strstr(nw, "MTUBytes=9000"));
	free(nw);
	nw = netplan_generate(&p, 1, "enp1s0f1np1");
	assert_non_null(nw);
	assert_non_null(strstr(nw, "Address=192.168.100.10/24"));
	free(nw);
}

static void test_preview_names_everything(void **state)
{
	(void)state;
	struct plan p;
	char err[200];
	assert_int_equal(plan_make(&p, PLAN_LINK_LOCAL, 9000, "spark-1", "spark-2", 1, twins, 2,
				   err, sizeof(err)),
			 0);
	struct buf b;
	buf_init(&b);
	plan_preview(&p, NULL, &b);
	assert_non_null(strstr(b.data, "change on every reboot"));
	assert_non_null(strstr(b.data, "== node 1: spark-1"));
	assert_non_null(strstr(b.data, "== node 2: spark-2"));
	assert_non_null(strstr(b.data, "netplan apply"));
	assert_non_null(strstr(b.data, "mtu: 9000"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbering_agrees),
		cmocka_unit_test(test_static_one_subnet_per_twin),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_netplan_accepts_link_local),
		cmocka_unit_test(test_netplan_accepts_persistent_static_jumbo),
		cmocka_unit_test(test_preview_names_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
