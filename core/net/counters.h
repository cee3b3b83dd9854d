/* counters.h: one twin's traffic and error counters, read when asked (the monitor samples them
 * while someone looks; nothing reads them otherwise).
 *
 * The netdev's own counters (class/net/IF/statistics) count what goes through the kernel's
 * stack; RoCE traffic bypasses it and shows only in the RDMA port's counters
 * (class/infiniband/DEV/ports/P/counters, data in units of 4 bytes, converted to bytes here) and,
 * on a ConnectX-7, its hw_counters. All under sysfs_root(), so fixture trees and the lab work. */
#ifndef SPARKLINK_COUNTERS_H
#define SPARKLINK_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

enum counter_id {
	CNT_RX_BYTES, /* netdev */
	CNT_TX_BYTES,
	CNT_RX_ERRORS,
	CNT_TX_ERRORS,
	CNT_RX_DROPPED,
	CNT_TX_DROPPED,
	CNT_RDMA_RX_BYTES, /* RDMA port: port_rcv_data x 4 */
	CNT_RDMA_TX_BYTES, /* port_xmit_data x 4 */
	CNT_SYMBOL_ERROR,
	CNT_LINK_DOWNED,
	CNT_PORT_RCV_ERRORS,
	CNT_PORT_XMIT_DISCARDS,
	CNT_OUT_OF_BUFFER, /* hw_counters, where the device has them */
	CNT_NP_CNP_SENT,
	CNT_RP_CNP_HANDLED,
	CNT_ECN_MARKED,
	CNT_COUNT
};

struct counter_sample {
	int64_t t_ms; /* monotonic */
	uint64_t v[CNT_COUNT];
	uint32_t have; /* bit i: counter i was read */
};

/* The counter's name as the kernel spells it (JSON keys use it too). */
const char *counter_name(enum counter_id id);
/* An error or drop counter (rising = a finding), as opposed to a traffic counter. */
bool counter_is_error(enum counter_id id);

/* Read the counters of netdev ifname and RDMA port ibdev/port (ibdev "" or NULL: none) at t_ms.
 * What is missing is left out of `have`; returns how many counters were read. */
int counters_read(const char *ifname, const char *ibdev, unsigned port, int64_t t_ms,
		  struct counter_sample *out);

#endif
