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

/* node n's VLLM_HOST_IP, or "" when not known here */
static const char *host_ip(const struct launch_env *e, const struct launch_plan *plan,
			   const struct launch_opts *o, size_t n)
{
	if ((int)n == plan->self) {
		for (size_t i = 0; i < e->nvars; i++)
			if (strcmp(e->vars[i].name, PER_NODE) == 0)
				return e->vars[i].value;
		return "";
	}
	const struct launch_node *nd = &plan->nodes[n];
	if (o->bootstrap == LAUNCH_BOOT_MGMT)
		return nd->mgmt_addr;
	return nd->nrails ? nd->rails[0].addr : "";
}

void launch_files_make(const struct launch_env *e, const struct launch_plan *plan,
		       const struct launch_opts *o, struct launch_files *f, struct buf *warnings)
{
	static const char *const names[LAUNCH_NFILES] = { "hostfile", "env.sh", "env.list",
							  "env.json" };
	for (size_t i = 0; i < LAUNCH_NFILES; i++) {
		f->names[i] = names[i];
		buf_init(&f->data[i]);
	}
	if (e->hostfile.len)
		buf_add(&f->data[0], e->hostfile.data, e->hostfile.len);
	struct buf *sh = &f->data[1], *list = &f->data[2], *js = &f->data[3];
	buf_puts(sh, "# written by sparklink env: the same on every node of the plan\n");
	buf_puts(list, "# written by sparklink env: the same on every node of the plan\n");
	for (size_t i = 0; i < e->nvars; i++) {
		if (strcmp(e->vars[i].name, PER_NODE) == 0)
			continue;
		buf_printf(sh, "export %s='%s'\n", e->vars[i].name, e->vars[i].value);
		buf_printf(list, "%s=%s\n", e->vars[i].name, e->vars[i].value);
	}
	buf_printf(sh, "case \"$(hostname)\" in\n");
	buf_printf(list, "# %s differs per node: docker run -e %s=...:", PER_NODE, PER_NODE);
	struct json j;
	json_init(&j, js, true);
	json_object_begin(&j, NULL);
	launch_env_json_hostfile(e, &j);
	json_object_begin(&j, "env");
	for (size_t i = 0; i < e->nvars; i++)
		if (strcmp(e->vars[i].name, PER_NODE) != 0)
			json_string(&j, e->vars[i].name, e->vars[i].value);
	json_object_end(&j);
	json_object_begin(&j, "nodes");
	for (size_t n = 0; n < plan->nnodes; n++) {
		const char *ip = host_ip(e, plan, o, n), *name = plan->nodes[n].name;
		if (!ip[0]) {
			buf_printf(warnings,
				   "%s's %s is not known here (its management address): it is "
				   "left out of the files; run `sparklink env --write` on it too\n",
				   name, PER_NODE);
			continue;
		}
		buf_printf(sh, "%s) export %s='%s' ;;\n", name, PER_NODE, ip);
		buf_printf(list, " %s %s", name, ip);
		json_object_begin(&j, name);
		json_string(&j, PER_NODE, ip);
		json_object_end(&j);
	}
	json_object_end(&j);
	json_object_end(&j);
	buf_puts(js, "\n");
	buf_puts(sh, "esac\n");
	buf_puts(list, "\n");
}

void launch_files_free(struct launch_files *f)
{
	for (size_t i = 0; i < LAUNCH_NFILES; i++)
		buf_free(&f->data[i]);
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
	for (size_t i = 0; i < LAUNCH_NFILES; i++) {
		char path[PATH_MAX + 32];
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

/* Each planned rail: carrier, and its address there. Prints "down IF" / "noaddr IF A". */
static const char PEER_CHECK[] =
	"LC_ALL=C; export LC_ALL\n"
	"while [ $# -ge 2 ]; do\n"
	"  i=$1; a=$2; shift 2\n"
	"  [ \"$(cat /sys/class/net/$i/carrier 2>/dev/null)\" = 1 ] || echo \"down $i\"\n"
	"  ip -o -4 addr show dev \"$i\" 2>/dev/null | grep -qF \" $a/\" || echo \"noaddr $i $a\"\n"
	"done\n";

static bool peer_ok(struct worker *w, struct node *n, const struct launch_peer *p, char *why,
		    size_t size)
{
	const char *args[2 * LAUNCH_MAX_RAILS];
	size_t na = 0;
	for (size_t i = 0; i < p->node->nrails; i++) {
		if (!text_is_ifname(p->node->rails[i].ifname) || !p->node->rails[i].addr[0])
			continue;
		args[na++] = p->node->rails[i].ifname;
		args[na++] = p->node->rails[i].addr;
	}
	struct buf out;
	buf_init(&out);
	char said[256], err[512];
	int rc = node_remote_user_run(n, PEER_CHECK, args, na, 0, &out, said, sizeof(said), err,
				      sizeof(err));
	bool ok = rc == 0;
	if (rc != 0)
		snprintf(why, size, "%s", rc < 0 ? err : said[0] ? said : "the check failed");
	char clean[1024];
	text_clean(clean, sizeof(clean), out.data ? out.data : "", out.len, TEXT_LINES);
	buf_free(&out);
	for (char *save, *line = strtok_r(clean, "\n", &save); ok && line;
	     line = strtok_r(NULL, "\n", &save)) {
		char a[32], b[32], c[64] = "";
		if (sscanf(line, "%31s %31s %63s", a, b, c) < 2)
			continue;
		ok = false;
		if (strcmp(a, "down") == 0)
			snprintf(why, size, "%s on %s is down (no carrier)", b, p->name);
		else
			snprintf(why, size, "%s on %s does not have its planned address %s", b,
				 p->name, c);
	}
	(void)w;
	return ok;
}

void launch_write_job_run(struct worker *w, void *arg)
{
	struct launch_write_job *job = arg;
	job->failed = 0;
	for (size_t k = 0; k < job->npeers; k++) {
		const struct launch_peer *p = &job->peers[k];
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
		char err[1024], why[512] = "", line[1400];
		struct node *n = node_remote_new(&o, err, sizeof(err));
		bool ok = n != NULL;
		if (!n)
			str_copy(why, err, sizeof(why));
		if (ok)
			ok = peer_ok(w, n, p, why, sizeof(why));
		for (size_t i = 0; ok && i < LAUNCH_NFILES; i++) {
			char rel[PATH_MAX + 32];
			snprintf(rel, sizeof(rel), "%s/%s", job->rel, job->files->names[i]);
			if (node_remote_user_file_put(
				    n, rel,
				    job->files->data[i].data ? job->files->data[i].data : "",
				    job->files->data[i].len, 0644, why, sizeof(why)) < 0)
				ok = false;
		}
		node_free(n);
		if (ok)
			snprintf(line, sizeof(line), "%s: ~/%s/{hostfile,env.sh,env.list,env.json}",
				 p->name, job->rel);
		else
			snprintf(line, sizeof(line), "%s: not written: %s", p->name, why);
		job_result(w, (int)k, ok, line);
		job->failed += !ok;
	}
	char sum[200];
	snprintf(sum, sizeof(sum), "the files are on %zu of %zu peer%s", job->npeers - job->failed,
		 job->npeers, job->npeers == 1 ? "" : "s");
	job_done(w, job->failed ? 1 : 0, sum);
}
