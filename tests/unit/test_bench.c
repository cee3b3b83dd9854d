/* test_bench.c: the record of the last bandwidth test (bench.json beside the journal): written
 * and read back, the newer of two journals' records wins, a record that is not one is refused. */
#include "core/jobs/bench.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static char dir[64];
static char journal[128], other[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_bench.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(journal, sizeof(journal), "%s/a/journal.jsonl", dir);
	snprintf(other, sizeof(other), "%s/b/journal.jsonl", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void record(struct bench_record *r, long long when, double a, double b)
{
	memset(r, 0, sizeof(*r));
	r->time = when;
	r->rdma = false;
	r->sum_gbps = a + b;
	r->verdict = BWTEST_PASS;
	snprintf(r->peer, sizeof(r->peer), "10.77.0.2");
	r->ntwins = 2;
	snprintf(r->twins[0].ifname, 16, "enp1s0f1np1");
	r->twins[0].ran = true, r->twins[0].gbps = a;
	snprintf(r->twins[1].ifname, 16, "enP2p1s0f1np1");
	r->twins[1].ran = true, r->twins[1].gbps = b;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct bench_record w, r;
	char err[512], words[160];
	assert_int_equal(bench_record_read(journal, getuid(), &r, err, sizeof(err)), -ENOENT);
	record(&w, 1700000000, 9.41, 9.38);
	assert_int_equal(bench_record_write(journal, getuid(), &w, err, sizeof(err)), 0);
	assert_int_equal(bench_record_read(journal, getuid(), &r, err, sizeof(err)), 0);
	assert_int_equal(r.time, 1700000000);
	assert_false(r.rdma);
	assert_int_equal(r.ntwins, 2);
	assert_string_equal(r.twins[1].ifname, "enP2p1s0f1np1");
	assert_true(fabs(r.sum_gbps - 18.79) < 0.001 && fabs(r.twins[0].gbps - 9.41) < 0.001);
	bench_record_words(&r, words, sizeof(words));
	assert_string_equal(words, "bandwidth 18.79 Gb/s (TCP, pass)");

	/* the newer of the two journals' records */
	record(&w, 1700000100, 90, 95);
	w.rdma = true;
	assert_int_equal(bench_record_write(other, getuid(), &w, err, sizeof(err)), 0);
	assert_int_equal(bench_record_newest(journal, getuid(), other, getuid(), &r), 0);
	assert_true(r.rdma && fabs(r.sum_gbps - 185) < 0.001);
	assert_int_equal(bench_record_newest(journal, getuid(), "", getuid(), &r), 0);
	assert_false(r.rdma);
}

static void test_not_a_record(void **state)
{
	(void)state;
	static const char *bad[] = {
		"{\"time\":1,\"mode\":\"udp\",\"sum_mbps\":1,\"verdict\":0,\"twins\":[]}\n",
		"{\"time\":1,\"mode\":\"tcp\",\"sum_mbps\":1,\"verdict\":9,\"twins\":[]}\n",
		("{\"time\":1,\"mode\":\"tcp\",\"sum_mbps\":1,\"verdict\":0,\"twins\":[{\"ifname\":"
		 "\"../x\",\"ran\":true,\"mbps\":1}]}\n"),
		"[1,2]\n",
		"not json",
	};
	char path[160], err[512];
	snprintf(path, sizeof(path), "%s/a/bench.json", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(bad[i], f);
		fclose(f);
		struct bench_record r;
		assert_int_equal(bench_record_read(journal, getuid(), &r, err, sizeof(err)),
				 -EPROTO);
		assert_non_null(strstr(err, "is not a bench record"));
	}
}

/* the peer's probe, as spark-2 answers it: addresses and devices kept, junk skipped */
static void test_peer_view(void **state)
{
	(void)state;
	static const char probe[] =
		"1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n"
		"2: enP7s7@if3    inet 10.77.0.2/24 brd 10.77.0.255 scope global enP7s7\n"
		"5: enp1s0f1np1    inet 192.168.100.11/24 scope global enp1s0f1np1\n"
		"6: bad/if    inet 192.168.9.9/24\n"
		"7: x    inet 300.1.1.1/24\n"
		"--\n"
		"enp1s0f1np1 rocep1s0f1\n"
		"enP2p1s0f1np1 roce$(x)\n";
	struct bench_peer_view v;
	bench_peer_view_parse(probe, sizeof(probe) - 1, &v);
	assert_int_equal(v.naddrs, 3);
	assert_string_equal(v.addrs[1].ifname, "enP7s7");
	assert_string_equal(v.addrs[2].cidr, "192.168.100.11/24");
	assert_int_equal(v.ndevs, 1);
	assert_string_equal(v.devs[0].ibdev, "rocep1s0f1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_not_a_record),
		cmocka_unit_test(test_peer_view),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
