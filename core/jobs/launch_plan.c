/* launch_plan.c: the applied plan, two nodes or a cluster, as env and bench need it
 * (launch_plan.h). */
#include "core/jobs/launch_plan.h"
#include "core/jobs/cluster_record.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "192.168.100.10/24" -> "192.168.100.10" and 24 (24 when there is no prefix) */
static void split(const char *cidr, char *addr, size_t size, unsigned *prefix)
{
	str_copy(addr, cidr, size);
	char *slash = strchr(addr, '/');
	*prefix = 24;
	if (slash) {
		*slash = '\0';
		int p = atoi(slash + 1);
		if (p > 0 && p <= 32)
			*prefix = (unsigned)p;
	}
}

static bool is_ipv4(const char *s)
{
	struct in_addr a;
	return s && inet_pton(AF_INET, s, &a) == 1;
}

void launch_plan_from_plan(const struct plan *p, const char *peer, struct launch_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->nnodes = 2;
	out->self = p->self_node - 1;
	for (int n = 0; n < 2; n++) {
		struct launch_node *nd = &out->nodes[n];
		str_copy(nd->name, p->names[n], sizeof(nd->name));
		for (size_t i = 0; i < p->nifs && i < LAUNCH_MAX_RAILS; i++) {
			const char *ifn = n == out->self ? p->ifs[i].ifname
							 : plan_ifname(p, i, n + 1);
			str_copy(nd->rails[i].ifname, ifn, sizeof(nd->rails[i].ifname));
			split(p->ifs[i].addr[n], nd->rails[i].addr, sizeof(nd->rails[i].addr),
			      &nd->rails[i].prefix);
			nd->nrails++;
		}
	}
	if (!peer || !peer[0] || strcmp(peer, "-") == 0)
		return;
	struct launch_node *other = &out->nodes[1 - out->self];
	str_copy(other->host, peer, sizeof(other->host));
	/* the peer's management address: the IPv4 address apply reached it at, if not a rail's */
	if (!is_ipv4(peer))
		return;
	for (size_t i = 0; i < other->nrails; i++)
		if (strcmp(other->rails[i].addr, peer) == 0)
			return;
	str_copy(other->mgmt_addr, peer, sizeof(other->mgmt_addr));
}

/* Port order for a ConnectX name: "enP2p1s0f0np0" sorts as "enp1s0f0np0" then domain 2, so a
 * port's twins are together, domain 0000 first (enp1s0f0np0, enP2p1s0f0np0, enp1s0f1np1, ...). */
static int rail_cmp(const void *a, const void *b)
{
	const char *x = ((const struct launch_rail *)a)->ifname,
		   *y = ((const struct launch_rail *)b)->ifname;
	char sx[16], sy[16];
	unsigned long dx = 0, dy = 0;
	const char *n[2] = { x, y };
	char *o[2] = { sx, sy };
	unsigned long *d[2] = { &dx, &dy };
	for (int k = 0; k < 2; k++) {
		str_copy(o[k], n[k], sizeof(sx));
		if (strncmp(n[k], "enP", 3) == 0 && n[k][3] >= '0' && n[k][3] <= '9') {
			char *end;
			*d[k] = strtoul(n[k] + 3, &end, 10);
			snprintf(o[k], sizeof(sx), "en%s", end);
		}
	}
	int c = strcmp(sx, sy);
	return c ? c : dx < dy ? -1 : dx > dy;
}

void launch_plan_from_cluster(const struct cluster_record *r, struct launch_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->cluster = true;
	out->ring = r->nnodes > 2 && r->topology != TOPOLOGY_SWITCH;
	for (size_t n = 0; n < r->nnodes && n < LAUNCH_MAX_NODES; n++) {
		const struct cluster_record_node *rn = &r->nodes[n];
		struct launch_node *nd = &out->nodes[n];
		str_copy(nd->name, rn->name, sizeof(nd->name));
		if (strcmp(rn->host, "local") == 0)
			out->self = (int)n;
		else
			str_copy(nd->host, rn->host, sizeof(nd->host));
		if (is_ipv4(nd->host))
			str_copy(nd->mgmt_addr, nd->host, sizeof(nd->mgmt_addr));
		for (size_t i = 0; i < rn->nifs && nd->nrails < LAUNCH_MAX_RAILS; i++) {
			struct launch_rail *rl = &nd->rails[nd->nrails++];
			str_copy(rl->ifname, rn->ifs[i], sizeof(rl->ifname));
			split(rn->addrs[i], rl->addr, sizeof(rl->addr), &rl->prefix);
		}
		/* each node's rails in port order: nodes cabled alike list the same interfaces
		 * and devices in the same order, whatever order the plan addressed them in */
		qsort(nd->rails, nd->nrails, sizeof(nd->rails[0]), rail_cmp);
		out->nnodes++;
	}
}

