/* node_local.c: this machine as a node (node.h): interfaces and addresses through netlink
 * (libnl), files replaced atomically (files.h), `netplan` run as a child with a time limit, and
 * the interface of the SSH session a person uses to reach this machine. */
#include "core/node/node_local.h"
#include "core/node/node_local_shared.h"
#include "core/base/files.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

#define LOCAL_FILE_MAX (1 << 20) /* file_read refuses anything larger */
#define LOCAL_ENVIRON_MAX (1 << 20) /* an ancestor's /proc/PID/environ, read at most */
#define LOCAL_ROOT_HINT "needs root: run sparklink with sudo"

extern char **environ;

struct node_local {
	struct node base; /* first: the struct node * the caller holds is this */
	struct nl_sock *sock;
};

static struct nl_sock *local_sock(struct node *n)
{
	return ((struct node_local *)n)->sock;
}

/* libnl's codes as -errno, so that callers see one kind of code from both nodes */
static int local_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_PERM:
	case NLE_NOACCESS: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV: return -ENODEV;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_BUSY: return -EBUSY;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

/* A netlink request about ifname failed: a sentence that says what to do, and the code. */
static int local_nl_fail(int r, const char *what, const char *ifname, char *err, size_t errsize)
{
	int e = local_errno(r);
	if (e == -EPERM)
		snprintf(err, errsize, "cannot %s %s: " LOCAL_ROOT_HINT, what, ifname);
	else if (e == -ENODEV)
		snprintf(err, errsize, "cannot %s %s: there is no such interface (see `ip link`)",
			 what, ifname);
	else
		snprintf(err, errsize, "cannot %s %s: %s", what, ifname, nl_geterror(r));
	return e;
}

static int local_check_ifname(const char *ifname, char *err, size_t errsize)
{
	if (text_is_ifname(ifname))
		return 0;
	char shown[64];
	text_clean(shown, sizeof(shown), ifname, strlen(ifname), 0);
	snprintf(err, errsize, "\"%s\" is not an interface name", shown);
	return -EINVAL;
}

/* A path as a message may show it (clean, possibly cut). */
static const char *local_shown(char *dst, size_t size, const char *path)
{
	text_clean(dst, size, path, strlen(path), 0);
	return dst;
}

/* After a failed file operation: say that root is needed when that is the reason. */
static void local_root_hint(int e, char *err, size_t errsize)
{
	size_t l = strlen(err);
	if ((e == -EPERM || e == -EACCES) && geteuid() != 0 && l + 3 < errsize)
		snprintf(err + l, errsize - l, ": " LOCAL_ROOT_HINT);
}

/* ---- interfaces ---- */

struct local_addr_walk {
	int ifindex;
	struct node_if *out;
};

static void local_addr_one(struct nl_object *obj, void *arg)
{
	struct local_addr_walk *w = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct nl_addr *local = rtnl_addr_get_local(a);
	if (rtnl_addr_get_ifindex(a) == w->ifindex && rtnl_addr_get_family(a) == AF_INET6 &&
	    local && nl_addr_get_len(local) == 16 && w->out->naddrs6 < NODE_MAX_ADDRS) {
		const uint8_t *b = nl_addr_get_binary_addr(local);
		char ip6[INET6_ADDRSTRLEN];
		if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80 &&
		    inet_ntop(AF_INET6, b, ip6, sizeof(ip6)))
			snprintf(w->out->addrs6[w->out->naddrs6++], sizeof(w->out->addrs6[0]),
				 "%s/%d", ip6, rtnl_addr_get_prefixlen(a));
		return;
	}
	if (rtnl_addr_get_ifindex(a) != w->ifindex || rtnl_addr_get_family(a) != AF_INET ||
	    !local || nl_addr_get_len(local) != 4 || w->out->naddrs == NODE_MAX_ADDRS)
		return;
	char ip[INET_ADDRSTRLEN];
	if (!inet_ntop(AF_INET, nl_addr_get_binary_addr(local), ip, sizeof(ip)))
		return;
	snprintf(w->out->addrs[w->out->naddrs++], sizeof(w->out->addrs[0]), "%s/%d", ip,
		 rtnl_addr_get_prefixlen(a));
}

