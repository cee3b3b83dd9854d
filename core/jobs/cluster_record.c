/* cluster_record.c: a cluster plan's journal record (cluster_record.h). */
#include "core/jobs/cluster_record.h"
#include "core/jobs/journal.h"
#include "core/base/text.h"
#include "core/node/node.h"
#include "core/ssh/sshfiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cluster_record_format(const struct cluster_plan *p, const char *const *hosts, struct buf *b)
{
	buf_printf(b, "kind=%s mtu=%u topology=%s", plan_kind_name(p->kind), p->mtu,
		   topology_name(p->topology));
	for (size_t n = 0; n < p->nnodes; n++) {
		buf_printf(b, " node=%s,%s", hosts[n], p->names[n]);
		for (size_t i = 0; i < p->naddrs; i++)
			if (p->addrs[i].node == (int)n)
				buf_printf(b, ",%s=%s", p->addrs[i].ifname,
					   p->addrs[i].addr[0] ? p->addrs[i].addr : "-");
	}
}

static bool host_ok(const char *h)
{
	return strcmp(h, "local") == 0 || ssh_name_valid(h);
}

/* "HOST,NAME,IF=ADDR,..." into n */
static int parse_node(char *s, struct cluster_record_node *n)
{
	memset(n, 0, sizeof(*n));
	char *save = NULL;
	char *host = strtok_r(s, ",", &save), *name = host ? strtok_r(NULL, ",", &save) : NULL;
	if (!host || !name || !host_ok(host) || !text_is_hostname(name) ||
	    str_copy(n->host, host, sizeof(n->host)) >= sizeof(n->host) ||
	    str_copy(n->name, name, sizeof(n->name)) >= sizeof(n->name))
		return -1;
	for (char *t = strtok_r(NULL, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (!eq || n->nifs >= PLAN_MAX_IFS)
			return -1;
		*eq = '\0';
		const char *ifn = t, *addr = eq + 1;
		if (!text_is_ifname(ifn) || strcmp(ifn, ".") == 0 || strcmp(ifn, "..") == 0)
			return -1;
		for (size_t k = 0; k < n->nifs; k++)
			if (strcmp(n->ifs[k], ifn) == 0)
				return -1;
		int fam, plen;
		unsigned char ip[16];
		char canon[64];
		if (strcmp(addr, "-") != 0 &&
		    (!node_cidr_parse(addr, &fam, ip, &plen, canon, sizeof(canon)) ||
		     strlen(addr) >= sizeof(n->addrs[0])))
			return -1;
		str_copy(n->ifs[n->nifs], ifn, sizeof(n->ifs[0]));
		str_copy(n->addrs[n->nifs], strcmp(addr, "-") == 0 ? "" : addr,
			 sizeof(n->addrs[0]));
		n->nifs++;
	}
	return n->nifs ? 0 : -1;
}

int cluster_record_parse(const char *data, struct cluster_record *r)
{
	memset(r, 0, sizeof(*r));
	if (!data || strlen(data) > 8192)
		return -1;
	char *copy = xstrdup(data), *save = NULL;
	int rc = -1, locals = 0;
	bool kind = false, mtu = false, topo = false;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (str_starts(t, "kind=") && !kind && r->nnodes == 0) {
			int k = plan_kind_parse(t + 5);
			if (k < 0)
				goto out;
			r->kind = (enum plan_kind)k;
			kind = true;
		} else if (str_starts(t, "mtu=") && !mtu && r->nnodes == 0) {
			if (strcmp(t + 4, "1500") != 0 && strcmp(t + 4, "9000") != 0)
				goto out;
			r->mtu = (unsigned)atoi(t + 4);
			mtu = true;
		} else if (str_starts(t, "topology=") && !topo && r->nnodes == 0) {
			for (int tp = TOPOLOGY_DIRECT; tp <= TOPOLOGY_OTHER && !topo; tp++)
				if (strcmp(t + 9, topology_name((enum topology)tp)) == 0) {
					r->topology = (enum topology)tp;
					topo = true;
				}
			if (!topo)
				goto out;
		} else if (str_starts(t, "node=") && kind && mtu && topo &&
			   r->nnodes < CLUSTER_MAX_NODES) {
			struct cluster_record_node *n = &r->nodes[r->nnodes];
			if (parse_node(t + 5, n) < 0)
				goto out;
			for (size_t k = 0; k < r->nnodes; k++)
				if (strcmp(r->nodes[k].host, n->host) == 0 ||
				    strcmp(r->nodes[k].name, n->name) == 0)
					goto out;
			locals += strcmp(n->host, "local") == 0;
			r->nnodes++;
		} else {
			goto out;
		}
	}
	rc = r->nnodes >= 2 && locals == 1 ? 0 : -1;
out:
	free(copy);
	return rc;
}

bool cluster_record_names(const struct cluster_record *r, const char *host, const char *ifname)
{
	for (size_t n = 0; n < r->nnodes; n++) {
		if (strcmp(r->nodes[n].host, host) != 0)
			continue;
		for (size_t i = 0; i < r->nodes[n].nifs; i++)
			if (strcmp(r->nodes[n].ifs[i], ifname) == 0)
				return true;
	}
	return false;
}

int cluster_record_newest(const struct journal_record *v, size_t n, struct cluster_record *r)
{
	for (size_t i = n; i-- > 0;) {
		if (v[i].undone || strcmp(v[i].host, "local") != 0)
			continue;
		if (strcmp(v[i].op, "plan") == 0)
			return -1;
		if (strcmp(v[i].op, "cluster-plan") == 0 && cluster_record_parse(v[i].data, r) == 0)
			return (int)i;
	}
	return -1;
}

void cluster_record_plan(const struct cluster_record *r, struct cluster_plan *p, char hosts[][128])
{
	memset(p, 0, sizeof(*p));
	p->kind = r->kind, p->mtu = r->mtu, p->topology = r->topology, p->nnodes = r->nnodes;
	for (size_t k = 0; k < r->nnodes; k++) {
		const struct cluster_record_node *nd = &r->nodes[k];
		str_copy(p->names[k], nd->name, sizeof(p->names[k]));
		str_copy(hosts[k], nd->host, 128);
		for (size_t i = 0; i < nd->nifs && p->naddrs < CLUSTER_MAX_ADDRS; i++) {
			struct cluster_addr *a = &p->addrs[p->naddrs++];
			a->node = (int)k, a->peer = -1;
			str_copy(a->ifname, nd->ifs[i], sizeof(a->ifname));
			str_copy(a->addr, nd->addrs[i], sizeof(a->addr));
		}
	}
}
