/* launch_files.c: the env files (the same bytes on every node), written as the user here and over
 * the pairing's SSH on the peers. */
#include "core/jobs/launch_files.h"
#include "core/base/files.h"
#include "core/base/json.h"
#include "core/base/text.h"
#include "core/node/node.h"
#include "core/node/node_remote.h"
#include "core/node/node_remote_user.h"
#include "core/jobs/job.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char PER_NODE[] = "VLLM_HOST_IP";

void launch_envs_make(const struct launch_plan *plan, const struct launch_opts *o,
		      const struct launch_env *self, const struct launch_facts *facts,
		      struct launch_env envs[LAUNCH_MAX_NODES], struct buf *warnings)
{
	for (size_t n = 0; n < LAUNCH_MAX_NODES; n++)
		launch_env_init(&envs[n]);
	for (size_t n = 0; n < plan->nnodes; n++) {
		if ((int)n == plan->self)
			continue;
		const struct launch_facts *f = facts ? &facts[n] : NULL;
		if (f && !f->boot_if[0] && !f->hcas[0])
			f = NULL;
		char err[300];
		if (launch_env_peer(plan, n, o, self, f, &envs[n], err, sizeof(err)) < 0)
			buf_printf(warnings,
				   "%s: %s; its values are left out of the files (run `sparklink "
				   "env --write` there too)\n",
				   plan->nodes[n].name, err);
	}
}

static const struct launch_env *env_of(const struct launch_env *self, const struct launch_env *envs,
				       const struct launch_plan *p, size_t n)
{
	if ((int)n == p->self)
		return self;
	return envs[n].nvars ? &envs[n] : NULL;
}

/* Does the variable have the same value on every node known? VLLM_HOST_IP never does. */
static bool shared(const char *name, const struct launch_env *self, const struct launch_env *envs,
		   const struct launch_plan *p)
{
	if (strcmp(name, PER_NODE) == 0)
		return false;
	const char *mine = launch_env_get(self, name);
	for (size_t n = 0; n < p->nnodes; n++) {
		const struct launch_env *e = env_of(self, envs, p, n);
		const char *v = e ? launch_env_get(e, name) : NULL;
		if (e && (!v || !mine || strcmp(v, mine) != 0))
			return false;
	}
	return true;
}

static void add_file(struct launch_files *f, const char *name)
{
	str_copy(f->names[f->n], name, sizeof(f->names[0]));
	buf_init(&f->data[f->n]);
	f->n++;
}

