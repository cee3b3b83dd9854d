/* test_node_local.c: this machine as a node (core/node/node_local.c), judged by the kernel and the
 * file system: addresses, MTU and up/down on a real veth pair agree with what `ip` shows; files
 * round-trip byte for byte with their mode, symbolic links are refused; the SSH session's
 * interface is found from our environment or, as under sudo, from an ancestor's; `netplan` is a
 * child whose error output, silence of stdin and time limit are ours to handle.
 *
 * It changes interfaces, so it runs only as root in a fresh network namespace: CTest starts it
 * under `unshare -n` (tests/CMakeLists.txt); anywhere else it exits 77 (skipped). */
#include "core/node/node.h"
#include "core/node/node_local.h"
#include "core/base/text.h"

#include <errno.h>
#include <grp.h>
#include <ftw.h>
#include <limits.h>
#include <net/if.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define IF_A "slt0" /* the interface under test */
#define IF_B "slt1" /* its veth peer (the far end of the "cable") */
#define IF_NONE "slt9" /* never created */

static struct node *node;
static char tmp[PATH_MAX];
static char self_exe[PATH_MAX];
static bool have_veth;
static char err[2048];

/* ---- observing the kernel with `ip` ---- */

/* The whole output of a shell command (malloc'ed, NUL-terminated). */
static char *run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	size_t got;
	while ((got = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += got;
		if (cap - len < 2) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
	}
	out[len] = '\0';
	pclose(p);
	return out;
}

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	if (st != 0)
		fail_msg("`%s` failed (%d)", cmd, st);
}

/* The IPv4 addresses of ifname as `ip` lists them, "a/len\n" each, in its order. */
static char *ip_addrs(const char *ifname)
{
	char *out = run("ip -o -4 addr show dev %s", ifname);
	char *list = calloc(1, strlen(out) + 1);
	assert_non_null(list);
	for (const char *p = out; (p = strstr(p, " inet ")) != NULL;) {
		p += strlen(" inet ");
		size_t n = strcspn(p, " ");
		strncat(list, p, n);
		strcat(list, "\n");
	}
	free(out);
	return list;
}

/* The same list from probe_if. */
static char *probe_addrs(const struct node_if *in)
{
	char *list = calloc(1, NODE_MAX_ADDRS * 49 + 1);
	assert_non_null(list);
	for (size_t i = 0; i < in->naddrs; i++) {
		strcat(list, in->addrs[i]);
		strcat(list, "\n");
	}
	return list;
}

