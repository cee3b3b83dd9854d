/* cluster_record.h: the journal record of a cluster plan ("cluster-plan" in journal_ops.h), the
 * one record that lets the journal rules judge each node's changes against that node's own
 * interfaces.
 *
 * A cluster apply writes it (host "local", path "") before any change, on the node that runs it:
 *   kind=K mtu=M topology=T node=HOST,NAME,IF=ADDR,IF=ADDR node=HOST,NAME,IF=ADDR ...
 * one node= per node: HOST is "local" for this node (exactly one) or the address its records
 * are written under (the address apply reached it at, which rollback reaches it at again), NAME
 * its host name, then each interface the plan addresses on it with its address ("-" for
 * link-local). A network record for HOST is judged OK only when a cluster-plan record before it
 * names that interface for that HOST: never another node's interface, never an interface that
 * no plan gave to that node. */
#ifndef SPARKLINK_CLUSTER_RECORD_H
#define SPARKLINK_CLUSTER_RECORD_H

#include "core/base/util.h"
#include "core/net/cablemap.h"
#include "core/jobs/cluster_plan.h"
#include "core/jobs/plan.h"

#include <stdbool.h>
#include <stddef.h>

struct cluster_record_node {
	char host[130]; /* "local" or an address / host name */
	char name[64];
	size_t nifs;
	char ifs[PLAN_MAX_IFS][16];
	char addrs[PLAN_MAX_IFS][24]; /* "" for link-local */
};

struct cluster_record {
	enum plan_kind kind;
	unsigned mtu;
	enum topology topology;
	size_t nnodes;
	struct cluster_record_node nodes[CLUSTER_MAX_NODES];
};

/* The record's data for plan p, node i written under hosts[i] ("local" for this node). */
void cluster_record_format(const struct cluster_plan *p, const char *const *hosts, struct buf *b);
/* Read a record's data, every field checked (kind, MTU, topology, hosts, names, interfaces and
 * addresses; exactly one "local"; no host, name or a node's interface twice); 0 or -1. */
int cluster_record_parse(const char *data, struct cluster_record *r);
/* The plan r records, for `status` to ping its rails: p's nodes, names, interfaces and addresses,
 * and each node's host ("local" or the address) in hosts. */
void cluster_record_plan(const struct cluster_record *r, struct cluster_plan *p, char hosts[][128]);
/* Does r give ifname to the node written under host? */
bool cluster_record_names(const struct cluster_record *r, const char *host, const char *ifname);

/* The cluster plan applied now among v (a journal, oldest first): the newest cluster-plan record
 * not undone that parses, unless a two-node plan record not undone is newer. Its index, or -1. */
struct journal_record;
int cluster_record_newest(const struct journal_record *v, size_t n, struct cluster_record *r);

#endif
