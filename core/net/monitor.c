/* monitor.c: rates, history, flaps and findings of the ConnectX twins (monitor.h). */
#include "core/net/monitor.h"

#include "core/base/json.h"
#include "core/net/linkhist.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void monitor_init(struct monitor *mon, const struct model *m, int64_t now_ms)
{
	memset(mon, 0, sizeof(*mon));
	mon->started_ms = now_ms;
	for (size_t p = 0; p < m->nports; p++)
		for (size_t k = 0; k < m->ports[p].ntwins; k++) {
			const struct twin *tw = &m->ports[p].twins[k];
			if (!tw->rdma || !tw->netdev_name[0] || mon->ntwins >= MONITOR_MAX_TWINS)
				continue;
			struct monitor_twin *t = &mon->twins[mon->ntwins++];
			str_copy(t->ifname, tw->netdev_name, sizeof(t->ifname));
			str_copy(t->ibdev, tw->rdma->ibdev, sizeof(t->ibdev));
			t->port = tw->rdma->port;
			t->phys_port = m->ports[p].number;
		}
}

double monitor_bps(const struct monitor_twin *t, bool rx)
{
	double a = t->rate[rx ? CNT_RX_BYTES : CNT_TX_BYTES];
	double b = t->rate[rx ? CNT_RDMA_RX_BYTES : CNT_RDMA_TX_BYTES];
	return 8 * (a > b ? a : b);
}

double monitor_hist(const struct monitor_twin *t, bool rx, size_t i)
{
	size_t at = (t->hist_head + i) % MONITOR_HISTORY;
	return rx ? t->hist_rx[at] : t->hist_tx[at];
}

uint64_t monitor_since_start(const struct monitor_twin *t, enum counter_id id)
{
	if (!(t->last.have & t->first.have & (1u << id)) || t->last.v[id] < t->first.v[id])
		return 0;
	return t->last.v[id] - t->first.v[id];
}

void monitor_rate_text(double bps, char *out, size_t size)
{
	if (bps >= 1e9)
		snprintf(out, size, "%.2f Gb/s", bps / 1e9);
	else if (bps >= 1e6)
		snprintf(out, size, "%.0f Mb/s", bps / 1e6);
	else if (bps >= 1e3)
		snprintf(out, size, "%.0f kb/s", bps / 1e3);
	else
		snprintf(out, size, "%.0f b/s", bps);
}

static void update_twin(struct monitor_twin *t, const struct model *m, int64_t now_ms)
{
	const struct netdev *d = model_netdev(m, t->ifname);
	t->up = d && d->carrier;
	t->speed_mbps = d ? d->speed_mbps : -1;
	struct counter_sample s;
	counters_read(t->ifname, t->ibdev, t->port, now_ms, &s);
	if (t->nsamples == 0) {
		t->first = t->prev = t->last = s;
	} else {
		t->prev = t->last;
		t->last = s;
	}
	t->nsamples++;
	double dt = (double)(t->last.t_ms - t->prev.t_ms) / 1000.0;
	for (int i = 0; i < CNT_COUNT; i++) {
		uint32_t bit = 1u << i;
		/* a counter that went back (driver reset) counts as a fresh start, not a rate */
		if (dt > 0 && (t->last.have & t->prev.have & bit) && t->last.v[i] >= t->prev.v[i])
			t->rate[i] = (double)(t->last.v[i] - t->prev.v[i]) / dt;
		else
			t->rate[i] = 0;
	}
	if (t->nsamples > 1) {
		size_t at = (t->hist_head + t->hist_n) % MONITOR_HISTORY;
		if (t->hist_n == MONITOR_HISTORY)
			t->hist_head = (t->hist_head + 1) % MONITOR_HISTORY;
		else
			t->hist_n++;
		t->hist_rx[at] = monitor_bps(t, true);
		t->hist_tx[at] = monitor_bps(t, false);
	}
	const struct link_history *h = linkhist_find(&m->linkhist, t->ifname);
	t->flaps = h ? h->downs : 0;
	t->recent_flaps = h ? linkhist_downs_since(h, now_ms - MONITOR_FLAP_WINDOW_MS) : 0;
}

static struct finding *add_finding(struct monitor *mon, enum finding_level level, const char *code,
				   size_t twin, int twin2)
{
	if (mon->nfindings >= ARRAY_LEN(mon->findings))
		return NULL;
	struct monitor_finding *mf = &mon->findings[mon->nfindings++];
	memset(mf, 0, sizeof(*mf));
	mf->twin = (int)twin;
	mf->twin2 = twin2;
	struct finding *f = &mf->f;
	f->level = level;
	str_copy(f->code, code, sizeof(f->code));
	return f;
}