/* Is flag (UP, LOWER_UP) in the <...> list of `ip -o link show dev ifname`? */
static bool ip_flag(const char *ifname, const char *flag)
{
	char *out = run("ip -o link show dev %s", ifname);
	char *lt = strchr(out, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	assert_non_null(gt);
	*gt = '\0';
	bool found = false;
	char *save = NULL;
	for (char *t = strtok_r(lt + 1, ",", &save); t; t = strtok_r(NULL, ",", &save))
		found = found || strcmp(t, flag) == 0;
	free(out);
	return found;
}

static unsigned ip_mtu(const char *ifname)
{
	char *out = run("ip -o link show dev %s", ifname);
	const char *m = strstr(out, " mtu ");
	assert_non_null(m);
	unsigned mtu = (unsigned)atoi(m + strlen(" mtu "));
	free(out);
	return mtu;
}

static struct node_if probe(const char *ifname)
{
	struct node_if in;
	err[0] = '\0';
	int r = node->ops->probe_if(node, ifname, &in, err, sizeof(err));
	if (r != 0)
		fail_msg("probe_if %s: %d %s", ifname, r, err);
	return in;
}

/* probe_if and `ip` agree on everything probe_if reports. */
static void assert_probe_agrees(const char *ifname)
{
	struct node_if in = probe(ifname);
	assert_true(in.exists);
	assert_string_equal(in.ifname, ifname);
	assert_int_equal(in.up, ip_flag(ifname, "UP"));
	assert_int_equal(in.carrier, ip_flag(ifname, "LOWER_UP"));
	assert_int_equal(in.mtu, ip_mtu(ifname));
	char *a = ip_addrs(ifname), *b = probe_addrs(&in);
	assert_string_equal(b, a);
	free(a);
	free(b);
}

static int call(int r)
{
	if (r < 0)
		print_message("error %d: %s\n", r, err);
	return r;
}

/* ---- interfaces ---- */

static void test_probe_missing(void **state)
{
	(void)state;
	struct node_if in = probe(IF_NONE);
	assert_false(in.exists);
	assert_int_equal(in.naddrs, 0);
	assert_int_equal(node->ops->probe_if(node, "bad name;", &in, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not an interface name"));
}

static void test_addr_set(void **state)
{
	(void)state;
	char *a;
	for (int i = 0; i < 2; i++) { /* the second time changes nothing and succeeds */
		assert_int_equal(call(node->ops->addr_set(node, IF_A, "198.51.100.7/24", true, err,
							  sizeof(err))),
				 0);
		a = ip_addrs(IF_A);
		assert_string_equal(a, "198.51.100.7/24\n");
		free(a);
		assert_probe_agrees(IF_A);
	}
	assert_int_equal(
		call(node->ops->addr_set(node, IF_A, "203.0.113.5/28", true, err, sizeof(err))), 0);
	a = ip_addrs(IF_A);
	assert_string_equal(a, "198.51.100.7/24\n203.0.113.5/28\n");
	free(a);
	assert_probe_agrees(IF_A);
	struct node_if in = probe(IF_A);
	assert_int_equal(in.naddrs, 2);
	assert_string_equal(in.addrs[0], "198.51.100.7/24");
	assert_string_equal(in.addrs[1], "203.0.113.5/28");

	for (int i = 0; i < 2; i++) {
		assert_int_equal(call(node->ops->addr_set(node, IF_A, "198.51.100.7/24", false, err,
							  sizeof(err))),
				 0);
		a = ip_addrs(IF_A);
		assert_string_equal(a, "203.0.113.5/28\n");
		free(a);
		assert_probe_agrees(IF_A);
	}
	/* the same address with another prefix is another address: not removed */
	assert_int_equal(
		call(node->ops->addr_set(node, IF_A, "203.0.113.5/24", false, err, sizeof(err))),
		0);
	a = ip_addrs(IF_A);
	assert_string_equal(a, "203.0.113.5/28\n");
	free(a);
	assert_int_equal(
		call(node->ops->addr_set(node, IF_A, "203.0.113.5/28", false, err, sizeof(err))),
		0);
	a = ip_addrs(IF_A);
	assert_string_equal(a, "");
	free(a);

	/* nothing to remove from an interface that is not there; adding to it is an error */
	assert_int_equal(
		node->ops->addr_set(node, IF_NONE, "198.51.100.7/24", false, err, sizeof(err)), 0);
	assert_true(node->ops->addr_set(node, IF_NONE, "198.51.100.7/24", true, err, sizeof(err)) <
		    0);
	assert_non_null(strstr(err, IF_NONE));
	const char *bad[] = { "198.51.100.7",	     "198.51.100.7/33",
			      "198.51.100.7/",	     "1.2.3/24",
			      "198.51.100.7/24x",    "2001:db8::1/129",
			      "198.51.100.7/\x1b[2J" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(node->ops->addr_set(node, IF_A, bad[i], true, err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "a.b.c.d/len"));
		assert_null(strchr(err, '\x1b'));
	}
}

/* IPv6 link-local as rollback restores it: the address generation mode and an fe80:: address */
static void test_ipv6_link_local(void **state)
{
	(void)state;
	sh("ip link set %s up", IF_A);
	assert_int_equal(call(node->ops->addrgenmode_set(node, IF_A, 1, err, sizeof(err))), 0);
	char *mode = run("cat /proc/sys/net/ipv6/conf/%s/addr_gen_mode", IF_A);
	assert_string_equal(mode, "1\n");
	free(mode);
	assert_int_equal(probe(IF_A).addr_gen_mode, 1);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(call(node->ops->addr_set(node, IF_A, "fe80::5a:7ff:fe07:99/64",
							  true, err, sizeof(err))),
				 0);
		char *a = run("ip -6 -o addr show dev %s scope link | awk '{print $4}'", IF_A);
		assert_non_null(strstr(a, "fe80::5a:7ff:fe07:99/64"));
		free(a);
	}
	struct node_if in = probe(IF_A);
	bool seen = false;
	for (size_t i = 0; i < in.naddrs6; i++)
		seen |= strcmp(in.addrs6[i], "fe80::5a:7ff:fe07:99/64") == 0;
	assert_true(seen);
	assert_int_equal(in.naddrs, 0); /* IPv6 is not among the IPv4 addresses */
	assert_int_equal(call(node->ops->addr_set(node, IF_A, "fe80::5a:7ff:fe07:99/64", false, err,
						  sizeof(err))),
			 0);
	char *a = run("ip -6 -o addr show dev %s scope link | awk '{print $4}'", IF_A);
	assert_null(strstr(a, "fe80::5a:7ff:fe07:99/64"));
	free(a);
	assert_int_equal(call(node->ops->addrgenmode_set(node, IF_A, 0, err, sizeof(err))), 0);
	assert_int_equal(probe(IF_A).addr_gen_mode, 0);
	assert_true(node->ops->addrgenmode_set(node, IF_A, 7, err, sizeof(err)) < 0);
}

static void test_mtu_set(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(call(node->ops->mtu_set(node, IF_A, 1400, err, sizeof(err))), 0);
		assert_int_equal(ip_mtu(IF_A), 1400);
		assert_probe_agrees(IF_A);
	}
	assert_int_equal(call(node->ops->mtu_set(node, IF_A, 9000, err, sizeof(err))), 0);
	assert_int_equal(ip_mtu(IF_A), 9000);
	assert_int_equal(probe(IF_A).mtu, 9000);
	if (have_veth) { /* veth refuses an MTU below 68 */
		err[0] = '\0';
		assert_true(node->ops->mtu_set(node, IF_A, 10, err, sizeof(err)) < 0);
		assert_non_null(strstr(err, IF_A));
		assert_non_null(strstr(err, "MTU 10"));
		assert_int_equal(ip_mtu(IF_A), 9000);
	}
	assert_int_equal(call(node->ops->mtu_set(node, IF_A, 1500, err, sizeof(err))), 0);
	assert_int_equal(ip_mtu(IF_A), 1500);
	assert_true(node->ops->mtu_set(node, IF_NONE, 1500, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, IF_NONE));
}

static void test_link_set(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(call(node->ops->link_set(node, IF_A, true, err, sizeof(err))), 0);
		assert_true(ip_flag(IF_A, "UP"));
		assert_true(probe(IF_A).up);
		assert_probe_agrees(IF_A);
	}
	if (have_veth) {
		/* the far end down: up but no carrier; the far end up: carrier */
		sh("ip link set %s down", IF_B);
		assert_false(probe(IF_A).carrier);
		assert_probe_agrees(IF_A);
		sh("ip link set %s up", IF_B);
		assert_true(probe(IF_A).carrier);
		assert_probe_agrees(IF_A);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(call(node->ops->link_set(node, IF_A, false, err, sizeof(err))), 0);
		assert_false(ip_flag(IF_A, "UP"));
		struct node_if in = probe(IF_A);
		assert_false(in.up);
		assert_false(in.carrier);
		assert_probe_agrees(IF_A);
	}
	assert_true(node->ops->link_set(node, IF_NONE, true, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, IF_NONE));
}

