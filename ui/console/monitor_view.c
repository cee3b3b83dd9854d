/* monitor_view.c: the monitor screen: sampling on a timer while open, and drawing it for the
 * terminal's size (monitor_view.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/monitor_view.h"
#include "core/base/util.h"
#include "core/net/linkhist.h"
#include "ui/console/keys.h"
#include "ui/console/widgets.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GRAPH_FLOOR_BPS 1e6 /* full height is never below 1 Mb/s: idle chatter stays low */
#define MAX_EVENTS (MONITOR_MAX_TWINS * LINKHIST_EVENTS)

static void on_tick(struct loop_timer *t, void *arg)
{
	struct monitor_view *v = arg;
	int64_t now = clock_ms();
	monitor_sample(v->mon, v->model, now);
	/* on a fixed schedule; a late turn skips the ticks it missed */
	v->next_ms += MONITOR_VIEW_INTERVAL_MS;
	if (v->next_ms <= now)
		v->next_ms = now + MONITOR_VIEW_INTERVAL_MS;
	loop_timer_at(t, v->next_ms);
	if (v->notify)
		v->notify(v->notify_arg);
}

void monitor_view_open(struct monitor_view *v, struct loop *l, const struct model *m,
		       void (*notify)(void *arg), void *arg)
{
	monitor_view_close(v);
	int64_t now = clock_ms();
	v->mon = xcalloc(1, sizeof(*v->mon));
	v->model = m;
	v->notify = notify;
	v->notify_arg = arg;
	monitor_init(v->mon, m, now);
	monitor_sample(v->mon, m, now);
	v->timer = loop_timer_new(l, on_tick, v);
	v->next_ms = now + MONITOR_VIEW_INTERVAL_MS;
	loop_timer_at(v->timer, v->next_ms);
}

void monitor_view_close(struct monitor_view *v)
{
	if (v->timer)
		loop_timer_free(v->timer);
	v->timer = NULL;
	free(v->mon);
	v->mon = NULL;
}

bool monitor_view_is_open(const struct monitor_view *v)
{
	return v->mon != NULL;
}

unsigned monitor_view_key(struct monitor_view *v, int key, bool is_char)
{
	(void)v;
	enum key_action a = keys_action(key, is_char);
	if (a == ACT_CLOSE || a == ACT_MONITOR || (is_char && key == keys_char(ACT_QUIT)))
		return DIALOG_HANDLED | DIALOG_CLOSE;
	return DIALOG_HANDLED;
}

static void clock_text(int64_t wall_ms, char *out, size_t size)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	size_t n = strftime(out, size, "%H:%M:%S", &tm);
	if (n)
		snprintf(out + n, size - n, ".%03d", (int)(wall_ms % 1000));
}