static int local_probe_if(struct node *n, const char *ifname, struct node_if *out, char *err,
			  size_t errsize)
{
	memset(out, 0, sizeof(*out));
	int r = local_check_ifname(ifname, err, errsize);
	if (r < 0)
		return r;
	str_copy(out->ifname, ifname, sizeof(out->ifname));
	struct rtnl_link *link = NULL;
	r = rtnl_link_get_kernel(local_sock(n), 0, ifname, &link);
	if (r == -NLE_NODEV || r == -NLE_OBJ_NOTFOUND)
		return 0;
	if (r < 0)
		return local_nl_fail(r, "read the state of", ifname, err, errsize);
	unsigned flags = rtnl_link_get_flags(link);
	out->exists = true;
	out->up = flags & IFF_UP;
	out->carrier = flags & IFF_LOWER_UP;
	out->mtu = rtnl_link_get_mtu(link);
	char path[128], mode[16];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/addr_gen_mode", ifname);
	out->addr_gen_mode = file_read_small(path, mode, sizeof(mode)) > 0 ? atoi(mode) : -1;
	struct local_addr_walk w = { rtnl_link_get_ifindex(link), out };
	rtnl_link_put(link);
	struct nl_cache *addrs = NULL;
	r = rtnl_addr_alloc_cache(local_sock(n), &addrs);
	if (r < 0)
		return local_nl_fail(r, "read the addresses of", ifname, err, errsize);
	nl_cache_foreach(addrs, local_addr_one, &w);
	nl_cache_free(addrs);
	return 0;
}

static int local_addr_set(struct node *n, const char *ifname, const char *cidr, bool add, char *err,
			  size_t errsize)
{
	int r = local_check_ifname(ifname, err, errsize);
	if (r < 0)
		return r;
	unsigned char ip[16];
	int plen, family;
	if (!node_cidr_parse(cidr, &family, ip, &plen, NULL, 0)) {
		char shown[64];
		snprintf(err, errsize,
			 "\"%s\" is not an address with its prefix length "
			 "(a.b.c.d/len)",
			 local_shown(shown, sizeof(shown), cidr));
		return -EINVAL;
	}
	char what[96];
	snprintf(what, sizeof(what), add ? "add %s to" : "remove %s from", cidr);
	struct rtnl_link *link = NULL;
	r = rtnl_link_get_kernel(local_sock(n), 0, ifname, &link);
	if (r < 0) {
		/* an address cannot be on an interface that is not there: nothing to delete */
		if (!add && (r == -NLE_NODEV || r == -NLE_OBJ_NOTFOUND))
			return 0;
		return local_nl_fail(r, what, ifname, err, errsize);
	}
	int ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);

	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(family, ip, family == AF_INET ? 4 : 16);
	if (!a || !local) {
		rtnl_addr_put(a);
		nl_addr_put(local);
		return local_nl_fail(-NLE_NOMEM, what, ifname, err, errsize);
	}
	nl_addr_set_prefixlen(local, plen);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, family);
	r = rtnl_addr_set_local(a, local);
	if (r >= 0) {
		/* no broadcast, as `ip addr add a.b.c.d/len dev X` (the peer's way) does it */
		rtnl_addr_set_prefixlen(a, plen);
		struct nl_sock *sock = local_sock(n);
		r = add ? rtnl_addr_add(sock, a, 0) : rtnl_addr_delete(sock, a, 0);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	/* already there, or already gone: the state asked for is the state we have */
	if ((add && r == -NLE_EXIST) || (!add && r == -NLE_NOADDR))
		return 0;
	return r < 0 ? local_nl_fail(r, what, ifname, err, errsize) : 0;
}