/* ---- files ---- */

static void path_of(char *out, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", tmp, name);
}

static void test_file_roundtrip(void **state)
{
	(void)state;
	char path[PATH_MAX];
	path_of(path, "50-cable.yaml");
	size_t len = 70000;
	char *data = malloc(len);
	assert_non_null(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)((i * 131 + (i >> 8)) & 0xff); /* NULs, \n, \r, 0xff, ... */
	data[0] = '\0';
	data[len - 1] = '\n';

	struct node_file f;
	assert_int_equal(call(node->ops->file_read(node, path, &f, err, sizeof(err))), 0);
	assert_false(f.exists);
	node_file_free(&f);

	assert_int_equal(call(node->ops->file_write(node, path, data, len, 0600, err, sizeof(err))),
			 0);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 0);
	assert_int_equal(st.st_size, (off_t)len);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *back = malloc(len + 1);
	assert_non_null(back);
	assert_int_equal(fread(back, 1, len + 1, fp), len);
	fclose(fp);
	assert_memory_equal(back, data, len);
	free(back);

	assert_int_equal(call(node->ops->file_read(node, path, &f, err, sizeof(err))), 0);
	assert_true(f.exists);
	assert_int_equal(f.mode, 0600);
	assert_int_equal(f.data.len, len);
	assert_memory_equal(f.data.data, data, len);
	node_file_free(&f);

	/* replaced: new content and mode, no temporary file left beside it */
	assert_int_equal(call(node->ops->file_write(node, path, "a\0b", 3, 0644, err, sizeof(err))),
			 0);
	assert_int_equal(call(node->ops->file_read(node, path, &f, err, sizeof(err))), 0);
	assert_true(f.exists);
	assert_int_equal(f.mode, 0644);
	assert_int_equal(f.data.len, 3);
	assert_memory_equal(f.data.data, "a\0b", 3);
	node_file_free(&f);
	struct buf names;
	buf_init(&names);
	assert_int_equal(call(node->ops->dir_list(node, tmp, &names, err, sizeof(err))), 0);
	assert_string_equal(names.data, "50-cable.yaml\n");
	buf_free(&names);

	/* an empty file exists and is empty */
	assert_int_equal(call(node->ops->file_write(node, path, "", 0, 0600, err, sizeof(err))), 0);
	assert_int_equal(call(node->ops->file_read(node, path, &f, err, sizeof(err))), 0);
	assert_true(f.exists);
	assert_int_equal(f.data.len, 0);
	node_file_free(&f);

	for (int i = 0; i < 2; i++) { /* removing a missing file succeeds */
		assert_int_equal(call(node->ops->file_remove(node, path, err, sizeof(err))), 0);
		assert_int_equal(lstat(path, &st), -1);
		assert_int_equal(errno, ENOENT);
	}
	assert_int_equal(call(node->ops->file_read(node, path, &f, err, sizeof(err))), 0);
	assert_false(f.exists);
	node_file_free(&f);

	/* larger than 1 MiB: refused with a sentence, not truncated */
	char big[PATH_MAX];
	path_of(big, "big");
	fp = fopen(big, "wb");
	assert_non_null(fp);
	for (size_t i = 0; i < (1u << 20) / len + 1; i++)
		assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	assert_true(node->ops->file_read(node, big, &f, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "1 MiB"));
	node_file_free(&f);
	unlink(big);
	free(data);
}

