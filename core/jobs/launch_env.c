/* launch_env.c: the hostfile and the launchers' environment for an applied plan (launch_env.h). */
#include "core/jobs/launch_env.h"

#include "core/base/json.h"
#include "core/base/text.h"
#include "core/net/sysfs.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void launch_env_init(struct launch_env *e)
{
	memset(e, 0, sizeof(*e));
	buf_init(&e->hostfile);
	buf_init(&e->warnings);
}

void launch_env_free(struct launch_env *e)
{
	buf_free(&e->hostfile);
	buf_free(&e->warnings);
}

static void set(struct launch_env *e, const char *name, const char *value)
{
	for (size_t i = 0; i < e->nvars; i++)
		if (strcmp(e->vars[i].name, name) == 0) {
			str_copy(e->vars[i].value, value, sizeof(e->vars[i].value));
			return;
		}
	if (e->nvars >= LAUNCH_MAX_VARS)
		return;
	str_copy(e->vars[e->nvars].name, name, sizeof(e->vars[0].name));
	str_copy(e->vars[e->nvars].value, value, sizeof(e->vars[0].value));
	e->nvars++;
}

/* Append ", item" (or "item") to a comma list, once. */
static void list_add(char *list, size_t size, const char *item)
{
	size_t n = strlen(item), len = strlen(list);
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == n && strncmp(p, item, n) == 0)
			return;
		p += l + (c ? 1 : 0);
	}
	snprintf(list + len, size - len, "%s%s", len ? "," : "", item);
}

static bool has_ipv4(const struct netdev *d, const char *addr)
{
	for (size_t i = 0; d && i < d->naddrs; i++)
		if (d->addrs[i].family == AF_INET && (!addr || strcmp(d->addrs[i].text, addr) == 0))
			return true;
	return false;
}

static const char *first_ipv4(const struct netdev *d)
{
	for (size_t i = 0; d && i < d->naddrs; i++)
		if (d->addrs[i].family == AF_INET && !d->addrs[i].link_local)
			return d->addrs[i].text;
	return NULL;
}

/* The physical port whose twin is the netdev name. */
static const struct phys_port *port_of(const struct model *m, const char *name)
{
	for (size_t p = 0; p < m->nports; p++)
		for (size_t t = 0; t < m->ports[p].ntwins; t++)
			if (strcmp(m->ports[p].twins[t].netdev_name, name) == 0)
				return &m->ports[p];
	return NULL;
}

/* The management interface: given, else the one holding this node's management address, else
 * the first interface outside the RDMA ports with an IPv4 address. */
static const struct netdev *mgmt_netdev(const struct model *m, const struct launch_opts *o,
					const char *mgmt_addr)
{
	if (o->mgmt_if)
		return model_netdev(m, o->mgmt_if);
	for (size_t i = 0; i < m->nothers; i++) {
		const struct netdev *d = &m->netdevs[m->others[i]];
		if (mgmt_addr[0] && has_ipv4(d, mgmt_addr))
			return d;
	}
	for (size_t i = 0; i < m->nothers; i++) {
		const struct netdev *d = &m->netdevs[m->others[i]];
		if (d->carrier && first_ipv4(d))
			return d;
	}
	return NULL;
}

/* The lowest GID index of ibdev port 1 whose type is RoCE v2 on netdev, or -1. */
static int roce_v2_gid_index(const char *ibdev, const char *netdev)
{
	for (int i = 0; i < 256; i++) {
		char type[32], nd[32];
		if (sysfs_read(type, sizeof(type), "class/infiniband/%s/ports/1/gid_attrs/types/%d",
			       ibdev, i) < 0)
			break;
		if (strcmp(type, "RoCE v2") != 0)
			continue;
		if (sysfs_read(nd, sizeof(nd), "class/infiniband/%s/ports/1/gid_attrs/ndevs/%d",
			       ibdev, i) >= 0 &&
		    strcmp(nd, netdev) != 0)
			continue;
		return i;
	}
	return -1;
}

#define PROBLEM(...)                                           \
	do {                                                   \
		size_t l_ = strlen(err);                       \
		snprintf(err + l_, errsize - l_, __VA_ARGS__); \
		l_ = strlen(err);                              \
		if (l_ + 1 < errsize)                          \
			err[l_] = '\n', err[l_ + 1] = '\0';    \
		problems++;                                    \
	} while (0)

