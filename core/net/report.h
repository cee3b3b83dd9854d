/* report.h: the model as text for scripts: ibdev2netdev lines, JSON, and change lines. */
#ifndef SPARKLINK_REPORT_H
#define SPARKLINK_REPORT_H

#include "core/net/model.h"
#include "core/base/util.h"

#include <stdbool.h>

/* Exactly what ibdev2netdev prints for the same tree (plain or -v). */
void report_ibdev2netdev(const struct rdma_inventory *inv, bool verbose, struct buf *out);
/* The documented JSON form (docs/ports-json.md): ports with twins, other interfaces, findings. */
void report_json(const struct model *m, struct buf *out);
/* The model's findings as a JSON array under key (level, code, text, fix). */
struct json;
void report_findings_json(struct json *j, const char *key, const struct model *m);

/* A copy of the netdev/RDMA state to diff against later (for `ports --watch`). */
struct snapshot {
	struct netdev *netdevs;
	size_t nnetdevs;
	struct rdma_port *rports;
	size_t nrports;
};
void snapshot_take(struct snapshot *s, const struct model *m);
void snapshot_free(struct snapshot *s);
/* One line per change between s and m ("enp1s0f1np1 link Down"); returns the number of lines. */
int report_changes(const struct snapshot *s, const struct model *m, struct buf *out);

#endif