/* Apply the changes in chg to ifname. */
static int local_link_change(struct node *n, const char *ifname, struct rtnl_link *chg,
			     const char *what, char *err, size_t errsize)
{
	struct rtnl_link *link = NULL;
	int r = rtnl_link_get_kernel(local_sock(n), 0, ifname, &link);
	if (r >= 0)
		r = rtnl_link_change(local_sock(n), link, chg, 0);
	rtnl_link_put(link);
	return r < 0 ? local_nl_fail(r, what, ifname, err, errsize) : 0;
}

static int local_mtu_set(struct node *n, const char *ifname, unsigned mtu, char *err,
			 size_t errsize)
{
	int r = local_check_ifname(ifname, err, errsize);
	if (r < 0)
		return r;
	struct rtnl_link *chg = rtnl_link_alloc();
	if (!chg)
		return local_nl_fail(-NLE_NOMEM, "change", ifname, err, errsize);
	rtnl_link_set_mtu(chg, mtu);
	char what[64];
	snprintf(what, sizeof(what), "set MTU %u on", mtu);
	r = local_link_change(n, ifname, chg, what, err, errsize);
	rtnl_link_put(chg);
	if (r == -EINVAL)
		snprintf(err, errsize,
			 "cannot set MTU %u on %s: the interface does not accept it "
			 "(its driver's limit may be lower; see `ip -d link show %s`)",
			 mtu, ifname, ifname);
	return r;
}

static int local_link_set(struct node *n, const char *ifname, bool up, char *err, size_t errsize)
{
	int r = local_check_ifname(ifname, err, errsize);
	if (r < 0)
		return r;
	struct rtnl_link *chg = rtnl_link_alloc();
	if (!chg)
		return local_nl_fail(-NLE_NOMEM, "change", ifname, err, errsize);
	if (up)
		rtnl_link_set_flags(chg, IFF_UP);
	else
		rtnl_link_unset_flags(chg, IFF_UP);
	r = local_link_change(n, ifname, chg, up ? "bring up" : "bring down", err, errsize);
	rtnl_link_put(chg);
	return r;
}

static int local_addrgenmode_set(struct node *n, const char *ifname, int mode, char *err,
				 size_t errsize)
{
	(void)n;
	int r = local_check_ifname(ifname, err, errsize);
	if (r < 0)
		return r;
	if (mode < 0 || mode > 3) {
		snprintf(err, errsize, "IPv6 address generation mode %d is not one of 0-3", mode);
		return -EINVAL;
	}
	char path[128], val[8];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/addr_gen_mode", ifname);
	snprintf(val, sizeof(val), "%d\n", mode);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errsize, "cannot set the IPv6 address mode of %s: %s", ifname,
			 strerror(e));
		local_root_hint(e, err, errsize);
		return -e;
	}
	close(fd);
	return 0;
}

/* ---- files ---- */

/* 0 when path is a regular file (*exists) or missing; a symbolic link or anything else that is
 * not a regular file is refused with a sentence: sparklink never replaces one. */
static int local_file_kind(const char *path, struct stat *st, bool *exists, char *err,
			   size_t errsize)
{
	char shown[256];
	*exists = false;
	if (lstat(path, st) < 0) {
		int e = errno;
		if (e == ENOENT)
			return 0;
		snprintf(err, errsize, "cannot look at %s: %s",
			 local_shown(shown, sizeof(shown), path), strerror(e));
		local_root_hint(-e, err, errsize);
		return -e;
	}
	if (S_ISLNK(st->st_mode)) {
		snprintf(err, errsize,
			 "%s is a symbolic link, and sparklink never replaces one: "
			 "make it a regular file (or remove it) by hand",
			 local_shown(shown, sizeof(shown), path));
		return -ELOOP;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errsize,
			 "%s is not a regular file, and sparklink never replaces "
			 "anything else: move it away by hand",
			 local_shown(shown, sizeof(shown), path));
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	}
	*exists = true;
	return 0;
}