static void test_file_refuses_links(void **state)
{
	(void)state;
	char target[PATH_MAX], link[PATH_MAX], fifo[PATH_MAX];
	path_of(target, "target.yaml");
	path_of(link, "link.yaml");
	path_of(fifo, "fifo.yaml");
	sh("printf 'network: {}\\n' > %s", target);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);

	struct node_file f;
	err[0] = '\0';
	assert_true(node->ops->file_read(node, link, &f, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "symbolic link"));
	assert_non_null(strstr(err, "link.yaml"));
	node_file_free(&f);
	err[0] = '\0';
	assert_true(node->ops->file_write(node, link, "x", 1, 0600, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "symbolic link"));
	err[0] = '\0';
	assert_true(node->ops->file_remove(node, link, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "symbolic link"));
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode)); /* untouched, and so is what it points to */
	char *t = run("cat %s", target);
	assert_string_equal(t, "network: {}\n");
	free(t);

	err[0] = '\0';
	assert_true(node->ops->file_read(node, fifo, &f, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "not a regular file"));
	node_file_free(&f);
	assert_true(node->ops->file_write(node, fifo, "x", 1, 0600, err, sizeof(err)) < 0);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	unlink(link);
	unlink(fifo);
	unlink(target);
}

static void test_dir_list(void **state)
{
	(void)state;
	char dir[PATH_MAX];
	path_of(dir, "netplan");
	sh("mkdir %s && cd %s && printf 1 > b.yaml && printf 2 > a.yaml && : > 'c d' && : > .e && "
	   "mkdir sub && ln -s a.yaml z.yaml && mkfifo f && : > \"$(printf 'x\\ny')\"",
	   dir, dir);
	struct buf names;
	buf_init(&names);
	assert_int_equal(call(node->ops->dir_list(node, dir, &names, err, sizeof(err))), 0);
	assert_string_equal(names.data, ".e\na.yaml\nb.yaml\nc d\n");
	buf_free(&names);
	sh("rm -rf %s", dir);
	buf_init(&names);
	assert_int_equal(call(node->ops->dir_list(node, dir, &names, err, sizeof(err))), 0);
	assert_non_null(names.data);
	assert_string_equal(names.data, "");
	buf_free(&names);
}