/* The graph of the last `cells` samples (newest at the right), each a block of 9 heights. */
static void graph_text(const struct screen *s, const struct monitor_twin *t, bool rx, double full,
		       int cells, char *out, size_t size)
{
	static const char *const utf8[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char *const ascii[] = { " ", ".", ",", "-", ":", "=", "+", "*", "#" };
	const char *const *g = s->utf8 ? utf8 : ascii;
	size_t len = 0, n = t->hist_n;
	out[0] = '\0';
	for (int c = 0; c < cells; c++) {
		/* cell c shows sample n - cells + c; before the first: blank */
		long i = (long)n - cells + c;
		int level = 0;
		if (i >= 0) {
			double val = monitor_hist(t, rx, (size_t)i);
			level = (int)(val / full * 8 + 0.999);
			if (level > 8)
				level = 8;
			if (val > 0 && level < 1)
				level = 1;
		}
		size_t gl = strlen(g[level]);
		if (len + gl + 1 > size)
			break;
		memcpy(out + len, g[level], gl + 1);
		len += gl;
	}
}

static double graph_full(const struct monitor *mon)
{
	double full = GRAPH_FLOOR_BPS;
	for (size_t k = 0; k < mon->ntwins; k++)
		for (size_t i = 0; i < mon->twins[k].hist_n; i++) {
			double a = monitor_hist(&mon->twins[k], true, i);
			double b = monitor_hist(&mon->twins[k], false, i);
			full = a > full ? a : full;
			full = b > full ? b : full;
		}
	return full;
}

static void rdma_text(const struct monitor_twin *t, char *out, size_t size)
{
	char rrx[24], rtx[24];
	monitor_rate_text(8 * t->rate[CNT_RDMA_RX_BYTES], rrx, sizeof(rrx));
	monitor_rate_text(8 * t->rate[CNT_RDMA_TX_BYTES], rtx, sizeof(rtx));
	snprintf(out, size, "RDMA rx %s tx %s", rrx, rtx);
}

static uint64_t errors_since(const struct monitor_twin *t)
{
	uint64_t errs = 0;
	for (int c = 0; c < CNT_COUNT; c++)
		if (counter_is_error((enum counter_id)c))
			errs += monitor_since_start(t, (enum counter_id)c);
	return errs;
}

/* "p1 enp1s0f1np1  Up 200G  rx 9.41 Gb/s  tx 0 b/s  flaps 0" (+ the RDMA rates and the errors
 * when the twin has no detail row) */
static void twin_line(const struct monitor_twin *t, bool detail_inline, char *out, size_t size)
{
	char rx[24], tx[24], state[24], rdma[64];
	monitor_rate_text(monitor_bps(t, true), rx, sizeof(rx));
	monitor_rate_text(monitor_bps(t, false), tx, sizeof(tx));
	if (t->up && t->speed_mbps > 0)
		snprintf(state, sizeof(state), "Up %ldG", t->speed_mbps / 1000);
	else
		snprintf(state, sizeof(state), "%s", t->up ? "Up" : "Down");
	int n = snprintf(out, size, "p%d %-14s %-8s rx %-10s tx %-10s flaps %u", t->phys_port,
			 t->ifname, state, rx, tx, t->flaps);
	if (!detail_inline || n < 0 || (size_t)n >= size)
		return;
	rdma_text(t, rdma, sizeof(rdma));
	snprintf(out + n, size - (size_t)n, "  %s  errors %llu", rdma,
		 (unsigned long long)errors_since(t));
}

/* "RDMA rx 0 b/s tx 0 b/s   errors and drops since open: symbol_error 7 (3/s), ..." */
static void detail_line(const struct monitor_twin *t, char *out, size_t size)
{
	char rdma[64];
	rdma_text(t, rdma, sizeof(rdma));
	size_t len = (size_t)snprintf(out, size, "%-30s errors and drops since open:", rdma);
	bool any = false;
	for (int c = 0; c < CNT_COUNT && len < size; c++) {
		enum counter_id id = (enum counter_id)c;
		uint64_t n = monitor_since_start(t, id);
		if (!counter_is_error(id) || !n)
			continue;
		int w = t->rate[c] > 0
				? snprintf(out + len, size - len, "%s %s %llu (%.0f/s)",
					   any ? "," : "", counter_name(id), (unsigned long long)n,
					   t->rate[c])
				: snprintf(out + len, size - len, "%s %s %llu", any ? "," : "",
					   counter_name(id), (unsigned long long)n);
		len += w > 0 ? (size_t)w : 0;
		any = true;
	}
	if (!any && len < size)
		snprintf(out + len, size - len, " none");
}

struct tl_event {
	const struct link_event *ev;
	const char *ifname;
};

static int cmp_newest(const void *a, const void *b)
{
	int64_t x = ((const struct tl_event *)a)->ev->t_ms,
		y = ((const struct tl_event *)b)->ev->t_ms;
	return (x < y) - (x > y);
}

static int finding_rows(const struct monitor *mon, int w)
{
	if (!mon->nfindings)
		return 1;
	int n = 0;
	for (size_t i = 0; i < mon->nfindings; i++) {
		char line[512];
		snprintf(line, sizeof(line), "WARNING: %s. Fix: %s.", mon->findings[i].f.text,
			 mon->findings[i].f.fix);
		n += screen_wrap_rows(line, w);
	}
	return n;
}

void monitor_view_draw(const struct screen *s, const struct monitor_view *v, const struct model *m)
{
	const struct monitor *mon = v->mon;
	int y0 = 1, x0 = 1, h = s->rows - 3, w = s->cols - 2;
	screen_fill(s, y0, x0, h, w, ROLE_NORMAL);
	screen_box(s, y0, x0, h, w, ROLE_FRAME, "Monitor: traffic, errors, flaps (Esc closes)");
	if (!mon)
		return;
	int x = x0 + 2, iw = w - 4, y = y0 + 1, bottom = y0 + h - 1; /* rows [y, bottom) */
	double full = graph_full(mon);
	char text[600], rate[24];
	monitor_rate_text(full, rate, sizeof(rate));
	snprintf(text, sizeof(text),
		 "Sampled every %d s while open; graphs: the last minute, full height "
		 "%s.",
		 MONITOR_VIEW_INTERVAL_MS / 1000, rate);
	screen_text(s, y++, x, iw, ROLE_DIM, text);
	if (!mon->ntwins) {
		screen_text(s, y, x, iw, ROLE_WARN,
			    "No RDMA port with a netdev on this machine: nothing to monitor.");
		return;
	}

	/* how much of each twin fits: its line, graph rows (rx and tx on two rows, or side by
	 * side), its errors; below, up to 4 rows of findings and 4 events of the timeline */
	int label = 4, side_cells = (iw - 2 * label - 2) / 2, cells = iw - label - 2;
	if (cells > MONITOR_HISTORY)
		cells = MONITOR_HISTORY;
	if (side_cells > MONITOR_HISTORY)
		side_cells = MONITOR_HISTORY;
	size_t nev = 0;
	for (size_t i = 0; i < mon->ntwins; i++) {
		const struct link_history *hist = linkhist_find(&m->linkhist, mon->twins[i].ifname);
		nev += hist ? hist->n : 0;
	}
	int fr = finding_rows(mon, iw), tr = 1 + (nev >= 4 ? 4 : nev ? (int)nev : 1);
	int room = bottom - y - 1 - (fr < 4 ? fr : 4) - tr, nt = (int)mon->ntwins;
	int graph_rows = 2, err_row = 1;
	if (nt * 4 > room)
		graph_rows = 1;
	if (nt * (2 + graph_rows) > room)
		err_row = 0;
	if (nt * (1 + graph_rows) > room)
		graph_rows = 0;
	bool side = graph_rows == 1 || side_cells >= MONITOR_HISTORY;
	if (graph_rows == 2 && side)
		graph_rows = 1;

	for (size_t i = 0; i < mon->ntwins && y < bottom; i++) {
		const struct monitor_twin *t = &mon->twins[i];
		twin_line(t, !err_row, text, sizeof(text));
		screen_text(s, y++, x, iw, t->up ? ROLE_HEADER : ROLE_DIM, text);
		char g[MONITOR_HISTORY * 4 + 1];
		if (graph_rows && side && y < bottom) {
			graph_text(s, t, true, full, side_cells, g, sizeof(g));
			screen_text(s, y, x, label, ROLE_DIM, " rx");
			screen_text(s, y, x + label, side_cells, ROLE_GOOD, g);
			graph_text(s, t, false, full, side_cells, g, sizeof(g));
			screen_text(s, y, x + label + side_cells + 2, label, ROLE_DIM, " tx");
			screen_text(s, y, x + 2 * label + side_cells + 2, side_cells, ROLE_FRAME,
				    g);
			y++;
		} else if (graph_rows) {
			for (int r = 0; r < 2 && y < bottom; r++, y++) {
				graph_text(s, t, r == 0, full, cells, g, sizeof(g));
				screen_text(s, y, x, label, ROLE_DIM, r == 0 ? " rx" : " tx");
				screen_text(s, y, x + label, cells, r == 0 ? ROLE_GOOD : ROLE_FRAME,
					    g);
			}
		}
		if (err_row && y < bottom) {
			detail_line(t, text, sizeof(text));
			screen_text(s, y++, x + 1, iw - 1, ROLE_NORMAL, text);
		}
	}

	/* the findings, leaving the timeline its rows where they can */
	if (y < bottom)
		screen_hline(s, y++, x, iw, ROLE_FRAME);
	int fend = bottom - y > tr + 1 ? bottom - tr : bottom;
	if (!mon->nfindings && y < fend)
		screen_text(s, y++, x, iw, ROLE_GOOD,
			    "OK: traffic on both twins or none, no errors rising, no flaps, 200G.");
	for (size_t i = 0; i < mon->nfindings && y < fend; i++) {
		snprintf(text, sizeof(text), "WARNING: %s. Fix: %s.", mon->findings[i].f.text,
			 mon->findings[i].f.fix);
		y += screen_text_wrap(s, y, x, iw, fend - y, ROLE_WARN, text);
	}

	/* the timeline: every twin's carrier transitions, newest first */
	if (y >= bottom)
		return;
	screen_text(s, y++, x, iw, ROLE_HEADER,
		    "Carrier transitions (netlink, since the console started), newest first:");
	static struct tl_event ev[MAX_EVENTS];
	size_t n = 0;
	for (size_t i = 0; i < mon->ntwins; i++) {
		const struct link_history *hist = linkhist_find(&m->linkhist, mon->twins[i].ifname);
		for (size_t e = 0; hist && e < hist->n && n < MAX_EVENTS; e++)
			ev[n++] =
				(struct tl_event){ linkhist_event(hist, e), mon->twins[i].ifname };
	}
	if (!n && y < bottom)
		screen_text(s, y++, x + 1, iw - 1, ROLE_DIM, "none since the console started");
	qsort(ev, n, sizeof(ev[0]), cmp_newest);
	for (size_t i = 0; i < n && y < bottom; i++) {
		char when[32];
		clock_text(ev[i].ev->t_ms, when, sizeof(when));
		if (ev[i].ev->up && ev[i].ev->speed_mbps > 0)
			snprintf(text, sizeof(text), "%s  %-15s up at %ldG", when, ev[i].ifname,
				 ev[i].ev->speed_mbps / 1000);
		else
			snprintf(text, sizeof(text), "%s  %-15s %s", when, ev[i].ifname,
				 ev[i].ev->up ? "up" : "down");
		screen_text(s, y++, x + 1, iw - 1, ev[i].ev->up ? ROLE_GOOD : ROLE_BAD, text);
	}
}
