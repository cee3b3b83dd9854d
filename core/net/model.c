/* model.c: life cycle of the model, and netdevs read from sysfs alone. */
#include "core/net/model.h"
#include "core/net/findings.h"
#include "core/net/ports.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

void netdev_clear(struct netdev *d)
{
	free(d->addrs);
	d->addrs = NULL;
	d->naddrs = 0;
}

void model_free(struct model *m)
{
	rdma_inventory_free(&m->rdma);
	for (size_t i = 0; i < m->nnetdevs; i++)
		netdev_clear(&m->netdevs[i]);
	free(m->netdevs);
	free(m->ports);
	free(m->others);
	free(m->findings);
	free(m->v4);
	linkhist_free(&m->linkhist);
	nm_view_free(&m->nm);
	netplan_scan_free(&m->netplan);
	memset(m, 0, sizeof(*m));
}

static int cmp_netdev(const void *a, const void *b)
{
	return strcmp(((const struct netdev *)a)->name, ((const struct netdev *)b)->name);
}

static int cmp_name_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct netdev *)elem)->name);
}

/* netdevs are kept sorted by name (model_sort_netdevs), so this is a binary search */
const struct netdev *model_netdev(const struct model *m, const char *name)
{
	if (!m->nnetdevs)
		return NULL;
	return bsearch(name, m->netdevs, m->nnetdevs, sizeof(*m->netdevs), cmp_name_key);
}

const char *finding_level_word(enum finding_level l)
{
	switch (l) {
	case FINDING_ERROR: return "error";
	case FINDING_WARN: return "warning";
	default: return "note";
	}
}

void model_sort_netdevs(struct model *m)
{
	size_t i = 1; /* most calls find them sorted already: one pass, no sort */
	while (i < m->nnetdevs && strcmp(m->netdevs[i - 1].name, m->netdevs[i].name) < 0)
		i++;
	if (i < m->nnetdevs)
		qsort(m->netdevs, m->nnetdevs, sizeof(*m->netdevs), cmp_netdev);
}

char **sysfs_netdev_names(size_t *n)
{
	char path[PATH_MAX];
	sysfs_path(path, sizeof(path), "class/net");
	*n = 0;
	DIR *d = opendir(path);
	if (!d)
		return NULL;
	char **v = NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !text_is_ifname(e->d_name))
			continue;
		v = xrealloc(v, *n + 1, sizeof(char *));
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	return v;
}

void netdev_load_sysfs(struct netdev *n, const char *name)
{
	memset(n, 0, sizeof(*n));
	str_copy(n->name, name, sizeof(n->name));
	{
		char buf[64];
		long v;
		n->carrier = sysfs_read(buf, sizeof(buf), "class/net/%s/carrier", n->name) > 0 &&
			     strcmp(buf, "1") == 0;
		if (sysfs_read(n->operstate, sizeof(n->operstate), "class/net/%s/operstate",
			       n->name) < 0)
			str_copy(n->operstate, "unknown", sizeof(n->operstate));
		n->admin_up = n->carrier || strcmp(n->operstate, "up") == 0;
		n->mtu = sysfs_read_long(&v, "class/net/%s/mtu", n->name) == 0 && v > 0
				 ? (unsigned)v
				 : 0;
		sysfs_read(n->mac, sizeof(n->mac), "class/net/%s/address", n->name);
		n->speed_mbps = sysfs_read_long(&v, "class/net/%s/speed", n->name) == 0 ? v : -1;
		sysfs_read(n->phys_port_name, sizeof(n->phys_port_name),
			   "class/net/%s/phys_port_name", n->name);
	}
}

void model_load_sysfs_netdevs(struct model *m)
{
	for (size_t i = 0; i < m->nnetdevs; i++)
		netdev_clear(&m->netdevs[i]);
	free(m->netdevs);
	size_t n;
	char **names = sysfs_netdev_names(&n);
	m->netdevs = xcalloc(n ? n : 1, sizeof(*m->netdevs));
	m->nnetdevs = n;
	for (size_t i = 0; i < n; i++) {
		netdev_load_sysfs(&m->netdevs[i], names[i]);
		free(names[i]);
	}
	free(names);
	model_sort_netdevs(m);
	m->v4_ok = false;
	m->netlink_ok = false;
}

size_t model_twin_names(const struct model *m, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t k = 0; k < m->nports; k++)
		for (size_t t = 0; t < m->ports[k].ntwins && n < max; t++)
			if (m->ports[k].twins[t].netdev_name[0])
				out[n++] = m->ports[k].twins[t].netdev_name;
	return n;
}

static bool has_routable_v4(const struct netdev *d)
{
	for (size_t x = 0; x < d->naddrs; x++)
		if (d->addrs[x].family == AF_INET && !d->addrs[x].link_local)
			return true;
	return false;
}

void model_v4_index(struct model *m)
{
	if (m->v4_ok)
		return;
	m->v4 = xrealloc(m->v4, m->nnetdevs ? m->nnetdevs : 1, sizeof(*m->v4));
	m->nv4 = 0;
	for (size_t i = 0; i < m->nnetdevs; i++)
		if (has_routable_v4(&m->netdevs[i]))
			m->v4[m->nv4++] = i;
	m->v4_ok = true;
}

/* netdev i in or out of m->v4 as its addresses are now (the list stays ascending) */
static void v4_update(struct model *m, size_t i)
{
	size_t k = 0;
	while (k < m->nv4 && m->v4[k] < i)
		k++;
	bool in = k < m->nv4 && m->v4[k] == i, want = has_routable_v4(&m->netdevs[i]);
	if (in == want)
		return;
	if (want) {
		m->v4 = xrealloc(m->v4, m->nv4 + 1, sizeof(*m->v4));
		memmove(&m->v4[k + 1], &m->v4[k], (m->nv4 - k) * sizeof(*m->v4));
		m->v4[k] = i;
		m->nv4++;
	} else {
		memmove(&m->v4[k], &m->v4[k + 1], (m->nv4 - k - 1) * sizeof(*m->v4));
		m->nv4--;
	}
}

void model_rebuild(struct model *m)
{
	m->v4_ok = false;
	ports_group(m);
	findings_compute(m);
	m->generation++;
	m->ports_generation++;
	m->dirty = true;
}

void model_refresh(struct model *m)
{
	m->v4_ok = false;
	ports_cabled(m);
	findings_compute(m);
	m->generation++;
	m->ports_generation++;
	m->dirty = true;
}

void model_refresh_netdevs(struct model *m, const size_t *idx, size_t n)
{
	if (m->v4_ok)
		for (size_t k = 0; k < n; k++)
			if (idx[k] < m->nnetdevs)
				v4_update(m, idx[k]);
	for (size_t k = 0; k < n; k++)
		if (idx[k] >= m->nnetdevs || m->netdevs[idx[k]].rdma) {
			m->ports_generation++; /* a twin's netdev */
			break;
		}
	ports_cabled(m);
	findings_compute(m);
	m->generation++;
	m->dirty = true;
}
