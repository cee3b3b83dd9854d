/* test_bwtest.c: reading perftest's and iperf3's figures from real outputs (tests/fixtures: a
 * DGX Spark's ib_write_bw in Gb/sec, Soft-RoCE's, mlx5's ib_send_bw in MB/sec with perftest's CPU
 * warning line, iperf3 -J on loopback and its "connection refused" answer) and the verdicts: both
 * twins of a port at NVIDIA's figures pass, one twin far below the other is half bandwidth, a 200G
 * link carrying a fraction is the degraded state, a missing figure fails. */
#include "core/jobs/bwtest.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static char *fixture(const char *rel, size_t *n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", SPARKLINK_FIXTURES_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	static char buf[1 << 16];
	*n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

static void test_perftest_outputs(void **state)
{
	(void)state;
	size_t n;
	double avg, peak;
	char *t = fixture("perftest/spark-rocep1s0f1-write-bw-4qp.txt", &n);
	assert_int_equal(bwtest_parse_perftest(t, n, &avg, &peak), 0);
	assert_true(fabs(avg - 111.71) < 1e-9 && fabs(peak - 111.72) < 1e-9);
	t = fixture("perftest/rxe-write-bw-gbits.txt", &n);
	assert_int_equal(bwtest_parse_perftest(t, n, &avg, &peak), 0);
	assert_true(fabs(avg - 0.48) < 1e-9);
	t = fixture("perftest/mlx5-send-bw-mbsec.txt", &n);
	assert_int_equal(bwtest_parse_perftest(t, n, &avg, &peak), 0);
	/* 10986.50 MB/sec, perftest's MB being 2^20 bytes */
	assert_true(fabs(avg - 10986.50 * 1048576 * 8 / 1e9) < 1e-6);
	/* cut before the figures, or no table at all */
	char cut[4096];
	t = fixture("perftest/spark-rocep1s0f1-write-bw-4qp.txt", &n);
	size_t keep = (size_t)(strstr(t, " 65536") - t);
	memcpy(cut, t, keep);
	assert_int_equal(bwtest_parse_perftest(cut, keep, &avg, &peak), -1);
	assert_int_equal(bwtest_parse_perftest("Couldn't connect to 192.168.100.11:18515\n", 41,
					       &avg, &peak),
			 -1);
}

static void test_iperf3_outputs(void **state)
{
	(void)state;
	size_t n;
	double g;
	char err[160];
	char *t = fixture("iperf3/loopback-1s.json", &n);
	assert_int_equal(bwtest_parse_iperf3(t, n, &g, err, sizeof(err)), 0);
	assert_true(g > 0.1);
	t = fixture("iperf3/refused.json", &n);
	assert_int_equal(bwtest_parse_iperf3(t, n, &g, err, sizeof(err)), -1);
	assert_string_equal(err, "unable to connect to server: Connection refused");
	assert_int_equal(bwtest_parse_iperf3("{\"end\":1}", 9, &g, err, sizeof(err)), -1);
}

static struct bwtest_twin twin(const char *ifn, const char *dev, int port, double g)
{
	struct bwtest_twin t;
	memset(&t, 0, sizeof(t));
	snprintf(t.ifname, sizeof(t.ifname), "%s", ifn);
	snprintf(t.ibdev, sizeof(t.ibdev), "%s", dev);
	t.port = port;
	t.link_mbps = 200000;
	t.ran = g >= 0;
	t.gbps = g;
	return t;
}

static void test_verdicts(void **state)
{
	(void)state;
	struct bwtest_outcome o;
	/* NVIDIA's guide: 92.57 + 97.28 = 189.85 Gb/s */
	struct bwtest_twin ok[2] = { twin("enp1s0f1np1", "rocep1s0f1", 1, 92.57),
				     twin("enP2p1s0f1np1", "roceP2p1s0f1", 1, 97.28) };
	bwtest_judge(ok, 2, true, &o);
	assert_int_equal(o.verdict, BWTEST_PASS);
	assert_true(fabs(o.sum_gbps - 189.85) < 1e-9);
	/* one twin far below the other: half bandwidth, naming both devices */
	struct bwtest_twin half[2] = { twin("enp1s0f1np1", "rocep1s0f1", 1, 111.71),
				       twin("enP2p1s0f1np1", "roceP2p1s0f1", 1, 40.0) };
	bwtest_judge(half, 2, true, &o);
	assert_int_equal(o.verdict, BWTEST_HALF);
	assert_non_null(strstr(o.text, "NCCL_IB_HCA=rocep1s0f1,roceP2p1s0f1"));
	/* a 200G link carrying a fraction (Soft-RoCE's 0.48 Gb/s stands in for ~13 Gb/s) */
	struct bwtest_twin deg[2] = { twin("enp1s0f1np1", "rocep1s0f1", 1, 92.57),
				      twin("enP2p1s0f1np1", "roceP2p1s0f1", 1, 0.48) };
	bwtest_judge(deg, 2, true, &o);
	assert_int_equal(o.verdict, BWTEST_DEGRADED);
	assert_non_null(strstr(o.text, "degraded state"));
	/* both balanced but low: below 185 */
	struct bwtest_twin low[2] = { twin("enp1s0f1np1", "rocep1s0f1", 1, 60),
				      twin("enP2p1s0f1np1", "roceP2p1s0f1", 1, 61) };
	bwtest_judge(low, 2, true, &o);
	assert_int_equal(o.verdict, BWTEST_LOW);
	/* TCP: the same balanced figures pass (TCP is not judged against RDMA's) */
	bwtest_judge(low, 2, false, &o);
	assert_int_equal(o.verdict, BWTEST_PASS);
	/* a twin without a figure */
	struct bwtest_twin miss[2] = { twin("enp1s0f1np1", "rocep1s0f1", 1, 92.57),
				       twin("enP2p1s0f1np1", "roceP2p1s0f1", 1, -1) };
	snprintf(miss[1].error, sizeof(miss[1].error), "no route to host");
	bwtest_judge(miss, 2, false, &o);
	assert_int_equal(o.verdict, BWTEST_FAILED);
	assert_non_null(strstr(o.text, "enP2p1s0f1np1: no figure (no route to host)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perftest_outputs),
		cmocka_unit_test(test_iperf3_outputs),
		cmocka_unit_test(test_verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
