/* test_monitor.c: link monitoring on a Spark-shaped fixture tree: rates from the netdev's and the
 * RDMA port's counters (4-byte words), the one-minute history, totals since start, a counter that
 * goes back, the findings (one twin idle, errors rising, a flapping link, a slow link) and the
 * JSON lines, checked by an independent JSON checker. */
#include "core/base/util.h"
#include "core/net/linkhist.h"
#include "core/net/model.h"
#include "core/net/monitor.h"
#include "core/net/sysfs.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_fixture.h"
#include "test_jsoncheck.h"

static void fixture_model(struct fx *f, struct model *m)
{
	sysfs_set_root(f->root);
	model_init(m);
	rdma_inventory_scan(&m->rdma, false);
	m->rdma_scanned = true;
	model_load_sysfs_netdevs(m);
	model_rebuild(m);
}

static void set_counter(struct fx *f, const char *rel, unsigned long long v)
{
	char s[32];
	snprintf(s, sizeof(s), "%llu\n", v);
	fx_puts(f, rel, s);
}

static const struct monitor_twin *twin(const struct monitor *mon, const char *ifname)
{
	for (size_t i = 0; i < mon->ntwins; i++)
		if (strcmp(mon->twins[i].ifname, ifname) == 0)
			return &mon->twins[i];
	fail_msg("no twin %s", ifname);
	return NULL;
}

static bool has_finding(const struct monitor *mon, const char *code, const char *text)
{
	for (size_t i = 0; i < mon->nfindings; i++)
		if (strcmp(mon->findings[i].f.code, code) == 0 &&
		    (!text || strstr(mon->findings[i].f.text, text)))
			return true;
	return false;
}

static void test_rates_and_half_bandwidth(void **state)
{
	(void)state;
	struct fx f;
	fx_make(&f, "--up", "p1", NULL);
	struct model m;
	fixture_model(&f, &m);
	struct monitor mon;
	monitor_init(&mon, &m, 0);
	assert_int_equal(mon.ntwins, 4);
	monitor_sample(&mon, &m, 0);
	assert_int_equal(mon.nfindings, 0);

	/* one second later: RoCE traffic on rocep1s0f1 only (1.25e9 bytes = 10 Gb/s), none on
	 * its twin; a little TCP on the netdev */
	set_counter(&f, "class/infiniband/rocep1s0f1/ports/1/counters/port_xmit_data", 312500000);
	set_counter(&f, "class/net/enp1s0f1np1/statistics/tx_bytes", 1000);
	monitor_sample(&mon, &m, 1000);
	const struct monitor_twin *t = twin(&mon, "enp1s0f1np1");
	assert_true(fabs(monitor_bps(t, false) - 10e9) < 1);
	assert_true(fabs(t->rate[CNT_TX_BYTES] - 1000) < 1e-6);
	assert_int_equal(monitor_since_start(t, CNT_RDMA_TX_BYTES), 1250000000ULL);
	assert_int_equal(t->hist_n, 1);
	assert_true(fabs(monitor_hist(t, false, 0) - 10e9) < 1);
	assert_true(has_finding(&mon, "one-twin-idle", "enP2p1s0f1np1 idles"));
	char r[32];
	monitor_rate_text(monitor_bps(t, false), r, sizeof(r));
	assert_string_equal(r, "10.00 Gb/s");

	/* both twins carry traffic: the finding goes */
	set_counter(&f, "class/infiniband/rocep1s0f1/ports/1/counters/port_xmit_data", 625000000);
	set_counter(&f, "class/infiniband/roceP2p1s0f1/ports/1/counters/port_xmit_data", 300000000);
	monitor_sample(&mon, &m, 2000);
	assert_false(has_finding(&mon, "one-twin-idle", NULL));

	/* a counter that goes back (driver reset) is not a huge negative or positive rate */
	set_counter(&f, "class/infiniband/rocep1s0f1/ports/1/counters/port_xmit_data", 5);
	monitor_sample(&mon, &m, 3000);
	assert_true(monitor_bps(twin(&mon, "enp1s0f1np1"), false) == 0);

	/* the history keeps the last minute */
	for (int i = 0; i < 100; i++)
		monitor_sample(&mon, &m, 4000 + 1000 * i);
	assert_int_equal(twin(&mon, "enp1s0f1np1")->hist_n, MONITOR_HISTORY);
	model_free(&m);
	fx_remove(&f);
}

