/* bwtest.h: the proof of bandwidth: what perftest's ib_write_bw or iperf3 printed for each cabled
 * twin, read strictly, and the verdict in words.
 *
 * RDMA (ib_write_bw per twin in parallel): both twins of a 200G port together carry at least
 * BWTEST_PORT_MIN_GBPS (NVIDIA's guide shows 92.57 + 97.28 = 189.85 Gb/s); one twin far below the
 * other is half bandwidth; a twin whose link reports 200G but carries a fraction (the known
 * degraded-initialisation state, about 13 Gb/s) is said with what to do. TCP (iperf3 per twin) is
 * the same orchestration with real traffic, but TCP figures are not RDMA figures: only the
 * balance between twins and that each carries traffic are judged. */
#ifndef SPARKLINK_BWTEST_H
#define SPARKLINK_BWTEST_H

#include <stdbool.h>
#include <stddef.h>

#define BWTEST_PORT_MIN_GBPS 185.0
#define BWTEST_DEGRADED_GBPS 20.0 /* a 200G twin below this carries a fraction */
#define BWTEST_MAX_TWINS 16

struct bwtest_twin {
	char ifname[16];
	char ibdev[64];
	int port; /* the physical port (p0, p1 ...): twins of one port are judged together */
	long link_mbps; /* the speed the link reports, -1 unknown */
	bool ran; /* a figure was read */
	double gbps; /* average, Gb/s (1e9 bits) */
	char error[160]; /* why there is no figure */
};

enum bwtest_verdict { BWTEST_PASS, BWTEST_HALF, BWTEST_DEGRADED, BWTEST_LOW, BWTEST_FAILED };

struct bwtest_outcome {
	enum bwtest_verdict verdict;
	double sum_gbps;
	char text[1024]; /* one sentence per finding, "\n"-separated */
};

/* perftest's bandwidth table (ib_write_bw/ib_send_bw/...; Gb/sec with --report_gbits, else
 * MB/sec = 2^20 bytes): the average and the peak in Gb/s. 0, or -1 if there is no such table. */
int bwtest_parse_perftest(const char *text, size_t n, double *avg_gbps, double *peak_gbps);
/* iperf3 -J's answer: the receiver's bits per second over the whole run, in Gb/s. 0, or -1 with
 * iperf3's own error (cleaned) or why it is not such an answer in err. */
int bwtest_parse_iperf3(const char *text, size_t n, double *gbps, char *err, size_t errsize);

/* The verdict over all twins (rdma: RDMA thresholds; else TCP: balance only). */
void bwtest_judge(const struct bwtest_twin *t, size_t n, bool rdma, struct bwtest_outcome *out);
const char *bwtest_verdict_word(enum bwtest_verdict v);

#endif
