/* bwtest.c: reading perftest's and iperf3's figures and judging them (bwtest.h). */
#include "core/jobs/bwtest.h"

#include "core/base/json_read.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number at *p (digits, one dot); advances *p. False if none. */
static bool number(const char **p, const char *end, double *out)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	const char *start = s;
	bool dot = false;
	while (s < end && ((*s >= '0' && *s <= '9') || (*s == '.' && !dot))) {
		dot = dot || *s == '.';
		s++;
	}
	if (s == start || s - start > 20 ||
	    (s < end && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r'))
		return false;
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(s - start), start);
	*out = strtod(tmp, NULL);
	*p = s;
	return isfinite(*out);
}

int bwtest_parse_perftest(const char *text, size_t n, double *avg_gbps, double *peak_gbps)
{
	const char *end = text + n;
	double scale = 0; /* Gb/s per unit of the table */
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end;
		size_t len = (size_t)(le - line);
		if (scale == 0) {
			/* the header: " #bytes  #iterations  BW peak[Gb/sec]  BW average[Gb/sec] ..." */
			if (len < 400 && memmem(line, len, "#bytes", 6) &&
			    memmem(line, len, "BW average[", 11)) {
				if (memmem(line, len, "BW average[Gb/sec]", 18))
					scale = 1.0;
				else if (memmem(line, len, "BW average[MB/sec]", 18))
					scale = 1048576.0 * 8 / 1e9;
				else
					return -1;
			}
		} else {
			/* the figures: bytes iterations peak average msgrate; other lines (perftest's
			 * CPU frequency warnings) are skipped */
			const char *p = line;
			double bytes, iters, peak, avg, rate;
			if (number(&p, le, &bytes) && number(&p, le, &iters) &&
			    number(&p, le, &peak) && number(&p, le, &avg) &&
			    number(&p, le, &rate)) {
				if (bytes < 1 || iters < 1 || peak < 0 || avg < 0)
					return -1;
				*avg_gbps = avg * scale;
				*peak_gbps = peak * scale;
				return 0;
			}
			if (len > 2 && line[0] == '-' && line[1] == '-')
				return -1; /* the table ended without figures */
		}
		line = le + 1;
	}
	return -1;
}

int bwtest_parse_iperf3(const char *text, size_t n, double *gbps, char *err, size_t errsize)
{
	struct jv v;
	if (n > (1u << 22) || jv_parse(text, n, &v) < 0) {
		snprintf(err, errsize, "iperf3 did not answer in JSON");
		return -1;
	}
	const struct jv *endv = jv_member(&v, "end");
	const struct jv *sum = jv_member(endv, "sum_received");
	if (!sum)
		sum = jv_member(endv, "sum");
	const struct jv *bps = jv_member(sum, "bits_per_second");
	int rc = -1;
	if (bps && bps->type == JV_NUMBER && isfinite(bps->num) && bps->num >= 0 &&
	    bps->num < 1e13) {
		*gbps = bps->num / 1e9;
		rc = 0;
	} else {
		const struct jv *e = jv_member(&v, "error");
		if (e && e->type == JV_STRING)
			text_clean(err, errsize, e->str, strlen(e->str), 0);
		else
			snprintf(err, errsize, "iperf3's answer has no receiver figure");
	}
	jv_free(&v);
	return rc;
}

const char *bwtest_verdict_word(enum bwtest_verdict v)
{
	switch (v) {
	case BWTEST_PASS: return "pass";
	case BWTEST_HALF: return "half bandwidth";
	case BWTEST_DEGRADED: return "degraded link";
	case BWTEST_LOW: return "below the expected bandwidth";
	case BWTEST_FAILED: return "failed";
	}
	return "?";
}

static void say(struct bwtest_outcome *o, enum bwtest_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct bwtest_outcome *o, enum bwtest_verdict v, const char *fmt, ...)
{
	size_t l = strlen(o->text);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->text + l, sizeof(o->text) - l, fmt, ap);
	va_end(ap);
	l = strlen(o->text);
	if (l + 1 < sizeof(o->text))
		o->text[l] = '\n', o->text[l + 1] = '\0';
	if (v > o->verdict)
		o->verdict = v;
}

void bwtest_judge(const struct bwtest_twin *t, size_t n, bool rdma, struct bwtest_outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->verdict = BWTEST_PASS;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].ran) {
			say(o, BWTEST_FAILED, "%s: no figure (%s)", t[i].ifname,
			    t[i].error[0] ? t[i].error : "the test did not run");
			continue;
		}
		o->sum_gbps += t[i].gbps;
		if (rdma && t[i].link_mbps >= 200000 && t[i].gbps < BWTEST_DEGRADED_GBPS)
			say(o, BWTEST_DEGRADED,
			    "%s (%s) carries %.2f Gb/s on a link that reports 200G: the known degraded "
			    "state after link initialisation; reseat the cable at both ends (or reboot "
			    "both Sparks) and run the test again",
			    t[i].ifname, t[i].ibdev, t[i].gbps);
	}
	/* per port: the twins together, and one far below the other */
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t k = 0; k < i; k++)
			first = first && t[k].port != t[i].port;
		if (!first)
			continue;
		double sum = 0, hi = 0, lo = INFINITY;
		size_t count = 0, hi_i = i, lo_i = i;
		for (size_t k = i; k < n; k++) {
			if (t[k].port != t[i].port || !t[k].ran)
				continue;
			sum += t[k].gbps, count++;
			if (t[k].gbps > hi)
				hi = t[k].gbps, hi_i = k;
			if (t[k].gbps < lo)
				lo = t[k].gbps, lo_i = k;
		}
		/* one twin far below the other (a degraded twin was explained above) */
		if (count == 2 && hi > 0 && lo < hi / 2 &&
		    lo >= BWTEST_DEGRADED_GBPS * (rdma ? 1 : 0))
			say(o, BWTEST_HALF,
			    "port p%d: %s carries %.2f Gb/s but its twin %s only %.2f: the port runs at "
			    "about half; check that both twins are Up and that the job names both "
			    "(NCCL_IB_HCA=%s,%s)",
			    t[i].port, t[hi_i].ifname, hi, t[lo_i].ifname, lo, t[hi_i].ibdev,
			    t[lo_i].ibdev);
		else if (count == 2 && hi > 0 && lo < hi / 2)
			say(o, BWTEST_HALF, "port p%d: %s carries %.2f Gb/s, its twin %s only %.2f",
			    t[i].port, t[hi_i].ifname, hi, t[lo_i].ifname, lo);
		if (rdma && count == 2 && sum < BWTEST_PORT_MIN_GBPS && o->verdict == BWTEST_PASS)
			say(o, BWTEST_LOW,
			    "port p%d: both twins together carry %.2f Gb/s, below %.0f Gb/s (a 200G "
			    "port's two twins carry about 190): check the negotiated speed (ethtool) and "
			    "the MTU",
			    t[i].port, sum, BWTEST_PORT_MIN_GBPS);
		if (count == 1 && n > 1)
			say(o, BWTEST_HALF,
			    "port p%d: only %s was measured: its twin gave no figure, so the port carries "
			    "half at most",
			    t[i].port, t[lo_i].ifname);
	}
}
