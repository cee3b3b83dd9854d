/* fuzz_bwtest.c: what ib_write_bw and iperf3 print on a node (core/jobs/bwtest.c), read as
 * perftest's table and as iperf3's JSON. A figure kept is a finite, non-negative number of Gb/s
 * (the peak at least the average is not required: perftest prints them as measured); an error
 * kept is clean text. */
#include "tests/fuzz/fuzz.h"
#include "core/jobs/bwtest.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double avg = -1, peak = -1, g = -1;
	if (bwtest_parse_perftest((const char *)data, size, &avg, &peak) == 0)
		FZ_CHECK(isfinite(avg) && avg >= 0 && isfinite(peak) && peak >= 0,
			 "perftest figures %g %g", avg, peak);
	char err[160] = "";
	if (bwtest_parse_iperf3((const char *)data, size, &g, err, sizeof(err)) == 0) {
		FZ_CHECK(isfinite(g) && g >= 0, "iperf3 figure %g", g);
	} else {
		FZ_CHECK(memchr(err, '\0', sizeof(err)), "error not terminated");
		const char *bad = fz_clean_problem(err, false);
		FZ_CHECK(!bad, "error has %s", bad);
	}
	return 0;
}