static int local_file_read(struct node *n, const char *path, struct node_file *f, char *err,
			   size_t errsize)
{
	(void)n;
	char shown[256];
	struct stat st;
	bool exists;
	node_file_init(f);
	int r = local_file_kind(path, &st, &exists, err, errsize);
	if (r < 0 || !exists)
		return r;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT) /* removed since we looked */
			return 0;
		if (e == ELOOP && (r = local_file_kind(path, &st, &exists, err, errsize)) < 0)
			return r; /* replaced by a link since we looked */
		snprintf(err, errsize, "cannot read %s: %s",
			 local_shown(shown, sizeof(shown), path), strerror(e));
		local_root_hint(-e, err, errsize);
		return -e;
	}
	const char *why = NULL;
	r = 0;
	if (fstat(fd, &st) < 0) {
		r = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		why = "is not a regular file, and sparklink never replaces anything else";
	} else if (st.st_size > LOCAL_FILE_MAX) {
		r = -EFBIG;
		why = "is larger than 1 MiB: not a file sparklink writes";
	}
	buf_add(&f->data, "", 0); /* data is never NULL for a file that exists */
	char chunk[16384];
	while (r == 0) {
		ssize_t got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = -errno;
		} else if (got == 0) {
			break;
		} else if (f->data.len + (size_t)got > LOCAL_FILE_MAX) {
			r = -EFBIG;
			why = "is larger than 1 MiB: not a file sparklink writes";
		} else {
			buf_add(&f->data, chunk, (size_t)got);
		}
	}
	close(fd);
	if (r < 0) {
		local_shown(shown, sizeof(shown), path);
		if (why)
			snprintf(err, errsize, "%s %s", shown, why);
		else
			snprintf(err, errsize, "cannot read %s: %s", shown, strerror(-r));
		node_file_free(f);
		return r;
	}
	f->exists = true;
	f->mode = st.st_mode & 07777;
	return 0;
}

static int local_file_write(struct node *n, const char *path, const char *data, size_t len,
			    unsigned mode, char *err, size_t errsize)
{
	(void)n;
	struct stat st;
	bool exists;
	int r = local_file_kind(path, &st, &exists, err, errsize);
	if (r < 0)
		return r;
	/* a missing parent directory (a backup's) is made, 0700, like mkdir -p */
	r = dir_make_parents(path);
	if (r < 0) {
		snprintf(err, errsize, "cannot create the directory of %s: %s", path, strerror(-r));
		text_clean_inplace(err, 0);
		local_root_hint(-r, err, errsize);
		return r;
	}
	r = file_replace(path, data, len, (mode_t)(mode & 07777), 0, 0, err, errsize);
	if (r < 0) {
		text_clean_inplace(err, 0);
		local_root_hint(r, err, errsize);
	}
	return r;
}

static int local_file_remove(struct node *n, const char *path, char *err, size_t errsize)
{
	(void)n;
	char shown[256];
	struct stat st;
	bool exists;
	int r = local_file_kind(path, &st, &exists, err, errsize);
	if (r < 0 || !exists)
		return r;
	if (unlink(path) < 0 && errno != ENOENT) {
		int e = errno;
		snprintf(err, errsize, "cannot remove %s: %s",
			 local_shown(shown, sizeof(shown), path), strerror(e));
		local_root_hint(-e, err, errsize);
		return -e;
	}
	char dir[PATH_MAX];
	str_copy(dir, path, sizeof(dir));
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		r = fsync(dfd) < 0 ? -errno : 0;
		close(dfd);
		if (r < 0 && r != -EINVAL) { /* EINVAL: a file system without directory sync */
			snprintf(err, errsize, "removed %s but could not flush its directory: %s",
				 local_shown(shown, sizeof(shown), path), strerror(-r));
			return r;
		}
	}
	return 0;
}