void launch_files_make(const struct launch_env *self, const struct launch_env *envs,
		       const struct launch_plan *plan, const struct launch_opts *o,
		       struct launch_files *f, struct buf *warnings)
{
	memset(f, 0, sizeof(*f));
	static const char *const names[] = { "hostfile", "env.sh", "env.list", "env.json" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		add_file(f, names[i]);
	if (self->hostfile.len)
		buf_add(&f->data[0], self->hostfile.data, self->hostfile.len);
	/* each node's hostfile: on a ring they differ */
	struct buf views[LAUNCH_MAX_NODES], ignore;
	buf_init(&ignore);
	bool differ = false;
	for (size_t n = 0; n < plan->nnodes; n++) {
		buf_init(&views[n]);
		launch_plan_hostfile(plan, n, o->slots, &views[n], &ignore);
		differ |= views[n].len != self->hostfile.len ||
			  (views[n].len &&
			   memcmp(views[n].data, self->hostfile.data, views[n].len) != 0);
	}
	buf_free(&ignore);
	for (size_t n = 0; differ && n < plan->nnodes; n++) {
		char name[80];
		snprintf(name, sizeof(name), "hostfile.%s", plan->nodes[n].name);
		add_file(f, name);
		if (views[n].len)
			buf_add(&f->data[f->n - 1], views[n].data, views[n].len);
	}
	struct buf *sh = &f->data[1], *list = &f->data[2], *js = &f->data[3];
	buf_puts(sh, "# written by sparklink env: the same on every node of the plan\n");
	buf_puts(list, "# written by sparklink env: the same on every node of the plan\n");
	struct json j;
	json_init(&j, js, true);
	json_object_begin(&j, NULL);
	launch_env_json_hostfile(self, &j);
	json_object_begin(&j, "env");
	bool per_node[LAUNCH_MAX_VARS] = { false };
	for (size_t i = 0; i < self->nvars; i++) {
		const char *name = self->vars[i].name, *v = self->vars[i].value;
		per_node[i] = !shared(name, self, envs, plan);
		if (per_node[i])
			continue;
		buf_printf(sh, "export %s='%s'\n", name, v);
		buf_printf(list, "%s=%s\n", name, v);
		json_string(&j, name, v);
	}
	json_object_end(&j);
	/* the per-node variables: a case on the host name in env.sh, a comment each in env.list */
	buf_printf(sh, "case \"$(hostname)\" in\n");
	for (size_t i = 0; i < self->nvars; i++) {
		if (!per_node[i])
			continue;
		buf_printf(list, "# %s differs per node: docker run -e %s=...:", self->vars[i].name,
			   self->vars[i].name);
		for (size_t n = 0; n < plan->nnodes; n++) {
			const struct launch_env *e = env_of(self, envs, plan, n);
			if (e)
				buf_printf(list, " %s %s", plan->nodes[n].name,
					   launch_env_get(e, self->vars[i].name));
		}
		buf_puts(list, "\n");
	}
	json_object_begin(&j, "nodes");
	for (size_t n = 0; n < plan->nnodes; n++) {
		const struct launch_env *e = env_of(self, envs, plan, n);
		const char *name = plan->nodes[n].name;
		if (!e) {
			buf_printf(warnings,
				   "%s's own values (%s among them) are not known here: it is left "
				   "out of the files' per-node part\n",
				   name, PER_NODE);
			continue;
		}
		buf_printf(sh, "%s) export", name);
		json_object_begin(&j, name);
		for (size_t i = 0; i < self->nvars; i++) {
			if (!per_node[i])
				continue;
			const char *v = launch_env_get(e, self->vars[i].name);
			buf_printf(sh, " %s='%s'", self->vars[i].name, v);
			json_string(&j, self->vars[i].name, v);
		}
		buf_puts(sh, " ;;\n");
		json_object_end(&j);
	}
	json_object_end(&j);
	if (differ) {
		json_object_begin(&j, "hostfiles");
		for (size_t n = 0; n < plan->nnodes; n++)
			launch_env_json_lines(&j, plan->nodes[n].name, &views[n]);
		json_object_end(&j);
	}
	for (size_t n = 0; n < plan->nnodes; n++)
		buf_free(&views[n]);
	json_object_end(&j);
	buf_puts(js, "\n");
	buf_puts(sh, "esac\n");
}

void launch_files_free(struct launch_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		buf_free(&f->data[i]);
	f->n = 0;
}

void launch_files_list(const struct launch_files *f, char *out, size_t size)
{
	snprintf(out, size, "{");
	for (size_t i = 0; i < f->n; i++) {
		size_t l = strlen(out);
		snprintf(out + l, size - l, "%s%s", i ? "," : "", f->names[i]);
	}
	size_t l = strlen(out);
	snprintf(out + l, size - l, "}");
}

/* ---------------------------------------------------------------- here, as the user */

static int write_all(const struct launch_files *f, const char *dir, char *err, size_t errsize)
{
	char probe[PATH_MAX + 16];
	snprintf(probe, sizeof(probe), "%s/x", dir);
	if (dir_make_parents(probe) < 0 && errno != EEXIST) {
		snprintf(err, errsize, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errsize, "%s is not a directory", dir);
		return -1;
	}
	for (size_t i = 0; i < f->n; i++) {
		char path[PATH_MAX + 96];
		snprintf(path, sizeof(path), "%s/%s", dir, f->names[i]);
		if (file_replace(path, f->data[i].data ? f->data[i].data : "", f->data[i].len, 0644,
				 (uid_t)-1, (gid_t)-1, err, errsize) < 0)
			return -1;
	}
	return 0;
}

int launch_files_write(const struct launch_files *f, const char *dir, const struct ssh_user *user,
		       char *err, size_t errsize)
{
	if (geteuid() != 0 || user->uid == 0)
		return write_all(f, dir, err, errsize);
	/* root for a user: never write as root into the user's path; a child with only the
	 * user's rights writes, and says why it failed through a pipe */
	int p[2];
	if (pipe(p) < 0) {
		snprintf(err, errsize, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]), close(p[1]);
		snprintf(err, errsize, "cannot start a process: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		gid_t groups[64];
		int ng = (int)ARRAY_LEN(groups);
		char msg[512] = "";
		if (getgrouplist(user->name, user->gid, groups, &ng) < 0 ||
		    setgroups((size_t)ng, groups) < 0 ||
		    setresgid(user->gid, user->gid, user->gid) < 0 ||
		    setresuid(user->uid, user->uid, user->uid) < 0 || setresuid(0, 0, 0) == 0) {
			snprintf(msg, sizeof(msg), "could not drop to %s's rights", user->name);
		} else {
			umask(022);
			write_all(f, dir, msg, sizeof(msg)) < 0 ? (void)0 : (void)(msg[0] = '\0');
		}
		size_t l = strlen(msg);
		ssize_t w = write(p[1], msg, l);
		(void)w;
		_exit(l ? 1 : 0);
	}
	close(p[1]);
	char msg[512];
	ssize_t n = read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	msg[n > 0 ? n : 0] = '\0';
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	text_clean(err, errsize, msg, strlen(msg), 0);
	if (!err[0])
		snprintf(err, errsize, "the files were not written");
	return -1;
}

/* ---------------------------------------------------------------- on the peers */

/* $1 the sysfs root for the RDMA tree, $2 the management address ("-": none), then each planned
 * rail's interface and address: "down IF" / "noaddr IF A" for a rail that does not hold, "boot
 * IF" for the interface holding the management address, "dev IBDEV PCI NETDEV CARRIER" for
 * each RDMA device's netdev. */
static const char PEER_CHECK[] =
	"LC_ALL=C; export LC_ALL\n"
	"root=$1; mg=$2; shift 2\n"
	"while [ $# -ge 2 ]; do\n"
	"  i=$1; a=$2; shift 2\n"
	"  [ \"$(cat /sys/class/net/$i/carrier 2>/dev/null)\" = 1 ] || echo \"down $i\"\n"
	"  ip -o -4 addr show dev \"$i\" 2>/dev/null | grep -qF \" $a/\" || echo \"noaddr $i $a\"\n"
	"done\n"
	"[ \"$mg\" = - ] || ip -o -4 addr show | while read -r _ i _ a _; do\n"
	"  [ \"${a%%/*}\" = \"$mg\" ] && echo \"boot ${i%%@*}\"\n"
	"done\n"
	"for d in \"$root\"/class/infiniband/*; do\n"
	"  [ -e \"$d/device\" ] || continue\n"
	"  p=$(readlink -f \"$d/device\"); p=${p##*/}\n"
	"  for n in \"$d\"/device/net/*; do\n"
	"    [ -e \"$n\" ] || continue; i=${n##*/}\n"
	"    c=$(cat /sys/class/net/$i/carrier 2>/dev/null)\n"
	"    echo \"dev ${d##*/} $p $i ${c:-0}\"\n"
	"  done\n"
	"done\n";

static bool plain(const char *s)
{
	return s[0] &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") ==
		       strlen(s);
}

/* Append item to a comma list once */
static void list_add(char *list, size_t size, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ",");
		if (l == n && strncmp(p, item, n) == 0)
			return;
		p += l + (p[l] ? 1 : 0);
	}
	size_t len = strlen(list);
	snprintf(list + len, size - len, "%s%s", len ? "," : "", item);
}

