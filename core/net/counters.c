/* counters.c: reading one twin's counters from sysfs (counters.h). */
#include "core/net/counters.h"

#include "core/net/sysfs.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	const char *dir; /* "" netdev statistics, else the RDMA port's directory */
	unsigned scale;
	bool error;
} counters[CNT_COUNT] = {
	[CNT_RX_BYTES] = { "rx_bytes", "", 1, false },
	[CNT_TX_BYTES] = { "tx_bytes", "", 1, false },
	[CNT_RX_ERRORS] = { "rx_errors", "", 1, true },
	[CNT_TX_ERRORS] = { "tx_errors", "", 1, true },
	[CNT_RX_DROPPED] = { "rx_dropped", "", 1, true },
	[CNT_TX_DROPPED] = { "tx_dropped", "", 1, true },
	[CNT_RDMA_RX_BYTES] = { "port_rcv_data", "counters", 4, false },
	[CNT_RDMA_TX_BYTES] = { "port_xmit_data", "counters", 4, false },
	[CNT_SYMBOL_ERROR] = { "symbol_error", "counters", 1, true },
	[CNT_LINK_DOWNED] = { "link_downed", "counters", 1, true },
	[CNT_PORT_RCV_ERRORS] = { "port_rcv_errors", "counters", 1, true },
	[CNT_PORT_XMIT_DISCARDS] = { "port_xmit_discards", "counters", 1, true },
	[CNT_OUT_OF_BUFFER] = { "out_of_buffer", "hw_counters", 1, true },
	[CNT_NP_CNP_SENT] = { "np_cnp_sent", "hw_counters", 1, false },
	[CNT_RP_CNP_HANDLED] = { "rp_cnp_handled", "hw_counters", 1, false },
	[CNT_ECN_MARKED] = { "np_ecn_marked_roce_packets", "hw_counters", 1, false },
};

const char *counter_name(enum counter_id id)
{
	return id < CNT_COUNT ? counters[id].name : "";
}

bool counter_is_error(enum counter_id id)
{
	return id < CNT_COUNT && counters[id].error;
}

/* A counter file holds one decimal number; anything else is not read. */
static bool read_u64(uint64_t *out, const char *path)
{
	char buf[32];
	int n = sysfs_read(buf, sizeof(buf), "%s", path);
	if (n <= 0)
		return false;
	uint64_t v = 0;
	for (int i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	*out = v;
	return true;
}

int counters_read(const char *ifname, const char *ibdev, unsigned port, int64_t t_ms,
		  struct counter_sample *out)
{
	memset(out, 0, sizeof(*out));
	out->t_ms = t_ms;
	int n = 0;
	for (int i = 0; i < CNT_COUNT; i++) {
		char path[256];
		if (!counters[i].dir[0]) {
			if (!ifname || !ifname[0])
				continue;
			snprintf(path, sizeof(path), "class/net/%s/statistics/%s", ifname,
				 counters[i].name);
		} else {
			if (!ibdev || !ibdev[0])
				continue;
			snprintf(path, sizeof(path), "class/infiniband/%s/ports/%u/%s/%s", ibdev,
				 port, counters[i].dir, counters[i].name);
		}
		uint64_t v;
		if (!read_u64(&v, path))
			continue;
		out->v[i] = v * counters[i].scale;
		out->have |= 1u << i;
		n++;
	}
	return n;
}