/* ---- the SSH session ---- */

static void session(char *ifname)
{
	assert_int_equal(call(node->ops->session_if(node, ifname, 16, err, sizeof(err))), 0);
}

static void test_session_if(void **state)
{
	(void)state;
	char ifname[16];
	assert_int_equal(
		call(node->ops->addr_set(node, IF_A, "198.51.100.9/24", true, err, sizeof(err))),
		0);
	sh("ip -6 addr add 2001:db8::9/64 dev %s nodad", IF_A);
	setenv("SSH_CONNECTION", "198.51.100.1 50022 198.51.100.9 22", 1);
	session(ifname);
	assert_string_equal(ifname, IF_A);
	setenv("SSH_CONNECTION", "2001:db8::1 50022 2001:db8::9 22", 1);
	session(ifname);
	assert_string_equal(ifname, IF_A);
	setenv("SSH_CONNECTION", "::ffff:198.51.100.1 50022 ::ffff:198.51.100.9 22", 1);
	session(ifname);
	assert_string_equal(ifname, IF_A);
	setenv("SSH_CONNECTION", "198.51.100.1 50022 198.51.100.200 22", 1); /* not ours */
	session(ifname);
	assert_string_equal(ifname, "");
	setenv("SSH_CONNECTION", "garbage", 1);
	session(ifname);
	assert_string_equal(ifname, "");
	/* lo is down in this namespace: whatever session started ctest is not found here */
	unsetenv("SSH_CONNECTION");
	session(ifname);
	assert_string_equal(ifname, "");

	/* as under sudo: not in our environment, but in the shell's that started us */
	char out[PATH_MAX];
	path_of(out, "session.out");
	sh("env SSH_CONNECTION='198.51.100.1 50022 198.51.100.9 22' sh -c "
	   "'unset SSH_CONNECTION; \"$0\" --session-child > \"$1\"; r=$?; exit $r' %s %s",
	   self_exe, out);
	char *got = run("cat %s", out);
	assert_string_equal(got, "session_if=" IF_A "\n");
	free(got);
	unlink(out);

	sh("ip -6 addr del 2001:db8::9/64 dev %s", IF_A);
	assert_int_equal(
		call(node->ops->addr_set(node, IF_A, "198.51.100.9/24", false, err, sizeof(err))),
		0);
}

/* ---- netplan (a fake one: this tests our handling of the child, not netplan) ---- */

static void fake_netplan(const char *script)
{
	char bin[PATH_MAX], path[PATH_MAX];
	path_of(bin, "bin");
	mkdir(bin, 0755);
	snprintf(path, sizeof(path), "%s/netplan", bin);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n%s\n", script);
	fclose(fp);
	chmod(path, 0755);
}

