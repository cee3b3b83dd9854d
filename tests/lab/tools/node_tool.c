/* node_tool.c: node operations (core/node/node.h) against this machine (`local`, node_local.c) or
 * the peer over SSH (`remote ADDR`, node_remote.c), printed for the lab tests
 * (tests/lab/test_node_remote.sh), so that both implementations are judged the same way.
 *
 *   node_tool [--password-given] [--read-only] [--timeout S] local|remote ADDR OP [ARGS] [+ OP..]
 *
 *   probe IF             exists/up/carrier/mtu/addr_gen_mode lines, then "addr A", "addr6 A"
 *   read PATH [OUT]      "missing" or "mode 0644 size N"; the content into OUT, byte for byte
 *   write PATH MODE IN   replace PATH with the bytes of the file IN, octal MODE
 *   remove PATH
 *   list DIR             the names, one per line
 *   addr add|del IF CIDR
 *   mtu IF N
 *   link IF up|down
 *   addrgenmode IF N
 *   netplan generate|apply
 *   session-if           "session-if NAME" (NAME empty when there is none)
 *   hostname             "hostname NAME"
 *   line-remove REL LINE "removed" or "absent" (remote only)
 *
 * The remote node asks for the sudo password through the worker: each question is answered with
 * a line of stdin (EOF: no answer, which cancels) and reported on stderr as "node_tool: sudo
 * password asked (try N)". With --password-given the first line of stdin is the password given
 * up front instead. Operations run in order and stop at the first failure.
 * Exit status: 0 done; 1 an operation failed ("node_tool: OP: ERROR (code -N)" on stderr);
 * 2 usage; 3 no node (the connection or login was refused: the sentence on stderr). */
#include "core/base/loop.h"
#include "core/node/node_local.h"
#include "core/node/node.h"
#include "core/node/node_remote.h"
#include "core/node/node_remote_user.h"
#include "core/ssh/sshfiles.h"
#include "core/base/util.h"
#include "core/base/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MSG_PASSWORD = 1 };

struct tool {
	bool remote, read_only, password_given;
	int timeout_s;
	char address[128];
	char **ops;
	int nops;
	struct ssh_user user;
	char password[512];
	struct loop *loop;
	struct worker *worker;
	int rc;
};

static int usage(void)
{
	fputs("usage: node_tool [--password-given] [--read-only] [--timeout S] local|remote ADDR "
	      "OP [ARGS] [+ OP [ARGS]]...\n",
	      stderr);
	return 2;
}

