/* report.c: text and JSON forms of the model. */
#include "core/net/report.h"
#include "core/base/json.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"

#include <errno.h>
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void report_ibdev2netdev(const struct rdma_inventory *inv, bool verbose, struct buf *out)
{
	if (inv->no_mlx_netdevs)
		return; /* ibdev2netdev: "no relevant devices - quit immediately" */
	for (size_t i = 0; i < inv->nports; i++) {
		const struct rdma_port *p = &inv->ports[i];
		if (!p->netdev[0])
			continue;
		const char *link = rdma_link_word(p->link);
		if (!verbose) {
			buf_printf(out, "%s port %u ==> %s (%s)\n", p->ibdev, p->port, p->netdev,
				   link);
			continue;
		}
		char state[32], part[40], desc[112];
		if (p->state[0])
			snprintf(state, sizeof(state), "%-6s", p->state);
		else
			str_copy(state, "NA", sizeof(state));
		if (p->part_id[0] || p->description[0]) {
			snprintf(part, sizeof(part), "%-11s", p->part_id);
			snprintf(desc, sizeof(desc), "%-15s", p->description);
		} else {
			str_copy(part, "NA", sizeof(part));
			desc[0] = '\0';
		}
		buf_printf(out, "%s %s (%s - %s) %s fw %s port %u (%s) ==> %s (%s)\n", p->pci,
			   p->ibdev, p->devid[0] ? p->devid : "NA", part, desc,
			   p->fw_ver[0] ? p->fw_ver : "NA", p->port, state, p->netdev, link);
	}
}

static void json_netdev_fields(struct json *j, const struct netdev *d)
{
	json_bool(j, "present", d != NULL);
	if (!d)
		return;
	json_string(j, "link", d->carrier ? "Up" : "Down");
	json_bool(j, "admin_up", d->admin_up);
	json_bool(j, "carrier", d->carrier);
	json_string(j, "operstate", d->operstate);
	if (d->speed_mbps > 0)
		json_int(j, "speed_mbps", d->speed_mbps);
	else
		json_null(j, "speed_mbps");
	json_int(j, "mtu", d->mtu);
	json_string(j, "mac", d->mac[0] ? d->mac : NULL);
	json_array_begin(j, "addresses");
	for (size_t i = 0; i < d->naddrs; i++) {
		const struct netdev_addr *a = &d->addrs[i];
		json_object_begin(j, NULL);
		json_string(j, "family", a->family == AF_INET ? "inet" : "inet6");
		json_string(j, "address", a->text);
		json_int(j, "prefixlen", a->prefixlen);
		json_bool(j, "link_local", a->link_local);
		json_object_end(j);
	}
	json_array_end(j);
}

void report_findings_json(struct json *j, const char *key, const struct model *m)
{
	json_array_begin(j, key);
	for (size_t i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];
		json_object_begin(j, NULL);
		json_string(j, "level", finding_level_word(f->level));
		json_string(j, "code", f->code);
		json_string(j, "text", f->text);
		json_string(j, "fix", f->fix);
		json_object_end(j);
	}
	json_array_end(j);
}