static void test_netplan(void **state)
{
	(void)state;
	const char *old = getenv("PATH");
	char *saved = strdup(old ? old : "/usr/bin:/bin"), path[PATH_MAX * 2];
	assert_non_null(saved);
	snprintf(path, sizeof(path), "%s/bin:%s", tmp, saved);
	setenv("PATH", path, 1);

	fake_netplan("[ \"$1\" = generate ] && exit 0\n"
		     "printf 'fake netplan: cannot %s: \\033[31mred\\033[0m\\n  second line\\n' "
		     "\"$1\" >&2\n"
		     "echo 'to stdout, not in err'\n"
		     "exit 3");
	assert_int_equal(call(node->ops->netplan(node, "generate", err, sizeof(err))), 0);
	err[0] = '\0';
	assert_true(node->ops->netplan(node, "apply", err, sizeof(err)) < 0);
	print_message("err: %s\n", err);
	assert_non_null(strstr(err, "fake netplan: cannot apply: "));
	assert_non_null(strstr(err, "second line"));
	assert_non_null(strstr(err, "exit status 3"));
	assert_null(strstr(err, "to stdout"));
	assert_null(strchr(err, '\x1b'));
	assert_int_equal(node->ops->netplan(node, "try; rm -rf /", err, sizeof(err)), -EINVAL);

	/* stdin is /dev/null (it never waits for a terminal) */
	fake_netplan("echo \"stdin=$(readlink /proc/self/fd/0)\" >&2\nexit 1");
	assert_true(node->ops->netplan(node, "apply", err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "stdin=/dev/null"));

	/* a flood of error output neither blocks it nor overflows err */
	fake_netplan("head -c 300000 /dev/zero | tr '\\0' 'e' >&2\nexit 2");
	assert_true(node->ops->netplan(node, "apply", err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "exit status 2"));
	assert_true(strlen(err) < 1200);

	/* a child that hangs is stopped, by its PID, at the time limit */
	char pidfile[PATH_MAX], script[PATH_MAX + 64];
	path_of(pidfile, "netplan.pid");
	snprintf(script, sizeof(script), "echo $$ > %s\nexec sleep 30", pidfile);
	fake_netplan(script);
	setenv("SPARKLINK_NETPLAN_TIMEOUT_MS", "500", 1);
	err[0] = '\0';
	assert_int_equal(node->ops->netplan(node, "apply", err, sizeof(err)), -ETIMEDOUT);
	unsetenv("SPARKLINK_NETPLAN_TIMEOUT_MS");
	assert_non_null(strstr(err, "did not finish"));
	char *pid = run("cat %s", pidfile);
	assert_true(atoi(pid) > 1);
	assert_int_equal(kill(atoi(pid), 0), -1); /* gone, and reaped */
	assert_int_equal(errno, ESRCH);
	free(pid);

	/* no netplan at all */
	snprintf(path, sizeof(path), "%s/empty", tmp);
	mkdir(path, 0755);
	setenv("PATH", path, 1);
	assert_true(node->ops->netplan(node, "apply", err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "not installed"));
	setenv("PATH", saved, 1);
	free(saved);
}

/* Without root, a change is refused with a sentence saying to use sudo (a child that drops to
 * nobody; its own netlink socket, since a socket keeps the rights of whoever opened it). */