int launch_facts_parse(const char *text, size_t len, const struct launch_node *node,
		       const char *name, struct launch_facts *f, char *why, size_t whysize)
{
	memset(f, 0, sizeof(*f));
	char *clean = xcalloc(1, len * 3 + 1);
	text_clean(clean, len * 3 + 1, text ? text : "", len, TEXT_LINES);
	struct dev {
		char ibdev[64], pci[32], netdev[16];
		bool carrier;
	} *devs = xcalloc(64, sizeof(*devs));
	size_t ndevs = 0;
	int rc = 0;
	for (char *save, *line = strtok_r(clean, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char a[16], b[64] = "", c[64] = "", d[64] = "", e[16] = "";
		int k = sscanf(line, "%15s %63s %63s %63s %15s", a, b, c, d, e);
		if (k < 2)
			continue;
		if (strcmp(a, "down") == 0 && text_is_ifname(b)) {
			snprintf(why, whysize, "%s on %s is down (no carrier)", b, name);
			rc = -1;
		} else if (strcmp(a, "noaddr") == 0 && text_is_ifname(b) && k >= 3 && plain(c)) {
			snprintf(why, whysize, "%s on %s does not have its planned address %s", b,
				 name, c);
			rc = -1;
		} else if (strcmp(a, "boot") == 0 && text_is_ifname(b) && !f->boot_if[0]) {
			str_copy(f->boot_if, b, sizeof(f->boot_if));
		} else if (strcmp(a, "dev") == 0 && k == 5 && ndevs < 64 && plain(b) &&
			   strlen(b) < sizeof(devs[0].ibdev) && plain(c) &&
			   strlen(c) < sizeof(devs[0].pci) && text_is_ifname(d)) {
			str_copy(devs[ndevs].ibdev, b, sizeof(devs[0].ibdev));
			str_copy(devs[ndevs].pci, c, sizeof(devs[0].pci));
			str_copy(devs[ndevs].netdev, d, sizeof(devs[0].netdev));
			devs[ndevs].carrier = strcmp(e, "1") == 0;
			ndevs++;
		}
	}
	/* NCCL_IB_HCA: for each rail, its device and its twin's (the same "BB:SS.F" after the
	 * PCI domain) */
	for (size_t r = 0; rc == 0 && r < node->nrails; r++) {
		const struct dev *mine = NULL;
		for (size_t k = 0; k < ndevs; k++)
			if (strcmp(devs[k].netdev, node->rails[r].ifname) == 0)
				mine = &devs[k];
		if (!mine) {
			snprintf(why, whysize, "%s on %s has no RDMA device: NCCL cannot use it",
				 node->rails[r].ifname, name);
			rc = -1;
			break;
		}
		/* the port's twins in PCI order (domain 0000 first), as this node lists its own */
		const char *fn = strchr(mine->pci, ':');
		size_t port[64], np = 0;
		for (size_t k = 0; k < ndevs; k++) {
			const char *fk = strchr(devs[k].pci, ':');
			if (&devs[k] != mine && (!fn || !fk || strcmp(fn, fk) != 0))
				continue;
			size_t at = np++;
			while (at > 0 && strcmp(devs[port[at - 1]].pci, devs[k].pci) > 0) {
				port[at] = port[at - 1];
				at--;
			}
			port[at] = k;
		}
		for (size_t q = 0; q < np; q++) {
			const struct dev *d = &devs[port[q]];
			if (!d->carrier) {
				snprintf(
					why, whysize,
					"%s on %s, the twin of %s, is down: the port would carry half",
					d->netdev, name, node->rails[r].ifname);
				rc = -1;
			}
			list_add(f->hcas, sizeof(f->hcas), d->ibdev);
		}
	}
	free(devs);
	free(clean);
	return rc;
}

/* Connect to peer k, check its rails and read its facts: the session, or NULL with why. */
static struct node *peer_check(struct worker *w, struct launch_write_job *job, size_t k,
			       struct launch_facts *f, char *why, size_t size)
{
	const struct launch_peer *p = &job->peers[k];
	const struct launch_node *nd = &job->plan->nodes[p->node];
	job_progress(w, "Connecting to %s (%s) as %s", p->name, p->address, job->user.name);
	struct remote_opts o = {
		.port = 22,
		.local = job->user,
		.timeout_s = job->timeout_s,
		.w = w,
		.read_only = true,
	};
	str_copy(o.address, p->address, sizeof(o.address));
	o.names[o.nnames++] = p->address;
	char err[1024], said[256];
	struct node *n = node_remote_new(&o, err, sizeof(err));
	if (!n) {
		str_copy(why, err, size);
		return NULL;
	}
	const char *args[2 + 2 * LAUNCH_MAX_RAILS];
	size_t na = 0;
	args[na++] = job->sysfs_root;
	args[na++] = nd->mgmt_addr[0] ? nd->mgmt_addr : "-";
	for (size_t i = 0; i < nd->nrails; i++) {
		if (!text_is_ifname(nd->rails[i].ifname) || !nd->rails[i].addr[0])
			continue;
		args[na++] = nd->rails[i].ifname;
		args[na++] = nd->rails[i].addr;
	}
	struct buf out;
	buf_init(&out);
	int rc = node_remote_user_run(n, PEER_CHECK, args, na, 0, &out, said, sizeof(said), err,
				      sizeof(err));
	if (rc != 0)
		snprintf(why, size, "%s", rc < 0 ? err : said[0] ? said : "the check failed");
	else
		rc = launch_facts_parse(out.data, out.len, nd, p->name, f, why, size);
	if (rc == 0 && job->opts.bootstrap == LAUNCH_BOOT_MGMT && nd->mgmt_addr[0] &&
	    !f->boot_if[0]) {
		snprintf(why, size, "no interface on %s holds its management address %s", p->name,
			 nd->mgmt_addr);
		rc = -1;
	}
	buf_free(&out);
	if (rc != 0) {
		node_free(n);
		return NULL;
	}
	return n;
}

void launch_write_job_free(struct launch_write_job *job)
{
	if (job->files_made)
		launch_files_free(&job->files);
	job->files_made = false;
	buf_free(&job->warnings);
}

void launch_write_job_run(struct worker *w, void *arg)
{
	struct launch_write_job *job = arg;
	job->failed = 0;
	job->files_made = false;
	buf_init(&job->warnings);
	struct node *nodes[LAUNCH_MAX_NODES] = { NULL };
	struct launch_facts *facts = xcalloc(LAUNCH_MAX_NODES, sizeof(*facts));
	char why[512], line[1400], sum[200];
	size_t bad = 0;
	for (size_t k = 0; k < job->npeers && !worker_cancelled(w); k++) {
		const struct launch_peer *p = &job->peers[k];
		why[0] = '\0';
		nodes[k] = peer_check(w, job, k, &facts[p->node], why, sizeof(why));
		if (!nodes[k]) {
			snprintf(line, sizeof(line), "%s: not written: %s", p->name, why);
			job_result(w, (int)k, false, line);
			bad++;
		}
	}
	if (bad || worker_cancelled(w)) {
		job->failed = (int)job->npeers;
		snprintf(sum, sizeof(sum),
			 "%zu of %zu peer%s did not hold: nothing was written on any node", bad,
			 job->npeers, job->npeers == 1 ? "" : "s");
		goto out;
	}
	/* every node's values, then the same files for all */
	struct launch_env *envs = xcalloc(LAUNCH_MAX_NODES, sizeof(*envs));
	launch_envs_make(job->plan, &job->opts, job->self, facts, envs, &job->warnings);
	launch_files_make(job->self, envs, job->plan, &job->opts, &job->files, &job->warnings);
	for (size_t n = 0; n < LAUNCH_MAX_NODES; n++)
		launch_env_free(&envs[n]);
	free(envs);
	job->files_made = true;
	char list[400];
	launch_files_list(&job->files, list, sizeof(list));
	for (size_t k = 0; k < job->npeers; k++) {
		const struct launch_peer *p = &job->peers[k];
		bool ok = true;
		for (size_t i = 0; ok && i < job->files.n; i++) {
			char rel[PATH_MAX + 96];
			snprintf(rel, sizeof(rel), "%s/%s", job->rel, job->files.names[i]);
			if (node_remote_user_file_put(
				    nodes[k], rel,
				    job->files.data[i].data ? job->files.data[i].data : "",
				    job->files.data[i].len, 0644, why, sizeof(why)) < 0)
				ok = false;
		}
		if (ok)
			snprintf(line, sizeof(line), "%s: ~/%s/%s", p->name, job->rel, list);
		else
			snprintf(line, sizeof(line), "%s: not written: %s", p->name, why);
		job_result(w, (int)k, ok, line);
		job->failed += !ok;
	}
	snprintf(sum, sizeof(sum), "the files are on %zu of %zu peer%s",
		 job->npeers - (size_t)job->failed, job->npeers, job->npeers == 1 ? "" : "s");
out:
	for (size_t k = 0; k < LAUNCH_MAX_NODES; k++)
		node_free(nodes[k]);
	free(facts);
	job_done(w, job->failed ? 1 : 0, sum);
}