static int local_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int local_dir_list(struct node *n, const char *dir, struct buf *names, char *err,
			  size_t errsize)
{
	(void)n;
	char shown[256];
	buf_add(names, "", 0);
	DIR *d = opendir(dir);
	if (!d) {
		int e = errno;
		if (e == ENOENT)
			return 0;
		snprintf(err, errsize, "cannot list %s: %s", local_shown(shown, sizeof(shown), dir),
			 strerror(e));
		local_root_hint(-e, err, errsize);
		return -e;
	}
	char **list = NULL;
	size_t nlist = 0;
	int r = 0;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			r = -errno;
			break;
		}
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		/* a name that is not clean text cannot be listed one per line as it is: such a file
		 * is none that sparklink wrote, and it is left out */
		char clean[NAME_MAX + 1];
		if (text_clean(clean, sizeof(clean), name, strlen(name), 0))
			continue;
		list = xrealloc(list, nlist + 1, sizeof(*list));
		list[nlist++] = xstrdup(name);
	}
	closedir(d);
	if (nlist > 1)
		qsort(list, nlist, sizeof(*list), local_cmp_names);
	for (size_t i = 0; i < nlist; i++) {
		if (r == 0)
			buf_printf(names, "%s\n", list[i]);
		free(list[i]);
	}
	free(list);
	if (r < 0)
		snprintf(err, errsize, "cannot list %s: %s", local_shown(shown, sizeof(shown), dir),
			 strerror(-r));
	return r;
}

/* ---- the SSH session ---- */

/* The value of name in /proc/pid/environ (the environment the process started with). */
static bool local_environ_get(pid_t pid, const char *name, char *out, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct buf env;
	buf_init(&env);
	char chunk[4096];
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || env.len + (size_t)got > LOCAL_ENVIRON_MAX)
			break;
		buf_add(&env, chunk, (size_t)got);
	}
	close(fd);
	bool found = false;
	size_t nlen = strlen(name);
	for (size_t i = 0; i < env.len && !found;) {
		const char *v = env.data + i;
		size_t l = strnlen(v, env.len - i);
		if (l > nlen && memcmp(v, name, nlen) == 0 && v[nlen] == '=') {
			size_t vl = l - nlen - 1;
			if (vl >= size)
				vl = size - 1;
			memcpy(out, v + nlen + 1, vl);
			out[vl] = '\0';
			found = true;
		}
		i += l + 1;
	}
	buf_free(&env);
	return found;
}

static pid_t local_ppid(pid_t pid)
{
	char path[64], status[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (file_read_small(path, status, sizeof(status)) < 0)
		return 0;
	const char *p = strstr(status, "\nPPid:");
	return p ? (pid_t)atoi(p + strlen("\nPPid:")) : 0;
}

/* $SSH_CONNECTION: ours, or (sudo drops it) the nearest ancestor's. */
static bool local_ssh_connection(char *out, size_t size)
{
	const char *v = getenv("SSH_CONNECTION");
	if (v) {
		str_copy(out, v, size);
		return true;
	}
	pid_t pid = getppid();
	for (int hops = 0; pid > 1 && hops < 64; hops++) {
		if (local_environ_get(pid, "SSH_CONNECTION", out, size))
			return true;
		pid = local_ppid(pid);
	}
	return false;
}

struct local_addr_find {
	int family;
	unsigned char bytes[16];
	int scope; /* ifindex an IPv6 link-local address was given with, or 0 */
	int ifindex; /* found */
};

static void local_addr_match(struct nl_object *obj, void *arg)
{
	struct local_addr_find *f = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct nl_addr *local = rtnl_addr_get_local(a);
	size_t len = f->family == AF_INET ? 4 : 16;
	if (f->ifindex || rtnl_addr_get_family(a) != f->family || !local ||
	    nl_addr_get_len(local) != len || memcmp(nl_addr_get_binary_addr(local), f->bytes, len))
		return;
	if (f->scope && rtnl_addr_get_ifindex(a) != f->scope)
		return;
	f->ifindex = rtnl_addr_get_ifindex(a);
}

static int local_session_if(struct node *n, char *ifname, size_t size, char *err, size_t errsize)
{
	str_copy(ifname, "", size);
	char conn[512], *save = NULL;
	if (!local_ssh_connection(conn, sizeof(conn)))
		return 0;
	/* "client_ip client_port server_ip server_port" */
	char *tok[4];
	size_t ntok = 0;
	for (char *t = strtok_r(conn, " \t", &save); t && ntok < 4;
	     t = strtok_r(NULL, " \t", &save))
		tok[ntok++] = t;
	if (ntok < 4)
		return 0;
	char *server = tok[2];
	struct local_addr_find f = { .family = AF_INET };
	char *pct = strchr(server, '%');
	if (pct) {
		*pct = '\0';
		f.scope = (int)if_nametoindex(pct + 1);
		if (!f.scope)
			f.scope = atoi(pct + 1);
	}
	if (inet_pton(AF_INET, server, f.bytes) != 1) {
		struct in6_addr a6;
		if (inet_pton(AF_INET6, server, &a6) != 1)
			return 0;
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(f.bytes, &a6.s6_addr[12], 4);
		} else {
			f.family = AF_INET6;
			memcpy(f.bytes, &a6, 16);
		}
	}
	struct nl_cache *addrs = NULL;
	int r = rtnl_addr_alloc_cache(local_sock(n), &addrs);
	if (r < 0) {
		snprintf(err, errsize, "cannot read this machine's addresses: %s", nl_geterror(r));
		return local_errno(r);
	}
	nl_cache_foreach(addrs, local_addr_match, &f);
	nl_cache_free(addrs);
	if (!f.ifindex)
		return 0;
	struct rtnl_link *link = NULL;
	r = rtnl_link_get_kernel(local_sock(n), f.ifindex, NULL, &link);
	if (r == -NLE_NODEV || r == -NLE_OBJ_NOTFOUND) /* gone in between */
		return 0;
	if (r < 0) {
		snprintf(err, errsize, "cannot read the interface of the SSH session: %s",
			 nl_geterror(r));
		return local_errno(r);
	}
	const char *name = rtnl_link_get_name(link);
	if (name)
		text_clean(ifname, size, name, strlen(name), TEXT_NAME);
	rtnl_link_put(link);
	return 0;
}