static void test_needs_root(void **state)
{
	(void)state;
	char path[PATH_MAX];
	path_of(path, "root-only");
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char e[512];
		int code = 0;
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		struct node *n = node_local_new(e, sizeof(e));
		if (!n)
			_exit(11);
		if (node_local_can_change())
			code |= 1;
		if (n->ops->addr_set(n, IF_A, "198.51.100.50/24", true, e, sizeof(e)) != -EPERM ||
		    !strstr(e, IF_A) || !strstr(e, "run sparklink with sudo"))
			code |= 2;
		if (n->ops->mtu_set(n, IF_A, 1280, e, sizeof(e)) != -EPERM ||
		    !strstr(e, "run sparklink with sudo"))
			code |= 4;
		if (n->ops->file_write(n, path, "x", 1, 0600, e, sizeof(e)) >= 0 ||
		    !strstr(e, "run sparklink with sudo"))
			code |= 8;
		node_free(n);
		_exit(code);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	char *a = ip_addrs(IF_A);
	assert_string_equal(a, "");
	free(a);
	assert_int_equal(ip_mtu(IF_A), 1500);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_hostname(void **state)
{
	(void)state;
	char h[256], want[256], raw[256];
	assert_int_equal(call(node->ops->hostname(node, h, sizeof(h), err, sizeof(err))), 0);
	assert_int_equal(gethostname(raw, sizeof(raw)), 0);
	text_clean(want, sizeof(want), raw, strlen(raw), TEXT_NAME);
	assert_string_equal(h, want);
	assert_true(h[0] != '\0');
	assert_true(node_local_can_change());
	assert_string_equal(node->host, "local");
	assert_string_equal(node->user, "");
}

/* ---- setup ---- */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	str_copy(tmp, "/tmp/sparklink-node-local-XXXXXX", sizeof(tmp));
	if (!mkdtemp(tmp))
		return -1;
	have_veth = system("ip link add " IF_A " type veth peer name " IF_B " 2>/dev/null") == 0;
	if (!have_veth && system("ip link add " IF_A " type dummy") != 0) {
		print_error("cannot create a veth pair or a dummy interface\n");
		return -1;
	}
	if (have_veth && system("ip link set " IF_B " up") != 0)
		return -1;
	node = node_local_new(err, sizeof(err));
	if (!node) {
		print_error("node_local_new: %s\n", err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	node_free(node);
	node = NULL;
	if (system("ip link del " IF_A " 2>/dev/null") != 0)
		print_message("note: %s was already gone\n", IF_A);
	if (tmp[0])
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Only lo: a namespace of our own, where adding interfaces touches nothing else. */
static bool fresh_namespace(void)
{
	struct if_nameindex *ifs = if_nameindex();
	if (!ifs)
		return false;
	bool fresh = true;
	for (struct if_nameindex *i = ifs; i->if_index; i++)
		fresh = fresh && strcmp(i->if_name, "lo") == 0;
	if_freenameindex(ifs);
	return fresh;
}

/* The child of test_session_if: its parent shell has SSH_CONNECTION, it has not. */
static int session_child(void)
{
	char e[256], ifname[16];
	struct node *n = node_local_new(e, sizeof(e));
	if (!n || getenv("SSH_CONNECTION"))
		return 1;
	int r = n->ops->session_if(n, ifname, sizeof(ifname), e, sizeof(e));
	node_free(n);
	printf("session_if=%s\n", r == 0 ? ifname : e);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--session-child") == 0)
		return session_child();
	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: test_node_local changes interfaces: it needs root\n");
		return 77;
	}
	if (!fresh_namespace()) {
		fprintf(stderr, "SKIP: run test_node_local in a fresh network namespace "
				"(unshare -n, as CTest does)\n");
		return 77;
	}
	if (system("ip -V >/dev/null 2>&1") != 0) {
		fprintf(stderr, "SKIP: test_node_local needs ip (iproute2)\n");
		return 77;
	}
	ssize_t l = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (l <= 0)
		return 1;
	self_exe[l] = '\0';
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_missing),	   cmocka_unit_test(test_addr_set),
		cmocka_unit_test(test_ipv6_link_local),	   cmocka_unit_test(test_mtu_set),
		cmocka_unit_test(test_link_set),	   cmocka_unit_test(test_file_roundtrip),
		cmocka_unit_test(test_file_refuses_links), cmocka_unit_test(test_dir_list),
		cmocka_unit_test(test_session_if),	   cmocka_unit_test(test_netplan),
		cmocka_unit_test(test_needs_root),	   cmocka_unit_test(test_hostname),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