static int nargs_of(const char *op)
{
	static const struct {
		const char *name;
		int min, max;
	} t[] = {
		{ "probe", 1, 1 },	 { "read", 1, 2 },	 { "write", 3, 3 },
		{ "remove", 1, 1 },	 { "list", 1, 1 },	 { "addr", 3, 3 },
		{ "mtu", 2, 2 },	 { "link", 2, 2 },	 { "addrgenmode", 2, 2 },
		{ "netplan", 1, 1 },	 { "session-if", 0, 0 }, { "hostname", 0, 0 },
		{ "line-remove", 2, 2 },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (strcmp(op, t[i].name) == 0)
			return t[i].min * 16 + t[i].max;
	return -1;
}

static int read_file(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char chunk[8192];
	ssize_t n;
	buf_add(b, "", 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(b, chunk, (size_t)n);
	close(fd);
	return n < 0 ? -errno : 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n <= 0) {
			close(fd);
			return -EIO;
		}
		done += (size_t)n;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* One operation: argv[0] is its name. Returns 0 or the negative code. */
static int run_op(struct node *n, char **argv, int argc)
{
	char err[1024] = "";
	int r = 0;
	const char *op = argv[0];
	if (strcmp(op, "probe") == 0) {
		struct node_if i;
		r = n->ops->probe_if(n, argv[1], &i, err, sizeof(err));
		if (r == 0) {
			printf("exists %d\n", i.exists);
			if (i.exists) {
				printf("up %d\ncarrier %d\nmtu %u\naddr_gen_mode %d\n", i.up,
				       i.carrier, i.mtu, i.addr_gen_mode);
				for (size_t k = 0; k < i.naddrs; k++)
					printf("addr %s\n", i.addrs[k]);
				for (size_t k = 0; k < i.naddrs6; k++)
					printf("addr6 %s\n", i.addrs6[k]);
			}
		}
	} else if (strcmp(op, "read") == 0) {
		struct node_file f;
		r = n->ops->file_read(n, argv[1], &f, err, sizeof(err));
		if (r == 0 && !f.exists)
			printf("missing\n");
		else if (r == 0)
			printf("mode %04o size %zu\n", f.mode, f.data.len);
		if (r == 0 && f.exists && argc > 2 &&
		    write_file(argv[2], f.data.data, f.data.len) < 0) {
			snprintf(err, sizeof(err), "cannot write %s", argv[2]);
			r = -EIO;
		}
		node_file_free(&f);
	} else if (strcmp(op, "write") == 0) {
		struct buf data;
		buf_init(&data);
		char *end;
		unsigned long mode = strtoul(argv[2], &end, 8);
		if (*end || mode > 07777) {
			snprintf(err, sizeof(err), "bad mode %s", argv[2]);
			r = -EINVAL;
		} else if ((r = read_file(argv[3], &data)) < 0) {
			snprintf(err, sizeof(err), "cannot read %s", argv[3]);
		} else {
			r = n->ops->file_write(n, argv[1], data.data, data.len, (unsigned)mode, err,
					       sizeof(err));
		}
		buf_free(&data);
	} else if (strcmp(op, "remove") == 0) {
		r = n->ops->file_remove(n, argv[1], err, sizeof(err));
	} else if (strcmp(op, "list") == 0) {
		struct buf names;
		buf_init(&names);
		r = n->ops->dir_list(n, argv[1], &names, err, sizeof(err));
		if (r == 0 && names.len)
			fwrite(names.data, 1, names.len, stdout);
		buf_free(&names);
	} else if (strcmp(op, "addr") == 0) {
		bool add = strcmp(argv[1], "add") == 0;
		if (!add && strcmp(argv[1], "del") != 0)
			return usage();
		r = n->ops->addr_set(n, argv[2], argv[3], add, err, sizeof(err));
	} else if (strcmp(op, "mtu") == 0) {
		unsigned mtu = (unsigned)strtoul(argv[2], NULL, 10);
		r = n->ops->mtu_set(n, argv[1], mtu, err, sizeof(err));
	} else if (strcmp(op, "link") == 0) {
		r = n->ops->link_set(n, argv[1], strcmp(argv[2], "up") == 0, err, sizeof(err));
	} else if (strcmp(op, "addrgenmode") == 0) {
		r = n->ops->addrgenmode_set(n, argv[1], atoi(argv[2]), err, sizeof(err));
	} else if (strcmp(op, "netplan") == 0) {
		r = n->ops->netplan(n, argv[1], err, sizeof(err));
	} else if (strcmp(op, "session-if") == 0) {
		char ifname[64];
		r = n->ops->session_if(n, ifname, sizeof(ifname), err, sizeof(err));
		if (r == 0)
			printf("session-if %s\n", ifname);
	} else if (strcmp(op, "hostname") == 0) {
		char name[256];
		r = n->ops->hostname(n, name, sizeof(name), err, sizeof(err));
		if (r == 0)
			printf("hostname %s\n", name);
	} else if (strcmp(op, "line-remove") == 0) {
		bool removed = false;
		r = node_remote_user_line_remove(n, argv[1], argv[2], &removed, err, sizeof(err));
		if (r == 0)
			printf("%s\n", removed ? "removed" : "absent");
	}
	fflush(stdout);
	if (r < 0)
		fprintf(stderr, "node_tool: %s: %s (code %d)\n", op, err, r);
	return r;
}

/* Every operation in t->ops ("+" separates them). */
static int run_all(struct tool *t, struct node *n)
{
	for (int i = 0; i < t->nops;) {
		int j = i;
		while (j < t->nops && strcmp(t->ops[j], "+") != 0)
			j++;
		if (run_op(n, &t->ops[i], j - i) < 0)
			return 1;
		i = j + 1;
	}
	return 0;
}

static void job(struct worker *w, void *arg)
{
	struct tool *t = arg;
	struct remote_opts o = {
		.local = t->user,
		.timeout_s = t->timeout_s,
		.w = w,
		.password_kind = MSG_PASSWORD,
		.sudo_password = t->password_given ? t->password : NULL,
		.read_only = t->read_only,
	};
	str_copy(o.address, t->address, sizeof(o.address));
	char plain[128];
	str_copy(plain, t->address, sizeof(plain));
	char *pct = strchr(plain, '%');
	if (pct)
		*pct = '\0';
	o.names[o.nnames++] = plain;
	char err[1024] = "";
	struct node *n = node_remote_new(&o, err, sizeof(err));
	secret_wipe(t->password, sizeof(t->password));
	if (!n) {
		fprintf(stderr, "node_tool: %s\n", err);
		t->rc = 3;
		return;
	}
	if (strcmp(n->host, t->address) != 0 || strcmp(n->user, t->user.name) != 0) {
		fprintf(stderr, "node_tool: the node says host %s user %s\n", n->host, n->user);
		t->rc = 1;
	} else {
		t->rc = run_all(t, n);
	}
	node_free(n);
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct tool *t = owner;
	if (m->kind == WORKER_DONE) {
		loop_quit(t->loop, 0);
		return;
	}
	if (m->kind != MSG_PASSWORD || !m->question)
		return;
	fprintf(stderr, "node_tool: sudo password asked (try %d)\n", m->code);
	char pw[512] = "";
	if (fgets(pw, sizeof(pw), stdin))
		pw[strcspn(pw, "\r\n")] = '\0';
	else
		pw[0] = '\0';
	worker_answer(t->worker, pw);
	secret_wipe(pw, sizeof(pw));
}

int main(int argc, char **argv)
{
	struct tool t = { .timeout_s = 15 };
	int i = 1;
	for (; i < argc && str_starts(argv[i], "--"); i++) {
		if (strcmp(argv[i], "--password-given") == 0)
			t.password_given = true;
		else if (strcmp(argv[i], "--read-only") == 0)
			t.read_only = true;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			t.timeout_s = atoi(argv[++i]);
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	if (strcmp(argv[i], "remote") == 0) {
		if (i + 1 >= argc)
			return usage();
		t.remote = true;
		str_copy(t.address, argv[i + 1], sizeof(t.address));
		i += 2;
	} else if (strcmp(argv[i], "local") == 0) {
		i++;
	} else {
		return usage();
	}
	t.ops = &argv[i];
	t.nops = argc - i;
	if (!t.nops)
		return usage();
	for (int k = 0; k < t.nops;) { /* check every operation before doing anything */
		int j = k;
		while (j < t.nops && strcmp(t.ops[j], "+") != 0)
			j++;
		int n = nargs_of(t.ops[k]), got = j - k - 1;
		if (n < 0 || got < n / 16 || got > n % 16 ||
		    (!t.remote && strcmp(t.ops[k], "line-remove") == 0))
			return usage();
		k = j + 1;
	}
	signal(SIGPIPE, SIG_IGN);
	char err[1024] = "";
	if (!t.remote) {
		struct node *n = node_local_new(err, sizeof(err));
		if (!n) {
			fprintf(stderr, "node_tool: %s\n", err);
			return 3;
		}
		int rc = run_all(&t, n);
		node_free(n);
		return rc;
	}
	if (ssh_user_current(&t.user, err, sizeof(err)) < 0) {
		fprintf(stderr, "node_tool: %s\n", err);
		return 3;
	}
	if (t.password_given) {
		if (!fgets(t.password, sizeof(t.password), stdin)) {
			fprintf(stderr, "node_tool: --password-given: no line on stdin\n");
			return 2;
		}
		t.password[strcspn(t.password, "\r\n")] = '\0';
	}
	t.loop = loop_new();
	t.worker = worker_start(t.loop, job, &t, on_msg, &t);
	if (!t.worker) {
		fprintf(stderr, "node_tool: cannot start a thread\n");
		return 1;
	}
	loop_run(t.loop);
	worker_free(t.worker);
	loop_free(t.loop);
	secret_wipe(t.password, sizeof(t.password));
	return t.rc;
}