static int local_hostname(struct node *n, char *out, size_t size, char *err, size_t errsize)
{
	(void)n;
	char h[HOST_NAME_MAX + 1];
	if (gethostname(h, sizeof(h)) < 0) {
		int e = errno;
		snprintf(err, errsize, "cannot read this machine's host name: %s", strerror(e));
		return -e;
	}
	h[sizeof(h) - 1] = '\0';
	text_clean(out, size, h, strlen(h), TEXT_NAME);
	return 0;
}

static void local_free(struct node *n)
{
	struct node_local *l = (struct node_local *)n;
	if (l->sock)
		nl_socket_free(l->sock);
	free(l);
}

static const struct node_ops local_ops = {
	.probe_if = local_probe_if,
	.file_read = local_file_read,
	.file_write = local_file_write,
	.file_remove = local_file_remove,
	.dir_list = local_dir_list,
	.addr_set = local_addr_set,
	.mtu_set = local_mtu_set,
	.link_set = local_link_set,
	.addrgenmode_set = local_addrgenmode_set,
	.netplan = node_local_netplan,
	.nm_probe = node_local_nm_probe,
	.nm_activate = node_local_nm_activate,
	.nm_restore = node_local_nm_restore,
	.session_if = local_session_if,
	.cables = node_local_cables,
	.hostname = local_hostname,
	.free = local_free,
};

struct node *node_local_new(char *err, size_t errsize)
{
	struct node_local *l = xcalloc(1, sizeof(*l));
	l->base.ops = &local_ops;
	str_copy(l->base.host, "local", sizeof(l->base.host));
	l->sock = nl_socket_alloc();
	int r = l->sock ? nl_connect(l->sock, NETLINK_ROUTE) : -NLE_NOMEM;
	if (r < 0) {
		snprintf(err, errsize,
			 "cannot connect to netlink (the kernel's interface list): "
			 "%s",
			 nl_geterror(r));
		local_free(&l->base);
		return NULL;
	}
	return &l->base;
}

bool node_local_can_change(void)
{
	return geteuid() == 0;
}