int launch_env_make(const struct launch_plan *plan, const struct model *m,
		    const struct launch_opts *o, struct launch_env *e, char *err, size_t errsize)
{
	int problems = 0;
	err[0] = '\0';
	if (plan->nnodes < 2 || plan->self < 0 || (size_t)plan->self >= plan->nnodes) {
		snprintf(err, errsize, "no applied plan with this node in it\n");
		return -1;
	}
	const struct launch_node *me = &plan->nodes[plan->self];
	if (me->nrails == 0) {
		snprintf(err, errsize, "the plan gives this node no cabled interface\n");
		return -1;
	}
	/* hostfile: one line per node, its address as this node reaches it */
	struct buf hp;
	buf_init(&hp);
	problems += launch_plan_hostfile(plan, (size_t)plan->self, o->slots, &e->hostfile, &hp);
	if (hp.len) {
		size_t l = strlen(err);
		snprintf(err + l, errsize - l, "%.*s", (int)hp.len, hp.data);
	}
	buf_free(&hp);
	/* this node's rails, checked against the machine now */
	char ifs[256] = "", hcas[256] = "";
	int gid = -2;
	for (size_t r = 0; r < me->nrails; r++) {
		const char *ifn = me->rails[r].ifname;
		const struct netdev *d = model_netdev(m, ifn);
		if (!d) {
			PROBLEM("%s (in the plan) does not exist on this node", ifn);
			continue;
		}
		if (!d->carrier)
			PROBLEM("%s is down (no carrier): plug the cable in, then run this again",
				ifn);
		if (me->rails[r].addr[0] && !has_ipv4(d, me->rails[r].addr))
			PROBLEM("%s does not have its planned address %s: run `sparklink status`",
				ifn, me->rails[r].addr);
		list_add(ifs, sizeof(ifs), ifn);
		const struct phys_port *pp = port_of(m, ifn);
		if (!pp) {
			PROBLEM("%s has no RDMA device: NCCL cannot use it for RDMA", ifn);
			continue;
		}
		for (size_t t = 0; t < pp->ntwins; t++) {
			const struct twin *tw = &pp->twins[t];
			if (!tw->rdma)
				continue;
			if (!tw->netdev || !tw->netdev->carrier)
				PROBLEM("%s, the twin of %s, is down: the port would carry half",
					tw->netdev_name, ifn);
			list_add(hcas, sizeof(hcas), tw->rdma->ibdev);
			if (o->gid) {
				int g = roce_v2_gid_index(tw->rdma->ibdev, tw->netdev_name);
				if (g < 0)
					PROBLEM("%s has no RoCE v2 GID on %s", tw->rdma->ibdev,
						tw->netdev_name);
				else if (gid == -2)
					gid = g;
				else if (gid != g)
					PROBLEM("the RoCE v2 GID index differs between the HCAs (%d and "
						"%d): leave NCCL_IB_GID_INDEX unset",
						gid, g);
			}
		}
	}
	/* bootstrap */
	const char *boot_if = me->rails[0].ifname, *self_boot = me->rails[0].addr,
		   *master = launch_plan_seen(plan, (size_t)plan->self, 0);
	if (!master)
		master = "";
	if (o->bootstrap == LAUNCH_BOOT_CABLE && plan->ring)
		PROBLEM("a ring has no cable subnet every node shares, so no cable address of node "
			"1 reaches every node: bootstrap on the management interface (--bootstrap "
			"mgmt, the default)");
	if (o->bootstrap == LAUNCH_BOOT_MGMT) {
		const struct netdev *md = mgmt_netdev(m, o, me->mgmt_addr);
		if (!md || !first_ipv4(md)) {
			PROBLEM("no management interface with an IPv4 address found%s%s: name it with "
				"--mgmt-if, or bootstrap on the cable (--bootstrap cable)",
				o->mgmt_if ? " as " : "", o->mgmt_if ? o->mgmt_if : "");
		} else {
			boot_if = md->name;
			self_boot = me->mgmt_addr[0] && has_ipv4(md, me->mgmt_addr)
					    ? me->mgmt_addr
					    : first_ipv4(md);
			master = plan->self == 0 ? self_boot : plan->nodes[0].mgmt_addr;
			if (!master[0])
				PROBLEM("node 1 (%s)'s management address is not known here: bootstrap "
					"on the cable (--bootstrap cable)",
					plan->nodes[0].name);
		}
	}
	if (problems)
		return -1;
	set(e, "NCCL_SOCKET_IFNAME", boot_if);
	set(e, "GLOO_SOCKET_IFNAME", boot_if);
	set(e, "TP_SOCKET_IFNAME", boot_if);
	set(e, "UCX_NET_DEVICES", ifs);
	set(e, "OMPI_MCA_btl_tcp_if_include", ifs);
	set(e, "NCCL_IB_HCA", hcas);
	if (plan->ring)
		set(e, "NCCL_IB_SUBNET_AWARE_ROUTING", "1");
	set(e, "MASTER_ADDR", master);
	set(e, "VLLM_HOST_IP", self_boot);
	if (o->gid && gid >= 0) {
		char g[16];
		snprintf(g, sizeof(g), "%d", gid);
		set(e, "NCCL_IB_GID_INDEX", g);
		buf_puts(&e->warnings, "NCCL_IB_GID_INDEX is the index read now: it can move when "
				       "netplan or NetworkManager re-applies; run this again after "
				       "either, or leave it unset\n");
	}
	return 0;
}