static void test_errors_flaps_speed_and_json(void **state)
{
	(void)state;
	struct fx f;
	fx_make(&f, "--up", "p1", NULL);
	struct model m;
	fixture_model(&f, &m);
	struct monitor mon;
	monitor_init(&mon, &m, 0);
	monitor_sample(&mon, &m, 0);
	set_counter(&f, "class/infiniband/roceP2p1s0f1/ports/1/counters/symbol_error", 7);
	set_counter(&f, "class/infiniband/roceP2p1s0f1/ports/1/hw_counters/out_of_buffer", 3);
	set_counter(&f, "class/net/enp1s0f1np1/statistics/rx_dropped", 2);
	/* netlink saw enp1s0f1np1 go down and up twice (netmon notes what netlink reports) */
	linkhist_note(&m.linkhist, "enp1s0f1np1", false, -1, 1700000000000, 100);
	linkhist_note(&m.linkhist, "enp1s0f1np1", true, 100000, 1700000000400, 500);
	linkhist_note(&m.linkhist, "enp1s0f1np1", false, -1, 1700000000600, 700);
	linkhist_note(&m.linkhist, "enp1s0f1np1", true, 200000, 1700000000900, 900);
	monitor_sample(&mon, &m, 2000);
	assert_true(has_finding(&mon, "errors-rising", "enP2p1s0f1np1: symbol_error rising"));
	assert_true(has_finding(&mon, "errors-rising", "enp1s0f1np1: rx_dropped rising"));
	assert_true(has_finding(&mon, "link-flapping", "enp1s0f1np1 went down 2 times"));
	assert_int_equal(twin(&mon, "enp1s0f1np1")->flaps, 2);
	assert_int_equal(monitor_since_start(twin(&mon, "enP2p1s0f1np1"), CNT_OUT_OF_BUFFER), 3);

	/* a slow link */
	fx_delete(&f, "class/net/enp1s0f1np1/speed");
	fx_puts(&f, "class/net/enp1s0f1np1/speed", "100000\n");
	model_free(&m);
	fixture_model(&f, &m);
	monitor_sample(&mon, &m, 3000);
	assert_true(has_finding(&mon, "speed-low", "enp1s0f1np1 runs at 100G"));

	/* JSON: one valid object per twin per line, with the counters under their kernel names */
	struct buf b;
	buf_init(&b);
	linkhist_note(&m.linkhist, "enp1s0f1np1", false, -1, 1700000001000, 2900);
	monitor_json_lines(&mon, &m, 1700000002000, &b);
	size_t lines = 0;
	for (char *line = b.data, *nl; line && *line; line = nl + 1, lines++) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		char err[96];
		char *canon = jc_parse(line, strlen(line), err, sizeof(err));
		if (!canon)
			fail_msg("bad JSON line (%s): %s", err, line);
		free(canon);
		char v[64];
		assert_true(jc_get_string(line, "netdev", v, sizeof(v)));
		if (strcmp(v, "enp1s0f1np1") == 0) {
			assert_int_equal(jc_count(line, "transitions"),
					 1); /* a new model: its own history */
			assert_true(jc_get_string(line, "transitions.0.carrier", v, sizeof(v)));
			assert_string_equal(v, "down");
			assert_true(jc_get_token(line, "speed_mbps", v, sizeof(v)));
			assert_string_equal(v, "100000");
			assert_true(jc_get_token(line, "since_start.rx_dropped", v, sizeof(v)));
			assert_string_equal(v, "2");
		}
		if (strcmp(v, "enP2p1s0f1np1") == 0) {
			assert_true(jc_get_token(line, "since_start.symbol_error", v, sizeof(v)));
			assert_string_equal(v, "7");
		}
	}
	assert_int_equal(lines, 4);
	buf_free(&b);
	model_free(&m);
	fx_remove(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates_and_half_bandwidth),
		cmocka_unit_test(test_errors_flaps_speed_and_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