int launch_plan_read(const char *path, struct launch_plan *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof(*out));
	out->self = -1;
	if (geteuid() != 0) {
		snprintf(err, errsize,
			 "the journal of network changes is root's: run it with sudo");
		return -1;
	}
	struct journal_record *v = NULL;
	int n = journal_read(path, 0, &v, err, errsize);
	if (n < 0)
		return -1;
	struct cluster_record *cr = xcalloc(1, sizeof(*cr));
	struct plan *p = xcalloc(1, sizeof(*p));
	char peer[256] = "", why[256];
	struct journal_scope s = { .user_journal = false };
	int at = n > 0 ? cluster_record_newest(v, (size_t)n, cr) : -1, rc = 0;
	if (at >= 0 && journal_judge(v, (size_t)n, (size_t)at, &s, why, sizeof(why)) == JOURNAL_OK)
		launch_plan_from_cluster(cr, out);
	else if (n > 0 && plan_record_newest(v, (size_t)n, p, peer, sizeof(peer)) >= 0)
		launch_plan_from_plan(p, peer, out);
	else
		rc = -1;
	if (rc < 0)
		snprintf(err, errsize, "no addressing plan is applied (the journal has none)");
	free(p);
	free(cr);
	journal_records_free(v, n > 0 ? (size_t)n : 0);
	return rc;
}

static bool same_subnet(const char *a, const char *b, unsigned prefix)
{
	struct in_addr x, y;
	if (!is_ipv4(a) || !is_ipv4(b))
		return false;
	inet_pton(AF_INET, a, &x);
	inet_pton(AF_INET, b, &y);
	uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	return (x.s_addr & mask) == (y.s_addr & mask);
}

const char *launch_plan_seen(const struct launch_plan *p, size_t viewer, size_t n)
{
	if (viewer >= p->nnodes || n >= p->nnodes)
		return NULL;
	const struct launch_node *v = &p->nodes[viewer], *t = &p->nodes[n];
	if (n == viewer)
		return v->nrails && v->rails[0].addr[0] ? v->rails[0].addr : NULL;
	for (size_t i = 0; i < v->nrails; i++)
		for (size_t k = 0; k < t->nrails; k++)
			if (same_subnet(v->rails[i].addr, t->rails[k].addr, v->rails[i].prefix))
				return t->rails[k].addr;
	return NULL;
}

const char *launch_plan_far(const struct launch_plan *p, size_t node, size_t r, size_t *far)
{
	if (node >= p->nnodes || r >= p->nodes[node].nrails)
		return NULL;
	const struct launch_rail *rl = &p->nodes[node].rails[r];
	for (size_t n = 0; n < p->nnodes; n++) {
		if (n == node)
			continue;
		for (size_t k = 0; k < p->nodes[n].nrails; k++)
			if (same_subnet(rl->addr, p->nodes[n].rails[k].addr, rl->prefix)) {
				*far = n;
				return p->nodes[n].rails[k].addr;
			}
	}
	return NULL;
}

int launch_plan_hostfile(const struct launch_plan *p, size_t viewer, unsigned slots,
			 struct buf *out, struct buf *problems)
{
	int missing = 0;
	for (size_t n = 0; n < p->nnodes; n++) {
		const char *a = launch_plan_seen(p, viewer, n);
		if (!a) {
			const struct launch_node *nd = &p->nodes[n];
			if (!nd->nrails || !nd->rails[0].addr[0])
				buf_printf(problems,
					   "%s has no address in the plan (a link-local plan has "
					   "none to write down: apply the static plan)\n",
					   nd->name);
			else
				buf_printf(problems,
					   "%s shares no cable subnet with %s: no address of it is "
					   "reachable from there over a cable\n",
					   nd->name, p->nodes[viewer].name);
			missing++;
			continue;
		}
		if (slots)
			buf_printf(out, "%s slots=%u\n", a, slots);
		else
			buf_printf(out, "%s\n", a);
	}
	return missing;
}