#undef PROBLEM

void launch_env_shell(const struct launch_env *e, struct buf *out)
{
	for (size_t i = 0; i < e->nvars; i++)
		buf_printf(out, "export %s='%s'\n", e->vars[i].name, e->vars[i].value);
}

void launch_env_docker(const struct launch_env *e, struct buf *out)
{
	for (size_t i = 0; i < e->nvars; i++)
		buf_printf(out, "%s=%s\n", e->vars[i].name, e->vars[i].value);
}

void launch_env_json_lines(struct json *j, const char *key, const struct buf *b)
{
	json_array_begin(j, key);
	const char *p = b->data, *end = p ? p + b->len : NULL;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[128];
		snprintf(line, sizeof(line), "%.*s", (int)l, p);
		json_string(j, NULL, line);
		p += l + 1;
	}
	json_array_end(j);
}

void launch_env_json_hostfile(const struct launch_env *e, struct json *j)
{
	launch_env_json_lines(j, "hostfile", &e->hostfile);
}

void launch_env_json(const struct launch_env *e, struct buf *out)
{
	struct json j;
	json_init(&j, out, true);
	json_object_begin(&j, NULL);
	launch_env_json_hostfile(e, &j);
	json_object_begin(&j, "env");
	for (size_t i = 0; i < e->nvars; i++)
		json_string(&j, e->vars[i].name, e->vars[i].value);
	json_object_end(&j);
	json_object_end(&j);
	buf_puts(out, "\n");
}

const char *launch_env_get(const struct launch_env *e, const char *name)
{
	for (size_t i = 0; i < e->nvars; i++)
		if (strcmp(e->vars[i].name, name) == 0)
			return e->vars[i].value;
	return NULL;
}

int launch_env_peer(const struct launch_plan *plan, size_t n, const struct launch_opts *o,
		    const struct launch_env *self, const struct launch_facts *f,
		    struct launch_env *out, char *err, size_t errsize)
{
	const struct launch_node *nd = &plan->nodes[n], *me = &plan->nodes[plan->self];
	char ifs[256] = "", mine[256] = "";
	for (size_t r = 0; r < nd->nrails; r++)
		list_add(ifs, sizeof(ifs), nd->rails[r].ifname);
	for (size_t r = 0; r < me->nrails; r++)
		list_add(mine, sizeof(mine), me->rails[r].ifname);
	bool alike = strcmp(ifs, mine) == 0;
	const char *boot = launch_env_get(self, "NCCL_SOCKET_IFNAME"),
		   *hcas = launch_env_get(self, "NCCL_IB_HCA"), *ip;
	if (o->bootstrap == LAUNCH_BOOT_CABLE) {
		boot = nd->nrails ? nd->rails[0].ifname : "";
		ip = nd->nrails ? nd->rails[0].addr : "";
	} else {
		if (f && f->boot_if[0])
			boot = f->boot_if;
		ip = nd->mgmt_addr;
	}
	if (f && f->hcas[0])
		hcas = f->hcas;
	else if (!alike)
		hcas = NULL;
	if (!ip[0] || !boot || !boot[0] || !hcas) {
		snprintf(
			err, errsize, "%s",
			!ip[0] ? "its address for VLLM_HOST_IP (its management address) is not known "
				 "here"
			       : "its RDMA devices are not known here (its interfaces differ from this "
				 "node's): write with --on-peers, which reads them there");
		return -1;
	}
	for (size_t i = 0; i < self->nvars; i++) {
		const char *name = self->vars[i].name, *v = self->vars[i].value;
		if (strstr(name, "_SOCKET_IFNAME"))
			v = boot;
		else if (strcmp(name, "UCX_NET_DEVICES") == 0 ||
			 strcmp(name, "OMPI_MCA_btl_tcp_if_include") == 0)
			v = ifs;
		else if (strcmp(name, "NCCL_IB_HCA") == 0)
			v = hcas;
		else if (strcmp(name, "VLLM_HOST_IP") == 0)
			v = ip;
		set(out, name, v);
	}
	return 0;
}