static void find_half_bandwidth(struct monitor *mon)
{
	for (size_t i = 0; i < mon->ntwins; i++)
		for (size_t k = i + 1; k < mon->ntwins; k++) {
			struct monitor_twin *a = &mon->twins[i], *b = &mon->twins[k];
			if (a->phys_port != b->phys_port || !a->up || !b->up)
				continue;
			double ta = monitor_bps(a, true) + monitor_bps(a, false);
			double tb = monitor_bps(b, true) + monitor_bps(b, false);
			struct monitor_twin *busy = ta >= tb ? a : b, *idle = ta >= tb ? b : a;
			double hi = ta >= tb ? ta : tb, lo = ta >= tb ? tb : ta;
			if (hi < MONITOR_BUSY_BPS || lo > hi / 20)
				continue;
			struct finding *f =
				add_finding(mon, FINDING_WARN, "one-twin-idle", i, (int)k);
			if (!f)
				return;
			char r[32];
			monitor_rate_text(hi, r, sizeof(r));
			snprintf(
				f->text, sizeof(f->text),
				"%s carries %s while its twin %s idles: the job uses half of port p%d",
				busy->ifname, r, idle->ifname, busy->phys_port);
			snprintf(f->fix, sizeof(f->fix),
				 "name both twins' RDMA devices in NCCL_IB_HCA (%s,%s)",
				 busy->ibdev, idle->ibdev);
		}
}

static void find_per_twin(struct monitor *mon)
{
	for (size_t i = 0; i < mon->ntwins; i++) {
		struct monitor_twin *t = &mon->twins[i];
		for (int c = 0; c < CNT_COUNT; c++) {
			if (!counter_is_error((enum counter_id)c) || t->rate[c] <= 0)
				continue;
			struct finding *f = add_finding(mon, FINDING_WARN, "errors-rising", i, -1);
			if (!f)
				return;
			snprintf(f->text, sizeof(f->text),
				 "%s: %s rising (%.0f/s now, %llu since start)", t->ifname,
				 counter_name((enum counter_id)c), t->rate[c],
				 (unsigned long long)monitor_since_start(t, (enum counter_id)c));
			str_copy(
				f->fix,
				"reseat or replace the cable; check `sparklink ports` on both nodes",
				sizeof(f->fix));
			break; /* one per twin: the first counter that rises */
		}
		if (t->recent_flaps >= 2) {
			struct finding *f = add_finding(mon, FINDING_WARN, "link-flapping", i, -1);
			if (!f)
				return;
			snprintf(f->text, sizeof(f->text),
				 "%s went down %u times in the last %d minutes (%u since start)",
				 t->ifname, t->recent_flaps, MONITOR_FLAP_WINDOW_MS / 60000,
				 t->flaps);
			str_copy(f->fix, "reseat the QSFP cable at both ends, or try another cable",
				 sizeof(f->fix));
		}
		if (t->up && t->speed_mbps > 0 && t->speed_mbps < 200000) {
			struct finding *f = add_finding(mon, FINDING_WARN, "speed-low", i, -1);
			if (!f)
				return;
			snprintf(f->text, sizeof(f->text), "%s runs at %ldG, not 200G", t->ifname,
				 t->speed_mbps / 1000);
			str_copy(f->fix,
				 "on a switch force the port to 200G; on a direct cable reseat it",
				 sizeof(f->fix));
		}
	}
}

void monitor_sample(struct monitor *mon, const struct model *m, int64_t now_ms)
{
	for (size_t i = 0; i < mon->ntwins; i++)
		update_twin(&mon->twins[i], m, now_ms);
	mon->nfindings = 0;
	find_half_bandwidth(mon);
	find_per_twin(mon);
}

void monitor_json_lines(const struct monitor *mon, const struct model *m, int64_t wall_ms,
			struct buf *out)
{
	for (size_t i = 0; i < mon->ntwins; i++) {
		const struct monitor_twin *t = &mon->twins[i];
		struct json j;
		json_init(&j, out, false);
		json_object_begin(&j, NULL);
		json_int(&j, "time_ms", wall_ms);
		json_string(&j, "netdev", t->ifname);
		json_string(&j, "rdma_device", t->ibdev);
		json_int(&j, "port", t->phys_port);
		json_bool(&j, "up", t->up);
		json_int(&j, "speed_mbps", t->speed_mbps);
		json_int(&j, "rx_bps", llround(monitor_bps(t, true)));
		json_int(&j, "tx_bps", llround(monitor_bps(t, false)));
		json_object_begin(&j, "rate_per_s");
		for (int c = 0; c < CNT_COUNT; c++)
			if (t->last.have & (1u << c))
				json_int(&j, counter_name((enum counter_id)c), llround(t->rate[c]));
		json_object_end(&j);
		json_object_begin(&j, "since_start");
		for (int c = 0; c < CNT_COUNT; c++)
			if (t->last.have & (1u << c))
				json_int(&j, counter_name((enum counter_id)c),
					 (long long)monitor_since_start(t, (enum counter_id)c));
		json_object_end(&j);
		json_int(&j, "flaps", t->flaps);
		json_array_begin(&j, "transitions");
		const struct link_history *h = linkhist_find(&m->linkhist, t->ifname);
		for (size_t e = 0; h && e < h->n; e++) {
			const struct link_event *ev = linkhist_event(h, e);
			json_object_begin(&j, NULL);
			json_int(&j, "time_ms", ev->t_ms);
			json_string(&j, "carrier", ev->up ? "up" : "down");
			if (ev->up && ev->speed_mbps > 0)
				json_int(&j, "speed_mbps", ev->speed_mbps);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_array_begin(&j, "findings");
		for (size_t f = 0; f < mon->nfindings; f++)
			if (mon->findings[f].twin == (int)i || mon->findings[f].twin2 == (int)i)
				json_string(&j, NULL, mon->findings[f].f.code);
		json_array_end(&j);
		json_object_end(&j);
		buf_puts(out, "\n");
	}
}
