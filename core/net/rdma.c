/* rdma.c: RDMA device/port inventory from sysfs, plus libibverbs where it works. */
#include "core/net/rdma.h"
#include "core/net/sysfs.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <infiniband/verbs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((format(printf, 2, 3))) static void problem(struct rdma_inventory *inv,
							  const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	text_clean_inplace(s, 0); /* paths and names in it may hold any bytes */
	inv->problems = xrealloc(inv->problems, inv->nproblems + 1, sizeof(char *));
	inv->problems[inv->nproblems++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List directory entries (no dot files), sorted as `ls` in the C locale. */
static char **list_dir(const char *path, size_t *n, int *err)
{
	*n = 0;
	*err = 0;
	DIR *d = opendir(path);
	if (!d) {
		*err = errno;
		return NULL;
	}
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap, sizeof(char *));
		}
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(char *), cmp_str);
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "4: ACTIVE" -> "ACTIVE" (the second word, as ibdev2netdev's awk '{print $2}') */
static void second_word(char *dst, size_t size, const char *src)
{
	const char *p = strchr(src, ' ');
	str_copy(dst, p ? p + 1 : src, size);
	char *sp = strchr(dst, ' ');
	if (sp)
		*sp = '\0';
}

static bool parse_pci(struct rdma_port *p)
{
	unsigned d, b, s, f;
	char tail;
	if (sscanf(p->pci, "%x:%x:%x.%x%c", &d, &b, &s, &f, &tail) != 4)
		return false;
	p->pci_domain = d, p->pci_bus = b, p->pci_slot = s, p->pci_func = f;
	return true;
}

void rdma_vpd_parse(const unsigned char *v, size_t n, struct rdma_port *p)
{
	size_t i = 0;
	while (i + 3 <= n) {
		unsigned char tag = v[i];
		if (!(tag & 0x80))
			break; /* small resource: end tag or unknown */
		size_t len = v[i + 1] | (v[i + 2] << 8);
		size_t start = i + 3;
		if (start + len > n)
			break;
		if (tag == 0x82) {
			text_clean(p->description, sizeof(p->description), (char *)v + start, len,
				   0);
		} else if (tag == 0x90) {
			for (size_t k = start; k + 3 <= start + len;) {
				size_t kl = v[k + 2];
				if (k + 3 + kl > start + len)
					break;
				if (v[k] == 'P' && v[k + 1] == 'N')
					text_clean(p->part_id, sizeof(p->part_id),
						   (char *)v + k + 3, kl, TEXT_NAME);
				k += 3 + kl;
			}
		}
		i = start + len;
	}
}

static void read_vpd(struct rdma_port *p)
{
	char path[PATH_MAX];
	sysfs_path(path, sizeof(path), "class/infiniband/%s/device/vpd", p->ibdev);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	unsigned char v[1024];
	ssize_t n = read(fd, v, sizeof(v));
	close(fd);
	if (n > 0)
		rdma_vpd_parse(v, (size_t)n, p);
}

static int read_link(const char *netdev)
{
	char buf[16];
	if (!netdev[0])
		return RDMA_LINK_UNKNOWN;
	if (sysfs_read(buf, sizeof(buf), "class/net/%s/dev_id", netdev) < 0)
		return RDMA_LINK_UNKNOWN; /* ibdev2netdev prints an empty state */
	char path[PATH_MAX];
	sysfs_path(path, sizeof(path), "class/net/%s/carrier", netdev);
	if (access(path, F_OK) != 0)
		return RDMA_LINK_NA;
	if (sysfs_read(buf, sizeof(buf), "class/net/%s/carrier", netdev) < 0)
		return RDMA_LINK_DOWN; /* EINVAL while admin down */
	return strcmp(buf, "1") == 0 ? RDMA_LINK_UP : RDMA_LINK_DOWN;
}

const char *rdma_link_word(int link)
{
	switch (link) {
	case RDMA_LINK_UP: return "Up";
	case RDMA_LINK_DOWN: return "Down";
	case RDMA_LINK_NA: return "NA";
	default: return "";
	}
}

/* state, phys_state and rate as sysfs has them now */
static void read_state(struct rdma_port *p)
{
	char raw[64];
	if (sysfs_read(raw, sizeof(raw), "class/infiniband/%s/ports/%u/state", p->ibdev, p->port) >=
	    0)
		second_word(p->state, sizeof(p->state), raw);
	if (sysfs_read(raw, sizeof(raw), "class/infiniband/%s/ports/%u/phys_state", p->ibdev,
		       p->port) >= 0)
		second_word(p->phys_state, sizeof(p->phys_state), raw);
	sysfs_read(p->rate, sizeof(p->rate), "class/infiniband/%s/ports/%u/rate", p->ibdev,
		   p->port);
	p->stale = false;
}

void rdma_port_refresh(struct rdma_port *p)
{
	read_state(p);
	p->link = read_link(p->netdev);
}

void rdma_port_carrier(struct rdma_port *p, bool carrier)
{
	p->stale = true;
	/* what read_link() would find, without reading it: the netdev's carrier is known */
	if (p->link == RDMA_LINK_UP || p->link == RDMA_LINK_DOWN)
		p->link = carrier ? RDMA_LINK_UP : RDMA_LINK_DOWN;
}

void rdma_inventory_refresh_stale(struct rdma_inventory *inv)
{
	for (size_t i = 0; i < inv->nports; i++)
		if (inv->ports[i].stale)
			read_state(&inv->ports[i]);
}

/* ports/P/gid_attrs/ndevs/N (first non-empty in index order), else device/net/IF by dev_port. */
static void find_netdev(struct rdma_inventory *inv, struct rdma_port *p)
{
	char path[PATH_MAX], name[64];
	size_t n;
	int err;
	sysfs_path(path, sizeof(path), "class/infiniband/%s/ports/%u/gid_attrs/ndevs", p->ibdev,
		   p->port);
	char **idx = list_dir(path, &n, &err);
	/* numeric order: 0 first, as the kernel's GID table index */
	long best = LONG_MAX;
	for (size_t i = 0; i < n; i++) {
		char *end;
		long k = strtol(idx[i], &end, 10);
		if (*end || k < 0 || k >= best)
			continue;
		if (sysfs_read(name, sizeof(name),
			       "class/infiniband/%s/ports/%u/gid_attrs/ndevs/%s", p->ibdev, p->port,
			       idx[i]) <= 0)
			continue;
		if (!text_is_ifname(name)) {
			problem(inv,
				"%s port %u: gid_attrs/ndevs/%s holds \"%s\", not an interface name",
				p->ibdev, p->port, idx[i], name);
			continue;
		}
		best = k;
		str_copy(p->netdev, name, sizeof(p->netdev));
	}
	free_list(idx, n);
	if (p->netdev[0])
		return;
	sysfs_path(path, sizeof(path), "class/infiniband/%s/device/net", p->ibdev);
	char **nets = list_dir(path, &n, &err);
	for (size_t i = 0; i < n && !p->netdev[0]; i++) {
		long dev_port;
		if (!text_is_ifname(nets[i]))
			continue;
		if (sysfs_read_long(&dev_port, "class/infiniband/%s/device/net/%s/dev_port",
				    p->ibdev, nets[i]) < 0)
			continue;
		if (dev_port + 1 == (long)p->port)
			str_copy(p->netdev, nets[i], sizeof(p->netdev));
	}
	free_list(nets, n);
	if (!p->netdev[0])
		problem(inv,
			"%s port %u: no network interface found (gid_attrs/ndevs and device/net "
			"are empty or unreadable)",
			p->ibdev, p->port);
}

static void scan_device(struct rdma_inventory *inv, const char *dev)
{
	char path[PATH_MAX], buf[128], name[64];
	size_t nports;
	int err;
	if (!text_is_ifname(dev) && strlen(dev) >= 64) {
		problem(inv, "an RDMA device name is too long; skipped");
		return;
	}
	/* the directory name is outside text too: only its clean form reaches a sentence */
	text_clean(name, sizeof(name), dev, strlen(dev), TEXT_NAME);
	sysfs_path(path, sizeof(path), "class/infiniband/%s/ports", dev);
	char **ports = list_dir(path, &nports, &err);
	if (!ports && err) {
		problem(inv, "%s: cannot list its ports (%s)", name, strerror(err));
		return;
	}
	for (size_t i = 0; i < nports; i++) {
		char *end;
		long pn = strtol(ports[i], &end, 10);
		if (*end || pn <= 0 || pn > 255) {
			problem(inv, "%s: ignoring a port entry that is not a number", name);
			continue;
		}
		struct rdma_port p = { .port = (unsigned)pn, .link = RDMA_LINK_UNKNOWN };
		str_copy(p.ibdev, name, sizeof(p.ibdev));
		/* readlink() alone names the target of a dangling link too: it must resolve */
		sysfs_path(path, sizeof(path), "class/infiniband/%s/device", dev);
		if (sysfs_link_name(p.pci, sizeof(p.pci), "class/infiniband/%s/device", dev) < 0 ||
		    access(path, F_OK) != 0) {
			p.pci[0] = '\0';
			problem(inv, "%s: device link missing or dangling; PCI address unknown",
				p.ibdev);
		}
		p.pci_ok = p.pci[0] && parse_pci(&p);
		if (sysfs_read(p.fw_ver, sizeof(p.fw_ver), "class/infiniband/%s/fw_ver", dev) < 0)
			p.fw_ver[0] = '\0';
		long devid;
		if (sysfs_read_long(&devid, "class/infiniband/%s/device/device", dev) == 0)
			snprintf(p.devid, sizeof(p.devid), "MT%ld", devid);
		if (sysfs_read(p.link_layer, sizeof(p.link_layer),
			       "class/infiniband/%s/ports/%u/link_layer", dev, p.port) < 0)
			p.link_layer[0] = '\0';
		read_vpd(&p);
		find_netdev(inv, &p);
		rdma_port_refresh(&p);
		if (sysfs_read(buf, sizeof(buf), "class/infiniband/%s/ports/%u/state", dev,
			       p.port) < 0)
			problem(inv, "%s port %u: state unreadable", p.ibdev, p.port);
		inv->ports = xrealloc(inv->ports, inv->nports + 1, sizeof(*inv->ports));
		inv->ports[inv->nports++] = p;
	}
	free_list(ports, nports);
}

static bool any_mlx_netdev(void)
{
	char path[PATH_MAX];
	size_t n;
	int err;
	bool found = false;
	sysfs_path(path, sizeof(path), "class/net");
	char **nets = list_dir(path, &n, &err);
	for (size_t i = 0; i < n && !found; i++) {
		char vendor[16];
		if (sysfs_read(vendor, sizeof(vendor), "class/net/%s/device/vendor", nets[i]) > 0 &&
		    strcmp(vendor, "0x15b3") == 0)
			found = true;
	}
	free_list(nets, n);
	return found;
}

static unsigned verbs_lane_mbps(uint8_t speed)
{
	switch (speed) {
	case 1: return 2500;
	case 2: return 5000;
	case 4:
	case 8: return 10000;
	case 16: return 14000;
	case 32: return 25000;
	case 64: return 50000;
	case 128: return 100000;
	default: return 0;
	}
}

static const char *verbs_width_str(uint8_t w, unsigned *mult)
{
	switch (w) {
	case 1: *mult = 1; return "1x";
	case 2: *mult = 4; return "4x";
	case 4: *mult = 8; return "8x";
	case 8: *mult = 12; return "12x";
	case 16: *mult = 2; return "2x";
	default: *mult = 0; return "";
	}
}

static void scan_verbs(struct rdma_inventory *inv)
{
	int n = 0;
	errno = 0;
	struct ibv_device **list = ibv_get_device_list(&n);
	if (!list) {
		inv->verbs_errno = errno ? errno : ENODEV;
		return;
	}
	inv->verbs_devices = (size_t)n;
	for (int i = 0; i < n; i++) {
		const char *name = ibv_get_device_name(list[i]);
		struct ibv_context *ctx = name ? ibv_open_device(list[i]) : NULL;
		if (!ctx)
			continue;
		for (size_t k = 0; k < inv->nports; k++) {
			struct rdma_port *p = &inv->ports[k];
			struct ibv_port_attr pa;
			if (strcmp(p->ibdev, name) != 0 ||
			    ibv_query_port(ctx, (uint8_t)p->port, &pa))
				continue;
			unsigned mult;
			p->verbs = true;
			str_copy(p->verbs_state, ibv_port_state_str(pa.state),
				 sizeof(p->verbs_state));
			p->verbs_mtu = pa.active_mtu >= IBV_MTU_256 && pa.active_mtu <= IBV_MTU_4096
					       ? 128u << pa.active_mtu
					       : 0;
			str_copy(p->verbs_width, verbs_width_str(pa.active_width, &mult),
				 sizeof(p->verbs_width));
			p->verbs_speed_mbps = verbs_lane_mbps(pa.active_speed) * mult;
			str_copy(p->verbs_link_layer,
				 pa.link_layer == IBV_LINK_LAYER_ETHERNET ? "Ethernet"
									  : "InfiniBand",
				 sizeof(p->verbs_link_layer));
		}
		ibv_close_device(ctx);
	}
	ibv_free_device_list(list);
}

void rdma_inventory_scan(struct rdma_inventory *inv, bool use_verbs)
{
	memset(inv, 0, sizeof(*inv));
	char path[PATH_MAX];
	size_t ndev;
	int err;
	sysfs_path(path, sizeof(path), "class/infiniband");
	char **devs = list_dir(path, &ndev, &err);
	if (!devs && err) {
		inv->no_class = true;
		if (err != ENOENT)
			problem(inv, "cannot read %s: %s", path, strerror(err));
	}
	for (size_t i = 0; i < ndev; i++)
		scan_device(inv, devs[i]);
	free_list(devs, ndev);
	inv->no_mlx_netdevs = !any_mlx_netdev();
	if (use_verbs)
		scan_verbs(inv);
}

void rdma_inventory_free(struct rdma_inventory *inv)
{
	free(inv->ports);
	for (size_t i = 0; i < inv->nproblems; i++)
		free(inv->problems[i]);
	free(inv->problems);
	memset(inv, 0, sizeof(*inv));
}

struct rdma_port *rdma_inventory_find_netdev(struct rdma_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nports; i++)
		if (strcmp(inv->ports[i].netdev, name) == 0)
			return &inv->ports[i];
	return NULL;
}