void report_json(const struct model *m, struct buf *out)
{
	struct json j;
	json_init(&j, out, true);
	json_object_begin(&j, NULL);
	json_int(&j, "version", 1);
	/* the root comes from the command line or the environment: any bytes at all, while a
	 * JSON document must be UTF-8 */
	char root[PATH_MAX];
	text_clean(root, sizeof(root), sysfs_root(), strlen(sysfs_root()), 0);
	json_string(&j, "sysfs_root", root);
	json_object_begin(&j, "rdma");
	json_bool(&j, "available", !m->rdma.no_class && m->rdma.nports > 0);
	json_int(&j, "devices_seen_by_libibverbs", (long long)m->rdma.verbs_devices);
	json_string(&j, "libibverbs",
		    m->rdma.verbs_errno == 0	    ? "ok"
		    : m->rdma.verbs_errno == ENOSYS ? "no RDMA stack"
						    : "unavailable");
	json_object_end(&j);
	json_string(&j, "netdev_source", m->netlink_ok ? "netlink" : "sysfs");
	json_array_begin(&j, "ports");
	for (size_t k = 0; k < m->nports; k++) {
		const struct phys_port *pp = &m->ports[k];
		json_object_begin(&j, NULL);
		json_int(&j, "port", pp->number);
		json_bool(&j, "cabled", pp->cabled);
		json_array_begin(&j, "twins");
		for (size_t t = 0; t < pp->ntwins; t++) {
			const struct twin *tw = &pp->twins[t];
			const struct rdma_port *r = tw->rdma;
			json_object_begin(&j, NULL);
			json_string(&j, "rdma_device", r->ibdev);
			json_int(&j, "rdma_port", r->port);
			json_string(&j, "netdev", tw->netdev_name[0] ? tw->netdev_name : NULL);
			json_string(&j, "pci", r->pci[0] ? r->pci : NULL);
			json_string(&j, "device_id", r->devid[0] ? r->devid : NULL);
			json_string(&j, "rdma_state", r->state[0] ? r->state : NULL);
			json_string(&j, "phys_state", r->phys_state[0] ? r->phys_state : NULL);
			json_string(&j, "rate", r->rate[0] ? r->rate : NULL);
			json_string(&j, "link_layer", r->link_layer[0] ? r->link_layer : NULL);
			json_string(&j, "fw_ver", r->fw_ver[0] ? r->fw_ver : NULL);
			json_netdev_fields(&j, tw->netdev);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "other_interfaces");
	for (size_t i = 0; i < m->nothers; i++) {
		const struct netdev *d = &m->netdevs[m->others[i]];
		json_object_begin(&j, NULL);
		json_string(&j, "netdev", d->name);
		json_netdev_fields(&j, d);
		json_object_end(&j);
	}
	json_array_end(&j);
	report_findings_json(&j, "findings", m);
	json_array_begin(&j, "problems");
	for (size_t i = 0; i < m->rdma.nproblems; i++)
		json_string(&j, NULL, m->rdma.problems[i]);
	json_array_end(&j);
	json_object_end(&j);
}

void snapshot_take(struct snapshot *s, const struct model *m)
{
	s->nnetdevs = m->nnetdevs;
	s->netdevs = xcalloc(m->nnetdevs ? m->nnetdevs : 1, sizeof(*s->netdevs));
	for (size_t i = 0; i < m->nnetdevs; i++) {
		s->netdevs[i] = m->netdevs[i];
		s->netdevs[i].addrs = NULL;
		if (m->netdevs[i].naddrs) {
			s->netdevs[i].addrs =
				xcalloc(m->netdevs[i].naddrs, sizeof(struct netdev_addr));
			memcpy(s->netdevs[i].addrs, m->netdevs[i].addrs,
			       m->netdevs[i].naddrs * sizeof(struct netdev_addr));
		}
	}
	s->nrports = m->rdma.nports;
	s->rports = xcalloc(s->nrports ? s->nrports : 1, sizeof(*s->rports));
	if (s->nrports)
		memcpy(s->rports, m->rdma.ports, s->nrports * sizeof(*s->rports));
}

void snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->nnetdevs; i++)
		free(s->netdevs[i].addrs);
	free(s->netdevs);
	free(s->rports);
	memset(s, 0, sizeof(*s));
}

static const struct netdev *find(const struct netdev *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static bool has_addr(const struct netdev *d, const struct netdev_addr *a)
{
	for (size_t i = 0; i < d->naddrs; i++)
		if (d->addrs[i].family == a->family && d->addrs[i].prefixlen == a->prefixlen &&
		    strcmp(d->addrs[i].text, a->text) == 0)
			return true;
	return false;
}

int report_changes(const struct snapshot *s, const struct model *m, struct buf *out)
{
	int lines = 0;
	for (size_t i = 0; i < s->nnetdevs; i++)
		if (!model_netdev(m, s->netdevs[i].name)) {
			buf_printf(out, "%s removed\n", s->netdevs[i].name);
			lines++;
		}
	for (size_t i = 0; i < m->nnetdevs; i++) {
		const struct netdev *n = &m->netdevs[i];
		const struct netdev *o = find(s->netdevs, s->nnetdevs, n->name);
		if (!o) {
			buf_printf(out, "%s added link %s\n", n->name, n->carrier ? "Up" : "Down");
			lines++;
			continue;
		}
		if (o->carrier != n->carrier) {
			buf_printf(out, "%s link %s\n", n->name, n->carrier ? "Up" : "Down");
			lines++;
		}
		if (o->admin_up != n->admin_up) {
			buf_printf(out, "%s admin %s\n", n->name, n->admin_up ? "up" : "down");
			lines++;
		}
		if (o->mtu != n->mtu) {
			buf_printf(out, "%s mtu %u\n", n->name, n->mtu);
			lines++;
		}
		for (size_t a = 0; a < n->naddrs; a++)
			if (!has_addr(o, &n->addrs[a])) {
				buf_printf(out, "%s addr +%s/%u\n", n->name, n->addrs[a].text,
					   n->addrs[a].prefixlen);
				lines++;
			}
		for (size_t a = 0; a < o->naddrs; a++)
			if (!has_addr(n, &o->addrs[a])) {
				buf_printf(out, "%s addr -%s/%u\n", n->name, o->addrs[a].text,
					   o->addrs[a].prefixlen);
				lines++;
			}
	}
	for (size_t i = 0; i < m->rdma.nports && i < s->nrports; i++) {
		const struct rdma_port *o = &s->rports[i], *n = &m->rdma.ports[i];
		if (strcmp(o->ibdev, n->ibdev) == 0 && strcmp(o->state, n->state) != 0) {
			buf_printf(out, "%s port %u state %s\n", n->ibdev, n->port, n->state);
			lines++;
		}
	}
	return lines;
}
